//! The support console's API (`/api/console/`, engineers only): the queue, assignment and the
//! first-response report.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use support_rules::{Severity, SupportLevel, TicketType};

use crate::tickets::TicketStatus;
use crate::timeline::Deadline;

/// The account a queued ticket belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QueueAccount {
    pub id: i64,
    pub name: String,
    pub level: SupportLevel,
    /// The account has a Technical Success Manager.
    pub tsm: bool,
}

/// A support engineer, as the console names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Engineer {
    pub id: i64,
    pub name: String,
}

/// `GET /api/console/engineers`: every support engineer, by name, to assign a ticket to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Engineers {
    pub engineers: Vec<Engineer>,
}

/// One ticket of the queue, with its next deadline as of the answer's instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QueueTicket {
    pub id: i64,
    pub account: QueueAccount,
    #[serde(rename = "type")]
    pub kind: TicketType,
    pub severity: Option<Severity>,
    pub service: Option<String>,
    pub subject: String,
    pub status: TicketStatus,
    /// `null` while nobody has taken it.
    pub assignee: Option<Engineer>,
    /// Which deadline is next: the first response while none came, else the next update;
    /// `null` while paused.
    pub deadline: Option<Deadline>,
    /// That deadline's instant; `null` while paused.
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub due: Option<Timestamp>,
    /// The ticket waits for the customer's reply to a request for information.
    pub paused: bool,
    /// At most the policy's `lifecycle.warning_window` of business time is left before `due`,
    /// counted on the deadline's own calendar, and that calendar is open now.
    pub in_warning: bool,
    /// `due` has passed.
    pub breached: bool,
}

/// `GET /api/console/queue`: one page, earliest deadline first, paused tickets last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Queue {
    pub tickets: Vec<QueueTicket>,
    /// The cursor of the next page (`?cursor=`), `null` on the last page.
    pub next: Option<String>,
    /// The instant the marks are as of (`?at=`, or now).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub at: Timestamp,
}

/// `POST /api/console/tickets/{id}/assignee`: the engineer to assign, or `null` to unassign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub engineer_id: Option<i64>,
}

/// One row of the report: the tickets of one support level and severity opened in the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReportRow {
    pub level: SupportLevel,
    /// The incident's severity (questions count as the severity the policy answers them as);
    /// `null` for requests, whose target is their service's delivery time.
    pub severity: Option<Severity>,
    pub tickets: u64,
    /// First responses that came on time.
    pub first_responses_met: u64,
    /// First responses that came late, or have not come and are past due.
    pub first_responses_breached: u64,
    /// Of the first responses that came: the median time to them, in seconds of business time
    /// on their target's calendar; `null` when none came.
    pub median_first_response_seconds: Option<i64>,
    /// ... and the 90th percentile (nearest rank).
    pub p90_first_response_seconds: Option<i64>,
}

/// `GET /api/console/report?from=&to=`: every level × severity, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Report {
    /// The first day (UTC) of the range.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub from: Date,
    /// The last day (UTC), included.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub to: Date,
    pub rows: Vec<ReportRow>,
}

//! A ticket's life: its timeline of entries, and the bodies of the actions that add to it
//! (messages, solve, reopen, rating, severity changes, escalations).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use support_rules::Severity;

use crate::people::Role;

/// Who wrote an entry. Entries the server itself writes (closing a solved ticket, deadlines)
/// have no author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Author {
    pub name: String,
    pub role: Role,
}

/// One entry of `GET /api/tickets/{id}/timeline`, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TimelineEntry {
    pub id: i64,
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub at: Timestamp,
    /// `null` for what the server records itself.
    pub author: Option<Author>,
    #[serde(flatten)]
    pub entry: Entry,
}

/// What happened, with its own members; `type` names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Entry {
    Submitted,
    Approved,
    Rejected {
        reason: String,
    },
    /// An engineer's message the customer reads.
    PublicMessage {
        body: String,
    },
    /// An engineer's note to other engineers: never in any answer a customer gets.
    InternalNote {
        body: String,
    },
    /// An engineer's message that asks the customer for information: the update clock
    /// pauses until the customer answers.
    RequestForInformation {
        body: String,
    },
    CustomerMessage {
        body: String,
    },
    AttachmentAdded {
        name: String,
    },
    SeverityChanged {
        from: Severity,
        to: Severity,
        reason: String,
        by: Role,
    },
    Escalated {
        reason: EscalationReason,
        detail: Option<String>,
    },
    Solved,
    Reopened {
        reason: String,
    },
    /// Closed by the server once the reopening window had passed.
    Closed,
    Rated {
        score: u8,
        comment: Option<String>,
    },
    DeadlineMet {
        deadline: Deadline,
        /// 1 for the first response; the next updates count 1, 2, 3 … in order.
        number: u32,
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        due: Timestamp,
    },
    DeadlineBreached {
        deadline: Deadline,
        /// 1 for the first response; the next updates count 1, 2, 3 … in order.
        number: u32,
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        due: Timestamp,
    },
}

/// Which deadline a `deadline_met` or `deadline_breached` entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Deadline {
    FirstResponse,
    NextUpdate,
}

/// `GET /api/tickets/{id}/timeline`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Timeline {
    pub entries: Vec<TimelineEntry>,
}

/// `POST /api/tickets/{id}/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    /// 1 to 20,000 characters.
    pub body: String,
    /// Engineers only: a note for engineers, never shown to the customer.
    #[serde(default)]
    pub internal: bool,
    /// Engineers only: the message asks the customer for information.
    #[serde(default)]
    pub request_information: bool,
}

/// `POST /api/tickets/{id}/reopen`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Reopening {
    pub reason: String,
}

/// `POST /api/tickets/{id}/rating`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRating {
    /// 1 to 5.
    pub score: i64,
    #[serde(default)]
    pub comment: Option<String>,
}

/// `POST /api/tickets/{id}/severity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SeverityChange {
    pub severity: Severity,
    pub reason: String,
}

/// Why a customer escalates a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EscalationReason {
    /// The business impact grew: the customer should also phone support now.
    SeverityIncreased,
    /// The ticket is not handled appropriately; the detail says how.
    NotHandled,
}

impl EscalationReason {
    pub fn key(self) -> &'static str {
        match self {
            EscalationReason::SeverityIncreased => "severity_increased",
            EscalationReason::NotHandled => "not_handled",
        }
    }
}

/// `POST /api/tickets/{id}/escalations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewEscalation {
    pub reason: EscalationReason,
    /// Required for `not_handled`: 1 to 2,000 characters.
    #[serde(default)]
    pub detail: Option<String>,
}

//! Tickets: the body that files one, the ticket as the API answers it, and the list's page.

use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use support_rules::{Severity, SupportLevel, TicketType};

/// Where a ticket is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// Filed by someone who is not a technical contact: waits for a contact's approval, and
    /// its response clock has not started.
    PendingApproval,
    /// Its response clock runs; no engineer has answered yet.
    Open,
    /// A contact refused it, with a reason.
    Rejected,
    /// An engineer answered publicly (or the customer replied to a request for information).
    InProgress,
    /// An engineer asked the customer for information: the update clock is paused.
    WaitingForCustomer,
    /// Solved by the customer or an engineer; it may be reopened for a while.
    Solved,
    /// Closed once the reopening window passed; a follow-up is a new ticket.
    Closed,
}

impl TicketStatus {
    /// Every status, in the order of a ticket's life.
    pub const ALL: &'static [TicketStatus] = &[
        TicketStatus::PendingApproval,
        TicketStatus::Open,
        TicketStatus::Rejected,
        TicketStatus::InProgress,
        TicketStatus::WaitingForCustomer,
        TicketStatus::Solved,
        TicketStatus::Closed,
    ];

    /// The status as in the API and the database.
    pub fn key(self) -> &'static str {
        match self {
            TicketStatus::PendingApproval => "pending_approval",
            TicketStatus::Open => "open",
            TicketStatus::Rejected => "rejected",
            TicketStatus::InProgress => "in_progress",
            TicketStatus::WaitingForCustomer => "waiting_for_customer",
            TicketStatus::Solved => "solved",
            TicketStatus::Closed => "closed",
        }
    }

    /// The status of `key`, as [`TicketStatus::key`] writes it.
    pub fn from_key(key: &str) -> Option<TicketStatus> {
        TicketStatus::ALL.iter().copied().find(|s| s.key() == key)
    }
}

impl fmt::Display for TicketStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// `POST /api/tickets`. Besides its type (with a severity for an incident, a catalog service
/// for a request) and language, a ticket's members are the policy's `ticket_fields`
/// (`subject` and `description` among them), sent as members of the body itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NewTicket {
    #[serde(rename = "type")]
    pub kind: TicketType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// A code of the policy's languages; the server's default is `en`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The id of a closed ticket of the account that this one follows up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follows: Option<i64>,
    /// The policy's ticket fields, by id.
    #[serde(flatten)]
    pub fields: BTreeMap<String, String>,
}

/// Who filed a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Submitter {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// A ticket as the API answers it. The policy's ticket fields other than the subject and the
/// description are members of the ticket itself (`environment`, `impact`, ...), those given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Ticket {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: TicketType,
    pub severity: Option<Severity>,
    pub service: Option<String>,
    pub subject: String,
    pub description: String,
    #[serde(flatten)]
    pub fields: BTreeMap<String, String>,
    pub language: String,
    pub status: TicketStatus,
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub created_at: Timestamp,
    /// When the response clock started: at submission, or at approval.
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub opened_at: Option<Timestamp>,
    /// `null` while the ticket waits for approval.
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub first_response_due: Option<Timestamp>,
    pub submitter: Submitter,
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub decided_at: Option<Timestamp>,
    pub rejection_reason: Option<String>,
    /// The account's support level and whether it has a Technical Success Manager: with the
    /// timeline, what the SLA clock needs (an engineer's console has no account of its own).
    pub level: SupportLevel,
    pub tsm: bool,
    /// The closed ticket this one follows up, if any (its timeline has a `followed_up` entry
    /// naming this one).
    pub follows: Option<i64>,
    /// The ticket's deadlines as of the answer's instant.
    pub sla: TicketSla,
}

/// A ticket's deadlines as of an instant, computed by the rules crate from its timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TicketSla {
    pub first_response: FirstResponseSla,
    pub update: UpdateSla,
}

/// The first-response deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FirstResponseSla {
    /// `null` until the ticket opens.
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub due: Option<Timestamp>,
    /// When an engineer first answered publicly, on time or late.
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub met_at: Option<Timestamp>,
    /// The answer came after `due`, or none has come and `due` has passed.
    pub breached: bool,
}

/// The next-update deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UpdateSla {
    /// The running deadline; `null` while paused, before the first engineer message and once
    /// solved, closed or rejected.
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub due: Option<Timestamp>,
    /// The ticket waits for the customer's reply to a request for information.
    pub paused: bool,
}

/// The server's figures as the rules crate states them (what a page shows when it cannot
/// build the clock itself).
impl From<TicketSla> for support_rules::SlaStatus {
    fn from(sla: TicketSla) -> Self {
        Self {
            first_response: support_rules::FirstResponse {
                due: sla.first_response.due,
                met_at: sla.first_response.met_at,
                breached: sla.first_response.breached,
            },
            update: support_rules::NextUpdate {
                due: sla.update.due,
                paused: sla.update.paused,
            },
        }
    }
}

impl From<support_rules::SlaStatus> for TicketSla {
    fn from(status: support_rules::SlaStatus) -> Self {
        Self {
            first_response: FirstResponseSla {
                due: status.first_response.due,
                met_at: status.first_response.met_at,
                breached: status.first_response.breached,
            },
            update: UpdateSla {
                due: status.update.due,
                paused: status.update.paused,
            },
        }
    }
}

/// The number to call now about an urgent incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CallNow {
    pub number: String,
    pub instruction: String,
}

/// The answer to `POST /api/tickets`: the ticket, and for an urgent incident the number to
/// call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreatedTicket {
    #[serde(flatten)]
    pub ticket: Ticket,
    /// Absent, never `null`, when there is no one to call.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "CallNow"))]
    pub call_now: Option<CallNow>,
}

/// `GET /api/tickets`: one page, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TicketPage {
    pub tickets: Vec<Ticket>,
    pub page: u32,
    pub per_page: u32,
    /// How many tickets match, on every page.
    pub total: u64,
    /// The next page's number, `null` on the last page.
    pub next_page: Option<u32>,
}

/// `POST /api/tickets/{id}/reject`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    pub reason: String,
}

// A ticket is read member by member, the policy's fields collected on the way, instead of with
// `#[serde(flatten)]`, which buffers the whole object first and costs the SPA's wasm far more
// code. One reader serves `Ticket` and `CreatedTicket`.

impl<'de> Deserialize<'de> for Ticket {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(CreatedTicket::deserialize(deserializer)?.ticket)
    }
}

impl<'de> Deserialize<'de> for CreatedTicket {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(TicketVisitor)
    }
}

struct TicketVisitor;

/// An instant of a ticket, as the server writes it: RFC 3339 in UTC (`…Z`). In the browser
/// it is read by the browser's own `Date.parse` (to the millisecond, which is all a page
/// shows), because jiff's parser and its error messages would add about 45 KB brotli to the
/// SPA's wasm, past its first-load budget; everywhere else by jiff. Either way a text that is
/// not in UTC is refused.
pub(crate) struct Instant(pub(crate) Timestamp);

impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_utc(&text).map(Instant).ok_or_else(|| {
            de::Error::custom(format!(
                "`{text}` is not an RFC 3339 instant in UTC, like 2026-12-01T10:00:00Z"
            ))
        })
    }
}

#[cfg(target_arch = "wasm32")]
fn parse_utc(text: &str) -> Option<Timestamp> {
    if !text.ends_with('Z') {
        return None;
    }
    let millisecond = js_sys::Date::parse(text);
    // NaN when the browser cannot read it.
    if !millisecond.is_finite() {
        return None;
    }
    Timestamp::from_millisecond(millisecond as i64).ok()
}

#[cfg(not(target_arch = "wasm32"))]
fn parse_utc(text: &str) -> Option<Timestamp> {
    if !text.ends_with('Z') {
        return None;
    }
    text.parse().ok()
}

/// A ticket's `sla`, its instants read like the ticket's own.
struct SlaRead(TicketSla);

impl<'de> Deserialize<'de> for SlaRead {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct First {
            due: Option<Instant>,
            met_at: Option<Instant>,
            breached: bool,
        }
        #[derive(Deserialize)]
        struct Update {
            due: Option<Instant>,
            paused: bool,
        }
        #[derive(Deserialize)]
        struct Sla {
            first_response: First,
            update: Update,
        }
        let Sla {
            first_response,
            update,
        } = Sla::deserialize(deserializer)?;
        Ok(SlaRead(TicketSla {
            first_response: FirstResponseSla {
                due: instant(first_response.due),
                met_at: instant(first_response.met_at),
                breached: first_response.breached,
            },
            update: UpdateSla {
                due: instant(update.due),
                paused: update.paused,
            },
        }))
    }
}

pub(crate) fn instant(value: Option<Instant>) -> Option<Timestamp> {
    value.map(|Instant(at)| at)
}

pub(crate) fn take<T>(slot: Option<T>, name: &'static str) -> Result<T, String> {
    slot.ok_or_else(|| format!("missing field `{name}`"))
}

impl<'de> Visitor<'de> for TicketVisitor {
    type Value = CreatedTicket;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a ticket")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CreatedTicket, A::Error> {
        let (mut id, mut kind, mut severity, mut service) = (None, None, None, None);
        let (mut subject, mut description, mut language, mut status) = (None, None, None, None);
        let (mut created_at, mut opened_at, mut first_response_due) = (None, None, None);
        let (mut submitter, mut decided_at, mut rejection_reason) = (None, None, None);
        let (mut call_now, mut sla, mut level, mut tsm) = (None, None, None, None);
        let mut follows = None;
        let mut fields = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "id" => id = Some(map.next_value()?),
                "type" => kind = Some(map.next_value()?),
                "severity" => severity = map.next_value()?,
                "service" => service = map.next_value()?,
                "subject" => subject = Some(map.next_value()?),
                "description" => description = Some(map.next_value()?),
                "language" => language = Some(map.next_value()?),
                "status" => status = Some(map.next_value()?),
                "created_at" => created_at = instant(map.next_value()?),
                "opened_at" => opened_at = instant(map.next_value()?),
                "first_response_due" => first_response_due = instant(map.next_value()?),
                "submitter" => submitter = Some(map.next_value()?),
                "decided_at" => decided_at = instant(map.next_value()?),
                "rejection_reason" => rejection_reason = map.next_value()?,
                "call_now" => call_now = map.next_value()?,
                "follows" => follows = map.next_value()?,
                "sla" => sla = Some(map.next_value::<SlaRead>()?.0),
                "level" => level = Some(map.next_value()?),
                "tsm" => tsm = Some(map.next_value()?),
                _ => {
                    fields.insert(key, map.next_value()?);
                }
            }
        }
        let ticket = (|| {
            Ok::<_, String>(Ticket {
                id: take(id, "id")?,
                kind: take(kind, "type")?,
                severity,
                service,
                subject: take(subject, "subject")?,
                description: take(description, "description")?,
                fields,
                language: take(language, "language")?,
                status: take(status, "status")?,
                created_at: take(created_at, "created_at")?,
                opened_at,
                first_response_due,
                submitter: take(submitter, "submitter")?,
                decided_at,
                rejection_reason,
                level: take(level, "level")?,
                tsm: take(tsm, "tsm")?,
                follows,
                sla: take(sla, "sla")?,
            })
        })()
        .map_err(de::Error::custom)?;
        Ok(CreatedTicket { ticket, call_now })
    }
}

#[cfg(test)]
mod tests {
    use super::{CreatedTicket, NewTicket, Ticket, TicketStatus};
    use support_rules::{Severity, TicketType};

    const CREATED: &str = r#"{"id":7,"type":"incident","severity":"urgent","service":null,
        "subject":"Down","description":"All of it","environment":"prod","language":"en",
        "status":"open","created_at":"2026-12-01T10:00:00Z","opened_at":"2026-12-01T10:00:00Z",
        "first_response_due":"2026-12-01T11:00:00Z","submitter":{"id":1,"name":"A","email":"a@example.com"},
        "decided_at":null,"rejection_reason":null,"level":3,"tsm":true,"follows":3,
        "sla":{"first_response":{"due":"2026-12-01T11:00:00Z","met_at":null,"breached":false},"update":{"due":null,"paused":false}},"call_now":{"number":"+1","instruction":"Call"}}"#;

    #[test]
    fn a_created_ticket_reads_its_fields_and_call_now_and_writes_back_the_same_members() {
        let created: CreatedTicket = serde_json::from_str(CREATED).unwrap();
        assert_eq!(created.ticket.id, 7);
        assert_eq!(created.ticket.severity, Some(Severity::Urgent));
        assert_eq!(created.ticket.status, TicketStatus::Open);
        assert_eq!(created.ticket.fields["environment"], "prod");
        assert_eq!(created.ticket.follows, Some(3));
        assert_eq!(created.call_now.as_ref().unwrap().number, "+1");
        let again: serde_json::Value = serde_json::to_value(&created).unwrap();
        let original: serde_json::Value = serde_json::from_str(CREATED).unwrap();
        assert_eq!(again, original);
        let ticket: Ticket = serde_json::from_str(CREATED).unwrap();
        assert_eq!(ticket, created.ticket);
    }

    #[test]
    fn a_ticket_without_a_required_member_or_with_an_unknown_status_does_not_read() {
        let missing = CREATED.replace(r#""subject":"Down","#, "");
        let error = serde_json::from_str::<Ticket>(&missing).unwrap_err();
        assert!(error.to_string().contains("subject"), "{error}");
        let solved = CREATED.replace(r#""status":"open""#, r#""status":"archived""#);
        assert!(serde_json::from_str::<Ticket>(&solved).is_err());
    }

    #[test]
    fn an_instant_reads_with_or_without_a_fraction() {
        for text in [
            "2026-12-01T10:00:00Z",
            "2026-12-01T10:00:00.5Z",
            "2024-02-29T23:59:59.123456789Z",
        ] {
            let expected: jiff::Timestamp = text.parse().unwrap();
            assert_eq!(super::parse_utc(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn an_instant_that_is_not_utc_rfc_3339_or_not_a_real_date_is_refused() {
        for text in [
            "2026-12-01T10:00:00+01:00",
            "2026-12-01T10:00:00",
            "2026-02-30T10:00:00Z",
            "2026-12-01T25:00:00Z",
            "yesterday Z",
        ] {
            assert_eq!(super::parse_utc(text), None, "{text}");
        }
    }

    #[test]
    fn a_ticket_whose_instant_is_not_rfc_3339_does_not_read() {
        let local = CREATED.replace("2026-12-01T11:00:00Z", "01/12/2026 11:00");
        let error = serde_json::from_str::<Ticket>(&local).unwrap_err();
        assert!(error.to_string().contains("RFC 3339"), "{error}");
    }

    #[test]
    fn a_new_ticket_sends_the_policy_fields_as_members_of_the_body() {
        let ticket = NewTicket {
            kind: TicketType::Question,
            severity: None,
            service: None,
            language: Some("ja".into()),
            follows: None,
            fields: [("subject".to_owned(), "How?".to_owned())].into(),
        };
        assert_eq!(
            serde_json::to_string(&ticket).unwrap(),
            r#"{"type":"question","language":"ja","subject":"How?"}"#
        );
        let follow_up = NewTicket {
            follows: Some(3),
            ..ticket
        };
        assert_eq!(
            serde_json::to_string(&follow_up).unwrap(),
            r#"{"type":"question","language":"ja","follows":3,"subject":"How?"}"#
        );
    }

    #[test]
    fn every_status_reads_back_from_its_key() {
        for &status in TicketStatus::ALL {
            assert_eq!(TicketStatus::from_key(status.key()), Some(status));
            assert_eq!(
                serde_json::to_string(&status).unwrap(),
                format!("\"{}\"", status.key())
            );
        }
    }
}

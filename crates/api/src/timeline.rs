//! A ticket's life: its timeline of entries, and the bodies of the actions that add to it
//! (messages, solve, reopen, rating, severity changes, escalations).

use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use support_rules::{Severity, SlaEvent, SlaEventKind, TicketKind};

use crate::attachments::Attachment;
use crate::people::Role;
use crate::tickets::{Instant, instant, take};

/// Who wrote an entry. Entries the server itself writes (closing a solved ticket, deadlines)
/// have no author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Author {
    pub name: String,
    pub role: Role,
}

/// One entry of `GET /api/tickets/{id}/timeline`, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    /// A file sent with a message: one entry per file, right after the message's entry.
    /// Files of an internal note are as hidden from customers as the note.
    AttachmentAdded {
        /// The id of the message's entry.
        message: i64,
        attachment: Attachment,
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
    /// An engineer took the ticket or assigned it to another (`null`: nobody works it now).
    /// Customers see it too: they know someone is on it.
    Assigned {
        /// The engineer's name.
        assignee: Option<String>,
    },
    Solved,
    Reopened {
        reason: String,
    },
    /// Closed by the server once the reopening window had passed.
    Closed,
    /// Someone of the account filed a new ticket that follows this closed one.
    FollowedUp {
        /// The id of the new ticket.
        follow_up: i64,
    },
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
    /// Files uploaded to the ticket by the same person and not sent yet, to send with the
    /// message: at most the policy's `attachments.max_files_per_message`.
    #[serde(default)]
    pub attachments: Vec<i64>,
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

/// The files sent with each message, by the message's entry id, in the order they were added
/// (each `attachment_added` entry follows its message's).
pub fn files_by_message(entries: &[TimelineEntry]) -> BTreeMap<i64, Vec<Attachment>> {
    let mut files: BTreeMap<i64, Vec<Attachment>> = BTreeMap::new();
    for entry in entries {
        if let Entry::AttachmentAdded {
            message,
            attachment,
        } = &entry.entry
        {
            files.entry(*message).or_default().push(attachment.clone());
        }
    }
    files
}

/// A ticket's timeline as its SLA clock reads it: the kind the ticket was opened with (an
/// incident's severity before its first change) and the clock's events in time order, the
/// opening at `opened_at` first (none when the ticket never opened). `kind` is the ticket's
/// kind now. The server and the SPA both build the clock from this, so the deadline the
/// customer watches is the one the server records.
pub fn sla_history(
    kind: &TicketKind,
    opened_at: Option<Timestamp>,
    entries: &[TimelineEntry],
) -> (TicketKind, Vec<SlaEvent>) {
    let original = entries.iter().find_map(|e| match e.entry {
        Entry::SeverityChanged { from, .. } => Some(from),
        _ => None,
    });
    let kind = match (kind, original) {
        (TicketKind::Incident { .. }, Some(severity)) => TicketKind::Incident { severity },
        (kind, _) => kind.clone(),
    };
    let mut events = Vec::new();
    if let Some(opened_at) = opened_at {
        events.push(SlaEvent {
            at: opened_at,
            kind: SlaEventKind::Opened,
        });
        let mut later: Vec<SlaEvent> = entries
            .iter()
            .filter_map(|e| {
                let kind = match e.entry {
                    Entry::PublicMessage { .. } => SlaEventKind::EngineerMessage,
                    Entry::RequestForInformation { .. } => SlaEventKind::EngineerRequestInformation,
                    Entry::CustomerMessage { .. } => SlaEventKind::CustomerMessage,
                    Entry::SeverityChanged { to, .. } => {
                        SlaEventKind::SeverityChanged { severity: to }
                    }
                    Entry::Solved => SlaEventKind::Solved,
                    Entry::Reopened { .. } => SlaEventKind::Reopened,
                    _ => return None,
                };
                // Nothing the clock counts happens before the ticket opens.
                Some(SlaEvent {
                    at: e.at.max(opened_at),
                    kind,
                })
            })
            .collect();
        // Entries are in the order they were written; two servers' clocks may disagree by
        // a little, and the clock wants time order.
        later.sort_by_key(|event| event.at);
        events.extend(later);
    }
    (kind, events)
}

// An entry is read member by member, like a ticket: `#[serde(flatten)]` of an internally
// tagged enum buffers the whole object and parses instants with jiff's parser, which cost the
// ticket app's wasm about 9 KB brotli. (Entries stored by the server are read by `Entry`'s
// derived reader; this one is for the answers.)
impl<'de> Deserialize<'de> for TimelineEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EntryVisitor)
    }
}

struct EntryVisitor;

/// The members an entry of any type may have.
#[derive(Default)]
struct Members {
    id: Option<i64>,
    at: Option<Timestamp>,
    author: Option<Author>,
    kind: Option<String>,
    body: Option<String>,
    reason: Option<String>,
    message: Option<i64>,
    attachment: Option<Attachment>,
    from: Option<Severity>,
    to: Option<Severity>,
    by: Option<Role>,
    detail: Option<String>,
    assignee: Option<String>,
    score: Option<u8>,
    comment: Option<String>,
    deadline: Option<Deadline>,
    number: Option<u32>,
    due: Option<Timestamp>,
    follow_up: Option<i64>,
}

impl Members {
    fn entry(self) -> Result<Entry, String> {
        let kind = take(self.kind, "type")?;
        let body = || take(self.body.clone(), "body");
        let reason = || take(self.reason.clone(), "reason");
        Ok(match kind.as_str() {
            "submitted" => Entry::Submitted,
            "approved" => Entry::Approved,
            "rejected" => Entry::Rejected { reason: reason()? },
            "public_message" => Entry::PublicMessage { body: body()? },
            "internal_note" => Entry::InternalNote { body: body()? },
            "request_for_information" => Entry::RequestForInformation { body: body()? },
            "customer_message" => Entry::CustomerMessage { body: body()? },
            "attachment_added" => Entry::AttachmentAdded {
                message: take(self.message, "message")?,
                attachment: take(self.attachment, "attachment")?,
            },
            "severity_changed" => Entry::SeverityChanged {
                from: take(self.from, "from")?,
                to: take(self.to, "to")?,
                reason: reason()?,
                by: take(self.by, "by")?,
            },
            "escalated" => Entry::Escalated {
                reason: match self.reason.as_deref() {
                    Some("severity_increased") => EscalationReason::SeverityIncreased,
                    Some("not_handled") => EscalationReason::NotHandled,
                    _ => return Err("an escalation without a known `reason`".into()),
                },
                detail: self.detail,
            },
            "assigned" => Entry::Assigned {
                assignee: self.assignee,
            },
            "solved" => Entry::Solved,
            "reopened" => Entry::Reopened { reason: reason()? },
            "closed" => Entry::Closed,
            "followed_up" => Entry::FollowedUp {
                follow_up: take(self.follow_up, "follow_up")?,
            },
            "rated" => Entry::Rated {
                score: take(self.score, "score")?,
                comment: self.comment,
            },
            "deadline_met" | "deadline_breached" => {
                let deadline = take(self.deadline, "deadline")?;
                let number = take(self.number, "number")?;
                let due = take(self.due, "due")?;
                if kind == "deadline_met" {
                    Entry::DeadlineMet {
                        deadline,
                        number,
                        due,
                    }
                } else {
                    Entry::DeadlineBreached {
                        deadline,
                        number,
                        due,
                    }
                }
            }
            other => return Err(format!("unknown entry type `{other}`")),
        })
    }
}

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = TimelineEntry;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a timeline entry")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TimelineEntry, A::Error> {
        let mut m = Members::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "id" => m.id = Some(map.next_value()?),
                "at" => m.at = instant(map.next_value()?),
                "author" => m.author = map.next_value()?,
                "type" => m.kind = Some(map.next_value()?),
                "body" => m.body = Some(map.next_value()?),
                "reason" => m.reason = Some(map.next_value()?),
                "message" => m.message = Some(map.next_value()?),
                "attachment" => m.attachment = Some(map.next_value()?),
                "from" => m.from = Some(map.next_value()?),
                "to" => m.to = Some(map.next_value()?),
                "by" => m.by = Some(map.next_value()?),
                "detail" => m.detail = map.next_value()?,
                "assignee" => m.assignee = map.next_value()?,
                "score" => m.score = Some(map.next_value()?),
                "comment" => m.comment = map.next_value()?,
                "deadline" => m.deadline = Some(map.next_value()?),
                "number" => m.number = Some(map.next_value()?),
                "due" => m.due = instant(map.next_value::<Option<Instant>>()?),
                "follow_up" => m.follow_up = Some(map.next_value()?),
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        let read = (|| {
            let id = take(m.id, "id")?;
            let at = take(m.at, "at")?;
            let author = m.author.take();
            Ok::<_, String>(TimelineEntry {
                id,
                at,
                author,
                entry: m.entry()?,
            })
        })();
        read.map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::{Author, Deadline, Entry, EscalationReason, TimelineEntry};
    use crate::attachments::Attachment;
    use crate::people::Role;
    use support_rules::Severity;

    fn every_kind() -> Vec<Entry> {
        let due = "2026-12-01T11:00:00Z".parse().unwrap();
        vec![
            Entry::Submitted,
            Entry::Approved,
            Entry::Rejected {
                reason: "No".into(),
            },
            Entry::PublicMessage { body: "Hi".into() },
            Entry::InternalNote {
                body: "Psst".into(),
            },
            Entry::RequestForInformation {
                body: "Logs?".into(),
            },
            Entry::CustomerMessage {
                body: "Here".into(),
            },
            Entry::AttachmentAdded {
                message: 4,
                attachment: Attachment {
                    id: 9,
                    name: "a.log".into(),
                    size: 12,
                    content_type: "text/plain".into(),
                },
            },
            Entry::SeverityChanged {
                from: Severity::High,
                to: Severity::Urgent,
                reason: "Worse".into(),
                by: Role::Customer,
            },
            Entry::Escalated {
                reason: EscalationReason::NotHandled,
                detail: Some("Slow".into()),
            },
            Entry::Escalated {
                reason: EscalationReason::SeverityIncreased,
                detail: None,
            },
            Entry::Assigned {
                assignee: Some("Eve".into()),
            },
            Entry::Assigned { assignee: None },
            Entry::Solved,
            Entry::Reopened {
                reason: "Again".into(),
            },
            Entry::Closed,
            Entry::FollowedUp { follow_up: 12 },
            Entry::Rated {
                score: 5,
                comment: None,
            },
            Entry::DeadlineMet {
                deadline: Deadline::FirstResponse,
                number: 1,
                due,
            },
            Entry::DeadlineBreached {
                deadline: Deadline::NextUpdate,
                number: 2,
                due,
            },
        ]
    }

    #[test]
    fn every_entry_type_reads_back_what_the_server_writes() {
        for (id, entry) in every_kind().into_iter().enumerate() {
            let written = TimelineEntry {
                id: id as i64,
                at: "2026-12-01T10:00:00Z".parse().unwrap(),
                author: Some(Author {
                    name: "Ana".into(),
                    role: Role::Customer,
                }),
                entry,
            };
            let json = serde_json::to_string(&written).unwrap();
            let read: TimelineEntry = serde_json::from_str(&json).unwrap();
            assert_eq!(read, written, "{json}");
        }
    }

    #[test]
    fn an_entry_without_its_members_or_of_an_unknown_type_does_not_read() {
        let base = r#""id":1,"at":"2026-12-01T10:00:00Z","author":null"#;
        for (json, says) in [
            (format!(r#"{{{base},"type":"public_message"}}"#), "body"),
            (format!(r#"{{{base},"type":"teleported"}}"#), "teleported"),
            (r#"{"id":1,"type":"solved"}"#.to_owned(), "at"),
            (
                r#"{"id":1,"at":"2026-12-01T10:00:00+01:00","type":"solved"}"#.to_owned(),
                "UTC",
            ),
        ] {
            let error = serde_json::from_str::<TimelineEntry>(&json).unwrap_err();
            assert!(error.to_string().contains(says), "{json}: {error}");
        }
    }

    #[test]
    fn each_message_gets_its_files_in_the_order_they_were_added() {
        let at = "2026-12-01T10:00:00Z".parse().unwrap();
        let file = |id: i64| Attachment {
            id,
            name: format!("{id}.log"),
            size: 1,
            content_type: "text/plain".into(),
        };
        let entry = |id: i64, entry: Entry| TimelineEntry {
            id,
            at,
            author: None,
            entry,
        };
        let entries = [
            entry(1, Entry::CustomerMessage { body: "a".into() }),
            entry(
                2,
                Entry::AttachmentAdded {
                    message: 1,
                    attachment: file(7),
                },
            ),
            entry(
                3,
                Entry::AttachmentAdded {
                    message: 1,
                    attachment: file(8),
                },
            ),
            entry(4, Entry::Solved),
        ];
        let files = super::files_by_message(&entries);
        assert_eq!(files.len(), 1);
        assert_eq!(files[&1], vec![file(7), file(8)]);
    }
}

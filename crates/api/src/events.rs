//! Live updates: the data of each event of `GET /api/events` (Server-Sent Events).

use serde::{Deserialize, Serialize};

use crate::timeline::Entry;

/// One new timeline entry the reader may see: fetch the ticket or its timeline for the rest.
/// The event's SSE `id` is an opaque cursor that `Last-Event-ID` resumes after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EntryEvent {
    /// The entry's id (as in the ticket's timeline).
    pub entry: i64,
    /// The ticket's id.
    pub ticket: i64,
    #[serde(rename = "type")]
    pub kind: EntryType,
}

/// The type of a timeline entry, as its `type` member names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntryType {
    Submitted,
    Approved,
    Rejected,
    PublicMessage,
    InternalNote,
    RequestForInformation,
    CustomerMessage,
    AttachmentAdded,
    SeverityChanged,
    Escalated,
    Assigned,
    Solved,
    Reopened,
    Closed,
    FollowedUp,
    Rated,
    DeadlineMet,
    DeadlineBreached,
}

impl EntryType {
    /// Every entry type.
    pub const ALL: &'static [EntryType] = &[
        EntryType::Submitted,
        EntryType::Approved,
        EntryType::Rejected,
        EntryType::PublicMessage,
        EntryType::InternalNote,
        EntryType::RequestForInformation,
        EntryType::CustomerMessage,
        EntryType::AttachmentAdded,
        EntryType::SeverityChanged,
        EntryType::Escalated,
        EntryType::Assigned,
        EntryType::Solved,
        EntryType::Reopened,
        EntryType::Closed,
        EntryType::FollowedUp,
        EntryType::Rated,
        EntryType::DeadlineMet,
        EntryType::DeadlineBreached,
    ];

    /// The type as in the API and the database.
    pub fn key(self) -> &'static str {
        match self {
            EntryType::Submitted => "submitted",
            EntryType::Approved => "approved",
            EntryType::Rejected => "rejected",
            EntryType::PublicMessage => "public_message",
            EntryType::InternalNote => "internal_note",
            EntryType::RequestForInformation => "request_for_information",
            EntryType::CustomerMessage => "customer_message",
            EntryType::AttachmentAdded => "attachment_added",
            EntryType::SeverityChanged => "severity_changed",
            EntryType::Escalated => "escalated",
            EntryType::Assigned => "assigned",
            EntryType::Solved => "solved",
            EntryType::Reopened => "reopened",
            EntryType::Closed => "closed",
            EntryType::FollowedUp => "followed_up",
            EntryType::Rated => "rated",
            EntryType::DeadlineMet => "deadline_met",
            EntryType::DeadlineBreached => "deadline_breached",
        }
    }

    /// The type of `key`, as [`EntryType::key`] writes it.
    pub fn from_key(key: &str) -> Option<EntryType> {
        EntryType::ALL.iter().copied().find(|t| t.key() == key)
    }

    /// Is this the type only engineers read? (Internal notes never reach a customer.)
    pub fn is_internal(self) -> bool {
        self == EntryType::InternalNote
    }
}

impl Entry {
    /// The entry's type.
    pub fn entry_type(&self) -> EntryType {
        match self {
            Entry::Submitted => EntryType::Submitted,
            Entry::Approved => EntryType::Approved,
            Entry::Rejected { .. } => EntryType::Rejected,
            Entry::PublicMessage { .. } => EntryType::PublicMessage,
            Entry::InternalNote { .. } => EntryType::InternalNote,
            Entry::RequestForInformation { .. } => EntryType::RequestForInformation,
            Entry::CustomerMessage { .. } => EntryType::CustomerMessage,
            Entry::AttachmentAdded { .. } => EntryType::AttachmentAdded,
            Entry::SeverityChanged { .. } => EntryType::SeverityChanged,
            Entry::Escalated { .. } => EntryType::Escalated,
            Entry::Assigned { .. } => EntryType::Assigned,
            Entry::Solved => EntryType::Solved,
            Entry::Reopened { .. } => EntryType::Reopened,
            Entry::Closed => EntryType::Closed,
            Entry::FollowedUp { .. } => EntryType::FollowedUp,
            Entry::Rated { .. } => EntryType::Rated,
            Entry::DeadlineMet { .. } => EntryType::DeadlineMet,
            Entry::DeadlineBreached { .. } => EntryType::DeadlineBreached,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{EntryEvent, EntryType};

    #[test]
    fn an_event_names_the_entry_the_ticket_and_the_type() {
        let event = EntryEvent {
            entry: 42,
            ticket: 7,
            kind: EntryType::PublicMessage,
        };
        let json = serde_json::to_string(&event).expect("JSON");
        assert_eq!(json, r#"{"entry":42,"ticket":7,"type":"public_message"}"#);
        assert_eq!(serde_json::from_str::<EntryEvent>(&json).ok(), Some(event));
    }

    #[test]
    fn every_entry_type_keys_as_serde_names_it() {
        for kind in EntryType::ALL {
            let named = serde_json::to_value(kind).expect("JSON");
            assert_eq!(named, kind.key());
            assert_eq!(EntryType::from_key(kind.key()), Some(*kind));
        }
        assert_eq!(EntryType::from_key("note"), None);
    }
}

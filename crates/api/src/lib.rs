//! The JSON bodies of the support API: what the server answers with and what the SPA reads,
//! written once.
//!
//! Statuses, kinds and codes are enums here and on both sides; a value outside them fails to
//! parse at the edge instead of travelling as a string. Instants are UTC
//! ([`jiff::Timestamp`], RFC 3339 with `Z`). The OpenAPI document
//! (`crates/server/api/openapi.json`) is checked against these types by the server's tests
//! (with the `schema` feature, each type also describes itself as a JSON Schema).

mod attachments;
mod console;
mod events;
mod health;
mod people;
mod problem;
mod session;
mod tickets;
mod timeline;

pub use attachments::Attachment;
pub use console::{
    Assignment, Engineer, Engineers, Queue, QueueAccount, QueueTicket, Report, ReportRow,
};
pub use events::{EntryEvent, EntryType};
pub use health::{Health, HealthStatus};
pub use people::{
    AccountSummary, Contact, ContactChange, ContactList, Language, Me, NewContact, Notifications,
    PersonSummary, Phone, Role,
};
pub use problem::{FieldCode, FieldError, Problem, ProblemType};
pub use session::{Credentials, SessionState};
pub use support_rules::{Quote, Severity, SupportLevel, TicketType};
pub use tickets::{
    CallNow, CreatedTicket, FirstResponseSla, NewTicket, Rejection, Submitter, Ticket, TicketPage,
    TicketSla, TicketStatus, UpdateSla,
};
pub use timeline::{
    Author, Deadline, Entry, EscalationReason, NewEscalation, NewMessage, NewRating, Reopening,
    SeverityChange, Timeline, TimelineEntry, files_by_message, sla_history,
};

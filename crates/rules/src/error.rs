//! The errors of the crate: each says what was wrong and where.

/// A policy (or calendar) file that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The text is not well-formed TOML (or JSON), or a value has the wrong type.
    #[error("{source_name}: {message}")]
    Syntax {
        source_name: String,
        message: String,
    },
    /// A value is well-formed but not acceptable; `key` is its dotted path.
    #[error("{source_name}: `{key}`: {problem}")]
    Invalid {
        source_name: String,
        key: String,
        problem: String,
    },
}

/// A calendar question that has no answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The calendar has no open time in the 60 weeks searched.
    #[error("the calendar is not open at any time in the 60 weeks after {from}")]
    NeverOpens { from: jiff::Timestamp },
    /// The answer lies outside the years -9999 to 9999.
    #[error("the answer lies beyond the year 9999")]
    OutOfRange,
}

/// A quote that cannot be given.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuoteError {
    #[error("there is no service `{0}` in the catalog")]
    UnknownService(String),
    #[error("the policy names no calendar `{0}`")]
    UnknownCalendar(String),
    #[error("calendar `{calendar}`: {source}")]
    Calendar {
        calendar: String,
        source: CalendarError,
    },
}

/// A ticket history the SLA clock cannot run on (`index` is the event's place, from 0).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SlaError {
    #[error("event {index} ({at}) comes before event {} ({previous}): events are in time order", index - 1)]
    OutOfOrder {
        index: usize,
        at: jiff::Timestamp,
        previous: jiff::Timestamp,
    },
    #[error("event {index} is `{kind}` before the ticket opened: a history starts with `opened`")]
    NotOpened { index: usize, kind: &'static str },
    #[error("event {index} opens the ticket again: `opened` comes once, first")]
    OpenedTwice { index: usize },
    #[error("event {index} changes the severity of a {ticket_type}: only incidents have one")]
    NoSeverity {
        index: usize,
        ticket_type: crate::policy::TicketType,
    },
    #[error("event {index} reopens a ticket that is not solved")]
    ReopenedUnsolved { index: usize },
    /// A deadline cannot be computed (an unknown service, a calendar that never opens).
    #[error(transparent)]
    Deadline(QuoteError),
}

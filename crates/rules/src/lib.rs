//! The support policy as data, and exact business-calendar arithmetic.
//!
//! The browser and the server both run this crate, so the first-response deadline a customer
//! sees before submitting a ticket is exactly the one the server records. It does no I/O and
//! reads no clock: "now" is always an argument.
//!
//! # The model
//!
//! A [`Policy`] (loaded from TOML, see `policy/default.toml`) names [`Calendar`]s, the
//! severities, the ticket types, the three support levels with a first-response target per
//! severity, the request catalog, the phone numbers, the languages, who may submit and what a
//! ticket carries. [`Policy::quote`] answers "if I submit this now, by when will support
//! first respond, and is it staffed now?". Each level's entry also has an update target, and
//! [`Policy::sla_clock`] runs a ticket's history through the rules of the [`sla`] module:
//! its first-response and next-update deadlines at any instant (paused while waiting for the
//! customer, moved by severity changes, stopped when solved), and the "deadline met" and
//! "deadline breached" records the server writes.
//!
//! # Calendar semantics
//!
//! A calendar is either always open, or weekly opening hours in an IANA time zone, minus
//! holidays:
//!
//! ```toml
//! [calendars.business-hours]
//! time_zone = "Europe/Lisbon"
//! hours = { mon = ["09:00-18:00"], tue = ["09:00-12:00", "13:00-18:00"], sat = [] }
//! holidays = ["01-01", "12-25", "2026-04-03"]   # MM-DD every year, or one date
//! [calendars.always]
//! always_open = true
//! ```
//!
//! - An instant is **open** when its wall-clock time in the calendar's zone lies in one of
//!   the half-open intervals `[start, end)` of its local weekday and its local date is not a
//!   holiday. `24:00` may end an interval; an overnight shift is two intervals on two days.
//!   Across a spring-forward gap the calendar opens at the first instant whose wall clock
//!   reads inside an interval; in a repeated fall-back hour both passes count.
//! - **Business time** between two instants is the real time elapsed while open.
//! - [`Calendar::due`]`(t, d)` is the earliest instant `T >= t` with exactly `d` of business
//!   time in `[t, T)`. A deadline that uses an opening up lands on its closing instant (18:00,
//!   not the next morning); `due(t, 0) = t`. A duration's `d` is 24 hours of business time.
//! - Precision is one second: sub-second parts of instants are dropped.
//! - Searches look 60 weeks ahead: a calendar with no open time in that span gives
//!   [`CalendarError::NeverOpens`], never a hang. `due` jumps whole weeks that hold no holiday
//!   and no change of UTC offset, so its cost does not grow with the weeks it spans.
//!
//! ```
//! use support_rules::{Policy, QuoteRequest, Severity, SupportLevel, TicketKind};
//!
//! let policy = Policy::embedded_default();
//! // Level 1, high severity: 8 business hours on the business calendar (Lisbon, Mon-Fri).
//! let quote = policy.quote(&QuoteRequest {
//!     level: SupportLevel::One,
//!     tsm: false,
//!     kind: TicketKind::Incident { severity: Severity::High },
//!     at: "2026-12-24T20:00:00Z".parse()?,
//! })?;
//! // Thursday 20:00 + 4 h = Thursday 24:00; Christmas (Friday) and the weekend are closed,
//! // so the other 4 h run from Monday 00:00.
//! assert_eq!(quote.first_response_due.to_string(), "2026-12-28T04:00:00Z");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// The crate's README: its examples run as tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;

mod calendar;
mod civil;
mod duration;
mod error;
mod policy;
mod size;
pub mod sla;

pub use calendar::{
    Calendar, CalendarStatus, Holiday, OpenWindow, OpeningHours, OpeningInterval, Weekday,
};
pub use civil::CivilDate;
pub use duration::{BusinessDuration, DurationError};
pub use error::{CalendarError, PolicyError, QuoteError, SlaError};
pub use jiff::Timestamp;
#[cfg(feature = "tzdb")]
pub use policy::find_time_zone;
pub use policy::{
    Attachments, CalendarSpec, Channel, ChannelQuote, ContactRules, DEFAULT_POLICY_TOML,
    Explanation, Language, Levels, LocalText, PerChannel, PerSeverity, PhoneKind, PhoneNumber,
    Policy, PolicyDocument, Quote, QuoteRequest, QuoteRule, ResponseTarget, Service, ServiceId,
    Severity, SeveritySpec, SupportLevel, TicketField, TicketKind, TicketType, TicketTypeSpec,
    TicketTypes, calendars_from_toml,
};
pub use size::{ByteSize, ByteSizeError};
pub use sla::{
    DeadlineKind, DeadlineOutcome, DeadlineRecord, FirstResponse, NextUpdate, SlaClock, SlaEvent,
    SlaEventKind, SlaStatus, SlaTicket,
};

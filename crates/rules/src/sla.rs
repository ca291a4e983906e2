//! The SLA clock of a ticket: its first-response and next-update deadlines at any instant,
//! computed from the ticket's history alone, so the browser shows exactly what the server
//! records.
//!
//! # The rules
//!
//! A ticket's history is a list of [`SlaEvent`]s in time order, the first one
//! [`SlaEventKind::Opened`] (the submission, or the approval of a pending ticket). Events at
//! one instant apply in the order given. `due(t, T)` is [`Calendar::due`] on the calendar the
//! target counts on.
//!
//! - **First response.** It starts when the ticket opens, with the target
//!   [`Policy::quote`] uses (an incident's for its level and severity, a question's as the
//!   severity it is answered as, a request's delivery time), and is due at `due(open, target)`.
//!   The first public message or request for information from an engineer answers it:
//!   `met_at` is that instant, on time or late, and `breached` says whether it came after
//!   `due`; while none has come, `breached` says whether `due` has passed. An answer at the
//!   deadline's very instant (a deadline that ends on a closing instant, 18:00, included) is
//!   on time.
//! - **Next update.** After each public engineer message at `m` the next one is due at
//!   `due(m, update target)`. A request for information pauses the clock (no update
//!   deadline) until the customer's next message `r`, which starts `due(r, update target)`;
//!   a public engineer message also ends a wait, with its own deadline. A customer message
//!   outside a wait changes nothing. An engineer's public message or request for information
//!   at or before a running update deadline meets it. Reopening at `o` gives
//!   `due(o, update target)`. The update target is the entry's `update` (`tsm_update` with a
//!   Technical Success Manager); questions and requests use their level's `low` entry's.
//! - **Severity changes.** A change at `c` replaces each deadline not yet answered, `d`, whose
//!   clock started at `s`, by `max(due(s, T'), min(d, due(c, T')))`, where `T'` is the new
//!   severity's target counted on the new entry's calendar. `s` stays the same across several
//!   changes. An upgrade brings a deadline closer, but never before `due(c, T')` unless it
//!   was already; a downgrade counts as if the ticket had had the new severity from the start,
//!   and may lift a breach (the breach already recorded stays among the
//!   [`records`](SlaClock::records)). Only incidents have a severity to change.
//! - **Solved.** A solved ticket has no running clock: no update deadline, and a first
//!   response still unanswered stops for good (breached only if its deadline passed before
//!   the solve; after a reopen the update deadline is what support owes). Engineer and
//!   customer messages on a solved ticket change no deadline; only a reopen restarts the
//!   clock. A closed ticket (closed after being solved) and a rejected one (never opened)
//!   need no event of their own.
//!
//! ```
//! use support_rules::{Policy, Severity, SlaEvent, SlaEventKind, SlaTicket, SupportLevel, TicketKind};
//!
//! let policy = Policy::embedded_default();
//! // Level 3 high incident: 4 h round the clock to the first response, then 8 h per update.
//! let ticket = SlaTicket {
//!     level: SupportLevel::Three,
//!     tsm: false,
//!     kind: TicketKind::Incident { severity: Severity::High },
//! };
//! let event = |at: &str, kind| Ok::<_, jiff::Error>(SlaEvent { at: at.parse()?, kind });
//! let clock = policy.sla_clock(&ticket, &[
//!     event("2026-12-24T22:00:00Z", SlaEventKind::Opened)?,
//!     event("2026-12-25T01:30:00Z", SlaEventKind::EngineerRequestInformation)?,
//!     event("2026-12-25T09:00:00Z", SlaEventKind::CustomerMessage)?,
//! ])?;
//!
//! let answered = clock.status("2026-12-25T03:00:00Z".parse()?);
//! assert_eq!(answered.first_response.due.map(|t| t.to_string()).as_deref(), Some("2026-12-25T02:00:00Z"));
//! assert_eq!(answered.first_response.met_at.map(|t| t.to_string()).as_deref(), Some("2026-12-25T01:30:00Z"));
//! assert!(!answered.first_response.breached);
//! // Waiting for the customer: the update clock is paused.
//! assert!(answered.update.paused && answered.update.due.is_none());
//!
//! // The customer's reply at 09:00 starts the next update's 8 hours.
//! let replied = clock.status("2026-12-25T10:00:00Z".parse()?);
//! assert_eq!(replied.update.due.map(|t| t.to_string()).as_deref(), Some("2026-12-25T17:00:00Z"));
//! assert!(!replied.update.paused);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::duration::BusinessDuration;
use crate::error::{QuoteError, SlaError};
use crate::policy::{Policy, Severity, SupportLevel, TicketKind};

/// The ticket an SLA clock runs for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlaTicket {
    pub level: SupportLevel,
    /// The account has a Technical Success Manager.
    pub tsm: bool,
    /// What the ticket is; an incident's severity is the one it was opened with.
    pub kind: TicketKind,
}

/// What happened to a ticket, as far as its deadlines are concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlaEventKind {
    /// The ticket opened: submitted by a technical contact, or approved.
    Opened,
    /// A public message from an engineer (internal notes are not events of the clock).
    EngineerMessage,
    /// A public message from an engineer that waits for the customer.
    EngineerRequestInformation,
    /// A message from the customer.
    CustomerMessage,
    /// The incident's severity became `severity`.
    SeverityChanged {
        severity: Severity,
    },
    Solved,
    Reopened,
}

impl SlaEventKind {
    /// The kind's keyword, as the command line reads it.
    pub fn key(self) -> &'static str {
        match self {
            SlaEventKind::Opened => "opened",
            SlaEventKind::EngineerMessage => "engineer_message",
            SlaEventKind::EngineerRequestInformation => "engineer_request_information",
            SlaEventKind::CustomerMessage => "customer_message",
            SlaEventKind::SeverityChanged { .. } => "severity_changed",
            SlaEventKind::Solved => "solved",
            SlaEventKind::Reopened => "reopened",
        }
    }

    /// The keywords of every kind.
    pub const KEYS: [&'static str; 7] = [
        "opened",
        "engineer_message",
        "engineer_request_information",
        "customer_message",
        "severity_changed",
        "solved",
        "reopened",
    ];
}

/// One event of a ticket's history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlaEvent {
    /// When it happened (sub-second parts are dropped).
    pub at: Timestamp,
    pub kind: SlaEventKind,
}

/// The first-response deadline as of an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstResponse {
    /// The deadline; none before the ticket opens.
    pub due: Option<Timestamp>,
    /// When an engineer first answered, on time or late.
    pub met_at: Option<Timestamp>,
    /// The answer came after `due`, or none has come and `due` has passed.
    pub breached: bool,
}

/// The next-update deadline as of an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextUpdate {
    /// The running deadline (past when support is late); none while paused, before the first
    /// engineer message and once solved.
    pub due: Option<Timestamp>,
    /// The ticket waits for the customer's reply to a request for information.
    pub paused: bool,
}

/// Both deadlines of a ticket as of an instant: the ticket's `sla` in the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaStatus {
    pub first_response: FirstResponse,
    pub update: NextUpdate,
}

/// Which deadline a record is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    FirstResponse,
    NextUpdate,
}

/// What became of a deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineOutcome {
    /// An engineer answered at or before the deadline.
    Met,
    /// The deadline passed with no answer while the clock ran.
    Breached,
}

/// A "deadline met" or "deadline breached" entry of the ticket's timeline.
///
/// `(deadline, number, outcome, at)` identifies a record: recording each one once is
/// recording every outcome exactly once, whoever computes it and however often.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeadlineRecord {
    pub deadline: DeadlineKind,
    /// 1 for the first response; the next updates count 1, 2, 3 … in the order they started.
    pub number: u32,
    /// When the deadline's clock started (the same across severity changes).
    pub started_at: Timestamp,
    /// The deadline as it stood when it was met or passed.
    pub due: Timestamp,
    pub outcome: DeadlineOutcome,
    /// The answer's instant for `Met`; `due` itself for `Breached`.
    pub at: Timestamp,
}

/// A ticket's deadlines over its whole history, ready to answer for any instant.
///
/// Built by [`Policy::sla_clock`], which does all the calendar arithmetic; asking about an
/// instant only compares instants.
#[derive(Clone, Debug)]
pub struct SlaClock {
    /// The history's instants, to find the events up to an instant.
    instants: Vec<Timestamp>,
    /// `states[k]`: the deadlines after the first `k` events.
    states: Vec<State>,
    /// Every record, with the number of events after which it is known.
    records: Vec<(usize, DeadlineRecord)>,
}

/// One deadline with a running clock.
#[derive(Clone, Copy, Debug)]
struct Running {
    number: u32,
    started_at: Timestamp,
    due: Timestamp,
    /// Its passing is recorded and no severity change has lifted it since.
    breached: bool,
}

#[derive(Clone, Copy, Debug)]
enum First {
    NotOpened,
    Running(Running),
    Answered {
        clock: Running,
        at: Timestamp,
    },
    /// Solved before any answer.
    Stopped(Running),
}

#[derive(Clone, Copy, Debug)]
enum Update {
    /// Before the first engineer message, and while solved.
    None,
    Paused,
    Running(Running),
}

#[derive(Clone, Copy, Debug)]
struct State {
    severity: Option<Severity>,
    first: First,
    update: Update,
    updates_started: u32,
    solved: bool,
}

/// What an instant is made of: sub-second parts are dropped, as everywhere in the crate.
fn whole_seconds(t: Timestamp) -> Timestamp {
    let floor = if t.subsec_nanosecond() < 0 {
        t.as_second() - 1
    } else {
        t.as_second()
    };
    Timestamp::from_second(floor).unwrap_or(t)
}

/// A target and the calendar it counts on.
struct Target<'p> {
    duration: BusinessDuration,
    calendar_name: &'p str,
    calendar: &'p Calendar,
}

impl Target<'_> {
    fn due(&self, from: Timestamp) -> Result<Timestamp, SlaError> {
        self.calendar.due(from, self.duration).map_err(|source| {
            SlaError::Deadline(QuoteError::Calendar {
                calendar: self.calendar_name.to_owned(),
                source,
            })
        })
    }
}

/// The policy's targets for one ticket.
struct Targets<'p> {
    policy: &'p Policy,
    ticket: &'p SlaTicket,
}

impl<'p> Targets<'p> {
    fn on(&self, duration: BusinessDuration, name: &'p str) -> Result<Target<'p>, SlaError> {
        let calendar = self
            .policy
            .calendar(name)
            .ok_or_else(|| SlaError::Deadline(QuoteError::UnknownCalendar(name.to_owned())))?;
        Ok(Target {
            duration,
            calendar_name: name,
            calendar,
        })
    }

    /// The first-response target for the ticket with `severity` (incidents only).
    fn first_response(&self, severity: Option<Severity>) -> Result<Target<'p>, SlaError> {
        let levels = self.policy.document().levels.get(self.ticket.level);
        let severity = match (&self.ticket.kind, severity) {
            (TicketKind::Request { service }, _) => {
                let spec = self.policy.service(service.as_str()).ok_or_else(|| {
                    SlaError::Deadline(QuoteError::UnknownService(service.to_string()))
                })?;
                return self.on(spec.delivery, &spec.counts_on);
            }
            (TicketKind::Incident { .. }, Some(severity)) => severity,
            (TicketKind::Incident { severity }, None) => *severity,
            (TicketKind::Question, _) => self
                .policy
                .document()
                .ticket_types
                .question
                .answered_as
                .unwrap_or(Severity::Low),
        };
        let entry = levels.get(severity);
        self.on(entry.first_response(self.ticket.tsm), &entry.counts_on)
    }

    /// The next-update target for the ticket with `severity` (incidents only).
    fn next_update(&self, severity: Option<Severity>) -> Result<Target<'p>, SlaError> {
        let severity = match (&self.ticket.kind, severity) {
            (TicketKind::Incident { .. }, Some(severity)) => severity,
            (TicketKind::Incident { severity }, None) => *severity,
            (TicketKind::Question | TicketKind::Request { .. }, _) => Severity::Low,
        };
        let entry = self
            .policy
            .document()
            .levels
            .get(self.ticket.level)
            .get(severity);
        self.on(entry.next_update(self.ticket.tsm), &entry.counts_on)
    }
}

/// The deadline `clock` after a severity change at `changed_at` to `target`.
fn rescheduled(
    clock: Running,
    changed_at: Timestamp,
    target: &Target<'_>,
) -> Result<Running, SlaError> {
    let due = target
        .due(clock.started_at)?
        .max(clock.due.min(target.due(changed_at)?));
    Ok(Running {
        due,
        // A deadline moved to `changed_at` or later is not breached (yet).
        breached: clock.breached && due < changed_at,
        ..clock
    })
}

impl State {
    /// Records the deadlines that pass before `t`.
    fn pass(&mut self, t: Timestamp, mut record: impl FnMut(DeadlineKind, &Running)) {
        let mut check = |kind, clock: &mut Running| {
            if !clock.breached && clock.due < t {
                clock.breached = true;
                record(kind, clock);
            }
        };
        if let First::Running(clock) = &mut self.first {
            check(DeadlineKind::FirstResponse, clock);
        }
        if let Update::Running(clock) = &mut self.update {
            check(DeadlineKind::NextUpdate, clock);
        }
    }

    fn start_update(&mut self, at: Timestamp, targets: &Targets<'_>) -> Result<(), SlaError> {
        self.updates_started += 1;
        self.update = Update::Running(Running {
            number: self.updates_started,
            started_at: at,
            due: targets.next_update(self.severity)?.due(at)?,
            breached: false,
        });
        Ok(())
    }
}

fn met(kind: DeadlineKind, clock: &Running, at: Timestamp) -> DeadlineRecord {
    DeadlineRecord {
        deadline: kind,
        number: clock.number,
        started_at: clock.started_at,
        due: clock.due,
        outcome: DeadlineOutcome::Met,
        at,
    }
}

fn breached(kind: DeadlineKind, clock: &Running) -> DeadlineRecord {
    DeadlineRecord {
        deadline: kind,
        number: clock.number,
        started_at: clock.started_at,
        due: clock.due,
        outcome: DeadlineOutcome::Breached,
        at: clock.due,
    }
}

impl Policy {
    /// The SLA clock of `ticket` over its `history` (see [the rules](crate::sla)).
    ///
    /// The history is checked: in time order, `opened` first and only once, severity changes
    /// only for incidents, reopening only a solved ticket. An empty history is a ticket that
    /// has not opened (pending approval, or rejected): it has no deadline.
    ///
    /// ```
    /// use support_rules::{Policy, SlaError, SlaEvent, SlaEventKind, SlaTicket, SupportLevel, TicketKind};
    ///
    /// let policy = Policy::embedded_default();
    /// let ticket = SlaTicket { level: SupportLevel::One, tsm: false, kind: TicketKind::Question };
    /// let at = |text: &str| text.parse::<support_rules::Timestamp>();
    /// let clock = policy.sla_clock(&ticket, &[])?;
    /// assert_eq!(clock.status(at("2026-12-01T00:00:00Z")?).first_response.due, None);
    ///
    /// let unordered = policy.sla_clock(&ticket, &[
    ///     SlaEvent { at: at("2026-12-01T10:00:00Z")?, kind: SlaEventKind::Opened },
    ///     SlaEvent { at: at("2026-12-01T09:00:00Z")?, kind: SlaEventKind::CustomerMessage },
    /// ]);
    /// assert!(matches!(unordered, Err(SlaError::OutOfOrder { index: 1, .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sla_clock(
        &self,
        ticket: &SlaTicket,
        history: &[SlaEvent],
    ) -> Result<SlaClock, SlaError> {
        let targets = Targets {
            policy: self,
            ticket,
        };
        let mut state = State {
            severity: match ticket.kind {
                TicketKind::Incident { severity } => Some(severity),
                _ => None,
            },
            first: First::NotOpened,
            update: Update::None,
            updates_started: 0,
            solved: false,
        };
        let mut clock = SlaClock {
            instants: Vec::with_capacity(history.len()),
            states: Vec::with_capacity(history.len() + 1),
            records: Vec::new(),
        };
        clock.states.push(state);
        for (index, event) in history.iter().enumerate() {
            let at = whole_seconds(event.at);
            if let Some(&previous) = clock.instants.last()
                && at < previous
            {
                return Err(SlaError::OutOfOrder {
                    index,
                    at,
                    previous,
                });
            }
            let opened = !matches!(state.first, First::NotOpened);
            match event.kind {
                SlaEventKind::Opened if opened => return Err(SlaError::OpenedTwice { index }),
                SlaEventKind::Opened => {}
                kind if !opened => {
                    return Err(SlaError::NotOpened {
                        index,
                        kind: kind.key(),
                    });
                }
                SlaEventKind::SeverityChanged { .. } if state.severity.is_none() => {
                    return Err(SlaError::NoSeverity {
                        index,
                        ticket_type: ticket.kind.ticket_type(),
                    });
                }
                SlaEventKind::Reopened if !state.solved => {
                    return Err(SlaError::ReopenedUnsolved { index });
                }
                _ => {}
            }
            let known_after = index + 1;
            let records = &mut clock.records;
            state.pass(at, |kind, running| {
                records.push((known_after, breached(kind, running)));
            });
            match event.kind {
                SlaEventKind::Opened => {
                    state.first = First::Running(Running {
                        number: 1,
                        started_at: at,
                        due: targets.first_response(state.severity)?.due(at)?,
                        breached: false,
                    });
                }
                SlaEventKind::EngineerMessage | SlaEventKind::EngineerRequestInformation
                    if !state.solved =>
                {
                    if let First::Running(running) = state.first {
                        if !running.breached {
                            records.push((
                                known_after,
                                met(DeadlineKind::FirstResponse, &running, at),
                            ));
                        }
                        state.first = First::Answered { clock: running, at };
                    }
                    if let Update::Running(running) = state.update
                        && !running.breached
                    {
                        records.push((known_after, met(DeadlineKind::NextUpdate, &running, at)));
                    }
                    if event.kind == SlaEventKind::EngineerMessage {
                        state.start_update(at, &targets)?;
                    } else {
                        state.update = Update::Paused;
                    }
                }
                SlaEventKind::CustomerMessage if matches!(state.update, Update::Paused) => {
                    state.start_update(at, &targets)?;
                }
                SlaEventKind::SeverityChanged { severity } => {
                    state.severity = Some(severity);
                    if let First::Running(running) = state.first {
                        let target = targets.first_response(state.severity)?;
                        state.first = First::Running(rescheduled(running, at, &target)?);
                    }
                    if let Update::Running(running) = state.update {
                        let target = targets.next_update(state.severity)?;
                        state.update = Update::Running(rescheduled(running, at, &target)?);
                    }
                }
                SlaEventKind::Solved if !state.solved => {
                    state.solved = true;
                    if let First::Running(running) = state.first {
                        state.first = First::Stopped(running);
                    }
                    state.update = Update::None;
                }
                SlaEventKind::Reopened => {
                    state.solved = false;
                    state.start_update(at, &targets)?;
                }
                // Messages on a solved ticket, a customer message outside a wait, a second
                // solve: no deadline changes.
                _ => {}
            }
            clock.instants.push(at);
            clock.states.push(state);
        }
        Ok(clock)
    }
}

impl Policy {
    /// The calendar a ticket's `deadline` counts on, with the ticket's current kind (an
    /// incident's severity as it is now): where the business time of its warning window and
    /// of its answer is counted.
    ///
    /// ```
    /// use support_rules::{DeadlineKind, Policy, Severity, SlaTicket, SupportLevel, TicketKind};
    /// let policy = Policy::embedded_default();
    /// let ticket = SlaTicket {
    ///     level: SupportLevel::Three,
    ///     tsm: false,
    ///     kind: TicketKind::Incident { severity: Severity::Urgent },
    /// };
    /// let calendar = policy.deadline_calendar(&ticket, DeadlineKind::FirstResponse)?;
    /// assert!(calendar.is_always_open());
    /// # Ok::<(), support_rules::SlaError>(())
    /// ```
    pub fn deadline_calendar<'p>(
        &'p self,
        ticket: &'p SlaTicket,
        deadline: DeadlineKind,
    ) -> Result<&'p Calendar, SlaError> {
        let targets = Targets {
            policy: self,
            ticket,
        };
        let target = match deadline {
            DeadlineKind::FirstResponse => targets.first_response(None)?,
            DeadlineKind::NextUpdate => targets.next_update(None)?,
        };
        Ok(target.calendar)
    }
}

impl SlaClock {
    /// The state after the events up to `at`, and the deadlines that have passed since.
    fn as_of(&self, at: Timestamp) -> (usize, State, Vec<DeadlineRecord>) {
        let at = whole_seconds(at);
        let known = self.instants.partition_point(|&instant| instant <= at);
        let mut state = self.states[known];
        let mut passed = Vec::new();
        state.pass(at, |kind, running| passed.push(breached(kind, running)));
        (known, state, passed)
    }

    /// Both deadlines as of `at`, from the events up to `at` (later ones are ignored).
    ///
    /// A deadline is not breached at its own instant: an answer may still come then.
    pub fn status(&self, at: Timestamp) -> SlaStatus {
        let (_, state, _) = self.as_of(at);
        let first_response = match state.first {
            First::NotOpened => FirstResponse {
                due: None,
                met_at: None,
                breached: false,
            },
            First::Running(clock) | First::Stopped(clock) => FirstResponse {
                due: Some(clock.due),
                met_at: None,
                breached: clock.breached,
            },
            First::Answered { clock, at } => FirstResponse {
                due: Some(clock.due),
                met_at: Some(at),
                breached: at > clock.due,
            },
        };
        let update = match state.update {
            Update::None => NextUpdate {
                due: None,
                paused: false,
            },
            Update::Paused => NextUpdate {
                due: None,
                paused: true,
            },
            Update::Running(clock) => NextUpdate {
                due: Some(clock.due),
                paused: false,
            },
        };
        SlaStatus {
            first_response,
            update,
        }
    }

    /// Every deadline met or breached up to `at`, by instant (then first response before
    /// updates, then by number): the "deadline met" and "deadline breached" entries the
    /// timeline holds as of `at`. The list only grows as `at` advances: the records as of an
    /// earlier instant are the later list's breaches before it and answers up to it.
    ///
    /// A breach whose deadline a later downgrade moves stays listed; the moved deadline has
    /// records of its own. A late answer meets nothing.
    ///
    /// ```
    /// use support_rules::{DeadlineKind, DeadlineOutcome, Policy, Severity, SlaEvent, SlaEventKind, SlaTicket, SupportLevel, TicketKind};
    ///
    /// let policy = Policy::embedded_default();
    /// let ticket = SlaTicket {
    ///     level: SupportLevel::Three,
    ///     tsm: true,
    ///     kind: TicketKind::Incident { severity: Severity::Urgent },
    /// };
    /// let at = |text: &str| text.parse::<support_rules::Timestamp>();
    /// let clock = policy.sla_clock(&ticket, &[
    ///     SlaEvent { at: at("2026-12-01T10:00:00Z")?, kind: SlaEventKind::Opened },
    ///     // One hour with a Technical Success Manager: answered on time at 10:40.
    ///     SlaEvent { at: at("2026-12-01T10:40:00Z")?, kind: SlaEventKind::EngineerMessage },
    /// ])?;
    /// // The next update (2 h) was due at 12:40 and nobody wrote.
    /// let records = clock.records(at("2026-12-01T13:00:00Z")?);
    /// let outcomes: Vec<_> = records.iter().map(|r| (r.deadline, r.outcome, r.at.to_string())).collect();
    /// assert_eq!(outcomes, [
    ///     (DeadlineKind::FirstResponse, DeadlineOutcome::Met, "2026-12-01T10:40:00Z".to_owned()),
    ///     (DeadlineKind::NextUpdate, DeadlineOutcome::Breached, "2026-12-01T12:40:00Z".to_owned()),
    /// ]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn records(&self, at: Timestamp) -> Vec<DeadlineRecord> {
        let (known, _, passed) = self.as_of(at);
        let mut records: Vec<DeadlineRecord> = self
            .records
            .iter()
            .filter(|(known_after, _)| *known_after <= known)
            .map(|(_, record)| *record)
            .chain(passed)
            .collect();
        records.sort_by_key(|record| (record.at, record.deadline, record.number));
        records
    }
}

//! The support console's queue: where a ticket stands in it (its sort key, kept on the ticket
//! and moved by every change), the marks of its next deadline, and the query's parts (filters,
//! cursor, page size) parsed from what a client sends.

use jiff::Timestamp;
use support_api::{Deadline, FieldCode, TicketStatus};
use support_rules::{
    BusinessDuration, DeadlineKind, Policy, Severity, SlaError, SlaStatus, SlaTicket, SupportLevel,
    TicketKind, TicketType,
};

use super::FieldProblem;

/// Where a ticket stands in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueuePlace {
    /// Not in it: pending approval, rejected, solved or closed.
    Out,
    /// The clock runs: the instant of its next deadline.
    Due(Timestamp),
    /// Waiting for the customer: after every running ticket.
    Paused,
}

/// Which deadline is next for a ticket in `status`: an open ticket has had no answer yet (an
/// engineer's message moves it on), an in-progress one owes its next update, a waiting one
/// owes nothing.
pub fn next_deadline(status: TicketStatus) -> Option<DeadlineKind> {
    match status {
        TicketStatus::Open => Some(DeadlineKind::FirstResponse),
        TicketStatus::InProgress => Some(DeadlineKind::NextUpdate),
        _ => None,
    }
}

impl QueuePlace {
    /// The place of a ticket in `status` whose deadlines are `sla`.
    pub fn of(status: TicketStatus, sla: &SlaStatus) -> QueuePlace {
        let due = match (status, next_deadline(status)) {
            (TicketStatus::WaitingForCustomer, _) => return QueuePlace::Paused,
            (_, Some(DeadlineKind::FirstResponse)) => sla.first_response.due,
            (_, Some(DeadlineKind::NextUpdate)) => sla.update.due,
            (_, None) => return QueuePlace::Out,
        };
        // An active ticket always has a deadline running; one with none owes nothing now.
        due.map_or(QueuePlace::Paused, QueuePlace::Due)
    }

    /// The columns that hold it: `queue_paused` and `queue_due` (microseconds).
    pub fn columns(self) -> (Option<i64>, Option<i64>) {
        match self {
            QueuePlace::Out => (None, None),
            QueuePlace::Due(at) => (Some(0), Some(at.as_microsecond())),
            QueuePlace::Paused => (Some(1), Some(0)),
        }
    }
}

/// The marks of a queued ticket's next deadline as of an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marks {
    pub deadline: Option<Deadline>,
    pub due: Option<Timestamp>,
    pub paused: bool,
    pub in_warning: bool,
    pub breached: bool,
}

/// What a queued ticket is, as far as its marks are concerned.
pub struct Queued {
    pub level: SupportLevel,
    pub tsm: bool,
    pub kind: TicketKind,
    pub status: TicketStatus,
    pub place: QueuePlace,
}

/// The marks as of `at`: breached once `due` has passed; in warning while at most `window` of
/// business time is left on the deadline's own calendar (see `Calendar::is_in_warning`).
pub fn marks(
    policy: &Policy,
    queued: &Queued,
    window: BusinessDuration,
    at: Timestamp,
) -> Result<Marks, SlaError> {
    let (QueuePlace::Due(due), Some(kind)) = (queued.place, next_deadline(queued.status)) else {
        return Ok(Marks {
            deadline: None,
            due: None,
            paused: true,
            in_warning: false,
            breached: false,
        });
    };
    let ticket = SlaTicket {
        level: queued.level,
        tsm: queued.tsm,
        kind: queued.kind.clone(),
    };
    let breached = due.as_second() < at.as_second();
    let in_warning = !breached
        && policy
            .deadline_calendar(&ticket, kind)?
            .is_in_warning(at, due, window);
    Ok(Marks {
        deadline: Some(match kind {
            DeadlineKind::FirstResponse => Deadline::FirstResponse,
            DeadlineKind::NextUpdate => Deadline::NextUpdate,
        }),
        due: Some(due),
        paused: false,
        in_warning,
        breached,
    })
}

/// Whose tickets a queue shows, by assignee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assigned {
    /// Assigned to the engineer asking.
    Me,
    Unassigned,
}

/// The queue's filters; `None` lets every value through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub level: Option<SupportLevel>,
    pub severity: Option<Severity>,
    pub ticket_type: Option<TicketType>,
    pub status: Option<TicketStatus>,
    pub account: Option<i64>,
    pub assigned: Option<Assigned>,
}

/// The statuses the queue holds.
pub const QUEUE_STATUSES: [TicketStatus; 3] = [
    TicketStatus::Open,
    TicketStatus::InProgress,
    TicketStatus::WaitingForCustomer,
];

fn one_of(keys: &[&str]) -> String {
    format!("must be one of {}", keys.join(", "))
}

pub fn parse_level(text: &str) -> Result<SupportLevel, FieldProblem> {
    text.parse::<SupportLevel>()
        .map_err(|_| FieldProblem::new(FieldCode::UnknownValue, one_of(&["1", "2", "3"])))
}

pub fn parse_severity(text: &str) -> Result<Severity, FieldProblem> {
    text.parse::<Severity>().map_err(|_| {
        let keys: Vec<&str> = Severity::ALL.iter().map(|s| s.key()).collect();
        FieldProblem::new(FieldCode::UnknownValue, one_of(&keys))
    })
}

pub fn parse_type(text: &str) -> Result<TicketType, FieldProblem> {
    text.parse::<TicketType>().map_err(|_| {
        let keys: Vec<&str> = TicketType::ALL.iter().map(|s| s.key()).collect();
        FieldProblem::new(FieldCode::UnknownValue, one_of(&keys))
    })
}

/// One of the statuses the queue holds.
pub fn parse_queue_status(text: &str) -> Result<TicketStatus, FieldProblem> {
    TicketStatus::from_key(text)
        .filter(|status| QUEUE_STATUSES.contains(status))
        .ok_or_else(|| {
            let keys: Vec<&str> = QUEUE_STATUSES.iter().map(|s| s.key()).collect();
            FieldProblem::new(FieldCode::UnknownValue, one_of(&keys))
        })
}

pub fn parse_assigned(text: &str) -> Result<Assigned, FieldProblem> {
    match text {
        "me" => Ok(Assigned::Me),
        "unassigned" => Ok(Assigned::Unassigned),
        _ => Err(FieldProblem::new(
            FieldCode::UnknownValue,
            one_of(&["me", "unassigned"]),
        )),
    }
}

/// A positive database id.
pub fn parse_id(text: &str) -> Result<i64, FieldProblem> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            FieldProblem::new(
                FieldCode::Invalid,
                "must be a ticket system id: a whole number from 1",
            )
        })
}

/// How many tickets a page holds: 1 to [`PageSize::MAX`], [`PageSize::DEFAULT`] when unsaid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize(u32);

impl PageSize {
    pub const DEFAULT: PageSize = PageSize(50);
    pub const MAX: u32 = 100;

    pub fn parse(text: &str) -> Result<PageSize, FieldProblem> {
        text.parse::<u32>()
            .ok()
            .filter(|n| (1..=Self::MAX).contains(n))
            .map(PageSize)
            .ok_or_else(|| {
                FieldProblem::new(
                    FieldCode::Invalid,
                    format!("must be a whole number from 1 to {}", Self::MAX),
                )
            })
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// Where a page starts: after the ticket with this sort key. Clients get it opaque (the
/// answer's `next`) and send it back as it came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub paused: i64,
    pub due: i64,
    pub id: i64,
}

impl Cursor {
    /// Before every ticket.
    pub const START: Cursor = Cursor {
        paused: -1,
        due: i64::MIN,
        id: 0,
    };
    const LONGEST: usize = 128;

    /// The cursor after the ticket `id` at `place` (a queued place).
    pub fn after(place: QueuePlace, id: i64) -> Cursor {
        let (paused, due) = place.columns();
        Cursor {
            paused: paused.unwrap_or(1),
            due: due.unwrap_or(0),
            id,
        }
    }

    pub fn encode(self) -> String {
        hex::encode(format!("q1.{}.{}.{}", self.paused, self.due, self.id))
    }

    pub fn parse(text: &str) -> Result<Cursor, FieldProblem> {
        let bad = || {
            FieldProblem::new(
                FieldCode::Invalid,
                "is not a cursor of this queue: send back the `next` of an earlier page as it came",
            )
        };
        if text.len() > Self::LONGEST {
            return Err(bad());
        }
        let bytes = hex::decode(text).map_err(|_| bad())?;
        let text = std::str::from_utf8(&bytes).map_err(|_| bad())?;
        let mut parts = text.strip_prefix("q1.").ok_or_else(bad)?.split('.');
        let mut number = || -> Result<i64, FieldProblem> {
            parts
                .next()
                .ok_or_else(bad)?
                .parse::<i64>()
                .map_err(|_| bad())
        };
        let (paused, due, id) = (number()?, number()?, number()?);
        if parts.next().is_some() || !(0..=1).contains(&paused) || id < 1 || due < 0 {
            return Err(bad());
        }
        Ok(Cursor { paused, due, id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_and_anything_else_is_refused() {
        let cursor = Cursor {
            paused: 0,
            due: 1_767_225_600_000_000,
            id: 42,
        };
        assert_eq!(Cursor::parse(&cursor.encode()), Ok(cursor));
        for bad in [
            "",
            "zz",
            "q1.0.1.2",
            &hex::encode("q1.2.0.1"),
            &hex::encode("q1.0.-5.1"),
            &hex::encode("q1.0.5.0"),
            &hex::encode("q1.0.5.1.9"),
            &hex::encode("q2.0.5.1"),
            &"ab".repeat(100),
        ] {
            assert!(Cursor::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_open_ticket_waits_for_its_first_response_and_a_waiting_one_is_paused() {
        let at = |s: &str| s.parse::<Timestamp>().expect("an instant");
        let sla = SlaStatus {
            first_response: support_rules::FirstResponse {
                due: Some(at("2026-12-01T10:00:00Z")),
                met_at: None,
                breached: false,
            },
            update: support_rules::NextUpdate {
                due: Some(at("2026-12-01T12:00:00Z")),
                paused: false,
            },
        };
        assert_eq!(
            QueuePlace::of(TicketStatus::Open, &sla),
            QueuePlace::Due(at("2026-12-01T10:00:00Z"))
        );
        assert_eq!(
            QueuePlace::of(TicketStatus::InProgress, &sla),
            QueuePlace::Due(at("2026-12-01T12:00:00Z"))
        );
        assert_eq!(
            QueuePlace::of(TicketStatus::WaitingForCustomer, &sla),
            QueuePlace::Paused
        );
        for out in [
            TicketStatus::PendingApproval,
            TicketStatus::Rejected,
            TicketStatus::Solved,
            TicketStatus::Closed,
        ] {
            assert_eq!(QueuePlace::of(out, &sla), QueuePlace::Out);
        }
    }
}

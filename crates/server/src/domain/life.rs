//! The rules of a ticket's life after filing: who on the customer side may act on it, what
//! each message does to its status, which actions each status allows, and the ticket's
//! history as the SLA clock reads it.

use jiff::{SignedDuration, Timestamp};
use support_api::{Entry, TicketStatus, TimelineEntry};
use support_rules::{Policy, SlaError, SlaEvent, SlaStatus, SlaTicket};

use super::{FieldProblem, Person, Ticket, bounded_text};

/// A message's text: 1 to 20,000 characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageBody(String);

impl MessageBody {
    pub const MAX_LENGTH: usize = 20_000;

    pub fn parse(value: &str) -> Result<Self, FieldProblem> {
        bounded_text(value, "a message", Self::MAX_LENGTH).map(Self)
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A reason, a detail or a comment: 1 to 2,000 characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remark(String);

impl Remark {
    pub const MAX_LENGTH: usize = 2_000;

    pub fn parse(value: &str, what: &str) -> Result<Self, FieldProblem> {
        bounded_text(value, what, Self::MAX_LENGTH).map(Self)
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// On the customer side, the account's technical contacts act on any of its tickets, and
/// whoever filed a ticket acts on their own (the policy lets anyone with a subscription follow
/// their tickets; only contacts act for the account). Anyone of the account may read them.
pub fn may_act_on(person: &Person, ticket: &Ticket) -> bool {
    person.is_technical_contact() || person.id == ticket.submitter.id
}

/// The files a message sends: at most `most` (the policy's `max_files_per_message`), each
/// once.
pub fn check_attachment_list(files: &[i64], most: u32) -> Result<(), FieldProblem> {
    if files.len() > most as usize {
        return Err(FieldProblem::new(
            support_api::FieldCode::TooLong,
            format!(
                "a message carries at most {most} files (the policy's attachments.max_files_per_message); this one lists {}",
                files.len()
            ),
        ));
    }
    if let Some((index, file)) = files
        .iter()
        .enumerate()
        .find(|(index, file)| files[..*index].contains(file))
    {
        return Err(FieldProblem::new(
            support_api::FieldCode::Invalid,
            format!("lists file {file} twice (again at position {index})"),
        ));
    }
    Ok(())
}

/// What a message is, from who writes it and its flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Customer,
    Public,
    InternalNote,
    RequestForInformation,
}

/// A customer asked for what only engineers may write, or both flags were set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageFlagsError {
    EngineersOnly,
    Both,
}

impl MessageKind {
    pub fn of(
        by_engineer: bool,
        internal: bool,
        request_information: bool,
    ) -> Result<Self, MessageFlagsError> {
        match (by_engineer, internal, request_information) {
            (_, true, true) => Err(MessageFlagsError::Both),
            (false, false, false) => Ok(Self::Customer),
            (false, ..) => Err(MessageFlagsError::EngineersOnly),
            (true, false, false) => Ok(Self::Public),
            (true, true, false) => Ok(Self::InternalNote),
            (true, false, true) => Ok(Self::RequestForInformation),
        }
    }

    pub fn entry(self, body: String) -> Entry {
        match self {
            Self::Customer => Entry::CustomerMessage { body },
            Self::Public => Entry::PublicMessage { body },
            Self::InternalNote => Entry::InternalNote { body },
            Self::RequestForInformation => Entry::RequestForInformation { body },
        }
    }

    /// The status a ticket in `status` moves to with this message, or why it takes none.
    /// Solved tickets take internal notes only: the conversation goes on after a reopen.
    pub fn status_after(self, status: TicketStatus) -> Result<TicketStatus, TicketStatus> {
        use TicketStatus::{
            Closed, InProgress, PendingApproval, Rejected, Solved, WaitingForCustomer,
        };
        match (status, self) {
            (PendingApproval | Rejected | Closed, _) => Err(status),
            (Solved, Self::InternalNote) => Ok(Solved),
            (Solved, _) => Err(status),
            (_, Self::Public) => Ok(InProgress),
            (_, Self::RequestForInformation) => Ok(WaitingForCustomer),
            (WaitingForCustomer, Self::Customer) => Ok(InProgress),
            (status, Self::Customer | Self::InternalNote) => Ok(status),
        }
    }
}

/// The ticket is being worked on: it may be solved, escalated, and its severity changed.
pub fn is_active(status: TicketStatus) -> bool {
    matches!(
        status,
        TicketStatus::Open | TicketStatus::InProgress | TicketStatus::WaitingForCustomer
    )
}

/// Escalations come from any ticket that is not solved, closed or rejected.
pub fn may_escalate(status: TicketStatus) -> bool {
    is_active(status) || status == TicketStatus::PendingApproval
}

/// Until when a ticket solved at `solved_at` may be reopened: `days` calendar days (of 24
/// hours, the same instant `days` later).
pub fn reopen_until(solved_at: Timestamp, days: u32) -> Timestamp {
    solved_at
        .checked_add(SignedDuration::from_hours(i64::from(days) * 24))
        .unwrap_or(Timestamp::MAX)
}

/// The ticket and its history as the SLA clock reads them: the ticket with the kind it was
/// opened with, and its events in time order (opening first).
pub fn sla_history(ticket: &Ticket, entries: &[TimelineEntry]) -> (SlaTicket, Vec<SlaEvent>) {
    let (kind, events) = support_api::sla_history(&ticket.kind, ticket.opened_at, entries);
    (
        SlaTicket {
            level: ticket.level,
            tsm: ticket.tsm,
            kind,
        },
        events,
    )
}

/// The deadlines of a ticket whose clock does not run.
pub fn no_clock() -> SlaStatus {
    SlaStatus {
        first_response: support_rules::FirstResponse {
            due: None,
            met_at: None,
            breached: false,
        },
        update: support_rules::NextUpdate {
            due: None,
            paused: false,
        },
    }
}

/// The ticket's deadlines as of `at`, from its timeline.
pub fn sla_status(
    policy: &Policy,
    ticket: &Ticket,
    entries: &[TimelineEntry],
    at: Timestamp,
) -> Result<SlaStatus, SlaError> {
    let (sla_ticket, events) = sla_history(ticket, entries);
    Ok(policy.sla_clock(&sla_ticket, &events)?.status(at))
}

#[cfg(test)]
mod tests {
    use support_api::TicketStatus;

    use super::MessageKind;

    #[test]
    fn an_engineers_answer_moves_the_ticket_and_the_customers_reply_ends_a_wait() {
        use TicketStatus::*;
        assert_eq!(MessageKind::Public.status_after(Open), Ok(InProgress));
        assert_eq!(
            MessageKind::RequestForInformation.status_after(InProgress),
            Ok(WaitingForCustomer)
        );
        assert_eq!(
            MessageKind::Customer.status_after(WaitingForCustomer),
            Ok(InProgress)
        );
        assert_eq!(MessageKind::Customer.status_after(Open), Ok(Open));
        assert_eq!(
            MessageKind::InternalNote.status_after(WaitingForCustomer),
            Ok(WaitingForCustomer)
        );
        for status in [PendingApproval, Rejected, Closed] {
            assert_eq!(MessageKind::Customer.status_after(status), Err(status));
            assert_eq!(MessageKind::InternalNote.status_after(status), Err(status));
        }
        assert_eq!(MessageKind::Public.status_after(Solved), Err(Solved));
        assert_eq!(MessageKind::InternalNote.status_after(Solved), Ok(Solved));
    }

    #[test]
    fn a_message_sends_at_most_the_policys_files_each_once() {
        use support_api::FieldCode;
        assert!(super::check_attachment_list(&[], 10).is_ok());
        assert!(super::check_attachment_list(&[1, 2, 3], 3).is_ok());
        let over = super::check_attachment_list(&[1, 2, 3, 4], 3).expect_err("too many");
        assert_eq!(over.code, FieldCode::TooLong);
        assert!(over.problem.contains("at most 3 files"), "{}", over.problem);
        let twice = super::check_attachment_list(&[7, 8, 7], 10).expect_err("twice");
        assert_eq!(twice.code, FieldCode::Invalid);
        assert!(twice.problem.contains("file 7 twice"), "{}", twice.problem);
    }

    #[test]
    fn only_engineers_write_notes_and_requests_and_never_both_at_once() {
        assert_eq!(
            MessageKind::of(false, false, false),
            Ok(MessageKind::Customer)
        );
        assert!(MessageKind::of(false, true, false).is_err());
        assert!(MessageKind::of(false, false, true).is_err());
        assert!(MessageKind::of(true, true, true).is_err());
        assert_eq!(
            MessageKind::of(true, false, true),
            Ok(MessageKind::RequestForInformation)
        );
    }
}

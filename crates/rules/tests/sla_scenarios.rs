//! The SLA clock on the shipped policy, each rule of issue 12 on a case worked out by hand.
//!
//! The shipped `business` calendar is Lisbon, open around the clock Monday to Friday, closed
//! on 1 January and 25 December (Lisbon is UTC in winter, UTC+1 in summer); `always` never
//! closes. Update targets are twice the first-response targets.

use support_rules::{
    DeadlineKind, DeadlineOutcome, DeadlineRecord, Policy, QuoteRequest, Severity, SlaClock,
    SlaError, SlaEvent, SlaEventKind, SlaStatus, SlaTicket, SupportLevel, TicketKind, Timestamp,
};

use DeadlineKind::{FirstResponse, NextUpdate};
use DeadlineOutcome::{Breached, Met};
use SlaEventKind::{
    CustomerMessage, EngineerMessage, EngineerRequestInformation, Opened, Reopened, Solved,
};

fn at(text: &str) -> Timestamp {
    text.parse()
        .unwrap_or_else(|error| panic!("{text}: {error}"))
}

fn incident(level: u8, tsm: bool, severity: Severity) -> SlaTicket {
    ticket(level, tsm, TicketKind::Incident { severity })
}

fn ticket(level: u8, tsm: bool, kind: TicketKind) -> SlaTicket {
    SlaTicket {
        level: SupportLevel::try_from(level).unwrap_or_else(|error| panic!("{error}")),
        tsm,
        kind,
    }
}

fn history(events: &[(&str, SlaEventKind)]) -> Vec<SlaEvent> {
    events
        .iter()
        .map(|&(when, kind)| SlaEvent { at: at(when), kind })
        .collect()
}

fn clock(ticket: &SlaTicket, events: &[(&str, SlaEventKind)]) -> SlaClock {
    Policy::embedded_default()
        .sla_clock(ticket, &history(events))
        .unwrap_or_else(|error| panic!("{error}"))
}

fn changed(severity: Severity) -> SlaEventKind {
    SlaEventKind::SeverityChanged { severity }
}

/// The status in the command line's words: (first due, met_at, breached), (update due, paused).
type Shown = (
    (Option<String>, Option<String>, bool),
    (Option<String>, bool),
);

fn shown(status: SlaStatus) -> Shown {
    let text = |t: Option<Timestamp>| t.map(|t| t.to_string());
    (
        (
            text(status.first_response.due),
            text(status.first_response.met_at),
            status.first_response.breached,
        ),
        (text(status.update.due), status.update.paused),
    )
}

fn some(text: &str) -> Option<String> {
    Some(text.to_owned())
}

fn outcomes(records: &[DeadlineRecord]) -> Vec<(DeadlineKind, u32, DeadlineOutcome, String)> {
    records
        .iter()
        .map(|r| (r.deadline, r.number, r.outcome, r.at.to_string()))
        .collect()
}

#[test]
fn the_first_response_is_due_as_the_quote_says_and_an_engineer_message_meets_it() {
    let policy = Policy::embedded_default();
    // Level 1 high: 8 business hours; Thursday 20:00 + 4 h, Christmas and the weekend closed,
    // 4 h more from Monday 00:00.
    let ticket = incident(1, false, Severity::High);
    let quote = policy.quote(&QuoteRequest {
        level: ticket.level,
        tsm: false,
        kind: ticket.kind.clone(),
        at: at("2026-12-24T20:00:00Z"),
    });
    let clock = clock(
        &ticket,
        &[
            ("2026-12-24T20:00:00Z", Opened),
            ("2026-12-28T03:15:00Z", EngineerMessage),
        ],
    );
    let before = clock.status(at("2026-12-26T12:00:00Z"));
    assert_eq!(
        before.first_response.due,
        quote.map(|q| q.first_response_due).ok()
    );
    assert_eq!(
        shown(before),
        ((some("2026-12-28T04:00:00Z"), None, false), (None, false))
    );
    // Answered at 03:15: the next update (16 h) is due Monday 19:15.
    assert_eq!(
        shown(clock.status(at("2026-12-28T03:15:00Z"))),
        (
            (
                some("2026-12-28T04:00:00Z"),
                some("2026-12-28T03:15:00Z"),
                false
            ),
            (some("2026-12-28T19:15:00Z"), false)
        )
    );
    assert_eq!(
        outcomes(&clock.records(at("2026-12-28T10:00:00Z"))),
        [(FirstResponse, 1, Met, "2026-12-28T03:15:00Z".to_owned())]
    );
}

#[test]
fn customer_messages_never_answer_and_a_late_answer_is_met_at_but_breached() {
    // Level 3 urgent with a TSM: 1 h round the clock.
    let ticket = incident(3, true, Severity::Urgent);
    let clock = clock(
        &ticket,
        &[
            ("2026-12-05T10:00:00Z", Opened),
            ("2026-12-05T10:30:00Z", CustomerMessage),
            ("2026-12-05T11:20:00Z", EngineerMessage),
        ],
    );
    // A customer message changes nothing; at the deadline's own instant it is not breached.
    assert_eq!(
        shown(clock.status(at("2026-12-05T11:00:00Z"))),
        ((some("2026-12-05T11:00:00Z"), None, false), (None, false))
    );
    assert_eq!(
        shown(clock.status(at("2026-12-05T11:00:01Z"))),
        ((some("2026-12-05T11:00:00Z"), None, true), (None, false))
    );
    // Answered late: met_at is the answer, breached stays; the update (2 h with a TSM) runs.
    assert_eq!(
        shown(clock.status(at("2026-12-05T12:00:00Z"))),
        (
            (
                some("2026-12-05T11:00:00Z"),
                some("2026-12-05T11:20:00Z"),
                true
            ),
            (some("2026-12-05T13:20:00Z"), false)
        )
    );
    // The timeline has the breach, and no "met" for the late answer.
    assert_eq!(
        outcomes(&clock.records(at("2026-12-05T12:00:00Z"))),
        [(
            FirstResponse,
            1,
            Breached,
            "2026-12-05T11:00:00Z".to_owned()
        )]
    );
}

#[test]
fn a_request_for_information_answers_and_pauses_until_the_customer_replies() {
    // Level 2 normal: first response 2 business days, updates 4 business days.
    let ticket = incident(2, false, Severity::Normal);
    let clock = clock(
        &ticket,
        &[
            ("2026-12-01T09:00:00Z", Opened),
            ("2026-12-01T15:00:00Z", EngineerRequestInformation),
            // The wait lasts over a week: no update deadline is owed meanwhile.
            ("2026-12-10T08:00:00Z", CustomerMessage),
        ],
    );
    assert_eq!(
        shown(clock.status(at("2026-12-09T00:00:00Z"))),
        (
            (
                some("2026-12-03T09:00:00Z"),
                some("2026-12-01T15:00:00Z"),
                false
            ),
            (None, true)
        )
    );
    // Thursday 08:00 + 4 business days: 40 h to Saturday 00:00, then Monday, Tuesday and
    // 8 h of Wednesday.
    assert_eq!(
        shown(clock.status(at("2026-12-10T08:00:00Z"))).1,
        (some("2026-12-16T08:00:00Z"), false)
    );
    assert_eq!(
        outcomes(&clock.records(at("2026-12-12T00:00:00Z"))),
        [(FirstResponse, 1, Met, "2026-12-01T15:00:00Z".to_owned())]
    );
}

#[test]
fn an_engineer_message_also_ends_a_wait_and_a_customer_message_outside_one_changes_nothing() {
    // Level 3 high, no TSM: updates every 8 h round the clock.
    let ticket = incident(3, false, Severity::High);
    let clock = clock(
        &ticket,
        &[
            ("2026-12-05T10:00:00Z", Opened),
            ("2026-12-05T11:00:00Z", EngineerRequestInformation),
            ("2026-12-05T12:00:00Z", EngineerMessage),
            ("2026-12-05T13:00:00Z", CustomerMessage),
        ],
    );
    assert_eq!(
        shown(clock.status(at("2026-12-05T12:00:00Z"))).1,
        (some("2026-12-05T20:00:00Z"), false)
    );
    assert_eq!(
        shown(clock.status(at("2026-12-05T14:00:00Z"))).1,
        (some("2026-12-05T20:00:00Z"), false)
    );
}

#[test]
fn an_update_deadline_on_a_closing_instant_is_met_by_a_message_at_that_instant() {
    // Level 1 urgent: updates every 8 business hours. From Friday 16:00 they use up Friday:
    // due at the closing instant, Saturday 00:00, not on Monday.
    let ticket = incident(1, false, Severity::Urgent);
    let on_time = clock(
        &ticket,
        &[
            ("2026-12-04T15:00:00Z", Opened),
            ("2026-12-04T16:00:00Z", EngineerMessage),
            ("2026-12-05T00:00:00Z", EngineerMessage),
        ],
    );
    assert_eq!(
        shown(on_time.status(at("2026-12-04T23:59:59Z"))).1,
        (some("2026-12-05T00:00:00Z"), false)
    );
    // The message at 00:00 meets it; the next one counts from Monday 00:00.
    assert_eq!(
        outcomes(&on_time.records(at("2026-12-07T00:00:00Z"))),
        [
            (FirstResponse, 1, Met, "2026-12-04T16:00:00Z".to_owned()),
            (NextUpdate, 1, Met, "2026-12-05T00:00:00Z".to_owned()),
        ]
    );
    assert_eq!(
        shown(on_time.status(at("2026-12-05T00:00:00Z"))).1,
        (some("2026-12-07T08:00:00Z"), false)
    );
    let late = clock(
        &ticket,
        &[
            ("2026-12-04T15:00:00Z", Opened),
            ("2026-12-04T16:00:00Z", EngineerMessage),
            ("2026-12-05T00:00:01Z", EngineerMessage),
        ],
    );
    assert_eq!(
        outcomes(&late.records(at("2026-12-07T00:00:00Z"))),
        [
            (FirstResponse, 1, Met, "2026-12-04T16:00:00Z".to_owned()),
            (NextUpdate, 1, Breached, "2026-12-05T00:00:00Z".to_owned()),
        ]
    );
}

#[test]
fn update_deadlines_follow_the_clock_changes_and_skip_holidays() {
    // Level 1 high, 16 business hours. Friday 23 October 2026 closes at Saturday 00:00 in
    // Lisbon (23:00Z, summer time); Monday opens at 00:00 local, 00:00Z (winter time).
    let ticket = incident(1, false, Severity::High);
    let dst = clock(
        &ticket,
        &[
            ("2026-10-23T14:00:00Z", Opened),
            ("2026-10-23T15:00:00Z", EngineerMessage),
        ],
    );
    assert_eq!(
        shown(dst.status(at("2026-10-24T12:00:00Z"))).1,
        (some("2026-10-26T08:00:00Z"), false)
    );
    // Level 1 urgent, 8 business hours from Christmas Eve 20:00: 4 h on Thursday, then
    // Christmas and the weekend are closed.
    let urgent = incident(1, false, Severity::Urgent);
    let christmas = clock(
        &urgent,
        &[
            ("2026-12-24T18:00:00Z", Opened),
            ("2026-12-24T20:00:00Z", EngineerMessage),
        ],
    );
    assert_eq!(
        shown(christmas.status(at("2026-12-25T12:00:00Z"))).1,
        (some("2026-12-28T04:00:00Z"), false)
    );
}

#[test]
fn an_upgrade_brings_a_deadline_closer_but_not_before_the_change_plus_the_new_target() {
    // Level 3 normal: 2 business days, so due Wednesday 10:00.
    let ticket = incident(3, false, Severity::Normal);
    let opened = ("2026-12-07T10:00:00Z", Opened);
    let first_due = |change: &str| {
        let clock = clock(&ticket, &[opened, (change, changed(Severity::Urgent))]);
        shown(clock.status(at(change))).0.0
    };
    // Urgent is 2 h round the clock: due(s, 2h) = 12:00 has passed at 13:00, so the deadline
    // is 13:00 + 2 h.
    assert_eq!(
        first_due("2026-12-07T13:00:00Z"),
        some("2026-12-07T15:00:00Z")
    );
    assert_eq!(
        first_due("2026-12-07T10:30:00Z"),
        some("2026-12-07T12:30:00Z")
    );
    // Wednesday 09:00 + 2 h would be later than the old deadline: the old one stays.
    assert_eq!(
        first_due("2026-12-09T09:00:00Z"),
        some("2026-12-09T10:00:00Z")
    );
}

#[test]
fn a_downgrade_counts_from_the_start_and_lifts_a_breach_that_stays_recorded() {
    // Level 3 urgent: 2 h round the clock from Saturday 10:00, breached at 12:00.
    let ticket = incident(3, false, Severity::Urgent);
    let clock = clock(
        &ticket,
        &[
            ("2026-12-05T10:00:00Z", Opened),
            ("2026-12-05T13:00:00Z", changed(Severity::Normal)),
            ("2026-12-07T09:00:00Z", EngineerMessage),
        ],
    );
    assert_eq!(
        shown(clock.status(at("2026-12-05T12:30:00Z"))).0,
        (some("2026-12-05T12:00:00Z"), None, true)
    );
    // Normal is 2 business days from Saturday 10:00: Monday and Tuesday, due Wednesday 00:00.
    assert_eq!(
        shown(clock.status(at("2026-12-05T13:00:00Z"))).0,
        (some("2026-12-09T00:00:00Z"), None, false)
    );
    assert_eq!(
        outcomes(&clock.records(at("2026-12-08T00:00:00Z"))),
        [
            (
                FirstResponse,
                1,
                Breached,
                "2026-12-05T12:00:00Z".to_owned()
            ),
            (FirstResponse, 1, Met, "2026-12-07T09:00:00Z".to_owned()),
        ]
    );
    let answered = clock.status(at("2026-12-08T00:00:00Z"));
    assert!(!answered.first_response.breached);
    // Normal updates: 4 business days from Monday 09:00.
    assert_eq!(shown(answered).1, (some("2026-12-11T09:00:00Z"), false));
}

#[test]
fn a_severity_change_moves_the_running_update_deadline_from_its_own_start() {
    // Level 2 normal: updates every 4 business days; urgent's are 4 business hours.
    let ticket = incident(2, false, Severity::Normal);
    let clock = clock(
        &ticket,
        &[
            ("2026-12-01T08:00:00Z", Opened),
            ("2026-12-01T09:00:00Z", EngineerMessage),
            ("2026-12-01T10:00:00Z", changed(Severity::High)),
            ("2026-12-01T11:00:00Z", changed(Severity::Urgent)),
        ],
    );
    // The update started at 09:00 was due next Monday 09:00. High (8 h):
    // max(due(09:00, 8h), min(Monday 09:00, due(10:00, 8h))) = max(17:00, 18:00) = 18:00.
    assert_eq!(
        shown(clock.status(at("2026-12-01T10:00:00Z"))).1,
        (some("2026-12-01T18:00:00Z"), false)
    );
    // Urgent (4 h) still counts from 09:00: max(13:00, min(18:00, 15:00)) = 15:00.
    assert_eq!(
        shown(clock.status(at("2026-12-01T11:00:00Z"))).1,
        (some("2026-12-01T15:00:00Z"), false)
    );
}

#[test]
fn solving_stops_both_clocks_and_reopening_starts_the_update_clock() {
    // Level 2 low: first response 5 business days, updates 10.
    let ticket = incident(2, false, Severity::Low);
    let clock = clock(
        &ticket,
        &[
            ("2026-12-01T09:00:00Z", Opened),
            ("2026-12-02T09:00:00Z", Solved),
            ("2026-12-03T09:00:00Z", EngineerMessage),
            ("2026-12-21T09:00:00Z", Reopened),
        ],
    );
    // Unanswered when solved, and its deadline had not passed: it never breaches.
    let solved = clock.status(at("2026-12-20T00:00:00Z"));
    assert_eq!(
        shown(solved),
        ((some("2026-12-08T09:00:00Z"), None, false), (None, false))
    );
    assert!(clock.records(at("2026-12-20T00:00:00Z")).is_empty());
    // Reopened Monday 21 December: 10 business days, Christmas and New Year's Day closed.
    assert_eq!(
        shown(clock.status(at("2026-12-21T09:00:00Z"))).1,
        (some("2027-01-06T09:00:00Z"), false)
    );
}

#[test]
fn questions_and_requests_use_the_low_update_target() {
    // A question at level 1: first response as a low incident (5 business days), updates 10.
    let question = clock(
        &ticket(1, false, TicketKind::Question),
        &[
            ("2026-12-01T09:00:00Z", Opened),
            ("2026-12-01T10:00:00Z", EngineerMessage),
        ],
    );
    assert_eq!(
        shown(question.status(at("2026-12-01T10:00:00Z"))),
        (
            (
                some("2026-12-08T09:00:00Z"),
                some("2026-12-01T10:00:00Z"),
                false
            ),
            (some("2026-12-15T10:00:00Z"), false)
        )
    );
    // A database restore: delivered within 1 business day; updates as a low incident.
    let service = "database-restore"
        .parse()
        .unwrap_or_else(|error: String| panic!("{error}"));
    let request = clock(
        &ticket(3, true, TicketKind::Request { service }),
        &[
            ("2026-12-04T12:00:00Z", Opened),
            ("2026-12-04T13:00:00Z", EngineerMessage),
        ],
    );
    assert_eq!(
        shown(request.status(at("2026-12-04T13:00:00Z"))),
        (
            (
                some("2026-12-07T12:00:00Z"),
                some("2026-12-04T13:00:00Z"),
                false
            ),
            (some("2026-12-18T13:00:00Z"), false)
        )
    );
}

#[test]
fn the_status_at_an_instant_ignores_later_events_and_sub_seconds() {
    let ticket = incident(3, false, Severity::Urgent);
    let events = [
        SlaEvent {
            at: at("2026-12-05T10:00:00.900Z"),
            kind: Opened,
        },
        SlaEvent {
            at: at("2026-12-05T11:00:00Z"),
            kind: EngineerMessage,
        },
    ];
    let clock = Policy::embedded_default()
        .sla_clock(&ticket, &events)
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        shown(clock.status(at("2026-12-05T10:59:59Z"))),
        ((some("2026-12-05T12:00:00Z"), None, false), (None, false))
    );
    assert_eq!(
        shown(clock.status(at("2026-12-05T09:00:00Z"))),
        ((None, None, false), (None, false))
    );
}

#[test]
fn a_history_the_clock_cannot_run_on_is_refused_with_the_event_named() {
    let policy = Policy::embedded_default();
    let urgent = incident(1, false, Severity::Urgent);
    let question = ticket(1, false, TicketKind::Question);
    type Case<'a> = (&'a SlaTicket, Vec<(&'a str, SlaEventKind)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            &urgent,
            vec![
                ("2026-12-01T10:00:00Z", Opened),
                ("2026-12-01T09:00:00Z", CustomerMessage),
            ],
            "event 1 (2026-12-01T09:00:00Z) comes before event 0 (2026-12-01T10:00:00Z)",
        ),
        (
            &urgent,
            vec![("2026-12-01T10:00:00Z", CustomerMessage)],
            "event 0 is `customer_message` before the ticket opened",
        ),
        (
            &urgent,
            vec![
                ("2026-12-01T10:00:00Z", Opened),
                ("2026-12-01T11:00:00Z", Opened),
            ],
            "event 1 opens the ticket again",
        ),
        (
            &question,
            vec![
                ("2026-12-01T10:00:00Z", Opened),
                ("2026-12-01T11:00:00Z", changed(Severity::High)),
            ],
            "event 1 changes the severity of a question: only incidents have one",
        ),
        (
            &urgent,
            vec![
                ("2026-12-01T10:00:00Z", Opened),
                ("2026-12-01T11:00:00Z", Reopened),
            ],
            "event 1 reopens a ticket that is not solved",
        ),
    ];
    for (ticket, events, message) in cases {
        let error = policy.sla_clock(ticket, &history(&events)).err();
        let text = error.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(text.contains(message), "{events:?}: {text}");
    }
    let teleport = ticket(
        1,
        false,
        TicketKind::Request {
            service: "teleport".parse().unwrap_or_else(|e: String| panic!("{e}")),
        },
    );
    assert!(matches!(
        policy.sla_clock(&teleport, &history(&[("2026-12-01T10:00:00Z", Opened)])),
        Err(SlaError::Deadline(_))
    ));
}

#[test]
fn a_breach_before_the_solve_stays_and_messages_on_a_solved_ticket_change_nothing() {
    // Level 3 urgent: due Saturday 12:00, unanswered, solved at 13:00.
    let ticket = incident(3, false, Severity::Urgent);
    let clock = clock(
        &ticket,
        &[
            ("2026-12-05T10:00:00Z", Opened),
            ("2026-12-05T13:00:00Z", Solved),
            ("2026-12-05T14:00:00Z", EngineerMessage),
            ("2026-12-05T15:00:00Z", CustomerMessage),
            ("2026-12-05T16:00:00Z", Reopened),
        ],
    );
    assert_eq!(
        shown(clock.status(at("2026-12-05T15:30:00Z"))),
        ((some("2026-12-05T12:00:00Z"), None, true), (None, false))
    );
    // Reopened at 16:00: the update (4 h round the clock) is what support owes now.
    assert_eq!(
        shown(clock.status(at("2026-12-05T16:00:00Z"))).1,
        (some("2026-12-05T20:00:00Z"), false)
    );
    assert_eq!(
        outcomes(&clock.records(at("2026-12-05T21:00:00Z"))),
        [
            (
                FirstResponse,
                1,
                Breached,
                "2026-12-05T12:00:00Z".to_owned()
            ),
            (NextUpdate, 1, Breached, "2026-12-05T20:00:00Z".to_owned()),
        ]
    );
}

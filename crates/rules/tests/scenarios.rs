//! The calendar and quote rules on the cases the policy must get right, worked out by hand.

use support_rules::{
    BusinessDuration, Calendar, CalendarError, Policy, PolicyError, QuoteError, QuoteRequest,
    QuoteRule, Severity, SupportLevel, TicketKind, Timestamp, calendars_from_toml,
};

fn at(text: &str) -> Timestamp {
    text.parse()
        .unwrap_or_else(|error| panic!("{text}: {error}"))
}

fn d(text: &str) -> BusinessDuration {
    text.parse()
        .unwrap_or_else(|error| panic!("{text}: {error}"))
}

fn calendar(zone: &str, hours: &str, holidays: &str) -> Calendar {
    let toml = format!(
        "[calendars.c]\ntime_zone = \"{zone}\"\nhours = {{ {hours} }}\nholidays = [{holidays}]\n"
    );
    match calendars_from_toml("test.toml", &toml).map(|mut all| all.remove("c")) {
        Ok(Some(calendar)) => calendar,
        other => panic!("{toml}: {other:?}"),
    }
}

const WEEKDAYS_9_TO_6: &str = r#"mon = ["09:00-18:00"], tue = ["09:00-18:00"], wed = ["09:00-18:00"], thu = ["09:00-18:00"], fri = ["09:00-18:00"]"#;

#[test]
fn christmas_eve_deadline_skips_christmas_and_the_weekend() {
    let office = calendar("Europe/Lisbon", WEEKDAYS_9_TO_6, r#""12-25""#);
    let due = office.due(at("2026-12-24T17:30:00Z"), d("8h"));
    assert_eq!(due, Ok(at("2026-12-28T16:30:00Z")));
    assert!(
        !office.is_open(at("2026-12-25T12:00:00Z")),
        "Christmas is closed"
    );
}

#[test]
fn a_deadline_that_uses_up_the_day_lands_on_the_closing_instant() {
    let office = calendar("Europe/Lisbon", WEEKDAYS_9_TO_6, "");
    assert_eq!(
        office.due(at("2026-11-26T17:00:00Z"), d("1h")),
        Ok(at("2026-11-26T18:00:00Z"))
    );
    assert_eq!(
        office.due(at("2026-11-26T03:00:00Z"), d("0s")),
        Ok(at("2026-11-26T03:00:00Z"))
    );
    // Counting from a closed instant starts at the next opening.
    assert_eq!(
        office.due(at("2026-11-28T10:00:00Z"), d("2h")),
        Ok(at("2026-11-30T11:00:00Z"))
    );
}

#[test]
fn lisbon_spring_forward_gap_opens_at_the_first_wall_clock_inside() {
    // 2026-03-29: at 01:00Z the wall clock jumps from 01:00 to 02:00.
    let night = calendar("Europe/Lisbon", r#"sun = ["01:30-04:00"]"#, "");
    assert_eq!(
        night.next_open(at("2026-03-29T00:00:00Z")),
        Some(at("2026-03-29T01:00:00Z"))
    );
    assert_eq!(
        night.next_close(at("2026-03-29T01:00:00Z")),
        Some(at("2026-03-29T03:00:00Z"))
    );
    let early = calendar("Europe/Lisbon", r#"sun = ["00:30-03:00"]"#, "");
    let day = early.business_time(at("2026-03-29T00:00:00Z"), at("2026-03-30T00:00:00Z"));
    assert_eq!(day, d("1h30m"));
    assert_eq!(
        early.due(at("2026-03-29T00:30:00Z"), d("1h")),
        Ok(at("2026-03-29T01:30:00Z"))
    );
}

#[test]
fn lisbon_fall_back_counts_the_repeated_hour_twice() {
    // 2026-10-25: at 01:00Z the wall clock goes back from 02:00 to 01:00.
    let repeated = calendar("Europe/Lisbon", r#"sun = ["01:00-02:00"]"#, "");
    let week = repeated.business_time(at("2026-10-24T00:00:00Z"), at("2026-10-26T00:00:00Z"));
    assert_eq!(week, d("2h"));
    assert_eq!(
        repeated.next_open(at("2026-10-24T12:00:00Z")),
        Some(at("2026-10-25T00:00:00Z"))
    );
    assert_eq!(
        repeated.next_close(at("2026-10-25T00:30:00Z")),
        Some(at("2026-10-25T02:00:00Z"))
    );
}

#[test]
fn new_york_sundays_of_the_clock_changes_last_23_and_25_hours() {
    let sundays = calendar("America/New_York", r#"sun = ["00:00-24:00"]"#, "");
    let spring = sundays.business_time(at("2026-03-07T00:00:00Z"), at("2026-03-10T00:00:00Z"));
    assert_eq!(spring, d("23h"));
    let fall = sundays.business_time(at("2026-10-31T00:00:00Z"), at("2026-11-03T00:00:00Z"));
    assert_eq!(fall, d("25h"));
    assert_eq!(
        sundays.due(at("2026-03-08T06:00:00Z"), d("2h")),
        Ok(at("2026-03-08T08:00:00Z"))
    );
}

#[test]
fn lord_howe_half_hour_shift() {
    let sundays = calendar("Australia/Lord_Howe", r#"sun = ["00:00-24:00"]"#, "");
    let october = sundays.business_time(at("2026-10-02T00:00:00Z"), at("2026-10-06T00:00:00Z"));
    assert_eq!(october, d("23h30m"));
    let april = sundays.business_time(at("2026-04-02T00:00:00Z"), at("2026-04-07T00:00:00Z"));
    assert_eq!(april, d("24h30m"));
}

#[test]
fn an_interval_ending_at_24_00_runs_on_into_the_next_day() {
    let late = calendar(
        "Europe/Lisbon",
        r#"fri = ["20:00-24:00"], sat = ["00:00-02:00"]"#,
        "",
    );
    assert_eq!(
        late.next_close(at("2026-11-27T21:00:00Z")),
        Some(at("2026-11-28T02:00:00Z"))
    );
    assert_eq!(
        late.due(at("2026-11-27T23:00:00Z"), d("2h")),
        Ok(at("2026-11-28T01:00:00Z"))
    );
    assert!(late.is_open(at("2026-11-28T00:00:00Z")));
}

#[test]
fn lunch_breaks_pause_the_clock() {
    let office = calendar(
        "Europe/Lisbon",
        r#"tue = ["09:00-12:00", "13:00-18:00"]"#,
        "",
    );
    assert_eq!(
        office.due(at("2026-11-24T11:30:00Z"), d("1h")),
        Ok(at("2026-11-24T13:30:00Z"))
    );
    assert_eq!(
        office.due(at("2026-11-24T11:00:00Z"), d("1h")),
        Ok(at("2026-11-24T12:00:00Z"))
    );
    assert_eq!(
        office.next_open(at("2026-11-24T12:15:00Z")),
        Some(at("2026-11-24T13:00:00Z"))
    );
    let windows = office.open_windows(at("2026-11-24T00:00:00Z"), at("2026-11-25T00:00:00Z"));
    assert_eq!(windows.len(), 2);
}

#[test]
fn an_overnight_shift_with_a_holiday_on_one_side_of_midnight() {
    let shift = r#"thu = ["22:00-24:00"], fri = ["00:00-06:00"]"#;
    // Friday 2026-12-25 is a holiday: only Thursday's two hours count.
    let christmas = calendar("Europe/Lisbon", shift, r#""12-25""#);
    let span = (at("2026-12-24T00:00:00Z"), at("2026-12-26T00:00:00Z"));
    assert_eq!(christmas.business_time(span.0, span.1), d("2h"));
    assert_eq!(
        christmas.next_close(at("2026-12-24T23:00:00Z")),
        Some(at("2026-12-25T00:00:00Z"))
    );
    // Thursday 2026-12-17 is a holiday: only Friday's six hours count.
    let thursday_off = calendar("Europe/Lisbon", shift, r#""2026-12-17""#);
    let span = (at("2026-12-17T00:00:00Z"), at("2026-12-19T00:00:00Z"));
    assert_eq!(thursday_off.business_time(span.0, span.1), d("6h"));
}

#[test]
fn a_calendar_open_one_weekday() {
    let wednesdays = calendar("America/New_York", r#"wed = ["10:00-11:00"]"#, "");
    assert_eq!(
        wednesdays.due(at("2026-11-26T12:00:00Z"), d("2h")),
        Ok(at("2026-12-09T16:00:00Z"))
    );
}

#[test]
fn an_always_open_calendar() {
    let always = Calendar::always_open();
    let t = at("2026-12-25T10:00:00Z");
    assert!(always.is_open(t));
    assert_eq!(always.due(t, d("3d")), Ok(at("2026-12-28T10:00:00Z")));
    assert_eq!(always.next_close(t), None);
    assert_eq!(always.next_open(t), Some(t));
}

#[test]
fn a_calendar_that_never_opens_is_an_error_not_a_hang() {
    let empty = calendars_from_toml("x.toml", "[calendars.c]\ntime_zone = \"UTC\"\nhours = {}\n");
    let message = empty.map(|_| ()).unwrap_err().to_string();
    assert!(
        message.contains("`calendars.c.hours`: the calendar has no opening hours"),
        "{message}"
    );
    // Opens on Mondays only, and the next 70 Mondays are holidays.
    let mondays: Vec<String> = (0..70)
        .map(|week| {
            let monday = at("2026-11-30T00:00:00Z").as_second() + week * 7 * 86_400;
            let date = Timestamp::from_second(monday)
                .map(|t| t.to_string())
                .unwrap_or_default();
            format!("\"{}\"", &date[..10])
        })
        .collect();
    let blocked = calendar("UTC", r#"mon = ["09:00-17:00"]"#, &mondays.join(", "));
    let t = at("2026-11-25T00:00:00Z");
    assert!(matches!(
        blocked.due(t, d("1h")),
        Err(CalendarError::NeverOpens { .. })
    ));
    assert_eq!(blocked.next_open(t), None);
}

#[test]
fn long_deadlines_jump_weeks_and_agree_with_small_steps() {
    let office = calendar(
        "Europe/Lisbon",
        WEEKDAYS_9_TO_6,
        r#""01-01", "12-25", "2027-04-02""#,
    );
    let t = at("2026-11-24T10:15:00Z");
    let jumped = office.due(t, d("2000h"));
    let mut stepped = Ok(t);
    for _ in 0..250 {
        stepped = stepped.and_then(|from| office.due(from, d("8h")));
    }
    assert_eq!(jumped, stepped);
    let due = jumped.unwrap_or(t);
    assert_eq!(office.business_time(t, due), d("2000h"));
}

fn error_of(toml: &str) -> String {
    match Policy::from_toml("policy.toml", toml) {
        Ok(_) => panic!("should not load:\n{toml}"),
        Err(error) => error.to_string(),
    }
}

fn default_with(from: &str, to: &str) -> String {
    let text = support_rules::DEFAULT_POLICY_TOML;
    assert!(text.contains(from), "the default policy has no {from}");
    text.replacen(from, to, 1)
}

#[test]
fn a_bad_policy_file_names_the_file_the_key_and_the_problem() {
    let cases = [
        (
            "\"Europe/Lisbon\"",
            "\"Europe/Lisboa\"",
            "policy.toml: `calendars.business.time_zone`: `Europe/Lisboa` is not a known IANA time zone",
        ),
        (
            "mon = [\"00:00-24:00\"]",
            "mon = [\"18:00-09:00\"]",
            "policy.toml: `calendars.business.hours.mon`: `18:00-09:00` ends before it starts",
        ),
        (
            "mon = [\"00:00-24:00\"]",
            "mon = [\"09:00-13:00\", \"12:00-18:00\"]",
            "`calendars.business.hours.mon`: `09:00-13:00` and `12:00-18:00` overlap",
        ),
        (
            "mon = [\"00:00-24:00\"]",
            "mun = [\"09:00-18:00\"]",
            "`calendars.business.hours.mun`: is not a weekday",
        ),
        (
            "\"12-25\"]",
            "\"13-25\"]",
            "`calendars.business.holidays`: `13-25` is not a date",
        ),
        (
            "mon = [\"00:00-24:00\"]",
            "mon = [\"9:00-18:00\"]",
            "`calendars.business.hours.mon`: `9:00-18:00` is not an interval",
        ),
        (
            "target = \"4h\", update = \"8h\", counts_on = \"business\"",
            "target = \"4h\", update = \"8h\", counts_on = \"office\"",
            "`levels.1.urgent.counts_on`: names calendar `office`, which is not defined",
        ),
        (
            "update = \"8h\", counts_on",
            "counts_on",
            "missing field `update`",
        ),
        (
            "update = \"8h\"",
            "update = \"0s\"",
            "`levels.1.urgent.update`: must be longer than 0s",
        ),
        (
            "tsm_update = \"2h\", ",
            "",
            "`levels.3.urgent.tsm_update`: is required where the entry has a `tsm_target`",
        ),
        (
            "tsm_update = \"2h\"",
            "tsm_update = \"5h\"",
            "`levels.3.urgent.tsm_update`: is longer than `update`",
        ),
        (
            "target = \"2d\", update = \"4d\"",
            "target = \"2d\", update = \"4d\", tsm_update = \"1d\"",
            "`levels.1.normal.tsm_update`: is set without a `tsm_target`",
        ),
        (
            "target = \"8h\"",
            "target = \"8 hours\"",
            "a duration is a number and a unit",
        ),
        (
            "country = \"PT\"",
            "country = \"Portugal\"",
            "`phones[2].country`: `Portugal` is not an ISO 3166 country code",
        ),
        (
            "delivery = \"1d\"",
            "delivery = \"1d\"\nprice = 3",
            "unknown field `price`",
        ),
        (
            "id = \"environment\"",
            "id = \"follows\"",
            "`ticket_fields[2].id`: `follows` is a member of the ticket body itself",
        ),
        (
            "max_file_size = \"20MiB\"",
            "max_file_size = \"0B\"",
            "`attachments.max_file_size`: must be at least 1B",
        ),
        (
            "max_file_size = \"20MiB\"",
            "max_file_size = \"2GiB\"",
            "`attachments.max_file_size`: is 2GiB, over 512MiB",
        ),
        (
            "max_file_size = \"20MiB\"",
            "max_file_size = \"20MB\"",
            "a size is a whole number and a binary unit (B, KiB, MiB or GiB)",
        ),
        (
            "max_file_size = \"20MiB\"",
            "max_file_size = 20971520",
            "expected a string",
        ),
        (
            "max_files_per_message = 10",
            "max_files_per_message = 0",
            "`attachments.max_files_per_message`: is 0: a message carries from 1 to 100 files",
        ),
        (
            "max_files_per_message = 10",
            "max_files_per_message = 1000",
            "`attachments.max_files_per_message`: is 1000",
        ),
        (
            "max_files_per_message = 10",
            "max_files_per_message = -1",
            "max_files_per_message",
        ),
        (
            "warning_window = \"1h15m\"",
            "warning_window = \"0s\"",
            "`lifecycle.warning_window`: must be longer than 0s",
        ),
        (
            "warning_window = \"1h15m\"",
            "warning_window = \"31d\"",
            "`lifecycle.warning_window`: is 31d, over 30d",
        ),
        (
            "warning_window = \"1h15m\"",
            "warning_window = \"soon\"",
            "a duration is a number and a unit",
        ),
    ];
    for (from, to, expected) in cases {
        let message = error_of(&default_with(from, to));
        assert!(
            message.contains(expected),
            "expected {expected:?} in:\n{message}"
        );
        assert!(message.starts_with("policy.toml: "), "{message}");
    }
    let message = error_of("[calendars.business\ntime_zone = 1");
    assert!(
        message.contains("line 1"),
        "a syntax error names its line: {message}"
    );
}

#[test]
fn a_calendar_file_may_hold_only_calendars() {
    let calendars = calendars_from_toml("office.toml", "[calendars.always]\nalways_open = true\n");
    assert!(calendars.is_ok_and(|all| all["always"].is_always_open()));
    let error = calendars_from_toml(
        "office.toml",
        "[calendars.x]\nalways_open = true\nhours = { mon = [\"09:00-10:00\"] }\n",
    );
    assert!(
        matches!(error, Err(PolicyError::Invalid { key, .. }) if key == "calendars.x.always_open")
    );
}

fn quote(level: u8, tsm: bool, kind: TicketKind, when: &str) -> support_rules::Quote {
    let request = QuoteRequest {
        level: SupportLevel::try_from(level).unwrap_or(SupportLevel::One),
        tsm,
        kind,
        at: at(when),
    };
    Policy::embedded_default()
        .quote(&request)
        .unwrap_or_else(|error| panic!("{error}"))
}

fn incident(severity: Severity) -> TicketKind {
    TicketKind::Incident { severity }
}

#[test]
fn quotes_follow_the_response_targets() {
    // Level 3 urgent, round the clock: 2 h, 1 h with a Technical Success Manager.
    let q = quote(3, false, incident(Severity::Urgent), "2026-12-25T03:00:00Z");
    assert_eq!(q.first_response_due, at("2026-12-25T05:00:00Z"));
    assert!(q.explanation.round_the_clock && !q.explanation.tsm_applied);
    let q = quote(3, true, incident(Severity::High), "2026-12-25T03:00:00Z");
    assert_eq!(q.first_response_due, at("2026-12-25T05:00:00Z"));
    assert!(q.explanation.tsm_applied);
    // Friday 15:00 + 2 business days = Tuesday 15:00 (the business calendar is open around
    // the clock on business days).
    let q = quote(3, true, incident(Severity::Normal), "2026-11-27T15:00:00Z");
    assert_eq!(q.first_response_due, at("2026-12-01T15:00:00Z"));
    assert!(!q.explanation.tsm_applied);
    // Level 1 urgent: 4 business hours; on a Saturday the clock starts on Monday 00:00.
    let q = quote(1, false, incident(Severity::Urgent), "2026-11-28T10:00:00Z");
    assert_eq!(q.first_response_due, at("2026-11-30T04:00:00Z"));
    assert_eq!(q.explanation.counting_from, at("2026-11-30T00:00:00Z"));
    assert!(
        q.channels
            .iter()
            .all(|c| !c.open && c.next_open == Some(at("2026-11-30T00:00:00Z")))
    );
    // Level 2 high: 4 business hours in summer time (Lisbon is UTC+1): Friday 22:00-24:00
    // local, then Monday 00:00-02:00 local, which is 01:00Z.
    let q = quote(2, false, incident(Severity::High), "2026-07-03T21:00:00Z");
    assert_eq!(q.first_response_due, at("2026-07-06T01:00:00Z"));
}

#[test]
fn a_question_is_answered_like_a_low_incident_and_a_request_by_the_catalog() {
    let question = quote(2, false, TicketKind::Question, "2026-11-23T09:00:00Z");
    let low = quote(2, false, incident(Severity::Low), "2026-11-23T09:00:00Z");
    assert_eq!(question.first_response_due, low.first_response_due);
    assert_eq!(question.explanation.rule, QuoteRule::QuestionAsIncident);
    assert_eq!(question.explanation.severity, Some(Severity::Low));
    let service = "database-restore"
        .parse()
        .unwrap_or_else(|e: String| panic!("{e}"));
    let request = quote(
        1,
        false,
        TicketKind::Request { service },
        "2026-11-23T09:00:00Z",
    );
    assert_eq!(request.first_response_due, at("2026-11-24T09:00:00Z"));
    assert_eq!(request.explanation.rule, QuoteRule::ServiceDelivery);
    let unknown = Policy::embedded_default().quote(&QuoteRequest {
        level: SupportLevel::One,
        tsm: false,
        kind: TicketKind::Request {
            service: "teleport".parse().unwrap_or_else(|e: String| panic!("{e}")),
        },
        at: at("2026-11-23T09:00:00Z"),
    });
    assert_eq!(
        unknown,
        Err(QuoteError::UnknownService("teleport".to_owned()))
    );
}

#[test]
fn the_json_form_computes_exactly_what_the_toml_does() {
    let policy = Policy::embedded_default();
    let json = policy.to_json();
    let reloaded = Policy::from_json(&json).unwrap_or_else(|error| panic!("{error}"));
    for when in [
        "2026-03-29T00:30:00Z",
        "2026-10-25T00:30:00Z",
        "2026-12-24T23:00:00Z",
    ] {
        for severity in Severity::ALL {
            let request = QuoteRequest {
                level: SupportLevel::Two,
                tsm: false,
                kind: incident(*severity),
                at: at(when),
            };
            assert_eq!(policy.quote(&request), reloaded.quote(&request));
        }
    }
    assert!(Policy::from_json("{\"document\":1}").is_err());
}

#[test]
fn the_json_form_carries_the_update_targets() {
    let policy = Policy::embedded_default();
    let json = policy.to_json();
    assert!(
        json.contains(r#""update":"4h","tsm_update":"2h""#),
        "{json}"
    );
    let reloaded = Policy::from_json(&json).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(reloaded.document(), policy.document());
    let urgent = &reloaded.document().levels.three.urgent;
    assert_eq!(
        (urgent.next_update(false), urgent.next_update(true)),
        (d("4h"), d("2h"))
    );
    let low = &reloaded.document().levels.one.low;
    assert_eq!(
        (low.next_update(false), low.next_update(true)),
        (d("10d"), d("10d"))
    );
}

#[test]
fn the_attachment_limits_default_when_absent_and_travel_in_the_json_form() {
    let without = default_with(
        "[attachments]\nmax_file_size = \"20MiB\"\nmax_files_per_message = 10\n",
        "",
    );
    let policy = Policy::from_toml("policy.toml", &without).expect("loads");
    assert_eq!(
        policy.document().attachments,
        support_rules::Attachments::default()
    );
    let custom = default_with("max_file_size = \"20MiB\"", "max_file_size = \"512KiB\"");
    let policy = Policy::from_toml("policy.toml", &custom).expect("loads");
    let json = policy.to_json();
    assert!(
        json.contains(r#""attachments":{"max_file_size":"512KiB","max_files_per_message":10}"#)
    );
    let read = Policy::from_json(&json).expect("reads back");
    assert_eq!(read.document().attachments.max_file_size.bytes(), 524_288);
}

#[test]
fn the_warning_window_defaults_to_1h15m_when_absent_and_travels_in_the_json_form() {
    let without = default_with("warning_window = \"1h15m\"\n", "");
    let policy = Policy::from_toml("policy.toml", &without).expect("loads");
    assert_eq!(
        policy.document().lifecycle.warning_window.as_seconds(),
        4_500
    );
    let custom = default_with("warning_window = \"1h15m\"", "warning_window = \"30m\"");
    let policy = Policy::from_toml("policy.toml", &custom).expect("loads");
    let json = policy.to_json();
    assert!(json.contains(r#""warning_window":"30m""#), "{json}");
    let read = Policy::from_json(&json).expect("reads back");
    assert_eq!(read.document().lifecycle.warning_window.as_seconds(), 1_800);
}

#[test]
fn a_business_hours_deadline_never_warns_while_the_calendar_is_closed() {
    // Level 1 high: 8 business hours on the business calendar (Lisbon, Monday to Friday
    // around the clock). Opened Friday 2026-12-04 at 19:00 UTC: due Monday 03:00.
    let policy = Policy::embedded_default();
    let ticket = support_rules::SlaTicket {
        level: SupportLevel::One,
        tsm: false,
        kind: TicketKind::Incident {
            severity: Severity::High,
        },
    };
    let calendar = policy
        .deadline_calendar(&ticket, support_rules::DeadlineKind::FirstResponse)
        .expect("a calendar");
    let due = calendar
        .due(at("2026-12-04T19:00:00Z"), d("8h"))
        .expect("a deadline");
    assert_eq!(due.to_string(), "2026-12-07T03:00:00Z");
    let window = policy.document().lifecycle.warning_window;
    // In wall-clock time 2 a.m. on Saturday is far from Monday 03:00, and 1h45m of business
    // time is left at Monday 01:15: neither warns. Friday 23:45 and the whole weekend are
    // also outside (4 h of business time left, and closed).
    for quiet in [
        "2026-12-04T23:45:00Z",
        "2026-12-05T02:00:00Z",
        "2026-12-06T23:59:00Z",
        "2026-12-07T01:15:00Z",
    ] {
        assert!(!calendar.is_in_warning(at(quiet), due, window), "{quiet}");
    }
    for warned in [
        "2026-12-07T01:45:00Z",
        "2026-12-07T02:59:59Z",
        "2026-12-07T03:00:00Z",
    ] {
        assert!(calendar.is_in_warning(at(warned), due, window), "{warned}");
    }
    assert!(!calendar.is_in_warning(at("2026-12-07T03:00:01Z"), due, window));
}

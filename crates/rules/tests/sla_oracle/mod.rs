//! A second, independent SLA clock for the property and agreement tests.
//!
//! It shares no arithmetic with the crate: its calendars walk minute by minute and ask jiff
//! for each minute's wall clock (like `properties.rs`), and it judges deadlines by their
//! lives (each version of a deadline holds from one instant to the next) instead of the
//! crate's running flags. Cases are whole minutes, random policies with random calendars
//! (zones with DST and half-hour shifts, holidays next to the ticket's dates), random
//! targets and random histories whose events often land exactly on a deadline.

use std::collections::{BTreeMap, HashMap};

use jiff::tz::TimeZone;
use support_rules::{
    BusinessDuration, CalendarSpec, DeadlineKind, DeadlineOutcome, DeadlineRecord, Policy,
    ResponseTarget, Service, Severity, SlaEvent, SlaEventKind, SlaStatus, SlaTicket, SupportLevel,
    TicketKind, Timestamp, find_time_zone,
};

const ZONES: &[&str] = &[
    "Europe/Lisbon",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "America/Santiago",
    "UTC",
];

const SEVERITIES: [Severity; 4] = [
    Severity::Urgent,
    Severity::High,
    Severity::Normal,
    Severity::Low,
];

/// SplitMix64: the same cases on every target, from a seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    fn range(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() % ((high - low + 1) as u64)) as i64
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next() % items.len() as u64) as usize]
    }
}

/// A calendar as the oracle sees it: rules in words, and every minute it has looked at.
#[derive(Debug)]
pub struct MinuteCalendar {
    zone: Option<TimeZone>,
    /// Per weekday from Monday, minutes of the day `[start, end)`.
    days: [Vec<(i64, i64)>; 7],
    /// (year or any, month, day).
    holidays: Vec<(Option<i16>, i8, i8)>,
    first_minute: i64,
    open: Vec<bool>,
}

impl MinuteCalendar {
    fn minute_is_open(&self, minute: i64) -> bool {
        let Some(zone) = &self.zone else {
            return true;
        };
        let Ok(instant) = Timestamp::from_second(minute * 60) else {
            return false;
        };
        let local = zone.to_datetime(instant);
        let date = local.date();
        let holiday = self.holidays.iter().any(|&(year, month, day)| {
            year.is_none_or(|year| year == date.year())
                && month == date.month()
                && day == date.day()
        });
        let of_day = i64::from(local.hour()) * 60 + i64::from(local.minute());
        let weekday = date.weekday().to_monday_zero_offset() as usize;
        !holiday
            && self.days[weekday]
                .iter()
                .any(|&(start, end)| start <= of_day && of_day < end)
    }

    fn is_open(&mut self, minute: i64) -> bool {
        let index = (minute - self.first_minute) as usize;
        while self.open.len() <= index {
            let next = self.first_minute + self.open.len() as i64;
            let open = self.minute_is_open(next);
            self.open.push(open);
        }
        self.open[index]
    }

    /// The instant (seconds) after `minutes` open minutes counted from `from` (seconds).
    fn due(&mut self, from: i64, minutes: i64) -> i64 {
        let mut left = minutes;
        let mut minute = from / 60;
        while left > 0 {
            if self.is_open(minute) {
                left -= 1;
            }
            minute += 1;
        }
        if minutes == 0 { from } else { minute * 60 }
    }
}

/// One (level, severity) entry of the random policy, in minutes.
#[derive(Clone, Copy, Debug)]
struct Entry {
    calendar: usize,
    target: i64,
    tsm_target: Option<i64>,
    update: i64,
    tsm_update: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Incident(Severity),
    Question,
    Request,
}

/// A whole case: a policy, a ticket, a history (instants in seconds) and instants to ask at.
#[derive(Debug)]
pub struct Case {
    calendars: Vec<MinuteCalendar>,
    calendar_specs: Vec<CalendarSpec>,
    /// `entries[level - 1][severity]`, severities in [`SEVERITIES`] order.
    entries: [[Entry; 4]; 3],
    service: (usize, i64),
    level: usize,
    tsm: bool,
    kind: Kind,
    pub events: Vec<(i64, SlaEventKind)>,
    pub queries: Vec<i64>,
    dues: HashMap<(usize, i64, i64), i64>,
}

/// A deadline's life: its versions `(from, due)` and how it ended.
#[derive(Clone, Debug)]
struct Life {
    kind: DeadlineKind,
    number: u32,
    start: i64,
    versions: Vec<(i64, i64)>,
    end: Option<(i64, bool)>,
}

impl Life {
    fn due(&self) -> i64 {
        self.versions.last().map_or(self.start, |&(_, due)| due)
    }
}

/// What the oracle knows after the events up to an instant.
struct Replay {
    first: Option<Life>,
    updates: Vec<Life>,
    paused: bool,
}

fn severity_index(severity: Severity) -> usize {
    SEVERITIES.iter().position(|&s| s == severity).unwrap_or(3)
}

fn ts(seconds: i64) -> Timestamp {
    Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn minutes(count: i64) -> BusinessDuration {
    BusinessDuration::from_seconds(count * 60).unwrap_or(BusinessDuration::ZERO)
}

fn clock_text(minute: i64) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

fn random_calendar(rng: &mut Rng, first_minute: i64) -> (MinuteCalendar, CalendarSpec) {
    if rng.chance(15) {
        let calendar = MinuteCalendar {
            zone: None,
            days: Default::default(),
            holidays: Vec::new(),
            first_minute,
            open: Vec::new(),
        };
        let spec = CalendarSpec {
            time_zone: None,
            hours: BTreeMap::new(),
            holidays: Vec::new(),
            always_open: true,
        };
        return (calendar, spec);
    }
    loop {
        let zone_name = rng.pick(ZONES);
        let Ok(zone) = find_time_zone(zone_name) else {
            continue;
        };
        let mut days: [Vec<(i64, i64)>; 7] = Default::default();
        let mut hours = BTreeMap::new();
        for (day, key) in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .iter()
            .enumerate()
        {
            let intervals: Vec<(i64, i64)> = if rng.chance(25) {
                vec![(0, 1440)]
            } else {
                let mut marks: Vec<i64> = (0..rng.range(0, 6))
                    .map(|_| rng.range(0, 96) * 15)
                    .collect();
                marks.sort_unstable();
                marks.dedup();
                marks
                    .chunks_exact(2)
                    .map(|pair| (pair[0], pair[1]))
                    .collect()
            };
            if !intervals.is_empty() {
                hours.insert(
                    (*key).to_owned(),
                    intervals
                        .iter()
                        .map(|&(start, end)| format!("{}-{}", clock_text(start), clock_text(end)))
                        .collect(),
                );
            }
            days[day] = intervals;
        }
        let open_per_week: i64 = days.iter().flatten().map(|(start, end)| end - start).sum();
        if open_per_week < 120 {
            continue;
        }
        // Holidays near the ticket's dates (where the history runs) and one every year.
        let near = zone.to_datetime(ts(first_minute * 60)).date();
        let mut holidays = Vec::new();
        let mut texts = Vec::new();
        for _ in 0..rng.range(0, 3) {
            let Ok(date) = near.checked_add(jiff::Span::new().days(rng.range(0, 20))) else {
                continue;
            };
            holidays.push((Some(date.year()), date.month(), date.day()));
            texts.push(format!(
                "{:04}-{:02}-{:02}",
                date.year(),
                date.month(),
                date.day()
            ));
        }
        if rng.chance(30) {
            let (month, day) = (rng.range(1, 12) as i8, rng.range(1, 28) as i8);
            holidays.push((None, month, day));
            texts.push(format!("{month:02}-{day:02}"));
        }
        let calendar = MinuteCalendar {
            zone: Some(zone),
            days,
            holidays,
            first_minute,
            open: Vec::new(),
        };
        let spec = CalendarSpec {
            time_zone: Some(zone_name.to_owned()),
            hours,
            holidays: texts,
            always_open: false,
        };
        return (calendar, spec);
    }
}

impl Case {
    /// A random case from `seed`.
    pub fn generate(seed: u64) -> Case {
        let mut rng = Rng::new(seed);
        // Whole minutes from 2025 to 2027, where the zones change offsets many times.
        let opened = rng.range(1_735_689_600 / 60, 1_830_297_600 / 60) * 60;
        let mut calendars = Vec::new();
        let mut calendar_specs = Vec::new();
        for _ in 0..rng.range(1, 3) {
            let (calendar, spec) = random_calendar(&mut rng, opened / 60);
            calendars.push(calendar);
            calendar_specs.push(spec);
        }
        let open_per_week: Vec<i64> = calendars
            .iter()
            .map(|c| {
                if c.zone.is_none() {
                    10_080
                } else {
                    c.days
                        .iter()
                        .flatten()
                        .map(|(start, end)| end - start)
                        .sum()
                }
            })
            .collect();
        let target = |rng: &mut Rng, calendar: usize| {
            // Up to a week and a half of the calendar's open time, so walks stay short.
            rng.range(1, (open_per_week[calendar] * 3 / 2).min(4_000))
        };
        let entry = |rng: &mut Rng| {
            let calendar = rng.range(0, calendars.len() as i64 - 1) as usize;
            let first = target(rng, calendar);
            let update = target(rng, calendar);
            let tsm = rng.chance(40);
            Entry {
                calendar,
                target: first,
                tsm_target: tsm.then(|| rng.range(1, first)),
                update,
                tsm_update: tsm.then(|| rng.range(1, update)),
            }
        };
        let mut entries = [[Entry {
            calendar: 0,
            target: 1,
            tsm_target: None,
            update: 1,
            tsm_update: None,
        }; 4]; 3];
        for level in &mut entries {
            for slot in level.iter_mut() {
                *slot = entry(&mut rng);
            }
        }
        let service_calendar = rng.range(0, calendars.len() as i64 - 1) as usize;
        let service = (service_calendar, target(&mut rng, service_calendar));
        let kind = match rng.range(0, 9) {
            0 => Kind::Question,
            1 => Kind::Request,
            _ => Kind::Incident(rng.pick(&SEVERITIES)),
        };
        let mut case = Case {
            calendars,
            calendar_specs,
            entries,
            service,
            level: rng.range(1, 3) as usize,
            tsm: rng.chance(50),
            kind,
            events: vec![(opened, SlaEventKind::Opened)],
            queries: Vec::new(),
            dues: HashMap::new(),
        };
        case.add_events(&mut rng);
        case.add_queries();
        case
    }

    fn add_events(&mut self, rng: &mut Rng) {
        let mut solved = false;
        let mut now = self.events[0].0;
        for _ in 0..rng.range(0, 12) {
            let mut kinds = vec![
                SlaEventKind::EngineerMessage,
                SlaEventKind::EngineerRequestInformation,
                SlaEventKind::CustomerMessage,
                SlaEventKind::CustomerMessage,
                if solved {
                    SlaEventKind::Reopened
                } else {
                    SlaEventKind::Solved
                },
            ];
            if matches!(self.kind, Kind::Incident(_)) {
                let severity = rng.pick(&SEVERITIES);
                kinds.push(SlaEventKind::SeverityChanged { severity });
                kinds.push(SlaEventKind::SeverityChanged { severity });
            }
            let kind = rng.pick(&kinds);
            now = match rng.range(0, 9) {
                0 => now,
                1..=3 => now + rng.range(1, 120) * 60,
                4..=5 => now + rng.range(1, 4_320) * 60,
                _ => {
                    // On the running deadline, or a minute either side of it.
                    let status = self.status(now);
                    let due = status
                        .update
                        .due
                        .or(status
                            .first_response
                            .due
                            .filter(|_| status.first_response.met_at.is_none()))
                        .map(|due| due.as_second() + rng.range(-1, 1) * 60);
                    due.filter(|&due| due >= now)
                        .unwrap_or(now + rng.range(1, 600) * 60)
                }
            };
            match kind {
                SlaEventKind::Solved => solved = true,
                SlaEventKind::Reopened => solved = false,
                _ => {}
            }
            self.events.push((now, kind));
        }
    }

    fn add_queries(&mut self) {
        let mut queries = vec![self.events[0].0 - 60];
        let instants: Vec<i64> = self.events.iter().map(|&(at, _)| at).collect();
        for at in instants {
            queries.extend([at - 60, at, at + 60]);
            let status = self.status(at);
            for due in [status.first_response.due, status.update.due]
                .into_iter()
                .flatten()
            {
                let due = due.as_second();
                queries.extend([due - 60, due, due + 60]);
            }
        }
        let last = queries.iter().copied().max().unwrap_or(0);
        queries.push(last + 7 * 86_400);
        queries.sort_unstable();
        queries.dedup();
        self.queries = queries;
    }

    fn entry(&self, severity: Severity) -> Entry {
        self.entries[self.level - 1][severity_index(severity)]
    }

    fn calendar_due(&mut self, calendar: usize, from: i64, minutes: i64) -> i64 {
        if let Some(&due) = self.dues.get(&(calendar, from, minutes)) {
            return due;
        }
        let due = self.calendars[calendar].due(from, minutes);
        self.dues.insert((calendar, from, minutes), due);
        due
    }

    /// `due(from, first-response target)` with `severity` (incidents).
    fn first_response_due(&mut self, severity: Severity, from: i64) -> i64 {
        let (calendar, minutes) = match self.kind {
            Kind::Request => self.service,
            Kind::Question => {
                let entry = self.entry(Severity::Low);
                (
                    entry.calendar,
                    self.with_tsm(entry.target, entry.tsm_target),
                )
            }
            Kind::Incident(_) => {
                let entry = self.entry(severity);
                (
                    entry.calendar,
                    self.with_tsm(entry.target, entry.tsm_target),
                )
            }
        };
        self.calendar_due(calendar, from, minutes)
    }

    fn update_due(&mut self, severity: Severity, from: i64) -> i64 {
        let entry = match self.kind {
            Kind::Incident(_) => self.entry(severity),
            Kind::Question | Kind::Request => self.entry(Severity::Low),
        };
        let minutes = self.with_tsm(entry.update, entry.tsm_update);
        self.calendar_due(entry.calendar, from, minutes)
    }

    fn with_tsm(&self, plain: i64, tsm: Option<i64>) -> i64 {
        match tsm {
            Some(faster) if self.tsm => faster,
            _ => plain,
        }
    }

    /// The lives of the deadlines from the events up to `at`, the rules read off the issue.
    fn replay(&mut self, at: i64) -> Replay {
        let mut severity = match self.kind {
            Kind::Incident(severity) => severity,
            _ => Severity::Low,
        };
        let mut replay = Replay {
            first: None,
            updates: Vec::new(),
            paused: false,
        };
        let mut solved = false;
        let events: Vec<(i64, SlaEventKind)> = self
            .events
            .iter()
            .copied()
            .filter(|&(t, _)| t <= at)
            .collect();
        for (t, kind) in events {
            let running_update = replay.updates.last().is_some_and(|life| life.end.is_none());
            let first_running = replay.first.as_ref().is_some_and(|life| life.end.is_none());
            match kind {
                SlaEventKind::Opened => {
                    let due = self.first_response_due(severity, t);
                    replay.first = Some(Life {
                        kind: DeadlineKind::FirstResponse,
                        number: 1,
                        start: t,
                        versions: vec![(t, due)],
                        end: None,
                    });
                }
                SlaEventKind::EngineerMessage | SlaEventKind::EngineerRequestInformation => {
                    if solved {
                        continue;
                    }
                    if first_running && let Some(first) = &mut replay.first {
                        first.end = Some((t, true));
                    }
                    if running_update && let Some(update) = replay.updates.last_mut() {
                        update.end = Some((t, true));
                    }
                    if kind == SlaEventKind::EngineerMessage {
                        replay.paused = false;
                        self.new_update(&mut replay, severity, t);
                    } else {
                        replay.paused = true;
                    }
                }
                SlaEventKind::CustomerMessage => {
                    if replay.paused && !solved {
                        replay.paused = false;
                        self.new_update(&mut replay, severity, t);
                    }
                }
                SlaEventKind::SeverityChanged { severity: new } => {
                    severity = new;
                    if first_running && let Some(mut first) = replay.first.take() {
                        let d = first.due();
                        let from_start = self.first_response_due(new, first.start);
                        let from_change = self.first_response_due(new, t);
                        first.versions.push((t, from_start.max(d.min(from_change))));
                        replay.first = Some(first);
                    }
                    if running_update && let Some(mut update) = replay.updates.pop() {
                        let d = update.due();
                        let from_start = self.update_due(new, update.start);
                        let from_change = self.update_due(new, t);
                        update
                            .versions
                            .push((t, from_start.max(d.min(from_change))));
                        replay.updates.push(update);
                    }
                }
                SlaEventKind::Solved => {
                    if !solved {
                        solved = true;
                        replay.paused = false;
                        if first_running && let Some(first) = &mut replay.first {
                            first.end = Some((t, false));
                        }
                        if running_update && let Some(update) = replay.updates.last_mut() {
                            update.end = Some((t, false));
                        }
                    }
                }
                SlaEventKind::Reopened => {
                    solved = false;
                    self.new_update(&mut replay, severity, t);
                }
            }
        }
        replay
    }

    fn new_update(&mut self, replay: &mut Replay, severity: Severity, t: i64) {
        let due = self.update_due(severity, t);
        replay.updates.push(Life {
            kind: DeadlineKind::NextUpdate,
            number: replay.updates.len() as u32 + 1,
            start: t,
            versions: vec![(t, due)],
            end: None,
        });
    }

    /// The oracle's status at `at` (seconds).
    pub fn status(&mut self, at: i64) -> SlaStatus {
        let replay = self.replay(at);
        let mut status = SlaStatus {
            first_response: support_rules::FirstResponse {
                due: None,
                met_at: None,
                breached: false,
            },
            update: support_rules::NextUpdate {
                due: None,
                paused: replay.paused,
            },
        };
        if let Some(first) = &replay.first {
            let due = first.due();
            status.first_response.due = Some(ts(due));
            status.first_response.breached = match first.end {
                // Answered: late or not. Solved unanswered: whether it had passed by then.
                Some((t, answered)) => {
                    if answered {
                        status.first_response.met_at = Some(ts(t));
                    }
                    t > due
                }
                None => at > due,
            };
        }
        if let Some(update) = replay.updates.last().filter(|life| life.end.is_none()) {
            status.update.due = Some(ts(update.due()));
        }
        status
    }

    /// The oracle's records at `at`: a version's deadline that falls inside the time it held
    /// is a breach; an answer at or before the deadline in force is met.
    pub fn records(&mut self, at: i64) -> Vec<DeadlineRecord> {
        let replay = self.replay(at);
        let mut records = Vec::new();
        for life in replay.first.iter().chain(&replay.updates) {
            let until = life.end.map_or(at, |(t, _)| t);
            for (index, &(from, due)) in life.versions.iter().enumerate() {
                let held_until = life
                    .versions
                    .get(index + 1)
                    .map_or(until, |&(next, _)| next);
                if from <= due && due < held_until {
                    records.push(record(life, due, DeadlineOutcome::Breached, due));
                }
            }
            if let Some((t, true)) = life.end
                && t <= life.due()
            {
                records.push(record(life, life.due(), DeadlineOutcome::Met, t));
            }
        }
        records.sort_by_key(|record| (record.at, record.deadline, record.number));
        records
    }

    /// The policy of the case, as the crate reads it (through the JSON form).
    pub fn policy(&self) -> Policy {
        let mut document = Policy::embedded_default().document().clone();
        let name = |index: usize| format!("c{index}");
        document.calendars = self
            .calendar_specs
            .iter()
            .enumerate()
            .map(|(index, spec)| (name(index), spec.clone()))
            .collect();
        let target = |entry: &Entry| ResponseTarget {
            staffed_by: support_rules::PerChannel {
                web: name(entry.calendar),
                phone: name(entry.calendar),
            },
            target: minutes(entry.target),
            tsm_target: entry.tsm_target.map(minutes),
            update: minutes(entry.update),
            tsm_update: entry.tsm_update.map(minutes),
            counts_on: name(entry.calendar),
        };
        let level = |entries: &[Entry; 4]| support_rules::PerSeverity {
            urgent: target(&entries[0]),
            high: target(&entries[1]),
            normal: target(&entries[2]),
            low: target(&entries[3]),
        };
        document.levels.one = level(&self.entries[0]);
        document.levels.two = level(&self.entries[1]);
        document.levels.three = level(&self.entries[2]);
        let mut service = document
            .services
            .values()
            .next()
            .cloned()
            .unwrap_or_else(|| panic!("the default policy has services"));
        service = Service {
            delivery: minutes(self.service.1),
            counts_on: name(self.service.0),
            ..service
        };
        document.services = BTreeMap::from([("svc".to_owned(), service)]);
        let json = serde_json::json!({ "document": document, "time_zones": {} }).to_string();
        Policy::from_json(&json).unwrap_or_else(|error| panic!("{error}\n{json}"))
    }

    pub fn ticket(&self) -> SlaTicket {
        SlaTicket {
            level: SupportLevel::try_from(self.level as u8).unwrap_or(SupportLevel::One),
            tsm: self.tsm,
            kind: match self.kind {
                Kind::Incident(severity) => TicketKind::Incident { severity },
                Kind::Question => TicketKind::Question,
                Kind::Request => TicketKind::Request {
                    service: "svc".parse().unwrap_or_else(|e: String| panic!("{e}")),
                },
            },
        }
    }

    pub fn history(&self) -> Vec<SlaEvent> {
        self.events
            .iter()
            .map(|&(at, kind)| SlaEvent { at: ts(at), kind })
            .collect()
    }
}

fn record(life: &Life, due: i64, outcome: DeadlineOutcome, at: i64) -> DeadlineRecord {
    DeadlineRecord {
        deadline: life.kind,
        number: life.number,
        started_at: ts(life.start),
        due: ts(due),
        outcome,
        at: ts(at),
    }
}

/// Checks the crate against the oracle on the case of `seed`; the first disagreement.
pub fn check(seed: u64) -> Result<(), String> {
    let mut case = Case::generate(seed);
    let policy = case.policy();
    let clock = policy
        .sla_clock(&case.ticket(), &case.history())
        .map_err(|error| format!("seed {seed}: {error}\n{case:#?}"))?;
    let opened = case.events[0].0;
    let quote = policy.quote(&support_rules::QuoteRequest {
        level: case.ticket().level,
        tsm: case.tsm,
        kind: case.ticket().kind,
        at: ts(opened),
    });
    let alone = policy.sla_clock(&case.ticket(), &case.history()[..1]);
    let first_due = alone.map(|clock| clock.status(ts(opened)).first_response.due);
    if quote.as_ref().ok().map(|quote| quote.first_response_due) != first_due.clone().ok().flatten()
    {
        return Err(format!(
            "seed {seed}: the quote says {quote:?}, the clock {first_due:?}"
        ));
    }
    let queries = case.queries.clone();
    let last = queries.last().copied().unwrap_or(opened);
    let all_records = clock.records(ts(last));
    for at in queries {
        // The records only grow: a server that records them as it goes never takes one back.
        let earlier: Vec<DeadlineRecord> = all_records
            .iter()
            .filter(|r| r.at < ts(at) || (r.outcome == DeadlineOutcome::Met && r.at <= ts(at)))
            .copied()
            .collect();
        if clock.records(ts(at)) != earlier {
            return Err(format!(
                "seed {seed}: the records at {} are not a prefix of the later ones",
                ts(at)
            ));
        }
        let (crate_status, oracle_status) = (clock.status(ts(at)), case.status(at));
        if crate_status != oracle_status {
            return Err(format!(
                "seed {seed} at {}:\n crate  {crate_status:?}\n oracle {oracle_status:?}\n{:?} {:?}\n{:#?}",
                ts(at),
                case.ticket(),
                case.history(),
                policy.document().levels
            ));
        }
        let (crate_records, oracle_records) = (clock.records(ts(at)), case.records(at));
        if crate_records != oracle_records {
            return Err(format!(
                "seed {seed} at {}:\n crate  {crate_records:#?}\n oracle {oracle_records:#?}\n{:?} {:?}",
                ts(at),
                case.ticket(),
                case.history(),
            ));
        }
    }
    Ok(())
}

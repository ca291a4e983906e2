//! The rules on the command line: `calendar`, `quote` and `sla`, for operators and other tools.
//!
//! Each prints one JSON object on standard output. A bad argument (an unreadable or invalid
//! file, an unknown calendar, a service missing from the catalog, a history the SLA clock
//! cannot run on) is reported on standard error with exit code 2, as clap does for malformed
//! ones.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use support_rules::{
    BusinessDuration, Policy, QuoteRequest, ServiceId, Severity, SlaEvent, SlaEventKind, SlaTicket,
    SupportLevel, TicketKind, TicketType, Timestamp, calendars_from_toml,
};

const BAD_ARGUMENTS: u8 = 2;

/// `support-server calendar --policy FILE --calendar NAME --at INSTANT [--add DURATION]`
#[derive(Debug, Args)]
pub struct CalendarArgs {
    /// A TOML file with `[calendars.NAME]` tables (a whole policy file works too).
    #[arg(long)]
    policy: PathBuf,
    /// The calendar's name in the file.
    #[arg(long)]
    calendar: String,
    /// The instant asked about, RFC 3339 (2026-12-24T17:30:00Z).
    #[arg(long)]
    at: Timestamp,
    /// Also print the deadline of this much business time from `--at` (90s, 45m, 8h, 3d).
    #[arg(long)]
    add: Option<BusinessDuration>,
}

/// What a deadline depends on, as `quote` and `sla` take it: `--level N [--tsm] --type T
/// [--severity S | --service ID] [--policy FILE]`.
#[derive(Debug, Args)]
pub struct TicketArgs {
    /// The account's support level: 1, 2 or 3.
    #[arg(long)]
    level: SupportLevel,
    /// The account has a Technical Success Manager.
    #[arg(long)]
    tsm: bool,
    /// request, incident or question.
    #[arg(long = "type")]
    ticket_type: TicketType,
    /// An incident's severity (for `sla`, the one it opened with): urgent, high, normal or low.
    #[arg(long)]
    severity: Option<Severity>,
    /// A request's service from the catalog.
    #[arg(long)]
    service: Option<ServiceId>,
    /// A policy file to use instead of the embedded default.
    #[arg(long, env = "SUPPORT_POLICY")]
    policy: Option<PathBuf>,
}

/// `support-server quote --level N [--tsm] --type TYPE (--severity S | --service ID) --at INSTANT`
#[derive(Debug, Args)]
pub struct QuoteArgs {
    #[command(flatten)]
    ticket: TicketArgs,
    /// When the ticket is submitted, RFC 3339.
    #[arg(long)]
    at: Timestamp,
}

/// `support-server sla --level N [--tsm] --type T [--severity S | --service ID] --events FILE
/// --at INSTANT [--policy FILE]`
#[derive(Debug, Args)]
pub struct SlaArgs {
    #[command(flatten)]
    ticket: TicketArgs,
    /// A JSON array of `{"at": RFC 3339, "kind": ..., "severity"?: S}` in time order, the
    /// first one `opened`.
    #[arg(long)]
    events: PathBuf,
    /// The instant asked about, RFC 3339; later events are ignored.
    #[arg(long)]
    at: Timestamp,
}

/// One event as written in the `--events` file.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct EventText {
    at: String,
    kind: String,
    #[serde(default)]
    severity: Option<String>,
}

#[derive(serde::Serialize)]
struct CalendarAnswer {
    open: bool,
    next_open: Option<Timestamp>,
    next_close: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    due: Option<Option<Timestamp>>,
}

fn bad(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(BAD_ARGUMENTS)
}

fn print_json(value: &impl serde::Serialize) -> ExitCode {
    match serde_json::to_string(value) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: cannot write the answer: {error}");
            ExitCode::FAILURE
        }
    }
}

fn read(path: &PathBuf) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))
}

/// Runs `calendar`.
pub fn calendar(args: CalendarArgs) -> ExitCode {
    let text = match read(&args.policy) {
        Ok(text) => text,
        Err(message) => return bad(message),
    };
    let calendars = match calendars_from_toml(&args.policy.display().to_string(), &text) {
        Ok(calendars) => calendars,
        Err(error) => return bad(error),
    };
    let Some(calendar) = calendars.get(&args.calendar) else {
        let names: Vec<&str> = calendars.keys().map(String::as_str).collect();
        return bad(format!(
            "{} has no calendar `{}` (it has: {})",
            args.policy.display(),
            args.calendar,
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        ));
    };
    let status = calendar.status(args.at);
    let due = match args.add.map(|add| calendar.due(args.at, add)) {
        None => None,
        Some(Ok(due)) => Some(Some(due)),
        Some(Err(support_rules::CalendarError::NeverOpens { .. })) => Some(None),
        Some(Err(error)) => return bad(error),
    };
    print_json(&CalendarAnswer {
        open: status.open,
        next_open: status.next_open,
        next_close: status.next_close,
        due,
    })
}

/// The embedded policy, or the one of `--policy`.
fn load_policy(path: Option<&PathBuf>) -> Result<Policy, String> {
    match path {
        None => Ok(Policy::embedded_default()),
        Some(path) => read(path).and_then(|text| {
            Policy::from_toml(&path.display().to_string(), &text).map_err(|e| e.to_string())
        }),
    }
}

/// The ticket kind of `--type` with `--severity` or `--service`.
fn ticket_kind(
    ticket_type: TicketType,
    severity: Option<Severity>,
    service: Option<ServiceId>,
) -> Result<TicketKind, &'static str> {
    match (ticket_type, severity, service) {
        (TicketType::Incident, Some(severity), None) => Ok(TicketKind::Incident { severity }),
        (TicketType::Request, None, Some(service)) => Ok(TicketKind::Request { service }),
        (TicketType::Question, None, None) => Ok(TicketKind::Question),
        (TicketType::Incident, _, _) => Err("an incident needs --severity (and no --service)"),
        (TicketType::Request, _, _) => Err("a request needs --service (and no --severity)"),
        (TicketType::Question, _, _) => Err("a question takes neither --severity nor --service"),
    }
}

impl TicketArgs {
    /// The policy in force and the ticket's kind, or what is wrong with the arguments.
    fn policy_and_kind(&self) -> Result<(Policy, TicketKind), String> {
        let policy = load_policy(self.policy.as_ref())?;
        let kind = ticket_kind(self.ticket_type, self.severity, self.service.clone())
            .map_err(str::to_owned)?;
        Ok((policy, kind))
    }
}

/// Runs `quote`.
pub fn quote(args: QuoteArgs) -> ExitCode {
    let (policy, kind) = match args.ticket.policy_and_kind() {
        Ok(loaded) => loaded,
        Err(message) => return bad(message),
    };
    let request = QuoteRequest {
        level: args.ticket.level,
        tsm: args.ticket.tsm,
        kind,
        at: args.at,
    };
    match policy.quote(&request) {
        Ok(quote) => print_json(&quote),
        Err(error) => bad(error),
    }
}

/// Reads the `--events` file: each event's instant, kind and severity checked, in order.
fn read_events(path: &PathBuf) -> Result<Vec<SlaEvent>, String> {
    let name = path.display();
    let texts: Vec<EventText> = serde_json::from_str(&read(path)?)
        .map_err(|error| format!("{name}: not a JSON array of events: {error}"))?;
    if texts.is_empty() {
        return Err(format!("{name}: no events: the first one is `opened`"));
    }
    texts
        .into_iter()
        .enumerate()
        .map(|(index, text)| {
            let at = text.at.parse::<Timestamp>().map_err(|_| {
                format!(
                    "{name}: event {index}: `{}` is not an RFC 3339 instant like 2026-12-24T17:30:00Z",
                    text.at
                )
            })?;
            let severity = text
                .severity
                .as_deref()
                .map(str::parse::<Severity>)
                .transpose()
                .map_err(|problem| format!("{name}: event {index}: {problem}"))?;
            let kind = match text.kind.as_str() {
                "opened" => SlaEventKind::Opened,
                "engineer_message" => SlaEventKind::EngineerMessage,
                "engineer_request_information" => SlaEventKind::EngineerRequestInformation,
                "customer_message" => SlaEventKind::CustomerMessage,
                "solved" => SlaEventKind::Solved,
                "reopened" => SlaEventKind::Reopened,
                "severity_changed" => match severity {
                    Some(severity) => SlaEventKind::SeverityChanged { severity },
                    None => {
                        return Err(format!(
                            "{name}: event {index}: `severity_changed` needs the new `severity`"
                        ));
                    }
                },
                other => {
                    return Err(format!(
                        "{name}: event {index}: `{other}` is not an event kind: one of {}",
                        SlaEventKind::KEYS.join(", ")
                    ));
                }
            };
            if severity.is_some() && !matches!(kind, SlaEventKind::SeverityChanged { .. }) {
                return Err(format!(
                    "{name}: event {index}: only `severity_changed` takes a `severity`"
                ));
            }
            Ok(SlaEvent { at, kind })
        })
        .collect()
}

/// Runs `sla`.
pub fn sla(args: SlaArgs) -> ExitCode {
    let (policy, kind) = match args.ticket.policy_and_kind() {
        Ok(loaded) => loaded,
        Err(message) => return bad(message),
    };
    let events = match read_events(&args.events) {
        Ok(events) => events,
        Err(message) => return bad(message),
    };
    let ticket = SlaTicket {
        level: args.ticket.level,
        tsm: args.ticket.tsm,
        kind,
    };
    match policy.sla_clock(&ticket, &events) {
        Ok(clock) => print_json(&clock.status(args.at)),
        Err(error) => bad(format!("{}: {error}", args.events.display())),
    }
}

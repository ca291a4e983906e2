//! The rules on the command line: `calendar` and `quote`, for operators and other tools.
//!
//! Both print one JSON object on standard output. A bad argument (an unreadable or invalid
//! file, an unknown calendar, a service missing from the catalog) is reported on standard
//! error with exit code 2, as clap does for malformed ones.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use support_rules::{
    BusinessDuration, Policy, QuoteRequest, ServiceId, Severity, SupportLevel, TicketKind,
    TicketType, Timestamp, calendars_from_toml,
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

/// `support-server quote --level N [--tsm] --type TYPE (--severity S | --service ID) --at INSTANT`
#[derive(Debug, Args)]
pub struct QuoteArgs {
    /// The account's support level: 1, 2 or 3.
    #[arg(long)]
    level: SupportLevel,
    /// The account has a Technical Success Manager.
    #[arg(long)]
    tsm: bool,
    /// request, incident or question.
    #[arg(long = "type")]
    ticket_type: TicketType,
    /// An incident's severity: urgent, high, normal or low.
    #[arg(long)]
    severity: Option<Severity>,
    /// A request's service from the catalog.
    #[arg(long)]
    service: Option<ServiceId>,
    /// When the ticket is submitted, RFC 3339.
    #[arg(long)]
    at: Timestamp,
    /// A policy file to use instead of the embedded default.
    #[arg(long, env = "SUPPORT_POLICY")]
    policy: Option<PathBuf>,
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

/// Runs `quote`.
pub fn quote(args: QuoteArgs) -> ExitCode {
    let policy = match &args.policy {
        None => Policy::embedded_default(),
        Some(path) => match read(path).and_then(|text| {
            Policy::from_toml(&path.display().to_string(), &text).map_err(|e| e.to_string())
        }) {
            Ok(policy) => policy,
            Err(message) => return bad(message),
        },
    };
    let kind = match (args.ticket_type, args.severity, args.service) {
        (TicketType::Incident, Some(severity), None) => TicketKind::Incident { severity },
        (TicketType::Request, None, Some(service)) => TicketKind::Request { service },
        (TicketType::Question, None, None) => TicketKind::Question,
        (TicketType::Incident, _, _) => {
            return bad("an incident needs --severity (and no --service)");
        }
        (TicketType::Request, _, _) => return bad("a request needs --service (and no --severity)"),
        (TicketType::Question, _, _) => {
            return bad("a question takes neither --severity nor --service");
        }
    };
    let request = QuoteRequest {
        level: args.level,
        tsm: args.tsm,
        kind,
        at: args.at,
    };
    match policy.quote(&request) {
        Ok(quote) => print_json(&quote),
        Err(error) => bad(error),
    }
}

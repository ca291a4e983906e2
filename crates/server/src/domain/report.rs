//! The console's report: a range of days, and the first-response figures of the tickets
//! opened in it per support level and severity.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use support_api::{FieldCode, ReportRow};
use support_rules::{
    DeadlineKind, Policy, Severity, SlaError, SlaStatus, SlaTicket, SupportLevel, TicketKind,
};

use super::{FieldProblem, Invalid};

/// Days from `from` to `to` (UTC, both included), at most [`DayRange::LONGEST_DAYS`] days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    pub from: Date,
    pub to: Date,
}

impl DayRange {
    pub const LONGEST_DAYS: i32 = 366;

    /// The range of `from` and `to` (`YYYY-MM-DD`), every wrong part named.
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<DayRange, Invalid> {
        let date = |value: Option<&str>, field: &str| match value {
            None => Err(
                FieldProblem::new(FieldCode::Required, "is required: a day, YYYY-MM-DD")
                    .named(field),
            ),
            Some(text) => text
                .parse::<Date>()
                .ok()
                .filter(|_| text.len() == 10)
                .ok_or_else(|| {
                    FieldProblem::new(
                        FieldCode::Invalid,
                        "must be a day written YYYY-MM-DD, like 2026-12-01",
                    )
                    .named(field)
                }),
        };
        let (from, to) = match (date(from, "from"), date(to, "to")) {
            (Ok(from), Ok(to)) => (from, to),
            (from, to) => {
                return Err(Invalid(
                    [from.err(), to.err()].into_iter().flatten().collect(),
                ));
            }
        };
        if from > to {
            return Err(Invalid::named(
                "to",
                FieldProblem::new(FieldCode::Invalid, format!("is before `from` ({from})")),
            ));
        }
        let days = (to - from).get_days() + 1;
        if days > Self::LONGEST_DAYS {
            return Err(Invalid::named(
                "to",
                FieldProblem::new(
                    FieldCode::TooLong,
                    format!(
                        "the range holds {days} days; a report covers at most {}",
                        Self::LONGEST_DAYS
                    ),
                ),
            ));
        }
        Ok(DayRange { from, to })
    }

    /// The instants of the range: `[from 00:00 UTC, the day after to 00:00 UTC)`.
    pub fn instants(self) -> (Timestamp, Timestamp) {
        let start = |date: Date| {
            date.to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .map(|zoned| zoned.timestamp())
                .unwrap_or(Timestamp::MAX)
        };
        let after = self.to.checked_add(1.day()).unwrap_or(self.to);
        (start(self.from), start(after))
    }
}

/// One ticket opened in the range, as the report counts it.
pub struct Counted {
    pub level: SupportLevel,
    pub tsm: bool,
    pub kind: TicketKind,
    pub opened_at: Timestamp,
    /// Its first-response deadline as of the report.
    pub sla: SlaStatus,
}

/// The row a ticket counts in: its level, and its severity as the clock counts it.
fn bucket(policy: &Policy, ticket: &Counted) -> (SupportLevel, Option<Severity>) {
    let severity = match &ticket.kind {
        TicketKind::Incident { severity } => Some(*severity),
        TicketKind::Question => Some(
            policy
                .document()
                .ticket_types
                .question
                .answered_as
                .unwrap_or(Severity::Low),
        ),
        TicketKind::Request { .. } => None,
    };
    (ticket.level, severity)
}

/// The `p`th percentile (0 to 100) of `sorted`, by nearest rank.
fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// Every level × severity (requests last, as `null`), with the figures of its tickets: the
/// time to each first response is business time on the target's own calendar.
pub fn rows(policy: &Policy, tickets: &[Counted]) -> Result<Vec<ReportRow>, SlaError> {
    let severities: Vec<Option<Severity>> = Severity::ALL
        .iter()
        .copied()
        .map(Some)
        .chain([None])
        .collect();
    let mut rows = Vec::new();
    for level in SupportLevel::ALL {
        for &severity in &severities {
            let mut row = ReportRow {
                level,
                severity,
                tickets: 0,
                first_responses_met: 0,
                first_responses_breached: 0,
                median_first_response_seconds: None,
                p90_first_response_seconds: None,
            };
            let mut times = Vec::new();
            for ticket in tickets
                .iter()
                .filter(|t| bucket(policy, t) == (level, severity))
            {
                row.tickets += 1;
                let first = ticket.sla.first_response;
                if first.breached {
                    row.first_responses_breached += 1;
                } else if first.met_at.is_some() {
                    row.first_responses_met += 1;
                }
                if let Some(met_at) = first.met_at {
                    let sla_ticket = SlaTicket {
                        level: ticket.level,
                        tsm: ticket.tsm,
                        kind: ticket.kind.clone(),
                    };
                    let calendar =
                        policy.deadline_calendar(&sla_ticket, DeadlineKind::FirstResponse)?;
                    times.push(
                        calendar
                            .business_time(ticket.opened_at, met_at)
                            .as_seconds(),
                    );
                }
            }
            times.sort_unstable();
            row.median_first_response_seconds = percentile(&times, 50);
            row.p90_first_response_seconds = percentile(&times, 90);
            rows.push(row);
        }
    }
    Ok(rows)
}

/// The report as CSV: a header row, then one line a row (empty cells for `null`).
pub fn csv(rows: &[ReportRow]) -> String {
    let mut out = String::from(
        "level,severity,tickets,first_responses_met,first_responses_breached,median_first_response_seconds,p90_first_response_seconds\n",
    );
    let cell = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
    for row in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            row.level.number(),
            row.severity.map(Severity::key).unwrap_or("request"),
            row.tickets,
            row.first_responses_met,
            row.first_responses_breached,
            cell(row.median_first_response_seconds),
            cell(row.p90_first_response_seconds),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_by_nearest_rank() {
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&ten, 50), Some(5));
        assert_eq!(percentile(&ten, 90), Some(9));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[1, 2, 3], 50), Some(2));
    }

    #[test]
    fn a_range_is_two_days_in_order_within_a_year() {
        let range = DayRange::parse(Some("2026-12-01"), Some("2026-12-31")).expect("a range");
        let (start, end) = range.instants();
        assert_eq!(start.to_string(), "2026-12-01T00:00:00Z");
        assert_eq!(end.to_string(), "2027-01-01T00:00:00Z");
        for (from, to, field) in [
            (None, Some("2026-12-01"), "from"),
            (Some("2026-12-01"), None, "to"),
            (Some("2026-13-01"), Some("2026-12-01"), "from"),
            (Some("2026-12-1"), Some("2026-12-01"), "from"),
            (Some("2026-12-02"), Some("2026-12-01"), "to"),
            (Some("2020-01-01"), Some("2026-12-01"), "to"),
        ] {
            let Invalid(errors) = DayRange::parse(from, to).expect_err("refused");
            assert_eq!(errors[0].field, field, "{from:?} {to:?}");
        }
    }
}

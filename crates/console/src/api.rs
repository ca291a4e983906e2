//! The console's own calls (`/api/console/…`), on the customer SPA's one gloo-net sender;
//! tickets, timelines and messages go through the same functions as the customer's pages.

use support_api::{Assignment, Engineers, Queue, Report, TimelineEntry};
use support_spa::api::{ApiError, get_json, post_json};
use web_sys::AbortSignal;

/// A page of the queue; `query` is the whole query string (`?level=3&cursor=…`, or empty).
pub async fn queue(query: String, abort: Option<AbortSignal>) -> Result<Queue, ApiError> {
    get_json(&format!("/api/console/queue{query}"), abort).await
}

pub async fn engineers(abort: Option<AbortSignal>) -> Result<Engineers, ApiError> {
    get_json("/api/console/engineers", abort).await
}

/// Assigns ticket `id` to an engineer (`None`: to nobody).
pub async fn assign(id: i64, engineer_id: Option<i64>) -> Result<TimelineEntry, ApiError> {
    post_json(
        &format!("/api/console/tickets/{id}/assignee"),
        &Assignment { engineer_id },
    )
    .await
}

/// The report's address for the days `from` to `to` (`YYYY-MM-DD`), as JSON or CSV.
pub fn report_path(from: &str, to: &str, csv: bool) -> String {
    let format = if csv { "&format=csv" } else { "" };
    format!("/api/console/report?from={from}&to={to}{format}")
}

pub async fn report(
    from: String,
    to: String,
    abort: Option<AbortSignal>,
) -> Result<Report, ApiError> {
    get_json(&report_path(&from, &to, false), abort).await
}

//! `/console/report?from=&to=`: per support level × severity, the tickets whose clock started
//! in those UTC days, their first responses met and breached, and the median and 90th
//! percentile of the time to them in the target's own business time; as a table, as a chart
//! this page draws (SVG), and as CSV to download.

use leptos::prelude::*;
use support_api::{Report, ReportRow};
use support_spa::api::ApiError;
use support_spa::i18n::{t, use_i18n};
use support_spa::task::Fetched;
use support_spa::time;

use crate::api;
use crate::clock::{iso, use_clock};
use crate::route::use_location;
use crate::words::severity_name;

const DAY_MS: f64 = 86_400_000.0;

fn day(ms: f64) -> String {
    iso(ms).chars().take(10).collect()
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let clock = use_clock();
    let location = use_location();
    let now = clock.now_ms();
    let range = Memo::new(move |_| {
        (
            location
                .param("from")
                .unwrap_or_else(|| day(now - 29.0 * DAY_MS)),
            location.param("to").unwrap_or_else(|| day(now)),
        )
    });
    let report: Fetched<Result<Report, ApiError>> = Fetched::new(move |abort| {
        let (from, to) = range.get();
        api::report(from, to, abort)
    });
    let from = RwSignal::new(range.get_untracked().0);
    let to = RwSignal::new(range.get_untracked().1);
    let show = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        location.go(&format!(
            "/console/report?from={}&to={}",
            from.get_untracked(),
            to.get_untracked()
        ));
    };
    view! {
        <h1>{t("First-response report", "初回回答レポート")}</h1>
        <form class="filters" on:submit=show>
            <div class="field">
                <label for="report-from">{t("From (UTC day)", "開始日(UTC)")}</label>
                <input id="report-from" type="date" prop:value=move || from.get() on:input=move |e| from.set(event_target_value(&e))/>
            </div>
            <div class="field">
                <label for="report-to">{t("To (UTC day, included)", "終了日(UTC、当日を含む)")}</label>
                <input id="report-to" type="date" prop:value=move || to.get() on:input=move |e| to.set(event_target_value(&e))/>
            </div>
            <button type="submit" class="primary" id="report-show">{t("Show", "表示")}</button>
            <a id="report-csv" download="" href=move || { let (from, to) = range.get(); api::report_path(&from, &to, true) }>
                {t("Download as CSV", "CSV をダウンロード")}
            </a>
        </form>
        {move || match report.get() {
            None => view! { <p class="muted" role="status">{t("Loading…", "読み込み中…")}</p> }.into_any(),
            Some(Err(error)) => view! { <p class="status-error" role="alert">{error.to_string()}</p> }.into_any(),
            Some(Ok(report)) => view! { <ReportView report=report/> }.into_any(),
        }}
    }
}

fn seconds_text(seconds: Option<i64>, lang: support_spa::i18n::Lang) -> String {
    match seconds {
        Some(seconds) => time::duration(seconds as f64 * 1000.0, lang),
        None => "—".to_owned(),
    }
}

#[component]
fn ReportView(report: Report) -> impl IntoView {
    let i = use_i18n();
    let rows = report.rows;
    let total: u64 = rows.iter().map(|r| r.tickets).sum();
    let charted: Vec<ReportRow> = rows.iter().filter(|r| r.tickets > 0).cloned().collect();
    view! {
        <p id="report-total">
            {move || match i.lang() {
                support_spa::i18n::Lang::En => format!("{total} tickets from {} to {}.", report.from, report.to),
                support_spa::i18n::Lang::Ja => format!("{} 〜 {} のチケット: {total} 件", report.from, report.to),
            }}
        </p>
        <Chart rows=charted/>
        <div class="table-scroll">
            <table class="report" id="report-table">
                <caption class="visually-hidden">{t("First responses per level and severity", "レベル・重要度別の初回回答")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t("Level", "レベル")}</th>
                        <th scope="col">{t("Severity", "重要度")}</th>
                        <th scope="col">{t("Tickets", "チケット")}</th>
                        <th scope="col">{t("Met", "期限内")}</th>
                        <th scope="col">{t("Breached", "期限超過")}</th>
                        <th scope="col">{t("Median first response", "初回回答の中央値")}</th>
                        <th scope="col">{t("90th percentile", "90パーセンタイル")}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let key = format!("{}-{}", row.level.number(), row.severity.map_or("request", |s| s.key()));
                        view! {
                            <tr data-row=key>
                                <td>{row.level.number().to_string()}</td>
                                <td>{match row.severity {
                                    Some(s) => severity_name(s)().into_any(),
                                    None => t("requests", "リクエスト").into_any(),
                                }}</td>
                                <td data-col="tickets">{row.tickets.to_string()}</td>
                                <td data-col="met">{row.first_responses_met.to_string()}</td>
                                <td data-col="breached">{row.first_responses_breached.to_string()}</td>
                                <td>{move || seconds_text(row.median_first_response_seconds, i.lang())}</td>
                                <td>{move || seconds_text(row.p90_first_response_seconds, i.lang())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// One bar a row with tickets: met, breached and not yet answered, to scale.
#[component]
fn Chart(rows: Vec<ReportRow>) -> impl IntoView {
    const LABEL: f64 = 130.0;
    const WIDTH: f64 = 420.0;
    const BAR: f64 = 22.0;
    let most = rows.iter().map(|r| r.tickets).max().unwrap_or(1).max(1) as f64;
    let height = BAR * (rows.len().max(1) as f64) + 30.0;
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(n, row)| {
            let y = n as f64 * BAR;
            let scale = |count: u64| count as f64 / most * WIDTH;
            let met = scale(row.first_responses_met);
            let breached = scale(row.first_responses_breached);
            let waiting = scale(
                row.tickets
                    .saturating_sub(row.first_responses_met + row.first_responses_breached),
            );
            let label = move || match row.severity {
                Some(s) => format!("L{} {}", row.level.number(), severity_name(s)()),
                None => format!("L{} {}", row.level.number(), t("requests", "リクエスト")()),
            };
            view! {
                <g data-bar=format!("{}-{}", row.level.number(), row.severity.map_or("request", |s| s.key()))>
                    <text x="0" y=y + 15.0 class="chart-label">{label}</text>
                    <rect x=LABEL y=y + 3.0 width=met height=BAR - 6.0 class="chart-met"/>
                    <rect x=LABEL + met y=y + 3.0 width=breached height=BAR - 6.0 class="chart-breached"/>
                    <rect x=LABEL + met + breached y=y + 3.0 width=waiting height=BAR - 6.0 class="chart-waiting"/>
                    <text x=LABEL + met + breached + waiting + 4.0 y=y + 15.0 class="chart-count">{row.tickets.to_string()}</text>
                </g>
            }
        })
        .collect_view();
    let legend_y = height - 10.0;
    view! {
        <figure class="chart">
            <svg id="report-chart" role="img" aria-labelledby="chart-title" viewBox=format!("0 0 {} {height}", LABEL + WIDTH + 40.0) width="100%">
                <title id="chart-title">{t("Tickets per level and severity: first responses met, breached and not yet due", "レベル・重要度別チケット数: 期限内、期限超過、未回答")}</title>
                {bars}
                <rect x="0" y=legend_y - 9.0 width="10" height="10" class="chart-met"/>
                <text x="14" y=legend_y class="chart-label">{t("met", "期限内")}</text>
                <rect x="90" y=legend_y - 9.0 width="10" height="10" class="chart-breached"/>
                <text x="104" y=legend_y class="chart-label">{t("breached", "期限超過")}</text>
                <rect x="200" y=legend_y - 9.0 width="10" height="10" class="chart-waiting"/>
                <text x="214" y=legend_y class="chart-label">{t("not answered yet", "未回答")}</text>
            </svg>
        </figure>
    }
}

//! `/availability`: whether support is staffed right now, per level, channel and severity,
//! and the next 7 days as a timeline per level. Every figure follows the clock signal.

use std::sync::Arc;

use leptos::prelude::*;
use support_rules::{Calendar, Channel, CivilDate, Policy, Severity, SupportLevel};

use crate::clock::use_clock;
use crate::components::zone_picker::ZonePicker;
use crate::i18n::{I18n, t, use_i18n};
use crate::policy::{instant, ms, now, with_policy};
use crate::prefs::use_prefs;
use crate::time;

const DAY_MS: f64 = 86_400_000.0;
const DAYS: usize = 7;
/// The width of a timeline in SVG units (the drawing scales to the page).
const WIDTH: f64 = 1000.0;

#[component]
pub fn Availability() -> impl IntoView {
    let i = use_i18n();
    let clock = use_clock();
    let prefs = use_prefs();
    view! {
        <h1>{t("Availability now", "現在の対応状況")}</h1>
        <ZonePicker/>
        <p id="now">
            {t("Now: ", "現在: ")}
            <time>{move || time::date_time(clock.now_ms(), &prefs.zone.get(), i.lang())}</time>
        </p>
        {with_policy(|policy| view! {
            <StaffedNow policy=policy.clone()/>
            <Timelines policy=policy/>
        })}
    }
}

fn severity_name(policy: &Policy, severity: Severity, i: I18n) -> String {
    policy
        .document()
        .severities
        .get(severity)
        .name
        .get(i.lang().code())
        .to_owned()
}

fn channel_name(channel: Channel, i: I18n) -> &'static str {
    match channel {
        Channel::Web => i.t("Web", "Web"),
        Channel::Phone => i.t("Phone", "電話"),
    }
}

/// The calendar that staffs a level's severity on a channel.
fn staffing(
    policy: &Policy,
    level: SupportLevel,
    severity: Severity,
    channel: Channel,
) -> (String, Option<Calendar>) {
    let name = policy
        .document()
        .levels
        .get(level)
        .get(severity)
        .staffed_by
        .get(channel)
        .clone();
    let calendar = policy.calendar(&name).cloned();
    (name, calendar)
}

#[component]
fn StaffedNow(policy: Arc<Policy>) -> impl IntoView {
    let i = use_i18n();
    view! {
        <section aria-labelledby="staffed-now">
            <h2 id="staffed-now">{t("Staffed right now?", "現在の対応可否")}</h2>
            {SupportLevel::ALL.into_iter().map(|level| {
                let rows = Severity::ALL.iter().map(|&severity| {
                    let name = severity_name(&policy, severity, i);
                    let cells = Channel::ALL.iter().map(|&channel| {
                        let (_, calendar) = staffing(&policy, level, severity, channel);
                        view! {
                            <td data-level=level.number() data-severity=severity.key() data-channel=channel.key()>
                                <StaffedCell calendar=calendar/>
                            </td>
                        }
                    }).collect_view();
                    view! { <tr><th scope="row">{name}</th>{cells}</tr> }
                }).collect_view();
                view! {
                    <div class="table-scroll">
                        <table class="staffed-table" id=format!("staffed-level-{}", level.number())>
                            <caption>{move || format!("{} {}", i.t("Level", "レベル"), level.number())}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{t("Severity", "重要度")}</th>
                                    {Channel::ALL.iter().map(|&channel| view! { <th scope="col">{move || channel_name(channel, i)}</th> }).collect_view()}
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            }).collect_view()}
        </section>
    }
}

/// "Staffed now", or "Closed: opens Mon 08:00 (in 2 h 10 min)". The cell is built again only
/// when the calendar opens or closes; each second only the countdown's text changes (building
/// it anew every second set its class again, and the browser restyled every cell each time).
#[component]
fn StaffedCell(calendar: Option<Calendar>) -> impl IntoView {
    let i = use_i18n();
    let clock = use_clock();
    let prefs = use_prefs();
    let Some(calendar) = calendar else {
        return view! { <span class="closed">{i.t("Not offered", "対象外")}</span> }.into_any();
    };
    let status = move || calendar.status(now(clock));
    let open = Memo::new({
        let status = status.clone();
        move |_| status().open
    });
    (move || {
        if open.get() {
            return view! { <span class="open">{i.t("Staffed now", "対応中")}</span> }.into_any();
        }
        let status = status.clone();
        let opens = move || {
            status().next_open.map(|at| {
                let at = ms(at);
                format!(
                    "{}{} ({}{})",
                    i.t("opens ", "開始: "),
                    time::date_time(at, &prefs.zone.get(), i.lang()),
                    i.t("in ", "あと"),
                    time::duration(at - clock.now_ms(), i.lang()),
                )
            })
        };
        view! { <span class="closed">{i.t("Closed", "時間外")}</span><br/><span class="opens">{opens}</span> }
            .into_any()
    })
    .into_any()
}

/// One row of a level's timeline: a calendar and the severities it staffs.
struct Row {
    calendar: Calendar,
    severities: Vec<Severity>,
}

fn rows(policy: &Policy, level: SupportLevel) -> Vec<Row> {
    let mut rows: Vec<(String, Row)> = Vec::new();
    for &severity in Severity::ALL {
        for &channel in Channel::ALL {
            let (name, Some(calendar)) = staffing(policy, level, severity, channel) else {
                continue;
            };
            match rows.iter_mut().find(|(known, _)| *known == name) {
                Some((_, row)) if !row.severities.contains(&severity) => {
                    row.severities.push(severity)
                }
                Some(_) => {}
                None => rows.push((
                    name,
                    Row {
                        calendar,
                        severities: vec![severity],
                    },
                )),
            }
        }
    }
    rows.into_iter().map(|(_, row)| row).collect()
}

/// The local days of `calendar` that are holidays, as `[start, end)` in milliseconds,
/// between `from` and `to`.
fn holidays(calendar: &Calendar, from: f64, to: f64) -> Vec<(f64, f64)> {
    let Some(zone) = calendar.time_zone() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let mut day = zone.to_datetime(instant(from)).start_of_day();
    for _ in 0..=DAYS {
        let Ok(next) = day.tomorrow() else { break };
        let date = CivilDate::new(i32::from(day.year()), day.month() as u8, day.day() as u8);
        if date.is_some_and(|date| calendar.is_holiday(date))
            && let (Ok(start), Ok(end)) = (zone.to_timestamp(day), zone.to_timestamp(next))
        {
            found.push((ms(start).max(from), ms(end).min(to)));
        }
        day = next;
    }
    found
}

fn x(at: f64, from: f64) -> f64 {
    ((at - from) / (DAYS as f64 * DAY_MS) * WIDTH).clamp(0.0, WIDTH)
}

/// A whole SVG unit (a thousandth of the width) is precise enough, and printing an integer
/// keeps Rust's float formatting out of the wasm.
fn coordinate(value: f64) -> String {
    (value.round() as i64).to_string()
}

#[component]
fn Timelines(policy: Arc<Policy>) -> impl IntoView {
    let i = use_i18n();
    let clock = use_clock();
    let prefs = use_prefs();
    // The drawing starts at today's midnight in the visitor's zone; it moves on once a day.
    let from = Memo::new(move |_| time::start_of_day(clock.now_ms(), &prefs.zone.get()));
    let now_x = move || coordinate(x(clock.now_ms(), from.get()));
    view! {
        <section aria-labelledby="timeline">
            <h2 id="timeline">{t("The next 7 days", "今後7日間")}</h2>
            <p class="legend">
                <span class="swatch swatch-open"></span>{t("staffed", "対応時間")}
                <span class="swatch swatch-holiday"></span>{t("holiday", "休日")}
                <span class="swatch swatch-now"></span>{t("now", "現在")}
            </p>
            <div class="timeline-days" aria-hidden="true">
                <span></span>
                {(0..DAYS).map(|day| view! {
                    <span>{move || time::weekday_day(from.get() + day as f64 * DAY_MS + DAY_MS / 2.0, &prefs.zone.get(), i.lang())}</span>
                }).collect_view()}
            </div>
            {SupportLevel::ALL.into_iter().map(|level| {
                let rows = rows(&policy, level);
                let policy = policy.clone();
                view! {
                    <h3>{move || format!("{} {}", i.t("Level", "レベル"), level.number())}</h3>
                    {rows.into_iter().map(|row| {
                        let names = {
                            let policy = policy.clone();
                            let severities = row.severities.clone();
                            move || severities.iter().map(|&s| severity_name(&policy, s, i)).collect::<Vec<_>>().join(", ")
                        };
                        let calendar = row.calendar;
                        let drawing = Memo::new(move |_| {
                            let from = from.get();
                            let to = from + DAYS as f64 * DAY_MS;
                            let open: Vec<(f64, f64)> = calendar
                                .open_windows(instant(from), instant(to))
                                .into_iter()
                                .map(|window| (ms(window.start), ms(window.end)))
                                .collect();
                            (open, holidays(&calendar, from, to))
                        });
                        let label = {
                            let names = names.clone();
                            move || {
                                let zone = prefs.zone.get();
                                let (open, holidays) = drawing.get();
                                let windows = open.iter().map(|(start, end)| format!(
                                    "{} – {}",
                                    time::date_time(*start, &zone, i.lang()),
                                    time::date_time(*end, &zone, i.lang()),
                                )).collect::<Vec<_>>();
                                let holidays = holidays.iter().map(|(start, _)| time::weekday_day(*start, &zone, i.lang())).collect::<Vec<_>>();
                                format!(
                                    "{} {}, {}: {} {}{}",
                                    i.t("Level", "レベル"),
                                    level.number(),
                                    names(),
                                    i.t("staffed", "対応時間"),
                                    if windows.is_empty() { i.t("never in these 7 days", "この7日間はなし").to_owned() } else { windows.join("; ") },
                                    if holidays.is_empty() { String::new() } else { format!(". {}{}", i.t("Holiday: ", "休日: "), holidays.join(", ")) },
                                )
                            }
                        };
                        view! {
                            <div class="timeline-row" data-level=level.number()>
                                <span class="timeline-label">{names}</span>
                                <svg class="timeline" viewBox="0 0 1000 24" preserveAspectRatio="none" role="img" aria-label=label>
                                    {move || {
                                        let from = from.get();
                                        let (open, holidays) = drawing.get();
                                        let bar = |class: &'static str, (start, end): (f64, f64)| view! {
                                            <rect class=class x=coordinate(x(start, from)) width=coordinate(x(end, from) - x(start, from)) y="0" height="24"/>
                                        };
                                        (
                                            holidays.into_iter().map(|window| bar("holiday", window)).collect_view(),
                                            open.into_iter().map(|window| bar("open", window)).collect_view(),
                                        )
                                    }}
                                    {(1..DAYS).map(|day| {
                                        let at = coordinate(WIDTH * day as f64 / DAYS as f64);
                                        view! { <line class="day" x1=at.clone() x2=at y1="0" y2="24" vector-effect="non-scaling-stroke"/> }
                                    }).collect_view()}
                                    <line class="now" x1=now_x x2=now_x y1="0" y2="24" vector-effect="non-scaling-stroke"/>
                                </svg>
                            </div>
                        }
                    }).collect_view()}
                }
            }).collect_view()}
        </section>
    }
}

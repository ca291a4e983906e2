//! `/console/`: every open, in-progress and waiting ticket, earliest next deadline first
//! (paused ones last), filtered, paged by the server's keyset cursor ("More"), followed live.
//! j / k select the next / previous ticket, Enter opens it, r and n open it at the reply or
//! the internal note.

use std::time::Duration;

use leptos::prelude::*;
use support_api::{Queue, QueueTicket, Severity, SupportLevel, TicketStatus, TicketType};
use support_rules::Timestamp;
use support_spa::api::ApiError;
use support_spa::i18n::{t, use_i18n};
use support_spa::live::{self, LiveState};
use support_spa::prefs::use_prefs;
use support_spa::task::Fetched;
use support_spa::time;

use crate::api;
use crate::clock::{Clock, use_clock};
use crate::keys::{focus, shortcuts};
use crate::route::{Page, use_location};
use crate::words::{severity_name, status_text, type_name};

/// The queue's filters, as the query's parameters (empty: any).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Filters {
    level: String,
    severity: String,
    kind: String,
    status: String,
    account: String,
    assigned: String,
}

impl Filters {
    /// `?level=…&…` with the filters set, the page's cursor and the clock's `at`.
    fn query(&self, cursor: Option<&str>, at: Option<String>) -> String {
        let account = self.account.trim();
        let account = if account.parse::<i64>().is_ok_and(|id| id > 0) {
            account
        } else {
            ""
        };
        let pairs = [
            ("level", self.level.as_str()),
            ("severity", self.severity.as_str()),
            ("type", self.kind.as_str()),
            ("status", self.status.as_str()),
            ("account", account),
            ("assigned", self.assigned.as_str()),
            ("cursor", cursor.unwrap_or_default()),
            ("at", at.as_deref().unwrap_or_default()),
        ];
        let mut query = String::new();
        for (name, value) in pairs.into_iter().filter(|(_, value)| !value.is_empty()) {
            query.push(if query.is_empty() { '?' } else { '&' });
            query.push_str(name);
            query.push('=');
            query.push_str(value);
        }
        query
    }
}

/// Whether the ticket's deadline has passed now (the server's mark is as of its answer).
fn breached_now(ticket: &QueueTicket, clock: Clock) -> bool {
    ticket.breached
        || ticket
            .due
            .is_some_and(|due| due.as_millisecond() as f64 <= clock.now_ms())
}

#[component]
pub fn QueuePage() -> impl IntoView {
    let clock = use_clock();
    let location = use_location();
    let filters = RwSignal::new(Filters::default());
    let first: Fetched<Result<Queue, ApiError>> = Fetched::new(move |abort| {
        let query = filters.with(|f| f.query(None, clock.at()));
        api::queue(query, abort)
    });
    // The pages read with "More", after the first; dropped when the first is read again.
    let later: RwSignal<Vec<QueueTicket>> = RwSignal::new(Vec::new());
    let later_next: RwSignal<Option<Option<String>>> = RwSignal::new(None);
    let more_error: RwSignal<Option<String>> = RwSignal::new(None);
    Effect::new(move |_| {
        first.with(|_| ());
        later.set(Vec::new());
        later_next.set(None);
    });
    let rows = Memo::new(move |_| {
        let mut rows = first.with_ok(|q| q.tickets.clone()).unwrap_or_default();
        later.with(|later| rows.extend(later.iter().cloned()));
        rows
    });
    let next = Memo::new(move |_| match later_next.get() {
        Some(next) => next,
        None => first.with_ok(|q| q.next.clone()).flatten(),
    });
    let loading_more = RwSignal::new(false);
    let more = move |_| {
        let Some(cursor) = next.get_untracked() else {
            return;
        };
        let query = filters.with_untracked(|f| f.query(Some(&cursor), clock.at()));
        loading_more.set(true);
        leptos::task::spawn_local(async move {
            match api::queue(query, None).await {
                Ok(page) => {
                    let _ = later.try_update(|later| later.extend(page.tickets));
                    let _ = later_next.try_set(Some(page.next));
                    let _ = more_error.try_set(None);
                }
                Err(error) => {
                    let _ = more_error.try_set(Some(error.to_string()));
                }
            }
            let _ = loading_more.try_set(false);
        });
    };
    // Any change to any ticket may move the queue; the marks move with time.
    let live = live::follow(|_| true, move || first.refetch());
    if let Ok(timer) = set_interval_with_handle(move || first.refetch(), Duration::from_secs(60)) {
        on_cleanup(move || timer.clear());
    }
    let selected: RwSignal<Option<i64>> = RwSignal::new(None);
    shortcuts(move |key| {
        let ids: Vec<i64> = rows.with_untracked(|rows| rows.iter().map(|r| r.id).collect());
        let at = selected
            .get_untracked()
            .and_then(|id| ids.iter().position(|other| *other == id));
        let pick = |index: usize| {
            if let Some(id) = ids.get(index) {
                selected.set(Some(*id));
                focus(&format!("q-{id}"));
            }
        };
        match (key, at) {
            ("j", None) => pick(0),
            ("j", Some(at)) => pick((at + 1).min(ids.len().saturating_sub(1))),
            ("k", None) => pick(0),
            ("k", Some(at)) => pick(at.saturating_sub(1)),
            ("Enter", Some(at)) => location.go(&Page::Ticket(ids[at]).href()),
            ("r", Some(at)) => location.go(&format!("{}#reply", Page::Ticket(ids[at]).href())),
            ("n", Some(at)) => location.go(&format!("{}#note", Page::Ticket(ids[at]).href())),
            _ => return false,
        }
        true
    });
    view! {
        <h1>{t("Queue", "キュー")}</h1>
        <p class="muted">
            {t(
                "Every open, in-progress and waiting ticket, earliest deadline first. Keys: j / k next / previous, Enter opens, r reply, n internal note.",
                "未回答・対応中・返信待ちのすべてのチケットを、期限の早い順に表示します。キー: j / k 次 / 前、Enter 開く、r 返信、n 社内メモ。",
            )}
            " " <LiveState live=live/>
        </p>
        <FilterForm filters=filters/>
        {move || match first.get() {
            None => Some(view! { <p class="muted" role="status">{t("Loading…", "読み込み中…")}</p> }.into_any()),
            Some(Err(error)) => Some(view! { <p class="status-error" role="alert">{error.to_string()}</p> }.into_any()),
            Some(Ok(_)) => None,
        }}
        <div class="table-scroll">
            <table class="queue" id="queue">
                <caption class="visually-hidden">{t("The queue, earliest deadline first", "キュー(期限の早い順)")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t("Ticket", "チケット")}</th>
                        <th scope="col">{t("Account", "アカウント")}</th>
                        <th scope="col">{t("Level", "レベル")}</th>
                        <th scope="col">"TSM"</th>
                        <th scope="col">{t("Type", "種類")}</th>
                        <th scope="col">{t("Severity", "重要度")}</th>
                        <th scope="col">{t("Subject", "件名")}</th>
                        <th scope="col">{t("Status", "状態")}</th>
                        <th scope="col">{t("Assignee", "担当")}</th>
                        <th scope="col">{t("Next deadline", "次の期限")}</th>
                        <th scope="col">{t("Mark", "警告")}</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=row_key let:ticket>
                        <Row ticket=ticket selected=selected/>
                    </For>
                </tbody>
            </table>
        </div>
        {move || (first.with_ok(|_| ()).is_some() && rows.with(Vec::is_empty)).then(|| view! {
            <p id="queue-empty">{t("No ticket waits in the queue.", "キューにチケットはありません。")}</p>
        })}
        {move || more_error.get().map(|error| view! { <p class="status-error" role="alert">{error}</p> })}
        {move || next.get().is_some().then(|| view! {
            <button type="button" id="queue-more" on:click=more disabled=move || loading_more.get()>
                {t("More tickets", "さらに表示")}
            </button>
        })}
    }
}

/// A row is drawn again when anything it shows changes.
fn row_key(ticket: &QueueTicket) -> String {
    format!(
        "{}|{}|{:?}|{:?}|{:?}|{}|{}|{}|{:?}",
        ticket.id,
        ticket.status,
        ticket.due.map(|due| due.as_millisecond()),
        ticket.assignee.as_ref().map(|a| a.id),
        ticket.severity,
        ticket.in_warning,
        ticket.breached,
        ticket.paused,
        ticket.deadline,
    )
}

#[component]
fn Row(ticket: QueueTicket, selected: RwSignal<Option<i64>>) -> impl IntoView {
    let i = use_i18n();
    let clock = use_clock();
    let id = ticket.id;
    let href = Page::Ticket(id).href();
    let breached = {
        let ticket = ticket.clone();
        Memo::new(move |_| breached_now(&ticket, clock))
    };
    let warning = ticket.in_warning;
    let level = ticket.account.level;
    let status = ticket.status;
    let subject = ticket.subject.clone();
    view! {
        <tr
            data-ticket=id
            class:selected=move || selected.get() == Some(id)
            class:warning=move || warning && !breached.get()
            class:breached=move || breached.get()
        >
            <td><a id=format!("q-{id}") href=href.clone() on:focus=move |_| selected.set(Some(id))>"#" {id}</a></td>
            <td>{ticket.account.name.clone()}</td>
            <td>{level_text(level)}</td>
            <td>{move || if ticket.account.tsm { i.t("yes", "あり") } else { i.t("no", "なし") }}</td>
            <td>{type_name(ticket.kind)}</td>
            <td>{ticket.severity.map(severity_name)}{ticket.service.clone()}</td>
            <td><a href=href tabindex="-1">{subject}</a></td>
            <td>{move || status_text(status, i)}</td>
            <td>{match ticket.assignee.clone() {
                Some(engineer) => engineer.name.into_any(),
                None => view! { <span class="muted">{t("nobody", "未割り当て")}</span> }.into_any(),
            }}</td>
            <td><Countdown due=ticket.due paused=ticket.paused/></td>
            <td>{move || {
                if breached.get() {
                    Some(view! { <strong class="mark breached" data-mark="breached">{t("Breached", "期限超過")}</strong> }.into_any())
                } else if warning {
                    Some(view! { <strong class="mark warning" data-mark="warning">{t("Warning", "期限間近")}</strong> }.into_any())
                } else {
                    None
                }
            }}</td>
        </tr>
    }
}

fn level_text(level: SupportLevel) -> String {
    level.number().to_string()
}

/// A deadline in the engineer's zone with a live countdown, or why there is none.
#[component]
pub fn Countdown(due: Option<Timestamp>, paused: bool) -> impl IntoView {
    let i = use_i18n();
    let clock = use_clock();
    let prefs = use_prefs();
    match due {
        None if paused => view! { <span class="paused">{t("paused: waiting for the customer", "一時停止: お客様の返信待ち")}</span> }.into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
        Some(due) => {
            let at = due.as_millisecond() as f64;
            let left = move || at - clock.now_ms();
            view! {
                <span class="due">
                    <time datetime=crate::clock::iso(at)>{move || time::date_time(at, &prefs.zone.get(), i.lang())}</time>
                    " "
                    <span class="countdown" class:overdue=move || left() < 0.0>
                        {move || {
                            let left = left();
                            if left >= 0.0 {
                                format!("({}{})", i.t("in ", "あと"), time::duration(left, i.lang()))
                            } else {
                                format!("({}{})", i.t("overdue by ", "超過 "), time::duration(-left, i.lang()))
                            }
                        }}
                    </span>
                </span>
            }
            .into_any()
        }
    }
}

#[component]
fn FilterForm(filters: RwSignal<Filters>) -> impl IntoView {
    let choose = move |set: fn(&mut Filters, String)| {
        move |event: leptos::ev::Event| {
            let value = event_target_value(&event);
            filters.update(|f| set(f, value));
        }
    };
    let any = t("any", "すべて");
    view! {
        <form class="filters" role="search" aria-label=t("Filters", "絞り込み") on:submit=|e| e.prevent_default()>
            <div class="field">
                <label for="filter-level">{t("Level", "レベル")}</label>
                <select id="filter-level" on:change=choose(|f, v| f.level = v)>
                    <option value="">{any}</option>
                    {SupportLevel::ALL.iter().map(|l| { let n = l.number().to_string(); let label = n.clone(); view! { <option value=n>{label}</option> } }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-severity">{t("Severity", "重要度")}</label>
                <select id="filter-severity" on:change=choose(|f, v| f.severity = v)>
                    <option value="">{any}</option>
                    {Severity::ALL.iter().map(|s| view! { <option value=s.key()>{severity_name(*s)}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-type">{t("Type", "種類")}</label>
                <select id="filter-type" on:change=choose(|f, v| f.kind = v)>
                    <option value="">{any}</option>
                    {TicketType::ALL.iter().map(|k| view! { <option value=k.key()>{type_name(*k)}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-status">{t("Status", "状態")}</label>
                <select id="filter-status" on:change=choose(|f, v| f.status = v)>
                    <option value="">{any}</option>
                    {[TicketStatus::Open, TicketStatus::InProgress, TicketStatus::WaitingForCustomer].into_iter().map(|s| {
                        let i = use_i18n();
                        view! { <option value=s.key()>{move || status_text(s, i)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-account">{t("Account number", "アカウント番号")}</label>
                <input id="filter-account" type="number" min="1" inputmode="numeric" on:change=choose(|f, v| f.account = v)/>
            </div>
            <div class="field">
                <label for="filter-assigned">{t("Assigned", "担当")}</label>
                <select id="filter-assigned" on:change=choose(|f, v| f.assigned = v)>
                    <option value="">{any}</option>
                    <option value="me">{t("to me", "自分")}</option>
                    <option value="unassigned">{t("to nobody", "未割り当て")}</option>
                </select>
            </div>
        </form>
    }
}

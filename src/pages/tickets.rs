//! `/tickets`: the account's tickets with a live countdown to each one's next deadline, a
//! page at a time, and for technical contacts the tickets waiting for their approval,
//! whatever their age (the server lists them apart). The lists follow the server's events:
//! a new ticket, an answer or a change shows without a reload. (A page of the ticket app.)

use leptos::prelude::*;
use support_api::{Ticket, TicketPage, TicketStatus};

use crate::api::{self, ApiError, Decision};
use crate::components::due::{Due, DueOrPending};
use crate::components::field::focus;
use crate::components::loaded::loaded;
use crate::i18n::{I18n, t, use_i18n};
use crate::live::{self, LiveState};
use crate::policy::ms;
use crate::router::{Route, use_location};
use crate::session::use_session;
use crate::task::{Call, Fetched, live_row};

#[component]
pub fn Tickets() -> impl IntoView {
    let session = use_session();
    view! {
        <h1>{t("My tickets", "マイチケット")}</h1>
        <p><a href=Route::NEW_TICKET.href()>{t("Open a new ticket", "新しいチケットを作成")}</a></p>
        {loaded(
            session.fetched(),
            (" to see your account's tickets.", "するとアカウントのチケットを表示できます。"),
            move || {
                let is_contact = Memo::new(move |_| session.signed_in().is_some_and(|me| me.is_contact));
                view! { <TicketLists is_contact=is_contact/> }.into_any()
            },
        )}
    }
}

/// The page numbers in the address: (all tickets, awaiting approval). While the address
/// names another page (the app is leaving this one), they keep their last values, so that no
/// list is read again for nothing.
fn page_numbers() -> (Memo<u32>, Memo<u32>) {
    let location = use_location();
    let number = move |pick: fn(u32, u32) -> u32| {
        Memo::new(move |previous: Option<&u32>| match location.route() {
            Some(Route::Tickets { page, approvals }) => pick(page, approvals),
            _ => previous.copied().unwrap_or(1),
        })
    };
    (number(|page, _| page), number(|_, approvals| approvals))
}

/// Approves or rejects a ticket: its id and the decision.
type DecideAction = Call<(i64, Decision), Result<Ticket, ApiError>>;

/// The tickets of one list as the server last gave them.
type TicketList = Fetched<Result<TicketPage, ApiError>>;

#[component]
fn TicketLists(is_contact: Memo<bool>) -> impl IntoView {
    let (page, approvals_page) = page_numbers();
    // Every event the server sends this person is about one of the account's tickets.
    let changes = RwSignal::new(0u32);
    let live = live::follow(|_| true, move || changes.update(|n| *n += 1));
    let all: TicketList = Fetched::new(move |abort| {
        changes.track();
        api::tickets(page.get(), None, abort)
    });
    let decide: DecideAction =
        Call::new(|(id, decision): &(i64, Decision)| api::decide(*id, decision.clone()));
    decide.refetches(all);
    let approvals = move || {
        let pending: TicketList = Fetched::new(move |abort| {
            changes.track();
            api::tickets(
                approvals_page.get(),
                Some(TicketStatus::PendingApproval),
                abort,
            )
        });
        decide.refetches(pending);
        view! {
            <section aria-labelledby="approvals">
                <h2 id="approvals">{t("Waiting for your approval", "承認待ち")}</h2>
                {loaded(pending, NO_SIGN_IN, move || view! {
                    <TicketList tickets=pending decide=Some(decide)/>
                    <Pages tickets=pending label=("Pages of the tickets waiting for approval", "承認待ちのページ") to=move |n| Route::Tickets { page: page.get(), approvals: n }/>
                }.into_any())}
                {move || decide.value().get().and_then(Result::err).map(|e| view! { <p class="status-error" role="alert">{e.to_string()}</p> })}
            </section>
        }
    };
    view! {
        <p><LiveState live=live/></p>
        {move || is_contact.get().then(approvals)}
        <section aria-labelledby="all-tickets">
            <h2 id="all-tickets">{t("All tickets, newest first", "すべてのチケット(新しい順)")}</h2>
            {loaded(all, NO_SIGN_IN, move || view! {
                <TicketList tickets=all decide=None/>
                <Pages tickets=all label=("Pages of all tickets", "すべてのチケットのページ") to=move |n| Route::Tickets { page: n, approvals: approvals_page.get() }/>
            }.into_any())}
        </section>
    }
}

/// A list inside a page that already checked the visitor is signed in (a session that ends
/// meanwhile still gets the notice, in these words).
const NO_SIGN_IN: (&str, &str) = (" again.", "し直してください。");

/// One list of tickets, keyed by id: a re-read keeps each row that stays (and what is typed
/// in it, and the keyboard focus), adds the new ones and drops those that left.
#[component]
fn TicketList(tickets: TicketList, decide: Option<DecideAction>) -> impl IntoView {
    let rows = move || {
        tickets
            .with_ok(|page| page.tickets.clone())
            .unwrap_or_default()
    };
    let empty = move || {
        tickets
            .with_ok(|page| page.tickets.is_empty())
            .unwrap_or(false)
    };
    view! {
        <Show when=empty>
            <p class="muted">{t("None.", "ありません。")}</p>
        </Show>
        <ul class="ticket-list">
            <For each=rows key=|ticket| ticket.id let:ticket>
                <TicketRow ticket=live(tickets, ticket) decide=decide/>
            </For>
        </ul>
    }
}

/// The row of `ticket` as the list's latest answer has it.
fn live(tickets: TicketList, ticket: Ticket) -> Memo<Ticket> {
    let id = ticket.id;
    live_row(ticket, move || {
        tickets
            .with_ok(|page| page.tickets.iter().find(|t| t.id == id).cloned())
            .flatten()
    })
}

/// Links to the newer and the older page of a list, and where this one is.
#[component]
fn Pages(
    tickets: TicketList,
    label: (&'static str, &'static str),
    to: impl Fn(u32) -> Route + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i = use_i18n();
    // (this page, the number of pages, the next page)
    let at = Memo::new(move |_| {
        tickets
            .with_ok(|page| {
                let pages = page.total.div_ceil(u64::from(page.per_page.max(1))).max(1);
                (
                    page.page,
                    u32::try_from(pages).unwrap_or(u32::MAX),
                    page.next_page,
                )
            })
            .unwrap_or((1, 1, None))
    });
    let several = move || at.get().1 > 1;
    view! {
        <Show when=several>
            <nav class="pages" aria-label=t(label.0, label.1)>
                {move || {
                    let (this, _, _) = at.get();
                    (this > 1).then(|| view! {
                        <a href=to(this - 1).href() rel="prev">{t("← Newer", "← 新しい方")}</a>
                    })
                }}
                <span>{move || {
                    let (this, pages, _) = at.get();
                    match i.lang() {
                        crate::i18n::Lang::En => format!(" Page {this} of {pages} "),
                        crate::i18n::Lang::Ja => format!(" {pages}ページ中{this}ページ目 "),
                    }
                }}</span>
                {move || at.get().2.map(|next| view! {
                    <a href=to(next).href() rel="next">{t("Older →", "古い方 →")}</a>
                })}
            </nav>
        </Show>
    }
}

pub fn status_text(status: TicketStatus, i: I18n) -> &'static str {
    match status {
        TicketStatus::PendingApproval => i.t("awaiting approval", "承認待ち"),
        TicketStatus::Open => i.t("open", "受付済み"),
        TicketStatus::Rejected => i.t("rejected", "却下"),
        TicketStatus::InProgress => i.t("in progress", "対応中"),
        TicketStatus::WaitingForCustomer => i.t("waiting for your reply", "お客様の返信待ち"),
        TicketStatus::Solved => i.t("solved", "解決済み"),
        TicketStatus::Closed => i.t("closed", "終了"),
    }
}

#[component]
fn TicketRow(ticket: Memo<Ticket>, decide: Option<DecideAction>) -> impl IntoView {
    let i = use_i18n();
    let id = ticket.with_untracked(|ticket| ticket.id);
    let status = Memo::new(move |_| ticket.with(|ticket| ticket.status));
    let next = Memo::new(move |_| ticket.with(next_deadline));
    view! {
        <li class="ticket" data-ticket-id=id>
            <a href=Route::Ticket { id }.href()>"#" {id} " " {move || ticket.with(|ticket| ticket.subject.clone())}</a>
            <span class=move || format!("status status-{}", status.get())>{move || status_text(status.get(), i)}</span>
            <span class="next-deadline">{move || match next.get() {
                Next::Pending => view! { {t("First response by ", "回答期限: ")}<DueOrPending at=None/> }.into_any(),
                Next::FirstResponse(at) => view! { {t("First response by ", "回答期限: ")}<Due at=ms(at)/> }.into_any(),
                Next::Update(at) => view! { {t("Next update by ", "次回更新期限: ")}<Due at=ms(at)/> }.into_any(),
                Next::Paused => view! { <span class="paused">{t("Paused: waiting for your reply", "一時停止中: お客様の返信待ち")}</span> }.into_any(),
                Next::None => ().into_any(),
            }}</span>
            {decide.map(|decide| view! { <Decide id=id decide=decide/> })}
        </li>
    }
}

/// What a ticket's row counts down to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// Waiting for approval: no clock yet.
    Pending,
    FirstResponse(support_rules::Timestamp),
    Update(support_rules::Timestamp),
    /// Waiting for the customer's reply.
    Paused,
    /// No running clock (solved, closed, rejected, or before the first answer's update).
    None,
}

/// The ticket's next deadline, from its `sla` as the server computed it.
fn next_deadline(ticket: &Ticket) -> Next {
    let sla = ticket.sla;
    match (
        ticket.status,
        sla.first_response.met_at,
        sla.first_response.due,
    ) {
        (TicketStatus::PendingApproval, ..) => Next::Pending,
        (TicketStatus::Solved | TicketStatus::Closed | TicketStatus::Rejected, ..) => Next::None,
        (_, None, Some(due)) => Next::FirstResponse(due),
        _ if sla.update.paused => Next::Paused,
        _ => sla.update.due.map_or(Next::None, Next::Update),
    }
}

/// Approve, or reject with a reason.
#[component]
fn Decide(id: i64, decide: DecideAction) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let reason_id = format!("reason-{id}");
    let reject = {
        let reason_id = reason_id.clone();
        move |_| {
            let text = reason.get_untracked().trim().to_owned();
            if text.is_empty() {
                // The server needs a reason: ask for it where it is typed.
                focus(&reason_id);
            } else {
                decide.dispatch((id, Decision::Reject(text)));
            }
        }
    };
    view! {
        <span class="actions">
            <button type="button" disabled=move || decide.pending().get() on:click=move |_| { decide.dispatch((id, Decision::Approve)); }>
                {t("Approve", "承認")}
                <span class="visually-hidden">" #" {id}</span>
            </button>
            <label for=reason_id.clone() class="visually-hidden">{t("Reason for rejecting", "却下の理由")}" #" {id}</label>
            <input
                id=reason_id
                type="text"
                maxlength="2000"
                placeholder=t("Reason to reject", "却下の理由")
                prop:value=move || reason.get()
                on:input=move |event| reason.set(event_target_value(&event))
            />
            <button type="button" disabled=move || decide.pending().get() on:click=reject>
                {t("Reject", "却下")}
                <span class="visually-hidden">" #" {id}</span>
            </button>
        </span>
    }
}

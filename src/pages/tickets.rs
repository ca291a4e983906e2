//! `/tickets`: the account's tickets with a live countdown to each deadline, and for
//! technical contacts the tickets waiting for their approval.

use leptos::prelude::*;

use crate::api::{self, ApiError, Decision, Ticket};
use crate::components::due::DueOrPending;
use crate::components::field::focus;
use crate::components::signed_out::{ApiProblem, SignedOut};
use crate::i18n::{I18n, t, use_i18n};
use crate::session::use_session;
use crate::task::{Call, Fetched};

#[component]
pub fn Tickets() -> impl IntoView {
    let session = use_session();
    view! {
        <h1>{t("My tickets", "マイチケット")}</h1>
        <p><a href="/tickets/new">{t("Open a new ticket", "新しいチケットを作成")}</a></p>
        {move || match session.me() {
            None => view! { <p class="muted">{t("Loading…", "読み込み中…")}</p> }.into_any(),
            Some(Err(ApiError::SignedOut)) => view! { <SignedOut/> }.into_any(),
            Some(Err(error)) => view! { <p class="status-error" role="alert">{error.to_string()}</p> }.into_any(),
            Some(Ok(me)) => view! { <TicketLists is_contact=me.is_contact/> }.into_any(),
        }}
    }
}

#[component]
fn TicketLists(is_contact: bool) -> impl IntoView {
    let tickets = Fetched::new(api::tickets);
    let decide = Call::new(|(id, decision, reason): &(i64, Decision, String)| {
        api::decide(*id, *decision, reason.clone())
    });
    Effect::new(move |_| {
        if decide.value().get().is_some() {
            tickets.refetch();
        }
    });
    let list = move |all: Vec<Ticket>, pending: bool| {
        let shown: Vec<Ticket> = all
            .into_iter()
            .filter(|t| !pending || t.status == "pending_approval")
            .collect();
        if shown.is_empty() {
            return view! { <p class="muted">{t("None.", "ありません。")}</p> }.into_any();
        }
        view! {
            <ul class="ticket-list">
                {shown.into_iter().map(|ticket| view! { <TicketRow ticket=ticket decide=pending.then_some(decide)/> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    move || {
        match tickets.get() {
        None => view! { <p class="muted">{t("Loading tickets…", "チケットを読み込んでいます…")}</p> }.into_any(),
        Some(Err(error)) => view! { <ApiProblem error=error/> }.into_any(),
        Some(Ok(all)) => view! {
            {is_contact.then(|| view! {
                <section aria-labelledby="approvals">
                    <h2 id="approvals">{t("Waiting for your approval", "承認待ち")}</h2>
                    {list(all.clone(), true)}
                    {move || decide.value().get().and_then(Result::err).map(|e| view! { <p class="status-error" role="alert">{e.to_string()}</p> })}
                </section>
            })}
            <section aria-labelledby="all-tickets">
                <h2 id="all-tickets">{t("All tickets, newest first", "すべてのチケット(新しい順)")}</h2>
                {list(all, false)}
            </section>
        }
        .into_any(),
    }
    }
}

pub fn status_text(status: &str, i: I18n) -> &'static str {
    match status {
        "pending_approval" => i.t("awaiting approval", "承認待ち"),
        "open" => i.t("open", "受付済み"),
        "rejected" => i.t("rejected", "却下"),
        "answered" => i.t("answered", "回答済み"),
        "closed" => i.t("closed", "完了"),
        _ => i.t("other", "その他"),
    }
}

/// Approves or rejects a ticket: its id, the decision and a rejection's reason.
type DecideAction = Call<(i64, Decision, String), Result<Ticket, ApiError>>;

#[component]
fn TicketRow(ticket: Ticket, decide: Option<DecideAction>) -> impl IntoView {
    let i = use_i18n();
    let id = ticket.id;
    let status = ticket.status.clone();
    let status_class = format!("status status-{status}");
    view! {
        <li class="ticket" data-ticket-id=id>
            <a href=format!("/tickets/{id}")>"#" {id} " " {ticket.subject.clone()}</a>
            <span class=status_class>{move || status_text(&status, i)}</span>
            <span>{t("First response by ", "回答期限: ")}<DueOrPending at=ticket.first_response_due.clone()/></span>
            {decide.map(|decide| {
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
                            decide.dispatch((id, Decision::Reject, text));
                        }
                    }
                };
                view! {
                    <span class="actions">
                        <button type="button" disabled=move || decide.pending().get() on:click=move |_| { decide.dispatch((id, Decision::Approve, String::new())); }>
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
            })}
        </li>
    }
}

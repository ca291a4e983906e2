//! `/tickets`: the account's tickets with a live countdown to each deadline, and for
//! technical contacts the tickets waiting for their approval.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, ApiError, Decision, Ticket};
use crate::components::due::DueOrPending;
use crate::components::signed_out::{ApiProblem, SignedOut};
use crate::i18n::{I18n, t, use_i18n};
use crate::session::use_session;

#[component]
pub fn Tickets() -> impl IntoView {
    let session = use_session();
    view! {
        <h1>{t("My tickets", "マイチケット")}</h1>
        <p><A href="/tickets/new">{t("Open a new ticket", "新しいチケットを作成")}</A></p>
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
    let tickets = LocalResource::new(api::tickets);
    let i = use_i18n();
    let decide = Action::new_local(move |(id, decision): &(i64, Decision)| {
        let reason = i.t(
            "Rejected by a technical contact of the account.",
            "アカウントのテクニカルコンタクトが却下しました。",
        );
        api::decide(*id, *decision, reason.to_owned())
    });
    Effect::new(move |_| {
        if decide.value().get().is_some() {
            tickets.refetch();
        }
    });
    let list = move |pending: bool| {
        move || {
            tickets.get().map(|answer| {
                answer.map(|all| {
                    let shown: Vec<Ticket> = all
                        .into_iter()
                        .filter(|t| !pending || t.status == "pending_approval")
                        .collect();
                    if shown.is_empty() {
                        return view! { <p class="muted">{t("None.", "ありません。")}</p> }.into_any();
                    }
                    view! {
                        <ul class="ticket-list">
                            <For each=move || shown.clone() key=|t| (t.id, t.status.clone()) let:ticket>
                                <TicketRow ticket=ticket decide=pending.then_some(decide)/>
                            </For>
                        </ul>
                    }
                    .into_any()
                })
            })
        }
    };
    view! {
        <Suspense fallback=move || view! { <p class="muted">{t("Loading tickets…", "チケットを読み込んでいます…")}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ApiProblem errors=errors/> }>
                {is_contact.then(|| view! {
                    <section aria-labelledby="approvals">
                        <h2 id="approvals">{t("Waiting for your approval", "承認待ち")}</h2>
                        {list(true)}
                        {move || decide.value().get().and_then(Result::err).map(|e| view! { <p class="status-error" role="alert">{e.to_string()}</p> })}
                    </section>
                })}
                <section aria-labelledby="all-tickets">
                    <h2 id="all-tickets">{t("All tickets, newest first", "すべてのチケット(新しい順)")}</h2>
                    {list(false)}
                </section>
            </ErrorBoundary>
        </Suspense>
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

#[component]
fn TicketRow(
    ticket: Ticket,
    decide: Option<Action<(i64, Decision), Result<Ticket, ApiError>>>,
) -> impl IntoView {
    let i = use_i18n();
    let id = ticket.id;
    let status = ticket.status.clone();
    let status_class = format!("status status-{status}");
    view! {
        <li class="ticket" data-ticket-id=id>
            <A href=format!("/tickets/{id}")>"#" {id} " " {ticket.subject.clone()}</A>
            <span class=status_class>{move || status_text(&status, i)}</span>
            <span>{t("First response by ", "回答期限: ")}<DueOrPending at=ticket.first_response_due.clone()/></span>
            {decide.map(|decide| view! {
                <span class="actions">
                    <button type="button" disabled=move || decide.pending().get() on:click=move |_| { decide.dispatch_local((id, Decision::Approve)); }>
                        {t("Approve", "承認")}
                        <span class="visually-hidden">" #" {id}</span>
                    </button>
                    <button type="button" disabled=move || decide.pending().get() on:click=move |_| { decide.dispatch_local((id, Decision::Reject)); }>
                        {t("Reject", "却下")}
                        <span class="visually-hidden">" #" {id}</span>
                    </button>
                </span>
            })}
        </li>
    }
}

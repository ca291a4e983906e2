//! `/tickets/{id}`: one ticket.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::due::{DueOrPending, parse_instant};
use crate::components::signed_out::{ApiProblem, SignedOut};
use crate::i18n::{t, use_i18n};
use crate::pages::tickets::status_text;
use crate::prefs::use_prefs;
use crate::task::Fetched;
use crate::time;

#[component]
pub fn Ticket(id: String) -> impl IntoView {
    let i = use_i18n();
    let prefs = use_prefs();
    let ticket = Fetched::new({
        let id = id.clone();
        move || api::ticket(id.clone())
    });
    view! {
        <h1>{t("Ticket", "チケット")} " #" {id}</h1>
        <p><a href="/tickets">{t("All my tickets", "マイチケット一覧")}</a></p>
        {move || match ticket.get() {
            None => view! { <p class="muted">{t("Loading…", "読み込み中…")}</p> }.into_any(),
            Some(Err(ApiError::SignedOut)) => view! { <SignedOut/> }.into_any(),
            Some(Err(error)) => view! { <ApiProblem error=error/> }.into_any(),
            Some(Ok(ticket)) => view! {
                <dl class="ticket-detail">
                    <dt>{t("Subject", "件名")}</dt>
                    <dd id="ticket-subject">{ticket.subject.clone()}</dd>
                    <dt>{t("Status", "状態")}</dt>
                    <dd>{let status = ticket.status.clone(); move || status_text(&status, i)}</dd>
                    <dt>{t("First response by", "回答期限")}</dt>
                    <dd><DueOrPending at=ticket.first_response_due.clone()/></dd>
                    <dt>{t("Type", "種類")}</dt>
                    <dd>{ticket.kind.clone()} {ticket.severity.clone().map(|s| format!(" · {s}"))} {ticket.service.clone().map(|s| format!(" · {s}"))}</dd>
                    <dt>{t("Submitted", "送信日時")}</dt>
                    <dd>
                        {let at = parse_instant(&ticket.created_at); move || time::date_time(at, &prefs.zone.get(), i.lang())}
                        {t(" by ", " · ")}{ticket.submitter.name.clone()}" <"{ticket.submitter.email.clone()}">"
                    </dd>
                    <dt>{t("Language", "言語")}</dt>
                    <dd>{ticket.language.clone()}</dd>
                    {ticket.rejection_reason.clone().map(|reason| view! {
                        <dt>{t("Reason for rejection", "却下の理由")}</dt>
                        <dd class="prewrap">{reason}</dd>
                    })}
                    <dt>{t("Description", "説明")}</dt>
                    <dd class="prewrap">{ticket.description.clone()}</dd>
                </dl>
            }
            .into_any(),
        }}
    }
}

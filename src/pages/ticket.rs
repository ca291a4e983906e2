//! `/tickets/{id}`: one ticket.

use leptos::prelude::*;

use crate::api;
use crate::components::due::DueOrPending;
use crate::components::loaded::loaded;
use crate::i18n::{t, use_i18n};
use crate::pages::tickets::status_text;
use crate::policy::ms;
use crate::prefs::use_prefs;
use crate::router::Route;
use crate::task::Fetched;
use crate::time;

#[component]
pub fn Ticket(id: i64) -> impl IntoView {
    let i = use_i18n();
    let prefs = use_prefs();
    let ticket = Fetched::new(move |abort| api::ticket(id, abort));
    view! {
        <h1>{t("Ticket", "チケット")} " #" {id}</h1>
        <p><a href=Route::TICKETS.href()>{t("All my tickets", "マイチケット一覧")}</a></p>
        {loaded(ticket, (" to see this ticket.", "するとこのチケットを表示できます。"), move || {
            // The ticket is read once per visit: the whole view follows its answer.
            (move || ticket.get().and_then(Result::ok).map(|ticket| view! {
                <dl class="ticket-detail">
                    <dt>{t("Subject", "件名")}</dt>
                    <dd id="ticket-subject">{ticket.subject.clone()}</dd>
                    <dt>{t("Status", "状態")}</dt>
                    <dd>{let status = ticket.status; move || status_text(status, i)}</dd>
                    <dt>{t("First response by", "回答期限")}</dt>
                    <dd><DueOrPending at=ticket.first_response_due/></dd>
                    <dt>{t("Type", "種類")}</dt>
                    <dd>{ticket.kind.key()} {ticket.severity.map(|s| format!(" · {s}"))} {ticket.service.clone().map(|s| format!(" · {s}"))}</dd>
                    <dt>{t("Submitted", "送信日時")}</dt>
                    <dd>
                        {let at = ms(ticket.created_at); move || time::date_time(at, &prefs.zone.get(), i.lang())}
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
            }))
            .into_any()
        })}
    }
}

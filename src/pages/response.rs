//! `/response`: by when the first response is due for a ticket one is about to open, with
//! the level pre-filled from the signed-in account.

use leptos::prelude::*;
use support_rules::SupportLevel;

use crate::components::expected_response::{ExpectedResponse, Quoted, ticket_kind};
use crate::components::kind_choice::KindChoice;
use crate::components::zone_picker::ZonePicker;
use crate::i18n::t;
use crate::session::use_session;

#[component]
pub fn Response() -> impl IntoView {
    let session = use_session();
    let level = RwSignal::new(SupportLevel::One);
    let tsm = RwSignal::new(false);
    // Pre-fill once from the account; the visitor may then compare other levels.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        match session.signed_in().and_then(|me| me.account) {
            Some(account) => {
                level.set(account.level);
                tsm.set(account.tsm);
                true
            }
            None => false,
        }
    });
    let kind = RwSignal::new("incident".to_owned());
    let severity = RwSignal::new("normal".to_owned());
    let service = RwSignal::new(String::new());
    let quoted = Signal::derive(move || {
        let kind = ticket_kind(&kind.get(), &severity.get(), &service.get())?;
        Some(Quoted {
            level: level.get(),
            tsm: tsm.get(),
            kind,
        })
    });
    view! {
        <h1>{t("Expected response", "回答期限の目安")}</h1>
        <p>{t(
            "If you submit a ticket now, this is when support will first respond. It is the same calculation the server makes when it records your ticket.",
            "今チケットを送信した場合の最初の回答期限です。チケット登録時にサーバーが行う計算と同じです。",
        )}</p>
        <ZonePicker/>
        <form class="form quote-form" on:submit=|event| event.prevent_default()>
            <div class="field">
                <label for="quote-level">{t("Support level", "サポートレベル")}</label>
                <select
                    id="quote-level"
                    prop:value=move || level.get().number().to_string()
                    on:change=move |event| {
                        if let Ok(chosen) = event_target_value(&event).parse() {
                            level.set(chosen);
                        }
                    }
                >
                    {SupportLevel::ALL.into_iter().map(|l| view! { <option value=l.number().to_string()>{l.number()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field checkbox">
                <label>
                    <input id="quote-tsm" type="checkbox" prop:checked=move || tsm.get() on:change=move |event| tsm.set(event_target_checked(&event))/>
                    {t("The account has a Technical Success Manager", "テクニカルサクセスマネージャー付きのアカウント")}
                </label>
            </div>
            <KindChoice kind=kind severity=severity service=service ids=("quote-type", "quote-severity", "quote-service")/>
        </form>
        <ExpectedResponse quoted=quoted/>
    }
}

//! What the server says about its own health, so a visitor sees at once whether tickets can
//! be submitted.

use leptos::prelude::*;
use support_api::HealthStatus;

use crate::api;
use crate::i18n::t;
use crate::task::Fetched;

#[component]
pub fn ServerStatus() -> impl IntoView {
    let health = Fetched::new(api::health);
    view! {
        <section aria-live="polite">
            {move || match health.get() {
                None => view! {
                    <p class="muted">{t("Checking the support server…", "サポートサーバーを確認しています…")}</p>
                }
                .into_any(),
                Some(Ok(health)) => view! {
                    <p id="server-status" class="status-ok">
                        {t("Support server: ", "サポートサーバー: ")}
                        {match health.status { HealthStatus::Ok => "ok" }}
                    </p>
                }
                .into_any(),
                Some(Err(error)) => view! {
                    <p id="server-status" class="status-error" role="alert">
                        {t("The support server cannot be reached: ", "サポートサーバーに接続できません: ")}
                        {error.to_string()}
                    </p>
                }
                .into_any(),
            }}
        </section>
    }
}

//! What the server says about its own health, so a visitor sees at once whether tickets can
//! be submitted.

use leptos::prelude::*;

use crate::api;
use crate::i18n::t;

#[component]
pub fn ServerStatus() -> impl IntoView {
    let health = LocalResource::new(api::health);
    view! {
        <section aria-live="polite">
            <Suspense fallback=move || {
                view! { <p class="muted">{t("Checking the support server…", "サポートサーバーを確認しています…")}</p> }
            }>
                {move || {
                    health
                        .get()
                        .map(|answer| match answer {
                            Ok(health) => {
                                view! {
                                    <p id="server-status" class="status-ok">
                                        {t("Support server: ", "サポートサーバー: ")}
                                        {health.status}
                                    </p>
                                }
                                    .into_any()
                            }
                            Err(error) => {
                                view! {
                                    <p id="server-status" class="status-error" role="alert">
                                        {t("The support server cannot be reached: ", "サポートサーバーに接続できません: ")}
                                        {error.to_string()}
                                    </p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}

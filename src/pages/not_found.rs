//! Any path the router does not know.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::t;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <h1>{t("Page not found", "ページが見つかりません")}</h1>
        <p><A href="/">{t("Go to the support overview", "サポートのトップへ")}</A></p>
    }
}

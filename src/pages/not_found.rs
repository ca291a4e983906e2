//! Any path the router does not know.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::use_i18n;

#[component]
pub fn NotFound() -> impl IntoView {
    let i = use_i18n();
    view! {
        <h1>{move || i.t("Page not found", "ページが見つかりません")}</h1>
        <p><A href="/">{move || i.t("Go to the support overview", "サポートのトップへ")}</A></p>
    }
}

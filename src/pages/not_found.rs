//! Any path the router does not know.

use leptos::prelude::*;

use crate::i18n::t;
use crate::router::Route;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <h1>{t("Page not found", "ページが見つかりません")}</h1>
        <p><a href=Route::Overview.href()>{t("Go to the support overview", "サポートのトップへ")}</a></p>
    }
}

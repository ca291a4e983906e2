//! Marks a part of a page that this version of the product does not have yet, so that no
//! visitor mistakes a missing answer for a real one.

use leptos::prelude::*;

use crate::i18n::t;

#[component]
pub fn Unfinished(en: &'static str, ja: &'static str) -> impl IntoView {
    view! {
        <p class="notice unfinished" role="status">
            <strong>{t("Not available yet. ", "準備中です。")}</strong>
            {t(en, ja)}
        </p>
    }
}

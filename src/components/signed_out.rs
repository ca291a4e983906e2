//! What a page that needs a signed-in person shows to a visitor who is not.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::t;

#[component]
pub fn SignedOut() -> impl IntoView {
    view! {
        <p class="notice" role="status">
            {t("You are not signed in. ", "サインインしていません。")}
            <a href="/signin">{t("Sign in", "サインイン")}</a>
            {t(" to see your account's tickets.", "するとアカウントのチケットを表示できます。")}
        </p>
    }
}

/// Why something could not be loaded from the API, in words.
#[component]
pub fn ApiProblem(error: ApiError) -> impl IntoView {
    view! {
        <p class="status-error" role="alert">
            {t("This could not be loaded: ", "読み込めませんでした: ")}
            {error.to_string()}
        </p>
    }
}

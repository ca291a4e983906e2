//! What a page that needs a signed-in person shows to a visitor who is not, and why
//! something could not be loaded.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::t;
use crate::router::Route;

/// "You are not signed in. Sign in to …": `to` is the rest of the sentence after "Sign in"
/// in English and after 「サインイン」 in Japanese, what signing in lets the visitor do on
/// this page.
#[component]
pub fn SignedOut(to: (&'static str, &'static str)) -> impl IntoView {
    view! {
        <p class="notice" role="status">
            {t("You are not signed in. ", "サインインしていません。")}
            <a href=Route::SignIn.href()>{t("Sign in", "サインイン")}</a>
            {t(to.0, to.1)}
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

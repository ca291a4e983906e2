//! What a page that needs a signed-in person shows to a visitor who is not.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::t;

#[component]
pub fn SignedOut() -> impl IntoView {
    view! {
        <p class="notice" role="status">
            {t("You are not signed in. ", "サインインしていません。")}
            <A href="/signin">{t("Sign in", "サインイン")}</A>
            {t(" to see your account's tickets.", "するとアカウントのチケットを表示できます。")}
        </p>
    }
}

/// An error from the API, in words, for an `<ErrorBoundary>` fallback.
#[component]
pub fn ApiProblem(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <div class="status-error" role="alert">
            <p>{t("This could not be loaded:", "読み込めませんでした:")}</p>
            <ul>
                {move || errors.get().into_iter().map(|(_, e)| view! { <li>{e.to_string()}</li> }).collect_view()}
            </ul>
        </div>
    }
}

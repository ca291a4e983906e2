//! What a page that needs a signed-in person shows to a visitor who is not.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::use_i18n;

#[component]
pub fn SignedOut() -> impl IntoView {
    let i = use_i18n();
    view! {
        <p class="notice" role="status">
            {move || i.t("You are not signed in. ", "サインインしていません。")}
            <A href="/signin">{move || i.t("Sign in", "サインイン")}</A>
            {move || i.t(" to see your account's tickets.", "するとアカウントのチケットを表示できます。")}
        </p>
    }
}

/// An error from the API, in words, for an `<ErrorBoundary>` fallback.
#[component]
pub fn ApiProblem(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let i = use_i18n();
    view! {
        <div class="status-error" role="alert">
            <p>{move || i.t("This could not be loaded:", "読み込めませんでした:")}</p>
            <ul>
                {move || errors.get().into_iter().map(|(_, e)| view! { <li>{e.to_string()}</li> }).collect_view()}
            </ul>
        </div>
    }
}

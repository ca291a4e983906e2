//! The one wrapper for what is fetched from the server: a loading line, the signed-out
//! notice worded for the page, the error in words, or the page's own view.

use std::sync::Arc;

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::signed_out::{ApiProblem, SignedOut};
use crate::i18n::t;
use crate::task::Fetched;

/// What a fetched value lets a page show.
#[derive(Debug, Clone, PartialEq)]
enum State {
    /// No answer yet, or a failure being read again (so that signing in shows no "not signed
    /// in" flash: the old answer is no news).
    Loading,
    SignedOut,
    Failed(ApiError),
    /// An answer: the page's view, which stays while the value is read again.
    Ready,
}

/// Shows `ready` once `fetched` has an answer, and the loading, signed-out and error states
/// before or instead. `ready` is called once each time the value becomes available, not on
/// every re-read: it reads the value itself in reactive closures (with
/// [`Fetched::with_ok`]), so a refetch updates the view in place instead of rebuilding it.
/// `signed_out` says, after "Sign in", what signing in lets the visitor do here (English,
/// Japanese).
pub fn loaded<T: Clone + Send + Sync + 'static>(
    fetched: Fetched<Result<T, ApiError>>,
    signed_out: (&'static str, &'static str),
    ready: impl Fn() -> AnyView + Send + Sync + 'static,
) -> AnyView {
    let state = Memo::new(move |_| {
        let loading = fetched.loading();
        fetched.with(|value| match value {
            None => State::Loading,
            Some(Ok(_)) => State::Ready,
            Some(Err(_)) if loading => State::Loading,
            Some(Err(ApiError::SignedOut)) => State::SignedOut,
            Some(Err(error)) => State::Failed(error.clone()),
        })
    });
    render(state, signed_out, Arc::new(ready))
}

/// The part of [`loaded`] that does not depend on the value's type: compiled once.
fn render(
    state: Memo<State>,
    signed_out: (&'static str, &'static str),
    ready: Arc<dyn Fn() -> AnyView + Send + Sync>,
) -> AnyView {
    (move || match state.get() {
        State::Loading => {
            view! { <p class="muted" role="status">{t("Loading…", "読み込み中…")}</p> }.into_any()
        }
        State::SignedOut => view! { <SignedOut to=signed_out/> }.into_any(),
        State::Failed(error) => view! { <ApiProblem error=error/> }.into_any(),
        // Untracked: what `ready` reads while building its view must not rebuild it.
        State::Ready => untrack(|| ready()),
    })
    .into_any()
}

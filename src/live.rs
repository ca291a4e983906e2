//! Live updates: the server's event stream (`GET /api/events`, Server-Sent Events) through
//! gloo-net's `EventSource`. A page says which events concern it (one ticket's, or any of the
//! account's); each of them makes it read what it shows again.
//!
//! The browser reconnects a dropped stream by itself and resumes after the last event it got
//! (`Last-Event-ID`); while it tries, the page says the connection is lost. A stream the
//! browser gave up on (the server refused it, or was gone too long) is opened again here
//! after a pause, and the page reads everything again, since events may have been missed.

use futures::StreamExt;
use futures::stream::select_all;
use gloo_net::eventsource::futures::EventSource;
use leptos::prelude::*;
use leptos::task::spawn_local;
use support_api::EntryEvent;

use crate::i18n::t;
use wasm_bindgen_futures::JsFuture;

/// The state of the page's live updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Live {
    Connecting,
    Open,
    /// The connection dropped; it is being retried.
    Lost,
}

/// How long to wait before opening a stream the browser gave up on.
const REOPEN_AFTER_MS: i32 = 5_000;

/// Follows the server's events: `changed` runs for each one `wanted` accepts, and after a
/// reconnection. Stops when the calling page goes away.
pub fn follow(
    wanted: impl Fn(&EntryEvent) -> bool + 'static,
    changed: impl Fn() + 'static,
) -> ReadSignal<Live> {
    let live = RwSignal::new(Live::Connecting);
    // The signal goes with the page: once it is gone, so is the page.
    let gone = move || live.try_get_untracked().is_none();
    spawn_local(async move {
        let mut missed_some = false;
        while !gone() {
            if let Ok(mut source) = EventSource::new("/api/events") {
                let subscriptions = ["message", "open", "error"]
                    .into_iter()
                    .filter_map(|kind| source.subscribe(kind).ok())
                    .collect::<Vec<_>>();
                let mut events = select_all(subscriptions);
                while let Some(event) = events.next().await {
                    if gone() {
                        break;
                    }
                    match event {
                        Ok((kind, message)) if kind == "message" => {
                            let data = message.data().as_string().unwrap_or_default();
                            if serde_json::from_str::<EntryEvent>(&data)
                                .is_ok_and(|event| wanted(&event))
                            {
                                changed();
                            }
                        }
                        Ok((kind, _)) if kind == "open" => {
                            let _ = live.try_set(Live::Open);
                            if missed_some {
                                changed();
                            }
                        }
                        // The browser is reconnecting.
                        Ok(_) => {
                            let _ = live.try_set(Live::Lost);
                            missed_some = true;
                        }
                        // Closed for good: open another one after a pause.
                        Err(_) => break,
                    }
                }
                source.close();
            }
            if gone() {
                return;
            }
            let _ = live.try_set(Live::Lost);
            missed_some = true;
            sleep(REOPEN_AFTER_MS).await;
        }
    });
    live.read_only()
}

/// Whether the page follows the server live: said once connected, and when the connection
/// is lost.
#[component]
pub fn LiveState(live: ReadSignal<Live>) -> impl IntoView {
    view! {
        <span class="live" role="status" data-live=move || format!("{:?}", live.get()).to_lowercase()>
            {move || match live.get() {
                Live::Connecting => "",
                Live::Open => t("Live: changes appear here by themselves.", "ライブ: 変更は自動で表示されます。")(),
                Live::Lost => t("Connection lost; reconnecting…", "接続が切れました。再接続しています…")(),
            }}
        </span>
    }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

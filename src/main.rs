//! The support front door, as a client-side-rendered Leptos app.

mod api;

use leptos::prelude::*;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    view! {
        <main class="page">
            <h1>"Support"</h1>
            <ServerStatus/>
        </main>
    }
}

/// Shows what the server says about its own health, so a visitor sees at once whether
/// tickets can be submitted.
#[component]
fn ServerStatus() -> impl IntoView {
    let health = LocalResource::new(api::health);
    view! {
        <section aria-live="polite">
            <Suspense fallback=|| view! { <p class="muted">"Checking the support server…"</p> }>
                {move || {
                    health
                        .get()
                        .map(|answer| match answer {
                            Ok(health) => {
                                view! {
                                    <p id="server-status" class="status-ok">
                                        "Support server: " {health.status}
                                    </p>
                                }
                                    .into_any()
                            }
                            Err(error) => {
                                view! {
                                    <p id="server-status" class="status-error" role="alert">
                                        "The support server cannot be reached: " {error.to_string()}
                                    </p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}

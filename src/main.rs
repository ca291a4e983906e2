//! The support front door, as a client-side-rendered Leptos app.

mod api;
mod app;
mod clock;
mod components;
mod i18n;
mod pages;
mod policy;
mod prefs;
mod router;
mod session;
mod storage;
mod task;
mod time;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}

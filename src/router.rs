//! The app's routing, kept small: the page is a function of `location.pathname`.
//!
//! Links are ordinary `<a href>` elements. One click listener on the window takes over a
//! plain left click on a link to a page of this app (same origin, not `/api/` nor a file, no
//! `target`, no `download`, no modifier key): it pushes the path onto the history and the page
//! changes without a reload. Back and forward arrive as `popstate`. Anything else (a new tab, a link
//! to another site, a `#fragment` on the same page) is left to the browser.
//!
//! Leptos's own router does much more (nested routes, loaders, forms); this app needs none of
//! it, and its code weighed on the first load (see "Build sizes" in the README).

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlAnchorElement, MouseEvent};

/// Every page of the app, parsed from a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Overview,
    Options,
    Availability,
    Response,
    SignIn,
    NewTicket,
    Tickets,
    Ticket(String),
    Contacts,
    NotFound,
}

impl Route {
    pub fn parse(path: &str) -> Route {
        let path = match path.strip_suffix('/') {
            Some(trimmed) if !trimmed.is_empty() => trimmed,
            _ => path,
        };
        match path {
            "/" | "" => Route::Overview,
            "/options" => Route::Options,
            "/availability" => Route::Availability,
            "/response" => Route::Response,
            "/signin" => Route::SignIn,
            "/tickets/new" => Route::NewTicket,
            "/tickets" => Route::Tickets,
            "/contacts" => Route::Contacts,
            other => match other.strip_prefix("/tickets/") {
                Some(id) if !id.is_empty() && !id.contains('/') => Route::Ticket(id.to_owned()),
                _ => Route::NotFound,
            },
        }
    }
}

/// The current path, shared through context.
#[derive(Clone, Copy)]
pub struct Location(RwSignal<String>);

impl Location {
    /// The path (`/tickets/12`), tracked.
    pub fn path(self) -> String {
        self.0.get()
    }
}

fn current_path() -> String {
    window()
        .location()
        .pathname()
        .unwrap_or_else(|_| "/".to_owned())
}

/// Starts following the address bar; call once, in the app's root.
pub fn provide_location() -> Location {
    let path = RwSignal::new(current_path());
    let location = Location(path);
    provide_context(location);
    // These listeners live as long as the page.
    std::mem::forget(window_event_listener(ev::popstate, move |_| {
        path.set(current_path());
    }));
    std::mem::forget(window_event_listener(ev::click, move |event| {
        if let Some(to) = link_of_this_app(&event) {
            event.prevent_default();
            go(location, &to);
        }
    }));
    location
}

pub fn use_location() -> Location {
    expect_context()
}

/// Shows the page at `to` (a path of this app) as a click on a link to it would.
pub fn navigate(to: &str) {
    go(use_location(), to);
}

fn go(location: Location, to: &str) {
    let window = window();
    if let Ok(history) = window.history() {
        let _ = history.push_state_with_url(&JsValue::NULL, "", Some(to));
    }
    location.0.set(current_path());
    window.scroll_to_with_x_and_y(0.0, 0.0);
}

/// The path, query and fragment of the link a plain click landed on, if the app should show
/// it itself.
fn link_of_this_app(event: &MouseEvent) -> Option<String> {
    if event.default_prevented()
        || event.button() != 0
        || event.meta_key()
        || event.ctrl_key()
        || event.shift_key()
        || event.alt_key()
    {
        return None;
    }
    let target: Element = event.target()?.dyn_into().ok()?;
    let anchor: HtmlAnchorElement = target.closest("a[href]").ok()??.dyn_into().ok()?;
    if !anchor.target().is_empty() || anchor.has_attribute("download") {
        return None;
    }
    let here = window().location();
    let path = anchor.pathname();
    // Another site, the API, or a file (`/robots.txt`): the browser loads it.
    let is_file = path
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'));
    if anchor.origin() != here.origin().ok()? || path.starts_with("/api/") || is_file {
        return None;
    }
    // A fragment of this very page (the skip link): the browser scrolls and focuses.
    if path == here.pathname().ok()? && !anchor.hash().is_empty() {
        return None;
    }
    Some(format!("{path}{}{}", anchor.search(), anchor.hash()))
}

/// A link of the main navigation: marked `aria-current="page"` while its page is shown
/// (with `exact`, only on that very path; otherwise also on the paths below it).
#[component]
pub fn NavLink(
    href: &'static str,
    #[prop(optional)] exact: bool,
    #[prop(optional)] class: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let location = use_location();
    let current = move || {
        let path = location.path();
        let here = path == href
            || (!exact
                && path
                    .strip_prefix(href)
                    .is_some_and(|rest| rest.starts_with('/')));
        here.then_some("page")
    };
    view! { <a href=href class=class aria-current=current>{children()}</a> }
}

#[cfg(test)]
mod tests {
    use super::Route;

    #[test]
    fn paths_parse_into_pages() {
        assert_eq!(Route::parse("/"), Route::Overview);
        assert_eq!(Route::parse("/options"), Route::Options);
        assert_eq!(Route::parse("/options/"), Route::Options);
        assert_eq!(Route::parse("/tickets"), Route::Tickets);
        assert_eq!(Route::parse("/tickets/new"), Route::NewTicket);
        assert_eq!(Route::parse("/tickets/42"), Route::Ticket("42".into()));
        assert_eq!(Route::parse("/tickets/42/"), Route::Ticket("42".into()));
        assert_eq!(Route::parse("/tickets/42/x"), Route::NotFound);
        assert_eq!(Route::parse("/nowhere"), Route::NotFound);
    }
}

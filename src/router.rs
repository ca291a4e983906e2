//! The app's routing, kept small: the page is a typed [`Route`], parsed from the location's
//! path and query, and every link is written by [`Route::href`].
//!
//! Links are ordinary `<a href>` elements. One click listener on the window takes over a
//! plain left click on a link to a page of this app (same origin, not `/api/` nor a file, no
//! `target`, no `download`, no modifier key): it pushes the path onto the history and the page
//! changes without a reload. Back and forward arrive as `popstate`. Anything else (a new tab, a link
//! to another site, a `#fragment` on the same page) is left to the browser.
//!
//! The pages are shared by two apps, each its own wasm ([`Bundle`]): a link to a page of the
//! other app is left to the browser, which loads that app.
//!
//! Leptos's own router does much more (nested routes, loaders, forms); this app needs none of
//! it, and its code weighed on the first load (see "Build sizes" in the README).

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlAnchorElement, MouseEvent};

/// Every page of the app, with what its address says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Overview,
    Options,
    Availability,
    Response,
    SignIn,
    /// The ticket form; `follows`: the closed ticket the new one follows up.
    NewTicket {
        follows: Option<i64>,
    },
    /// My tickets: the page of all tickets, and the page of those awaiting approval.
    Tickets {
        page: u32,
        approvals: u32,
    },
    Ticket {
        id: i64,
    },
    Contacts,
}

/// The app (its own wasm and `index.html`) that shows a page. The server sends each app for
/// its own paths (`crates/server/src/spa.rs` knows the same split).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// Every page but the tickets'.
    Front,
    /// My tickets and one ticket's page: the conversations, their actions and their live
    /// updates.
    Ticket,
}

impl Route {
    /// My tickets, first pages.
    pub const TICKETS: Route = Route::Tickets {
        page: 1,
        approvals: 1,
    };

    /// The ticket form for a ticket of its own.
    pub const NEW_TICKET: Route = Route::NewTicket { follows: None };

    /// The page at `path` with the query `query` (`page=2`, with or without its `?`);
    /// `None` for a path that is no page of the app. A query value that makes no sense
    /// (`page=0`, `page=x`) counts as absent.
    pub fn parse(path: &str, query: &str) -> Option<Route> {
        let path = match path.strip_suffix('/') {
            Some(trimmed) if !trimmed.is_empty() => trimmed,
            _ => path,
        };
        Some(match path {
            "/" | "" => Route::Overview,
            "/options" => Route::Options,
            "/availability" => Route::Availability,
            "/response" => Route::Response,
            "/signin" => Route::SignIn,
            "/tickets/new" => Route::NewTicket {
                follows: query_number(query, "follows").map(i64::from),
            },
            "/tickets" => Route::Tickets {
                page: page_number(query, "page"),
                approvals: page_number(query, "approvals"),
            },
            "/contacts" => Route::Contacts,
            other => {
                let id = other.strip_prefix("/tickets/")?;
                // Digits only: `+7` and `007` are not how the app writes a ticket's address.
                if id.is_empty() || id.starts_with('0') || !id.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                Route::Ticket {
                    id: id.parse().ok()?,
                }
            }
        })
    }

    /// The address of the page, for a link.
    pub fn href(&self) -> String {
        match self {
            Route::Overview => "/".into(),
            Route::Options => "/options".into(),
            Route::Availability => "/availability".into(),
            Route::Response => "/response".into(),
            Route::SignIn => "/signin".into(),
            Route::NewTicket { follows: None } => "/tickets/new".into(),
            Route::NewTicket { follows: Some(id) } => format!("/tickets/new?follows={id}"),
            Route::Tickets { page, approvals } => {
                let mut href = String::from("/tickets");
                let mut separator = '?';
                for (name, value) in [("page", page), ("approvals", approvals)] {
                    if *value > 1 {
                        href.push_str(&format!("{separator}{name}={value}"));
                        separator = '&';
                    }
                }
                href
            }
            Route::Ticket { id } => format!("/tickets/{id}"),
            Route::Contacts => "/contacts".into(),
        }
    }

    /// The app that shows the page.
    pub fn bundle(&self) -> Bundle {
        match self {
            Route::Tickets { .. } | Route::Ticket { .. } => Bundle::Ticket,
            _ => Bundle::Front,
        }
    }

    /// Which page component shows the route: the route without what the page itself follows
    /// (My tickets' page numbers), so that turning a page of a list does not rebuild the page.
    pub fn page(&self) -> Route {
        match self {
            Route::Tickets { .. } => Route::TICKETS,
            other => other.clone(),
        }
    }
}

/// The page number `name` of a query: 1 when absent or not a number from 1.
fn page_number(query: &str, name: &str) -> u32 {
    query_number(query, name).unwrap_or(1)
}

/// The number `name` of a query, from 1; `None` when absent or not such a number.
fn query_number(query: &str, name: &str) -> Option<u32> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .and_then(|(_, value)| value.parse().ok())
        .filter(|number| *number >= 1)
}

/// The current path and query, shared through context.
#[derive(Clone, Copy)]
pub struct Location {
    /// `(path, query)`, the query with its `?` (or empty).
    address: RwSignal<(String, String)>,
    route: Memo<Option<Route>>,
    /// The app this is.
    bundle: Bundle,
}

impl Location {
    /// The path (`/tickets/12`), tracked.
    pub fn path(self) -> String {
        self.address.with(|(path, _)| path.clone())
    }

    /// The page the address names (`None`: no page of the app), tracked.
    pub fn route(self) -> Option<Route> {
        self.route.get()
    }
}

fn current_address() -> (String, String) {
    let location = window().location();
    (
        location.pathname().unwrap_or_else(|_| "/".to_owned()),
        location.search().unwrap_or_default(),
    )
}

/// Starts following the address bar; call once, in the root of the app `bundle`.
pub fn provide_location(bundle: Bundle) -> Location {
    let address = RwSignal::new(current_address());
    let route = Memo::new(move |_| address.with(|(path, query)| Route::parse(path, query)));
    let location = Location {
        address,
        route,
        bundle,
    };
    provide_context(location);
    // These listeners live as long as the page.
    std::mem::forget(window_event_listener(ev::popstate, move |_| {
        address.set(current_address());
    }));
    std::mem::forget(window_event_listener(ev::click, move |event| {
        if let Some(to) = link_of_this_app(&event, bundle) {
            event.prevent_default();
            go(location, &to);
        }
    }));
    location
}

pub fn use_location() -> Location {
    expect_context()
}

/// Shows the page `to` as a click on a link to it would: in this app, or by loading the
/// other app.
pub fn navigate(to: &Route) {
    let location = use_location();
    if to.bundle() == location.bundle {
        go(location, &to.href());
    } else {
        let _ = window().location().assign(&to.href());
    }
}

fn go(location: Location, to: &str) {
    let window = window();
    if let Ok(history) = window.history() {
        let _ = history.push_state_with_url(&JsValue::NULL, "", Some(to));
    }
    location.address.set(current_address());
    window.scroll_to_with_x_and_y(0.0, 0.0);
}

/// The path, query and fragment of the link a plain click landed on, if the app `bundle`
/// should show it itself.
fn link_of_this_app(event: &MouseEvent, bundle: Bundle) -> Option<String> {
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
    // A page of the other app: the browser loads that app. (An address that is no page
    // shows this app's "not found".)
    if Route::parse(&path, &anchor.search()).is_some_and(|route| route.bundle() != bundle) {
        return None;
    }
    Some(format!("{path}{}{}", anchor.search(), anchor.hash()))
}

/// A link of the main navigation: marked `aria-current="page"` while its page is shown
/// (whatever the query says: My tickets stays marked on its second page).
#[component]
pub fn NavLink(
    to: Route,
    #[prop(optional)] class: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let location = use_location();
    let page = to.page();
    let current = move || {
        location
            .route()
            .is_some_and(|route| route.page() == page)
            .then_some("page")
    };
    view! { <a href=to.href() class=class aria-current=current>{children()}</a> }
}

#[cfg(test)]
mod tests {
    use super::{Bundle, Route};

    #[test]
    fn paths_parse_into_pages() {
        assert_eq!(Route::parse("/", ""), Some(Route::Overview));
        assert_eq!(Route::parse("/options", ""), Some(Route::Options));
        assert_eq!(Route::parse("/options/", ""), Some(Route::Options));
        assert_eq!(Route::parse("/tickets", ""), Some(Route::TICKETS));
        assert_eq!(Route::parse("/tickets/new", ""), Some(Route::NEW_TICKET));
        assert_eq!(
            Route::parse("/tickets/new", "?follows=12"),
            Some(Route::NewTicket { follows: Some(12) })
        );
        assert_eq!(
            Route::parse("/tickets/new", "?follows=0"),
            Some(Route::NEW_TICKET)
        );
        assert_eq!(
            Route::parse("/tickets/42", ""),
            Some(Route::Ticket { id: 42 })
        );
        assert_eq!(
            Route::parse("/tickets/42/", ""),
            Some(Route::Ticket { id: 42 })
        );
        assert_eq!(Route::parse("/tickets/42/x", ""), None);
        assert_eq!(Route::parse("/tickets/x", ""), None);
        assert_eq!(Route::parse("/tickets/+7", ""), None);
        assert_eq!(Route::parse("/nowhere", ""), None);
    }

    #[test]
    fn the_query_gives_my_tickets_its_pages_and_nonsense_counts_as_the_first() {
        assert_eq!(
            Route::parse("/tickets", "?page=3"),
            Some(Route::Tickets {
                page: 3,
                approvals: 1
            })
        );
        assert_eq!(
            Route::parse("/tickets", "?approvals=2&page=4&x=y"),
            Some(Route::Tickets {
                page: 4,
                approvals: 2
            })
        );
        for nonsense in ["?page=0", "?page=-1", "?page=x", "?page=", "?page"] {
            assert_eq!(Route::parse("/tickets", nonsense), Some(Route::TICKETS));
        }
    }

    #[test]
    fn every_route_reads_back_from_its_href() {
        let routes = [
            Route::Overview,
            Route::Options,
            Route::Availability,
            Route::Response,
            Route::SignIn,
            Route::NEW_TICKET,
            Route::NewTicket { follows: Some(4) },
            Route::TICKETS,
            Route::Tickets {
                page: 2,
                approvals: 1,
            },
            Route::Tickets {
                page: 1,
                approvals: 3,
            },
            Route::Tickets {
                page: 5,
                approvals: 7,
            },
            Route::Ticket { id: 9 },
            Route::Contacts,
        ];
        for route in routes {
            let href = route.href();
            let (path, query) = href.split_once('?').unwrap_or((&href, ""));
            assert_eq!(Route::parse(path, query), Some(route.clone()), "{href}");
        }
        assert_eq!(Route::TICKETS.href(), "/tickets");
        assert_eq!(
            Route::Tickets {
                page: 2,
                approvals: 3
            }
            .href(),
            "/tickets?page=2&approvals=3"
        );
    }

    #[test]
    fn my_tickets_and_a_tickets_page_belong_to_the_ticket_app() {
        assert_eq!(Route::Ticket { id: 3 }.bundle(), Bundle::Ticket);
        assert_eq!(Route::TICKETS.bundle(), Bundle::Ticket);
        for route in [
            Route::Overview,
            Route::NEW_TICKET,
            Route::NewTicket { follows: Some(2) },
            Route::SignIn,
            Route::Contacts,
        ] {
            assert_eq!(route.bundle(), Bundle::Front, "{route:?}");
        }
    }

    #[test]
    fn turning_a_page_of_my_tickets_stays_on_the_same_page_component() {
        let second = Route::Tickets {
            page: 2,
            approvals: 1,
        };
        assert_eq!(second.page(), Route::TICKETS.page());
        assert_ne!(
            Route::Ticket { id: 1 }.page(),
            Route::Ticket { id: 2 }.page()
        );
    }
}

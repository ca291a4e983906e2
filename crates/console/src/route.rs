//! The console's pages by address: `/console/` the queue, `/console/tickets/{id}` a ticket,
//! `/console/report?from=&to=` the report. Links are plain `<a href>`; a click on one under
//! `/console/` changes the page without a load (history push, back and forward work).

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Queue,
    Ticket(i64),
    Report,
    NotFound,
}

impl Page {
    pub fn parse(path: &str) -> Page {
        let Some(rest) = path.strip_prefix("/console") else {
            return Page::NotFound;
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        match rest {
            "" => Page::Queue,
            "/report" => Page::Report,
            _ => rest
                .strip_prefix("/tickets/")
                .filter(|id| !id.starts_with('0'))
                .and_then(|id| id.parse::<i64>().ok())
                .filter(|id| *id > 0)
                .map_or(Page::NotFound, Page::Ticket),
        }
    }

    pub fn href(self) -> String {
        match self {
            Page::Queue | Page::NotFound => "/console/".to_owned(),
            Page::Ticket(id) => format!("/console/tickets/{id}"),
            Page::Report => "/console/report".to_owned(),
        }
    }
}

/// The address shown: its path and its query (`?…`, or empty).
#[derive(Debug, Clone, Copy)]
pub struct Location {
    path: RwSignal<String>,
    search: RwSignal<String>,
}

impl Location {
    pub fn page(self) -> Page {
        self.path.with(|path| Page::parse(path))
    }

    /// A parameter of the query, as written (the console writes only plain values).
    pub fn param(self, name: &str) -> Option<String> {
        self.search.with(|search| {
            search
                .trim_start_matches('?')
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_owned())
        })
    }

    /// Shows the page at `href` (`/console/…`, with a query or a `#fragment`).
    pub fn go(self, href: &str) {
        if let Ok(history) = window().history() {
            let _ = history.push_state_with_url(&JsValue::NULL, "", Some(href));
        }
        let href = href.split('#').next().unwrap_or(href);
        let (path, search) = match href.split_once('?') {
            Some((path, query)) => (path.to_owned(), format!("?{query}")),
            None => (href.to_owned(), String::new()),
        };
        self.search.set(search);
        self.path.set(path);
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }
}

fn current() -> (String, String) {
    let location = window().location();
    (
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default(),
    )
}

pub fn provide_location() -> Location {
    let (path, search) = current();
    let location = Location {
        path: RwSignal::new(path),
        search: RwSignal::new(search),
    };
    let _ = window_event_listener(ev::popstate, move |_| {
        let (path, search) = current();
        location.search.set(search);
        location.path.set(path);
    });
    let _ = window_event_listener(ev::click, move |event| {
        if event.default_prevented()
            || event.button() != 0
            || event.ctrl_key()
            || event.meta_key()
            || event.shift_key()
            || event.alt_key()
        {
            return;
        }
        let Some(link) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("a[href]").ok().flatten())
        else {
            return;
        };
        if link.has_attribute("download") || link.has_attribute("target") {
            return;
        }
        let Some(href) = link.get_attribute("href") else {
            return;
        };
        if href == "/console" || href.starts_with("/console/") {
            event.prevent_default();
            location.go(&href);
        }
    });
    provide_context(location);
    location
}

pub fn use_location() -> Location {
    expect_context()
}

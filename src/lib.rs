//! The support front door, as client-side-rendered Leptos apps.
//!
//! One library, two apps (`src/bin`): the front app (every page but one ticket's) and the
//! ticket app (`/tickets/{id}`, the conversation). Each app's wasm holds only the code its
//! pages reach, so the conversation's code never weighs on the first load of the front pages,
//! and a link from one app to the other is a page load (see [`router::Bundle`]).

pub mod api;
pub mod app;
pub mod clock;
pub mod components;
pub mod i18n;
pub mod live;
pub mod pages;
pub mod policy;
pub mod prefs;
pub mod router;
pub mod session;
pub mod storage;
pub mod task;
pub mod time;
pub mod upload;

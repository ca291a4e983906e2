//! The visitor's time zone: detected from the browser, changeable, remembered.

use leptos::prelude::*;

use crate::{storage, time};

const ZONE_KEY: &str = "support.zone";

#[derive(Debug, Clone, Copy)]
pub struct Prefs {
    pub zone: RwSignal<String>,
}

impl Prefs {
    pub fn set_zone(self, zone: String) {
        storage::set(ZONE_KEY, &zone);
        self.zone.set(zone);
    }
}

pub fn provide_prefs() {
    let zone = storage::get(ZONE_KEY).unwrap_or_else(time::browser_zone);
    provide_context(Prefs {
        zone: RwSignal::new(zone),
    });
}

pub fn use_prefs() -> Prefs {
    expect_context()
}

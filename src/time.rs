//! Dates and times for people: formatted by the browser's `Intl.DateTimeFormat` in the
//! visitor's language and time zone, so the app ships no time-zone database for display.

use std::cell::RefCell;

use js_sys::{Array, Date, Function, Intl, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::i18n::Lang;

fn options(pairs: &[(&str, &str)]) -> Object {
    let object = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &(*key).into(), &(*value).into());
    }
    object
}

/// What a formatter writes: the options of its `Intl.DateTimeFormat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// "Tue, Nov 24, 14:05 GMT".
    DateTime,
    /// "Tue 24".
    WeekdayDay,
    /// "14:05:09", in 24 hours.
    Clock,
}

impl Style {
    fn options(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Style::DateTime => &[
                ("weekday", "short"),
                ("month", "short"),
                ("day", "numeric"),
                ("hour", "2-digit"),
                ("minute", "2-digit"),
                ("hourCycle", "h23"),
                ("timeZoneName", "short"),
            ],
            Style::WeekdayDay => &[("weekday", "short"), ("day", "numeric")],
            Style::Clock => &[
                ("hour", "2-digit"),
                ("minute", "2-digit"),
                ("second", "2-digit"),
                ("hourCycle", "h23"),
            ],
        }
    }
}

/// A formatter's `format` function, with what it was made for.
struct Made {
    style: Style,
    zone: String,
    lang: Lang,
    format: Function,
}

thread_local! {
    /// Every formatter made so far. Making an `Intl.DateTimeFormat` costs the browser far
    /// more than formatting with one (it resolves the locale and loads the zone's rules),
    /// and a page formats the same few styles, zones and languages every second: each is made
    /// once. A visitor picks a handful of zones at most, so a list is enough.
    static MADE: RefCell<Vec<Made>> = const { RefCell::new(Vec::new()) };
}

/// The `format` function of the formatter for `style` in `zone` and `lang`, made on first use.
fn formatter(style: Style, zone: &str, lang: Lang) -> Function {
    MADE.with_borrow_mut(|made| {
        if let Some(found) = made
            .iter()
            .find(|m| m.style == style && m.lang == lang && m.zone == zone)
        {
            return found.format.clone();
        }
        let mut pairs = style.options().to_vec();
        pairs.push(("timeZone", zone));
        let locales = Array::of1(&JsValue::from_str(locale(lang)));
        let format = Intl::DateTimeFormat::new(&locales, &options(&pairs))
            .format()
            .unchecked_into::<Function>();
        made.push(Made {
            style,
            zone: zone.to_owned(),
            lang,
            format: format.clone(),
        });
        format
    })
}

fn format_with(ms: f64, zone: &str, lang: Lang, style: Style) -> String {
    let date = Date::new(&JsValue::from_f64(ms));
    formatter(style, zone, lang)
        .call1(&JsValue::NULL, &date)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// The language alone ("en", "ja"), not the browser's own locale: every visitor of a
/// language reads the same format (English month-day order, as the browser writes "en"),
/// whatever region their browser is set to.
fn locale(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Ja => "ja",
    }
}

/// "Tue, Nov 24, 14:05 GMT" / "11月24日(火) 14:05 JST".
pub fn date_time(ms: f64, zone: &str, lang: Lang) -> String {
    format_with(ms, zone, lang, Style::DateTime)
}

/// "Tue 24" / "24日(火)": a day of the timeline.
pub fn weekday_day(ms: f64, zone: &str, lang: Lang) -> String {
    format_with(ms, zone, lang, Style::WeekdayDay)
}

/// The local midnight that starts the day of `ms` in `zone` (read off the browser's
/// formatter, so a zone the app has no data for still works).
pub fn start_of_day(ms: f64, zone: &str) -> f64 {
    let clock = format_with(ms, zone, Lang::En, Style::Clock);
    let seconds = clock
        .split(':')
        .map(|part| part.trim().parse::<u32>().unwrap_or(0))
        .fold(0, |total, part| total * 60 + part);
    (ms / 1000.0).floor() * 1000.0 - f64::from(seconds) * 1000.0
}

/// A country's name in the visitor's language ("Portugal", "ポルトガル"), by its ISO 3166
/// code, from the browser's `Intl.DisplayNames`; the code itself if the browser has none.
pub fn country_name(code: &str, lang: Lang) -> String {
    let name = || -> Option<String> {
        let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
        let constructor: Function = Reflect::get(&intl, &"DisplayNames".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let locales = Array::of1(&JsValue::from_str(locale(lang)));
        let arguments = Array::of2(&locales, &options(&[("type", "region")]));
        let names = Reflect::construct(&constructor, &arguments).ok()?;
        let of: Function = Reflect::get(&names, &"of".into()).ok()?.dyn_into().ok()?;
        of.call1(&names, &JsValue::from_str(code)).ok()?.as_string()
    };
    name().unwrap_or_else(|| code.to_owned())
}

/// The region of the browser's preferred language ("PT" for "pt-PT"), if it names one.
pub fn browser_region() -> Option<String> {
    let language = web_sys::window()?.navigator().language()?;
    let region = language.split(['-', '_']).nth(1)?;
    (region.len() == 2).then(|| region.to_ascii_uppercase())
}

/// The zone the browser runs in, e.g. "Europe/Lisbon".
pub fn browser_zone() -> String {
    let format = Intl::DateTimeFormat::new(&Array::new(), &Object::new());
    Reflect::get(&format.resolved_options(), &"timeZone".into())
        .ok()
        .and_then(|zone| zone.as_string())
        .unwrap_or_else(|| "UTC".to_owned())
}

/// Every zone name the browser knows, for the zone picker.
pub fn known_zones() -> Vec<String> {
    Intl::supported_values_of(Intl::SupportedValuesKey::TimeZone)
        .iter()
        .filter_map(|zone| zone.as_string())
        .collect()
}

/// A duration as a person reads it: "2 d 3 h", "3 h 20 min", "4 min 05 s".
pub fn duration(ms: f64, lang: Lang) -> String {
    let total = (ms.max(0.0) / 1000.0).floor() as u64;
    let (days, hours, minutes, seconds) = (
        total / 86_400,
        total / 3600 % 24,
        total / 60 % 60,
        total % 60,
    );
    match lang {
        Lang::En => {
            if days > 0 {
                format!("{days} d {hours} h {minutes} min")
            } else if hours > 0 {
                format!("{hours} h {minutes} min {seconds:02} s")
            } else {
                format!("{minutes} min {seconds:02} s")
            }
        }
        Lang::Ja => {
            if days > 0 {
                format!("{days}日{hours}時間{minutes}分")
            } else if hours > 0 {
                format!("{hours}時間{minutes}分{seconds:02}秒")
            } else {
                format!("{minutes}分{seconds:02}秒")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: f64 = 60_000.0;

    #[test]
    fn a_duration_shows_seconds_only_under_a_day() {
        assert_eq!(duration(200.0 * MINUTE, Lang::En), "3 h 20 min 00 s");
        assert_eq!(duration(4.0 * MINUTE + 5_000.0, Lang::En), "4 min 05 s");
        assert_eq!(
            duration((2.0 * 24.0 * 60.0 + 3.0 * 60.0 + 7.0) * MINUTE, Lang::En),
            "2 d 3 h 7 min"
        );
    }

    #[test]
    fn a_duration_reads_naturally_in_japanese() {
        assert_eq!(duration(200.0 * MINUTE, Lang::Ja), "3時間20分00秒");
        assert_eq!(duration(24.0 * 60.0 * MINUTE, Lang::Ja), "1日0時間0分");
    }

    #[test]
    fn a_past_instant_counts_as_no_time_left() {
        assert_eq!(duration(-5_000.0, Lang::En), "0 min 00 s");
    }
}

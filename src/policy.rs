//! The support policy in force, fetched once from `GET /api/policy` and shared by every page
//! through context. The SPA computes every figure (staffed now, next opening, first-response
//! deadline) with the same rules crate as the server, in the browser, with no round trip.

use std::sync::Arc;

use leptos::prelude::*;
use support_rules::{BusinessDuration, Policy, Timestamp};

use crate::api::{self, ApiError};
use crate::clock::Clock;
use crate::i18n::{Lang, t};
use crate::task::Fetched;

#[derive(Clone, Copy)]
pub struct PolicyState(Fetched<Result<Arc<Policy>, ApiError>>);

impl PolicyState {
    /// `None` while loading; then the policy, or why it could not be loaded.
    pub fn get(self) -> Option<Result<Arc<Policy>, ApiError>> {
        self.0.get()
    }
}

pub fn provide_policy() {
    provide_context(PolicyState(Fetched::new(|abort| async {
        api::policy(abort).await.map(Arc::new)
    })));
}

pub fn use_policy() -> PolicyState {
    expect_context()
}

/// Renders `render` with the policy once it is loaded, with a loading line before and an
/// error in words if the server could not give it.
pub fn with_policy<V: IntoView + 'static>(
    render: impl Fn(Arc<Policy>) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let policy = use_policy();
    move || {
        match policy.get() {
        None => view! {
            <p class="muted">{t("Loading the support policy…", "サポートポリシーを読み込んでいます…")}</p>
        }
        .into_any(),
        Some(Ok(policy)) => render(policy).into_any(),
        Some(Err(error)) => view! {
            <p class="status-error" role="alert">
                {t("The support policy could not be loaded: ", "サポートポリシーを読み込めませんでした: ")}
                {error.to_string()}
            </p>
        }
        .into_any(),
    }
    }
}

/// "Now" as the rules crate counts it (whole milliseconds since the epoch).
pub fn now(clock: Clock) -> Timestamp {
    instant(clock.now_ms())
}

pub fn instant(ms: f64) -> Timestamp {
    Timestamp::from_millisecond(ms as i64).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Milliseconds since the epoch, as the browser's `Date` counts them.
pub fn ms(t: Timestamp) -> f64 {
    t.as_millisecond() as f64
}

/// A business duration as a target reads: "4 hours", "2 business days" ("4時間", "2営業日").
/// A whole number of days on a calendar that is not always open is a count of business days.
pub fn target_text(target: BusinessDuration, round_the_clock: bool, lang: Lang) -> String {
    let seconds = target.as_seconds();
    let (days, hours, minutes) = (seconds / 86_400, seconds / 3600, seconds / 60 % 60);
    match lang {
        Lang::En if !round_the_clock && days > 0 && seconds % 86_400 == 0 => {
            format!("{days} business day{}", if days == 1 { "" } else { "s" })
        }
        Lang::Ja if !round_the_clock && days > 0 && seconds % 86_400 == 0 => {
            format!("{days}営業日")
        }
        Lang::En if minutes == 0 => format!("{hours} hour{}", if hours == 1 { "" } else { "s" }),
        Lang::En => format!("{hours} h {minutes} min"),
        Lang::Ja if minutes == 0 => format!("{hours}時間"),
        Lang::Ja => format!("{hours}時間{minutes}分"),
    }
}

/// A `tel:` link for a number as the policy writes it: "+61 (0)3 8400 4230" is dialled
/// "+61384004230" from abroad.
pub fn tel_href(number: &str) -> String {
    let digits: String = number
        .replace("(0)", "")
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_in_whole_days_reads_as_business_days_unless_round_the_clock() {
        let two_days: BusinessDuration = "2d".parse().unwrap();
        assert_eq!(target_text(two_days, false, Lang::En), "2 business days");
        assert_eq!(target_text(two_days, false, Lang::Ja), "2営業日");
        assert_eq!(target_text(two_days, true, Lang::En), "48 hours");
        let one_hour: BusinessDuration = "1h".parse().unwrap();
        assert_eq!(target_text(one_hour, true, Lang::En), "1 hour");
        assert_eq!(target_text(one_hour, false, Lang::Ja), "1時間");
    }

    #[test]
    fn a_phone_link_dials_the_international_form() {
        assert_eq!(tel_href("+61 (0)3 8400 4230"), "tel:+61384004230");
        assert_eq!(tel_href("+351 800 780 555"), "tel:+351800780555");
    }
}

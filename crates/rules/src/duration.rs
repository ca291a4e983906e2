//! Durations of business time, written `90s`, `45m`, `8h`, `3d` or combined like `1h30m`.

use std::fmt;
use std::str::FromStr;

/// An amount of business time, to the second.
///
/// A `d` is 24 hours of business time (not a calendar day): on a calendar open 09:00-17:00,
/// `1d` spans three working days.
///
/// ```
/// use support_rules::BusinessDuration;
/// let d: BusinessDuration = "1h30m".parse()?;
/// assert_eq!(d.as_seconds(), 5_400);
/// assert_eq!(d.to_string(), "1h30m");
/// assert_eq!("2d".parse::<BusinessDuration>()?.as_seconds(), 172_800);
/// # Ok::<(), support_rules::DurationError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BusinessDuration {
    seconds: i64,
}

/// The largest duration accepted: 100 years of business time, far beyond any deadline.
const MAX_SECONDS: i64 = 100 * 365 * 86_400;

/// Why a duration did not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("a duration is a number and a unit (s, m, h or d), like `45m` or `1h30m`; got `{0}`")]
    Syntax(String),
    #[error("`{0}` is too long: at most 100 years of business time")]
    TooLong(String),
}

impl BusinessDuration {
    /// No time at all.
    pub const ZERO: BusinessDuration = BusinessDuration { seconds: 0 };
    /// The longest duration there is: 100 years of business time.
    pub const MAX: BusinessDuration = BusinessDuration {
        seconds: MAX_SECONDS,
    };

    /// A duration of whole seconds; `None` when negative or over 100 years.
    pub fn from_seconds(seconds: i64) -> Option<BusinessDuration> {
        (0..=MAX_SECONDS)
            .contains(&seconds)
            .then_some(BusinessDuration { seconds })
    }

    /// A duration the crate knows to be in range (its defaults).
    pub(crate) const fn of_seconds(seconds: i64) -> BusinessDuration {
        BusinessDuration { seconds }
    }

    /// A duration of whole hours; `None` when over 100 years.
    pub fn from_hours(hours: u32) -> Option<BusinessDuration> {
        BusinessDuration::from_seconds(i64::from(hours) * 3_600)
    }

    /// The length in seconds.
    pub fn as_seconds(self) -> i64 {
        self.seconds
    }
}

impl FromStr for BusinessDuration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<BusinessDuration, DurationError> {
        let syntax = || DurationError::Syntax(text.to_owned());
        if text.is_empty() {
            return Err(syntax());
        }
        let mut total: i64 = 0;
        let mut rest = text;
        let mut last_unit = u8::MAX;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || digits > 12 {
                return Err(if digits > 12 {
                    DurationError::TooLong(text.to_owned())
                } else {
                    syntax()
                });
            }
            let value: i64 = rest[..digits].parse().map_err(|_| syntax())?;
            let (unit_rank, unit_seconds) = match rest.as_bytes().get(digits) {
                Some(b'd') => (0, 86_400),
                Some(b'h') => (1, 3_600),
                Some(b'm') => (2, 60),
                Some(b's') => (3, 1),
                _ => return Err(syntax()),
            };
            // Units go from large to small, each once: `1h30m`, not `30m1h` or `1h1h`.
            if last_unit != u8::MAX && unit_rank <= last_unit {
                return Err(syntax());
            }
            last_unit = unit_rank;
            total = value
                .checked_mul(unit_seconds)
                .and_then(|part| total.checked_add(part))
                .filter(|sum| *sum <= MAX_SECONDS)
                .ok_or_else(|| DurationError::TooLong(text.to_owned()))?;
            rest = &rest[digits + 1..];
        }
        Ok(BusinessDuration { seconds: total })
    }
}

impl fmt::Display for BusinessDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.seconds == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.seconds;
        for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
            if rest >= size {
                write!(f, "{}{unit}", rest / size)?;
                rest %= size;
            }
        }
        Ok(())
    }
}

impl serde::Serialize for BusinessDuration {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for BusinessDuration {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_unit_and_combinations() {
        for (text, seconds) in [
            ("0s", 0),
            ("90s", 90),
            ("45m", 2_700),
            ("8h", 28_800),
            ("3d", 259_200),
            ("1d2h3m4s", 93_784),
        ] {
            assert_eq!(
                text.parse::<BusinessDuration>().map(|d| d.as_seconds()),
                Ok(seconds)
            );
        }
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        for text in [
            "",
            "8",
            "h",
            "8 h",
            "-1h",
            "1.5h",
            "30m1h",
            "1h1h",
            "8H",
            "1w",
            "99999999999999d",
        ] {
            assert!(
                text.parse::<BusinessDuration>().is_err(),
                "{text:?} should not parse"
            );
        }
    }

    #[test]
    fn displays_in_canonical_form() {
        for (seconds, text) in [
            (0, "0s"),
            (5_400, "1h30m"),
            (172_800, "2d"),
            (86_401, "1d1s"),
        ] {
            assert_eq!(
                BusinessDuration::from_seconds(seconds)
                    .map(|d| d.to_string())
                    .as_deref(),
                Some(text)
            );
        }
    }
}

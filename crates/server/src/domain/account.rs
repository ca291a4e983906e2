use std::fmt;

use isocountry::CountryCode;
use support_rules::SupportLevel;

use super::{FieldProblem, bounded_text};

/// A customer organisation, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub level: SupportLevel,
    /// The account has a Technical Success Manager.
    pub tsm: bool,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
}

/// The customer organisation's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountName(String);

impl AccountName {
    pub const MAX_LENGTH: usize = 200;

    pub fn parse(value: &str) -> Result<Self, FieldProblem> {
        bounded_text(value, "an account name", Self::MAX_LENGTH).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The support level an account bought: 1, 2 or 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level(u8);

impl Level {
    pub fn parse(value: i64) -> Result<Self, String> {
        match u8::try_from(value) {
            Ok(level @ 1..=3) => Ok(Self(level)),
            _ => Err(format!("the support level is 1, 2 or 3, not {value}")),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// An ISO 3166-1 alpha-2 country code, upper case (`PT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country(CountryCode);

impl Country {
    pub fn parse(value: &str) -> Result<Self, String> {
        let code = value.trim().to_ascii_uppercase();
        if code.len() != 2 {
            return Err(format!(
                "a country is a two-letter ISO 3166-1 code such as PT, not {value:?}"
            ));
        }
        CountryCode::for_alpha2(&code)
            .map(Self)
            .map_err(|_| format!("{code} is not an ISO 3166-1 country code"))
    }

    pub fn code(self) -> &'static str {
        self.0.alpha2()
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::{Country, Level};

    #[test]
    fn countries_are_iso_codes_in_any_case() {
        assert_eq!(Country::parse("pt").expect("valid").code(), "PT");
        assert!(Country::parse("XX").is_err());
        assert!(Country::parse("PRT").is_err());
    }

    #[test]
    fn levels_are_one_to_three() {
        assert!(Level::parse(0).is_err());
        assert_eq!(Level::parse(3).expect("valid").get(), 3);
        assert!(Level::parse(4).is_err());
    }
}

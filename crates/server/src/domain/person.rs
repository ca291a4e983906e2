use super::bounded_text;

/// How a person is shown to the others of the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_LENGTH: usize = 120;

    pub fn parse(value: &str) -> Result<Self, String> {
        bounded_text(value, "a name", 1, Self::MAX_LENGTH).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

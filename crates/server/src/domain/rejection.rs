use super::{FieldProblem, bounded_text};

/// Why a technical contact refused a ticket: 1 to 2000 characters, trimmed, no control
/// characters other than line breaks and tabs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectionReason(String);

impl RejectionReason {
    pub const MAX_LENGTH: usize = 2000;

    pub fn parse(value: &str) -> Result<Self, FieldProblem> {
        bounded_text(value, "a reason", Self::MAX_LENGTH).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use support_api::FieldCode;

    use super::RejectionReason;

    #[test]
    fn a_reason_is_trimmed_and_must_hold_1_to_2000_characters() {
        assert_eq!(
            RejectionReason::parse("  a duplicate\n")
                .expect("valid")
                .as_str(),
            "a duplicate"
        );
        assert!(RejectionReason::parse(" ").is_err());
        assert!(RejectionReason::parse(&"é".repeat(2000)).is_ok());
        assert!(RejectionReason::parse(&"é".repeat(2001)).is_err());
        assert!(RejectionReason::parse("bell\u{7}").is_err());
    }

    #[test]
    fn an_empty_reason_is_required_and_a_long_one_too_long() {
        let code = |value: &str| {
            RejectionReason::parse(value)
                .map(|_| ())
                .map_err(|e| e.code)
        };
        assert_eq!(code(" "), Err(FieldCode::Required));
        assert_eq!(code(&"é".repeat(2001)), Err(FieldCode::TooLong));
        assert_eq!(code("a\u{0}b"), Err(FieldCode::ControlCharacters));
    }
}

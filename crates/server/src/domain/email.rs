use std::fmt;

use support_api::FieldCode;

use super::FieldProblem;

/// An email address of any domain, as the person typed it (trimmed). Two addresses that differ
/// only in letter case are the same person: [`Email::key`] is what is unique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub const MAX_LENGTH: usize = 254;

    pub fn parse(value: &str) -> Result<Self, FieldProblem> {
        let value = value.trim();
        if value.is_empty() {
            return Err(FieldProblem::new(
                FieldCode::Required,
                "an email address is required",
            ));
        }
        if value.len() > Self::MAX_LENGTH {
            return Err(FieldProblem::new(
                FieldCode::TooLong,
                format!(
                    "an email address has at most {} characters",
                    Self::MAX_LENGTH
                ),
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(FieldProblem::new(
                FieldCode::ControlCharacters,
                "an email address contains control characters",
            ));
        }
        let Some((local, domain)) = value.rsplit_once('@') else {
            return Err(FieldProblem::new(
                FieldCode::Invalid,
                "an email address needs an @",
            ));
        };
        let well_formed = !local.is_empty()
            && !domain.is_empty()
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain.contains('.')
            && !domain.contains("..")
            && !value.chars().any(char::is_whitespace);
        if !well_formed {
            return Err(FieldProblem::new(
                FieldCode::Invalid,
                "this is not an email address (name@example.com)",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The lower-case form under which the address is unique.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }

    /// The part before the @, a name to show until the person gives one.
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or(&self.0, |(local, _)| local)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use support_api::FieldCode;

    use super::Email;

    #[test]
    fn any_domain_is_accepted_and_the_key_ignores_case() {
        let email = Email::parse("  Ana.Lima@Contractor.example.PT ").expect("valid");
        assert_eq!(email.as_str(), "Ana.Lima@Contractor.example.PT");
        assert_eq!(email.key(), "ana.lima@contractor.example.pt");
        assert_eq!(email.local_part(), "Ana.Lima");
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn each_refusal_carries_its_kind() {
        let code = |value: &str| Email::parse(value).map(|_| ()).map_err(|e| e.code);
        assert_eq!(code("  "), Err(FieldCode::Required));
        assert_eq!(
            code(&format!("{}@example.com", "x".repeat(250))),
            Err(FieldCode::TooLong)
        );
        assert_eq!(
            code("ana@exa\u{0}mple.com"),
            Err(FieldCode::ControlCharacters)
        );
        assert_eq!(code("ana"), Err(FieldCode::Invalid));
        assert_eq!(code("a b@example.com"), Err(FieldCode::Invalid));
    }
}

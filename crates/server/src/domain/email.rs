use std::fmt;

/// An email address of any domain, as the person typed it (trimmed). Two addresses that differ
/// only in letter case are the same person: [`Email::key`] is what is unique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub const MAX_LENGTH: usize = 254;

    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.is_empty() {
            return Err("an email address is required".into());
        }
        if value.len() > Self::MAX_LENGTH {
            return Err(format!(
                "an email address has at most {} characters",
                Self::MAX_LENGTH
            ));
        }
        let Some((local, domain)) = value.rsplit_once('@') else {
            return Err("an email address needs an @".into());
        };
        let well_formed = !local.is_empty()
            && !domain.is_empty()
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain.contains('.')
            && !domain.contains("..")
            && !value.chars().any(|c| c.is_whitespace() || c.is_control());
        if !well_formed {
            return Err("this is not an email address (name@example.com)".into());
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
}

use std::fmt;

/// A new password: long enough to resist guessing, short enough to hash cheaply.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_LENGTH: usize = 10;
    pub const MAX_LENGTH: usize = 512;

    pub fn parse(value: &str) -> Result<Self, String> {
        let length = value.chars().count();
        if length < Self::MIN_LENGTH {
            return Err(format!(
                "a password needs at least {} characters",
                Self::MIN_LENGTH
            ));
        }
        if length > Self::MAX_LENGTH {
            return Err(format!(
                "a password has at most {} characters",
                Self::MAX_LENGTH
            ));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Never printed, not even in debug output.
impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::Password;

    #[test]
    fn short_passwords_are_refused_and_debug_hides_the_text() {
        assert!(Password::parse("short").is_err());
        let password = Password::parse("correct horse battery").expect("valid");
        assert_eq!(format!("{password:?}"), "Password(..)");
    }
}

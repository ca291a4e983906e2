use std::fmt;

/// The `Idempotency-Key` of a request: 1 to 255 visible ASCII characters (surrounding spaces
/// trimmed). The same key from the same person names one ticket.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub const MAX_LENGTH: usize = 255;

    /// The header's raw bytes: a value that is not visible ASCII is refused, not guessed at.
    pub fn parse(value: &[u8]) -> Result<Self, String> {
        let key = std::str::from_utf8(value).unwrap_or_default().trim();
        let valid = !key.is_empty()
            && key.len() <= Self::MAX_LENGTH
            && key.bytes().all(|b| b.is_ascii_graphic());
        if valid {
            Ok(Self(key.to_owned()))
        } else {
            Err(format!(
                "must be 1 to {} visible ASCII characters",
                Self::MAX_LENGTH
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::IdempotencyKey;

    #[test]
    fn a_key_is_visible_ascii_of_1_to_255_characters() {
        assert_eq!(
            IdempotencyKey::parse(b" retry-1 ").expect("valid").as_str(),
            "retry-1"
        );
        assert!(IdempotencyKey::parse(&[b'k'; 255]).is_ok());
        for bad in [
            &b""[..],
            b"   ",
            b"two words",
            "clé".as_bytes(),
            &[b'k'; 256],
        ] {
            assert!(IdempotencyKey::parse(bad).is_err(), "{bad:?}");
        }
    }
}

use std::fmt;

use support_api::FieldCode;

use super::FieldProblem;

/// The `Idempotency-Key` of a request: 1 to 255 visible ASCII characters (surrounding spaces
/// trimmed). The same key from the same person names one ticket.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub const MAX_LENGTH: usize = 255;

    /// The header's raw bytes: a value that is not visible ASCII is refused, not guessed at.
    pub fn parse(value: &[u8]) -> Result<Self, FieldProblem> {
        let code = match std::str::from_utf8(value).map(str::trim) {
            Ok("") => FieldCode::Required,
            Ok(key) if key.len() > Self::MAX_LENGTH => FieldCode::TooLong,
            Ok(key) if key.chars().any(char::is_control) => FieldCode::ControlCharacters,
            Ok(key) if key.bytes().all(|b| b.is_ascii_graphic()) => {
                return Ok(Self(key.to_owned()));
            }
            _ => FieldCode::Invalid,
        };
        Err(FieldProblem::new(
            code,
            format!("must be 1 to {} visible ASCII characters", Self::MAX_LENGTH),
        ))
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
    use support_api::FieldCode;

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

    #[test]
    fn each_refused_key_carries_its_kind() {
        let code = |value: &[u8]| IdempotencyKey::parse(value).map(|_| ()).map_err(|e| e.code);
        assert_eq!(code(b"  "), Err(FieldCode::Required));
        assert_eq!(code(&[b'k'; 256]), Err(FieldCode::TooLong));
        assert_eq!(code(b"ke\ty"), Err(FieldCode::ControlCharacters));
        assert_eq!(code(b"two words"), Err(FieldCode::Invalid));
        assert_eq!(code("clé".as_bytes()), Err(FieldCode::Invalid));
    }
}

use std::fmt;

/// Where an entry stands in the order live updates are sent in: the id of the transaction
/// that wrote it (0 on SQLite), then its own id. The SSE `id` of each event is its position,
/// written `XACT-ENTRY`; `Last-Event-ID` hands one back to resume after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub xact: i64,
    pub entry: i64,
}

/// A `Last-Event-ID` this server did not send.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Last-Event-ID must be an event id of this stream: two non-negative integers, XACT-ENTRY")]
pub struct NotAPosition;

impl Position {
    /// The header's raw bytes: `XACT-ENTRY`, each 0 to 19 decimal digits that fit an i64.
    ///
    /// ```
    /// use support_server::domain::Position;
    /// assert_eq!(Position::parse(b"0-42").map(|p| (p.xact, p.entry)), Ok((0, 42)));
    /// assert!(Position::parse(b"42").is_err());
    /// assert!(Position::parse(b"-1-2").is_err());
    /// ```
    pub fn parse(value: &[u8]) -> Result<Self, NotAPosition> {
        let text = std::str::from_utf8(value).map_err(|_| NotAPosition)?.trim();
        let (xact, entry) = text.split_once('-').ok_or(NotAPosition)?;
        let number = |part: &str| {
            if part.is_empty() || part.len() > 19 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(NotAPosition);
            }
            part.parse::<i64>().map_err(|_| NotAPosition)
        };
        Ok(Self {
            xact: number(xact)?,
            entry: number(entry)?,
        })
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.xact, self.entry)
    }
}

#[cfg(test)]
mod tests {
    use super::Position;

    #[test]
    fn a_position_reads_back_what_it_writes_and_orders_by_transaction_first() {
        let position = Position {
            xact: 981,
            entry: 17,
        };
        assert_eq!(
            Position::parse(position.to_string().as_bytes()),
            Ok(position)
        );
        assert!(
            position
                < Position {
                    xact: 982,
                    entry: 3
                }
        );
        for bad in [
            &b""[..],
            b"-",
            b"1-",
            b"-1",
            b"1-2-3",
            b"a-1",
            b"1-+2",
            b"99999999999999999999-1",
            b"9223372036854775808-1",
            b"\xff-1",
        ] {
            assert!(Position::parse(bad).is_err(), "{bad:?}");
        }
    }
}

//! Sizes of files, written `512B`, `64KiB`, `20MiB` or `1GiB` (binary units).

use std::fmt;
use std::str::FromStr;

/// An amount of bytes, written with a binary unit: `B`, `KiB` (1,024), `MiB` (1,024²) or
/// `GiB` (1,024³).
///
/// ```
/// use support_rules::ByteSize;
/// let size: ByteSize = "20MiB".parse()?;
/// assert_eq!(size.bytes(), 20_971_520);
/// assert_eq!(size.to_string(), "20MiB");
/// assert_eq!(ByteSize::from_bytes(1_536).to_string(), "1536B");
/// assert!("20MB".parse::<ByteSize>().is_err());
/// # Ok::<(), support_rules::ByteSizeError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteSize {
    bytes: u64,
}

/// Why a size did not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ByteSizeError {
    #[error(
        "a size is a whole number and a binary unit (B, KiB, MiB or GiB), like `20MiB`; got `{0}`"
    )]
    Syntax(String),
    #[error("`{0}` is too large: at most 1024GiB")]
    TooLarge(String),
}

/// The units, largest first, with their number of bytes.
const UNITS: [(&str, u64); 4] = [
    ("GiB", 1 << 30),
    ("MiB", 1 << 20),
    ("KiB", 1 << 10),
    ("B", 1),
];

/// The largest size written: 1 TiB, far beyond any file a ticket carries.
const MAX_BYTES: u64 = 1 << 40;

impl ByteSize {
    /// `bytes` bytes.
    pub const fn from_bytes(bytes: u64) -> ByteSize {
        ByteSize { bytes }
    }

    /// `mib` mebibytes (1,048,576 bytes each).
    pub const fn from_mib(mib: u64) -> ByteSize {
        ByteSize { bytes: mib << 20 }
    }

    /// The number of bytes.
    pub const fn bytes(self) -> u64 {
        self.bytes
    }
}

impl FromStr for ByteSize {
    type Err = ByteSizeError;

    fn from_str(text: &str) -> Result<ByteSize, ByteSizeError> {
        let syntax = || ByteSizeError::Syntax(text.to_owned());
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(syntax());
        }
        let (number, unit) = text.split_at(digits);
        let (_, size) = UNITS
            .iter()
            .find(|(name, _)| *name == unit)
            .ok_or_else(syntax)?;
        let too_large = || ByteSizeError::TooLarge(text.to_owned());
        let bytes = number
            .parse::<u64>()
            .map_err(|_| too_large())?
            .checked_mul(*size)
            .filter(|bytes| *bytes <= MAX_BYTES)
            .ok_or_else(too_large)?;
        Ok(ByteSize { bytes })
    }
}

impl fmt::Display for ByteSize {
    /// In the largest unit that holds the size exactly.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (unit, size) = UNITS
            .iter()
            .find(|(_, size)| self.bytes != 0 && self.bytes.is_multiple_of(*size))
            .unwrap_or(&("B", 1));
        write!(f, "{}{unit}", self.bytes / size)
    }
}

impl serde::Serialize for ByteSize {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ByteSize {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_unit() {
        for (text, bytes) in [
            ("0B", 0),
            ("1B", 1),
            ("64KiB", 65_536),
            ("20MiB", 20_971_520),
            ("1GiB", 1_073_741_824),
            ("1024GiB", 1 << 40),
        ] {
            assert_eq!(text.parse::<ByteSize>().map(ByteSize::bytes), Ok(bytes));
        }
    }

    #[test]
    fn rejects_what_is_not_a_size() {
        for text in [
            "",
            "20",
            "MiB",
            "20 MiB",
            "20mib",
            "20MB",
            "1.5MiB",
            "-1B",
            "1TiB",
            "1025GiB",
            "99999999999999999999B",
        ] {
            assert!(
                text.parse::<ByteSize>().is_err(),
                "{text:?} should not parse"
            );
        }
    }

    #[test]
    fn displays_in_the_largest_exact_unit() {
        for (bytes, text) in [
            (0, "0B"),
            (1_023, "1023B"),
            (2_048, "2KiB"),
            (20_971_520, "20MiB"),
            (20_971_521, "20971521B"),
            (3 << 30, "3GiB"),
        ] {
            assert_eq!(ByteSize::from_bytes(bytes).to_string(), text);
        }
    }
}

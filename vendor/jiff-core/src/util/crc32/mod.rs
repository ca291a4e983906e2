use self::table::TABLE;

mod table;

/// Returns the "masked" CRC32 checksum of the slice using the Castagnoli
/// polynomial.
///
/// This "masked" checksum is the same one used by the Snappy frame format.
/// Masking is supposed to make the checksum robust with respect to data that
/// contains the checksum itself.
pub(crate) fn sum(buf: &[u8]) -> u32 {
    let sum = slice16(0, buf);
    (sum.wrapping_shr(15) | sum.wrapping_shl(17)).wrapping_add(0xA282EAD8)
}

/// Returns the CRC32 checksum of `buf` using the Castagnoli polynomial.
///
/// PATCHED (support front door, see vendor/README.md): one byte per step with the 1 KB
/// table, instead of 16 bytes per step with a further 16 KB table. The checksum is the same;
/// the 16 KB table is incompressible data that cost the browser's wasm about 16 KB brotli,
/// and jiff sums a TZif only once, when the zone is parsed.
fn slice16(prev: u32, buf: &[u8]) -> u32 {
    let mut crc: u32 = !prev;
    for &b in buf {
        crc = TABLE[usize::from((crc as u8) ^ b)] ^ (crc >> 8);
    }
    !crc
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_castagnoli_check_value_of_123456789_is_e3069283() {
        assert_eq!(super::slice16(0, b"123456789"), 0xE306_9283);
        // Longer than 16 bytes, as the upstream slice-by-16 path would take.
        assert_eq!(super::slice16(0, &[0u8; 32]), 0x8A91_36AA);
    }
}

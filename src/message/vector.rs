//! Sixteen bytes at a time: loads, byte-class masks and searches for the
//! scan and the typed readers. One bit a byte, bit k for byte k, so a run's
//! end or a delimiter's place is one `trailing_zeros`.
//!
//! The vector type is `wide`'s, which wraps the SSE2 (or NEON, or plain)
//! instructions in a safe API: the core may not use `unsafe`, and
//! `core::arch`'s intrinsics are unsafe to call from ordinary functions.

use wide::u8x16;

/// The 16 bytes of `c` from 0 (`c` holds at least 16; the rest is ignored).
#[inline(always)]
pub(super) fn load(c: &[u8]) -> u8x16 {
    let mut a = [0u8; 16];
    if let Some(s) = c.get(..16) {
        a.copy_from_slice(s);
    }
    u8x16::from(a)
}

/// Up to 16 bytes of `s` from `at`, zero-padded, with the mask of the bytes
/// that are there.
#[inline(always)]
pub(super) fn load_padded(s: &[u8], at: usize) -> (u8x16, u32) {
    let rest = s.get(at..).unwrap_or_default();
    if rest.len() >= 16 {
        return (load(rest), 0xffff);
    }
    let mut a = [0u8; 16];
    a[..rest.len()].copy_from_slice(rest);
    (u8x16::from(a), (1u32 << rest.len()) - 1)
}

/// The bytes of `v` equal to `needle`.
#[inline(always)]
pub(super) fn equal(v: u8x16, needle: u8) -> u8x16 {
    v.cmp_eq(u8x16::splat(needle))
}

/// The bytes of `v` from `lo` to `hi` (inclusive, unsigned).
#[inline(always)]
fn in_range(v: u8x16, lo: u8, hi: u8) -> u8x16 {
    v.max(u8x16::splat(lo)).cmp_eq(v) & v.min(u8x16::splat(hi)).cmp_eq(v)
}

/// The bit mask of a byte-wise compare result.
#[inline(always)]
pub(super) fn bits(v: u8x16) -> u32 {
    v.move_mask() as u32
}

/// ASCII digits.
#[inline(always)]
pub(super) fn digits(v: u8x16) -> u8x16 {
    in_range(v, b'0', b'9')
}

/// ASCII letters (either case).
#[inline(always)]
pub(super) fn letters(v: u8x16) -> u8x16 {
    // Setting bit 5 maps A-Z onto a-z, and nothing else into a-z.
    in_range(v | u8x16::splat(0x20), b'a', b'z')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_masks_agree_with_the_byte_tables() {
        for base in (0..256).step_by(16) {
            let bytes: Vec<u8> = (base..base + 16).map(|b| b as u8).collect();
            let v = load(&bytes);
            for (k, &b) in bytes.iter().enumerate() {
                let at = |m: u8x16| bits(m) >> k & 1 == 1;
                assert_eq!(at(digits(v)), b.is_ascii_digit(), "{b:#x}");
                assert_eq!(at(letters(v)), b.is_ascii_alphabetic(), "{b:#x}");
                assert_eq!(at(equal(v, b'.')), b == b'.', "{b:#x}");
            }
        }
    }

    #[test]
    fn a_padded_load_says_which_bytes_are_there() {
        let s = b"0123456789abcdefXYZ";
        assert_eq!(load_padded(s, 0).1, 0xffff);
        assert_eq!(
            load_padded(s, 16),
            (load(b"XYZ\0\0\0\0\0\0\0\0\0\0\0\0\0"), 0b111)
        );
        assert_eq!(load_padded(s, 19).1, 0);
        assert_eq!(load_padded(s, 40).1, 0);
    }
}

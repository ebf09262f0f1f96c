//! Sixteen bytes at a time: loads, byte-class masks and searches for the
//! scan and the typed readers. One bit a byte, bit k for byte k, so a run's
//! end or a delimiter's place is one `trailing_zeros`.
//!
//! The vector type is `wide`'s, which wraps the SSE2 (or NEON, or plain)
//! instructions in a safe API: the core may not use `unsafe`, and
//! `core::arch`'s intrinsics are unsafe to call from ordinary functions.

use memchr::memchr;
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

/// ASCII control bytes: below 0x20, and DEL.
#[inline(always)]
pub(super) fn controls(v: u8x16) -> u8x16 {
    // Bytes up to 0x1f saturate to 0.
    let low = v.saturating_sub(u8x16::splat(0x1f)).cmp_eq(u8x16::splat(0));
    low | equal(v, 0x7f)
}

/// Bytes searched 16 at a time here before handing the rest to memchr.
/// SIP lines are short (about 45 bytes, rarely over 200), and memchr's
/// call and vector set-up cost more than it saves at that length.
const NEAR_BYTES: usize = 256;

/// The first byte of `b[from..]` where `hit` (the mask of a vector's
/// bytes) flags one. Searches 16 bytes an iteration (one compare and one
/// mask per needle), the last partial chunk as an overlapping read of the
/// final 16 bytes (already searched bytes have no hit), and past
/// [`NEAR_BYTES`] hands over to `slow`.
#[inline(always)]
fn find_with(
    b: &[u8],
    from: usize,
    hit: impl Fn(u8x16) -> u32,
    slow: impl Fn(&[u8]) -> Option<usize>,
) -> Option<usize> {
    let hay = b.get(from..)?;
    let near = &hay[..hay.len().min(NEAR_BYTES)];
    let mut chunks = near.chunks_exact(16);
    let mut base = 0;
    for c in &mut chunks {
        let m = hit(load(c));
        if m != 0 {
            return Some(from + base + m.trailing_zeros() as usize);
        }
        base += 16;
    }
    if !chunks.remainder().is_empty() {
        if near.len() >= 16 {
            let last = near.len() - 16;
            let m = hit(load(&near[last..]));
            if m != 0 {
                return Some(from + last + m.trailing_zeros() as usize);
            }
        } else {
            // Shorter than a vector: the padding's flags are masked off.
            let (v, there) = load_padded(near, 0);
            let m = hit(v) & there;
            if m != 0 {
                return Some(from + m.trailing_zeros() as usize);
            }
        }
    }
    if hay.len() > NEAR_BYTES {
        return slow(&hay[NEAR_BYTES..]).map(|k| from + NEAR_BYTES + k);
    }
    None
}

/// Finds `needle` in `b[from..]`.
#[inline(always)]
pub(crate) fn find_byte(b: &[u8], from: usize, needle: u8) -> Option<usize> {
    find_with(b, from, |v| bits(equal(v, needle)), |s| memchr(needle, s))
}

/// Finds the first `a` or `b` in `hay[from..]`.
#[inline(always)]
pub(super) fn find_either(hay: &[u8], from: usize, a: u8, b: u8) -> Option<usize> {
    find_with(
        hay,
        from,
        |v| bits(equal(v, a) | equal(v, b)),
        |s| memchr::memchr2(a, b, s),
    )
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
                assert_eq!(at(controls(v)), b.is_ascii_control(), "{b:#x}");
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

    /// The searches against a plain scan, for every start
    /// and length around the 16-byte chunks and the hand-over to memchr.
    #[test]
    fn searches_agree_with_a_plain_scan() {
        let mut hay: Vec<u8> = (0..NEAR_BYTES as u32 + 80)
            .map(|k| b"ab:\r\n \x80\xff"[(k * 7 % 8) as usize] ^ ((k % 3) as u8 * 0x40))
            .collect();
        for len in [0, 1, 7, 8, 15, 16, 17, 31, 33, 255, 256, 257, hay.len()] {
            for needle_at in [
                None,
                Some(0),
                Some(5),
                Some(15),
                Some(16),
                Some(40),
                Some(300),
            ] {
                let mut h = hay[..len].to_vec();
                h.iter_mut().for_each(|c| {
                    if matches!(*c, b':' | b'\n') {
                        *c = b'x';
                    }
                });
                if let Some(k) = needle_at.filter(|&k| k < len) {
                    h[k] = b'\n';
                }
                for from in 0..=len.min(40) {
                    let plain = h[from..].iter().position(|&c| c == b'\n').map(|k| from + k);
                    assert_eq!(find_byte(&h, from, b'\n'), plain, "{len} {from}");
                    if let Some(k) = plain.filter(|&k| k > from) {
                        h[k - 1] = b':';
                        let either = h[from..]
                            .iter()
                            .position(|&c| c == b':' || c == b'\n')
                            .map(|j| from + j);
                        assert_eq!(find_either(&h, from, b':', b'\n'), either);
                        h[k - 1] = b'x';
                    }
                }
            }
        }
        hay.clear();
        assert_eq!(find_byte(&hay, 1, b'\n'), None);
    }

    #[test]
    fn a_short_haystack_never_matches_its_padding() {
        // Fewer than 16 bytes are searched in a zero-padded vector.
        for len in 0..16 {
            let hay = vec![b'a'; len];
            for from in 0..=len {
                assert_eq!(find_byte(&hay, from, 0), None, "{len} {from}");
                assert_eq!(find_either(&hay, from, 0, b'b'), None, "{len} {from}");
            }
            let mut z = hay.clone();
            if let Some(last) = z.last_mut() {
                *last = 0;
                assert_eq!(find_byte(&z, 0, 0), Some(len - 1));
            }
        }
    }
}

//! The seeded random generator every random token comes from (branches,
//! tags, Call-IDs, cnonces, ICE credentials). No OS randomness is read
//! inside sansip: the host seeds it (from its own entropy in production,
//! from a constant in tests, which then see byte-identical output).

/// xoshiro256** (Blackman and Vigna), seeded through SplitMix64. Fast,
/// small, and with 256 bits of state: plenty for unique protocol tokens.
/// Not a cryptographic generator: seed it from a CSPRNG in production so
/// tokens are not predictable to an observer.
///
/// ```
/// use sansip::rng::Rng;
/// let mut a = Rng::new(7);
/// let mut b = Rng::new(7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// assert_eq!(a.token(10).len(), 10);
/// ```
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

/// Characters of [`Rng::token`]: unreserved in URIs, token characters in
/// SIP headers, so a token is safe in a branch, tag or Call-ID as is.
pub(crate) const TOKEN_ALPHABET: &[u8; 62] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

impl Rng {
    /// A generator from a 64-bit seed.
    pub fn new(seed: u64) -> Rng {
        let mut x = seed;
        let mut split = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng {
            s: [split(), split(), split(), split()],
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform number below `bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        // Lemire's multiply-shift; the tiny bias is irrelevant here.
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// A uniform float in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `len` random characters from `[0-9A-Za-z]` (about 5.95 bits each).
    pub fn token(&mut self, len: usize) -> String {
        (0..len).map(|_| char::from(self.token_char())).collect()
    }

    /// Fills `out` with what [`token`](Self::token) would return, as bytes,
    /// without allocating.
    ///
    /// ```
    /// use sansip::rng::Rng;
    /// let mut out = [0u8; 8];
    /// Rng::new(3).fill_token(&mut out);
    /// assert_eq!(&out[..], Rng::new(3).token(8).as_bytes());
    /// ```
    pub fn fill_token(&mut self, out: &mut [u8]) {
        for c in out {
            *c = self.token_char();
        }
    }

    fn token_char(&mut self) -> u8 {
        TOKEN_ALPHABET[self.below(62) as usize]
    }

    /// Fills `out` with random bytes.
    pub fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(8) {
            let r = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&r[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_different_seed_different_stream() {
        let (mut a, mut b, mut c) = (Rng::new(1), Rng::new(1), Rng::new(2));
        let xa: Vec<_> = (0..8).map(|_| a.next_u64()).collect();
        let xb: Vec<_> = (0..8).map(|_| b.next_u64()).collect();
        let xc: Vec<_> = (0..8).map(|_| c.next_u64()).collect();
        assert_eq!(xa, xb);
        assert_ne!(xa, xc);
    }

    #[test]
    fn tokens_use_only_the_alphabet_and_spread_over_it() {
        let mut r = Rng::new(42);
        let t = r.token(6200);
        assert!(t.bytes().all(|b| b.is_ascii_alphanumeric()));
        let distinct: std::collections::BTreeSet<u8> = t.bytes().collect();
        assert_eq!(distinct.len(), 62);
    }

    #[test]
    fn below_stays_below_and_unit_in_range() {
        let mut r = Rng::new(3);
        for bound in [1u64, 2, 7, 1000] {
            assert!((0..1000).all(|_| r.below(bound) < bound));
        }
        assert!((0..1000).map(|_| r.unit()).all(|u| (0.0..1.0).contains(&u)));
    }
}

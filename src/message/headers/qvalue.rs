//! `qvalue` (RFC 3261 §25.1): a preference weight from 0 to 1 with at most
//! three decimals, used by the Accept headers and Contact.

use crate::message::ValueError;

/// A q-value, kept exactly as thousandths (0 to 1000): `0.5` is 500.
/// Absent means 1 (the [`Default`]).
///
/// ```
/// use sansip::message::headers::QValue;
/// let q: QValue = "0.75".parse().unwrap();
/// assert_eq!(q.thousandths(), 750);
/// assert_eq!(q.to_string(), "0.75");
/// assert!(q < QValue::ONE);
/// assert!("1.5".parse::<QValue>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QValue(u16);

impl QValue {
    /// `0`: not acceptable.
    pub const ZERO: QValue = QValue(0);
    /// `1`: most preferred.
    pub const ONE: QValue = QValue(1000);

    /// A q-value from thousandths; `None` above 1000.
    pub const fn from_thousandths(n: u16) -> Option<QValue> {
        if n <= 1000 {
            Some(QValue(n))
        } else {
            None
        }
    }

    /// The value in thousandths (0 to 1000).
    pub const fn thousandths(self) -> u16 {
        self.0
    }

    /// Reads a whole `qvalue`: `0`, `0.` with up to three digits, `1`, or
    /// `1.` with up to three zeros.
    pub fn parse(s: &str) -> Result<QValue, ValueError> {
        parse_q(s).ok_or(ValueError::new(0, EXPECTED_Q))
    }
}

/// What the grammar expects for a q-value.
pub(super) const EXPECTED_Q: &str = "a q-value from 0 to 1 with at most 3 decimals";

/// Reads a whole `qvalue`, `None` when `s` is not one.
pub(super) fn parse_q(s: &str) -> Option<QValue> {
    let b = s.as_bytes();
    let (&first, rest) = b.split_first()?;
    let decimals = match rest {
        [] => &[][..],
        [b'.', d @ ..] if d.len() <= 3 && d.iter().all(u8::is_ascii_digit) => d,
        _ => return None,
    };
    let mut frac: u16 = 0;
    for k in 0..3 {
        frac = frac * 10 + decimals.get(k).map_or(0, |d| u16::from(d - b'0'));
    }
    match first {
        b'0' => Some(QValue(frac)),
        b'1' if frac == 0 => Some(QValue::ONE),
        _ => None,
    }
}

impl Default for QValue {
    fn default() -> Self {
        QValue::ONE
    }
}

impl std::str::FromStr for QValue {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        QValue::parse(s)
    }
}

impl std::fmt::Display for QValue {
    /// Shortest form: `1`, `0`, `0.5`, `0.005`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            1000 => f.write_str("1"),
            0 => f.write_str("0"),
            n => {
                let digits = [
                    b'0' + (n / 100 % 10) as u8,
                    b'0' + (n / 10 % 10) as u8,
                    b'0' + (n % 10) as u8,
                ];
                let mut len = 3;
                while len > 1 && digits[len - 1] == b'0' {
                    len -= 1;
                }
                f.write_str("0.")?;
                f.write_str(std::str::from_utf8(&digits[..len]).unwrap_or("0"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar_is_followed() {
        for (s, n) in [
            ("0", 0),
            ("0.", 0),
            ("0.1", 100),
            ("0.05", 50),
            ("0.001", 1),
            ("0.999", 999),
            ("1", 1000),
            ("1.000", 1000),
            ("1.", 1000),
        ] {
            assert_eq!(parse_q(s), Some(QValue(n)), "{s}");
        }
        for s in ["", "2", ".5", "0.1234", "1.001", "0,5", "01", "0.a", "é"] {
            assert_eq!(parse_q(s), None, "{s}");
        }
        assert_eq!(QValue::parse("x"), Err(ValueError::new(0, EXPECTED_Q)));
    }

    #[test]
    fn display_is_shortest_and_parses_back() {
        for n in [0, 1, 10, 100, 120, 500, 999, 1000] {
            let q = QValue::from_thousandths(n).unwrap();
            assert_eq!(q.to_string().parse::<QValue>().unwrap(), q);
        }
        assert_eq!(QValue(50).to_string(), "0.05");
        assert_eq!(QValue(120).to_string(), "0.12");
        assert_eq!(QValue::from_thousandths(1001), None);
        assert_eq!(QValue::default(), QValue::ONE);
    }
}

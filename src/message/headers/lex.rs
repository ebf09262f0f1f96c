//! Small lexical pieces shared by the typed headers of this directory:
//! numbers, required white space, error positions inside parameters and
//! number writing.

use std::io::Write;

use crate::message::grammar::{fail, skip_lws, PResult};
use crate::message::Params;

/// The leading ASCII digits of `i` (possibly empty).
pub(super) fn leading_digits(i: &str) -> &str {
    let n = i.bytes().take_while(u8::is_ascii_digit).count();
    // Digits are ASCII, so `n` is a char boundary.
    i.get(..n).unwrap_or("")
}

/// `1*DIGIT` read as a `u32` (delta-seconds and other counters).
pub(super) fn number_u32<'a>(i: &'a str, expected: &'static str) -> PResult<'a, u32> {
    let d = leading_digits(i);
    match d.parse::<u32>() {
        Ok(v) if !d.is_empty() => Ok((&i[d.len()..], v)),
        _ => fail(i, expected),
    }
}

/// What [`number_u32`] expects for a `delta-seconds`.
pub(super) const DELTA_SECONDS: &str = "delta-seconds (a number up to 4294967295)";

/// At least one linear white space character, then any more.
pub(super) fn require_lws<'a>(i: &'a str, expected: &'static str) -> PResult<'a, ()> {
    let j = skip_lws(i);
    if j.len() == i.len() {
        return fail(i, expected);
    }
    Ok((j, ()))
}

/// The suffix of `whole` that starts where `part` (a slice of `whole`)
/// starts; the empty end of `whole` if `part` is not inside it. Used to
/// point a grammar error at a parameter found by [`Params::iter`].
pub(super) fn suffix_at<'a>(whole: &'a str, part: &str) -> &'a str {
    let off = (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize);
    whole.get(off..).unwrap_or("")
}

/// Runs `check` on every parameter of `params` (a slice of `input`); the
/// first `Err(expected)` becomes a grammar error at that parameter's value
/// (or at its name when it has no value).
pub(super) fn check_params<'a>(
    input: &'a str,
    params: &Params<'a>,
    mut check: impl FnMut(&'a str, Option<&'a str>) -> Result<(), &'static str>,
) -> PResult<'a, ()> {
    for (name, value) in params.iter() {
        if let Err(expected) = check(name, value) {
            return fail(suffix_at(input, value.unwrap_or(name)), expected);
        }
    }
    Ok((input, ()))
}

/// Whether `value` is a whole `delta-seconds` (`1*DIGIT` fitting a `u32`).
pub(super) fn is_delta_seconds(value: Option<&str>) -> bool {
    parse_delta(value).is_some()
}

/// `value` read as delta-seconds.
pub(super) fn parse_delta(value: Option<&str>) -> Option<u32> {
    let v = value?;
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

/// Writes a number in decimal.
pub(super) fn write_num(out: &mut Vec<u8>, n: impl std::fmt::Display) {
    // Writing to a Vec cannot fail.
    let _ = write!(out, "{n}");
}

/// Case-insensitive hash of an ASCII token, matching `eq_ignore_ascii_case`.
pub(super) fn hash_ignore_case<H: std::hash::Hasher>(s: &str, state: &mut H) {
    for b in s.bytes() {
        state.write_u8(b.to_ascii_lowercase());
    }
    state.write_u8(0xff);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_delta_seconds() {
        assert_eq!(number_u32("42;x", DELTA_SECONDS).unwrap(), (";x", 42));
        assert!(number_u32("x", DELTA_SECONDS).is_err());
        assert!(number_u32("4294967296", DELTA_SECONDS).is_err());
        assert_eq!(parse_delta(Some("3600")), Some(3600));
        assert_eq!(parse_delta(Some("+1")), None);
        assert_eq!(parse_delta(Some("")), None);
        assert_eq!(parse_delta(None), None);
    }

    #[test]
    fn suffix_at_points_inside_or_at_the_end() {
        let s = "abc;def";
        assert_eq!(suffix_at(s, &s[4..]), "def");
        assert_eq!(suffix_at(s, "elsewhere"), "");
    }
}

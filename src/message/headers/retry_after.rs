//! Retry-After (RFC 3261 §20.33).

use super::lex::{
    check_params, is_delta_seconds, number_u32, parse_delta, write_num, DELTA_SECONDS,
};
use crate::message::grammar::{fail, params, parse_all, skip_lws, write_params, PResult};
use crate::message::{HeaderName, Params, TypedHeader, ValueError};

/// `Retry-After: delta-seconds [(comment)] ;duration=N;params`.
///
/// ```
/// use sansip::message::{headers::RetryAfter, TypedHeader};
/// let r = RetryAfter::parse("18000;duration=3600").unwrap();
/// assert_eq!((r.seconds, r.duration()), (18000, Some(3600)));
/// let r = RetryAfter::parse("120 (I'm in a meeting)").unwrap();
/// assert_eq!(r.comment, Some("I'm in a meeting"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter<'a> {
    /// Seconds to wait before retrying.
    pub seconds: u32,
    /// The comment: the text between the outer parentheses, as written
    /// (nested comments and escapes kept).
    pub comment: Option<&'a str>,
    /// Parameters (`duration`, extensions).
    pub params: Params<'a>,
}

impl RetryAfter<'_> {
    /// `duration`: how long the callee will be available, in seconds.
    pub fn duration(&self) -> Option<u32> {
        parse_delta(self.params.get("duration").flatten())
    }
}

/// `comment = LPAREN *(ctext / quoted-pair / comment) RPAREN`; returns the
/// text inside the outer parentheses. Nesting is counted, not recursed.
fn comment(i: &str) -> PResult<'_, &str> {
    let b = i.as_bytes();
    if b.first() != Some(&b'(') {
        return fail(i, "'(' starting a comment");
    }
    let mut depth = 1usize;
    let mut k = 1;
    while k < b.len() {
        match b[k] {
            b'\\' => {
                if k + 1 >= b.len() || matches!(b[k + 1], b'\r' | b'\n') {
                    return fail(&i[k..], "an escaped character");
                }
                k += 2;
                continue;
            }
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Ok((&i[k + 1..], &i[1..k]));
                }
            }
            _ => {}
        }
        k += 1;
    }
    fail(i, "')' closing the comment")
}

fn retry_after(i: &str) -> PResult<'_, RetryAfter<'_>> {
    let (rest, seconds) = number_u32(i, DELTA_SECONDS)?;
    let j = skip_lws(rest);
    let (rest, comment) = if j.starts_with('(') {
        let (r, c) = comment(j)?;
        (r, Some(c))
    } else {
        (rest, None)
    };
    let (after, params) = params(rest)?;
    check_params(rest, &params, |name, value| {
        if name.eq_ignore_ascii_case("duration") && !is_delta_seconds(value) {
            Err(DELTA_SECONDS)
        } else {
            Ok(())
        }
    })?;
    Ok((
        after,
        RetryAfter {
            seconds,
            comment,
            params,
        },
    ))
}

impl<'a> TypedHeader<'a> for RetryAfter<'a> {
    const NAME: HeaderName = HeaderName::RetryAfter;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, retry_after)
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        write_num(out, self.seconds);
        if let Some(c) = self.comment {
            out.extend_from_slice(b" (");
            out.extend_from_slice(c.as_bytes());
            out.push(b')');
        }
        write_params(out, &self.params);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_nest_and_escape() {
        let r = RetryAfter::parse("60(out (to \\) lunch));duration=10;x").unwrap();
        assert_eq!(r.comment, Some("out (to \\) lunch)"));
        assert_eq!(r.duration(), Some(10));
        assert_eq!(r.params.get("x"), Some(None));
        assert_eq!(
            RetryAfter::parse(" 5 ").unwrap(),
            RetryAfter {
                seconds: 5,
                comment: None,
                params: Params::new("")
            }
        );
        assert_eq!(RetryAfter::parse("1 (é)").unwrap().comment, Some("é"));
    }

    #[test]
    fn errors() {
        let e = |s| RetryAfter::parse(s).unwrap_err();
        assert_eq!(e("soon"), ValueError::new(0, DELTA_SECONDS));
        assert_eq!(e("1 (open"), ValueError::new(2, "')' closing the comment"));
        assert_eq!(e("1 ((x)"), ValueError::new(2, "')' closing the comment"));
        assert_eq!(e("1 (x\\"), ValueError::new(4, "an escaped character"));
        assert_eq!(e("1;duration=x"), ValueError::new(11, DELTA_SECONDS));
        assert_eq!(e("1 (a) b"), ValueError::new(6, "end of value"));
    }

    #[test]
    fn round_trip() {
        let r = RetryAfter::parse("120  (I'm in a meeting) ; duration = 3600").unwrap();
        let out = r.to_value_bytes();
        assert_eq!(out, b"120 (I'm in a meeting);duration=3600");
        assert_eq!(
            RetryAfter::parse(std::str::from_utf8(&out).unwrap()).unwrap(),
            r
        );
    }
}

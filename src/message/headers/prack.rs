//! RAck (RFC 3262 §7.2): the acknowledgement of a reliable provisional
//! response. (RSeq is with the number headers.)

use nom::Parser;

use super::lex::{number_u32, require_lws, write_num};
use super::{CSeq, RSeq};
use crate::message::grammar::{expect, fail, parse_all, token, PResult};
use crate::message::{HeaderName, Method, TypedHeader, ValueError};

/// `RAck: response-num CSeq-num method`, e.g. `RAck: 776656 1 INVITE`.
///
/// ```
/// use sansip::message::{headers::{CSeq, RAck, RSeq}, Method, TypedHeader};
/// let r = RAck::parse("776656 1 INVITE").unwrap();
/// assert_eq!((r.rseq, r.cseq, &r.method), (776656, 1, &Method::Invite));
/// let cseq = CSeq { seq: 1, method: Method::Invite };
/// assert!(r.acknowledges(RSeq(776656), &cseq));
/// assert_eq!(r.to_value_bytes(), b"776656 1 INVITE");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RAck {
    /// The RSeq of the response being acknowledged (below 2**31).
    pub rseq: u32,
    /// The CSeq number of that response (below 2**31).
    pub cseq: u32,
    /// The CSeq method of that response.
    pub method: Method,
}

impl RAck {
    /// Whether this acknowledges the response with `rseq` and `cseq`
    /// (RFC 3262 §4: all three parts equal).
    pub fn acknowledges(&self, rseq: RSeq, cseq: &CSeq) -> bool {
        self.rseq == rseq.0 && self.cseq == cseq.seq && self.method == cseq.method
    }
}

/// A sequence number below 2**31 (RFC 3261 §8.1.1.5, RFC 3262 §7.1).
fn seq_below_2_31<'a>(i: &'a str, expected: &'static str) -> PResult<'a, u32> {
    match number_u32(i, expected) {
        Ok((rest, n)) if n < 1 << 31 => Ok((rest, n)),
        _ => fail(i, expected),
    }
}

fn rack(i: &str) -> PResult<'_, RAck> {
    let (i, rseq) = seq_below_2_31(i, "a response number below 2**31")?;
    let (i, _) = require_lws(i, "white space after the response number")?;
    let (i, cseq) = seq_below_2_31(i, "a CSeq number below 2**31")?;
    let (i, _) = require_lws(i, "white space before the method")?;
    let (rest, m) = expect("a method", token).parse(i)?;
    let Some(method) = Method::from_bytes(m.as_bytes()) else {
        return fail(i, "a method");
    };
    Ok((rest, RAck { rseq, cseq, method }))
}

impl<'a> TypedHeader<'a> for RAck {
    const NAME: HeaderName = HeaderName::RAck;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, rack)
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        write_num(out, self.rseq);
        out.push(b' ');
        write_num(out, self.cseq);
        out.push(b' ');
        out.extend_from_slice(self.method.as_str().as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_with_any_white_space() {
        let r = RAck::parse(" 1\t\r\n 2   UPDATE ").unwrap();
        assert_eq!((r.rseq, r.cseq, &r.method), (1, 2, &Method::Update));
        assert!(!r.acknowledges(
            RSeq(1),
            &CSeq {
                seq: 2,
                method: Method::Invite
            }
        ));
    }

    #[test]
    fn errors_point_at_each_part() {
        let e = |s| RAck::parse(s).unwrap_err();
        assert_eq!(
            e("x 1 INVITE"),
            ValueError::new(0, "a response number below 2**31")
        );
        assert_eq!(
            e("2147483648 1 INVITE"),
            ValueError::new(0, "a response number below 2**31")
        );
        assert_eq!(
            e("1,1 INVITE"),
            ValueError::new(1, "white space after the response number")
        );
        assert_eq!(
            e("1 -1 INVITE"),
            ValueError::new(2, "a CSeq number below 2**31")
        );
        assert_eq!(
            e("1 1INVITE"),
            ValueError::new(3, "white space before the method")
        );
        assert_eq!(e("1 1 "), ValueError::new(4, "a method"));
        assert_eq!(e("1 1 INVITE x"), ValueError::new(11, "end of value"));
    }

    #[test]
    fn round_trip() {
        let r = RAck {
            rseq: 2147483647,
            cseq: 0,
            method: Method::from_bytes(b"FOO").unwrap(),
        };
        let out = r.to_value_bytes();
        assert_eq!(RAck::parse(std::str::from_utf8(&out).unwrap()).unwrap(), r);
    }
}

//! Headers whose value is one number or one opaque string.

use crate::message::grammar::{is_word_byte, parse_all, trim_lws, PResult};
use crate::message::{HeaderName, TypedHeader, ValueError};

fn number(i: &str) -> PResult<'_, u32> {
    let n = i.bytes().take_while(u8::is_ascii_digit).count();
    match i[..n].parse::<u32>() {
        Ok(v) if n > 0 => Ok((&i[n..], v)),
        _ => crate::message::grammar::fail(i, "a decimal number up to 4294967295"),
    }
}

macro_rules! number_header {
    ($(#[$doc:meta])* $ty:ident, $name:ident) => {
        number_header!($(#[$doc])* $ty, $name, u32::MAX, "a decimal number up to 4294967295");
    };
    ($(#[$doc:meta])* $ty:ident, $name:ident, $max:expr, $expected:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $ty(pub u32);

        impl<'a> TypedHeader<'a> for $ty {
            const NAME: HeaderName = HeaderName::$name;
            fn parse(value: &'a str) -> Result<Self, ValueError> {
                parse_all(value, |i: &'a str| match number(i) {
                    Ok((rest, v)) if v <= $max => Ok((rest, v)),
                    _ => crate::message::grammar::fail(i, $expected),
                })
                .map($ty)
            }
            fn write_value(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(self.0.to_string().as_bytes());
            }
        }
    };
}

number_header!(
    /// `Content-Length` in bytes (RFC 3261 §20.14).
    ContentLength,
    ContentLength
);
number_header!(
    /// `Max-Forwards` (RFC 3261 §20.22): 0 to 255. A larger value is an
    /// error (RFC 4475 §3.1.2.4), which a UA may treat as if the header
    /// were absent.
    MaxForwards,
    MaxForwards,
    255,
    "a number from 0 to 255"
);
number_header!(
    /// `Expires` in seconds (RFC 3261 §20.19).
    Expires,
    Expires
);
number_header!(
    /// `Min-Expires` in seconds (RFC 3261 §20.23).
    MinExpires,
    MinExpires
);
number_header!(
    /// `RSeq` (RFC 3262 §7.1).
    RSeq,
    RSeq
);

/// `Call-ID: word [ "@" word ]` (RFC 3261 §20.8). Compared byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CallId<'a>(pub &'a str);

/// `callid = word [ "@" word ]` (Call-ID and In-Reply-To).
pub(super) fn call_id(i: &str) -> PResult<'_, &str> {
    let n = i
        .bytes()
        .take_while(|&b| is_word_byte(b) || b == b'@')
        .count();
    let id = &i[..n];
    let ats = id.bytes().filter(|&b| b == b'@').count();
    if id.is_empty() || ats > 1 || id.starts_with('@') || id.ends_with('@') {
        return crate::message::grammar::fail(i, "a Call-ID (word [@ word])");
    }
    Ok((&i[n..], id))
}

impl<'a> TypedHeader<'a> for CallId<'a> {
    const NAME: HeaderName = HeaderName::CallId;
    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, call_id).map(CallId)
    }
    fn write_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.0.as_bytes());
    }
}

macro_rules! text_header {
    ($(#[$doc:meta])* $ty:ident, $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $ty<'a>(pub &'a str);

        impl<'a> TypedHeader<'a> for $ty<'a> {
            const NAME: HeaderName = HeaderName::$name;
            fn parse(value: &'a str) -> Result<Self, ValueError> {
                Ok($ty(trim_lws(value)))
            }
            fn write_value(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(self.0.as_bytes());
            }
        }
    };
}

text_header!(
    /// `User-Agent` product text, as written (RFC 3261 §20.41).
    UserAgent,
    UserAgent
);
text_header!(
    /// `Server` product text, as written (RFC 3261 §20.35).
    Server,
    Server
);
text_header!(
    /// `Subject` text (RFC 3261 §20.36).
    Subject,
    Subject
);
text_header!(
    /// `Organization` text (RFC 3261 §20.25).
    Organization,
    Organization
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_and_overflow_is_an_error() {
        assert_eq!(Expires::parse("3600").unwrap(), Expires(3600));
        assert_eq!(MaxForwards::parse(" 70 ").unwrap(), MaxForwards(70));
        assert!(Expires::parse("4294967296").is_err());
        assert_eq!(MaxForwards::parse("255").unwrap(), MaxForwards(255));
        assert_eq!(
            MaxForwards::parse("300").unwrap_err(),
            ValueError::new(0, "a number from 0 to 255")
        );
        assert!(ContentLength::parse("1a").is_err());
    }

    #[test]
    fn call_id_accepts_word_at_word_only() {
        assert_eq!(
            CallId::parse("a84b4c76e66710@pc33.example.com").unwrap().0,
            "a84b4c76e66710@pc33.example.com"
        );
        assert!(CallId::parse("a@b@c").is_err());
        assert!(CallId::parse("has space").is_err());
    }
}

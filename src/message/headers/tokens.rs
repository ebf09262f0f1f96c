//! List headers whose elements are tokens: Allow, Supported, Require,
//! Proxy-Require, Unsupported, Allow-Events; and the Accept headers, whose
//! elements are a token or media range with parameters and a q-value.
//!
//! All are list headers: [`Message::headers`](crate::message::Message::headers)
//! yields one value per comma-separated element.

use nom::Parser;

use super::content::{language_range, media_type};
use super::events::{event_type, EventType};
use super::lex::check_params;
use super::qvalue::{parse_q, QValue, EXPECTED_Q};
use crate::message::grammar::{expect, fail, params, parse_all, token, write_params, PResult};
use crate::message::{HeaderName, Method, Params, TypedHeader, ValueError};

/// Implements a header whose value is one token-like word, compared
/// without case (RFC 3261 §7.3.1: tokens are case-insensitive).
macro_rules! token_header {
    ($(#[$doc:meta])* $ty:ident, $name:ident, $parser:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $ty<'a>(pub &'a str);

        impl<'a> $ty<'a> {
            /// The value as written.
            pub const fn as_str(&self) -> &'a str {
                self.0
            }

            /// Whether the value is `s`, compared without case.
            pub fn is(&self, s: &str) -> bool {
                self.0.eq_ignore_ascii_case(s)
            }
        }

        impl PartialEq for $ty<'_> {
            fn eq(&self, other: &Self) -> bool {
                self.0.eq_ignore_ascii_case(other.0)
            }
        }

        impl Eq for $ty<'_> {}

        impl std::hash::Hash for $ty<'_> {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                $crate::message::headers::lex::hash_ignore_case(self.0, state);
            }
        }

        impl std::fmt::Display for $ty<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0)
            }
        }

        impl<'a> $crate::message::TypedHeader<'a> for $ty<'a> {
            const NAME: $crate::message::HeaderName = $crate::message::HeaderName::$name;
            fn parse(value: &'a str) -> Result<Self, $crate::message::ValueError> {
                $crate::message::grammar::parse_all(value, $parser).map($ty)
            }
            fn write_value(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(self.0.as_bytes());
            }
        }
    };
}

pub(super) use token_header;

fn option_tag(i: &str) -> PResult<'_, &str> {
    expect("an option tag", token).parse(i)
}

token_header!(
    /// One `Supported` option tag (RFC 3261 §20.37), e.g. `100rel`,
    /// `timer`, `replaces`.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use sansip::message::{headers::Supported, Message};
    /// let msg = Message::parse(Bytes::from_static(
    ///     b"OPTIONS sip:a@b.example SIP/2.0\r\nSupported: 100rel, Timer\r\nk: path\r\nContent-Length: 0\r\n\r\n",
    /// ))?;
    /// let tags: Vec<_> = msg.headers::<Supported>().collect::<Result<_, _>>()?;
    /// assert_eq!(tags, [Supported("100rel"), Supported("timer"), Supported("path")]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    Supported,
    Supported,
    option_tag
);

token_header!(
    /// One `Require` option tag (RFC 3261 §20.32).
    Require,
    Require,
    option_tag
);

token_header!(
    /// One `Proxy-Require` option tag (RFC 3261 §20.29).
    ProxyRequire,
    ProxyRequire,
    option_tag
);

token_header!(
    /// One `Unsupported` option tag (RFC 3261 §20.40).
    Unsupported,
    Unsupported,
    option_tag
);

/// One `Allow` method (RFC 3261 §20.5). Methods are case-sensitive.
///
/// ```
/// use sansip::message::{headers::Allow, Method, TypedHeader};
/// assert_eq!(Allow::parse("INVITE").unwrap(), Allow(Method::Invite));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Allow(pub Method);

fn allow(i: &str) -> PResult<'_, Allow> {
    let (rest, m) = expect("a method", token).parse(i)?;
    match Method::from_bytes(m.as_bytes()) {
        Some(method) => Ok((rest, Allow(method))),
        None => fail(i, "a method"),
    }
}

impl<'a> TypedHeader<'a> for Allow {
    const NAME: HeaderName = HeaderName::Allow;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, allow)
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.0.as_str().as_bytes());
    }
}

/// One `Allow-Events` event type (RFC 6665 §8.2.2), e.g. `presence` or
/// `message-summary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AllowEvents<'a>(pub EventType<'a>);

impl<'a> TypedHeader<'a> for AllowEvents<'a> {
    const NAME: HeaderName = HeaderName::AllowEvents;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, event_type).map(AllowEvents)
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.0.as_str().as_bytes());
    }
}

/// Parameters followed by a check that `q`, when present, is a q-value.
fn params_with_q(i: &str) -> PResult<'_, Params<'_>> {
    let (rest, p) = params(i)?;
    check_params(i, &p, |name, value| {
        if name.eq_ignore_ascii_case("q") && value.and_then(parse_q).is_none() {
            Err(EXPECTED_Q)
        } else {
            Ok(())
        }
    })?;
    Ok((rest, p))
}

fn q_of(params: &Params<'_>) -> Option<QValue> {
    params.get("q").flatten().and_then(parse_q)
}

/// One `Accept` media range (RFC 3261 §20.1): `type/subtype`, `type/*` or
/// `*/*`, with parameters and an optional `q`.
///
/// ```
/// use sansip::message::{headers::{Accept, QValue}, TypedHeader};
/// let a = Accept::parse("application/*;q=0.5").unwrap();
/// assert!(a.matches("Application", "sdp"));
/// assert_eq!(a.q(), QValue::from_thousandths(500));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Accept<'a> {
    /// The type, or `*`.
    pub media_type: &'a str,
    /// The subtype, or `*`.
    pub subtype: &'a str,
    /// Media parameters and accept parameters (`q`).
    pub params: Params<'a>,
}

impl Accept<'_> {
    /// The `q` parameter; `None` when absent (meaning 1).
    pub fn q(&self) -> Option<QValue> {
        q_of(&self.params)
    }

    /// Whether the range covers `media_type/subtype` (compared without
    /// case; `*` matches anything).
    pub fn matches(&self, media_type: &str, subtype: &str) -> bool {
        (self.media_type == "*" || self.media_type.eq_ignore_ascii_case(media_type))
            && (self.subtype == "*" || self.subtype.eq_ignore_ascii_case(subtype))
    }
}

impl PartialEq for Accept<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.media_type.eq_ignore_ascii_case(other.media_type)
            && self.subtype.eq_ignore_ascii_case(other.subtype)
            && self.params == other.params
    }
}

impl Eq for Accept<'_> {}

fn accept(i: &str) -> PResult<'_, Accept<'_>> {
    let (rest, (media_type, subtype)) = media_type(i)?;
    if media_type == "*" && subtype != "*" {
        return fail(i, "*/* (a wildcard type needs a wildcard subtype)");
    }
    let (rest, params) = params_with_q(rest)?;
    Ok((
        rest,
        Accept {
            media_type,
            subtype,
            params,
        },
    ))
}

impl<'a> TypedHeader<'a> for Accept<'a> {
    const NAME: HeaderName = HeaderName::Accept;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, accept)
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.media_type.as_bytes());
        out.push(b'/');
        out.extend_from_slice(self.subtype.as_bytes());
        write_params(out, &self.params);
    }
}

/// One `Accept-Encoding` coding (RFC 3261 §20.2), or `*`, with an optional
/// `q`.
#[derive(Debug, Clone, Copy)]
pub struct AcceptEncoding<'a> {
    /// The content coding or `*`.
    pub coding: &'a str,
    /// Parameters (`q`).
    pub params: Params<'a>,
}

/// One `Accept-Language` range (RFC 3261 §20.3): a language tag or `*`,
/// with an optional `q`.
///
/// ```
/// use sansip::message::{headers::{AcceptLanguage, QValue}, TypedHeader};
/// let l = AcceptLanguage::parse("da").unwrap();
/// assert_eq!((l.language, l.q()), ("da", None));
/// assert_eq!(AcceptLanguage::parse("en-gb;q=0.8").unwrap().q(), QValue::from_thousandths(800));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct AcceptLanguage<'a> {
    /// The language range or `*`.
    pub language: &'a str,
    /// Parameters (`q`).
    pub params: Params<'a>,
}

/// `word *(SEMI accept-param)` for the one-word Accept headers.
fn accept_word<'a>(
    i: &'a str,
    word: fn(&'a str) -> PResult<'a, &'a str>,
) -> PResult<'a, (&'a str, Params<'a>)> {
    let (rest, w) = word(i)?;
    let (rest, params) = params_with_q(rest)?;
    Ok((rest, (w, params)))
}

fn coding_or_star(i: &str) -> PResult<'_, &str> {
    expect("a content coding or *", token).parse(i)
}

macro_rules! accept_word_header {
    ($ty:ident, $field:ident, $name:ident, $word:ident) => {
        impl $ty<'_> {
            /// The `q` parameter; `None` when absent (meaning 1).
            pub fn q(&self) -> Option<QValue> {
                q_of(&self.params)
            }
        }

        impl PartialEq for $ty<'_> {
            /// Compared without case.
            fn eq(&self, other: &Self) -> bool {
                self.$field.eq_ignore_ascii_case(other.$field) && self.params == other.params
            }
        }

        impl Eq for $ty<'_> {}

        impl<'a> TypedHeader<'a> for $ty<'a> {
            const NAME: HeaderName = HeaderName::$name;

            fn parse(value: &'a str) -> Result<Self, ValueError> {
                parse_all(value, |i| accept_word(i, $word))
                    .map(|($field, params)| $ty { $field, params })
            }

            fn write_value(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(self.$field.as_bytes());
                write_params(out, &self.params);
            }
        }
    };
}

accept_word_header!(AcceptEncoding, coding, AcceptEncoding, coding_or_star);
accept_word_header!(AcceptLanguage, language, AcceptLanguage, language_range);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_tags_compare_without_case_and_hash_alike() {
        use std::collections::HashSet;
        let set: HashSet<_> = [Require("Timer"), Require("timer"), Require("100rel")]
            .into_iter()
            .collect();
        assert_eq!(set.len(), 2);
        assert_eq!(
            ProxyRequire::parse(" sec-agree ").unwrap().to_string(),
            "sec-agree"
        );
        assert_eq!(
            Unsupported::parse("a b").unwrap_err(),
            ValueError::new(2, "end of value")
        );
        assert_eq!(
            Supported::parse("").unwrap_err(),
            ValueError::new(0, "an option tag")
        );
        assert_eq!(Require("100rel").to_value_bytes(), b"100rel");
    }

    #[test]
    fn allow_is_case_sensitive() {
        assert_eq!(Allow::parse("invite").unwrap().0.as_str(), "invite");
        assert_ne!(Allow::parse("invite").unwrap(), Allow(Method::Invite));
        assert_eq!(
            Allow::parse("@").unwrap_err(),
            ValueError::new(0, "a method")
        );
        assert_eq!(Allow(Method::Prack).to_value_bytes(), b"PRACK");
    }

    #[test]
    fn allow_events() {
        let a = AllowEvents::parse("presence.winfo").unwrap();
        assert_eq!(a.0.package(), "presence");
        assert_eq!(a.to_value_bytes(), b"presence.winfo");
        assert!(AllowEvents::parse("presence..winfo").is_err());
    }

    #[test]
    fn accept_ranges_and_q() {
        let a = Accept::parse("text/html ;level=1; q=1.0").unwrap();
        assert_eq!(a.q(), Some(QValue::ONE));
        assert_eq!(a.params.get("level"), Some(Some("1")));
        assert!(Accept::parse("*/*").unwrap().matches("x", "y"));
        assert!(!a.matches("text", "plain"));
        let e = |s| Accept::parse(s).unwrap_err();
        assert_eq!(
            e("*/html"),
            ValueError::new(0, "*/* (a wildcard type needs a wildcard subtype)")
        );
        assert_eq!(e("text/html;q=2"), ValueError::new(12, EXPECTED_Q));
        assert_eq!(e("text/html;Q"), ValueError::new(10, EXPECTED_Q));
        assert_eq!(e("text"), ValueError::new(4, "'/' after the media type"));
        let out = a.to_value_bytes();
        assert_eq!(out, b"text/html;level=1;q=1.0");
        assert_eq!(
            Accept::parse(std::str::from_utf8(&out).unwrap()).unwrap(),
            a
        );
    }

    #[test]
    fn accept_encoding_and_language() {
        let e = AcceptEncoding::parse("gzip;q=0.5").unwrap();
        assert_eq!((e.coding, e.q()), ("gzip", QValue::from_thousandths(500)));
        assert_eq!(AcceptEncoding::parse("*").unwrap().coding, "*");
        assert_eq!(
            AcceptEncoding::parse("identity;q=x").unwrap_err(),
            ValueError::new(11, EXPECTED_Q)
        );
        let l = AcceptLanguage::parse("*;q=0").unwrap();
        assert_eq!((l.language, l.q()), ("*", Some(QValue::ZERO)));
        assert_eq!(
            AcceptLanguage::parse("en_US").unwrap_err(),
            ValueError::new(2, "end of value")
        );
        let out = l.to_value_bytes();
        assert_eq!(
            AcceptLanguage::parse(std::str::from_utf8(&out).unwrap()).unwrap(),
            l
        );
        assert_eq!(
            AcceptLanguage::parse("EN").unwrap(),
            AcceptLanguage::parse("en").unwrap()
        );
    }
}

//! Refer-To (RFC 3515), Referred-By (RFC 3892) and Replaces (RFC 3891).

use std::borrow::Cow;
use std::ops::Range;

use nom::Parser;

use super::address::addr_header;
use crate::message::grammar::{
    expect, fail, is_word_byte, params, parse_all, write_params, PResult,
};
use crate::message::{
    escape, unescape, unquote, HeaderName, Params, TypedHeader, UriComponent, ValueError,
};

addr_header!(
    /// `Refer-To` (RFC 3515 §2.1), compact form `r`: the URI the recipient
    /// is asked to contact. Its URI may carry headers for the new request,
    /// such as `Replaces` (see [`ReferTo::embedded_replaces`]).
    ///
    /// ```
    /// use sansip::message::{headers::ReferTo, TypedHeader};
    /// let r = ReferTo::parse(
    ///     "<sip:bob@biloxi.example?Replaces=12345%40192.0.2.1%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994>",
    /// ).unwrap();
    /// let embedded = r.embedded_replaces().unwrap().unwrap();
    /// let rep = embedded.replaces();
    /// assert_eq!(rep.call_id, "12345@192.0.2.1");
    /// assert_eq!((rep.to_tag(), rep.from_tag()), (Some("12345"), Some("5FFE-3994")));
    /// ```
    ReferTo,
    ReferTo,
    Any
);

addr_header!(
    /// `Referred-By` (RFC 3892), compact form `b`: who asked for the
    /// referral; `cid` names a body part with its signature.
    ReferredBy,
    ReferredBy,
    Any
);

impl ReferTo<'_> {
    /// The `Replaces` header embedded in the URI (`?Replaces=...`),
    /// unescaped and parsed. `None` when there is none; an error (with an
    /// offset in the unescaped text) when it is not a valid Replaces value.
    pub fn embedded_replaces(&self) -> Option<Result<EmbeddedReplaces, ValueError>> {
        let escaped = self.addr.uri.as_sip()?.header("Replaces")?;
        Some(EmbeddedReplaces::from_escaped(escaped))
    }
}

impl<'a> ReferredBy<'a> {
    /// The `cid` parameter, unquoted (a Content-ID, `local@host`).
    pub fn cid(&self) -> Option<Cow<'a, str>> {
        self.params.get("cid").flatten().map(unquote)
    }
}

/// `Replaces` (RFC 3891): the dialog a new INVITE replaces.
///
/// ```
/// use sansip::message::{headers::Replaces, TypedHeader};
/// let r = Replaces::parse("425928@bobster.example.org;to-tag=7743;from-tag=6472;early-only").unwrap();
/// assert_eq!(r.call_id, "425928@bobster.example.org");
/// assert_eq!((r.to_tag(), r.from_tag(), r.early_only()), (Some("7743"), Some("6472"), true));
/// // To embed it in a Refer-To URI:
/// assert_eq!(
///     r.to_uri_header_value(),
///     "425928%40bobster.example.org%3Bto-tag%3D7743%3Bfrom-tag%3D6472%3Bearly-only"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replaces<'a> {
    /// The Call-ID of the dialog.
    pub call_id: &'a str,
    /// `to-tag`, `from-tag`, `early-only` and any others, raw.
    pub params: Params<'a>,
}

impl<'a> Replaces<'a> {
    /// The `to-tag` parameter.
    pub fn to_tag(&self) -> Option<&'a str> {
        self.params.get("to-tag").flatten()
    }

    /// The `from-tag` parameter.
    pub fn from_tag(&self) -> Option<&'a str> {
        self.params.get("from-tag").flatten()
    }

    /// Whether the `early-only` flag is present.
    pub fn early_only(&self) -> bool {
        self.params.contains("early-only")
    }

    /// The value escaped for use as a URI header, as in
    /// `<sip:bob@example.com?Replaces=...>` of a Refer-To.
    pub fn to_uri_header_value(&self) -> String {
        escape(&self.to_value_bytes(), UriComponent::Header).into_owned()
    }
}

/// `callid = word [ "@" word ]`.
fn call_id(i: &str) -> PResult<'_, &str> {
    let n = i
        .bytes()
        .take_while(|&b| is_word_byte(b) || b == b'@')
        .count();
    let id = i.get(..n).unwrap_or_default();
    if id.is_empty() || id.bytes().filter(|&b| b == b'@').count() > 1 {
        return fail(i, "a Call-ID (word [@ word])");
    }
    if id.starts_with('@') || id.ends_with('@') {
        return fail(i, "a Call-ID (word [@ word])");
    }
    Ok((i.get(n..).unwrap_or_default(), id))
}

fn replaces(i: &str) -> PResult<'_, Replaces<'_>> {
    let (i, call_id) = expect("a Call-ID", call_id).parse(i)?;
    let (i, params) = params(i)?;
    Ok((i, Replaces { call_id, params }))
}

impl<'a> TypedHeader<'a> for Replaces<'a> {
    const NAME: HeaderName = HeaderName::Replaces;

    /// Parses a value; RFC 3891 requires exactly one `to-tag` and one
    /// `from-tag`, so their absence is an error at the end of the value.
    fn parse(value: &'a str) -> Result<Self, ValueError> {
        let r = parse_all(value, replaces)?;
        let end = value.trim_end().len();
        if r.to_tag().is_none() {
            return Err(ValueError::new(end, "a to-tag parameter"));
        }
        if r.from_tag().is_none() {
            return Err(ValueError::new(end, "a from-tag parameter"));
        }
        Ok(r)
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.call_id.as_bytes());
        write_params(out, &self.params);
    }
}

/// A Replaces value that was escaped inside a URI (the `?Replaces=` of a
/// Refer-To), unescaped into an owned string and validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedReplaces {
    text: String,
    call_id: Range<usize>,
    params: Range<usize>,
}

/// Where `inner` (a slice of `outer`) lies in `outer`.
fn range_in(outer: &str, inner: &str) -> Range<usize> {
    let start = (inner.as_ptr() as usize).saturating_sub(outer.as_ptr() as usize);
    start..start + inner.len()
}

impl EmbeddedReplaces {
    /// Unescapes a URI header value and parses it as a Replaces value.
    /// Error offsets are in the unescaped text.
    pub fn from_escaped(escaped: &str) -> Result<Self, ValueError> {
        let text = match unescape(escaped) {
            Cow::Borrowed(b) => std::str::from_utf8(b).map(str::to_owned),
            Cow::Owned(v) => String::from_utf8(v).map_err(|e| e.utf8_error()),
        }
        .map_err(|e| ValueError::new(e.valid_up_to(), "UTF-8 text"))?;
        let (call_id, params) = {
            let r = Replaces::parse(&text)?;
            (
                range_in(&text, r.call_id),
                range_in(&text, r.params.as_str()),
            )
        };
        Ok(EmbeddedReplaces {
            text,
            call_id,
            params,
        })
    }

    /// The unescaped value.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The parsed value, borrowing from this one.
    pub fn replaces(&self) -> Replaces<'_> {
        Replaces {
            call_id: self.text.get(self.call_id.clone()).unwrap_or_default(),
            params: Params::new(self.text.get(self.params.clone()).unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{NameAddr, Uri};

    #[test]
    fn replaces_requires_both_tags() {
        let r =
            Replaces::parse(" 98732@sip.example.com ;from-tag=r33th4x0r ;to-tag=ff87ff ").unwrap();
        assert_eq!(
            (r.call_id, r.to_tag(), r.from_tag(), r.early_only()),
            (
                "98732@sip.example.com",
                Some("ff87ff"),
                Some("r33th4x0r"),
                false
            )
        );
        let e = Replaces::parse("a@b;from-tag=1").unwrap_err();
        assert_eq!((e.offset, e.expected), (14, "a to-tag parameter"));
        let e = Replaces::parse("a@b;to-tag=1;from-tag").unwrap_err();
        assert_eq!((e.offset, e.expected), (21, "a from-tag parameter"));
        let e = Replaces::parse(";to-tag=1").unwrap_err();
        assert_eq!((e.offset, e.expected), (0, "a Call-ID"));
        let e = Replaces::parse("a@@b;to-tag=1").unwrap_err();
        assert_eq!((e.offset, e.expected), (0, "a Call-ID"));
    }

    #[test]
    fn embedded_replaces_round_trip_through_a_refer_to() {
        let r = Replaces::parse("id@h;to-tag=1;from-tag=2;early-only").unwrap();
        let text = format!("<sip:bob@h?Replaces={}>", r.to_uri_header_value());
        let refer = ReferTo::parse(&text).unwrap();
        let embedded = refer.embedded_replaces().unwrap().unwrap();
        assert_eq!(embedded.as_str(), "id@h;to-tag=1;from-tag=2;early-only");
        assert_eq!(embedded.replaces(), r);
        assert_eq!(String::from_utf8(refer.to_value_bytes()).unwrap(), text);
    }

    #[test]
    fn embedded_replaces_absent_or_invalid() {
        assert!(ReferTo::parse("<sip:bob@h>")
            .unwrap()
            .embedded_replaces()
            .is_none());
        assert!(ReferTo::parse("<tel:+1>")
            .unwrap()
            .embedded_replaces()
            .is_none());
        let bad = ReferTo::parse("<sip:bob@h?replaces=x%3Bto-tag%3D1>").unwrap();
        let e = bad.embedded_replaces().unwrap().unwrap_err();
        assert_eq!((e.offset, e.expected), (10, "a from-tag parameter"));
        let e = EmbeddedReplaces::from_escaped("a%FF@b").unwrap_err();
        assert_eq!((e.offset, e.expected), (1, "UTF-8 text"));
    }

    #[test]
    fn refer_to_addr_spec_and_referred_by_cid() {
        let r = ReferTo::parse("sip:conf@example.com;method=INVITE").unwrap();
        assert_eq!(r.params.get("method"), Some(Some("INVITE")));
        let b = ReferredBy::parse(
            "<sip:referrer@referrer.example>;cid=\"20398823.2UWQFN309shb3@referrer.example\"",
        )
        .unwrap();
        assert_eq!(
            b.cid().as_deref(),
            Some("20398823.2UWQFN309shb3@referrer.example")
        );
        let built = ReferredBy::new(NameAddr::new(Uri::parse("sip:a@h").unwrap()));
        assert_eq!(built.to_value_bytes(), b"sip:a@h");
    }
}

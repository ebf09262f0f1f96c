//! Body description headers: Content-Type, Content-Encoding,
//! Content-Disposition and Content-Language (RFC 3261 §20.11-§20.15).

use std::borrow::Cow;

use nom::Parser;

use super::tokens::token_header;
use crate::message::grammar::{
    expect, fail, params, parse_all, sep, token, unquote, write_params, PResult,
};
use crate::message::{HeaderName, Params, TypedHeader, ValueError};

/// `m-type SLASH m-subtype` (white space allowed around the slash).
pub(super) fn media_type(i: &str) -> PResult<'_, (&str, &str)> {
    let (i, ty) = expect("a media type", token).parse(i)?;
    let (i, _) = sep('/', "'/' after the media type")(i)?;
    let (i, sub) = expect("a media subtype", token).parse(i)?;
    Ok((i, (ty, sub)))
}

/// `language-tag`: `1*8ALPHA *( "-" 1*8alphanum )` (RFC 3261 uses the
/// RFC 2616 form; digits are allowed in subtags as RFC 5646 does, as in
/// `es-419`).
pub(super) fn language_tag(i: &str) -> PResult<'_, &str> {
    let b = i.as_bytes();
    let mut k = 0;
    let mut first = true;
    loop {
        let start = k;
        while k < b.len()
            && k - start < 9
            && (b[k].is_ascii_alphabetic() || (!first && b[k].is_ascii_digit()))
        {
            k += 1;
        }
        let len = k - start;
        if len == 0 || len > 8 {
            return fail(
                &i[start..],
                if first {
                    "a language tag"
                } else {
                    "a language subtag (1 to 8 letters or digits)"
                },
            );
        }
        first = false;
        if b.get(k) == Some(&b'-') {
            k += 1;
        } else {
            return Ok((&i[k..], &i[..k]));
        }
    }
}

/// `language-range`: a language tag or `*`.
pub(super) fn language_range(i: &str) -> PResult<'_, &str> {
    match i.strip_prefix('*') {
        Some(rest) => Ok((rest, &i[..1])),
        None => language_tag(i),
    }
}

/// `Content-Type: type/subtype;params` (RFC 3261 §20.15). Type, subtype
/// and parameter names compare without case.
///
/// ```
/// use sansip::message::{headers::ContentType, TypedHeader};
/// let c = ContentType::parse("Application/SDP; charset=\"UTF-8\"").unwrap();
/// assert!(c.is("application", "sdp"));
/// assert_eq!(c.charset().as_deref(), Some("UTF-8"));
/// assert_eq!(c.to_value_bytes(), b"Application/SDP;charset=\"UTF-8\"");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ContentType<'a> {
    /// The top-level type as written (`application`).
    pub media_type: &'a str,
    /// The subtype as written (`sdp`).
    pub subtype: &'a str,
    /// Parameters (`charset`, `boundary`, ...).
    pub params: Params<'a>,
}

impl<'a> ContentType<'a> {
    /// Whether this is `media_type/subtype`, compared without case.
    pub fn is(&self, media_type: &str, subtype: &str) -> bool {
        self.media_type.eq_ignore_ascii_case(media_type)
            && self.subtype.eq_ignore_ascii_case(subtype)
    }

    /// The `charset` parameter, unquoted.
    pub fn charset(&self) -> Option<Cow<'a, str>> {
        self.params.get("charset").flatten().map(unquote)
    }
}

impl PartialEq for ContentType<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.is(other.media_type, other.subtype) && self.params == other.params
    }
}

impl Eq for ContentType<'_> {}

fn content_type(i: &str) -> PResult<'_, ContentType<'_>> {
    let (i, (media_type, subtype)) = media_type(i)?;
    let (i, params) = params(i)?;
    Ok((
        i,
        ContentType {
            media_type,
            subtype,
            params,
        },
    ))
}

impl<'a> TypedHeader<'a> for ContentType<'a> {
    const NAME: HeaderName = HeaderName::ContentType;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, content_type)
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.media_type.as_bytes());
        out.push(b'/');
        out.extend_from_slice(self.subtype.as_bytes());
        write_params(out, &self.params);
    }
}

/// How a body part that cannot be handled is treated
/// (`Content-Disposition: ...;handling=`, RFC 3261 §20.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Handling<'a> {
    /// `optional`: the part may be ignored.
    Optional,
    /// `required`: the request fails (415) if the part cannot be handled.
    Required,
    /// Another token, as written.
    Other(&'a str),
}

/// `Content-Disposition: disposition;params` (RFC 3261 §20.11): how to
/// interpret the body (`session`, `render`, `icon`, `alert`,
/// `early-session`, ...).
///
/// ```
/// use sansip::message::{headers::{ContentDisposition, Handling}, TypedHeader};
/// let d = ContentDisposition::parse("session;handling=optional").unwrap();
/// assert!(d.is("SESSION"));
/// assert_eq!(d.handling(), Some(Handling::Optional));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ContentDisposition<'a> {
    /// The disposition type as written.
    pub disposition: &'a str,
    /// Parameters (`handling`, ...).
    pub params: Params<'a>,
}

impl<'a> ContentDisposition<'a> {
    /// Whether the disposition type is `disposition`, compared without case.
    pub fn is(&self, disposition: &str) -> bool {
        self.disposition.eq_ignore_ascii_case(disposition)
    }

    /// The `handling` parameter; `None` when absent, which means
    /// [`Handling::Required`].
    pub fn handling(&self) -> Option<Handling<'a>> {
        let h = self.params.get("handling")?.unwrap_or("");
        Some(if h.eq_ignore_ascii_case("optional") {
            Handling::Optional
        } else if h.eq_ignore_ascii_case("required") {
            Handling::Required
        } else {
            Handling::Other(h)
        })
    }
}

impl PartialEq for ContentDisposition<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.is(other.disposition) && self.params == other.params
    }
}

impl Eq for ContentDisposition<'_> {}

fn content_disposition(i: &str) -> PResult<'_, ContentDisposition<'_>> {
    let (i, disposition) = expect("a disposition type", token).parse(i)?;
    let (i, params) = params(i)?;
    Ok((
        i,
        ContentDisposition {
            disposition,
            params,
        },
    ))
}

impl<'a> TypedHeader<'a> for ContentDisposition<'a> {
    const NAME: HeaderName = HeaderName::ContentDisposition;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, content_disposition)
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.disposition.as_bytes());
        write_params(out, &self.params);
    }
}

fn content_coding(i: &str) -> PResult<'_, &str> {
    expect("a content coding", token).parse(i)
}

token_header!(
    /// One `Content-Encoding` coding (RFC 3261 §20.12), e.g. `gzip`; a list
    /// header, so [`Message::headers`](crate::message::Message::headers)
    /// yields each. Compared without case.
    ContentEncoding,
    ContentEncoding,
    content_coding
);

token_header!(
    /// One `Content-Language` tag (RFC 3261 §20.13), e.g. `fr` or `en-GB`;
    /// a list header. Compared without case.
    ContentLanguage,
    ContentLanguage,
    language_tag
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_forms() {
        let c = ContentType::parse("multipart/mixed ; boundary=\"unique-boundary-1\"").unwrap();
        assert!(c.is("Multipart", "MIXED"));
        assert_eq!(
            c.params.get("boundary"),
            Some(Some("\"unique-boundary-1\""))
        );
        assert_eq!(c.charset(), None);
        let c = ContentType::parse("application / pidf+xml").unwrap();
        assert_eq!((c.media_type, c.subtype), ("application", "pidf+xml"));
        assert_eq!(
            ContentType::parse("APPLICATION/sdp").unwrap(),
            ContentType::parse("application/SDP").unwrap()
        );
    }

    #[test]
    fn content_type_errors() {
        let e = |s| ContentType::parse(s).unwrap_err();
        assert_eq!(e(""), ValueError::new(0, "a media type"));
        assert_eq!(e("text"), ValueError::new(4, "'/' after the media type"));
        assert_eq!(e("text/"), ValueError::new(5, "a media subtype"));
        assert_eq!(
            e("text/plain;charset="),
            ValueError::new(19, "a parameter value")
        );
        assert_eq!(e("text/plain x"), ValueError::new(11, "end of value"));
    }

    #[test]
    fn content_type_round_trip() {
        let c = ContentType::parse("text/plain ;charset=utf-8; format=flowed").unwrap();
        let out = c.to_value_bytes();
        assert_eq!(out, b"text/plain;charset=utf-8;format=flowed");
        assert_eq!(
            ContentType::parse(std::str::from_utf8(&out).unwrap()).unwrap(),
            c
        );
    }

    #[test]
    fn disposition_and_handling() {
        let d = ContentDisposition::parse("icon ; handling = REQUIRED").unwrap();
        assert_eq!(d.handling(), Some(Handling::Required));
        let d = ContentDisposition::parse("early-session;handling=maybe").unwrap();
        assert_eq!(d.handling(), Some(Handling::Other("maybe")));
        assert_eq!(
            ContentDisposition::parse("render").unwrap().handling(),
            None
        );
        assert_eq!(
            ContentDisposition::parse(";x").unwrap_err(),
            ValueError::new(0, "a disposition type")
        );
        let out = d.to_value_bytes();
        assert_eq!(
            ContentDisposition::parse(std::str::from_utf8(&out).unwrap()).unwrap(),
            d
        );
    }

    #[test]
    fn encoding_and_language() {
        assert_eq!(
            ContentEncoding::parse("GZIP").unwrap(),
            ContentEncoding("gzip")
        );
        assert!(ContentEncoding::parse("gzip deflate").is_err());
        assert!(ContentLanguage::parse("en-GB").unwrap().is("en-gb"));
        assert_eq!(ContentLanguage::parse("es-419").unwrap().as_str(), "es-419");
        assert_eq!(
            ContentLanguage::parse("1en").unwrap_err(),
            ValueError::new(0, "a language tag")
        );
        assert_eq!(
            ContentLanguage::parse("abcdefghi").unwrap_err(),
            ValueError::new(0, "a language tag")
        );
        assert_eq!(
            ContentLanguage::parse("en-").unwrap_err(),
            ValueError::new(3, "a language subtag (1 to 8 letters or digits)")
        );
        assert_eq!(
            ContentLanguage::parse("*").unwrap_err(),
            ValueError::new(0, "a language tag")
        );
        assert_eq!(ContentLanguage("fr").to_value_bytes(), b"fr");
    }
}

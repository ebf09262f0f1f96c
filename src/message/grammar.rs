//! Shared grammar pieces of RFC 3261 §25: character classes, linear white
//! space, tokens, quoted strings, generic parameters and comma-separated
//! lists. Typed header parsers are nom parsers over `&str` built from these.

use std::borrow::Cow;

use nom::error::{ErrorKind, ParseError as NomParseError};
use nom::{IResult, Parser};

use super::ValueError;

/// The nom error of every grammar in this crate: where it failed and what it
/// expected there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GrammarError<'a> {
    /// The input that was left when parsing failed.
    pub(crate) rest: &'a str,
    pub(crate) expected: &'static str,
}

impl<'a> NomParseError<&'a str> for GrammarError<'a> {
    fn from_error_kind(rest: &'a str, _kind: ErrorKind) -> Self {
        GrammarError {
            rest,
            expected: "valid syntax",
        }
    }
    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
}

/// Result of a grammar parser.
pub(crate) type PResult<'a, T> = IResult<&'a str, T, GrammarError<'a>>;

/// A failure at `rest`, expecting `expected`.
pub(crate) fn fail<'a, T>(rest: &'a str, expected: &'static str) -> PResult<'a, T> {
    Err(nom::Err::Error(GrammarError { rest, expected }))
}

/// Runs `parser`, replacing whatever it says on failure by `expected` (at the
/// position where this element began, unless the inner error is further on).
pub(crate) fn expect<'a, O, P>(
    expected: &'static str,
    mut parser: P,
) -> impl FnMut(&'a str) -> PResult<'a, O>
where
    P: Parser<&'a str, Output = O, Error = GrammarError<'a>>,
{
    move |i: &'a str| match parser.parse(i) {
        Err(nom::Err::Error(e)) if e.rest.len() == i.len() || e.expected == "valid syntax" => {
            fail(i, expected)
        }
        other => other,
    }
}

/// The direct-call form of [`expect`]: a failure of `r` that did not get
/// past `at` becomes "expected `expected` at `at`"; a failure further in
/// keeps its own, more precise, position and text.
#[inline]
pub(crate) fn or_expected<'a, T>(
    r: PResult<'a, T>,
    at: &'a str,
    expected: &'static str,
) -> PResult<'a, T> {
    match r {
        Err(nom::Err::Error(e)) if e.rest.len() == at.len() || e.expected == "valid syntax" => {
            fail(at, expected)
        }
        other => other,
    }
}

/// Parses all of `value` with `parser` (trailing linear white space allowed)
/// and reports failures as a [`ValueError`] relative to the value's start.
pub(crate) fn parse_all<'a, O, P>(value: &'a str, mut parser: P) -> Result<O, ValueError>
where
    // A plain function rather than nom's `Parser`: a direct call, without
    // nom's output-mode machinery, on the path every header read takes.
    P: FnMut(&'a str) -> PResult<'a, O>,
{
    match parser(skip_lws(value)) {
        Ok((rest, out)) => {
            let rest = skip_lws(rest);
            if rest.is_empty() {
                Ok(out)
            } else {
                Err(ValueError::new(value.len() - rest.len(), "end of value"))
            }
        }
        Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => {
            Err(ValueError::new(value.len() - e.rest.len(), e.expected))
        }
        Err(nom::Err::Incomplete(_)) => Err(ValueError::new(value.len(), "more input")),
    }
}

/// Byte classes, one table lookup per byte on the hot paths.
const TOKEN: u8 = 1;
const WORD: u8 = 2;
const LWS: u8 = 4;
const GEN_VALUE: u8 = 8;

static CLASSES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let token = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'.' | b'!' | b'%' | b'*' | b'_' | b'+' | b'`' | b'\'' | b'~'
            );
        let word = token
            || matches!(
                c,
                b'(' | b')'
                    | b'<'
                    | b'>'
                    | b':'
                    | b'\\'
                    | b'"'
                    | b'/'
                    | b'['
                    | b']'
                    | b'?'
                    | b'{'
                    | b'}'
            );
        let lws = matches!(c, b' ' | b'\t' | b'\r' | b'\n');
        let gen_value = token || matches!(c, b'[' | b']' | b':');
        t[b] = (token as u8 * TOKEN)
            | (word as u8 * WORD)
            | (lws as u8 * LWS)
            | (gen_value as u8 * GEN_VALUE);
        b += 1;
    }
    t
};

/// `token` characters (RFC 3261 §25.1): alphanumerics and `-.!%*_+`'~`.
#[inline(always)]
pub(crate) fn is_token_byte(b: u8) -> bool {
    CLASSES[b as usize] & TOKEN != 0
}

/// A whole `token` (RFC 3261 §25.1): not empty, token characters only.
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_byte)
}

/// `word` characters (RFC 3261 §25.1), used by Call-ID.
#[inline(always)]
pub(crate) fn is_word_byte(b: u8) -> bool {
    CLASSES[b as usize] & WORD != 0
}

/// Whether `b` is white space inside a header value. A folded line's CRLF is
/// followed by SP/HT, so treating CR and LF as white space unfolds values in
/// place, without copying.
#[inline(always)]
pub(crate) fn is_lws_byte(b: u8) -> bool {
    CLASSES[b as usize] & LWS != 0
}

/// Skips linear white space (spaces, tabs and line folds).
#[inline]
pub(crate) fn skip_lws(i: &str) -> &str {
    let n = i.bytes().take_while(|&b| is_lws_byte(b)).count();
    &i[n..]
}

/// Trims linear white space at both ends.
#[inline]
pub(crate) fn trim_lws(i: &str) -> &str {
    let i = skip_lws(i);
    let n = i.bytes().rev().take_while(|&b| is_lws_byte(b)).count();
    &i[..i.len() - n]
}

/// A `token`.
pub(crate) fn token(i: &str) -> PResult<'_, &str> {
    let n = i.bytes().take_while(|&b| is_token_byte(b)).count();
    if n == 0 {
        return fail(i, "a token");
    }
    Ok((&i[n..], &i[..n]))
}

/// One separator character with optional white space around it (`SEMI`,
/// `COMMA`, `EQUAL`, `SLASH`, `COLON`, ...).
pub(crate) fn sep<'a>(c: char, expected: &'static str) -> impl FnMut(&'a str) -> PResult<'a, ()> {
    move |i: &'a str| {
        let j = skip_lws(i);
        match j.strip_prefix(c) {
            Some(rest) => Ok((skip_lws(rest), ())),
            None => fail(i, expected),
        }
    }
}

/// A `quoted-string`, returned with its quotes and escapes as on the wire.
pub(crate) fn quoted_string(i: &str) -> PResult<'_, &str> {
    let bytes = i.as_bytes();
    if bytes.first() != Some(&b'"') {
        return fail(i, "a quoted string");
    }
    let mut k = 1;
    while k < bytes.len() {
        match bytes[k] {
            b'"' => return Ok((&i[k + 1..], &i[..k + 1])),
            // quoted-pair excludes CR and LF (RFC 3261 §25.1).
            b'\\' if k + 1 < bytes.len() && !matches!(bytes[k + 1], b'\r' | b'\n') => k += 2,
            b'\\' => return fail(&i[k..], "an escaped character"),
            _ => k += 1,
        }
    }
    fail(i, "a closing quote")
}

/// Removes the quotes and backslash escapes of a quoted string; anything
/// else is returned unchanged. Allocates only when there are escapes.
///
/// ```
/// use sansip::message::unquote;
/// assert_eq!(unquote("\"Bob \\\"B\\\"\""), "Bob \"B\"");
/// assert_eq!(unquote("plain"), "plain");
/// ```
pub fn unquote(s: &str) -> Cow<'_, str> {
    let Some(inner) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return Cow::Borrowed(s);
    };
    if !inner.contains('\\') {
        return Cow::Borrowed(inner);
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Writes `s` as a quoted string, escaping `"` and `\`.
pub(crate) fn write_quoted(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    for &b in s.as_bytes() {
        if b == b'"' || b == b'\\' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// `a.eq_ignore_ascii_case(b)`, a word at a time for 4 to 16 bytes (the
/// first and last 4 or 8, overlapping): every parameter lookup compares
/// names, and they are short.
#[inline]
pub(crate) fn eq_ignore_case(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    use super::scan::word;
    let half = |s: &[u8], at: usize| match s.get(at..at + 4) {
        Some(w) => u64::from(u32::from_le_bytes(
            <[u8; 4]>::try_from(w).unwrap_or_default(),
        )),
        None => 0,
    };
    let (x, y) = match n {
        4..=8 => (
            half(a, 0) | half(a, n - 4) << 32,
            half(b, 0) | half(b, n - 4) << 32,
        ),
        9..=16 => {
            let (a0, b0) = (lowercase_word(word(a, 0)), lowercase_word(word(b, 0)));
            if a0 != b0 {
                return false;
            }
            (word(a, n - 8), word(b, n - 8))
        }
        _ => return a.eq_ignore_ascii_case(b),
    };
    lowercase_word(x) == lowercase_word(y)
}

/// `x` with each ASCII capital turned into its small letter, all bytes at
/// once: a byte is a capital when its low seven bits are at least 0x41 and
/// below 0x5b and its top bit is clear.
#[inline(always)]
fn lowercase_word(x: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const TOP: u64 = 0x8080_8080_8080_8080;
    let low = x & LOW7;
    let from_a = low + 0x3f3f_3f3f_3f3f_3f3f;
    let past_z = low + 0x2525_2525_2525_2525;
    let capital = from_a & !past_z & !x & TOP;
    x | (capital >> 2)
}

/// Bytes allowed in a generic parameter value besides token bytes (a `host`
/// may be an IPv6 reference).
#[inline(always)]
pub(crate) fn is_gen_value_byte(b: u8) -> bool {
    CLASSES[b as usize] & GEN_VALUE != 0
}

/// Generic parameters: `*( SEMI generic-param )` where
/// `generic-param = token [ EQUAL ( token / host / quoted-string ) ]`.
/// Returns the raw text, starting at the first `;` (empty when there are none).
pub(crate) fn params(i: &str) -> PResult<'_, Params<'_>> {
    let start = i;
    let mut rest = i;
    loop {
        let j = skip_lws(rest);
        let Some(after_semi) = j.strip_prefix(';') else {
            break;
        };
        let (r, _) = expect("a parameter name", token).parse(skip_lws(after_semi))?;
        let k = skip_lws(r);
        rest = if let Some(v) = k.strip_prefix('=') {
            let v = skip_lws(v);
            if v.starts_with('"') {
                quoted_string(v)?.0
            } else {
                let n = v.bytes().take_while(|&b| is_gen_value_byte(b)).count();
                if n == 0 {
                    return fail(v, "a parameter value");
                }
                &v[n..]
            }
        } else {
            r
        };
    }
    let used = start.len() - rest.len();
    Ok((rest, Params::new(&start[..used])))
}

/// Parameters of a header value or URI (`;name=value;flag`), kept as their
/// raw text and read on demand: no allocation, names compared without case.
///
/// ```
/// use sansip::message::Params;
/// let p = Params::new(";branch=z9hG4bK776;rport;received=192.0.2.1");
/// assert_eq!(p.get("BRANCH"), Some(Some("z9hG4bK776")));
/// assert_eq!(p.get("rport"), Some(None));
/// assert_eq!(p.get("maddr"), None);
/// assert_eq!(p.iter().count(), 3);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Params<'a> {
    raw: &'a str,
    separator: u8,
    /// The reader that made these checked that every element is `;token`
    /// or `;token=` and gen-value bytes, nothing else: `get` then only
    /// needs to find the separators (see [`Params::plain`]).
    plain: bool,
}

impl<'a> Params<'a> {
    /// Parameters as raw `;name=value` text (as parsed; not validated here).
    pub const fn new(raw: &'a str) -> Self {
        Params {
            raw,
            separator: b';',
            plain: false,
        }
    }

    /// URI headers (`?name=value&name=value`) use `&` between elements.
    pub(crate) const fn with_separator(raw: &'a str, separator: u8) -> Self {
        Params {
            raw,
            separator,
            plain: false,
        }
    }

    /// `;` parameters the caller has checked to be empty or `;token` and
    /// `;token=value` elements only, each value one or more gen-value
    /// bytes: no white space, quotes or empty elements anywhere.
    pub(crate) const fn plain(raw: &'a str) -> Self {
        Params {
            raw,
            separator: b';',
            plain: true,
        }
    }

    /// The raw text, leading separator included.
    pub const fn as_str(&self) -> &'a str {
        self.raw
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// `Some(Some(value))` for `name=value`, `Some(None)` for a flag `name`,
    /// `None` when absent. Values are raw: a quoted value keeps its quotes
    /// (see [`unquote`]).
    pub fn get(&self, name: &str) -> Option<Option<&'a str>> {
        if self.plain {
            return self.get_plain(name);
        }
        if let Some(answer) = self.get_simple(name) {
            return answer;
        }
        self.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// `get` for [`Params::plain`] text. Each element between separators is
    /// `token` or `token=value` with no `=` in the value, so an argument
    /// matches an element exactly when it is a flag element or the part
    /// before an element's `=`: what the iterator's name comparison decides.
    fn get_plain(&self, name: &str) -> Option<Option<&'a str>> {
        let raw = self.raw.as_bytes();
        let name = name.as_bytes();
        let n = name.len();
        let mut k = 0;
        while k < raw.len() {
            let at = k + 1;
            let end = super::vector::find_byte(raw, at, self.separator).unwrap_or(raw.len());
            let element = &raw[at..end];
            // An element's only '=' follows its name, so an element that
            // has one is a true match only in the second test, at that '='.
            // Equal to it whole, the argument holds a '=' and so matches no
            // token name anywhere: absent.
            if eq_ignore_case(element, name) {
                return if element.contains(&b'=') {
                    None
                } else {
                    Some(None)
                };
            }
            if element.len() > n && element[n] == b'=' && eq_ignore_case(&element[..n], name) {
                return Some(self.raw.get(at + n + 1..end));
            }
            k = end;
        }
        None
    }

    /// `get` for parameters that are all written `name` or `name=value`
    /// with a token name and a value of gen-value bytes, nothing between
    /// them and the separators (no white space, no quotes, no empty
    /// element). For such text the iterator yields exactly those pairs, so
    /// the answer is the same without its trimming and quote handling.
    /// `None` means the text is not of that form: ask the iterator.
    #[inline]
    fn get_simple(&self, name: &str) -> Option<Option<Option<&'a str>>> {
        let raw = self.raw.as_bytes();
        let mut k = 0;
        while k < raw.len() {
            if raw[k] != self.separator {
                return None;
            }
            let name_at = k + 1;
            let name_len = raw[name_at..]
                .iter()
                .take_while(|&&c| is_token_byte(c))
                .count();
            if name_len == 0 {
                return None;
            }
            let name_end = name_at + name_len;
            let (value, end) = match raw.get(name_end) {
                Some(b'=') => {
                    let len = raw[name_end + 1..]
                        .iter()
                        .take_while(|&&c| is_gen_value_byte(c))
                        .count();
                    if len == 0 {
                        return None;
                    }
                    let end = name_end + 1 + len;
                    (self.raw.get(name_end + 1..end), end)
                }
                _ => (None, name_end),
            };
            // The element must end here, at a separator or the end.
            if raw.get(end).is_some_and(|&c| c != self.separator) {
                return None;
            }
            // A token name compares with the argument exactly as the
            // iterator's trimmed name does (the argument may hold anything).
            if eq_ignore_case(&raw[name_at..name_end], name.as_bytes()) {
                return Some(Some(value));
            }
            k = end;
        }
        Some(None)
    }

    /// Whether `name` is present, with or without a value.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Iterates `(name, value)` pairs in order.
    pub fn iter(&self) -> ParamsIter<'a> {
        ParamsIter {
            rest: self.raw,
            separator: self.separator,
        }
    }
}

impl PartialEq for Params<'_> {
    /// Same parameters in the same order; names compared without case,
    /// values exactly.
    fn eq(&self, other: &Self) -> bool {
        same_params(self.iter(), other.iter(), |a, b| a == b)
    }
}

/// Whether two parameter lists hold the same names (without case), in the
/// same order, with values that `same_value` calls equal.
pub(crate) fn same_params<'a, 'b, V, W>(
    mut a: impl Iterator<Item = (&'a str, V)>,
    mut b: impl Iterator<Item = (&'b str, W)>,
    same_value: impl Fn(&V, &W) -> bool,
) -> bool {
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some((an, av)), Some((bn, bv))) => {
                if !an.eq_ignore_ascii_case(bn) || !same_value(&av, &bv) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

impl Eq for Params<'_> {}

/// Iterator over [`Params`].
#[derive(Debug, Clone)]
pub struct ParamsIter<'a> {
    rest: &'a str,
    separator: u8,
}

impl<'a> Iterator for ParamsIter<'a> {
    type Item = (&'a str, Option<&'a str>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let s = skip_lws(self.rest);
            if s.is_empty() {
                return None;
            }
            let s = s.strip_prefix(self.separator as char).unwrap_or(s);
            // The element ends at the next separator outside a quoted
            // string; find separator or quote with memchr, walk only quotes.
            let bytes = s.as_bytes();
            let mut k = 0;
            loop {
                match memchr::memchr2(self.separator, b'"', &bytes[k..]) {
                    None => {
                        k = bytes.len();
                        break;
                    }
                    Some(n) if bytes[k + n] == self.separator => {
                        k += n;
                        break;
                    }
                    Some(n) => {
                        // Skip the quoted string (an unterminated one runs to the end).
                        k += n + 1;
                        while k < bytes.len() && bytes[k] != b'"' {
                            k += if bytes[k] == b'\\' { 2 } else { 1 };
                        }
                        k = (k + 1).min(bytes.len());
                    }
                }
            }
            let element = &s[..k];
            self.rest = &s[k..];
            let element = trim_lws(element);
            if element.is_empty() {
                continue;
            }
            return Some(match memchr::memchr(b'=', element.as_bytes()) {
                Some(eq) => (trim_lws(&element[..eq]), Some(trim_lws(&element[eq + 1..]))),
                None => (element, None),
            });
        }
    }
}

/// Splits a header value into the elements of a comma-separated list, not
/// splitting inside quoted strings, `<...>` or `[...]`. Yields each element
/// with its offset in `value`, white space trimmed; empty elements are skipped.
///
/// ```
/// use sansip::message::split_list;
/// let v = r#""Doe, John" <sip:j@a.example;x=1,2>;q=0.5, <sip:b@b.example>"#;
/// let parts: Vec<_> = split_list(v).map(|(_, s)| s).collect();
/// assert_eq!(parts, [r#""Doe, John" <sip:j@a.example;x=1,2>;q=0.5"#, "<sip:b@b.example>"]);
/// ```
pub fn split_list(value: &str) -> ListIter<'_> {
    ListIter { value, pos: 0 }
}

/// The first element of a list value and its offset, as
/// `split_list(value).next()` gives it (the whole value when that finds
/// none). A value without a comma is one element: only the trimming of
/// white space is left to do, without the walk over quotes and brackets.
pub(crate) fn first_element(value: &str) -> (usize, &str) {
    if memchr::memchr(b',', value.as_bytes()).is_none() {
        let element = trim_lws(value);
        if element.is_empty() {
            return (0, value);
        }
        return (value.len() - skip_lws(value).len(), element);
    }
    split_list(value).next().unwrap_or((0, value))
}

/// Iterator returned by [`split_list`].
#[derive(Debug, Clone)]
pub struct ListIter<'a> {
    value: &'a str,
    pos: usize,
}

impl<'a> Iterator for ListIter<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.value.as_bytes();
        while self.pos < bytes.len() {
            let start = self.pos;
            // Most elements have no quotes or angle brackets before their
            // comma: find the first of the three and only walk byte by byte
            // from a quote or bracket on. (An IPv6 reference has no commas.)
            let mut k = memchr::memchr3(b',', b'"', b'<', &bytes[start..])
                .map_or(bytes.len(), |n| start + n);
            let mut in_quotes = false;
            let mut angle = false;
            while k < bytes.len() {
                match bytes[k] {
                    b'\\' if in_quotes => k += 1,
                    b'"' if !angle => in_quotes = !in_quotes,
                    b'<' if !in_quotes => angle = true,
                    b'>' if !in_quotes => angle = false,
                    b',' if !in_quotes && !angle => break,
                    _ => {}
                }
                k += 1;
            }
            let end = k.min(bytes.len());
            self.pos = end + 1;
            let raw = &self.value[start..end];
            let trimmed_start = raw.len() - skip_lws(raw).len();
            let element = trim_lws(raw);
            if !element.is_empty() {
                return Some((start + trimmed_start, element));
            }
        }
        None
    }
}

/// Writes `;name[=value]` for each parameter.
pub(crate) fn write_params(out: &mut Vec<u8>, params: &Params<'_>) {
    for (name, value) in params.iter() {
        out.push(b';');
        out.extend_from_slice(name.as_bytes());
        if let Some(v) = value {
            out.push(b'=');
            out.extend_from_slice(v.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_case_compare_agrees_with_the_standard_one() {
        let bytes: Vec<u8> = (0u8..=255).collect();
        for n in 0..=18 {
            for k in 0..256 {
                let a: Vec<u8> = (0..n).map(|j| bytes[(k + j * 37) % 256]).collect();
                let mut b = a.clone();
                assert!(eq_ignore_case(&a, &b));
                for j in 0..n {
                    for c in [
                        0x00, 0x20, 0x40, 0x41, 0x5a, 0x5b, 0x60, 0x61, 0x7a, 0x7b, 0xc1, 0xe1,
                        0xff,
                    ] {
                        let was = b[j];
                        b[j] = c;
                        assert_eq!(
                            eq_ignore_case(&a, &b),
                            a.eq_ignore_ascii_case(&b),
                            "{a:?} {b:?}"
                        );
                        b[j] = was ^ 0x20;
                        assert_eq!(
                            eq_ignore_case(&a, &b),
                            a.eq_ignore_ascii_case(&b),
                            "{a:?} {b:?}"
                        );
                        b[j] = was;
                    }
                }
            }
        }
        assert!(eq_ignore_case(b"BRANCH", b"branch"));
        assert!(!eq_ignore_case(b"branch", b"branc"));
    }

    #[test]
    fn quoted_string_stops_at_the_closing_quote_and_honours_escapes() {
        assert_eq!(
            quoted_string(r#""a\"b" rest"#).unwrap(),
            (" rest", r#""a\"b""#)
        );
        assert!(quoted_string(r#""unterminated"#).is_err());
        assert!(quoted_string("x").is_err());
    }

    #[test]
    fn params_parser_reads_flags_quoted_and_ipv6_values() {
        let (rest, p) =
            params(r#" ; maddr=[2001:db8::1] ;lr; +sip.instance="<urn:uuid:1>" ,next"#).unwrap();
        assert_eq!(rest, " ,next");
        assert_eq!(p.get("maddr"), Some(Some("[2001:db8::1]")));
        assert_eq!(p.get("lr"), Some(None));
        assert_eq!(p.get("+sip.instance"), Some(Some("\"<urn:uuid:1>\"")));
    }

    #[test]
    fn params_parser_rejects_a_missing_value() {
        assert!(params(";a=").is_err());
        assert!(params(";=b").is_err());
    }

    #[test]
    fn list_split_respects_quotes_angles_and_folds() {
        let v = "a,\r\n b , \"c,d\", <e,f>;x, [2001:db8::1]:5060,,";
        let parts: Vec<_> = split_list(v).collect();
        let texts: Vec<_> = parts.iter().map(|p| p.1).collect();
        assert_eq!(
            texts,
            ["a", "b", "\"c,d\"", "<e,f>;x", "[2001:db8::1]:5060"]
        );
        assert_eq!(&v[parts[1].0..parts[1].0 + 1], "b");
    }

    /// `get` through the iterator alone: what the fast answer must match.
    fn get_by_iter<'a>(p: &Params<'a>, name: &str) -> Option<Option<&'a str>> {
        p.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    #[test]
    fn params_get_agrees_with_the_iterator() {
        let mut raws: Vec<String> = crate::message::test_corpus::field_values()
            .into_iter()
            .filter_map(|(_, v)| v.find(';').map(|k| v[k..].to_owned()))
            .collect();
        raws.extend(
            [
                "",
                ";",
                ";;branch=x",
                ";branch",
                ";branch=",
                ";branch=x",
                ";BRANCH=x;branch=y",
                ";rport;branch=x",
                ";rport=1;branch=x y",
                ";branch=x y",
                ";branch =x",
                "; branch=x",
                ";branch=x ",
                ";branch=\"x;y\"",
                ";a=\"q\";branch=x",
                ";a=b=c",
                ";a=b;a=c",
                ";branch=[::1]",
                ";maddr=[::1];branch=z",
                "branch=x",
                ";branch=x,y",
                ";é=1;branch=x",
                ";branch=é",
                ";a\r\n ;branch=x",
            ]
            .map(str::to_owned),
        );
        let names = [
            "branch", "BRANCH", "rport", "received", "a", "", "a=b", "branch=x", " branch", "é",
        ];
        for raw in &raws {
            for sep in [b';', b'&'] {
                let raw = if sep == b'&' {
                    raw.replace(';', "&")
                } else {
                    raw.clone()
                };
                let p = Params::with_separator(&raw, sep);
                for name in names {
                    assert_eq!(p.get(name), get_by_iter(&p, name), "{raw:?} {name:?}");
                }
            }
        }
    }

    #[test]
    fn first_element_agrees_with_split_list() {
        let mut values: Vec<String> = crate::message::test_corpus::field_values()
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        values.extend(
            [
                "",
                " ",
                " a ",
                "a,b",
                " , a",
                ",",
                "\"a,b\" c",
                "<a,b>",
                "\r\n a",
            ]
            .map(str::to_owned),
        );
        for v in &values {
            let slow = split_list(v).next().unwrap_or((0, v.as_str()));
            assert_eq!(first_element(v), slow, "{v:?}");
        }
    }

    #[test]
    fn parse_all_reports_the_offset_of_trailing_garbage() {
        let err = parse_all("abc def", token).unwrap_err();
        assert_eq!(err, ValueError::new(4, "end of value"));
    }
}

//! Helpers the typed parsers share to read a [`Document`].

use super::error::BodyError;
use super::text::Text;
use super::xml::Document;

/// Checks that the root is `{ns}expected`.
pub(crate) fn root(doc: &Document, ns: &str, expected: &'static str) -> Result<(), BodyError> {
    let root = doc.el(0);
    if root.is(ns, expected) {
        return Ok(());
    }
    Err(BodyError::UnexpectedRoot {
        expected,
        found: root.local.to_string(),
        namespace: root.ns.as_ref().map(Text::to_string),
        offset: root.start,
    })
}

/// The attribute `attr` (in no namespace) of element `i`, which must have it.
pub(crate) fn required_attr(
    doc: &Document,
    i: usize,
    element: &'static str,
    attribute: &'static str,
) -> Result<Text, BodyError> {
    optional_attr(doc, i, attribute).ok_or(BodyError::MissingAttribute {
        element,
        attribute,
        offset: doc.el(i).start,
    })
}

/// The attribute `attr` (in no namespace) of element `i`, if it has it.
pub(crate) fn optional_attr(doc: &Document, i: usize, attribute: &str) -> Option<Text> {
    doc.el(i).attr(attribute).map(|a| a.value.clone())
}

/// The offset of attribute `attr` of element `i` (or of the element).
pub(crate) fn attr_offset(doc: &Document, i: usize, attribute: &str) -> usize {
    let el = doc.el(i);
    el.attr(attribute).map_or(el.start, |a| a.offset)
}

/// The text of an element that holds only text.
pub(crate) fn leaf_text(
    doc: &Document,
    i: usize,
    element: &'static str,
) -> Result<Text, BodyError> {
    if let Some(child) = doc.children(i).next() {
        return Err(BodyError::UnexpectedContent {
            element,
            content: "element",
            offset: doc.el(child).start,
        });
    }
    Ok(doc.el(i).text.clone())
}

/// The text of an element that holds only text, without surrounding
/// white space (for tokens, URIs, numbers and dates).
pub(crate) fn token(doc: &Document, i: usize, element: &'static str) -> Result<Text, BodyError> {
    leaf_text(doc, i, element).map(|t| t.trim_xml())
}

/// Checks that an element that holds only elements has no text.
pub(crate) fn no_text(doc: &Document, i: usize, element: &'static str) -> Result<(), BodyError> {
    match doc.el(i).text_offset {
        Some(offset) => Err(BodyError::UnexpectedContent {
            element,
            content: "text",
            offset,
        }),
        None => Ok(()),
    }
}

/// A non-negative decimal integer (digits only, after trimming).
pub(crate) fn number<T: std::str::FromStr>(
    text: &str,
    what: &'static str,
    offset: usize,
) -> Result<T, BodyError> {
    let t = text.trim_matches(|c: char| c.is_ascii() && super::text::is_space(c as u8));
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BodyError::bad_value(what, text, Some(offset)));
    }
    t.parse()
        .map_err(|_| BodyError::bad_value(what, text, Some(offset)))
}

/// Counts one more of `what` against `limit`.
pub(crate) fn count(
    n: &mut usize,
    limit: usize,
    what: &'static str,
    offset: usize,
) -> Result<(), BodyError> {
    *n += 1;
    if *n > limit {
        return Err(BodyError::Limit {
            what,
            limit,
            offset,
        });
    }
    Ok(())
}

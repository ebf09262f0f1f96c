//! Errors of the body layer.
//!
//! [`BodyError`] says why a body was refused: the XML is not well-formed
//! (with the byte offset of the fault), a limit was reached, or the
//! document is well-formed but not the document its content type promises
//! (wrong root, a mandatory attribute missing, a value outside its
//! grammar).

use thiserror::Error;

/// Longest piece of the input an error repeats.
const MAX_QUOTE: usize = 64;

/// Why an XML body could not be parsed, or a value given to a builder was
/// refused.
///
/// Offsets are in bytes from the start of the body (a body declared
/// `ISO-8859-1` is first converted to UTF-8: past its first non-ASCII
/// character, offsets count the converted bytes).
///
/// ```
/// use sansip::body::{pidf::Presence, BodyError};
/// let e = Presence::parse_slice(b"<dialog-info xmlns='urn:ietf:params:xml:ns:dialog-info'/>")
///     .unwrap_err();
/// assert!(matches!(e, BodyError::UnexpectedRoot { ref found, .. } if found == "dialog-info"));
/// assert_eq!(e.offset(), Some(0));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BodyError {
    /// A [`Limits`](super::Limits) bound was reached.
    #[error("more than {limit} {what} (at byte {offset})")]
    Limit {
        /// What was counted (`"bytes"`, `"elements"`, `"levels of nesting"`, ...).
        what: &'static str,
        /// The configured limit.
        limit: usize,
        /// Where the limit was passed.
        offset: usize,
    },
    /// The bytes are not well-formed XML.
    #[error("invalid XML at byte {offset}: expected {expected}")]
    Syntax {
        /// Where the fault is.
        offset: usize,
        /// What the grammar expected there.
        expected: &'static str,
    },
    /// An end tag does not close the element that is open.
    #[error("</{found}> at byte {offset} does not close <{open}>")]
    MismatchedTag {
        /// Where the end tag starts.
        offset: usize,
        /// The qualified name of the open element.
        open: String,
        /// The name in the end tag.
        found: String,
    },
    /// The body ends inside an element.
    #[error("<{element}> at byte {offset} is never closed")]
    Unclosed {
        /// The qualified name of the innermost open element.
        element: String,
        /// Where its start tag is.
        offset: usize,
    },
    /// A character or entity reference that XML does not define (no
    /// DOCTYPE is accepted, so only `&lt;` `&gt;` `&amp;` `&quot;` `&apos;`
    /// and `&#...;` for allowed characters).
    #[error("unknown or invalid reference {reference:?} at byte {offset}")]
    BadReference {
        /// Where the `&` is.
        offset: usize,
        /// The reference as written (cut if long).
        reference: String,
    },
    /// A namespace prefix with no declaration in scope.
    #[error("namespace prefix {prefix:?} at byte {offset} is not declared")]
    UnboundPrefix {
        /// Where the name using it is.
        offset: usize,
        /// The prefix.
        prefix: String,
    },
    /// The root element is not the one the content type calls for.
    #[error(
        "expected <{expected}> as the root element, found <{found}> in namespace {} at byte {offset}",
        namespace.as_deref().unwrap_or("(none)")
    )]
    UnexpectedRoot {
        /// The root element the parser wanted (its local name; the
        /// namespace is the content type's).
        expected: &'static str,
        /// The local name of the root that was found.
        found: String,
        /// Its namespace URI, if it had one.
        namespace: Option<String>,
        /// Where it starts.
        offset: usize,
    },
    /// A mandatory attribute is missing.
    #[error("<{element}> at byte {offset} has no {attribute} attribute")]
    MissingAttribute {
        /// The element.
        element: &'static str,
        /// The attribute.
        attribute: &'static str,
        /// Where the element starts.
        offset: usize,
    },
    /// A mandatory child element is missing.
    #[error("<{parent}> at byte {offset} has no <{element}>")]
    MissingElement {
        /// The element that should hold it.
        parent: &'static str,
        /// The missing child.
        element: &'static str,
        /// Where the parent starts.
        offset: usize,
    },
    /// Content the element's type does not allow: text inside an element
    /// that holds only elements, or elements inside one that holds text.
    #[error("unexpected {content} inside <{element}> at byte {offset}")]
    UnexpectedContent {
        /// The element.
        element: &'static str,
        /// `"text"` or `"element"`.
        content: &'static str,
        /// Where the content is.
        offset: usize,
    },
    /// A value outside its grammar (an unknown `<basic>`, a version that
    /// is not a number, ...).
    #[error(
        "invalid {what} {value:?}{}",
        offset.map_or_else(String::new, |o| format!(" at byte {o}"))
    )]
    BadValue {
        /// What the value is.
        what: &'static str,
        /// The value (cut if long).
        value: String,
        /// Where it is, for a parsed value; `None` for a value given to a
        /// builder.
        offset: Option<usize>,
    },
}

impl BodyError {
    /// The byte offset the error points at, where it has one.
    pub fn offset(&self) -> Option<usize> {
        match *self {
            BodyError::Limit { offset, .. }
            | BodyError::Syntax { offset, .. }
            | BodyError::MismatchedTag { offset, .. }
            | BodyError::Unclosed { offset, .. }
            | BodyError::BadReference { offset, .. }
            | BodyError::UnboundPrefix { offset, .. }
            | BodyError::UnexpectedRoot { offset, .. }
            | BodyError::MissingAttribute { offset, .. }
            | BodyError::MissingElement { offset, .. }
            | BodyError::UnexpectedContent { offset, .. } => Some(offset),
            BodyError::BadValue { offset, .. } => offset,
        }
    }

    pub(crate) fn syntax(offset: usize, expected: &'static str) -> BodyError {
        BodyError::Syntax { offset, expected }
    }

    pub(crate) fn bad_value(what: &'static str, value: &str, offset: Option<usize>) -> BodyError {
        BodyError::BadValue {
            what,
            value: quote(value),
            offset,
        }
    }
}

/// `s`, cut to at most [`MAX_QUOTE`] bytes at a character boundary.
pub(crate) fn quote(s: &str) -> String {
    if s.len() <= MAX_QUOTE {
        return s.to_owned();
    }
    let mut end = MAX_QUOTE;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

/// `b` as text for an error message, lossy and cut.
pub(crate) fn quote_bytes(b: &[u8]) -> String {
    quote(&String::from_utf8_lossy(&b[..b.len().min(MAX_QUOTE + 4)]))
}

//! The contract between [`Message`](super::Message) and typed header views.

use super::{HeaderName, ValueError};

/// A header with a typed view. `parse` reads one value (for list headers,
/// one comma-separated element) borrowing from the message; `write_value`
/// writes the value back in canonical form.
///
/// Typed views are cheap: they borrow `&'a str` slices of the message and
/// parse parameters lazily through [`Params`](super::Params).
///
/// ```
/// use sansip::message::{headers::CSeq, Method, TypedHeader};
/// let c = CSeq::parse("4711 INVITE").unwrap();
/// assert_eq!((c.seq, &c.method), (4711, &Method::Invite));
/// let mut out = Vec::new();
/// c.write_value(&mut out);
/// assert_eq!(out, b"4711 INVITE");
/// ```
pub trait TypedHeader<'a>: Sized {
    /// The header this type reads.
    const NAME: HeaderName;

    /// Parses one value. Offsets in the error are relative to `value`.
    fn parse(value: &'a str) -> Result<Self, ValueError>;

    /// Writes the value (without the name, colon or CRLF).
    fn write_value(&self, out: &mut Vec<u8>);

    /// The value as a byte vector (allocates; for tests and logs).
    fn to_value_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_value(&mut out);
        out
    }
}

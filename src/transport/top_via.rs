//! Finding the top Via value in a message and rewriting it in place: the
//! other values of its field, and every other field, keep their bytes.

use std::io::Write;
use std::net::IpAddr;
use std::ops::Range;

use crate::message::headers::Via;
use crate::message::{split_list, HeaderName, Message, TypedHeader};

use super::ViaError;

/// The top Via value: which field holds it and where it sits in the field.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TopVia<'m> {
    /// Index of the field in [`Message::fields`] order.
    pub(crate) index: usize,
    /// The whole field value (it may hold more Via values after a comma).
    pub(crate) field: &'m str,
    /// Where the top value starts in `field`.
    pub(crate) at: usize,
    /// The top value, white space trimmed.
    pub(crate) value: &'m str,
    /// Offset of `field` in the message bytes (0 for a field added after
    /// parsing), for error offsets.
    pub(crate) base: usize,
}

impl<'m> TopVia<'m> {
    /// Finds the first Via field and its first value.
    pub(crate) fn locate(msg: &'m Message) -> Result<TopVia<'m>, ViaError> {
        let (index, f) = msg
            .fields()
            .enumerate()
            .find(|(_, f)| f.name == HeaderName::Via)
            .ok_or(ViaError::Missing)?;
        let field = std::str::from_utf8(f.value).map_err(|e| ViaError::Malformed {
            offset: f.offset + e.valid_up_to(),
            expected: "UTF-8 text",
            sent_by_readable: false,
        })?;
        let (at, value) = split_list(field).next().ok_or(ViaError::Malformed {
            offset: f.offset,
            expected: "a Via value",
            sent_by_readable: false,
        })?;
        Ok(TopVia {
            index,
            field,
            at,
            value,
            base: f.offset,
        })
    }

    /// Absolute offset of `inner` (a slice of the value) in the message.
    pub(crate) fn offset_of(&self, inner: &str) -> usize {
        self.base + self.at + offset_in(self.value, inner).unwrap_or(0)
    }

    /// Parses the value. On failure, says whether the part before the
    /// parameters still reads (see [`ViaError::can_respond`]).
    pub(crate) fn parse(&self) -> Result<Via<'m>, ViaError> {
        Via::parse(self.value).map_err(|e| {
            let head = self.value.split(';').next().unwrap_or_default();
            ViaError::Malformed {
                offset: self.base + self.at + e.offset,
                expected: e.expected,
                sent_by_readable: Via::parse(head).is_ok(),
            }
        })
    }

    /// The field value with the top value rewritten by `edits` (ranges in
    /// the value, which must not overlap). Everything outside the edited
    /// ranges is copied as it is. Store it with
    /// [`Message::replace_field_value`] at [`TopVia::index`].
    pub(crate) fn rewritten(&self, edits: &mut [Edit<'_>]) -> Vec<u8> {
        edits.sort_by_key(|e| e.range.start);
        let extra: usize = edits.iter().map(|e| e.prefix.len() + 40).sum();
        let mut out = Vec::with_capacity(self.field.len() + extra);
        let (field, value) = (self.field.as_bytes(), self.value.as_bytes());
        let end = (self.at + value.len()).min(field.len());
        out.extend_from_slice(&field[..self.at.min(end)]);
        let mut copied = 0;
        for edit in edits.iter() {
            let from = edit.range.start.clamp(copied, value.len());
            out.extend_from_slice(&value[copied..from]);
            out.extend_from_slice(edit.prefix.as_bytes());
            edit.piece.write(&mut out);
            copied = edit.range.end.clamp(from, value.len());
        }
        out.extend_from_slice(&value[copied..]);
        out.extend_from_slice(&field[end..]);
        out
    }
}

/// One change to the top Via value: replace `range` (empty to insert) by
/// `prefix` followed by `piece`.
#[derive(Debug, Clone)]
pub(crate) struct Edit<'a> {
    pub(crate) range: Range<usize>,
    pub(crate) prefix: &'static str,
    pub(crate) piece: Piece<'a>,
}

/// What an edit writes, formatted straight into the new field.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Piece<'a> {
    Text(&'a str),
    Port(u16),
    /// An address as the `received` parameter holds it: no brackets, also
    /// for IPv6 (RFC 3261 §20.42 `IPv6address`, RFC 5118 §4.5).
    Ip(IpAddr),
}

impl Piece<'_> {
    fn write(self, out: &mut Vec<u8>) {
        // Writing to a Vec cannot fail.
        let _ = match self {
            Piece::Text(t) => out.write_all(t.as_bytes()),
            Piece::Port(p) => write!(out, "{p}"),
            Piece::Ip(ip) => write!(out, "{ip}"),
        };
    }
}

/// Where `inner` starts in `outer`, if it is a slice of it.
pub(crate) fn offset_in(outer: &str, inner: &str) -> Option<usize> {
    let o = outer.as_ptr() as usize;
    let i = inner.as_ptr() as usize;
    (i >= o && i + inner.len() <= o + outer.len()).then(|| i - o)
}

/// The byte range of `inner` in `outer`, if it is a slice of it.
pub(crate) fn range_in(outer: &str, inner: &str) -> Option<Range<usize>> {
    offset_in(outer, inner).map(|s| s..s + inner.len())
}

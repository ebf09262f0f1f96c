//! The serializer.

use bytes::{BufMut, Bytes, BytesMut};

use super::model::{Line, Sdp};

impl Sdp {
    /// The description as bytes: the received buffer itself while nothing
    /// changed (no copy), else every line written with a CRLF end.
    pub fn to_bytes(&self) -> Bytes {
        match &self.raw {
            Some(raw) => raw.clone(),
            None => self.normalized(),
        }
    }

    /// Every line written from its value with a CRLF end, whether or not
    /// anything changed: what a changed description writes. A description
    /// received with CRLF ends and no trailing blank line writes the same
    /// bytes it was parsed from.
    pub fn normalized(&self) -> Bytes {
        let mut out = BytesMut::with_capacity(self.encoded_len());
        for line in self.all_lines() {
            out.put_u8(line.kind() as u8);
            out.put_u8(b'=');
            out.put_slice(line.value());
            out.put_slice(b"\r\n");
        }
        out.freeze()
    }

    /// Appends the description (as [`Sdp::to_bytes`] writes it) to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_bytes());
    }

    /// Every line, session first, then each media section in order.
    pub fn all_lines(&self) -> impl Iterator<Item = &Line> {
        self.session
            .iter()
            .chain(self.media.iter().flat_map(|m| m.lines.iter()))
    }

    fn encoded_len(&self) -> usize {
        self.all_lines().map(|l| l.value().len() + 4).sum()
    }
}

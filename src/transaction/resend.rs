//! The bytes a machine sends again when its retransmission timer fires.

use bytes::Bytes;

/// Bytes retransmitted on a timer (Timers A, E, G) or on a retransmitted
/// request. Each send hands the layer a new handle, and cloning a `Bytes`
/// writes its shared reference count, which sits in a cache line of its
/// own: with many live transactions a cold one, a miss and a locked
/// instruction in the firing. So a spare handle is made with each clone,
/// while that line is in cache: every other send writes no cold line. The
/// bytes sent are the same either way.
///
/// One spare, not more: the two handles fill the cache line the layer
/// keeps them in, next to the rest of what a retransmission reads.
#[derive(Debug, Clone)]
#[repr(C)]
pub(crate) struct Resend {
    bytes: Bytes,
    spare: Option<Bytes>,
}

impl Resend {
    pub(crate) fn new(bytes: Bytes) -> Resend {
        let spare = Some(bytes.clone());
        Resend { bytes, spare }
    }

    /// How many bytes a send hands out.
    pub(crate) fn len(&self) -> usize {
        self.bytes.len()
    }

    /// A handle to the bytes, to send.
    pub(crate) fn handle(&mut self) -> Bytes {
        if let Some(spare) = self.spare.take() {
            return spare;
        }
        self.spare = Some(self.bytes.clone());
        self.bytes.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_handle_is_the_same_bytes() {
        let bytes = Bytes::from(b"OPTIONS sip:bob@192.0.2.9 SIP/2.0\r\n\r\n".to_vec());
        let mut r = Resend::new(bytes.clone());
        assert_eq!(r.len(), bytes.len());
        for _ in 0..7 {
            assert_eq!(r.handle(), bytes);
        }
    }
}

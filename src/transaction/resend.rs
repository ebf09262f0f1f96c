//! The bytes a machine sends again when its retransmission timer fires.

use bytes::Bytes;

/// Handles made ahead, each one retransmission that writes no cold line.
const SPARES: usize = 2;

/// Bytes retransmitted on a timer (Timers A, E, G) or on a retransmitted
/// request. Each send hands the layer a new handle, and cloning a `Bytes`
/// writes its shared reference count, which sits in a cache line of its
/// own: with many live transactions a cold one, a miss and a locked
/// instruction in the firing. So handles are made a few at a time, while
/// that line is in cache: when the bytes are new (they were just written)
/// and when the spares run out. The bytes sent are the same either way.
#[derive(Debug, Clone)]
pub(crate) struct Resend {
    bytes: Bytes,
    spares: [Option<Bytes>; SPARES],
}

impl Resend {
    pub(crate) fn new(bytes: Bytes) -> Resend {
        let spares = [(); SPARES].map(|()| Some(bytes.clone()));
        Resend { bytes, spares }
    }

    /// A handle to the bytes, to send.
    pub(crate) fn handle(&mut self) -> Bytes {
        if let Some(spare) = self.spares.iter_mut().find_map(Option::take) {
            return spare;
        }
        for spare in &mut self.spares {
            *spare = Some(self.bytes.clone());
        }
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
        for _ in 0..7 {
            assert_eq!(r.handle(), bytes);
        }
    }
}

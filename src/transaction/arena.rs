//! Where the bytes of short-lived UDP transactions are written: shared
//! chunks, so that the many handles to them count their references in a
//! few cache lines instead of one line a message.
//!
//! A `Bytes` made from a `Vec` gets its own reference count, in a heap
//! block of its own, at its first clone. Every retransmission clones the
//! handle it sends (see `Resend`), and every end frees the buffer and
//! that block: with many live transactions each of those touches a cold
//! line, a cache miss apiece. Messages written one after another into a
//! chunk share the chunk's count instead; their transactions started
//! together, so their timers fire together, and that line stays in cache.
//!
//! The price is memory: a chunk is freed when the last handle into it is
//! dropped. Only the non-INVITE kinds over UDP write here: their timers
//! end them at most 64·T1 + T4 after they start (an INVITE may ring for
//! minutes and would pin its chunk), and over UDP they live at least T4
//! anyway (Timer K, Timer J), so a chunk outlives its messages by little.

use bytes::{Bytes, BytesMut};

use crate::message::Message;

/// The chunks messages are written into.
#[derive(Debug, Default)]
pub(super) struct SendArena {
    /// The rest of the current chunk.
    free: BytesMut,
    /// Bytes a chunk holds (0: every message is its own allocation).
    chunk: usize,
}

impl SendArena {
    pub(super) fn new(chunk: usize) -> SendArena {
        SendArena {
            free: BytesMut::new(),
            chunk,
        }
    }

    /// The bytes of `message`, in the current chunk, or a new one when it
    /// has no room (a message larger than a chunk gets one of its own).
    pub(super) fn bytes(&mut self, message: &Message) -> Bytes {
        if self.chunk == 0 {
            return message.to_bytes();
        }
        let len = message.serialized_len();
        if self.free.capacity() - self.free.len() < len {
            self.free = BytesMut::with_capacity(self.chunk.max(len));
        }
        message.write_to(&mut self.free);
        self.free.split().freeze()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Method, RequestBuilder};

    fn options(n: usize) -> Message {
        RequestBuilder::new(Method::Options, "sip:bob@192.0.2.9")
            .raw_header("Call-ID", format!("{n}@192.0.2.1").as_bytes())
            .raw_header("CSeq", b"1 OPTIONS")
            .build()
            .expect("request builds")
    }

    #[test]
    fn messages_come_out_whole_and_share_a_chunk_until_it_is_full() {
        let one = options(1).serialized_len();
        let mut arena = SendArena::new(3 * one);
        let written: Vec<Bytes> = (1..=4).map(|n| arena.bytes(&options(n))).collect();
        for (n, bytes) in (1..=4).zip(&written) {
            assert_eq!(bytes, &options(n).to_bytes());
        }
        // The first three lie one after another in one chunk; the fourth
        // starts a new one.
        let at = |b: &Bytes| b.as_ptr() as usize;
        assert_eq!(at(&written[1]), at(&written[0]) + one);
        assert_eq!(at(&written[2]), at(&written[1]) + one);
        assert_ne!(at(&written[3]), at(&written[2]) + one);
    }

    #[test]
    fn a_message_larger_than_a_chunk_gets_its_own() {
        let mut arena = SendArena::new(16);
        let big = options(7);
        assert!(big.serialized_len() > 16);
        assert_eq!(arena.bytes(&big), big.to_bytes());
        assert_eq!(arena.bytes(&options(8)), options(8).to_bytes());
    }

    #[test]
    fn chunk_zero_writes_each_message_alone() {
        let mut arena = SendArena::new(0);
        assert_eq!(arena.bytes(&options(1)), options(1).to_bytes());
    }
}

//! A [`RawPeer`]: a node that sends scripted bytes at scripted times and
//! records what it receives, optionally answering through a closure. For
//! hand-crafted or misbehaving peers (RFC 2543 ACKs, stray responses,
//! garbage) and for testing the network itself.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;

use super::net::{Datagram, Node};

/// How a [`RawPeer`] answers a datagram: bytes to send back to the sender.
pub type Reply = Box<dyn FnMut(Instant, &Datagram) -> Vec<Bytes>>;

/// A scripted peer on one address.
pub struct RawPeer {
    addr: SocketAddr,
    script: VecDeque<(Instant, SocketAddr, Bytes)>,
    outbox: VecDeque<Datagram>,
    reply: Option<Reply>,
    /// Every datagram received, with its arrival time.
    pub received: Vec<(Instant, Datagram)>,
}

impl RawPeer {
    /// A silent peer on `addr`.
    pub fn new(addr: SocketAddr) -> Self {
        RawPeer {
            addr,
            script: VecDeque::new(),
            outbox: VecDeque::new(),
            reply: None,
            received: Vec::new(),
        }
    }

    /// Answers every datagram received with what `reply` returns.
    pub fn replying(
        mut self,
        reply: impl FnMut(Instant, &Datagram) -> Vec<Bytes> + 'static,
    ) -> Self {
        self.reply = Some(Box::new(reply));
        self
    }

    /// Sends `bytes` to `to` at `at` (in time order; ties keep their order).
    pub fn send_at(&mut self, at: Instant, to: SocketAddr, bytes: impl Into<Bytes>) {
        let pos = self.script.partition_point(|(t, _, _)| *t <= at);
        self.script.insert(pos, (at, to, bytes.into()));
    }

    /// The node's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Node for RawPeer {
    fn handle_datagram(&mut self, now: Instant, datagram: Datagram) {
        if let Some(reply) = &mut self.reply {
            for bytes in reply(now, &datagram) {
                self.outbox.push_back(Datagram {
                    from: self.addr,
                    to: datagram.from,
                    bytes,
                });
            }
        }
        self.received.push((now, datagram));
    }

    fn handle_timeout(&mut self, now: Instant) {
        while self.script.front().is_some_and(|(at, _, _)| *at <= now) {
            let (_, to, bytes) = self.script.pop_front().expect("checked");
            self.outbox.push_back(Datagram {
                from: self.addr,
                to,
                bytes,
            });
        }
    }

    fn poll_timeout(&mut self) -> Option<Instant> {
        self.script.front().map(|(at, _, _)| *at)
    }

    fn poll_transmit(&mut self, _now: Instant) -> Option<Datagram> {
        self.outbox.pop_front()
    }
}

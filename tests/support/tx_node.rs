//! A [`Node`] made of a [`TransactionLayer`] and a transaction user
//! ([`Tu`]): UDP framing with `Message::parse`, one flow, and the drain
//! loop that hands events to the TU and datagrams to the net.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use sansip::message::Message;
use sansip::transaction::{Destination, Target, TransactionLayer, TxConfig, TxEvent, TxOutput};
use sansip::transport::{FlowId, FlowInfo, Transport};

use super::net::{Datagram, Node};

/// The transaction user on top of a [`TxNode`]'s layer.
pub trait Tu: 'static {
    /// An event of the layer. The TU may command the layer; what that
    /// produces is drained after this returns.
    fn on_event(&mut self, now: Instant, event: TxEvent, layer: &mut TransactionLayer);

    /// The TU's own next deadline.
    fn poll_timeout(&self) -> Option<Instant> {
        None
    }

    /// Called when the node's deadline passed (the TU's or the layer's:
    /// check what is due).
    fn handle_timeout(&mut self, now: Instant, layer: &mut TransactionLayer) {
        let _ = (now, layer);
    }
}

/// Counters of a [`TxNode`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TxNodeStats {
    /// Datagrams received.
    pub received: u64,
    /// Datagrams that did not parse (dropped, as a host would).
    pub unparsable: u64,
    /// Datagrams sent.
    pub sent: u64,
    /// Transmits to a host name the node could not resolve (dropped).
    pub unresolved: u64,
}

/// A transaction layer plus a TU, on one UDP address.
pub struct TxNode<U> {
    addr: SocketAddr,
    flow: FlowId,
    /// The layer (tests read its tables and states).
    pub layer: TransactionLayer,
    /// The transaction user.
    pub tu: U,
    names: BTreeMap<(String, u16), SocketAddr>,
    outbox: VecDeque<Datagram>,
    stats: TxNodeStats,
}

impl<U: Tu> TxNode<U> {
    /// A node on `addr` with a fresh layer seeded with `seed`.
    pub fn new(addr: SocketAddr, config: TxConfig, seed: u64, tu: U) -> Self {
        TxNode {
            addr,
            flow: FlowId(1),
            layer: TransactionLayer::new(config, seed),
            tu,
            names: BTreeMap::new(),
            outbox: VecDeque::new(),
            stats: TxNodeStats::default(),
        }
    }

    /// The node's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A UDP target from this node to `remote`.
    pub fn target(&self, remote: SocketAddr) -> Target {
        Target {
            transport: Transport::Udp,
            flow: None,
            remote,
            local: self.addr,
        }
    }

    /// Teaches the node's resolver a name (for `Destination::Name`).
    pub fn resolve(&mut self, host: &str, port: u16, addr: SocketAddr) {
        self.names.insert((host.to_ascii_lowercase(), port), addr);
    }

    /// Counters.
    pub fn stats(&self) -> TxNodeStats {
        self.stats
    }

    /// Runs `f` on the TU and the layer (to start transactions, answer,
    /// ...), then drains what it produced.
    pub fn act<R>(
        &mut self,
        now: Instant,
        f: impl FnOnce(&mut U, &mut TransactionLayer) -> R,
    ) -> R {
        let r = f(&mut self.tu, &mut self.layer);
        self.drain(now);
        r
    }

    /// Hands every layer output on: events to the TU (whose commands add
    /// outputs, drained in the same loop), bytes to the outbox.
    fn drain(&mut self, now: Instant) {
        while let Some(out) = self.layer.poll_output() {
            match out {
                TxOutput::Transmit(t) => {
                    assert_eq!(
                        t.transport,
                        Transport::Udp,
                        "the simulated network carries UDP only (stream links are not modelled yet): {:?}",
                        t.destination
                    );
                    let to = match &t.destination {
                        Destination::Addr(a) => Some(*a),
                        // A name without a port would need SRV: not modelled,
                        // the default port stands in for it.
                        Destination::Name { host, port } => self
                            .names
                            .get(&(host.to_ascii_lowercase(), port.unwrap_or(5060)))
                            .copied(),
                    };
                    match to {
                        Some(to) => self.queue(to, t.bytes),
                        None => self.stats.unresolved += 1,
                    }
                }
                TxOutput::Event(e) => self.tu.on_event(now, e, &mut self.layer),
            }
        }
    }

    fn queue(&mut self, to: SocketAddr, bytes: Bytes) {
        self.stats.sent += 1;
        self.outbox.push_back(Datagram {
            from: self.addr,
            to,
            bytes,
        });
    }
}

impl<U: Tu> Node for TxNode<U> {
    fn handle_datagram(&mut self, now: Instant, datagram: Datagram) {
        self.stats.received += 1;
        let Ok(message) = Message::parse(datagram.bytes) else {
            self.stats.unparsable += 1;
            return;
        };
        let flow = FlowInfo {
            flow: self.flow,
            transport: Transport::Udp,
            local: datagram.to,
            remote: datagram.from,
        };
        self.layer.receive(now, message, flow);
        self.drain(now);
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.layer.handle_timeout(now);
        self.drain(now);
        self.tu.handle_timeout(now, &mut self.layer);
        self.drain(now);
    }

    fn poll_timeout(&mut self) -> Option<Instant> {
        match (self.layer.poll_timeout(), self.tu.poll_timeout()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn poll_transmit(&mut self, now: Instant) -> Option<Datagram> {
        // Picks up what a test commanded through `node_mut` without `act`.
        self.drain(now);
        self.outbox.pop_front()
    }
}

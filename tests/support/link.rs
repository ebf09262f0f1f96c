//! Link models: what the network does to one datagram on its way from one
//! node to another (latency, jitter, loss, duplication, reordering, MTU).
//!
//! Every random choice comes from the [`Net`](super::Net)'s seeded
//! [`Rng`], so a seed replays a run exactly. Only datagrams (UDP) are
//! modelled; a stream link (TCP/TLS/WS: ordered, reliable bytes, segments,
//! connection set-up and reset) will be a second model next to this one,
//! chosen by the transport of what a node sends.

use std::time::Duration;

use sansip::rng::Rng;

/// The behaviour of one direction of a link.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkConfig {
    /// One-way delay every datagram has.
    pub latency: Duration,
    /// Extra delay, uniform in `[0, jitter]`, drawn per datagram (large
    /// jitter reorders datagrams too).
    pub jitter: Duration,
    /// Probability that a datagram is lost.
    pub loss: f64,
    /// Probability that a delivered datagram arrives twice (the copy has
    /// its own delay).
    pub duplicate: f64,
    /// Probability that a datagram is held back by an extra delay, uniform
    /// in `[0, reorder_delay]`, so later ones overtake it.
    pub reorder: f64,
    /// The longest extra delay of a reordered datagram.
    pub reorder_delay: Duration,
    /// Datagrams longer than this (in bytes of SIP message) are dropped and
    /// counted.
    pub mtu: usize,
}

impl Default for LinkConfig {
    /// 10 ms, nothing lost, an Ethernet MTU.
    fn default() -> Self {
        LinkConfig::ideal(Duration::from_millis(10))
    }
}

impl LinkConfig {
    /// A perfect link with a fixed latency and a 1500-byte MTU.
    pub fn ideal(latency: Duration) -> Self {
        LinkConfig {
            latency,
            jitter: Duration::ZERO,
            loss: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
            reorder_delay: Duration::ZERO,
            mtu: 1500,
        }
    }

    /// Sets the jitter.
    pub fn jitter(mut self, jitter: Duration) -> Self {
        self.jitter = jitter;
        self
    }

    /// Sets the loss probability.
    pub fn loss(mut self, p: f64) -> Self {
        self.loss = p;
        self
    }

    /// Sets the duplication probability.
    pub fn duplicate(mut self, p: f64) -> Self {
        self.duplicate = p;
        self
    }

    /// Holds back a share `p` of datagrams by up to `max_extra`.
    pub fn reorder(mut self, p: f64, max_extra: Duration) -> Self {
        self.reorder = p;
        self.reorder_delay = max_extra;
        self
    }

    /// Sets the MTU.
    pub fn mtu(mut self, mtu: usize) -> Self {
        self.mtu = mtu;
        self
    }

    /// Decides the fate of a datagram of `len` bytes.
    pub fn verdict(&self, rng: &mut Rng, len: usize) -> Verdict {
        if len > self.mtu {
            return Verdict::TooBig;
        }
        if chance(rng, self.loss) {
            return Verdict::Lost;
        }
        let first = self.delay(rng);
        let copy = chance(rng, self.duplicate).then(|| self.delay(rng));
        Verdict::Deliver { first, copy }
    }

    fn delay(&self, rng: &mut Rng) -> Delay {
        let mut delay = self.latency + self.jitter.mul_f64(rng.unit());
        let reordered = chance(rng, self.reorder);
        if reordered {
            delay += self.reorder_delay.mul_f64(rng.unit());
        }
        Delay { delay, reordered }
    }
}

/// Draws nothing when `p` is zero, so a perfect link consumes no random
/// numbers.
fn chance(rng: &mut Rng, p: f64) -> bool {
    p > 0.0 && rng.unit() < p
}

/// When one copy of a datagram arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delay {
    /// Time in flight.
    pub delay: Duration,
    /// Whether the reordering delay was added.
    pub reordered: bool,
}

/// What a link does with one datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Longer than the MTU: dropped.
    TooBig,
    /// Lost.
    Lost,
    /// Delivered once, or twice when `copy` is set.
    Deliver {
        /// The datagram.
        first: Delay,
        /// The network's duplicate, if any.
        copy: Option<Delay>,
    },
}

/// Counters of one direction of a link.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStats {
    /// Datagrams handed to the link.
    pub sent: u64,
    /// Copies scheduled for delivery (duplicates included).
    pub delivered: u64,
    /// Datagrams lost.
    pub lost: u64,
    /// Datagrams dropped for exceeding the MTU.
    pub too_big: u64,
    /// Extra copies made.
    pub duplicated: u64,
    /// Copies held back by the reordering delay.
    pub reordered: u64,
    /// Bytes handed to the link.
    pub bytes: u64,
}

impl LinkStats {
    /// Adds another direction's counters.
    pub fn add(&mut self, other: &LinkStats) {
        self.sent += other.sent;
        self.delivered += other.delivered;
        self.lost += other.lost;
        self.too_big += other.too_big;
        self.duplicated += other.duplicated;
        self.reordered += other.reordered;
        self.bytes += other.bytes;
    }
}

//! The simulated network: nodes with addresses, links between them, an
//! in-flight queue, and virtual time that jumps to the next deadline.

use std::any::Any;
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap};
use std::fmt::Write as _;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sansip::rng::Rng;

use super::link::{Delay, LinkConfig, LinkStats, Verdict};
use super::trace::{first_line, Fate, Trace, TraceEntry};

/// One datagram between two addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Datagram {
    /// Sender address.
    pub from: SocketAddr,
    /// Destination address.
    pub to: SocketAddr,
    /// The payload (one SIP message).
    pub bytes: Bytes,
}

/// Anything the network can drive: a sans-IO state machine seen from the
/// outside. The net calls these in a fixed order, so a run is a function of
/// the seed.
pub trait Node: 'static {
    /// A datagram arrived.
    fn handle_datagram(&mut self, now: Instant, datagram: Datagram);
    /// The deadline from [`poll_timeout`](Self::poll_timeout) passed.
    fn handle_timeout(&mut self, now: Instant);
    /// The next instant the node wants `handle_timeout` (`None`: no timer).
    fn poll_timeout(&mut self) -> Option<Instant>;
    /// The next datagram to send, if any.
    fn poll_transmit(&mut self, now: Instant) -> Option<Datagram>;
}

/// `Node` plus downcasting (trait upcasting needs Rust 1.86).
trait AnyNode: Node {
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<N: Node> AnyNode for N {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// A node's index in its net.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub usize);

/// A typed handle to a node: [`Net::node`] returns the concrete type.
#[derive(Debug)]
pub struct NodeHandle<N> {
    id: NodeId,
    _node: PhantomData<fn() -> N>,
}

impl<N> Clone for NodeHandle<N> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<N> Copy for NodeHandle<N> {}

impl<N> NodeHandle<N> {
    /// The untyped id.
    pub fn id(self) -> NodeId {
        self.id
    }
}

impl<N> From<NodeHandle<N>> for NodeId {
    fn from(h: NodeHandle<N>) -> NodeId {
        h.id
    }
}

struct Slot {
    name: String,
    addrs: Vec<SocketAddr>,
    node: Box<dyn AnyNode>,
}

/// A datagram (or copy) in flight, ordered by arrival then by send order.
struct InFlight {
    at: Instant,
    seq: u64,
    to: usize,
    datagram: Datagram,
}

impl PartialEq for InFlight {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for InFlight {}
impl PartialOrd for InFlight {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for InFlight {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Nothing in flight and no timer armed.
    Idle,
    /// The time limit of [`Net::run_for`] / [`Net::run_until`] was reached.
    Deadline,
    /// The condition of [`Net::run_until`] held.
    Condition,
}

/// The simulated network. See the [module docs](super).
pub struct Net {
    seed: u64,
    start: Instant,
    now: Instant,
    rng: Rng,
    nodes: Vec<Slot>,
    routes: BTreeMap<SocketAddr, usize>,
    default_link: LinkConfig,
    links: BTreeMap<(usize, usize), LinkConfig>,
    stats: BTreeMap<(usize, usize), LinkStats>,
    in_flight: BinaryHeap<Reverse<InFlight>>,
    trace: Trace,
    next_seq: u64,
    steps: u64,
    print_trace_on_panic: bool,
}

impl Net {
    /// An empty network whose every random choice follows `seed`.
    pub fn new(seed: u64) -> Net {
        // Any origin will do: only offsets from it are ever shown or compared.
        #[allow(clippy::disallowed_methods)]
        let start = Instant::now();
        Net {
            seed,
            start,
            now: start,
            rng: Rng::new(seed),
            nodes: Vec::new(),
            routes: BTreeMap::new(),
            default_link: LinkConfig::default(),
            links: BTreeMap::new(),
            stats: BTreeMap::new(),
            in_flight: BinaryHeap::new(),
            trace: Trace::default(),
            next_seq: 0,
            steps: 0,
            print_trace_on_panic: true,
        }
    }

    // ---- building ----------------------------------------------------

    /// A seed for a node, drawn from the net's generator (so every node's
    /// randomness follows the net's seed too).
    pub fn fork_seed(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// Adds a node that owns `addr`.
    pub fn add<N: Node>(&mut self, name: &str, addr: SocketAddr, node: N) -> NodeHandle<N> {
        let index = self.nodes.len();
        self.nodes.push(Slot {
            name: name.to_owned(),
            addrs: Vec::new(),
            node: Box::new(node),
        });
        let id = NodeId(index);
        self.add_addr(id, addr);
        NodeHandle {
            id,
            _node: PhantomData,
        }
    }

    /// Gives a node one more address.
    pub fn add_addr(&mut self, node: impl Into<NodeId>, addr: SocketAddr) {
        let NodeId(index) = node.into();
        if let Some(owner) = self.routes.insert(addr, index) {
            panic!("{addr} is already owned by {}", self.nodes[owner].name);
        }
        self.nodes[index].addrs.push(addr);
    }

    /// The link used between nodes that have no link of their own.
    pub fn set_default_link(&mut self, config: LinkConfig) {
        self.default_link = config;
    }

    /// Sets both directions between `a` and `b`.
    pub fn link(&mut self, a: impl Into<NodeId>, b: impl Into<NodeId>, config: LinkConfig) {
        let (a, b) = (a.into(), b.into());
        self.link_one_way(a, b, config.clone());
        self.link_one_way(b, a, config);
    }

    /// Sets the direction from `from` to `to` only.
    pub fn link_one_way(
        &mut self,
        from: impl Into<NodeId>,
        to: impl Into<NodeId>,
        config: LinkConfig,
    ) {
        self.links.insert((from.into().0, to.into().0), config);
    }

    /// Whether to print the trace when the test panics while this net is
    /// alive (on by default; `SIM_TRACE=all` or `SIM_TRACE=<n>` sets how
    /// many entries, 300 by default).
    pub fn print_trace_on_panic(&mut self, on: bool) {
        self.print_trace_on_panic = on;
    }

    // ---- access ------------------------------------------------------

    /// The node behind a handle.
    pub fn node<N: Node>(&self, h: NodeHandle<N>) -> &N {
        self.nodes[h.id.0]
            .node
            .as_any()
            .downcast_ref()
            .expect("a handle always names a node of its type")
    }

    /// The node behind a handle, mutably. Whatever it sends is picked up
    /// when the net runs next.
    pub fn node_mut<N: Node>(&mut self, h: NodeHandle<N>) -> &mut N {
        self.nodes[h.id.0]
            .node
            .as_any_mut()
            .downcast_mut()
            .expect("a handle always names a node of its type")
    }

    /// Runs `f` on a node with the current time.
    pub fn with<N: Node, R>(
        &mut self,
        h: NodeHandle<N>,
        f: impl FnOnce(&mut N, Instant) -> R,
    ) -> R {
        let now = self.now;
        f(self.node_mut(h), now)
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The current virtual time.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// The origin of virtual time.
    pub fn start(&self) -> Instant {
        self.start
    }

    /// Virtual time since the start.
    pub fn elapsed(&self) -> Duration {
        self.now - self.start
    }

    /// Events handled so far (deliveries and timer calls).
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Datagrams in flight.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Every datagram so far.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Counters of the direction `from` → `to`.
    pub fn link_stats(&self, from: impl Into<NodeId>, to: impl Into<NodeId>) -> LinkStats {
        let key = (from.into().0, to.into().0);
        self.stats.get(&key).copied().unwrap_or_default()
    }

    /// Counters of every link together.
    pub fn total_stats(&self) -> LinkStats {
        let mut total = LinkStats::default();
        for s in self.stats.values() {
            total.add(s);
        }
        total
    }

    // ---- running -----------------------------------------------------

    /// Runs until nothing is in flight and no node has a timer. Panics
    /// (and prints the trace) after `max_steps` events.
    pub fn run_until_idle(&mut self, max_steps: u64) {
        self.drive(None, max_steps, |_| false);
    }

    /// Runs for `duration` of virtual time (time is `now + duration`
    /// afterwards even if the net went idle sooner).
    pub fn run_for(&mut self, duration: Duration, max_steps: u64) {
        let end = self.now + duration;
        self.drive(Some(end), max_steps, |_| false);
        self.now = end;
    }

    /// Runs until `done` holds (checked between events), at most for
    /// `limit` of virtual time; returns why it stopped.
    pub fn run_until(
        &mut self,
        limit: Duration,
        max_steps: u64,
        done: impl FnMut(&Net) -> bool,
    ) -> Stop {
        let end = self.now + limit;
        self.drive(Some(end), max_steps, done)
    }

    /// The loop: send what nodes queued, deliver due datagrams, fire due
    /// timers, and jump to the next deadline when nothing is due. At one
    /// instant, datagrams go before timers, datagrams in send order, nodes
    /// in the order they were added.
    fn drive(
        &mut self,
        end: Option<Instant>,
        max_steps: u64,
        mut done: impl FnMut(&Net) -> bool,
    ) -> Stop {
        let mut steps = 0u64;
        loop {
            self.collect_transmits();
            if done(self) {
                return Stop::Condition;
            }
            if steps >= max_steps {
                self.runaway(max_steps);
            }
            let due = self
                .in_flight
                .peek()
                .is_some_and(|Reverse(f)| f.at <= self.now);
            if due {
                let Reverse(f) = self.in_flight.pop().expect("peeked");
                self.nodes[f.to].node.handle_datagram(self.now, f.datagram);
                steps += 1;
                self.steps += 1;
                continue;
            }
            let now = self.now;
            let timer = (0..self.nodes.len()).find(|&i| {
                self.nodes[i]
                    .node
                    .poll_timeout()
                    .is_some_and(|at| at <= now)
            });
            if let Some(i) = timer {
                self.nodes[i].node.handle_timeout(now);
                steps += 1;
                self.steps += 1;
                continue;
            }
            let Some(next) = self.next_deadline() else {
                return Stop::Idle;
            };
            if let Some(end) = end {
                if next > end {
                    self.now = self.now.max(end);
                    return Stop::Deadline;
                }
            }
            self.now = next.max(self.now);
        }
    }

    fn next_deadline(&mut self) -> Option<Instant> {
        let flight = self.in_flight.peek().map(|Reverse(f)| f.at);
        let timers = self.nodes.iter_mut().filter_map(|s| s.node.poll_timeout());
        timers.chain(flight).min()
    }

    #[track_caller]
    fn runaway(&mut self, max_steps: u64) -> ! {
        let mut timers = String::new();
        for slot in &mut self.nodes {
            let at = slot.node.poll_timeout().map(|t| t - self.start);
            let _ = write!(timers, " {}={at:?}", slot.name);
        }
        panic!(
            "the simulation did not go idle within {max_steps} steps (now +{:?}, {} in flight, timers:{timers})",
            self.now - self.start,
            self.in_flight.len(),
        );
    }

    fn collect_transmits(&mut self) {
        for i in 0..self.nodes.len() {
            while let Some(d) = self.nodes[i].node.poll_transmit(self.now) {
                self.send(i, d);
            }
        }
    }

    fn send(&mut self, from: usize, datagram: Datagram) {
        let sent = self.now - self.start;
        let line = first_line(&datagram.bytes);
        let Some(&to) = self.routes.get(&datagram.to) else {
            self.record(sent, &datagram, line, Fate::NoRoute, false, false);
            return;
        };
        let config = self.links.get(&(from, to)).unwrap_or(&self.default_link);
        let verdict = config.verdict(&mut self.rng, datagram.bytes.len());
        let stats = self.stats.entry((from, to)).or_default();
        stats.sent += 1;
        stats.bytes += datagram.bytes.len() as u64;
        match verdict {
            Verdict::TooBig => {
                stats.too_big += 1;
                self.record(sent, &datagram, line, Fate::TooBig, false, false);
            }
            Verdict::Lost => {
                stats.lost += 1;
                self.record(sent, &datagram, line, Fate::Lost, false, false);
            }
            Verdict::Deliver { first, copy } => {
                self.schedule(from, to, sent, &datagram, line.clone(), first, false);
                if let Some(copy) = copy {
                    if let Some(stats) = self.stats.get_mut(&(from, to)) {
                        stats.duplicated += 1;
                    }
                    self.schedule(from, to, sent, &datagram, line, copy, true);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn schedule(
        &mut self,
        from: usize,
        to: usize,
        sent: Duration,
        datagram: &Datagram,
        line: String,
        delay: Delay,
        duplicate: bool,
    ) {
        if let Some(stats) = self.stats.get_mut(&(from, to)) {
            stats.delivered += 1;
            stats.reordered += u64::from(delay.reordered);
        }
        let at = self.now + delay.delay;
        let fate = Fate::Delivered {
            at: at - self.start,
        };
        let seq = self.record(sent, datagram, line, fate, duplicate, delay.reordered);
        self.in_flight.push(Reverse(InFlight {
            at,
            seq,
            to,
            datagram: datagram.clone(),
        }));
    }

    fn record(
        &mut self,
        sent: Duration,
        datagram: &Datagram,
        first_line: String,
        fate: Fate,
        duplicate: bool,
        reordered: bool,
    ) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.trace.push(TraceEntry {
            seq,
            sent,
            from: datagram.from,
            to: datagram.to,
            first_line,
            fate,
            duplicate,
            reordered,
            bytes: datagram.bytes.clone(),
        });
        seq
    }

    /// A summary and the tail of the trace, for failure messages.
    pub fn report(&self, tail: usize) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "=== simulated network: seed {}, now +{:.3}ms, {} steps, {} datagrams traced, {} in flight ===",
            self.seed,
            self.elapsed().as_secs_f64() * 1000.0,
            self.steps,
            self.trace.len(),
            self.in_flight.len()
        );
        for slot in &self.nodes {
            let _ = writeln!(out, "node {:<10} {:?}", slot.name, slot.addrs);
        }
        for ((a, b), s) in &self.stats {
            let _ = writeln!(
                out,
                "link {} -> {}: {s:?}",
                self.nodes[*a].name, self.nodes[*b].name
            );
        }
        let shown = tail.min(self.trace.len());
        let _ = writeln!(out, "--- last {shown} datagrams ---");
        out.push_str(&self.trace.tail(shown));
        out
    }
}

impl Drop for Net {
    /// The Drop-guard: a test that panics while the net is alive prints
    /// its trace (the test harness shows it with the failure).
    fn drop(&mut self) {
        if !std::thread::panicking() || !self.print_trace_on_panic {
            return;
        }
        let tail = match std::env::var("SIM_TRACE").as_deref() {
            Ok("all") => usize::MAX,
            Ok(n) => n.parse().unwrap_or(300),
            Err(_) => 300,
        };
        eprintln!("{}", self.report(tail));
    }
}

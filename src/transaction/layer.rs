//! The transaction layer: the tables of live transactions, matching of
//! received messages (§17.1.3, §17.2.3), the shared timer queue, and the
//! outputs (bytes to send, events for the transaction user).

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher, Hasher};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::action::{Action, Actions, Notice, TxState};
use super::client_invite::ClientInvite;
use super::client_non_invite::ClientNonInvite;
use super::key::{ClientKey, MergeKey, ServerKey};
use super::server_invite::ServerInvite;
use super::server_non_invite::ServerNonInvite;
use super::{TimerConfig, TimerKind, TimerQueue};
use crate::message::headers::{CSeq, Timestamp, Via};
use crate::message::{HeaderName, Message, Method, ResponseBuilder};
use crate::rng::Rng;
use crate::transport::{
    check_request_via, new_branch, set_via_transport, size_decision, stamp_received, stamp_via,
    FlowId, FlowInfo, ResponseTarget, SentBy, SizeDecision, Transport,
};

/// Identifies one transaction for its whole life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TxId(pub u64);

/// Settings of a [`TransactionLayer`].
#[derive(Debug, Clone)]
pub struct TxConfig {
    /// T1, T2, T4 and the values derived from them.
    pub timers: TimerConfig,
    /// Most live transactions (client and server together). Past it, new
    /// requests are answered 503 and `send_request` fails. Each client
    /// INVITE that may still be cancelled holds one slot in reserve for its
    /// CANCEL, so [`TransactionLayer::cancel`] never fails for room (an
    /// INVITE thus needs two free slots to start).
    pub max_transactions: usize,
    /// Ask for `rport` (RFC 3581) in the Via of requests sent.
    pub rport: bool,
    /// Path MTU for the RFC 3261 §18.1.1 size rule (`None`: 1500, so UDP
    /// requests over 1300 bytes go over TCP).
    pub path_mtu: Option<usize>,
}

impl Default for TxConfig {
    fn default() -> Self {
        TxConfig {
            timers: TimerConfig::default(),
            max_transactions: 10_000,
            rport: true,
            path_mtu: None,
        }
    }
}

/// Where a client request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The transport to use (the layer may switch UDP to TCP for size).
    pub transport: Transport,
    /// An existing flow to send on (required for responses on reliable
    /// flows; for requests, `None` lets the host pick or open one).
    pub flow: Option<FlowId>,
    /// The address of the next hop.
    pub remote: SocketAddr,
    /// This side's address, written as the Via sent-by.
    pub local: SocketAddr,
}

/// Where bytes go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A socket address.
    Addr(SocketAddr),
    /// A host name to resolve first (RFC 3263 §5: a response to a Via
    /// sent-by or maddr that is a name): A/AAAA with the port, or SRV when
    /// there is none.
    Name {
        /// The name.
        host: String,
        /// The port, if the Via gave one.
        port: Option<u16>,
    },
}

/// Bytes to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// The transport.
    pub transport: Transport,
    /// The flow to use, if a specific one is required.
    pub flow: Option<FlowId>,
    /// The peer.
    pub destination: Destination,
    /// The message.
    pub bytes: Bytes,
}

/// What the transaction user is told.
#[derive(Debug, Clone)]
pub enum TxEvent {
    /// A new request: a server transaction was created for it. A CANCEL
    /// says which INVITE transaction it cancels, if that one is live.
    Request {
        /// The new server transaction.
        tx: TxId,
        /// The request (Via already stamped with received/rport).
        request: Message,
        /// Where it came from.
        flow: FlowInfo,
        /// For a CANCEL: the INVITE server transaction it matches.
        cancels: Option<TxId>,
    },
    /// A response for a client transaction.
    Response {
        /// The client transaction.
        tx: TxId,
        /// The response.
        response: Message,
    },
    /// An ACK that is not part of a transaction (the ACK for a 2xx, RFC
    /// 3261 §17.2.3 / RFC 6026): the dialog layer takes it.
    Ack {
        /// The INVITE transaction in Accepted state it matched, if any.
        tx: Option<TxId>,
        /// The ACK.
        ack: Message,
        /// Where it came from.
        flow: FlowInfo,
    },
    /// Timer B or F: no final response arrived (for a cancelled INVITE:
    /// none within 64·T1 of the CANCEL, RFC 3261 §9.1).
    Timeout {
        /// The client transaction.
        tx: TxId,
    },
    /// The transport failed while the transaction needed it.
    TransportError {
        /// The transaction.
        tx: TxId,
    },
    /// Timer H: our final response to an INVITE was never acknowledged.
    NoAck {
        /// The server transaction.
        tx: TxId,
    },
    /// The transaction is over and forgotten.
    Terminated {
        /// The transaction.
        tx: TxId,
    },
}

/// One output of the layer.
// Messages keep their header spans inline (no allocation per message);
// outputs are drained as soon as they are produced, so their size matters
// less than an allocation per event would.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum TxOutput {
    /// Send bytes.
    Transmit(Transmit),
    /// Tell the transaction user.
    Event(TxEvent),
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TxError {
    /// The live-transaction limit is reached.
    #[error("{limit} transactions are live, the configured limit")]
    TooManyTransactions {
        /// The limit.
        limit: usize,
    },
    /// No live transaction has this id.
    #[error("no live transaction {0:?}")]
    NoSuchTransaction(TxId),
    /// The command does not fit the transaction (e.g. a response on a
    /// client transaction, a CANCEL before any provisional response).
    #[error("{0}")]
    WrongState(&'static str),
    /// The message lacks what the command needs.
    #[error("the message cannot be used: {0}")]
    BadMessage(&'static str),
}

/// Counters of what was dropped, for diagnostics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TxStats {
    /// Responses that matched no client transaction.
    pub stray_responses: u64,
    /// Requests dropped because no response could be addressed.
    pub dropped_requests: u64,
    /// Requests answered 400, 482 or 503 by the layer itself.
    pub rejected_requests: u64,
}

#[derive(Debug, Clone)]
enum Machine {
    InviteClient(ClientInvite),
    NonInviteClient(ClientNonInvite),
    InviteServer(ServerInvite),
    NonInviteServer(ServerNonInvite),
}

#[derive(Debug, Clone)]
enum Index {
    Client(ClientKey),
    Server(ServerKey, Option<MergeKey>),
}

#[derive(Debug, Clone)]
struct Tx {
    id: TxId,
    /// Its slot in the table (timers name transactions by slot).
    slot: u32,
    machine: Machine,
    /// Boxed: read only to cancel and to forget, so the table entry a
    /// timer touches stays small.
    index: Box<Index>,
    transport: Transport,
    flow: Option<FlowId>,
    destination: Destination,
    /// The request: a client's, to build a CANCEL; a server's, to build
    /// 100 Trying.
    request: Box<Message>,
    /// Generation of each armed timer (0: not armed).
    armed: [u64; 13],
    /// When the request was sent or received.
    started: Instant,
}

/// Hashes a [`TxId`], a counter, by Fibonacci multiplication: one cache
/// line per lookup however many transactions are live (a B-tree walked
/// several), deterministic, and well spread for consecutive ids.
#[derive(Debug, Default, Clone, Copy)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// SipHash-1-3 (std's `DefaultHasher`) keyed from the layer's seed, for the
/// maps whose keys come off the network (branches, tags, Call-IDs). The
/// same seed gives the same layer; flooding one bucket takes the seed. The
/// std `RandomState` would read OS randomness, which sansip never does.
#[derive(Debug, Clone, Copy)]
struct KeyedState([u64; 2]);

impl KeyedState {
    fn from_seed(seed: u64) -> KeyedState {
        // Its own stream, so the branches a seed gives do not change.
        let mut rng = Rng::new(seed ^ 0x6b65_7965_6420_6d61);
        KeyedState([rng.next_u64(), rng.next_u64()])
    }
}

impl BuildHasher for KeyedState {
    type Hasher = DefaultHasher;

    fn build_hasher(&self) -> DefaultHasher {
        let mut h = DefaultHasher::new();
        h.write_u64(self.0[0]);
        h.write_u64(self.0[1]);
        h
    }
}

/// The live transactions: a slab, so a timer reaches its transaction with
/// one memory access (timers carry the slot; a stale one is caught by its
/// generation, which is never reused), and a small id-to-slot map for the
/// API, which names transactions by [`TxId`].
#[derive(Debug, Default)]
struct Table {
    slots: Vec<Option<Tx>>,
    /// Free slots, the most recently freed (warmest) last.
    free: Vec<u32>,
    ids: HashMap<TxId, u32, BuildHasherDefault<IdHasher>>,
}

impl Table {
    fn len(&self) -> usize {
        self.ids.len()
    }

    fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    fn get(&self, id: &TxId) -> Option<&Tx> {
        let slot = *self.ids.get(id)?;
        self.slots[slot as usize].as_ref()
    }

    fn get_mut(&mut self, id: &TxId) -> Option<&mut Tx> {
        let slot = *self.ids.get(id)?;
        self.slots[slot as usize].as_mut()
    }

    fn at_mut(&mut self, slot: u32) -> Option<&mut Tx> {
        self.slots.get_mut(slot as usize)?.as_mut()
    }

    /// Stores `tx` (its `slot` is set here).
    fn insert(&mut self, id: TxId, mut tx: Tx) {
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push(None);
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 transactions")
            }
        };
        tx.slot = slot;
        self.slots[slot as usize] = Some(tx);
        self.ids.insert(id, slot);
    }

    fn remove(&mut self, id: &TxId) -> Option<Tx> {
        let slot = self.ids.remove(id)?;
        let tx = self.slots[slot as usize].take();
        self.free.push(slot);
        tx
    }

    fn iter(&self) -> impl Iterator<Item = (&TxId, &Tx)> + '_ {
        self.ids
            .iter()
            .filter_map(|(id, &s)| Some((id, self.slots[s as usize].as_ref()?)))
    }
}

/// The RFC 3261 §17 transaction layer, sans-IO.
///
/// Inputs: [`send_request`](Self::send_request), [`respond`](Self::respond),
/// [`receive`](Self::receive), [`flow_closed`](Self::flow_closed),
/// [`transport_error`](Self::transport_error),
/// [`handle_timeout`](Self::handle_timeout). Outputs: drain
/// [`poll_output`](Self::poll_output) until it returns `None`, then arm a
/// timer for [`poll_timeout`](Self::poll_timeout).
#[derive(Debug)]
pub struct TransactionLayer {
    config: TxConfig,
    txs: Table,
    clients: HashMap<ClientKey, TxId, KeyedState>,
    servers: HashMap<ServerKey, TxId, KeyedState>,
    merged: HashMap<MergeKey, TxId, KeyedState>,
    timers: TimerQueue<(u32, TimerKind)>,
    /// Generations of entries still queued whose timer was stopped or
    /// whose transaction is gone: a small set, so telling a dead front from
    /// a live one touches no transaction.
    dead: HashSet<u64, BuildHasherDefault<IdHasher>>,
    /// Client INVITEs that have sent no CANCEL: a slot is kept for each.
    cancel_reserve: usize,
    outputs: VecDeque<TxOutput>,
    next_id: u64,
    rng: Rng,
    stats: TxStats,
}

impl TransactionLayer {
    /// A layer with these settings; `seed` feeds the branch generator and
    /// keys the hash of the matching tables (seed it from a CSPRNG in
    /// production).
    pub fn new(config: TxConfig, seed: u64) -> Self {
        TransactionLayer {
            config,
            txs: Table::default(),
            clients: HashMap::with_hasher(KeyedState::from_seed(seed)),
            servers: HashMap::with_hasher(KeyedState::from_seed(seed)),
            merged: HashMap::with_hasher(KeyedState::from_seed(seed)),
            timers: TimerQueue::default(),
            dead: HashSet::default(),
            cancel_reserve: 0,
            outputs: VecDeque::new(),
            next_id: 1,
            rng: Rng::new(seed),
            stats: TxStats::default(),
        }
    }

    // ---- getters -----------------------------------------------------

    /// The state of a live transaction (`None` once it is forgotten).
    pub fn state(&self, tx: TxId) -> Option<TxState> {
        self.txs.get(&tx).map(|t| match &t.machine {
            Machine::InviteClient(m) => m.state(),
            Machine::NonInviteClient(m) => m.state(),
            Machine::InviteServer(m) => m.state(),
            Machine::NonInviteServer(m) => m.state(),
        })
    }

    /// Live transactions.
    pub fn len(&self) -> usize {
        self.txs.len()
    }

    /// Whether no transaction is live.
    pub fn is_empty(&self) -> bool {
        self.txs.is_empty()
    }

    /// Sizes of the matching tables (transactions, client index, server
    /// index, merge index): all return to zero when the layer is idle.
    pub fn table_sizes(&self) -> [usize; 4] {
        [
            self.txs.len(),
            self.clients.len(),
            self.servers.len(),
            self.merged.len(),
        ]
    }

    /// Drop counters.
    pub fn stats(&self) -> TxStats {
        self.stats
    }

    // ---- poll --------------------------------------------------------

    /// The next output, in the order they were produced.
    #[must_use]
    pub fn poll_output(&mut self) -> Option<TxOutput> {
        self.outputs.pop_front()
    }

    /// When [`handle_timeout`](Self::handle_timeout) must next be called:
    /// the deadline of a timer that will act (stopped timers and those of
    /// forgotten transactions are dropped as soon as they reach the front),
    /// or `None` when no timer is armed.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.earliest()
    }

    /// Fires every timer due at `now`, in deadline order.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some((_, generation, (slot, kind))) = self.timers.pop_due(now) {
            if self.dead.remove(&generation) {
                continue; // stopped, or its transaction is gone
            }
            let Some(tx) = self.txs.at_mut(slot) else {
                continue;
            };
            if tx.armed[kind as usize] != generation {
                continue;
            }
            tx.armed[kind as usize] = 0;
            let id = tx.id;
            let actions = match &mut tx.machine {
                Machine::InviteClient(m) => m.on_timer(kind),
                Machine::NonInviteClient(m) => m.on_timer(kind),
                Machine::InviteServer(m) => m.on_timer(kind),
                Machine::NonInviteServer(m) => m.on_timer(kind),
            };
            self.apply(now, id, actions);
        }
        // Dead entries are skipped when they surface; sweep them when they
        // dominate, so memory follows the live timers.
        if self.dead.len() > 64 + self.timers.len() / 2 {
            let dead = std::mem::take(&mut self.dead);
            self.timers.retain(|g, _| !dead.contains(&g));
        }
        self.drop_dead_timers();
    }

    // ---- commands ----------------------------------------------------

    /// Starts a client transaction for `request` (not ACK): stamps our Via
    /// (new branch, sent-by `target.local`, rport), applies the §18.1.1
    /// size rule, sends, and arms the timers.
    pub fn send_request(
        &mut self,
        now: Instant,
        mut request: Message,
        target: Target,
    ) -> Result<TxId, TxError> {
        let method = request
            .method()
            .cloned()
            .ok_or(TxError::BadMessage("not a request"))?;
        if method == Method::Ack {
            return Err(TxError::BadMessage(
                "an ACK is not a transaction: use send_stateless",
            ));
        }
        self.check_capacity(if method == Method::Invite { 2 } else { 1 })?;
        let branch = new_branch(&mut self.rng);
        let mut transport = target.transport;
        stamp_via(
            &mut request,
            transport,
            SentBy::from(target.local),
            &branch,
            self.config.rport,
        )
        .map_err(|_| TxError::BadMessage("the local address cannot be a Via sent-by"))?;
        match size_decision(&request, transport, target.remote, self.config.path_mtu) {
            SizeDecision::Keep => {}
            // §18.1.1: a large request goes over TCP, and the Via says so.
            SizeDecision::SwitchToTcp => {
                transport = Transport::Tcp;
                set_via_transport(&mut request, transport)
                    .map_err(|_| TxError::BadMessage("the top Via cannot be rewritten"))?;
            }
            SizeDecision::MulticastTooLarge => {
                return Err(TxError::BadMessage(
                    "too large for UDP, and a multicast group has no TCP",
                ))
            }
        }
        let flow = if transport == target.transport {
            target.flow
        } else {
            None
        };
        Ok(self.start_client(now, request, method, branch, transport, flow, target.remote))
    }

    /// Sends a CANCEL for a client INVITE transaction that has received a
    /// provisional response (§9.1), as a new client transaction.
    pub fn cancel(&mut self, now: Instant, invite: TxId) -> Result<TxId, TxError> {
        let tx = self
            .txs
            .get(&invite)
            .ok_or(TxError::NoSuchTransaction(invite))?;
        let Machine::InviteClient(m) = &tx.machine else {
            return Err(TxError::WrongState("only a client INVITE can be cancelled"));
        };
        if m.state() != TxState::Proceeding {
            return Err(TxError::WrongState(
                "a CANCEL waits for a provisional response and is useless after a final one",
            ));
        }
        // A second CANCEL would have the first one's branch and method, the
        // key responses are matched by (§17.1.3): the two would share one
        // index entry, and the first to end would unindex the other.
        if m.is_cancelled() {
            return Err(TxError::WrongState(
                "a CANCEL for this INVITE was already sent",
            ));
        }
        let cancel =
            build_cancel(&tx.request).ok_or(TxError::BadMessage("INVITE lacks headers"))?;
        let Index::Client(key) = &*tx.index else {
            return Err(TxError::WrongState("not a client transaction"));
        };
        let (branch, transport, flow, dest) = (
            key.branch.clone(),
            tx.transport,
            tx.flow,
            tx.destination.clone(),
        );
        // The INVITE kept a slot for this CANCEL: no capacity check. §9.1
        // makes the CANCEL the way a ringing INVITE ends; refusing it for
        // room would leave a full table of ringing INVITEs for ever.
        let Destination::Addr(remote) = dest else {
            return Err(TxError::WrongState(
                "the INVITE has no resolved destination",
            ));
        };
        self.cancel_reserve -= 1;
        let id = self.start_client(now, cancel, Method::Cancel, branch, transport, flow, remote);
        if let Some(Machine::InviteClient(m)) = self.txs.get_mut(&invite).map(|t| &mut t.machine) {
            let actions = m.on_cancel_sent();
            self.apply(now, invite, actions);
        }
        Ok(id)
    }

    /// Sends a message outside any transaction (the ACK for a 2xx, a
    /// stateless response).
    pub fn send_stateless(&mut self, message: &Message, target: Target) {
        self.outputs.push_back(TxOutput::Transmit(Transmit {
            transport: target.transport,
            flow: target.flow,
            destination: Destination::Addr(target.remote),
            bytes: message.to_bytes(),
        }));
    }

    /// The TU answers a server transaction.
    pub fn respond(&mut self, now: Instant, tx: TxId, response: Message) -> Result<(), TxError> {
        let t = self
            .txs
            .get_mut(&tx)
            .ok_or(TxError::NoSuchTransaction(tx))?;
        if response.status().is_none() {
            return Err(TxError::BadMessage("not a response"));
        }
        let bytes = response.to_bytes();
        let actions = match &mut t.machine {
            Machine::InviteServer(m) => m.respond(&response, bytes),
            Machine::NonInviteServer(m) => m.respond(&response, bytes),
            _ => return Err(TxError::WrongState("responses go on server transactions")),
        };
        if actions.is_empty() {
            return Err(TxError::WrongState("the transaction takes no response now"));
        }
        self.apply(now, tx, actions);
        Ok(())
    }

    /// A message arrived on `flow` (already parsed).
    pub fn receive(&mut self, now: Instant, message: Message, flow: FlowInfo) {
        if message.is_request() {
            self.receive_request(now, message, flow);
        } else {
            self.receive_response(now, message);
        }
    }

    /// The host reports that a flow closed: its transactions fail.
    pub fn flow_closed(&mut self, now: Instant, flow: FlowId) {
        let mut hit: Vec<TxId> = self
            .txs
            .iter()
            .filter(|(_, t)| t.flow == Some(flow))
            .map(|(id, _)| *id)
            .collect();
        hit.sort_unstable(); // oldest first, whatever the table's order
        for id in hit {
            self.fail(now, id);
        }
    }

    /// The host reports an ICMP-style error for `destination`: the
    /// transactions sending there fail.
    pub fn transport_error(&mut self, now: Instant, destination: SocketAddr) {
        let mut hit: Vec<TxId> = self
            .txs
            .iter()
            .filter(|(_, t)| t.destination == Destination::Addr(destination))
            .map(|(id, _)| *id)
            .collect();
        hit.sort_unstable(); // oldest first, whatever the table's order
        for id in hit {
            self.fail(now, id);
        }
    }

    // ---- internals ---------------------------------------------------

    /// Whether `needed` more transactions fit, besides the slots kept for
    /// CANCELs.
    fn check_capacity(&self, needed: usize) -> Result<(), TxError> {
        if self.txs.len() + self.cancel_reserve + needed > self.config.max_transactions {
            return Err(TxError::TooManyTransactions {
                limit: self.config.max_transactions,
            });
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn start_client(
        &mut self,
        now: Instant,
        request: Message,
        method: Method,
        branch: String,
        transport: Transport,
        flow: Option<FlowId>,
        remote: SocketAddr,
    ) -> TxId {
        let id = self.allocate_id();
        let reliable = transport.is_reliable();
        let timers = self.config.timers;
        let (machine, actions) = if method == Method::Invite {
            let (m, a) = ClientInvite::start(&request, reliable, timers);
            self.cancel_reserve += 1;
            (Machine::InviteClient(m), a)
        } else {
            let (m, a) = ClientNonInvite::start(&request, reliable, timers);
            (Machine::NonInviteClient(m), a)
        };
        let key = ClientKey { branch, method };
        self.clients.insert(key.clone(), id);
        self.txs.insert(
            id,
            Tx {
                id,
                slot: 0,
                machine,
                index: Box::new(Index::Client(key)),
                transport,
                flow,
                destination: Destination::Addr(remote),
                request: Box::new(request),
                armed: [0; 13],
                started: now,
            },
        );
        self.apply(now, id, actions);
        id
    }

    fn allocate_id(&mut self) -> TxId {
        let id = TxId(self.next_id);
        self.next_id += 1;
        id
    }

    fn receive_response(&mut self, now: Instant, response: Message) {
        let Some(key) = ClientKey::of_response(&response) else {
            self.stats.stray_responses += 1;
            return;
        };
        let Some(&id) = self.clients.get(&key) else {
            self.stats.stray_responses += 1;
            return;
        };
        let Some(tx) = self.txs.get_mut(&id) else {
            return;
        };
        let actions = match &mut tx.machine {
            Machine::InviteClient(m) => m.on_response(&response, &tx.request),
            Machine::NonInviteClient(m) => m.on_response(&response),
            _ => Actions::new(),
        };
        self.apply_carrying(now, id, actions, Carried::Response(response));
    }

    fn receive_request(&mut self, now: Instant, mut request: Message, flow: FlowInfo) {
        // §18.2.1: a request whose top Via is unusable gets 400 where a
        // response can still be addressed, and is dropped otherwise.
        if let Err(e) = check_request_via(&request) {
            if e.can_respond() {
                self.reject(&request, &flow, 400, "Bad Request");
            } else {
                self.stats.dropped_requests += 1;
            }
            return;
        }
        if stamp_received(&mut request, flow.remote).is_err() {
            self.stats.dropped_requests += 1;
            return;
        }
        let Some(key) = ServerKey::of_request(&request) else {
            self.reject(&request, &flow, 400, "Bad Request");
            return;
        };
        let method = request.method().cloned().unwrap_or(Method::Options);
        if let Some(&id) = self.servers.get(&key) {
            let Some(tx) = self.txs.get_mut(&id) else {
                return;
            };
            let actions = match (&mut tx.machine, &method) {
                (Machine::InviteServer(m), Method::Ack) => {
                    // RFC 2543 ACK: its To tag must be the one we sent.
                    if matches!(key, ServerKey::Rfc2543 { .. })
                        && m.final_to_tag().is_some()
                        && super::server_invite::to_tag(&request).as_deref() != m.final_to_tag()
                    {
                        return;
                    }
                    let actions = m.on_ack();
                    self.apply_carrying(now, id, actions, Carried::Ack(request, flow));
                    return;
                }
                (Machine::InviteServer(m), _) => m.on_retransmission(),
                (Machine::NonInviteServer(m), _) => m.on_retransmission(),
                _ => Actions::new(),
            };
            self.apply(now, id, actions);
            return;
        }
        if method == Method::Ack {
            // No transaction: the ACK for a 2xx, for the dialog layer.
            self.outputs.push_back(TxOutput::Event(TxEvent::Ack {
                tx: None,
                ack: request,
                flow,
            }));
            return;
        }
        let merge = MergeKey::of_request(&request);
        if let Some(m) = &merge {
            if self.merged.contains_key(m) {
                self.reject(&request, &flow, 482, "Loop Detected");
                return;
            }
        }
        if self.check_capacity(1).is_err() {
            self.reject(&request, &flow, 503, "Service Unavailable");
            return;
        }
        let cancels = (method == Method::Cancel)
            .then(|| {
                self.servers
                    .get(&ServerKey::invite_for_cancel(&key))
                    .copied()
            })
            .flatten();
        let id = self.allocate_id();
        let reliable = flow.transport.is_reliable();
        let (machine, actions) = if method == Method::Invite {
            let (m, a) = ServerInvite::start(reliable, self.config.timers);
            (Machine::InviteServer(m), a)
        } else {
            let m = ServerNonInvite::start(reliable, self.config.timers);
            (Machine::NonInviteServer(m), Actions::new())
        };
        let (destination, reply_flow) = response_destination(&request, &flow);
        self.servers.insert(key.clone(), id);
        if let Some(m) = &merge {
            self.merged.insert(m.clone(), id);
        }
        self.txs.insert(
            id,
            Tx {
                id,
                slot: 0,
                machine,
                index: Box::new(Index::Server(key, merge)),
                transport: flow.transport,
                flow: reply_flow,
                destination,
                request: Box::new(request.clone()),
                armed: [0; 13],
                started: now,
            },
        );
        self.outputs.push_back(TxOutput::Event(TxEvent::Request {
            tx: id,
            request,
            flow,
            cancels,
        }));
        self.apply(now, id, actions);
    }

    /// Answers a request the layer will not pass on, without a transaction.
    fn reject(&mut self, request: &Message, flow: &FlowInfo, code: u16, reason: &str) {
        if request.method() == Some(&Method::Ack) || !request.has(HeaderName::Via) {
            self.stats.dropped_requests += 1;
            return;
        }
        let Ok(resp) = ResponseBuilder::for_request(request, code, reason).build() else {
            self.stats.dropped_requests += 1;
            return;
        };
        self.stats.rejected_requests += 1;
        let (destination, reply_flow) = response_destination(request, flow);
        self.outputs.push_back(TxOutput::Transmit(Transmit {
            transport: flow.transport,
            flow: reply_flow,
            destination,
            bytes: resp.to_bytes(),
        }));
    }

    fn fail(&mut self, now: Instant, id: TxId) {
        let Some(tx) = self.txs.get_mut(&id) else {
            return;
        };
        let actions = match &mut tx.machine {
            Machine::InviteClient(m) => m.on_transport_error(),
            Machine::NonInviteClient(m) => m.on_transport_error(),
            Machine::InviteServer(m) => m.on_transport_error(),
            Machine::NonInviteServer(m) => m.on_transport_error(),
        };
        self.apply(now, id, actions);
    }

    fn apply(&mut self, now: Instant, id: TxId, actions: Actions) {
        self.apply_carrying(now, id, actions, Carried::Nothing);
    }

    /// Carries out a machine's actions in order; `carried` is the message
    /// that caused them, moved into the event if the machine passes it on.
    /// Zero-length timers fire at once (reliable transports zero D, I, J, K).
    fn apply_carrying(&mut self, now: Instant, id: TxId, actions: Actions, carried: Carried) {
        let mut carried = Some(carried);
        let mut queue = actions;
        let mut next = 0;
        while next < queue.len() {
            // Taken out in order; the placeholder left behind is never read.
            let action = std::mem::replace(&mut queue[next], Action::Terminate);
            next += 1;
            let Some(tx) = self.txs.get_mut(&id) else {
                break;
            };
            match action {
                Action::Send(bytes) => self.outputs.push_back(TxOutput::Transmit(Transmit {
                    transport: tx.transport,
                    flow: tx.flow,
                    destination: tx.destination.clone(),
                    bytes,
                })),
                Action::Arm(kind, after) if after == Duration::ZERO => {
                    let more = match &mut tx.machine {
                        Machine::InviteClient(m) => m.on_timer(kind),
                        Machine::NonInviteClient(m) => m.on_timer(kind),
                        Machine::InviteServer(m) => m.on_timer(kind),
                        Machine::NonInviteServer(m) => m.on_timer(kind),
                    };
                    queue.extend(more);
                }
                Action::Arm(kind, after) => {
                    let old = tx.armed[kind as usize];
                    if old != 0 {
                        self.dead.insert(old);
                    }
                    tx.armed[kind as usize] = self.timers.insert(now, after, (tx.slot, kind));
                }
                Action::Cancel(kind) => {
                    let old = std::mem::take(&mut tx.armed[kind as usize]);
                    if old != 0 {
                        self.dead.insert(old);
                    }
                }
                Action::Tell(Notice::PassOn) => {
                    let event = match carried.take() {
                        Some(Carried::Response(response)) => TxEvent::Response { tx: id, response },
                        Some(Carried::Ack(ack, flow)) => TxEvent::Ack {
                            tx: Some(id),
                            ack,
                            flow,
                        },
                        _ => continue,
                    };
                    self.outputs.push_back(TxOutput::Event(event));
                }
                Action::Tell(notice) => self.tell(now, id, notice),
                Action::Terminate => self.forget(id),
            }
        }
        self.drop_dead_timers();
    }

    /// Pops stopped timers and those of forgotten transactions off the
    /// front of the queue, so [`poll_timeout`](Self::poll_timeout) names a
    /// timer that acts. Each entry is popped at most once, and telling dead
    /// from live reads only the small set of dead generations.
    fn drop_dead_timers(&mut self) {
        while let Some((_, generation, _)) = self.timers.peek() {
            if !self.dead.remove(&generation) {
                break;
            }
            self.timers.pop();
        }
    }

    fn tell(&mut self, now: Instant, id: TxId, notice: Notice) {
        let event = match notice {
            Notice::Timeout => TxEvent::Timeout { tx: id },
            Notice::TransportError => TxEvent::TransportError { tx: id },
            Notice::NoAck => TxEvent::NoAck { tx: id },
            Notice::PassOn => return,
            Notice::SendTrying => {
                let Some(tx) = self.txs.get(&id) else { return };
                let mut trying = ResponseBuilder::for_request(&tx.request, 100, "Trying");
                // §8.2.6.1: a Timestamp in the request is copied into the
                // 100, with the time we held the request added as its delay.
                match tx.request.header_opt::<Timestamp>() {
                    Ok(Some(ts)) => {
                        let held = now.saturating_duration_since(tx.started);
                        let delay = format!("{}.{:03}", held.as_secs(), held.subsec_millis());
                        trying = trying.header(&Timestamp {
                            time: ts.time,
                            delay: Some(&delay),
                        });
                    }
                    Ok(None) => {}
                    Err(_) => {
                        if let Some(raw) = tx.request.raw(HeaderName::Timestamp) {
                            trying = trying.raw_header("Timestamp", raw);
                        }
                    }
                }
                if let Ok(resp) = trying.build() {
                    let bytes = resp.to_bytes();
                    if let Some(tx) = self.txs.get_mut(&id) {
                        if let Machine::InviteServer(m) = &mut tx.machine {
                            let actions = m.respond(&resp, bytes);
                            self.apply(now, id, actions);
                        }
                    }
                }
                return;
            }
        };
        self.outputs.push_back(TxOutput::Event(event));
    }

    fn forget(&mut self, id: TxId) {
        let Some(tx) = self.txs.remove(&id) else {
            return;
        };
        self.dead
            .extend(tx.armed.iter().copied().filter(|&g| g != 0));
        if let Machine::InviteClient(m) = &tx.machine {
            if !m.is_cancelled() {
                self.cancel_reserve -= 1;
            }
        }
        match *tx.index {
            Index::Client(k) => {
                self.clients.remove(&k);
            }
            Index::Server(k, m) => {
                self.servers.remove(&k);
                if let Some(m) = m {
                    self.merged.remove(&m);
                }
            }
        }
        self.outputs
            .push_back(TxOutput::Event(TxEvent::Terminated { tx: id }));
    }
}

/// The message an input brought, for events that pass it on.
enum Carried {
    Nothing,
    Response(Message),
    Ack(Message, FlowInfo),
}

/// Where a server transaction's responses go (§18.2.2, via
/// [`transport::response_destination`](crate::transport::response_destination)),
/// as a destination and the flow to send from.
fn response_destination(request: &Message, flow: &FlowInfo) -> (Destination, Option<FlowId>) {
    let Ok(via) = request.header::<Via>() else {
        return (Destination::Addr(flow.remote), Some(flow.flow));
    };
    match crate::transport::response_destination(&via, flow) {
        ResponseTarget::SameFlow(f) => (Destination::Addr(flow.remote), Some(f)),
        // Over UDP, answer from the socket the request came in on.
        ResponseTarget::Address { addr, transport } => {
            let same_socket = transport == flow.transport && !transport.is_reliable();
            (Destination::Addr(addr), same_socket.then_some(flow.flow))
        }
        ResponseTarget::Multicast { group, .. } => (Destination::Addr(group), None),
        ResponseTarget::Resolve { host, port, .. } => (
            Destination::Name {
                host: host.to_owned(),
                port,
            },
            None,
        ),
    }
}

/// The CANCEL for an INVITE (§9.1): same Request-URI, Call-ID, To, From,
/// CSeq number and top Via (so the same branch), and its Route set.
fn build_cancel(invite: &Message) -> Option<Message> {
    let uri = invite.request_uri_str()?;
    let mut b = crate::message::RequestBuilder::new(Method::Cancel, uri);
    let top = std::str::from_utf8(invite.raw(HeaderName::Via)?).ok()?;
    b = b.raw_header("Via", crate::message::split_list(top).next()?.1.as_bytes());
    b = b.raw_header("Max-Forwards", b"70");
    for f in invite.fields() {
        if matches!(
            f.name,
            HeaderName::From | HeaderName::To | HeaderName::CallId | HeaderName::Route
        ) {
            b = b.raw_header(f.name.as_str(), f.value);
        }
    }
    let seq = invite.header::<CSeq>().ok()?.seq;
    b = b.raw_header("CSeq", format!("{seq} CANCEL").as_bytes());
    b.build().ok()
}

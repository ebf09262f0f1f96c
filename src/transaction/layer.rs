//! The transaction layer: the tables of live transactions, matching of
//! received messages (§17.1.3, §17.2.3), the shared timer queue, and the
//! outputs (bytes to send, events for the transaction user).

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::Instant;

use super::action::{Actions, Notice, TxState};
use super::arena::SendArena;
use super::client_invite::{invite_sibling, ClientInvite};
use super::client_non_invite::ClientNonInvite;
use super::key::{ClientKey, MergeKey, ServerKey};
use super::server_invite::ServerInvite;
use super::server_non_invite::ServerNonInvite;
use super::table::{Cold, Index, Kept, KeyedState, Machine, Table, TimerKey, Tx};
use super::types::{
    Destination, Target, Transmit, TxConfig, TxError, TxEvent, TxId, TxOutput, TxStats,
};
use super::{validate, TimerQueue};
use crate::message::headers::{Timestamp, Via};
use crate::message::{HeaderName, Message, Method, ResponseBuilder};
use crate::rng::Rng;
use crate::transport::{
    check_request_via, set_via_transport, size_decision, stamp_received, stamp_via,
    top_via_is_ours, FlowId, FlowInfo, ResponseTarget, SentBy, SizeDecision, Transport,
};

mod apply;

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
    /// A client INVITE's id to its CANCEL's: a CANCEL carries its
    /// INVITE's branch (§9.1), so responses to it name the INVITE. Other
    /// client transactions are found from the branch alone (`ClientKey`).
    cancels: HashMap<TxId, TxId, KeyedState>,
    servers: HashMap<ServerKey, TxId, KeyedState>,
    merged: HashMap<MergeKey, TxId, KeyedState>,
    timers: TimerQueue<TimerKey>,
    /// Entries queued whose timer was stopped, armed again, or whose
    /// transaction is gone: swept when they outnumber the live ones.
    stale: usize,
    /// Client INVITEs that have sent no CANCEL: a slot is kept for each.
    cancel_reserve: usize,
    outputs: VecDeque<TxOutput>,
    /// Where the bytes of non-INVITE transactions over UDP are written.
    arena: SendArena,
    rng: Rng,
    stats: TxStats,
}

impl TransactionLayer {
    /// A layer with these settings; `seed` feeds the branch generator and
    /// keys the hash of the matching tables (seed it from a CSPRNG in
    /// production).
    pub fn new(config: TxConfig, seed: u64) -> Self {
        let chunk = config.send_chunk;
        TransactionLayer {
            config,
            txs: Table::default(),
            cancels: HashMap::with_hasher(KeyedState::from_seed(seed)),
            servers: HashMap::with_hasher(KeyedState::from_seed(seed)),
            merged: HashMap::with_hasher(KeyedState::from_seed(seed)),
            timers: TimerQueue::default(),
            stale: 0,
            cancel_reserve: 0,
            outputs: VecDeque::new(),
            arena: SendArena::new(chunk),
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

    /// Sizes of the matching tables (transactions, CANCELs by their
    /// INVITE, server index, merge index): all return to zero when the
    /// layer is idle. Other client transactions need no index: the branch
    /// we write names the transaction.
    pub fn table_sizes(&self) -> [usize; 4] {
        [
            self.txs.len(),
            self.cancels.len(),
            self.servers.len(),
            self.merged.len(),
        ]
    }

    /// Entries in the timer queue, stopped timers not yet dropped
    /// included: at most the live timers plus as many again and 128 (a
    /// stopped timer is dropped when it reaches the front, or by a sweep
    /// once stopped ones outnumber live ones).
    pub fn timer_entries(&self) -> usize {
        self.timers.len()
    }

    /// Drop counters.
    pub fn stats(&self) -> TxStats {
        self.stats
    }

    // ---- poll --------------------------------------------------------

    /// The next output, in the order they were produced.
    #[must_use]
    pub fn poll_output(&mut self) -> Option<TxOutput> {
        let out = self.outputs.pop_front();
        if self.outputs.is_empty() {
            // Back to the start of the ring (`clear` resets it): otherwise
            // each output lands on the next slot of whatever capacity a
            // burst left, a cold kilobyte (a `TxOutput` is that large) per
            // output once that capacity outgrows the caches.
            self.outputs.clear();
        }
        out
    }

    /// When [`handle_timeout`](Self::handle_timeout) must next be called:
    /// the deadline of a timer that will act (stopped timers and those of
    /// forgotten transactions are dropped as soon as they reach the front),
    /// or `None` when no timer is armed.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.earliest()
    }

    // ---- commands ----------------------------------------------------

    /// Starts a client transaction for `request` (not ACK): stamps our Via
    /// (new branch, sent-by `target.local`, rport), applies the §18.1.1
    /// size rule, sends, and arms the timers.
    ///
    /// The branch is the magic cookie `z9hG4bK`, 17 random characters
    /// (over 96 bits), and 11 that name the transaction, so its responses
    /// are matched without an index; a response must carry all of it.
    pub fn send_request(
        &mut self,
        now: Instant,
        request: Message,
        target: Target,
    ) -> Result<TxId, TxError> {
        self.send_request_from(now, request, target, SentBy::from(target.local))
    }

    /// [`send_request`](Self::send_request) with a Via sent-by that is not
    /// `target.local`: a host name, or the `.invalid` name of a WebSocket
    /// client that cannot be reached on its own address (RFC 7118 §5).
    pub fn send_request_from(
        &mut self,
        now: Instant,
        mut request: Message,
        target: Target,
        sent_by: SentBy<'_>,
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
        let key = ClientKey::new(&mut self.rng, self.txs.next_id(), method);
        let branch = key.branch();
        let mut transport = target.transport;
        stamp_via(&mut request, transport, sent_by, &branch, self.config.rport)
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
        Ok(self.start_client(now, request, key, transport, flow, target.remote))
    }

    /// Sends a CANCEL for a client INVITE transaction that has received a
    /// provisional response (§9.1), as a new client transaction.
    pub fn cancel(&mut self, now: Instant, invite: TxId) -> Result<TxId, TxError> {
        let timers = self.config.timers;
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
        let Some(invite_request) = tx.cold.kept.request() else {
            return Err(TxError::WrongState("not a client transaction"));
        };
        let cancel = invite_sibling(invite_request, Method::Cancel, invite_request)
            .ok_or(TxError::BadMessage("INVITE lacks headers"))?;
        let Index::Client(key) = &tx.cold.index else {
            return Err(TxError::WrongState("not a client transaction"));
        };
        // Same branch (the CANCEL copies the INVITE's Via), other method.
        let key = ClientKey {
            method: Method::Cancel,
            ..key.clone()
        };
        let (transport, flow, dest) = (tx.transport, tx.flow(), tx.remote());
        // The INVITE kept a slot for this CANCEL: no capacity check. §9.1
        // makes the CANCEL the way a ringing INVITE ends; refusing it for
        // room would leave a full table of ringing INVITEs for ever.
        let Some(remote) = dest else {
            return Err(TxError::WrongState(
                "the INVITE has no resolved destination",
            ));
        };
        self.cancel_reserve -= 1;
        let id = self.start_client(now, cancel, key, transport, flow, remote);
        if let Some(Machine::InviteClient(m)) = self.txs.get_mut(&invite).map(|t| &mut t.machine) {
            let actions = m.on_cancel_sent(&timers);
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
        let timers = self.config.timers;
        let t = self
            .txs
            .get_mut(&tx)
            .ok_or(TxError::NoSuchTransaction(tx))?;
        if response.status().is_none() {
            return Err(TxError::BadMessage("not a response"));
        }
        let bytes = match t.machine {
            Machine::NonInviteServer(_) if !t.transport.is_reliable() => {
                self.arena.bytes(&response)
            }
            _ => response.to_bytes(),
        };
        let actions = match &mut t.machine {
            Machine::InviteServer(m) => m.respond(&response, bytes, &timers),
            Machine::NonInviteServer(m) => m.respond(&response, bytes, &timers),
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
        let hit = self.oldest_first(|t| t.flow() == Some(flow));
        for id in hit {
            self.fail(now, id);
        }
    }

    /// The host reports an ICMP-style error for `destination`: the
    /// transactions sending there fail.
    pub fn transport_error(&mut self, now: Instant, destination: SocketAddr) {
        let hit = self.oldest_first(|t| t.remote() == Some(destination));
        for id in hit {
            self.fail(now, id);
        }
    }

    // ---- internals ---------------------------------------------------

    /// The live transactions `pick` takes, oldest first, whatever the
    /// table's order.
    fn oldest_first(&self, pick: impl Fn(&Tx) -> bool) -> Vec<TxId> {
        let mut hit: Vec<(u64, TxId)> = self
            .txs
            .iter()
            .filter(|(_, t)| pick(t))
            .map(|(id, t)| (t.cold.rank, id))
            .collect();
        hit.sort_unstable();
        hit.into_iter().map(|(_, id)| id).collect()
    }

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

    fn start_client(
        &mut self,
        now: Instant,
        request: Message,
        key: ClientKey,
        transport: Transport,
        flow: Option<FlowId>,
        remote: SocketAddr,
    ) -> TxId {
        let id = self.txs.next_id();
        let reliable = transport.is_reliable();
        let timers = self.config.timers;
        let invite = key.method == Method::Invite;
        let (machine, actions) = if invite {
            let (m, a) = ClientInvite::start(&request, reliable, &timers);
            self.cancel_reserve += 1;
            (Machine::InviteClient(m), a)
        } else {
            let bytes = if reliable {
                request.to_bytes()
            } else {
                self.arena.bytes(&request)
            };
            let (m, a) = ClientNonInvite::start(bytes, reliable, &timers);
            (Machine::NonInviteClient(m), a)
        };
        if key.method == Method::Cancel {
            self.cancels.insert(key.owner, id);
        } else {
            debug_assert_eq!(key.owner, id, "a branch names its own transaction");
        }
        // A non-INVITE request is dropped here, while its memory is warm.
        let cold = Cold {
            index: Index::Client(key),
            kept: Kept::client(request, invite),
            rank: 0,
        };
        let to = Destination::Addr(remote);
        self.txs
            .insert(Tx::new(id, machine, transport, flow, to, cold));
        self.apply(now, id, actions);
        id
    }

    fn receive_response(&mut self, now: Instant, response: Message) {
        let timers = self.config.timers;
        let Some(key) = ClientKey::of_response(&response) else {
            self.stats.stray_responses += 1;
            return;
        };
        let id = match key.method {
            Method::Cancel => self.cancels.get(&key.owner).copied(),
            _ => Some(key.owner),
        };
        let Some((id, tx)) = id.and_then(|id| self.txs.get_mut(&id).map(|tx| (id, tx))) else {
            self.stats.stray_responses += 1;
            return;
        };
        // The branch named this transaction: the rest of it and the method
        // must be those it sent.
        if !matches!(&tx.cold.index, Index::Client(k) if *k == key) {
            self.stats.stray_responses += 1;
            return;
        }
        // §18.1.2: a response whose top Via sent-by is not the one we wrote
        // is discarded, even when its branch matches.
        let ours = tx.cold.kept.sent_by();
        if !ours.is_some_and(|s| top_via_is_ours(&response, &[s])) {
            self.stats.stray_responses += 1;
            return;
        }
        let actions = match (&mut tx.machine, tx.cold.kept.request()) {
            (Machine::InviteClient(m), Some(request)) => m.on_response(&response, request, &timers),
            (Machine::NonInviteClient(m), _) => m.on_response(&response, &timers),
            _ => Actions::new(),
        };
        self.apply_carrying(now, id, actions, Carried::Response(response));
    }

    fn receive_request(&mut self, now: Instant, mut request: Message, flow: FlowInfo) {
        let timers = self.config.timers;
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
        // §8.1.1: without its identifying headers, nothing can be matched.
        if let Some(fault) = validate::request_fault(&request) {
            self.reject(&request, &flow, 400, &fault.to_string());
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
                    let actions = m.on_ack(&timers);
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
        let id = self.txs.next_id();
        let reliable = flow.transport.is_reliable();
        let (machine, actions) = if method == Method::Invite {
            let (m, a) = ServerInvite::start(reliable, &self.config.timers);
            (Machine::InviteServer(m), a)
        } else {
            let m = ServerNonInvite::start(reliable);
            (Machine::NonInviteServer(m), Actions::new())
        };
        let (destination, reply_flow) = response_destination(&request, &flow);
        self.servers.insert(key.clone(), id);
        if let Some(m) = &merge {
            self.merged.insert(m.clone(), id);
        }
        let kept = if method == Method::Invite {
            Kept::InviteServer {
                request: Box::new(request.clone()),
                started: now,
            }
        } else {
            Kept::NonInviteServer
        };
        let cold = Cold {
            index: Index::Server(Box::new((key, merge))),
            kept,
            rank: 0,
        };
        let tx = Tx::new(id, machine, flow.transport, reply_flow, destination, cold);
        self.txs.insert(tx);
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

    fn tell(&mut self, now: Instant, id: TxId, notice: Notice) {
        let timers = self.config.timers;
        let event = match notice {
            Notice::Timeout => TxEvent::Timeout { tx: id },
            Notice::TransportError => TxEvent::TransportError { tx: id },
            Notice::NoAck => TxEvent::NoAck { tx: id },
            Notice::PassOn => return,
            Notice::SendTrying => {
                let Some(tx) = self.txs.get(&id) else { return };
                let Kept::InviteServer { request, started } = &tx.cold.kept else {
                    return;
                };
                let mut trying = ResponseBuilder::for_request(request, 100, "Trying");
                // §8.2.6.1: a Timestamp in the request is copied into the
                // 100, with the time we held the request added as its delay.
                match request.header_opt::<Timestamp>() {
                    Ok(Some(ts)) => {
                        let held = now.saturating_duration_since(*started);
                        let delay = format!("{}.{:03}", held.as_secs(), held.subsec_millis());
                        trying = trying.header(&Timestamp {
                            time: ts.time,
                            delay: Some(&delay),
                        });
                    }
                    Ok(None) => {}
                    Err(_) => {
                        if let Some(raw) = request.raw(HeaderName::Timestamp) {
                            trying = trying.raw_header("Timestamp", raw);
                        }
                    }
                }
                if let Ok(resp) = trying.build() {
                    let bytes = resp.to_bytes();
                    if let Some(tx) = self.txs.get_mut(&id) {
                        if let Machine::InviteServer(m) = &mut tx.machine {
                            let actions = m.respond(&resp, bytes, &timers);
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
        // Its queued timers go stale; they are dropped as they surface.
        self.stale += tx.armed_count();
        if let Machine::InviteClient(m) = &tx.machine {
            if !m.is_cancelled() {
                self.cancel_reserve -= 1;
            }
        }
        match &tx.cold.index {
            Index::Client(k) => {
                if k.method == Method::Cancel {
                    self.cancels.remove(&k.owner);
                }
            }
            Index::Server(keys) => {
                let (k, m) = &**keys;
                self.servers.remove(k);
                if let Some(m) = m {
                    self.merged.remove(m);
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

//! The Endpoint: one SIP user agent as a sans-IO state machine.
//!
//! An [`Endpoint`] holds everything one user agent has (transactions,
//! flows, registrations, messages in flight). The crate documentation
//! describes its kinds of methods, the drain order, the single-mutation
//! invariant, the panic policy, and shows a complete host loop.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;

use crate::auth::DigestClient;
use crate::log::{first_line, log_at, Level, Logger};
use crate::message::{Message, StreamItem};
use crate::resolve::{LookupId, Resolver, ResolverConfig, TargetHost, TargetSpec};
use crate::rng::Rng;
use crate::transaction::{
    Destination, TransactionLayer, Transmit as TxTransmit, TxConfig, TxEvent, TxId, TxOutput,
};
use crate::transport::{ws_invalid_host, FlowId, FlowInfo, Transport};
use crate::usage::registration::Registration;

mod config;
mod dispatch;
mod flows;
mod identity;
mod io;
pub(crate) mod keepalive;
pub(crate) mod outgoing;
pub(crate) mod timers;

pub use crate::usage::publication::PublicationId;
pub use crate::usage::registration::{RegisterOptions, RegistrationState};
pub use crate::usage::session::{EndCause, EndReason, InviteOptions, SessionId, SessionState};
pub use crate::usage::subscription::{SubState, SubscriptionId};
pub use config::{
    Config, ConfigError, LocalAddr, MessagePolicy, ReconnectPolicy, RingPolicy, SourcePolicy,
};
pub use io::{Connect, Event, Failure, Gruu, Input, MessageId, Output, RegistrationId, Transmit};

use flows::Flows;
use identity::Identity;
use outgoing::{OutId, Outgoing};
use timers::{Timer, Timers};

/// Why a command could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CommandError {
    /// A URI argument is not usable.
    #[error("{what} {uri:?} is not a usable sip: or sips: URI")]
    BadUri {
        /// Which argument.
        what: &'static str,
        /// The value given.
        uri: String,
    },
    /// A header or content type argument cannot go into a message.
    #[error("{what} cannot go into a message: {value:?}")]
    BadText {
        /// Which argument.
        what: &'static str,
        /// The value given.
        value: String,
    },
    /// A configured limit is reached.
    #[error("the limit of {limit} {what} is reached")]
    Limit {
        /// What is limited.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// No such registration.
    #[error("no registration {0:?}")]
    NoSuchRegistration(RegistrationId),
    /// No such call (it ended, or is not of the right kind).
    #[error("no call {0:?}")]
    NoSuchSession(SessionId),
    /// The command does not fit where the call stands.
    #[error("{what}")]
    WrongState {
        /// What was wrong.
        what: &'static str,
    },
    /// An SDP given (or needed) for a call does not fit the offer/answer
    /// exchange (RFC 3264): unreadable, a second offer while one is
    /// pending, an answer whose streams differ from the offer's, no
    /// answer to give.
    #[error("{what}: {error}")]
    Sdp {
        /// Which SDP.
        what: &'static str,
        /// What is wrong with it.
        error: crate::sdp::NegotiationError,
    },
}

/// Counters of what the Endpoint dropped or refused, for diagnostics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EndpointStats {
    /// Datagrams or stream bytes that were not SIP (or broke its framing).
    pub unparsable: u64,
    /// Requests refused by the [`SourcePolicy`].
    pub refused_sources: u64,
    /// Transmits dropped (flow limit, unknown or closed flow, full queue).
    pub dropped_transmits: u64,
    /// Keep-alive pongs received.
    pub pongs: u64,
}

/// Most responses waiting for a name to resolve.
const MAX_UNRESOLVED: usize = 64;

/// What the resolver may choose (RFC 3263 §4.1): the configured list, or
/// the transports of our local addresses plus TCP (every host can open a
/// connection); and any transport a configured route names explicitly.
fn usable_transports(config: &Config) -> Vec<Transport> {
    let mut transports: Vec<Transport> = config.transports.clone();
    let mut add = |t: Transport| {
        if !transports.contains(&t) {
            transports.push(t);
        }
    };
    if config.transports.is_empty() {
        config.local.iter().for_each(|l| add(l.transport));
        add(Transport::Tcp);
    }
    for uri in config.outbound_proxy.iter().chain(&config.route_set) {
        let named = crate::message::Uri::parse(uri.trim_matches(|c| c == '<' || c == '>'))
            .ok()
            .and_then(|u| u.as_sip().map(TargetSpec::from_uri))
            .and_then(|spec| spec.transport);
        if let Some(t) = named {
            add(t);
        }
    }
    transports
}

/// One SIP user agent. See the [module documentation](self).
#[derive(Debug)]
pub struct Endpoint {
    pub(crate) config: Config,
    pub(crate) identity: Identity,
    pub(crate) layer: TransactionLayer,
    pub(crate) resolver: Resolver,
    pub(crate) flows: Flows,
    pub(crate) timers: Timers,
    pub(crate) rng: Rng,
    pub(crate) digest: DigestClient,
    pub(crate) outgoing: BTreeMap<OutId, Outgoing>,
    pub(crate) by_tx: BTreeMap<TxId, OutId>,
    pub(crate) by_lookup: BTreeMap<LookupId, OutId>,
    /// Responses waiting for their destination's name to resolve.
    pub(crate) unresolved: BTreeMap<LookupId, TxTransmit>,
    /// Why the flow being closed failed, while its transactions fail.
    pub(crate) closing_reason: Option<String>,
    pub(crate) registrations: BTreeMap<RegistrationId, Registration>,
    pub(crate) messages: BTreeMap<MessageId, OutId>,
    pub(crate) sessions: BTreeMap<SessionId, crate::usage::session::Session>,
    /// Our INVITE transactions that got a 2xx: retransmissions of it are
    /// acknowledged again.
    pub(crate) invite_txs: BTreeMap<TxId, SessionId>,
    /// INVITE server transactions of incoming calls.
    pub(crate) by_server_tx: BTreeMap<TxId, SessionId>,
    /// Publications (RFC 3903).
    pub(crate) publications: BTreeMap<PublicationId, crate::usage::publication::Publication>,
    /// Subscriptions, ours and peers'.
    pub(crate) subscriptions: crate::usage::subscription::Subscriptions,
    /// Transfers in progress: the new call, and the call whose REFER
    /// asked for it (NOTIFYs go there).
    pub(crate) transfers: BTreeMap<SessionId, SessionId>,
    /// The latest instant given to the Endpoint.
    pub(crate) clock: Instant,
    /// Requests sent outside a transaction (ACKs) waiting for DNS.
    pub(crate) stateless_pending: BTreeMap<LookupId, Message>,
    pub(crate) outputs: VecDeque<Output>,
    pub(crate) next_id: u64,
    pub(crate) stats: EndpointStats,
    /// The host's log sink, if it set one.
    pub(crate) log: Logger,
}

impl Endpoint {
    /// A user agent with `config`, started at `now`.
    pub fn new(config: Config, now: Instant) -> Result<Endpoint, ConfigError> {
        let mut rng = Rng::new(config.seed);
        let ws_host = ws_invalid_host(&mut rng);
        let identity = Identity::new(&config, ws_host)?;
        let layer_seed = rng.next_u64();
        let resolver_seed = rng.next_u64();
        let layer = TransactionLayer::new(
            TxConfig {
                timers: config.timers,
                max_transactions: config.max_transactions,
                ..TxConfig::default()
            },
            layer_seed,
        );
        let transports = usable_transports(&config);
        let resolver = Resolver::new(
            ResolverConfig {
                transports,
                ..ResolverConfig::default()
            },
            resolver_seed,
        );
        Ok(Endpoint {
            flows: Flows::new(config.max_flows, config.limits.clone()),
            digest: DigestClient::new(config.credentials.clone()),
            config,
            identity,
            layer,
            resolver,
            timers: Timers::default(),
            rng,
            outgoing: BTreeMap::new(),
            by_tx: BTreeMap::new(),
            by_lookup: BTreeMap::new(),
            unresolved: BTreeMap::new(),
            closing_reason: None,
            registrations: BTreeMap::new(),
            messages: BTreeMap::new(),
            sessions: BTreeMap::new(),
            invite_txs: BTreeMap::new(),
            by_server_tx: BTreeMap::new(),
            stateless_pending: BTreeMap::new(),
            transfers: BTreeMap::new(),
            subscriptions: Default::default(),
            publications: BTreeMap::new(),
            clock: now,
            outputs: VecDeque::new(),
            next_id: 1,
            stats: EndpointStats::default(),
            log: Logger::default(),
        })
    }

    // ---- getters -----------------------------------------------------

    /// Drop counters.
    pub fn stats(&self) -> EndpointStats {
        self.stats
    }

    /// Sends this endpoint's diagnostics at `max_level` and more severe to
    /// `sink`, replacing any earlier sink (see [`crate::log`]). The sink
    /// is called from inside the call that made the record.
    pub fn set_log_sink(
        &mut self,
        max_level: Level,
        sink: impl FnMut(&crate::log::Record<'_>) + Send + 'static,
    ) {
        self.log.set(max_level, Box::new(sink));
    }

    /// Stops logging (the default).
    pub fn clear_log_sink(&mut self) {
        self.log.clear();
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Live transactions (for diagnostics and leak checks).
    pub fn transactions(&self) -> usize {
        self.layer.len()
    }

    /// Tracked flows.
    pub fn flows(&self) -> usize {
        self.flows.len()
    }

    /// MESSAGEs waiting for their outcome.
    pub fn messages_in_flight(&self) -> usize {
        self.messages.len()
    }

    /// Timers armed by the Endpoint itself (refreshes, retries,
    /// keep-alives), besides the transactions' own.
    pub fn timers_armed(&self) -> usize {
        self.timers.len()
    }

    // ---- poll --------------------------------------------------------

    /// The next thing to do; [`Output::Timeout`] when there is nothing
    /// more until the deadline it carries (or the next input).
    #[must_use]
    pub fn poll_output(&mut self) -> Output {
        if let Some(out) = self.outputs.pop_front() {
            return out;
        }
        let deadline = [
            self.layer.poll_timeout(),
            self.timers.earliest(),
            self.resolver.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min();
        Output::Timeout(deadline)
    }

    // ---- inputs ------------------------------------------------------

    /// Something the host observed.
    pub fn handle_input(&mut self, now: Instant, input: Input) {
        match input {
            Input::Receive {
                transport,
                flow,
                source,
                destination,
                data,
            } => self.receive(now, transport, flow, source, destination, data),
            Input::Connected { flow } => {
                if let Some(f) = self.flows.get_mut(flow) {
                    self.timers.stop(&mut f.connecting);
                }
                for data in self.flows.opened(flow) {
                    self.write_flow(flow, data);
                }
            }
            Input::FlowClosed { flow, error } => self.flow_failed(now, flow, error, false),
            Input::Resolved { query, records } => {
                self.resolver.handle_answer(now, query, records);
            }
        }
        self.pump(now);
    }

    /// Fires what is due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.layer.handle_timeout(now);
        self.resolver.handle_timeout(now);
        while let Some((_, timer)) = self.timers.pop_due(now) {
            match timer {
                Timer::Refresh(id) => self.refresh_due(now, id),
                Timer::Retry(id) => self.retry_due(now, id),
                Timer::Ping(flow) => self.ping_due(now, flow),
                Timer::PongMissing(flow) => self.pong_missing(now, flow),
                Timer::StunPing(id) => self.stun_ping_due(now, id),
                Timer::StunMissing(id) => self.stun_missing(now, id),
                Timer::OkRetransmit(id) => self.ok_retransmit_due(now, id),
                Timer::GlareRetry(id) => self.glare_retry_due(now, id),
                Timer::Subscription(id) => self.subscription_due(now, id),
                Timer::Publication(id) => self.publication_due(now, id),
                Timer::ReferDecision(id) => self.refer_decision_due(now, id),
                Timer::Unanswered(id) => self.unanswered_due(now, id),
                Timer::ReliableProvisional(id) => self.reliable_provisional_due(now, id),
                Timer::SessionRefresh(id) => self.session_timer_due(now, id),
                Timer::ConnectTimeout(flow) => {
                    if let Some(f) = self.flows.get_mut(flow) {
                        f.connecting = None;
                        if !f.open {
                            self.outputs.push_back(Output::Close { flow });
                            self.flow_failed(now, flow, Some("connection timed out".into()), true);
                        }
                    }
                }
            }
            self.pump(now);
        }
        self.pump(now);
    }

    // ---- internals ---------------------------------------------------

    pub(crate) fn next_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    pub(crate) fn event(&mut self, event: Event) {
        self.outputs.push_back(Output::Event(event));
    }

    /// Moves what the lower layers produced into outputs and reactions,
    /// until nothing is left.
    pub(crate) fn pump(&mut self, now: Instant) {
        self.clock = self.clock.max(now);
        loop {
            let mut progressed = false;
            while let Some(out) = self.layer.poll_output() {
                progressed = true;
                match out {
                    TxOutput::Transmit(t) => self.route_transmit(now, t),
                    TxOutput::Event(e) => self.on_tx_event(now, e),
                }
            }
            while let Some(query) = self.resolver.poll_query() {
                progressed = true;
                self.outputs.push_back(Output::Resolve(query));
            }
            while let Some((lookup, result)) = self.resolver.poll_done() {
                progressed = true;
                if self.stateless_pending.contains_key(&lookup) {
                    let target = result.ok().and_then(|r| r.into_iter().next());
                    self.stateless_resolved(now, lookup, target);
                    continue;
                }
                match self.unresolved.remove(&lookup) {
                    Some(t) => match result.ok().and_then(|r| r.into_iter().next()) {
                        Some(target) => self.route_transmit(
                            now,
                            TxTransmit {
                                destination: Destination::Addr(target.addr),
                                ..t
                            },
                        ),
                        None => {
                            self.stats.dropped_transmits += 1;
                            log_at!(
                                self.log,
                                Info,
                                "resolve",
                                "a response's destination did not resolve: {} dropped",
                                first_line(&t.bytes)
                            );
                        }
                    },
                    None => self.lookup_done(now, lookup, result),
                }
            }
            if !progressed {
                break;
            }
        }
    }

    fn on_tx_event(&mut self, now: Instant, event: TxEvent) {
        match event {
            TxEvent::Request {
                tx,
                request,
                flow,
                cancels,
            } => self.dispatch_request(now, tx, request, flow, cancels),
            TxEvent::Response { tx, response } => {
                // A 2xx retransmission for an INVITE already answered.
                if let Some(&session) = self.invite_txs.get(&tx) {
                    if response.status().is_some_and(|s| (200..300).contains(&s)) {
                        self.invite_answered(now, session, &response);
                    }
                    return;
                }
                self.tx_response(now, tx, response)
            }
            TxEvent::Timeout { tx } | TxEvent::TransportError { tx } => {
                let failure = match event {
                    TxEvent::Timeout { .. } => Failure::Timeout,
                    _ => Failure::Transport,
                };
                log_at!(
                    self.log,
                    Info,
                    "transaction",
                    "transaction {} failed: {failure}",
                    tx.0
                );
                self.tx_failed(now, tx, failure)
            }
            TxEvent::Terminated { tx } => {
                self.by_tx.remove(&tx);
                self.invite_txs.remove(&tx);
                self.by_server_tx.remove(&tx);
            }
            TxEvent::Ack { ack, .. } => self.session_ack(now, &ack),
            // A non-2xx final response never acknowledged: the call was
            // already reported ended when we sent it.
            TxEvent::NoAck { .. } => {}
        }
    }

    /// Sends what the transaction layer wants sent, on the right flow.
    fn route_transmit(&mut self, now: Instant, t: TxTransmit) {
        let destination = match &t.destination {
            Destination::Addr(a) => *a,
            // A response to a Via `maddr` or sent-by that is a name (RFC
            // 3263 §5): sent once the name resolves.
            Destination::Name { host, port } => {
                let spec = TargetSpec {
                    host: TargetHost::Name(host.clone()),
                    port: *port,
                    transport: Some(t.transport),
                    secure: t.transport.is_secure(),
                };
                let lookup = (self.unresolved.len() < MAX_UNRESOLVED)
                    .then(|| self.resolver.lookup(now, &spec).ok())
                    .flatten();
                match lookup {
                    Some(l) => {
                        self.unresolved.insert(l, t);
                    }
                    None => {
                        self.stats.dropped_transmits += 1;
                        log_at!(
                            self.log,
                            Warn,
                            "transport",
                            "cannot look up {host} for a response (too many waiting): {} dropped",
                            first_line(&t.bytes)
                        );
                    }
                }
                return;
            }
        };
        if t.transport.is_reliable() {
            let flow = match t.flow {
                Some(f) => f,
                None => match self.connect(now, t.transport, destination, None) {
                    Some(f) => f,
                    None => {
                        self.stats.dropped_transmits += 1;
                        log_at!(
                            self.log,
                            Warn,
                            "transport",
                            "no connection to {destination} ({}, flow limit): {} dropped",
                            t.transport,
                            first_line(&t.bytes)
                        );
                        return;
                    }
                },
            };
            self.write_flow(flow, t.bytes);
        } else {
            let Some(source) = self.identity.local_for(Transport::Udp, destination) else {
                self.stats.dropped_transmits += 1;
                log_at!(
                    self.log,
                    Warn,
                    "transport",
                    "no local UDP address can reach {destination}: {} dropped",
                    first_line(&t.bytes)
                );
                return;
            };
            self.log_sent(Transport::Udp, destination, &t.bytes);
            self.outputs.push_back(Output::Transmit(Transmit {
                transport: Transport::Udp,
                flow: None,
                source,
                destination,
                data: t.bytes,
            }));
        }
    }

    /// A live flow to `remote`, or a new one: the host is asked to open it
    /// and has `connect_timeout` to say it did. `None` at the flow limit.
    pub(crate) fn connect(
        &mut self,
        now: Instant,
        transport: Transport,
        remote: SocketAddr,
        server_name: Option<&str>,
    ) -> Option<FlowId> {
        let (flow, connect) = self
            .flows
            .get_or_connect(transport, remote, server_name)
            .ok()?;
        if let Some(c) = connect {
            self.outputs.push_back(Output::Connect(c));
            let key = self.timers.arm(
                now + self.config.connect_timeout,
                Timer::ConnectTimeout(flow),
            );
            if let Some(f) = self.flows.get_mut(flow) {
                f.connecting = Some(key);
            }
        }
        Some(flow)
    }

    /// Writes to a connection now, or once it opens.
    pub(crate) fn write_flow(&mut self, id: FlowId, data: Bytes) {
        const MAX_QUEUED: usize = 64;
        let fallback = self.identity.ws_sent_by_addr();
        let Some(flow) = self.flows.get_mut(id) else {
            self.stats.dropped_transmits += 1;
            log_at!(
                self.log,
                Warn,
                "transport",
                "flow {} is gone: {} dropped",
                id.0,
                first_line(&data)
            );
            return;
        };
        if !flow.open {
            if flow.queued.len() < MAX_QUEUED {
                flow.queued.push(data);
            } else {
                self.stats.dropped_transmits += 1;
                log_at!(
                    self.log,
                    Warn,
                    "transport",
                    "flow {} is still connecting and has {MAX_QUEUED} writes queued: {} dropped",
                    id.0,
                    first_line(&data)
                );
            }
            return;
        }
        let (transport, destination) = (flow.transport, flow.remote);
        let source = flow.local.unwrap_or(fallback);
        self.log_sent(transport, destination, &data);
        self.outputs.push_back(Output::Transmit(Transmit {
            transport,
            flow: Some(id),
            source,
            destination,
            data,
        }));
    }

    fn receive(
        &mut self,
        now: Instant,
        transport: Transport,
        flow: FlowId,
        source: SocketAddr,
        destination: SocketAddr,
        data: Bytes,
    ) {
        let info = FlowInfo {
            flow,
            transport,
            local: destination,
            remote: source,
        };
        if transport.is_reliable() && !self.flows.learn(flow, transport, source, destination) {
            // Past the flow limit: the host should not keep a connection
            // nobody reads.
            self.stats.dropped_transmits += 1;
            log_at!(
                self.log,
                Warn,
                "transport",
                "flow {} from {source} ({transport}) is past the flow limit ({}): closing it",
                flow.0,
                self.config.max_flows
            );
            self.outputs.push_back(Output::Close { flow });
            return;
        }
        if transport.is_message_framed() {
            if self.keepalive_datagram(now, info, &data) {
                return;
            }
            match Message::parse_with(data.clone(), &self.config.limits) {
                Ok(msg) => self.receive_message(now, msg, info),
                Err(e) => {
                    self.stats.unparsable += 1;
                    log_at!(self.log, Warn, "transport", "unparsable message from {source} ({transport}), dropped: {e} (first line: {})", first_line(&data));
                }
            }
            return;
        }
        let Some(framer) = self.flows.get_mut(flow).and_then(|f| f.framer.as_mut()) else {
            return;
        };
        framer.push(&data);
        loop {
            let Some(framer) = self.flows.get_mut(flow).and_then(|f| f.framer.as_mut()) else {
                return;
            };
            match framer.next_item() {
                Ok(None) => return,
                Ok(Some(StreamItem::Message(msg))) => {
                    self.receive_message(now, msg, info);
                    self.pump(now);
                }
                Ok(Some(StreamItem::Ping)) => self.write_flow(flow, Bytes::from_static(b"\r\n")),
                Ok(Some(StreamItem::Pong)) => self.pong_received(flow),
                Err(e) => {
                    // The stream's framing is lost: nothing after this can
                    // be trusted to start a message.
                    self.stats.unparsable += 1;
                    log_at!(
                        self.log,
                        Warn,
                        "transport",
                        "stream from {source} ({transport}, flow {}) is not SIP: {e}; closing it",
                        flow.0
                    );
                    self.outputs.push_back(Output::Close { flow });
                    self.flow_failed(now, flow, Some("unparsable stream".into()), true);
                    return;
                }
            }
        }
    }

    /// A flow closed or failed: its transactions fail, and registrations
    /// that lived on it reconnect.
    pub(crate) fn flow_failed(
        &mut self,
        now: Instant,
        flow: FlowId,
        error: Option<String>,
        by_us: bool,
    ) {
        if let Some(mut f) = self.flows.remove(flow) {
            log_at!(
                self.log,
                Info,
                "transport",
                "flow {} to {} ({}) closed by {}: {}",
                flow.0,
                f.remote,
                f.transport,
                if by_us { "sansip" } else { "the host" },
                error.as_deref().unwrap_or("no reason given")
            );
            self.timers.stop(&mut f.ping);
            self.timers.stop(&mut f.pong);
            self.timers.stop(&mut f.connecting);
        }
        // The transactions on the flow fail now; their owners hear why.
        self.closing_reason = error.clone();
        self.layer.flow_closed(now, flow);
        self.pump(now);
        self.closing_reason = None;
        self.registration_flow_failed(now, flow, error.as_deref());
    }

    /// Hands a parsed message to the transaction layer, logging it and
    /// what the layer made of it (stray, absorbed or refused).
    fn receive_message(&mut self, now: Instant, msg: Message, info: FlowInfo) {
        if !self.log.enabled(Level::Debug) {
            self.layer.receive(now, msg, info);
            return;
        }
        if self.log.enabled(Level::Trace) {
            log_at!(
                self.log,
                Trace,
                "transport",
                "received from {} ({}):\n{}",
                info.remote,
                info.transport,
                String::from_utf8_lossy(msg.buffer())
            );
        } else {
            log_at!(
                self.log,
                Debug,
                "transport",
                "received {} from {} ({})",
                first_line(msg.buffer()),
                info.remote,
                info.transport
            );
        }
        let before = self.layer.stats();
        let line = first_line(msg.buffer()).into_owned();
        self.layer.receive(now, msg, info);
        let after = self.layer.stats();
        if after.stray_responses > before.stray_responses {
            log_at!(
                self.log,
                Debug,
                "transaction",
                "stray response dropped (no transaction of ours matches it): {line}"
            );
        }
        if after.dropped_requests > before.dropped_requests {
            log_at!(
                self.log,
                Warn,
                "transaction",
                "request dropped (its top Via is unusable, no response can be addressed): {line}"
            );
        }
        if after.rejected_requests > before.rejected_requests {
            log_at!(self.log, Info, "transaction", "request refused by the transaction layer (bad Via, merged request or transaction limit): {line}");
        }
    }

    /// Logs bytes going out.
    fn log_sent(&mut self, transport: Transport, destination: SocketAddr, data: &[u8]) {
        if self.log.enabled(Level::Trace) {
            log_at!(
                self.log,
                Trace,
                "transport",
                "sending to {destination} ({transport}):\n{}",
                String::from_utf8_lossy(data)
            );
        } else {
            log_at!(
                self.log,
                Debug,
                "transport",
                "sending {} to {destination} ({transport})",
                first_line(data)
            );
        }
    }
}

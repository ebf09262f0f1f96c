//! Two tiny scriptable transaction users: a [`Uac`] that starts
//! transactions (now or on a schedule) and records what became of each,
//! and a [`Uas`] that answers every request by a policy, retransmits its
//! 2xx to INVITE until the ACK (RFC 3261 §13.3.1.4), and records what it saw.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use sansip::message::headers::CSeq;
use sansip::message::{HeaderName, Message, Method, RequestBuilder, ResponseBuilder};
use sansip::rng::Rng;
use sansip::transaction::{Target, TimerConfig, TransactionLayer, TxError, TxEvent, TxId};

use super::tx_node::Tu;

/// Reason phrases for the codes the tests use.
pub fn reason(code: u16) -> &'static str {
    match code {
        100 => "Trying",
        180 => "Ringing",
        183 => "Session Progress",
        200 => "OK",
        202 => "Accepted",
        404 => "Not Found",
        408 => "Request Timeout",
        486 => "Busy Here",
        487 => "Request Terminated",
        500 => "Server Internal Error",
        503 => "Service Unavailable",
        603 => "Decline",
        _ => "Whatever",
    }
}

// ---- UAC -----------------------------------------------------------------

/// What became of one client transaction.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The request as given to the layer (before the Via was stamped).
    pub request: Message,
    /// Where it went.
    pub target: Target,
    /// Its Call-ID.
    pub call_id: String,
    /// Its method.
    pub method: Method,
    /// When it started.
    pub started: Instant,
    /// Provisional responses, in arrival order.
    pub provisionals: Vec<u16>,
    /// Final responses passed to the TU: exactly one, except that the 2xx
    /// to an INVITE may come again (RFC 6026 passes retransmissions on).
    pub finals: Vec<(Instant, u16)>,
    /// Timer B or F fired.
    pub timed_out: Option<Instant>,
    /// The transport failed.
    pub transport_error: bool,
    /// The layer forgot the transaction.
    pub terminated: Option<Instant>,
    /// ACKs sent for 2xx responses (one per 2xx received).
    pub acks_sent: usize,
    ack: Option<Message>,
}

impl Outcome {
    /// The code of the (first) final response.
    pub fn final_code(&self) -> Option<u16> {
        self.finals.first().map(|&(_, c)| c)
    }
}

/// A UAC: starts transactions, ACKs 2xx responses to INVITE, records
/// everything per transaction.
pub struct Uac {
    local: SocketAddr,
    rng: Rng,
    schedule: VecDeque<(Instant, Message, Target)>,
    /// Every transaction started, by id.
    pub outcomes: BTreeMap<TxId, Outcome>,
    /// Requests the layer refused to start.
    pub refused: Vec<(String, TxError)>,
    /// Events for no transaction this UAC started (should stay empty).
    pub unexpected: Vec<String>,
}

impl Uac {
    /// A UAC sending from `local`, with its own generator (ACK branches).
    pub fn new(local: SocketAddr, seed: u64) -> Self {
        Uac {
            local,
            rng: Rng::new(seed),
            schedule: VecDeque::new(),
            outcomes: BTreeMap::new(),
            refused: Vec::new(),
            unexpected: Vec::new(),
        }
    }

    /// Starts `request` at `at` (kept in time order; equal times keep
    /// the order they were scheduled in).
    pub fn schedule(&mut self, at: Instant, request: Message, target: Target) {
        let pos = self.schedule.partition_point(|(t, _, _)| *t <= at);
        self.schedule.insert(pos, (at, request, target));
    }

    /// Requests scheduled but not started yet.
    pub fn pending(&self) -> usize {
        self.schedule.len()
    }

    /// Starts a client transaction now.
    pub fn send(
        &mut self,
        now: Instant,
        layer: &mut TransactionLayer,
        request: Message,
        target: Target,
    ) -> Result<TxId, TxError> {
        let call_id = request.call_id().unwrap_or_default().to_owned();
        let method = request.method().cloned().unwrap_or(Method::Options);
        match layer.send_request(now, request.clone(), target) {
            Ok(tx) => {
                self.outcomes.insert(
                    tx,
                    Outcome {
                        request,
                        target,
                        call_id,
                        method,
                        started: now,
                        provisionals: Vec::new(),
                        finals: Vec::new(),
                        timed_out: None,
                        transport_error: false,
                        terminated: None,
                        acks_sent: 0,
                        ack: None,
                    },
                );
                Ok(tx)
            }
            Err(e) => {
                self.refused.push((call_id, e.clone()));
                Err(e)
            }
        }
    }

    /// The outcome of the transaction with this Call-ID.
    pub fn by_call_id(&self, call_id: &str) -> Option<&Outcome> {
        self.outcomes.values().find(|o| o.call_id == call_id)
    }

    /// The ACK for a 2xx (§13.2.2.4): a new branch, the INVITE's
    /// Request-URI (no Contact is modelled), From, Call-ID and CSeq number,
    /// and the To of the response.
    fn ack_for(&mut self, invite: &Message, response: &Message) -> Option<Message> {
        let seq = invite.header::<CSeq>().ok()?.seq;
        let via = format!(
            "SIP/2.0/UDP {};branch=z9hG4bK{}",
            self.local,
            self.rng.token(16)
        );
        RequestBuilder::new(Method::Ack, invite.request_uri_str()?)
            .raw_header("Via", via.as_bytes())
            .raw_header("Max-Forwards", b"70")
            .raw_header("From", invite.raw(HeaderName::From)?)
            .raw_header("To", response.raw(HeaderName::To)?)
            .raw_header("Call-ID", invite.raw(HeaderName::CallId)?)
            .header(&CSeq {
                seq,
                method: Method::Ack,
            })
            .build()
            .ok()
    }
}

impl Tu for Uac {
    fn on_event(&mut self, now: Instant, event: TxEvent, layer: &mut TransactionLayer) {
        match event {
            TxEvent::Response { tx, response } => {
                let code = response.status().unwrap_or(0);
                let Some(o) = self.outcomes.get(&tx) else {
                    self.unexpected.push(format!("response {code} for {tx:?}"));
                    return;
                };
                let invite_2xx = o.method == Method::Invite && (200..300).contains(&code);
                if invite_2xx && o.ack.is_none() {
                    let request = o.request.clone();
                    let ack = self.ack_for(&request, &response);
                    if let Some(o) = self.outcomes.get_mut(&tx) {
                        o.ack = ack;
                    }
                }
                let o = self.outcomes.get_mut(&tx).expect("checked above");
                if code < 200 {
                    o.provisionals.push(code);
                } else {
                    o.finals.push((now, code));
                }
                if invite_2xx {
                    if let Some(ack) = &o.ack {
                        layer.send_stateless(ack, o.target);
                        o.acks_sent += 1;
                    }
                }
            }
            TxEvent::Timeout { tx } => match self.outcomes.get_mut(&tx) {
                Some(o) => o.timed_out = Some(now),
                None => self.unexpected.push(format!("timeout for {tx:?}")),
            },
            TxEvent::TransportError { tx } => match self.outcomes.get_mut(&tx) {
                Some(o) => o.transport_error = true,
                None => self.unexpected.push(format!("transport error for {tx:?}")),
            },
            TxEvent::Terminated { tx } => match self.outcomes.get_mut(&tx) {
                Some(o) => o.terminated = Some(now),
                None => self.unexpected.push(format!("terminated {tx:?}")),
            },
            other => self.unexpected.push(format!("{other:?}")),
        }
    }

    fn poll_timeout(&self) -> Option<Instant> {
        self.schedule.front().map(|(at, _, _)| *at)
    }

    fn handle_timeout(&mut self, now: Instant, layer: &mut TransactionLayer) {
        while self.schedule.front().is_some_and(|(at, _, _)| *at <= now) {
            let (_, request, target) = self.schedule.pop_front().expect("checked");
            let _ = self.send(now, layer, request, target);
        }
    }
}

// ---- UAS -----------------------------------------------------------------

/// How the UAS answers one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// A provisional response sent at once, if any.
    pub provisional: Option<u16>,
    /// The final response code.
    pub final_code: u16,
    /// How long after the request the final response is sent.
    pub delay: Duration,
}

impl Answer {
    /// A final response at once, no provisional.
    pub fn now(final_code: u16) -> Self {
        Answer {
            provisional: None,
            final_code,
            delay: Duration::ZERO,
        }
    }

    /// The final response after `delay`.
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// A provisional response first.
    pub fn with_provisional(mut self, code: u16) -> Self {
        self.provisional = Some(code);
        self
    }
}

/// The UAS's rule: 180 then 200 for INVITE, 200 for the rest, at once.
pub fn default_policy(request: &Message) -> Answer {
    match request.method() {
        Some(Method::Invite) => Answer::now(200).with_provisional(180),
        _ => Answer::now(200),
    }
}

struct Retransmit {
    response: Message,
    next: Instant,
    interval: Duration,
    give_up: Instant,
}

/// A UAS: answers by a policy, retransmits its 2xx to INVITE until ACKed
/// (T1 doubling to T2, for 64·T1), and records what it saw.
pub struct Uas {
    policy: Box<dyn FnMut(&Message) -> Answer>,
    timers: TimerConfig,
    pending: BTreeMap<(Instant, TxId), Message>,
    retransmit: BTreeMap<TxId, Retransmit>,
    invite_by_call: BTreeMap<String, TxId>,
    /// Server transactions per request ("Call-ID CSeq"): one each expected.
    pub seen: BTreeMap<String, Vec<TxId>>,
    /// ACKs received per Call-ID (for a 2xx: passed up by the layer).
    pub acks: BTreeMap<String, usize>,
    /// 2xx responses never acknowledged within 64·T1.
    pub gave_up: Vec<TxId>,
    /// Timer H fired (final non-2xx never acknowledged).
    pub no_ack: Vec<TxId>,
    /// Server transactions the layer forgot.
    pub terminated: usize,
    /// `respond` calls the layer refused.
    pub refused: Vec<(TxId, u16, TxError)>,
    /// Events a UAS should not get (should stay empty).
    pub unexpected: Vec<String>,
}

impl Uas {
    /// A UAS answering by `policy`; `timers` pace its 2xx retransmissions.
    pub fn new(timers: TimerConfig, policy: impl FnMut(&Message) -> Answer + 'static) -> Self {
        Uas {
            policy: Box::new(policy),
            timers,
            pending: BTreeMap::new(),
            retransmit: BTreeMap::new(),
            invite_by_call: BTreeMap::new(),
            seen: BTreeMap::new(),
            acks: BTreeMap::new(),
            gave_up: Vec::new(),
            no_ack: Vec::new(),
            terminated: 0,
            refused: Vec::new(),
            unexpected: Vec::new(),
        }
    }

    /// Responses scheduled or being retransmitted (zero when idle).
    pub fn busy(&self) -> usize {
        self.pending.len() + self.retransmit.len()
    }

    /// A response with the request's Via, From, To (plus our tag),
    /// Call-ID and CSeq.
    fn response(request: &Message, tx: TxId, code: u16) -> Message {
        let mut b = ResponseBuilder::new(code, reason(code));
        for f in request.fields() {
            match f.name {
                HeaderName::To if code != 100 => {
                    let mut to = f.value.to_vec();
                    to.extend_from_slice(format!(";tag=uas{}", tx.0).as_bytes());
                    b = b.raw_header("To", &to);
                }
                HeaderName::Via
                | HeaderName::From
                | HeaderName::To
                | HeaderName::CallId
                | HeaderName::CSeq => b = b.raw_header(f.name.as_str(), f.value),
                _ => {}
            }
        }
        b.build().expect("a response to a parsed request builds")
    }

    fn send(&mut self, now: Instant, layer: &mut TransactionLayer, tx: TxId, response: Message) {
        let code = response.status().unwrap_or(0);
        let invite_2xx = (200..300).contains(&code)
            && response
                .header::<CSeq>()
                .is_ok_and(|c| c.method == Method::Invite);
        if let Err(e) = layer.respond(now, tx, response.clone()) {
            self.refused.push((tx, code, e));
            return;
        }
        if invite_2xx {
            if let Some(call_id) = response.call_id() {
                self.invite_by_call.insert(call_id.to_owned(), tx);
            }
            self.retransmit.insert(
                tx,
                Retransmit {
                    response,
                    next: now + self.timers.t1,
                    interval: self.timers.t1,
                    give_up: now + self.timers.timeout(),
                },
            );
        }
    }
}

impl Tu for Uas {
    fn on_event(&mut self, now: Instant, event: TxEvent, layer: &mut TransactionLayer) {
        match event {
            TxEvent::Request { tx, request, .. } => {
                let key = format!(
                    "{} {}",
                    request.call_id().unwrap_or_default(),
                    String::from_utf8_lossy(request.raw(HeaderName::CSeq).unwrap_or_default())
                );
                self.seen.entry(key).or_default().push(tx);
                let answer = (self.policy)(&request);
                if let Some(code) = answer.provisional {
                    let r = Uas::response(&request, tx, code);
                    self.send(now, layer, tx, r);
                }
                let r = Uas::response(&request, tx, answer.final_code);
                if answer.delay.is_zero() {
                    self.send(now, layer, tx, r);
                } else {
                    self.pending.insert((now + answer.delay, tx), r);
                }
            }
            TxEvent::Ack { ack, .. } => {
                let call_id = ack.call_id().unwrap_or_default().to_owned();
                if let Some(tx) = self.invite_by_call.get(&call_id) {
                    self.retransmit.remove(tx);
                }
                *self.acks.entry(call_id).or_default() += 1;
            }
            TxEvent::NoAck { tx } => self.no_ack.push(tx),
            TxEvent::Terminated { .. } => self.terminated += 1,
            other => self.unexpected.push(format!("{other:?}")),
        }
    }

    fn poll_timeout(&self) -> Option<Instant> {
        let pending = self.pending.keys().next().map(|(at, _)| *at);
        let rexmit = self.retransmit.values().map(|r| r.next.min(r.give_up));
        rexmit.chain(pending).min()
    }

    fn handle_timeout(&mut self, now: Instant, layer: &mut TransactionLayer) {
        while let Some(entry) = self.pending.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let ((_, tx), response) = entry.remove_entry();
            self.send(now, layer, tx, response);
        }
        let due: Vec<TxId> = self
            .retransmit
            .iter()
            .filter(|(_, r)| r.next.min(r.give_up) <= now)
            .map(|(tx, _)| *tx)
            .collect();
        for tx in due {
            let r = self.retransmit.get_mut(&tx).expect("listed");
            if r.give_up <= now {
                self.retransmit.remove(&tx);
                self.gave_up.push(tx);
                continue;
            }
            r.interval = (r.interval * 2).min(self.timers.t2);
            r.next = now + r.interval;
            let response = r.response.clone();
            if let Err(e) = layer.respond(now, tx, response) {
                self.retransmit.remove(&tx);
                self.refused.push((tx, 200, e));
            }
        }
    }
}

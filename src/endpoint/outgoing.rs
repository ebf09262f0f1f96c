//! Requests sent outside a dialog, from the usage's draft to a final
//! outcome: locate the next hop (RFC 3263), pick or open a flow, answer
//! digest challenges (RFC 3261 §22.2), fail over to the next server on a
//! 503, a timeout or a transport error (RFC 3263 §4.3).

use std::time::Instant;

use bytes::Bytes;

use super::{Endpoint, Failure};
use crate::message::headers::{CSeq, Route};
use crate::message::{HeaderName, Message, Uri};
use crate::resolve::{LookupId, ResolveError, ResolvedTarget, TargetSpec};
use crate::transaction::{Target, TxId};
use crate::transport::FlowId;

/// Identifies one outgoing request across its retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct OutId(pub(crate) u64);

/// Who sent the request and gets its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Owner {
    Registration(super::RegistrationId),
    Message(super::MessageId),
    /// A session's INVITE: its provisional responses go to the session too.
    Invite(crate::usage::session::SessionId),
    /// A request inside a session's dialog (BYE, INFO, ...).
    InDialog(crate::usage::session::SessionId, crate::message::Method),
    /// Our SUBSCRIBE (first, refresh or removal).
    Subscription(crate::usage::subscription::SubscriptionId),
    /// A NOTIFY we sent as notifier.
    SubscriptionNotify(crate::usage::subscription::SubscriptionId),
    /// A PUBLISH.
    Publication(crate::usage::publication::PublicationId),
}

/// How the Contact of the request is written once the transport is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ContactSpec {
    /// No Contact.
    None,
    /// `*` (remove every binding).
    Star,
    /// Our URI for the transport, then these parameters.
    Ours { params: String, ob: bool },
}

/// What the owner gets at the end.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// The final response, or why there is none.
    pub(crate) result: Result<Message, Failure>,
    /// The CSeq number of the last request sent.
    pub(crate) cseq: u32,
    /// The flow it went over (stream transports) and the target.
    pub(crate) flow: Option<FlowId>,
    pub(crate) target: Option<ResolvedTarget>,
    /// The Contact URI written into the last request.
    pub(crate) contact: Option<String>,
    /// What the host said about a failed flow, if that ended it.
    pub(crate) detail: Option<String>,
    /// The request as last sent (without its Via).
    pub(crate) request: Message,
    /// Its transaction.
    pub(crate) tx: Option<TxId>,
}

/// Most digest challenges answered for one request: a realm that keeps
/// refusing must not loop for ever.
const MAX_CHALLENGES: u8 = 3;

#[derive(Debug)]
pub(crate) struct Outgoing {
    owner: Owner,
    /// The request without Via (and without Contact, see `contact`).
    draft: Message,
    contact: ContactSpec,
    written_contact: Option<String>,
    /// Send on this flow when it is still open (a registration's flow).
    pinned: Option<(FlowId, ResolvedTarget)>,
    targets: Vec<ResolvedTarget>,
    next: usize,
    current: Option<(ResolvedTarget, Option<FlowId>)>,
    challenges: u8,
    last_failure: Option<Failure>,
    detail: Option<String>,
    tx: Option<TxId>,
}

impl Outgoing {
    pub(crate) fn new(
        owner: Owner,
        draft: Message,
        contact: ContactSpec,
        pinned: Option<(FlowId, ResolvedTarget)>,
    ) -> Self {
        Outgoing {
            owner,
            draft,
            contact,
            written_contact: None,
            pinned,
            targets: Vec::new(),
            next: 0,
            current: None,
            challenges: 0,
            last_failure: None,
            detail: None,
            tx: None,
        }
    }
}

impl Outgoing {
    /// The transaction of the attempt in progress.
    pub(crate) fn tx(&self) -> Option<TxId> {
        self.tx
    }

    /// Whether `owner` sent this request.
    pub(crate) fn owner_is(&self, owner: Owner) -> bool {
        self.owner == owner
    }
}

fn cseq_of(msg: &Message) -> u32 {
    msg.header::<CSeq>().map_or(0, |c| c.seq)
}

fn bump_cseq(msg: &mut Message) {
    if let Ok(c) = msg.header::<CSeq>() {
        let next = CSeq {
            seq: c.seq.wrapping_add(1) & 0x7fff_ffff,
            method: c.method.clone(),
        };
        msg.set_header(&next);
    }
}

/// Where a request goes first (RFC 3261 §8.1.2): the first Route when it
/// is a loose router, else the Request-URI.
fn next_hop(request: &Message) -> Option<TargetSpec> {
    if let Some(Ok(route)) = request.headers::<Route>().next() {
        return route.uri().as_sip().map(TargetSpec::from_uri);
    }
    let uri = request.request_uri()?.ok()?;
    let spec = match &uri {
        Uri::Sip(s) => TargetSpec::from_uri(s),
        _ => return None,
    };
    Some(spec)
}

impl Endpoint {
    /// Starts sending `draft` for `owner`.
    pub(crate) fn start_outgoing(&mut self, now: Instant, mut out: Outgoing) -> OutId {
        let id = OutId(self.next_id());
        // Credentials from challenges answered before (RFC 7616 §3.4: the
        // nonce is reused with the next count) save a round trip.
        // A registrar's (WWW) credentials go only to REGISTERs: a BYE or
        // MESSAGE to a peer must not carry them; a proxy's (407) go with
        // requests outside dialogs. Inside a dialog the request follows the
        // route set, often straight to the peer, and proxies pass the
        // header on (kamailio handed a NOTIFY's to baresip): such requests
        // answer a challenge only when one comes.
        let register = out.draft.method() == Some(&crate::message::Method::Register);
        let in_dialog = out
            .draft
            .header::<crate::message::headers::ToHeader>()
            .is_ok_and(|t| t.tag().is_some());
        let preemptive = if in_dialog {
            Err(())
        } else {
            self.digest
                .authorize(&out.draft, &mut self.rng)
                .map_err(|_| ())
        };
        if let Ok(headers) = preemptive {
            for h in headers {
                if register || h.name() == HeaderName::ProxyAuthorization {
                    h.push_to(&mut out.draft);
                }
            }
        }
        let pinned_open = out
            .pinned
            .as_ref()
            .is_some_and(|(flow, _)| self.flows.get(*flow).is_some());
        if pinned_open {
            let target = out.pinned.as_ref().map(|(_, t)| t.clone());
            out.targets = target.into_iter().collect();
            self.outgoing.insert(id, out);
            self.send_next(now, id);
            return id;
        }
        let spec = next_hop(&out.draft);
        self.outgoing.insert(id, out);
        let Some(spec) = spec else {
            self.finish(
                now,
                id,
                Err(Failure::Local("the next hop is not a SIP URI".into())),
            );
            return id;
        };
        match self.resolver.lookup(now, &spec) {
            Ok(lookup) => {
                self.by_lookup.insert(lookup, id);
            }
            Err(e) => self.finish(now, id, Err(Failure::Unresolvable(e.to_string()))),
        }
        id
    }

    /// The resolver finished a lookup.
    pub(crate) fn lookup_done(
        &mut self,
        now: Instant,
        lookup: LookupId,
        result: Result<Vec<ResolvedTarget>, ResolveError>,
    ) {
        let Some(id) = self.by_lookup.remove(&lookup) else {
            return;
        };
        match result {
            Ok(targets) => {
                if let Some(out) = self.outgoing.get_mut(&id) {
                    out.targets = targets;
                    out.next = 0;
                }
                self.send_next(now, id);
            }
            Err(e) => self.finish(now, id, Err(Failure::Unresolvable(e.to_string()))),
        }
    }

    /// Sends the request to the next target not tried yet; the owner hears
    /// of the failure when there is none left.
    fn send_next(&mut self, now: Instant, id: OutId) {
        loop {
            let Some(out) = self.outgoing.get_mut(&id) else {
                return;
            };
            let Some(target) = out.targets.get(out.next).cloned() else {
                let failure = out.last_failure.take().unwrap_or(Failure::Transport);
                self.finish(now, id, Err(failure));
                return;
            };
            out.next += 1;
            // UDP needs a socket of ours in the target's family.
            if !target.transport.is_reliable()
                && self
                    .identity
                    .local_for(target.transport, target.addr)
                    .is_none()
            {
                continue;
            }
            if self.send_to(now, id, target) {
                return;
            }
        }
    }

    /// Sends one attempt to `target`; `false` if it could not start.
    fn send_to(&mut self, now: Instant, id: OutId, target: ResolvedTarget) -> bool {
        let Some(out) = self.outgoing.get(&id) else {
            return false;
        };
        let pinned = out
            .pinned
            .as_ref()
            .filter(|(f, t)| *t == target && self.flows.get(*f).is_some())
            .map(|(f, _)| *f);
        let flow = if !target.transport.is_reliable() {
            None
        } else if let Some(f) = pinned {
            Some(f)
        } else {
            match self.connect(now, target.transport, target.addr, Some(&target.host)) {
                Some(f) => Some(f),
                None => {
                    if let Some(out) = self.outgoing.get_mut(&id) {
                        out.last_failure = Some(Failure::Local("the flow limit is reached".into()));
                    }
                    return false;
                }
            }
        };
        let Some(out) = self.outgoing.get_mut(&id) else {
            return false;
        };
        let mut request = out.draft.clone();
        let contact = match &out.contact {
            ContactSpec::None => None,
            ContactSpec::Star => {
                request.set_raw(HeaderName::Contact, b"*");
                None
            }
            ContactSpec::Ours { params, ob } => {
                let uri = self
                    .identity
                    .contact_uri(target.transport, target.addr, *ob);
                request.set_raw(HeaderName::Contact, format!("<{uri}>{params}").as_bytes());
                Some(uri)
            }
        };
        out.written_contact = contact;
        out.current = Some((target.clone(), flow));
        let local = self
            .identity
            .local_for(target.transport, target.addr)
            .unwrap_or_else(|| self.identity.ws_sent_by_addr());
        let tx_target = Target {
            transport: target.transport,
            flow,
            remote: target.addr,
            local,
        };
        let sent_by = self.identity.sent_by(target.transport, target.addr);
        match self
            .layer
            .send_request_from(now, request, tx_target, sent_by)
        {
            Ok(tx) => {
                self.by_tx.insert(tx, id);
                if let Some(out) = self.outgoing.get_mut(&id) {
                    out.tx = Some(tx);
                }
                true
            }
            Err(e) => {
                if let Some(out) = self.outgoing.get_mut(&id) {
                    out.last_failure = Some(Failure::Local(e.to_string()));
                }
                false
            }
        }
    }

    /// A response for one of our client transactions.
    pub(crate) fn tx_response(&mut self, now: Instant, tx: TxId, response: Message) {
        let Some(&id) = self.by_tx.get(&tx) else {
            return;
        };
        let Some(status) = response.status() else {
            return;
        };
        if status < 200 {
            if let Some(Owner::Invite(session)) = self.outgoing.get(&id).map(|o| o.owner.clone()) {
                self.session_provisional(now, session, tx, &response);
            }
            return;
        }
        self.by_tx.remove(&tx);
        if (200..300).contains(&status) {
            if let Some(out) = self.outgoing.get(&id) {
                self.digest.on_success(&response, &out.draft);
            }
        }
        match status {
            401 | 407 => self.answer_challenge(now, id, response),
            // RFC 3263 §4.3: a 503 sends the request to the next server.
            503 if self.has_more_targets(id) => {
                self.note_failure(id, &response);
                self.retry_next(now, id);
            }
            _ => self.finish(now, id, Ok(response)),
        }
    }

    /// A client transaction failed without a final response.
    pub(crate) fn tx_failed(&mut self, now: Instant, tx: TxId, failure: Failure) {
        let Some(id) = self.by_tx.remove(&tx) else {
            return;
        };
        if let Some(out) = self.outgoing.get_mut(&id) {
            out.last_failure = Some(failure);
            out.detail = self.closing_reason.clone();
        }
        self.retry_next(now, id);
    }

    fn has_more_targets(&self, id: OutId) -> bool {
        self.outgoing
            .get(&id)
            .is_some_and(|o| o.next < o.targets.len())
    }

    fn note_failure(&mut self, id: OutId, response: &Message) {
        if let Some(out) = self.outgoing.get_mut(&id) {
            out.last_failure = Some(Failure::Status {
                code: response.status().unwrap_or(0),
                reason: String::from_utf8_lossy(response.reason().unwrap_or_default()).into_owned(),
            });
        }
    }

    /// A new transaction (new branch, next CSeq) to the next target.
    fn retry_next(&mut self, now: Instant, id: OutId) {
        if self.has_more_targets(id) {
            if let Some(out) = self.outgoing.get_mut(&id) {
                bump_cseq(&mut out.draft);
            }
        }
        self.send_next(now, id);
    }

    fn answer_challenge(&mut self, now: Instant, id: OutId, response: Message) {
        let Some(out) = self.outgoing.get_mut(&id) else {
            return;
        };
        out.challenges += 1;
        if out.challenges > MAX_CHALLENGES {
            self.finish(now, id, Ok(response));
            return;
        }
        let headers = match self.digest.respond(&response, &out.draft, &mut self.rng) {
            Ok(h) if !h.is_empty() => h,
            _ => {
                self.finish(now, id, Ok(response));
                return;
            }
        };
        out.draft.remove(HeaderName::Authorization);
        out.draft.remove(HeaderName::ProxyAuthorization);
        for h in headers {
            h.push_to(&mut out.draft);
        }
        bump_cseq(&mut out.draft);
        // The same server again: step back to the target just used.
        out.next = out.next.saturating_sub(1);
        self.send_next(now, id);
    }

    /// Ends an outgoing request and tells its owner.
    pub(crate) fn finish(&mut self, now: Instant, id: OutId, result: Result<Message, Failure>) {
        let Some(out) = self.outgoing.remove(&id) else {
            return;
        };
        self.by_tx.retain(|_, o| *o != id);
        self.by_lookup.retain(|_, o| *o != id);
        let (target, flow) = match out.current {
            Some((t, f)) => (Some(t), f),
            None => (None, None),
        };
        let outcome = Outcome {
            result,
            cseq: cseq_of(&out.draft),
            flow,
            target,
            contact: out.written_contact,
            detail: out.detail,
            request: out.draft,
            tx: out.tx,
        };
        match out.owner.clone() {
            Owner::Registration(r) => self.registration_outcome(now, r, outcome),
            Owner::Message(m) => self.message_outcome(m, outcome),
            Owner::Invite(s) => self.invite_outcome(now, s, outcome),
            Owner::InDialog(s, method) => self.in_dialog_outcome(now, s, method, outcome),
            Owner::Subscription(s) => self.subscribe_outcome(now, s, outcome),
            Owner::SubscriptionNotify(s) => self.notify_outcome(s, outcome),
            Owner::Publication(p) => self.publish_outcome(now, p, outcome),
        }
    }

    /// Forgets an outgoing request without telling its owner (the owner
    /// gave it up); a late response is then a stray.
    pub(crate) fn abandon(&mut self, id: OutId) {
        if self.outgoing.remove(&id).is_some() {
            self.by_tx.retain(|_, o| *o != id);
            let lookups: Vec<LookupId> = self
                .by_lookup
                .iter()
                .filter(|(_, o)| **o == id)
                .map(|(l, _)| *l)
                .collect();
            for l in lookups {
                self.by_lookup.remove(&l);
                self.resolver.cancel(l);
            }
        }
    }
}

/// A body's bytes for an event (bodies of MESSAGEs are small).
pub(crate) fn body_of(msg: &Message) -> Bytes {
    Bytes::copy_from_slice(msg.body())
}

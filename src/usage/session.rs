//! INVITE sessions (RFC 3261 §13–15): the call's state, `invite`, CANCEL
//! (§9.1, waiting for a provisional response first), BYE with its Reason
//! (RFC 3326), and the end of the call with its reason. The caller's
//! responses and ACK are in `session_uac.rs`, the callee's side in
//! `session_uas.rs`, mid-call requests in `session_mid.rs`.
//!
//! Sessions carry the SDP the application gives and receives ("external
//! media"); every SDP goes through the call's offer/answer state
//! (`offer_answer.rs`), where str0m media will plug in.

use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::dialog::{Dialog, DialogId};
use crate::endpoint::outgoing::{ContactSpec, Outcome, Outgoing, Owner};
use crate::endpoint::timers::{Timer, TimerKey};
use crate::endpoint::{CommandError, Endpoint, Event, Failure};

use crate::message::{Message, Method};
use crate::resolve::{LookupId, TargetSpec};
use crate::transaction::{Target, TxId, TxState};
use crate::transport::{new_branch, stamp_via, FlowId};
use crate::usage::message::{check_extra_header, check_target};
use crate::usage::registration::ALLOW;

/// Identifies a call for its whole life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub u64);

/// How to place a call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InviteOptions {
    /// The SDP offer (`None`: no offer in the INVITE; the callee offers in
    /// a reliable provisional response or the 2xx, and the answer goes in
    /// the PRACK or ACK: made from [`Config::media`](crate::endpoint::Config::media)
    /// when set, else asked of the application with
    /// [`Event::AnswerNeeded`]). Its `o=` line is kept; later offers and
    /// answers in the call get the next versions.
    pub sdp: Option<Bytes>,
    /// Header fields added to the INVITE, as (name, value).
    pub extra_headers: Vec<(String, String)>,
}

/// Why a call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndReason {
    /// We hung up (BYE sent).
    LocalHangup,
    /// The peer hung up (BYE received).
    RemoteHangup,
    /// We cancelled the call before it was answered.
    Cancelled,
    /// The caller cancelled before we answered.
    CancelledByCaller,
    /// The caller's CANCEL said another device answered the call
    /// (`Reason: SIP;cause=200`, RFC 3326): not a missed call.
    AnsweredElsewhere,
    /// The callee answered with a final non-2xx status.
    Rejected {
        /// The status.
        status: u16,
        /// The reason phrase.
        reason: String,
    },
    /// The callee redirected the call (3xx) to these contacts.
    Redirected {
        /// The Contact URIs of the 3xx.
        contacts: Vec<String>,
    },
    /// We rejected the incoming call with this status.
    Declined {
        /// The status sent.
        status: u16,
    },
    /// Our 2xx was never acknowledged (64·T1): BYE was sent (§13.3.1.4).
    NoAck,
    /// Nobody refreshed the session in time (RFC 4028 §10): BYE was sent.
    SessionExpired,
    /// Another call replaced this one (RFC 3891): BYE was sent.
    Replaced,
    /// The offer/answer exchange of the INVITE failed (no answer to our
    /// offer, an answer that does not fit it, an offer we could not
    /// answer): the 2xx was acknowledged and BYE sent.
    OfferAnswerFailed {
        /// What was wrong.
        why: String,
    },
    /// The call failed without an answer (timeout, transport, DNS).
    Failed(Failure),
}

/// A Reason header value (RFC 3326): the protocol (`SIP`, `Q.850`), its
/// cause code and a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndCause {
    /// `SIP` (the cause is a status code) or `Q.850` (an ISDN cause).
    pub protocol: String,
    /// The cause, if given as a number.
    pub cause: Option<u16>,
    /// The text, unquoted.
    pub text: Option<String>,
}

impl EndCause {
    /// A `SIP` cause with a text.
    pub fn sip(code: u16, text: &str) -> EndCause {
        EndCause {
            protocol: "SIP".into(),
            cause: Some(code),
            text: Some(text.into()),
        }
    }

    /// The first Reason header of `msg`, if any.
    pub(crate) fn of(msg: &Message) -> Option<EndCause> {
        let r = msg.header_opt::<crate::message::headers::Reason>().ok()??;
        Some(EndCause {
            protocol: r.protocol.as_str().to_owned(),
            cause: r.cause(),
            text: r.text().map(|t| t.into_owned()),
        })
    }

    /// The header value: `SIP;cause=408;text="No ACK"`.
    pub(crate) fn header_value(&self) -> String {
        let mut v = self.protocol.clone();
        if let Some(c) = self.cause {
            v.push_str(&format!(";cause={c}"));
        }
        if let Some(t) = &self.text {
            let clean: String = t
                .chars()
                .filter(|c| *c != '"' && *c != '\\' && !c.is_control())
                .collect();
            v.push_str(&format!(";text=\"{clean}\""));
        }
        v
    }

    /// The cause sansip gives on the BYE it sends for `reason`.
    fn for_bye(reason: &EndReason) -> Option<EndCause> {
        Some(match reason {
            EndReason::NoAck => EndCause::sip(408, "No ACK for the 2xx"),
            EndReason::SessionExpired => EndCause::sip(408, "Session expired"),
            EndReason::OfferAnswerFailed { why } => EndCause::sip(488, why),
            EndReason::Failed(f) => EndCause::sip(f.status().unwrap_or(408), &f.to_string()),
            _ => return None,
        })
    }
}

/// Where a call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// Our INVITE is on its way (or waiting for DNS).
    Calling,
    /// A provisional response arrived (caller), or we sent one (callee).
    Early,
    /// An INVITE arrived; the application has not answered it.
    Incoming,
    /// Callee: our 2xx is out, waiting for its ACK.
    Answered,
    /// The call is up.
    Confirmed,
    /// Ending: a CANCEL or BYE is on its way.
    Ending,
}

/// One call.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) state: SessionState,
    pub(crate) caller: bool,
    /// Caller: the INVITE as last sent; callee: the INVITE received.
    pub(crate) invite: Option<Message>,
    pub(crate) invite_tx: Option<TxId>,
    pub(crate) dialog: Option<Dialog>,
    /// Caller: the ACK for the answering 2xx, resent for each
    /// retransmission of it.
    pub(crate) ack: Option<Message>,
    /// Caller: a hang-up arrived before any provisional response, so the
    /// CANCEL waits for one (§9.1).
    pub(crate) cancel_when_provisional: bool,
    /// The reason to report when the session ends.
    pub(crate) ending: Option<EndReason>,
    /// Callee: our To tag, the 2xx and its retransmission schedule.
    pub(crate) to_tag: String,
    pub(crate) ok: Option<Message>,
    pub(crate) ok_timer: Option<TimerKey>,
    pub(crate) ok_interval: Duration,
    pub(crate) ok_since: Option<Instant>,
    /// Where the INVITE went (caller) or came from (callee).
    pub(crate) flow: Option<FlowId>,
    /// Re-INVITEs and INFO once the call is up.
    pub(crate) mid: super::session_mid::MidCall,
    /// Offer/answer state (RFC 3264).
    pub(crate) media: super::offer_answer::OfferAnswer,
    /// RFC 4028 session timer, once negotiated.
    pub(crate) session_timer: Option<super::session_timer::SessionTimer>,
    /// The peer's Allow lists UPDATE (refreshes use it).
    pub(crate) peer_allows_update: bool,
    /// 422 retries so far.
    pub(crate) too_small: u8,
    /// Reliable provisional responses (RFC 3262).
    pub(crate) prack: super::session_prack::Prack,
    /// A REFER waiting for the application (RFC 3515).
    pub(crate) refer: Option<super::transfer::PendingRefer>,
    /// Callee: the call this one replaces (RFC 3891), ended once it is up.
    pub(crate) replaces: Option<SessionId>,
    /// Caller: the To tags of the forks that answered, in order, with the
    /// last SDP each sent.
    pub(crate) forks: Vec<(String, Option<Bytes>)>,
    /// The Reason of the BYE or CANCEL that ends the call (RFC 3326).
    pub(crate) cause: Option<EndCause>,
    /// The limit for an answer: the application's to an incoming call;
    /// the peer's to our INVITE, and later to our re-INVITE.
    pub(crate) unanswered: Option<TimerKey>,
}

impl Session {
    pub(crate) fn new(caller: bool, state: SessionState, media_id: u64) -> Session {
        Session {
            state,
            caller,
            invite: None,
            invite_tx: None,
            dialog: None,
            ack: None,
            cancel_when_provisional: false,
            ending: None,
            to_tag: String::new(),
            ok: None,
            ok_timer: None,
            ok_interval: Duration::ZERO,
            ok_since: None,
            flow: None,
            mid: Default::default(),
            media: super::offer_answer::OfferAnswer::new(media_id),
            session_timer: None,
            peer_allows_update: false,
            too_small: 0,
            prack: Default::default(),
            refer: None,
            replaces: None,
            forks: Vec::new(),
            cause: None,
            unanswered: None,
        }
    }

    /// The dialog's id, once there is a dialog.
    pub(crate) fn dialog_id(&self) -> Option<&DialogId> {
        self.dialog.as_ref().map(Dialog::id)
    }

    /// Which fork `response` comes from (1-based; 0 without a To tag),
    /// noting its SDP.
    pub(crate) fn fork_of(&mut self, response: &Message) -> u32 {
        const MAX_FORKS: usize = 16;
        let Some(tag) = DialogId::of_received_response(response).map(|d| d.remote_tag) else {
            return 0;
        };
        let k = match self.forks.iter().position(|(t, _)| *t == tag) {
            Some(k) => k,
            None if self.forks.len() < MAX_FORKS => {
                self.forks.push((tag, None));
                self.forks.len() - 1
            }
            None => return 0,
        };
        if let Some(sdp) = sdp_of(response) {
            self.forks[k].1 = Some(sdp);
        }
        k as u32 + 1
    }

    /// The dialog requests go in: the confirmed (or callee's early) one,
    /// else the caller's latest early dialog.
    pub(crate) fn dialog_mut(&mut self) -> Option<&mut Dialog> {
        match self.dialog {
            Some(ref mut d) => Some(d),
            None => self.prack.early.last_mut().map(|(d, _)| d),
        }
    }

    /// The dialog `id` names, confirmed or (caller) early.
    pub(crate) fn dialog_named(&mut self, id: &DialogId) -> Option<&mut Dialog> {
        if self.dialog_id() == Some(id) {
            return self.dialog.as_mut();
        }
        self.prack
            .early
            .iter_mut()
            .map(|(d, _)| d)
            .find(|d| d.id() == id)
    }
}

/// A body, if not empty.
pub(crate) fn sdp_of(msg: &Message) -> Option<Bytes> {
    (!msg.body().is_empty()).then(|| Bytes::copy_from_slice(msg.body()))
}

pub(crate) fn reason_text(msg: &Message) -> String {
    String::from_utf8_lossy(msg.reason().unwrap_or_default()).into_owned()
}

impl Endpoint {
    /// Calls `target` (a SIP URI). Progress arrives as
    /// [`Event::CallProgress`], then [`Event::CallAccepted`], and always
    /// last [`Event::CallEnded`]. The INVITE goes through the Service-Route
    /// of a registration, or the outbound proxy, like MESSAGE.
    pub fn invite(
        &mut self,
        now: Instant,
        target: &str,
        options: InviteOptions,
    ) -> Result<SessionId, CommandError> {
        check_target("the call target", target)?;
        let bad_uri = || CommandError::BadUri {
            what: "the call target",
            uri: target.to_owned(),
        };
        for (n, v) in &options.extra_headers {
            check_extra_header(n, v)?;
        }
        if self.sessions.len() >= self.config.max_usages {
            return Err(CommandError::Limit {
                what: "calls",
                limit: self.config.max_usages,
            });
        }
        let (b, _, _) = self.new_request(Method::Invite, target);
        let mut b = b.raw_header("Allow", ALLOW.as_bytes());
        if let Some(events) = self.allow_events() {
            b = b.raw_header("Allow-Events", events.as_bytes());
        }
        let supported = if self.config.session_timer.is_some() {
            "100rel, timer"
        } else {
            "100rel"
        };
        b = b.raw_header("Supported", supported.as_bytes());
        if let Some(t) = self.config.session_timer {
            b = b
                .raw_header("Session-Expires", t.expires.to_string().as_bytes())
                .raw_header("Min-SE", t.min_se.to_string().as_bytes());
        }
        for (n, v) in &options.extra_headers {
            b = b.raw_header(n, v.as_bytes());
        }
        let mut media = super::offer_answer::OfferAnswer::new(self.rng.below(1 << 40));
        match &options.sdp {
            Some(sdp) => {
                let offer = media.offer(sdp).map_err(|error| CommandError::Sdp {
                    what: "the offer",
                    error,
                })?;
                b = b.body("application/sdp", offer.to_vec());
            }
            None => {
                let _ = media.neg.request_offer();
            }
        }
        let draft = b.build().map_err(|_| bad_uri())?;
        let id = SessionId(self.next_id());
        let mut session = Session::new(true, SessionState::Calling, 0);
        session.media = media;
        session.invite = Some(draft.clone());
        self.sessions.insert(id, session);
        if let Some(limit) = self.config.unanswered_timeout {
            let key = self.timers.arm(now + limit, Timer::Unanswered(id));
            if let Some(s) = self.sessions.get_mut(&id) {
                s.unanswered = Some(key);
            }
        }
        let contact = ContactSpec::Ours {
            params: String::new(),
            ob: false,
        };
        self.start_outgoing(now, Outgoing::new(Owner::Invite(id), draft, contact, None));
        self.pump(now);
        Ok(id)
    }

    /// For an incoming call with a Replaces (RFC 3891): the established
    /// call it will replace once it is up.
    pub fn replaces(&self, id: SessionId) -> Option<SessionId> {
        self.sessions.get(&id).and_then(|s| s.replaces)
    }

    /// The call whose dialog is `id`.
    pub(crate) fn session_by_dialog(&self, id: &DialogId) -> Option<SessionId> {
        self.sessions
            .iter()
            .find(|(_, s)| {
                s.dialog_id() == Some(id) || s.prack.early.iter().any(|(d, _)| d.id() == id)
            })
            .map(|(k, _)| *k)
    }

    /// Our Contact URI for a call: for the transport and peer of the flow
    /// it came or went on.
    pub(crate) fn session_contact(&self, id: SessionId) -> String {
        let (transport, addr) = self
            .sessions
            .get(&id)
            .and_then(|s| s.flow)
            .and_then(|f| self.flows.get(f).map(|f| (f.transport, f.remote)))
            .unwrap_or((
                crate::transport::Transport::Udp,
                self.identity.ws_sent_by_addr(),
            ));
        self.identity.contact_uri(transport, addr, false)
    }

    /// Calls not yet ended.
    pub fn calls(&self) -> usize {
        self.sessions.len()
    }

    /// The state of a call (`None` once it ended).
    pub fn session(&self, id: SessionId) -> Option<SessionState> {
        self.sessions.get(&id).map(|s| s.state)
    }

    /// Like [`hangup`](Self::hangup), with a Reason header (RFC 3326) on
    /// the BYE, e.g. `EndCause { protocol: "Q.850".into(), cause: Some(16),
    /// text: Some("Normal call clearing".into()) }`. (A CANCEL or a
    /// rejection carries no Reason.)
    pub fn hangup_with_cause(
        &mut self,
        now: Instant,
        id: SessionId,
        cause: EndCause,
    ) -> Result<(), CommandError> {
        if !crate::message::grammar::is_token(&cause.protocol) {
            return Err(CommandError::BadText {
                what: "the Reason protocol (a token: SIP, Q.850)",
                value: cause.protocol,
            });
        }
        check_extra_header("Reason", &cause.header_value())?;
        let s = self
            .sessions
            .get_mut(&id)
            .ok_or(CommandError::NoSuchSession(id))?;
        s.cause = Some(cause);
        self.hangup(now, id)
    }

    /// Cancels an outgoing call not yet answered (CANCEL, after the first
    /// provisional response, §9.1); [`Event::CallEnded`] follows with
    /// [`EndReason::Cancelled`], or with the answer if a 2xx crossed the
    /// CANCEL (the call is then ended with BYE). For calls in any state,
    /// see [`hangup`](Self::hangup).
    pub fn cancel(&mut self, now: Instant, id: SessionId) -> Result<(), CommandError> {
        match self.sessions.get(&id) {
            Some(s)
                if s.caller && matches!(s.state, SessionState::Calling | SessionState::Early) =>
            {
                self.hangup(now, id)
            }
            Some(_) => Err(CommandError::WrongState {
                what: "only an outgoing call not yet answered can be cancelled",
            }),
            None => Err(CommandError::NoSuchSession(id)),
        }
    }

    /// Ends a call however far it got: CANCEL before an answer (after the
    /// first provisional response, §9.1), BYE once answered, 603 Decline
    /// for an incoming call not yet answered. [`Event::CallEnded`] follows.
    pub fn hangup(&mut self, now: Instant, id: SessionId) -> Result<(), CommandError> {
        let s = self
            .sessions
            .get_mut(&id)
            .ok_or(CommandError::NoSuchSession(id))?;
        if matches!(
            s.media.waiting,
            Some(super::offer_answer::AnswerSlot::Ack(_))
        ) {
            // Answered, with the ACK waiting for our answer to the 2xx's
            // offer: the 2xx still gets its ACK (§13.2.2.4), then a BYE.
            s.media.waiting = None;
            s.state = SessionState::Confirmed;
            self.send_invite_ack(now, id, None);
            self.send_bye(now, id, EndReason::LocalHangup);
            self.pump(now);
            return Ok(());
        }
        match s.state {
            SessionState::Calling | SessionState::Early if s.caller => {
                s.ending = Some(EndReason::Cancelled);
                s.state = SessionState::Ending;
                let sent = self
                    .outgoing
                    .values()
                    .find(|o| o.owner_is(Owner::Invite(id)))
                    .and_then(|o| o.tx());
                let Some(s) = self.sessions.get_mut(&id) else {
                    return Ok(());
                };
                s.invite_tx = s.invite_tx.or(sent);
                match s.invite_tx {
                    Some(tx) if self.layer.cancel(now, tx).is_ok() => {}
                    // No provisional response yet: the CANCEL waits for one.
                    Some(tx) if self.layer.state(tx) == Some(TxState::Calling) => {
                        s.cancel_when_provisional = true
                    }
                    // The INVITE is over without a dialog: nothing to end.
                    Some(_) => self.end_session(id, EndReason::Cancelled),
                    None => {
                        // Still resolving: nothing left the host yet.
                        let outs: Vec<_> = self
                            .outgoing
                            .iter()
                            .filter(|(_, o)| o.owner_is(Owner::Invite(id)))
                            .map(|(k, _)| *k)
                            .collect();
                        for o in outs {
                            self.abandon(o);
                        }
                        self.end_session(id, EndReason::Cancelled);
                    }
                }
            }
            SessionState::Incoming | SessionState::Early => {
                self.reject(now, id, 603, "Decline")?;
            }
            SessionState::Answered | SessionState::Confirmed => {
                self.send_bye(now, id, EndReason::LocalHangup);
            }
            _ => {}
        }
        self.pump(now);
        Ok(())
    }

    /// Sends BYE in the session's dialog; the call ends when it completes.
    pub(crate) fn send_bye(&mut self, now: Instant, id: SessionId, reason: EndReason) {
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        self.timers.stop(&mut s.ok_timer);
        s.state = SessionState::Ending;
        s.ending = Some(reason.clone());
        if s.cause.is_none() {
            s.cause = EndCause::for_bye(&reason);
        }
        let cause = s.cause.as_ref().map(EndCause::header_value);
        let bye = s
            .dialog
            .as_mut()
            .and_then(|d| d.request(Method::Bye).ok())
            .and_then(|b| match &cause {
                Some(c) => b.raw_header("Reason", c.as_bytes()).build().ok(),
                None => b.build().ok(),
            });
        match bye {
            Some(bye) => {
                let out = Outgoing::new(
                    Owner::InDialog(id, Method::Bye),
                    bye,
                    ContactSpec::None,
                    None,
                );
                self.start_outgoing(now, out);
            }
            None => self.end_session(id, reason),
        }
    }

    /// The outcome of a request we sent in a session's dialog.
    pub(crate) fn in_dialog_outcome(
        &mut self,
        now: Instant,
        id: SessionId,
        method: Method,
        outcome: Outcome,
    ) {
        // Credentials retries raised the CSeq past the dialog's count.
        if let Some(d) = self.sessions.get_mut(&id).and_then(|s| s.dialog.as_mut()) {
            d.note_cseq_sent(outcome.cseq);
        }
        if matches!(method, Method::Invite | Method::Update | Method::Info) {
            self.mid_call_outcome(now, id, &method, &outcome);
            return;
        }
        if method == Method::Refer {
            let status = outcome.result.as_ref().ok().and_then(Message::status);
            self.refer_outcome(id, status);
            return;
        }
        // Whatever the BYE's answer, the call is over for us (§15.1.1).
        if method == Method::Bye {
            if let Some(reason) = self.sessions.get(&id).and_then(|s| s.ending.clone()) {
                self.end_session(id, reason);
            }
        }
    }

    /// Reports the end of a call and forgets it.
    pub(crate) fn end_session(&mut self, id: SessionId, reason: EndReason) {
        if let Some(mut s) = self.sessions.remove(&id) {
            let now = self.clock;
            if let Some(mut pending) = s.refer.take() {
                self.timers.stop(&mut pending.key);
                self.reply(
                    now,
                    pending.tx,
                    &pending.request,
                    487,
                    "Request Terminated",
                    &[],
                    None,
                );
            }
            self.transfer_ended(now, id, &reason);
            // Our INVITE or re-INVITE still ringing (the callee ended an
            // early dialog with BYE, a re-INVITE got only a 1xx): CANCEL
            // it, so that its transaction ends (§9.1: 64·T1 at most)
            // instead of ringing for ever.
            let reinvites = self
                .outgoing
                .values()
                .filter(|o| o.owner_is(Owner::InDialog(id, Method::Invite)))
                .filter_map(|o| o.tx());
            let ringing: Vec<TxId> = s
                .invite_tx
                .filter(|_| s.caller)
                .into_iter()
                .chain(reinvites)
                .filter(|tx| self.layer.state(*tx) == Some(TxState::Proceeding))
                .collect();
            for tx in ringing {
                let _ = self.layer.cancel(now, tx);
            }
            self.timers.stop(&mut s.ok_timer);
            self.timers.stop(&mut s.unanswered);
            if let Some(mut t) = s.session_timer.take() {
                self.timers.stop(&mut t.key);
            }
            if let Some(mut u) = s.prack.unacked.take() {
                self.timers.stop(&mut u.key);
            }
            self.invite_txs.retain(|_, sid| *sid != id);
            self.event(Event::CallEnded {
                session: id,
                reason,
                cause: s.cause,
            });
        }
    }

    /// Sends a request outside any transaction (the ACK for a 2xx): to its
    /// first Route or its Request-URI, resolved like any request, with a
    /// fresh Via.
    pub(crate) fn send_request_stateless(&mut self, now: Instant, request: Message) {
        let spec = request
            .headers::<crate::message::headers::Route>()
            .next()
            .and_then(Result::ok)
            .and_then(|r| r.uri().as_sip().map(TargetSpec::from_uri))
            .or_else(|| {
                request
                    .request_uri()
                    .and_then(Result::ok)
                    .and_then(|u| u.as_sip().map(TargetSpec::from_uri))
            });
        let Some(spec) = spec else {
            return;
        };
        if let Ok(lookup) = self.resolver.lookup(now, &spec) {
            self.stateless_pending.insert(lookup, request);
        }
    }

    /// A stateless request's next hop resolved: stamp and send it.
    pub(crate) fn stateless_resolved(
        &mut self,
        now: Instant,
        lookup: LookupId,
        target: Option<crate::resolve::ResolvedTarget>,
    ) {
        let (Some(mut request), Some(target)) = (self.stateless_pending.remove(&lookup), target)
        else {
            return;
        };
        let branch = new_branch(&mut self.rng);
        let sent_by = self.identity.sent_by(target.transport, target.addr);
        if stamp_via(&mut request, target.transport, sent_by, &branch, true).is_err() {
            return;
        }
        let flow = if target.transport.is_reliable() {
            self.connect(now, target.transport, target.addr, Some(&target.host))
        } else {
            None
        };
        let local = self
            .identity
            .local_for(target.transport, target.addr)
            .unwrap_or_else(|| self.identity.ws_sent_by_addr());
        self.layer.send_stateless(
            &request,
            Target {
                transport: target.transport,
                flow,
                remote: target.addr,
                local,
            },
        );
    }
}

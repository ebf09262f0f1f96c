//! INVITE sessions, the callee's side (RFC 3261 §13.3, RFC 6026): an
//! incoming INVITE becomes [`Event::IncomingCall`]; the application answers
//! with `progress`, `accept` or `reject`; the 2xx is retransmitted by the
//! session until its ACK arrives (T1 doubling to T2), and a call whose 2xx
//! is never acknowledged is ended with BYE after 64·T1. CANCEL, and the
//! requests inside a dialog (BYE, and 481 for unknown dialogs), are
//! handled here too.

use std::time::Instant;

use bytes::Bytes;

use super::session::{sdp_of, EndReason, Session, SessionId, SessionState};
use super::session_timer::{allows_update, session_expires, supports};
use crate::dialog::{Dialog, DialogId};
use crate::endpoint::outgoing::Owner;
use crate::endpoint::timers::Timer;
use crate::endpoint::{CommandError, Endpoint, Event};
use crate::message::headers::{FromHeader, Refresher, Replaces, ToHeader};
use crate::message::{HeaderName, Message, Method, ResponseBuilder};
use crate::sdp::Sdp;
use crate::transaction::{TxId, TxState};
use crate::transport::FlowInfo;
use crate::usage::registration::ALLOW;

impl Endpoint {
    /// An INVITE outside any dialog: a new incoming call.
    pub(crate) fn incoming_call(
        &mut self,
        now: Instant,
        tx: TxId,
        request: Message,
        flow: FlowInfo,
    ) {
        if self.sessions.len() >= self.config.max_usages {
            self.reply(now, tx, &request, 486, "Busy Here", &[], None);
            return;
        }
        // RFC 4028 §8.1: an interval below our minimum gets 422.
        if let (Some(timer), Some((asked, _))) =
            (self.config.session_timer, session_expires(&request))
        {
            if asked < timer.min_se {
                let min = ("Min-SE", timer.min_se.to_string());
                self.reply(
                    now,
                    tx,
                    &request,
                    422,
                    "Session Interval Too Small",
                    &[min],
                    None,
                );
                return;
            }
        }
        // RFC 3891 §3: a Replaces must name one of our established calls
        // (its to-tag is our tag), else 481.
        let replaces = match request.header_opt::<Replaces>() {
            Ok(Some(r)) => {
                let wanted = r.to_tag().zip(r.from_tag()).map(|(to, from)| DialogId {
                    call_id: r.call_id.to_owned(),
                    local_tag: to.to_owned(),
                    remote_tag: from.to_owned(),
                });
                let hit = wanted
                    .and_then(|w| self.session_by_dialog(&w))
                    .filter(|k| self.session(*k) == Some(SessionState::Confirmed));
                match hit {
                    Some(old) => Some(old),
                    None => {
                        self.reply(
                            now,
                            tx,
                            &request,
                            481,
                            "Call/Transaction Does Not Exist",
                            &[],
                            None,
                        );
                        return;
                    }
                }
            }
            Ok(None) => None,
            Err(_) => {
                self.reply(now, tx, &request, 400, "Bad Replaces", &[], None);
                return;
            }
        };
        let sdp_offer = sdp_of(&request);
        let media_id = self.rng.below(1 << 40);
        let mut s = Session::new(false, SessionState::Incoming, media_id);
        if let Some(offer) = &sdp_offer {
            if let Err(e) = s.media.receive(offer) {
                // RFC 3261 §21.4.26: a session description we cannot take.
                let warning = ("Warning", format!("399 sansip \"{e}\""));
                self.reply(
                    now,
                    tx,
                    &request,
                    488,
                    "Not Acceptable Here",
                    &[warning],
                    None,
                );
                return;
            }
        }
        let id = SessionId(self.next_id());
        s.replaces = replaces;
        s.to_tag = self.rng.token(10);
        s.invite_tx = Some(tx);
        s.flow = Some(flow.flow);
        let from = request
            .header::<FromHeader>()
            .map(|f| f.uri().to_string())
            .unwrap_or_default();
        let to = request
            .header::<ToHeader>()
            .map(|t| t.uri().to_string())
            .unwrap_or_default();
        let replaces = request
            .raw(HeaderName::Replaces)
            .map(|v| String::from_utf8_lossy(v).into_owned());
        s.peer_allows_update = allows_update(&request);
        s.invite = Some(request);
        self.sessions.insert(id, s);
        self.by_server_tx.insert(tx, id);
        self.event(Event::IncomingCall {
            session: id,
            from,
            to,
            sdp_offer,
            replaces,
        });
        if let Some(limit) = self.config.unanswered_timeout {
            let key = self.timers.arm(now + limit, Timer::Unanswered(id));
            if let Some(s) = self.sessions.get_mut(&id) {
                s.unanswered = Some(key);
            }
        }
        let reliable = self
            .sessions
            .get(&id)
            .and_then(|s| s.invite.as_ref())
            .is_some_and(|i| super::session_prack::wants_100rel(i, true));
        // The ring policy's 180 cannot fail for a fresh call; were it to,
        // the application still answers as usual.
        let _ = match self.config.ring {
            crate::endpoint::RingPolicy::Manual => Ok(()),
            crate::endpoint::RingPolicy::Ringing => self.progress(now, id, 180, None),
            crate::endpoint::RingPolicy::ReliableRinging if reliable => {
                self.progress_reliable(now, id, 180, None)
            }
            crate::endpoint::RingPolicy::ReliableRinging => self.progress(now, id, 180, None),
        };
    }

    /// The response to the session's INVITE with our To tag and Contact.
    pub(crate) fn session_response(
        &mut self,
        id: SessionId,
        code: u16,
        reason: &str,
        sdp: Option<&Bytes>,
    ) -> Option<Message> {
        let s = self.sessions.get(&id)?;
        let invite = s.invite.as_ref()?;
        let mut to = invite.raw(HeaderName::To)?.to_vec();
        to.extend_from_slice(b";tag=");
        to.extend_from_slice(s.to_tag.as_bytes());
        let mut b = ResponseBuilder::new(code, reason)
            .copy_headers(
                invite,
                &[HeaderName::Via, HeaderName::RecordRoute, HeaderName::From],
            )
            .raw_header("To", &to)
            .copy_headers(invite, &[HeaderName::CallId, HeaderName::CSeq]);
        if code > 100 && code < 300 {
            let contact = self.session_contact(id);
            b = b
                .raw_header("Contact", format!("<{contact}>").as_bytes())
                .raw_header("Allow", ALLOW.as_bytes());
            if let Some(events) = self.allow_events() {
                b = b.raw_header("Allow-Events", events.as_bytes());
            }
        }
        b = b.raw_header("Server", self.config.user_agent.as_bytes());
        if let Some(sdp) = sdp {
            b = b.body("application/sdp", sdp.to_vec());
        }
        b.build().ok()
    }

    fn incoming_session(&self, id: SessionId) -> Result<&Session, CommandError> {
        self.sessions
            .get(&id)
            .filter(|s| !s.caller)
            .ok_or(CommandError::NoSuchSession(id))
    }

    /// Sends a provisional response (180 Ringing, 183 Session Progress
    /// with early media SDP) to an incoming call.
    pub fn progress(
        &mut self,
        now: Instant,
        id: SessionId,
        status: u16,
        sdp: Option<Bytes>,
    ) -> Result<(), CommandError> {
        let s = self.incoming_session(id)?;
        if !(101..=199).contains(&status)
            || !matches!(s.state, SessionState::Incoming | SessionState::Early)
        {
            return Err(CommandError::WrongState {
                what: "a provisional response needs an unanswered incoming call and a status from 101 to 199",
            });
        }
        if s.invite
            .as_ref()
            .is_some_and(|i| super::session_prack::wants_100rel(i, false))
        {
            // The INVITE requires 100rel: every 1xx but 100 is reliable.
            return self.progress_reliable(now, id, status, sdp);
        }
        let tx = s.invite_tx;
        if let Some(sdp) = &sdp {
            // Early media: a preview of the answer (RFC 6337 §3.1.1), or of
            // our offer when the INVITE had none; the 2xx carries the real
            // one.
            Sdp::parse(sdp.clone()).map_err(|e| CommandError::Sdp {
                what: "the SDP of the provisional response",
                error: e.into(),
            })?;
        }
        if let Some(s) = self.sessions.get_mut(&id) {
            if sdp.is_some() {
                s.media.preview = sdp.clone();
            }
        }
        let reason = crate::message::reason_phrase(status);
        if let (Some(tx), Some(resp)) =
            (tx, self.session_response(id, status, reason, sdp.as_ref()))
        {
            let _ = self.layer.respond(now, tx, resp);
        }
        if let Some(s) = self.sessions.get_mut(&id) {
            s.state = SessionState::Early;
        }
        self.pump(now);
        Ok(())
    }

    /// Answers an incoming call with 200 OK and `sdp`; [`Event::CallAccepted`]
    /// follows when the caller's ACK arrives.
    pub fn accept(
        &mut self,
        now: Instant,
        id: SessionId,
        sdp: Option<Bytes>,
    ) -> Result<(), CommandError> {
        let s = self.incoming_session(id)?;
        if !matches!(s.state, SessionState::Incoming | SessionState::Early) {
            return Err(CommandError::WrongState {
                what: "only an unanswered incoming call can be accepted",
            });
        }
        let (Some(tx), Some(invite)) = (s.invite_tx, s.invite.clone()) else {
            return Err(CommandError::NoSuchSession(id));
        };
        let sdp = self.sdp_for_2xx(id, sdp)?;
        let Some(mut ok) = self.session_response(id, 200, "OK", sdp.as_ref()) else {
            return Err(CommandError::WrongState {
                what: "the 200 OK cannot be built",
            });
        };
        // RFC 4028 §9: the interval the caller asked for (or ours, if it
        // supports timers), refreshed by whom it said, else by it when it
        // can, else by us.
        let timer = self.config.session_timer.and_then(|cfg| {
            let caller_supports = supports(&invite, "timer");
            match session_expires(&invite) {
                Some((interval, refresher)) => {
                    let refresher = refresher.unwrap_or(if caller_supports {
                        Refresher::Uac
                    } else {
                        Refresher::Uas
                    });
                    Some((interval, refresher, caller_supports))
                }
                None if caller_supports => Some((cfg.expires, Refresher::Uac, true)),
                None => None,
            }
        });
        if let Some((interval, refresher, caller_supports)) = timer {
            let who = if refresher == Refresher::Uac {
                "uac"
            } else {
                "uas"
            };
            let _ = ok.push_raw(
                "Session-Expires",
                format!("{interval};refresher={who}").as_bytes(),
            );
            if caller_supports && refresher == Refresher::Uac {
                let _ = ok.push_raw("Require", b"timer");
            }
            ok = Message::parse(ok.to_bytes()).map_err(|_| CommandError::WrongState {
                what: "the 200 OK cannot be built",
            })?;
        }
        if self.layer.respond(now, tx, ok.clone()).is_err() {
            // The INVITE transaction is gone (the caller cancelled).
            return Err(CommandError::WrongState {
                what: "the INVITE is no longer pending",
            });
        }
        let dialog = Dialog::uas(&invite, &ok).ok();
        // The 2xx supersedes a reliable 1xx still awaiting its PRACK.
        if let Some(mut u) = self
            .sessions
            .get_mut(&id)
            .and_then(|s| s.prack.unacked.take())
        {
            self.timers.stop(&mut u.key);
        }
        let t1 = self.config.timers.t1;
        let s = self
            .sessions
            .get_mut(&id)
            .ok_or(CommandError::NoSuchSession(id))?;
        s.dialog = dialog;
        s.ok = Some(ok);
        self.timers.stop(&mut s.unanswered);
        s.state = SessionState::Answered;
        s.ok_interval = t1;
        s.ok_since = Some(now);
        s.ok_timer = Some(self.timers.arm(now + t1, Timer::OkRetransmit(id)));
        if let Some((interval, refresher, _)) = timer {
            self.start_session_timer(now, id, interval, refresher == Refresher::Uas);
        }
        self.pump(now);
        Ok(())
    }

    /// The SDP of our 2xx to the INVITE (RFC 3264, RFC 3262 §5): the
    /// answer to the INVITE's offer (`given`, else the early-media
    /// preview, else one made from `Config::media`); our offer when the
    /// INVITE had none (`given`, else one made from `Config::media`);
    /// nothing when a reliable 1xx already completed the exchange.
    fn sdp_for_2xx(
        &mut self,
        id: SessionId,
        given: Option<Bytes>,
    ) -> Result<Option<Bytes>, CommandError> {
        use crate::sdp::NegotiationState as St;
        let caps = self.config.media.clone();
        let s = self
            .sessions
            .get_mut(&id)
            .ok_or(CommandError::NoSuchSession(id))?;
        let sdp_error = |error| CommandError::Sdp {
            what: "the SDP of the 200 OK",
            error,
        };
        match s.media.state() {
            St::HaveRemoteOffer => {
                let given = given.or_else(|| s.media.preview.clone());
                s.media
                    .answer(given.as_ref(), caps.as_ref())
                    .map(Some)
                    .map_err(sdp_error)
            }
            St::HaveLocalOffer => Err(CommandError::WrongState {
                what: "the offer in our reliable provisional response awaits its answer (PRACK)",
            }),
            _ if s.media.neg.local_description().is_some() => Ok(None),
            _ => {
                let offer = match (given, caps) {
                    (Some(given), _) => given,
                    (None, Some(caps)) => caps.offer().map_err(|e| sdp_error(e.into()))?.to_bytes(),
                    (None, None) => {
                        return Err(CommandError::WrongState {
                            what: "the INVITE had no offer: accept needs ours (or Config::media)",
                        })
                    }
                };
                s.media.offer(&offer).map(Some).map_err(sdp_error)
            }
        }
    }

    /// Rejects an incoming call with a final status (486 Busy Here, 603
    /// Decline, ...).
    pub fn reject(
        &mut self,
        now: Instant,
        id: SessionId,
        status: u16,
        reason: &str,
    ) -> Result<(), CommandError> {
        let s = self.incoming_session(id)?;
        if !(300..=699).contains(&status)
            || !matches!(s.state, SessionState::Incoming | SessionState::Early)
        {
            return Err(CommandError::WrongState {
                what: "a rejection needs an unanswered incoming call and a status from 300 to 699",
            });
        }
        if reason.bytes().any(|b| b == b'\r' || b == b'\n') {
            return Err(CommandError::BadText {
                what: "the reason phrase",
                value: reason.to_owned(),
            });
        }
        if let (Some(tx), Some(resp)) = (s.invite_tx, {
            // No phrase given: the usual one (486 Busy Here, ...).
            let reason = if reason.trim().is_empty() {
                crate::message::reason_phrase(status)
            } else {
                reason
            };
            self.session_response(id, status, reason, None)
        }) {
            let _ = self.layer.respond(now, tx, resp);
        }
        self.end_session(id, EndReason::Declined { status });
        self.pump(now);
        Ok(())
    }

    /// Nobody answered the incoming call in time: 480, the call ends
    /// ([`EndReason::Declined`] with 480).
    pub(crate) fn unanswered_due(&mut self, now: Instant, id: SessionId) {
        if let Some(s) = self.sessions.get_mut(&id) {
            s.unanswered = None;
        }
        let unanswered = self.sessions.get(&id).is_some_and(|s| {
            !s.caller && matches!(s.state, SessionState::Incoming | SessionState::Early)
        });
        if unanswered {
            let _ = self.reject(now, id, 480, "Temporarily Unavailable");
            return;
        }
        // Our own call nobody answered: cancelled, ending as a timeout.
        let ringing = self.sessions.get(&id).is_some_and(|s| {
            s.caller && matches!(s.state, SessionState::Calling | SessionState::Early)
        });
        if ringing && self.hangup(now, id).is_ok() {
            if let Some(s) = self.sessions.get_mut(&id) {
                s.ending = Some(EndReason::Failed(crate::endpoint::Failure::Timeout));
            }
            return;
        }
        // Our re-INVITE the peer only rang for: CANCELled; its 487 gives
        // `CallUpdateFailed` and the previous media stay in force.
        let reinvites: Vec<TxId> = self
            .outgoing
            .values()
            .filter(|o| o.owner_is(Owner::InDialog(id, Method::Invite)))
            .filter_map(|o| o.tx())
            .filter(|tx| self.layer.state(*tx) == Some(TxState::Proceeding))
            .collect();
        for tx in reinvites {
            let _ = self.layer.cancel(now, tx);
        }
    }

    /// Timer for our 2xx: resend it (T1 doubling up to T2) until the ACK
    /// arrives, and give up with BYE after 64·T1 (§13.3.1.4).
    pub(crate) fn ok_retransmit_due(&mut self, now: Instant, id: SessionId) {
        let timers = self.config.timers;
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        s.ok_timer = None;
        if s.state != SessionState::Answered && s.mid.remote_reinvite.is_none() {
            return;
        }
        let since = s.ok_since.unwrap_or(now);
        if now.saturating_duration_since(since) >= timers.timeout() {
            self.send_bye(now, id, EndReason::NoAck);
            return;
        }
        let (tx, ok) = (s.invite_tx, s.ok.clone());
        s.ok_interval = (s.ok_interval * 2).min(timers.t2);
        let next = (now + s.ok_interval).min(since + timers.timeout());
        s.ok_timer = Some(self.timers.arm(next, Timer::OkRetransmit(id)));
        if let (Some(tx), Some(ok)) = (tx, ok) {
            // Through the transaction while it is Accepted (RFC 6026 §8.6);
            // Timer L (64·T1) lasts as long as this schedule.
            let _ = self.layer.respond(now, tx, ok);
        }
    }

    /// An ACK outside a transaction: the ACK for one of our 2xx.
    pub(crate) fn session_ack(&mut self, now: Instant, ack: &Message) {
        let Some(dialog_id) = DialogId::of_received_request(ack) else {
            return;
        };
        let hit = self.session_by_dialog(&dialog_id);
        let Some(id) = hit else {
            return;
        };
        self.acknowledged(now, id, Some(ack));
    }

    /// Our 2xx to an INVITE (the first or a re-INVITE) is acknowledged:
    /// by its ACK, or (`ack` `None`) by a later request of the peer's in
    /// the dialog, which it could not send without the 2xx: its ACK was
    /// lost (RFC 3261 §14.2 wants 500 only while the first INVITE has no
    /// final response yet).
    pub(crate) fn acknowledged(&mut self, now: Instant, id: SessionId, ack: Option<&Message>) {
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        let body = ack.and_then(sdp_of);
        if s.mid.remote_reinvite.take().is_some() {
            // The ACK for our 2xx to their re-INVITE: it answers our offer
            // if the re-INVITE had none.
            self.timers.stop(&mut s.ok_timer);
            if std::mem::take(&mut s.mid.offered_in_2xx) {
                let answered = body.is_some_and(|b| s.media.receive(&b).is_ok());
                if !answered {
                    s.media.rollback();
                }
            }
            return;
        }
        if s.state != SessionState::Answered {
            return; // a retransmitted ACK
        }
        self.timers.stop(&mut s.ok_timer);
        // Our 2xx offered (the INVITE had none): the ACK must answer.
        if s.media.state() == crate::sdp::NegotiationState::HaveLocalOffer {
            let answered = match &body {
                Some(b) => s
                    .media
                    .receive(b)
                    .map_err(|e| format!("the answer in the ACK: {e}")),
                None if ack.is_none() => {
                    // The ACK with the answer was lost and will not come.
                    s.media.rollback();
                    Ok(crate::sdp::Received::Answer)
                }
                None => Err("the ACK carries no answer to the offer in our 2xx".to_owned()),
            };
            if let Err(why) = answered {
                s.state = SessionState::Confirmed;
                self.end_for_sdp(now, id, why);
                return;
            }
        }
        // The new call is up: the one it replaces ends (RFC 3891 §3).
        if let Some(old) = s.replaces.take() {
            self.send_bye(now, old, EndReason::Replaced);
        }
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        s.state = SessionState::Confirmed;
        self.event(Event::CallAccepted {
            session: id,
            sdp: body.or_else(|| self.remote_sdp(id)),
            fork: 0,
        });
    }

    /// A CANCEL for an INVITE of ours that is still pending: 487 for the
    /// INVITE (the CANCEL itself was answered 200 by the caller of this).
    pub(crate) fn session_cancelled(&mut self, now: Instant, invite_tx: TxId, cancel: &Message) {
        let Some(&id) = self.by_server_tx.get(&invite_tx) else {
            return;
        };
        let pending = self
            .sessions
            .get(&id)
            .is_some_and(|s| matches!(s.state, SessionState::Incoming | SessionState::Early));
        if !pending {
            return;
        }
        if let Some(resp) = self.session_response(id, 487, "Request Terminated", None) {
            let _ = self.layer.respond(now, invite_tx, resp);
        }
        // RFC 3326: a forking proxy's CANCEL says when another device
        // answered (no "missed call" then).
        let cause = super::session::EndCause::of(cancel);
        let elsewhere = cause
            .as_ref()
            .is_some_and(|c| c.protocol.eq_ignore_ascii_case("SIP") && c.cause == Some(200));
        if let Some(s) = self.sessions.get_mut(&id) {
            s.cause = cause;
        }
        let reason = if elsewhere {
            EndReason::AnsweredElsewhere
        } else {
            EndReason::CancelledByCaller
        };
        self.end_session(id, reason);
    }

    /// A request with a To tag: for one of our dialogs, or 481.
    pub(crate) fn in_dialog_request(&mut self, now: Instant, tx: TxId, request: &Message) {
        let Some(dialog_id) = DialogId::of_received_request(request) else {
            return;
        };
        let hit = self.session_by_dialog(&dialog_id);
        let Some(id) = hit else {
            if let Some(sub) = self.subscriptions.find(&dialog_id) {
                match request.method() {
                    Some(Method::Notify) => self.subscription_notify(now, sub, tx, request),
                    Some(Method::Subscribe) => self.subscription_refresh(now, sub, tx, request),
                    _ => self.reply(now, tx, request, 405, "Method Not Allowed", &[], None),
                }
                return;
            }
            self.reply(
                now,
                tx,
                request,
                481,
                "Call/Transaction Does Not Exist",
                &[],
                None,
            );
            return;
        };
        let verdict = self
            .sessions
            .get_mut(&id)
            .and_then(|s| s.dialog_named(&dialog_id))
            .map(|d| d.receive_request(request));
        match verdict {
            Some(crate::dialog::Verdict::Accept { .. }) => {}
            Some(crate::dialog::Verdict::Reject { status, reason, .. }) => {
                self.reply(now, tx, request, status, reason, &[], None);
                return;
            }
            _ => {
                self.reply(
                    now,
                    tx,
                    request,
                    481,
                    "Call/Transaction Does Not Exist",
                    &[],
                    None,
                );
                return;
            }
        }
        match request.method() {
            Some(Method::Bye) => {
                self.reply(now, tx, request, 200, "OK", &[], None);
                if let Some(s) = self.sessions.get_mut(&id) {
                    s.cause = super::session::EndCause::of(request);
                }
                self.end_session(id, EndReason::RemoteHangup);
            }
            Some(Method::Invite) => self.remote_reinvite(now, id, tx, request),
            Some(Method::Info) => self.remote_info(now, id, tx, request),
            Some(Method::Update) => self.remote_update(now, id, tx, request),
            Some(Method::Prack) => self.remote_prack(now, id, tx, request),
            Some(Method::Refer) => self.remote_refer(now, id, tx, request),
            Some(Method::Notify) => self.remote_notify(now, id, tx, request),
            Some(Method::Options) => {
                self.reply(now, tx, request, 200, "OK", &[], None);
            }
            _ => {
                self.reply(
                    now,
                    tx,
                    request,
                    405,
                    "Method Not Allowed",
                    &[("Allow", ALLOW.to_owned())],
                    None,
                );
            }
        }
    }
}

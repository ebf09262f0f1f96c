//! What happens inside an established call: re-INVITE (RFC 3261 §14) to
//! renegotiate, hold and resume (RFC 3264 §8.4 directions), glare (491 and
//! the §14.1 random back-off, retried by sansip, not the application), a
//! failed re-INVITE that keeps the previous media (SIP.js issue 685), and
//! INFO (RFC 6086) carrying DTMF both ways.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::session::{sdp_of, EndReason, SessionId, SessionState};
use crate::endpoint::outgoing::{ContactSpec, Outcome, Outgoing, Owner};
use crate::endpoint::timers::Timer;
use crate::endpoint::{CommandError, Endpoint, Event};
use crate::message::headers::ContentType;
use crate::message::{Message, Method, ResponseBuilder};
use crate::sdp::{Direction, Origin, Sdp};
use crate::transaction::TxId;

/// Mid-call state of one session.
#[derive(Debug, Default)]
pub(crate) struct MidCall {
    /// The SDP we last sent (offer or answer) and the peer's last.
    pub(crate) local_sdp: Option<Bytes>,
    pub(crate) remote_sdp: Option<Bytes>,
    /// Our re-INVITE or UPDATE in flight, with the SDP it offers (empty
    /// for an offerless session refresh).
    pub(crate) reinvite_pending: Option<Bytes>,
    /// Whether what is in flight is an UPDATE rather than a re-INVITE.
    pub(crate) via_update: bool,
    /// A re-INVITE or UPDATE waiting for its glare back-off.
    pub(crate) glare_retry: Option<(Method, Bytes)>,
    /// The peer's re-INVITE we answered, waiting for its ACK.
    pub(crate) remote_reinvite: Option<TxId>,
    /// Whether we put the call on hold.
    pub(crate) held: bool,
    /// DTMF digits waiting for the INFO before them to complete.
    pub(crate) dtmf: VecDeque<(char, u32)>,
    pub(crate) info_in_flight: bool,
    /// What is in flight is a session refresh (RFC 4028), not a change.
    pub(crate) refreshing: bool,
}

/// `sdp` with every stream's direction mapped by `f` and the `o=` version
/// raised by one (RFC 3264 §8: a changed description gets a new version).
pub(crate) fn rewrite_directions(sdp: &Bytes, f: impl Fn(Direction) -> Direction) -> Option<Bytes> {
    let mut s = Sdp::parse(sdp.clone()).ok()?;
    for i in 0..s.media().len() {
        let d = s.media_direction(i).unwrap_or(Direction::SendRecv);
        if let Some(m) = s.media_mut(i) {
            m.set_direction(f(d));
        }
    }
    bump_version(&mut s)?;
    Some(s.to_bytes())
}

fn bump_version(s: &mut Sdp) -> Option<()> {
    let o = s.origin().ok()?;
    let (user, id, net, addr_type, addr) = (
        o.username.to_owned(),
        o.session_id.to_owned(),
        o.net_type.to_owned(),
        o.addr_type.to_owned(),
        o.address.to_owned(),
    );
    let version = o.session_version.saturating_add(1);
    s.set_origin(&Origin {
        username: &user,
        session_id: &id,
        session_version: version,
        net_type: &net,
        addr_type: &addr_type,
        address: &addr,
    })
    .ok()
}

/// The answer to a re-INVITE offer from our last SDP (RFC 3264 §6.1):
/// the peer's sendonly is answered recvonly, its inactive inactive, its
/// recvonly sendonly, its sendrecv with our own direction.
fn answer_directions(ours: &Bytes, offer: &Bytes) -> Option<Bytes> {
    let offer = Sdp::parse(offer.clone()).ok()?;
    let theirs: Vec<Direction> = (0..offer.media().len())
        .map(|i| offer.media_direction(i).unwrap_or(Direction::SendRecv))
        .collect();
    let mut s = Sdp::parse(ours.clone()).ok()?;
    for (i, their) in theirs.iter().enumerate().take(s.media().len()) {
        let mine = s.media_direction(i).unwrap_or(Direction::SendRecv);
        let answer = match their {
            Direction::SendOnly => Direction::RecvOnly,
            Direction::RecvOnly => Direction::SendOnly,
            Direction::Inactive => Direction::Inactive,
            Direction::SendRecv => mine,
        };
        if let Some(m) = s.media_mut(i) {
            m.set_direction(answer);
        }
    }
    bump_version(&mut s)?;
    Some(s.to_bytes())
}

impl Endpoint {
    fn confirmed_session(&self, id: SessionId) -> Result<(), CommandError> {
        match self.sessions.get(&id) {
            Some(s) if s.state == SessionState::Confirmed => Ok(()),
            Some(_) => Err(CommandError::WrongState {
                what: "the call is not established",
            }),
            None => Err(CommandError::NoSuchSession(id)),
        }
    }

    /// Sends a re-INVITE offering `sdp`. [`Event::CallUpdated`] follows;
    /// if the peer refuses, [`Event::CallUpdateFailed`] and the previous
    /// media stay in force. A glare (491) is retried by sansip after the
    /// §14.1 back-off.
    pub fn renegotiate(
        &mut self,
        now: Instant,
        id: SessionId,
        sdp: Bytes,
    ) -> Result<(), CommandError> {
        self.confirmed_session(id)?;
        let busy = self
            .sessions
            .get(&id)
            .is_some_and(|s| s.mid.reinvite_pending.is_some() || s.mid.remote_reinvite.is_some());
        if busy {
            return Err(CommandError::WrongState {
                what: "a re-INVITE is already in progress",
            });
        }
        self.send_reinvite(now, id, sdp);
        self.pump(now);
        Ok(())
    }

    /// Puts the call on hold: a re-INVITE with our last SDP made sendonly
    /// (inactive where we only received).
    pub fn hold(&mut self, now: Instant, id: SessionId) -> Result<(), CommandError> {
        let sdp = self.rewritten_local(id, |d| match d {
            Direction::SendRecv | Direction::SendOnly => Direction::SendOnly,
            Direction::RecvOnly | Direction::Inactive => Direction::Inactive,
        })?;
        self.renegotiate(now, id, sdp)
    }

    /// Takes the call off hold: sendonly back to sendrecv, inactive back to
    /// recvonly.
    pub fn resume(&mut self, now: Instant, id: SessionId) -> Result<(), CommandError> {
        let sdp = self.rewritten_local(id, |d| match d {
            Direction::SendOnly | Direction::SendRecv => Direction::SendRecv,
            Direction::Inactive | Direction::RecvOnly => Direction::RecvOnly,
        })?;
        self.renegotiate(now, id, sdp)
    }

    /// Whether we put the call on hold (and have not resumed it).
    pub fn is_on_hold(&self, id: SessionId) -> bool {
        self.sessions.get(&id).is_some_and(|s| s.mid.held)
    }

    fn rewritten_local(
        &self,
        id: SessionId,
        f: impl Fn(Direction) -> Direction,
    ) -> Result<Bytes, CommandError> {
        self.confirmed_session(id)?;
        let local = self
            .sessions
            .get(&id)
            .and_then(|s| s.mid.local_sdp.clone())
            .ok_or(CommandError::WrongState {
                what: "hold and resume need an SDP of ours in the call",
            })?;
        rewrite_directions(&local, f).ok_or(CommandError::WrongState {
            what: "our last SDP cannot be rewritten",
        })
    }

    fn send_reinvite(&mut self, now: Instant, id: SessionId, sdp: Bytes) {
        self.send_offer(now, id, Method::Invite, sdp);
    }

    /// Sends a re-INVITE or an UPDATE offering `sdp` (an empty `sdp`: no
    /// body, a plain session refresh).
    pub(crate) fn send_offer(&mut self, now: Instant, id: SessionId, method: Method, sdp: Bytes) {
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        let builder = s
            .dialog
            .as_mut()
            .and_then(|d| d.request(method.clone()).ok());
        let request = builder.and_then(|b| {
            if sdp.is_empty() {
                b.build().ok()
            } else {
                b.body("application/sdp", sdp.to_vec()).build().ok()
            }
        });
        let Some(request) = request else {
            return;
        };
        s.mid.reinvite_pending = Some(sdp);
        s.mid.via_update = method == Method::Update;
        let contact = ContactSpec::Ours {
            params: String::new(),
            ob: false,
        };
        let out = Outgoing::new(Owner::InDialog(id, method), request, contact, None);
        self.start_outgoing(now, out);
    }

    /// Sends an UPDATE (RFC 3311) offering `sdp` in an established call:
    /// like [`renegotiate`](Self::renegotiate) without the three-way
    /// handshake.
    pub fn update(&mut self, now: Instant, id: SessionId, sdp: Bytes) -> Result<(), CommandError> {
        self.confirmed_session(id)?;
        let busy = self
            .sessions
            .get(&id)
            .is_some_and(|s| s.mid.reinvite_pending.is_some() || s.mid.remote_reinvite.is_some());
        if busy {
            return Err(CommandError::WrongState {
                what: "an offer is already in progress",
            });
        }
        self.send_offer(now, id, Method::Update, sdp);
        self.pump(now);
        Ok(())
    }

    /// Sends DTMF by INFO (`application/dtmf-relay`), one INFO per digit,
    /// each after the previous one completed.
    pub fn send_dtmf(
        &mut self,
        now: Instant,
        id: SessionId,
        digits: &str,
        duration_ms: u32,
    ) -> Result<(), CommandError> {
        self.confirmed_session(id)?;
        if digits.is_empty()
            || !digits
                .chars()
                .all(|c| c.is_ascii_digit() || "*#ABCDabcd".contains(c))
        {
            return Err(CommandError::BadText {
                what: "DTMF digits (0-9, *, #, A-D)",
                value: digits.to_owned(),
            });
        }
        if let Some(s) = self.sessions.get_mut(&id) {
            s.mid.dtmf.extend(
                digits
                    .chars()
                    .map(|c| (c.to_ascii_uppercase(), duration_ms)),
            );
        }
        self.next_dtmf(now, id);
        self.pump(now);
        Ok(())
    }

    fn next_dtmf(&mut self, now: Instant, id: SessionId) {
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        if s.mid.info_in_flight {
            return;
        }
        let Some((digit, duration)) = s.mid.dtmf.pop_front() else {
            return;
        };
        let body = format!("Signal={digit}\r\nDuration={duration}\r\n");
        let request = s
            .dialog
            .as_mut()
            .and_then(|d| d.request(Method::Info).ok())
            .and_then(|b| {
                b.body("application/dtmf-relay", body.into_bytes())
                    .build()
                    .ok()
            });
        let Some(request) = request else {
            return;
        };
        s.mid.info_in_flight = true;
        let out = Outgoing::new(
            Owner::InDialog(id, Method::Info),
            request,
            ContactSpec::None,
            None,
        );
        self.start_outgoing(now, out);
    }

    /// The outcome of our re-INVITE or INFO.
    pub(crate) fn mid_call_outcome(
        &mut self,
        now: Instant,
        id: SessionId,
        method: &Method,
        outcome: &Outcome,
    ) {
        let status = outcome.result.as_ref().ok().and_then(Message::status);
        // 481 and 408 (or no answer at all) end the dialog (§12.2.1.2).
        let dialog_gone = match &outcome.result {
            Ok(_) => matches!(status, Some(408) | Some(481)),
            Err(_) => true,
        };
        if *method == Method::Info {
            if let Some(s) = self.sessions.get_mut(&id) {
                s.mid.info_in_flight = false;
            }
            if dialog_gone {
                self.send_bye(
                    now,
                    id,
                    EndReason::Failed(crate::endpoint::Failure::Timeout),
                );
            } else {
                self.next_dtmf(now, id);
            }
            return;
        }
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        let offered = s.mid.reinvite_pending.take();
        match (&outcome.result, status) {
            (Ok(resp), Some(200..=299)) => {
                let ack = (*method == Method::Invite)
                    .then(|| s.dialog.as_ref().and_then(|d| d.ack(&outcome.request).ok()))
                    .flatten()
                    .and_then(|b| b.build().ok());
                if let Some(d) = s.dialog.as_mut() {
                    d.on_response(resp);
                }
                let offered = offered.filter(|o| !o.is_empty());
                if let Some(sdp) = &offered {
                    s.mid.held = Sdp::parse(sdp.clone()).ok().is_some_and(|p| {
                        (0..p.media().len()).all(|i| {
                            !matches!(
                                p.media_direction(i),
                                Some(Direction::SendRecv) | None | Some(Direction::RecvOnly)
                            )
                        })
                    });
                }
                s.mid.local_sdp = offered.or(s.mid.local_sdp.take());
                let answer = sdp_of(resp);
                if answer.is_some() {
                    s.mid.remote_sdp = answer.clone();
                }
                let refresh = std::mem::take(&mut s.mid.refreshing);
                if let Some(ack) = ack {
                    s.ack = Some(ack.clone());
                    if let Some(tx) = outcome.tx {
                        self.invite_txs.insert(tx, id);
                    }
                    self.send_request_stateless(now, ack);
                }
                self.session_refreshed(now, id);
                if !refresh {
                    self.event(Event::CallUpdated {
                        session: id,
                        sdp: answer,
                    });
                }
            }
            (Ok(_), Some(491)) => {
                // §14.1: the Call-ID's owner waits 2.1–4 s, the other 0–2 s,
                // in units of 10 ms.
                let caller = s.caller;
                s.mid.glare_retry = offered.map(|o| (method.clone(), o));
                let units = if caller {
                    210 + self.rng.below(190)
                } else {
                    self.rng.below(200)
                };
                let wait = Duration::from_millis(units * 10);
                self.timers.arm(now + wait, Timer::GlareRetry(id));
            }
            _ if dialog_gone => {
                self.send_bye(
                    now,
                    id,
                    EndReason::Failed(crate::endpoint::Failure::Timeout),
                );
            }
            _ if std::mem::take(&mut s.mid.refreshing) => {
                // A refused refresh: the session ends at expiry unless the
                // peer refreshes it.
            }
            _ => {
                // Refused: the media stay as they were (RFC 3261 §14.1).
                self.event(Event::CallUpdateFailed {
                    session: id,
                    status: status.unwrap_or(0),
                });
            }
        }
    }

    pub(crate) fn glare_retry_due(&mut self, now: Instant, id: SessionId) {
        let retry = self
            .sessions
            .get_mut(&id)
            .filter(|s| s.state == SessionState::Confirmed)
            .and_then(|s| s.mid.glare_retry.take());
        if let Some((method, sdp)) = retry {
            self.send_offer(now, id, method, sdp);
        }
    }

    /// A re-INVITE from the peer: answered at once from our last SDP, or
    /// 491 when ours is in flight (glare), or 500 when theirs is (§14.2).
    pub(crate) fn remote_reinvite(
        &mut self,
        now: Instant,
        id: SessionId,
        tx: TxId,
        request: &Message,
    ) {
        let Some(s) = self.sessions.get(&id) else {
            return;
        };
        if s.mid.reinvite_pending.is_some() {
            self.reply(now, tx, request, 491, "Request Pending", &[], None);
            return;
        }
        if s.mid.remote_reinvite.is_some() || s.state != SessionState::Confirmed {
            let retry = ("Retry-After", format!("{}", self.rng.below(10)));
            self.reply(
                now,
                tx,
                request,
                500,
                "Server Internal Error",
                &[retry],
                None,
            );
            return;
        }
        let offer = sdp_of(request);
        let answer = match (&offer, &s.mid.local_sdp) {
            (Some(o), Some(ours)) => answer_directions(ours, o),
            // An offerless re-INVITE: offer our current SDP in the 2xx.
            (None, ours) => ours.clone(),
            (Some(_), None) => None,
        };
        let Some(answer) = answer else {
            self.reply(now, tx, request, 488, "Not Acceptable Here", &[], None);
            return;
        };
        let Some(ok) = self.in_dialog_ok(id, request, Some(&answer)) else {
            return;
        };
        if self.layer.respond(now, tx, ok.clone()).is_err() {
            return;
        }
        let t1 = self.config.timers.t1;
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        s.mid.remote_reinvite = Some(tx);
        s.mid.local_sdp = Some(answer);
        if offer.is_some() {
            s.mid.remote_sdp = offer.clone();
        }
        s.invite_tx = Some(tx);
        s.ok = Some(ok);
        s.ok_interval = t1;
        s.ok_since = Some(now);
        self.timers.stop(&mut s.ok_timer);
        s.ok_timer = Some(self.timers.arm(now + t1, Timer::OkRetransmit(id)));
        self.session_refreshed(now, id);
        self.event(Event::CallUpdated {
            session: id,
            sdp: offer,
        });
    }

    /// An UPDATE from the peer (RFC 3311): answered at once like a
    /// re-INVITE, with no ACK to wait for; an offerless UPDATE (a session
    /// refresh) gets a plain 200.
    pub(crate) fn remote_update(
        &mut self,
        now: Instant,
        id: SessionId,
        tx: TxId,
        request: &Message,
    ) {
        let Some(s) = self.sessions.get(&id) else {
            return;
        };
        if s.mid.reinvite_pending.is_some() {
            self.reply(now, tx, request, 491, "Request Pending", &[], None);
            return;
        }
        let offer = sdp_of(request);
        let answer = match (&offer, &s.mid.local_sdp) {
            (Some(o), Some(ours)) => match answer_directions(ours, o) {
                Some(a) => Some(a),
                None => {
                    self.reply(now, tx, request, 488, "Not Acceptable Here", &[], None);
                    return;
                }
            },
            (Some(_), None) => {
                self.reply(now, tx, request, 488, "Not Acceptable Here", &[], None);
                return;
            }
            (None, _) => None,
        };
        let Some(ok) = self.in_dialog_ok(id, request, answer.as_ref()) else {
            return;
        };
        let _ = self.layer.respond(now, tx, ok);
        if let Some(s) = self.sessions.get_mut(&id) {
            if let Some(a) = answer {
                s.mid.local_sdp = Some(a);
                s.mid.remote_sdp = offer.clone();
            }
        }
        self.session_refreshed(now, id);
        if offer.is_some() {
            self.event(Event::CallUpdated {
                session: id,
                sdp: offer,
            });
        }
    }

    /// A 2xx to a request inside the dialog, with our Contact (a target
    /// refresh needs it) and `sdp`.
    fn in_dialog_ok(
        &self,
        id: SessionId,
        request: &Message,
        sdp: Option<&Bytes>,
    ) -> Option<Message> {
        self.sessions.get(&id)?;
        let contact = self.session_contact(id);
        let mut b = ResponseBuilder::for_request(request, 200, "OK")
            .raw_header("Contact", format!("<{contact}>").as_bytes())
            .raw_header("Server", self.config.user_agent.as_bytes());
        if let Some(sdp) = sdp {
            b = b.body("application/sdp", sdp.to_vec());
        }
        b.build().ok()
    }

    /// An INFO in a call: DTMF is reported, anything else acknowledged.
    pub(crate) fn remote_info(&mut self, now: Instant, id: SessionId, tx: TxId, request: &Message) {
        let content_type = request
            .header::<ContentType>()
            .map(|c| format!("{}/{}", c.media_type, c.subtype).to_ascii_lowercase())
            .unwrap_or_default();
        let body = String::from_utf8_lossy(request.body()).into_owned();
        let dtmf = match content_type.as_str() {
            "application/dtmf-relay" => {
                let field = |name: &str| {
                    body.lines().find_map(|l| {
                        let (k, v) = l.split_once('=')?;
                        k.trim()
                            .eq_ignore_ascii_case(name)
                            .then(|| v.trim().to_owned())
                    })
                };
                let digit = field("Signal").and_then(|v| v.chars().next());
                let duration = field("Duration").and_then(|v| v.parse().ok()).unwrap_or(0);
                digit.map(|d| (d, duration))
            }
            "application/dtmf" => body.trim().chars().next().map(|d| (d, 0)),
            _ => None,
        };
        self.reply(now, tx, request, 200, "OK", &[], None);
        if let Some((digit, duration_ms)) =
            dtmf.filter(|(d, _)| d.is_ascii_digit() || "*#ABCDabcd".contains(*d))
        {
            self.event(Event::Dtmf {
                session: id,
                digit: digit.to_ascii_uppercase(),
                duration_ms,
            });
        }
    }
}

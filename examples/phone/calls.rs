//! The phone's calls: `--call` places one with an SDP audio offer,
//! `--answer` decides what happens to incoming ones, and the timers of
//! `--answer-after`, `--hold-after`, `--resume-after`, `--transfer-after`
//! and `--hangup-after`. Media is external: the SDP names a local port
//! (`--media-port`), but the phone sends no RTP.
//!
//! Hold and resume are sansip's re-INVITEs ([`Endpoint::hold`],
//! [`Endpoint::resume`]); a blind transfer is its REFER
//! ([`Endpoint::refer`]) as transferor, and [`Endpoint::accept_transfer`]
//! as transferee, which places the new call itself and reports its
//! progress to the transferor by NOTIFY.
//!
//! Offer/answer goes through [`Negotiation`]: the callee answers the offer
//! with [`Negotiation::create_answer`] (first common codec in the offerer's
//! order, RFC 3264 §6.1 directions), the caller checks the answer against
//! its offer.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sansip::endpoint::{EndReason, Endpoint, Event, InviteOptions, SessionId};
use sansip::sdp::{
    Capabilities, Codec, Direction, Media, MediaCapability, Negotiation, NegotiationState, Origin,
    Rtpmap, Sdp,
};

use crate::{one_line, say};

mod transfer;

/// What `--answer` does with an incoming call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AnswerMode {
    /// 180, then 200 with an SDP answer (after `--answer-after`).
    Auto,
    /// 486 Busy Here.
    Reject,
    /// 180, and never an answer.
    None,
}

impl AnswerMode {
    pub(crate) fn parse(s: &str) -> Option<AnswerMode> {
        match s {
            "auto" => Some(AnswerMode::Auto),
            "reject" => Some(AnswerMode::Reject),
            "none" => Some(AnswerMode::None),
            _ => None,
        }
    }
}

/// The call options of the command line.
#[derive(Debug, Clone)]
pub(crate) struct CallConfig {
    /// `None`: no `--answer`, incoming calls get 480.
    pub(crate) answer: Option<AnswerMode>,
    pub(crate) answer_after: Duration,
    pub(crate) hangup_after: Option<Duration>,
    /// `--hold-after` and `--resume-after`, from the call being up.
    pub(crate) hold_after: Option<Duration>,
    pub(crate) resume_after: Option<Duration>,
    /// `--100rel`: ring reliably when the caller merely supports 100rel.
    pub(crate) reliable_ringing: bool,
    /// `--accept-refer`: accept a REFER (else decline it).
    pub(crate) accept_refer: bool,
    /// `--transfer-to` and `--transfer-after`.
    pub(crate) transfer: Option<(String, Duration)>,
    /// The address and port written in our SDP (`c=` and `m=`).
    pub(crate) media_addr: String,
    pub(crate) media_port: u16,
}

/// The payload types the phone offers, with their rtpmap.
const OFFERED: [(&str, &str); 3] = [
    ("0", "PCMU/8000"),
    ("8", "PCMA/8000"),
    ("101", "telephone-event/8000"),
];

/// What a call's timer does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Answer,
    Hold,
    Resume,
    Transfer,
    Hangup,
}

/// Our re-INVITE in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Update {
    Hold,
    Resume,
}

impl Update {
    fn name(self) -> &'static str {
        match self {
            Update::Hold => "hold",
            Update::Resume => "resume",
        }
    }
}

struct Call {
    neg: Negotiation,
    answer_at: Option<Instant>,
    hold_at: Option<Instant>,
    resume_at: Option<Instant>,
    transfer_at: Option<Instant>,
    hangup_at: Option<Instant>,
    /// Our hold or resume re-INVITE awaiting its answer.
    updating: Option<Update>,
    /// Transferor: our REFER is out; whether its own answer has come
    /// (what follows are the NOTIFYs' statuses of the new call).
    referring: Option<bool>,
}

impl Call {
    fn new(neg: Negotiation) -> Call {
        Call {
            neg,
            answer_at: None,
            hold_at: None,
            resume_at: None,
            transfer_at: None,
            hangup_at: None,
            updating: None,
            referring: None,
        }
    }

    /// The timers, in the order they are served when due together.
    fn timers(&mut self) -> [(&mut Option<Instant>, Action); 5] {
        [
            (&mut self.answer_at, Action::Answer),
            (&mut self.hold_at, Action::Hold),
            (&mut self.resume_at, Action::Resume),
            (&mut self.transfer_at, Action::Transfer),
            (&mut self.hangup_at, Action::Hangup),
        ]
    }

    fn next_deadline(&self) -> Option<Instant> {
        [
            self.answer_at,
            self.hold_at,
            self.resume_at,
            self.transfer_at,
            self.hangup_at,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// The first timer due at `now`, cleared.
    fn take_due(&mut self, now: Instant) -> Option<Action> {
        self.timers().into_iter().find_map(|(at, action)| {
            at.is_some_and(|t| t <= now).then(|| {
                *at = None;
                action
            })
        })
    }

    /// Takes an SDP from the peer when it answers our pending offer (a
    /// 2xx, a 183 with early media, an ACK); a repeat of an answer already
    /// taken (the 2xx after a 183) is ignored.
    fn take_remote_sdp(&mut self, sdp: Bytes) {
        if self.neg.state() != NegotiationState::HaveLocalOffer {
            return;
        }
        match Sdp::parse(sdp) {
            Ok(sdp) => {
                if let Err(e) = self.neg.receive(sdp) {
                    eprintln!("phone: the SDP of the call is not a valid answer: {e}");
                }
            }
            Err(e) => eprintln!("phone: the SDP of the call does not parse: {e}"),
        }
    }
}

/// The phone's calls.
pub(crate) struct Calls {
    cfg: CallConfig,
    calls: BTreeMap<SessionId, Call>,
    /// The `--call` session, and whether it was answered.
    placed: Option<SessionId>,
    placed_accepted: bool,
    /// `o=` session ids (any number unique per call will do).
    next_sdp_session: u64,
}

impl Calls {
    pub(crate) fn new(cfg: CallConfig, seed: u64) -> Calls {
        Calls {
            cfg,
            calls: BTreeMap::new(),
            placed: None,
            placed_accepted: false,
            next_sdp_session: (seed % 1_000_000_000) + 1,
        }
    }

    fn negotiation(&mut self) -> Negotiation {
        let id = self.next_sdp_session;
        self.next_sdp_session += 1;
        Negotiation::new("sansip", id, &self.cfg.media_addr)
    }

    fn addr_type(&self) -> &'static str {
        if self.cfg.media_addr.contains(':') {
            "IP6"
        } else {
            "IP4"
        }
    }

    /// Our audio offer: PCMU, PCMA and telephone-event, sendrecv.
    fn offer(&self) -> Sdp {
        let o = Origin {
            username: "sansip",
            session_id: "0",
            session_version: 0,
            net_type: "IN",
            addr_type: self.addr_type(),
            address: &self.cfg.media_addr,
        };
        let mut sdp = Sdp::new(&o, "sansip phone").expect("a valid origin");
        sdp.push_line(
            'c',
            format!("IN {} {}", self.addr_type(), self.cfg.media_addr),
        )
        .expect("a valid c= line");
        let pts: Vec<&str> = OFFERED.iter().map(|(pt, _)| *pt).collect();
        let mut m = Media::new("audio", self.cfg.media_port, "RTP/AVP", &pts).expect("m= line");
        for (pt, map) in OFFERED {
            m.push_attribute("rtpmap", Some(&format!("{pt} {map}")))
                .expect("rtpmap");
        }
        m.push_attribute("fmtp", Some("101 0-16")).expect("fmtp");
        m.push_attribute("ptime", Some("20")).expect("ptime");
        m.set_direction(Direction::SendRecv);
        sdp.push_media(m);
        sdp
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            address: self.cfg.media_addr.clone(),
            media: vec![MediaCapability::new(
                "audio",
                self.cfg.media_port,
                vec![
                    Codec::new("PCMU", 8000),
                    Codec::new("PCMA", 8000),
                    Codec::new("telephone-event", 8000),
                ],
            )],
        }
    }

    /// Places the `--call`: an INVITE with our offer.
    pub(crate) fn place(&mut self, ep: &mut Endpoint, target: &str) -> Result<(), String> {
        let mut neg = self.negotiation();
        let offer = neg
            .set_local_offer(self.offer())
            .map_err(|e| format!("offer: {e}"))?;
        let id = ep
            .invite(
                Instant::now(),
                target,
                InviteOptions {
                    sdp: Some(offer.to_bytes()),
                    extra_headers: Vec::new(),
                },
            )
            .map_err(|e| e.to_string())?;
        self.placed = Some(id);
        self.calls.insert(id, Call::new(neg));
        Ok(())
    }

    /// Whether [`Calls::on_event`] handles this event.
    pub(crate) fn is_call_event(e: &Event) -> bool {
        matches!(
            e,
            Event::IncomingCall { .. }
                | Event::CallProgress { .. }
                | Event::CallAccepted { .. }
                | Event::CallUpdated { .. }
                | Event::CallUpdateFailed { .. }
                | Event::TransferRequested { .. }
                | Event::TransferProgress { .. }
                | Event::CallEnded { .. }
        )
    }

    /// Handles a call event; `Some(code)` when the `--call` ended (the
    /// exit status).
    pub(crate) fn on_event(&mut self, ep: &mut Endpoint, e: Event) -> Option<i32> {
        let now = Instant::now();
        match e {
            Event::IncomingCall {
                session,
                from,
                sdp_offer,
                ..
            } => {
                say(format_args!("call-incoming from={}", one_line(&from)));
                self.incoming(ep, now, session, sdp_offer);
            }
            Event::CallProgress {
                session,
                status,
                sdp,
                ..
            } => {
                let call = self.calls.get_mut(&session)?;
                // Early media (a 183's SDP) answers our offer already.
                let summary = match sdp {
                    Some(sdp) => {
                        call.take_remote_sdp(sdp);
                        media_summary(&call.neg)
                    }
                    None => String::new(),
                };
                say(format_args!("call-progress status={status}{summary}"));
            }
            Event::CallAccepted { session, sdp, .. } => {
                let after = |d: Option<Duration>| d.map(|d| now + d);
                let (hangup_at, hold_at, resume_at) = (
                    after(self.cfg.hangup_after),
                    after(self.cfg.hold_after),
                    after(self.cfg.resume_after),
                );
                let transfer_at = after(self.cfg.transfer.as_ref().map(|(_, d)| *d));
                let call = self.calls.get_mut(&session)?;
                call.hangup_at = hangup_at;
                call.hold_at = hold_at;
                call.resume_at = resume_at;
                call.transfer_at = transfer_at;
                if let Some(sdp) = sdp {
                    call.take_remote_sdp(sdp);
                }
                let summary = media_summary(&call.neg);
                if Some(session) == self.placed {
                    self.placed_accepted = true;
                }
                say(format_args!("call-accepted{summary}"));
            }
            Event::CallUpdated { session, sdp, .. } => {
                let call = self.calls.get_mut(&session)?;
                // The direction of the peer's SDP: its answer to our
                // re-INVITE, or its own offer.
                let dir = sdp.and_then(audio_direction);
                let direction = |key: &str| {
                    dir.map(|d| format!(" {key}={}", d.as_str()))
                        .unwrap_or_default()
                };
                match call.updating.take() {
                    Some(Update::Hold) => say(format_args!(
                        "call-on-hold{}",
                        direction("remote-direction")
                    )),
                    Some(Update::Resume) => say(format_args!(
                        "call-resumed{}",
                        direction("remote-direction")
                    )),
                    None => say(format_args!(
                        "call-updated by=remote{}",
                        direction("direction")
                    )),
                }
            }
            Event::CallUpdateFailed {
                session, status, ..
            } => {
                let call = self.calls.get_mut(&session)?;
                let action = call.updating.take().map_or("update", Update::name);
                say(format_args!(
                    "call-update-failed action={action} status={status}"
                ));
            }
            Event::TransferRequested {
                session,
                target,
                referred_by,
                ..
            } => self.transfer_requested(ep, now, session, &target, referred_by),
            Event::TransferProgress {
                session, status, ..
            } => self.transfer_progress(ep, now, session, status),
            Event::CallEnded {
                session, reason, ..
            } => {
                self.calls.remove(&session);
                say(format_args!("call-ended reason={}", reason_text(&reason)));
                if Some(session) == self.placed {
                    self.placed = None;
                    return Some(if self.placed_accepted { 0 } else { 1 });
                }
            }
            _ => {}
        }
        None
    }

    fn incoming(
        &mut self,
        ep: &mut Endpoint,
        now: Instant,
        id: SessionId,
        sdp_offer: Option<Bytes>,
    ) {
        let mode = match self.cfg.answer {
            None => {
                let _ = ep.reject(now, id, 480, "Temporarily Unavailable");
                return;
            }
            Some(AnswerMode::Reject) => {
                let _ = ep.reject(now, id, 486, "Busy Here");
                return;
            }
            Some(mode) => mode,
        };
        let mut neg = self.negotiation();
        if let Some(offer) = sdp_offer {
            let taken = Sdp::parse(offer)
                .map_err(|e| e.to_string())
                .and_then(|sdp| neg.set_remote_offer(sdp).map_err(|e| e.to_string()));
            if let Err(e) = taken {
                eprintln!("phone: cannot take the call's offer: {e}");
                let _ = ep.reject(now, id, 488, "Not Acceptable Here");
                return;
            }
        }
        // sansip rings reliably by itself when the INVITE requires 100rel;
        // with --100rel also when it only supports it.
        let rang = if self.cfg.reliable_ringing {
            ep.progress_reliable(now, id, 180, None)
                .or_else(|_| ep.progress(now, id, 180, None))
        } else {
            ep.progress(now, id, 180, None)
        };
        if let Err(e) = rang {
            eprintln!("phone: cannot ring: {e}");
        }
        let mut call = Call::new(neg);
        call.answer_at = (mode == AnswerMode::Auto).then(|| now + self.cfg.answer_after);
        self.calls.insert(id, call);
        if self.cfg.answer_after.is_zero() {
            self.tick(ep, now);
        }
    }

    /// Answers a ringing call: our answer to its offer, or our offer when
    /// the INVITE had none (the answer then comes in the ACK).
    fn answer(&mut self, ep: &mut Endpoint, now: Instant, id: SessionId) {
        let caps = self.capabilities();
        let offer = self.offer();
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let body = if call.neg.pending_offer().is_some() {
            match call.neg.create_answer(&caps) {
                Ok(answer) if answer.media().iter().any(|m| !m.is_rejected()) => {
                    Ok(answer.to_bytes())
                }
                Ok(_) => Err("no codec in common".to_owned()),
                Err(e) => Err(e.to_string()),
            }
        } else {
            call.neg
                .set_local_offer(offer)
                .map(|o| o.to_bytes())
                .map_err(|e| e.to_string())
        };
        match body {
            Ok(sdp) => {
                if let Err(e) = ep.accept(now, id, Some(sdp)) {
                    eprintln!("phone: cannot accept the call: {e}");
                }
            }
            Err(e) => {
                eprintln!("phone: cannot answer the offer: {e}");
                let _ = ep.reject(now, id, 488, "Not Acceptable Here");
            }
        }
    }

    /// The earliest timer of any call.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.calls.values().filter_map(Call::next_deadline).min()
    }

    /// Carries out every call timer whose time has come.
    pub(crate) fn tick(&mut self, ep: &mut Endpoint, now: Instant) {
        while let Some((id, action)) = self
            .calls
            .iter_mut()
            .find_map(|(id, c)| c.take_due(now).map(|a| (*id, a)))
        {
            self.act(ep, now, id, action);
        }
    }

    fn act(&mut self, ep: &mut Endpoint, now: Instant, id: SessionId, action: Action) {
        let update = match action {
            Action::Answer => return self.answer(ep, now, id),
            Action::Hangup => {
                if let Err(e) = ep.hangup(now, id) {
                    eprintln!("phone: cannot hang up: {e}");
                }
                return;
            }
            Action::Transfer => return self.transfer(ep, now, id),
            Action::Hold => Update::Hold,
            Action::Resume => Update::Resume,
        };
        let sent = match update {
            Update::Hold => ep.hold(now, id),
            Update::Resume => ep.resume(now, id),
        };
        match sent {
            Ok(()) => {
                if let Some(call) = self.calls.get_mut(&id) {
                    call.updating = Some(update);
                }
            }
            Err(e) => say(format_args!(
                "call-update-failed action={} reason={}",
                update.name(),
                one_line(&e.to_string())
            )),
        }
    }

    /// Hangs up every call (at exit); true if there were any.
    pub(crate) fn hangup_all(&mut self, ep: &mut Endpoint) -> bool {
        let now = Instant::now();
        let ids: Vec<SessionId> = self.calls.keys().copied().collect();
        for &id in &ids {
            let _ = ep.hangup(now, id);
        }
        !ids.is_empty()
    }

    /// Calls not yet ended.
    pub(crate) fn active(&self) -> usize {
        self.calls.len()
    }

    /// Whether the `--call` is still going.
    pub(crate) fn placing(&self) -> bool {
        self.placed.is_some()
    }
}

/// ` codec=NAME/RATE remote-media=ADDR:PORT` from the agreed descriptions.
fn media_summary(neg: &Negotiation) -> String {
    let (Some(local), Some(remote)) = (neg.local_description(), neg.remote_description()) else {
        return String::new();
    };
    // The answer's first format is the codec in use; the answer is the
    // remote description when we offered.
    let answer = if neg.offerer() == Some(sansip::sdp::Party::Local) {
        remote
    } else {
        local
    };
    let mut out = String::new();
    if let Some(m) = answer.media().iter().find(|m| m.kind() == "audio") {
        if let Some(codec) = m.formats().next().and_then(|pt| codec_name(m, pt)) {
            out.push_str(&format!(" codec={codec}"));
        }
    }
    if let Some(m) = remote.media().iter().find(|m| m.kind() == "audio") {
        let addr = m
            .connection()
            .or_else(|| remote.connection())
            .and_then(Result::ok)
            .map(|c| c.address.to_owned());
        if let Some(addr) = addr {
            out.push_str(&format!(" remote-media={addr}:{}", m.port()));
        }
    }
    out
}

/// The direction of the first audio stream of an SDP (sendrecv when it
/// says none).
fn audio_direction(sdp: Bytes) -> Option<Direction> {
    let sdp = Sdp::parse(sdp).ok()?;
    let i = sdp.media().iter().position(|m| m.kind() == "audio")?;
    Some(sdp.media_direction(i).unwrap_or(Direction::SendRecv))
}

/// `NAME/RATE` of a payload type: its rtpmap, else the static one.
fn codec_name(m: &Media, pt: &str) -> Option<String> {
    let n: u8 = pt.parse().ok()?;
    let mapped = m
        .attrs::<Rtpmap>()
        .flatten()
        .find(|r| r.payload_type == n)
        .map(|r| format!("{}/{}", r.encoding, r.clock_rate));
    mapped.or_else(|| match n {
        0 => Some("PCMU/8000".into()),
        8 => Some("PCMA/8000".into()),
        _ => None,
    })
}

/// The `reason=` of a `call-ended` line.
fn reason_text(r: &EndReason) -> String {
    match r {
        EndReason::LocalHangup => "local-hangup".into(),
        EndReason::RemoteHangup => "remote-hangup".into(),
        EndReason::Cancelled => "cancelled".into(),
        EndReason::CancelledByCaller => "remote-cancelled".into(),
        EndReason::Rejected { status, reason } => {
            format!("rejected status={status} text={}", one_line(reason))
        }
        EndReason::Redirected { contacts } => format!("redirected to={}", contacts.join(",")),
        EndReason::Declined { status } => format!("declined status={status}"),
        EndReason::NoAck => "no-ack".into(),
        EndReason::Failed(f) => format!("failed detail={}", one_line(&f.to_string())),
        other => format!("other detail={}", one_line(&format!("{other:?}"))),
    }
}

//! RFC 3264 offer/answer bookkeeping for one session (one dialog's media).
//!
//! The session layer feeds every SDP it sends or receives through a
//! [`Negotiation`]; it says what a received body is (offer or answer),
//! refuses what RFC 3264 forbids (a second offer while one is pending: the
//! glare that SIP answers with 491), keeps the last agreed descriptions
//! across a failed re-INVITE ([`Negotiation::rollback`]), and stamps every
//! local description with the session's `o=` line and the next version.

use thiserror::Error;

use super::answer::{self, Capabilities};
use super::attributes::Direction;
use super::error::{FieldError, SdpError};
use super::fields::{Connection, Origin};
use super::model::Sdp;

/// Which end of the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    /// This user agent.
    Local,
    /// The peer.
    Remote,
}

/// Where an offer/answer exchange stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NegotiationState {
    /// No exchange in progress: a new offer may go either way.
    Stable,
    /// This side offered and waits for the answer.
    HaveLocalOffer,
    /// The peer offered and waits for this side's answer.
    HaveRemoteOffer,
    /// This side sent a request without an offer (an INVITE with no body,
    /// RFC 3261 §13.2.1): the next SDP from the peer (in the reliable
    /// provisional or 2xx response) is the offer, and the answer goes in
    /// the PRACK or ACK.
    AwaitingOffer,
}

/// What a received description was, by the state it arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Received {
    /// An offer: answer it ([`Negotiation::create_answer`] or
    /// [`Negotiation::set_local_answer`]) or [`Negotiation::rollback`].
    Offer,
    /// The answer to this side's offer; the exchange is complete.
    Answer,
}

/// Why an offer/answer step was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum NegotiationError {
    /// An offer is already pending (glare when both sides offered; SIP
    /// answers a request carrying the second offer with 491).
    #[error("an offer from the {pending:?} side is still pending")]
    OfferPending {
        /// Whose offer is pending.
        pending: Party,
    },
    /// The step does not fit the current state (an answer with no offer,
    /// a rollback with nothing pending, ...).
    #[error("cannot {action} in state {state:?}")]
    WrongState {
        /// The current state.
        state: NegotiationState,
        /// What was attempted.
        action: &'static str,
    },
    /// The answer (or a new offer) has a different number of media
    /// sections than it must.
    #[error("expected {expected} media sections, got {got}")]
    MediaCount {
        /// How many it must have (at least, for a new offer).
        expected: usize,
        /// How many it has.
        got: usize,
    },
    /// A media section's type differs from the one at the same place in
    /// the offer (or in the previous description).
    #[error("media section {index} is {got:?}, expected {expected:?}")]
    MediaKind {
        /// Index of the media section.
        index: usize,
        /// The type expected there.
        expected: String,
        /// The type found.
        got: String,
    },
    /// The answer accepts a stream that the offer rejected (port 0).
    #[error("media section {index} was rejected in the offer but not in the answer")]
    RejectedAccepted {
        /// Index of the media section.
        index: usize,
    },
    /// There is no agreed description to derive a new offer from.
    #[error("no local description yet")]
    NoLocalDescription,
    /// A description could not be read.
    #[error(transparent)]
    Field(#[from] FieldError),
    /// A description could not be built.
    #[error(transparent)]
    Sdp(#[from] SdpError),
}

#[derive(Debug, Clone)]
enum Pending {
    None,
    Local(Sdp),
    Remote(Sdp),
    AwaitingOffer,
}

/// The offer/answer state of one session.
///
/// ```
/// use bytes::Bytes;
/// use sansip::sdp::{Capabilities, Codec, Direction, MediaCapability, Negotiation,
///     NegotiationState, Received, Sdp};
///
/// let mut neg = Negotiation::new("-", 3_735_928_559, "192.0.2.20");
/// let offer = Sdp::parse(Bytes::from_static(b"v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\n\
///     c=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8 0 101\r\n\
///     a=rtpmap:101 telephone-event/8000\r\na=sendonly\r\n"))?;
/// assert_eq!(neg.receive(offer)?, Received::Offer);
///
/// let caps = Capabilities {
///     address: "192.0.2.20".into(),
///     media: vec![MediaCapability::new("audio", 5000, vec![
///         Codec::new("PCMU", 8000), Codec::new("PCMA", 8000), Codec::new("telephone-event", 8000),
///     ])],
/// };
/// let answer = neg.create_answer(&caps)?;
/// let audio = &answer.media()[0];
/// // The offerer's order and payload type numbers win; sendonly is answered recvonly.
/// assert_eq!(audio.formats().collect::<Vec<_>>(), ["8", "101"]);
/// assert_eq!(audio.direction(), Some(Direction::RecvOnly));
/// assert_eq!(answer.origin()?.session_version, 1);
/// assert_eq!(neg.state(), NegotiationState::Stable);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Negotiation {
    username: String,
    session_id: String,
    address: String,
    version: u64,
    pending: Pending,
    local: Option<Sdp>,
    remote: Option<Sdp>,
    last_offerer: Option<Party>,
    /// Take the `o=` line of the first local description instead of
    /// writing ours.
    adopt_origin: bool,
}

impl Negotiation {
    /// A session whose local descriptions carry
    /// `o=<username> <session_id> <version> IN IP4|IP6 <address>`. The
    /// session id should come from the host's seeded generator; the first
    /// description gets version 1.
    pub fn new(username: &str, session_id: u64, address: &str) -> Self {
        Negotiation {
            username: if username.is_empty() { "-" } else { username }.to_owned(),
            session_id: session_id.to_string(),
            address: address.to_owned(),
            version: 0,
            pending: Pending::None,
            local: None,
            remote: None,
            last_offerer: None,
            adopt_origin: false,
        }
    }

    /// A session whose `o=` line is taken from its first local
    /// description (a media engine's, or the application's own SDP):
    /// username, session id and address stay as that description has
    /// them, its version is kept (0 becomes 1), and every later local description gets
    /// the next version whatever it says itself (RFC 3264 §8). When the
    /// first local description is an answer made by
    /// [`create_answer`](Self::create_answer), the origin is `-`,
    /// `session_id` and the capabilities' address.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use sansip::sdp::{Negotiation, Sdp};
    ///
    /// let mut neg = Negotiation::adopting_origin(1);
    /// let app = |v: &str| Sdp::parse(Bytes::from(format!("v=0\r\no=bob 77 {v} IN IP4 192.0.2.9\r\n\
    ///     s=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n")));
    /// let first = neg.set_local_offer(app("5")?)?;
    /// assert_eq!(first.origin()?.session_version, 5);
    /// # let answer = Sdp::parse(Bytes::from_static(b"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n\
    /// #     c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"))?;
    /// # neg.set_remote_answer(answer)?;
    /// // The application forgot to raise the version: sansip does it.
    /// let second = neg.set_local_offer(app("5")?)?;
    /// assert_eq!(second.origin()?.session_version, 6);
    /// assert_eq!(second.origin()?.session_id, "77");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn adopting_origin(session_id: u64) -> Self {
        let mut n = Negotiation::new("-", session_id, "0.0.0.0");
        n.adopt_origin = true;
        n
    }

    /// Where the exchange stands.
    pub fn state(&self) -> NegotiationState {
        match self.pending {
            Pending::None => NegotiationState::Stable,
            Pending::Local(_) => NegotiationState::HaveLocalOffer,
            Pending::Remote(_) => NegotiationState::HaveRemoteOffer,
            Pending::AwaitingOffer => NegotiationState::AwaitingOffer,
        }
    }

    /// Who made the pending offer, or else the last completed one.
    pub fn offerer(&self) -> Option<Party> {
        match self.pending {
            Pending::Local(_) => Some(Party::Local),
            Pending::Remote(_) | Pending::AwaitingOffer => Some(Party::Remote),
            Pending::None => self.last_offerer,
        }
    }

    /// The pending offer and whose it is.
    pub fn pending_offer(&self) -> Option<(Party, &Sdp)> {
        match &self.pending {
            Pending::Local(s) => Some((Party::Local, s)),
            Pending::Remote(s) => Some((Party::Remote, s)),
            _ => None,
        }
    }

    /// The local description of the last completed exchange.
    pub fn local_description(&self) -> Option<&Sdp> {
        self.local.as_ref()
    }

    /// The remote description of the last completed exchange.
    pub fn remote_description(&self) -> Option<&Sdp> {
        self.remote.as_ref()
    }

    /// The `o=` version of the last local description (0 before the
    /// first).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Records that this side sends a request without an offer, so that
    /// the next description received is the peer's offer (answered in the
    /// ACK or PRACK).
    pub fn request_offer(&mut self) -> Result<(), NegotiationError> {
        self.refuse_if_pending("request an offer")?;
        self.pending = Pending::AwaitingOffer;
        Ok(())
    }

    /// Makes `offer` this side's pending offer: its `o=` line is replaced
    /// by the session's with the next version; the returned copy is what
    /// to send. Refused while another offer is pending, and when it drops
    /// or reorders media sections of the current session (RFC 3264 §8).
    pub fn set_local_offer(&mut self, mut offer: Sdp) -> Result<Sdp, NegotiationError> {
        self.refuse_if_pending("make an offer")?;
        if let Some(prev) = &self.local {
            keeps_media(prev, &offer)?;
        }
        self.stamp(&mut offer)?;
        self.pending = Pending::Local(offer.clone());
        Ok(offer)
    }

    /// Records the peer's offer. Refused while this side's offer is
    /// pending (glare: answer the request with 491) or another remote
    /// offer waits for its answer.
    pub fn set_remote_offer(&mut self, offer: Sdp) -> Result<(), NegotiationError> {
        if !matches!(self.pending, Pending::AwaitingOffer) {
            self.refuse_if_pending("accept an offer")?;
        }
        if let Some(prev) = &self.remote {
            keeps_media(prev, &offer)?;
        }
        self.pending = Pending::Remote(offer);
        Ok(())
    }

    /// Takes a received description for what the state makes it: the
    /// answer to this side's pending offer, or else an offer.
    pub fn receive(&mut self, sdp: Sdp) -> Result<Received, NegotiationError> {
        if matches!(self.pending, Pending::Local(_)) {
            self.set_remote_answer(sdp)?;
            Ok(Received::Answer)
        } else {
            self.set_remote_offer(sdp)?;
            Ok(Received::Offer)
        }
    }

    /// Answers the pending remote offer from `caps` (see [`Capabilities`]:
    /// the first common codec in the offerer's order with the offerer's
    /// payload type, port 0 for a stream with nothing in common, the
    /// direction of RFC 3264 §6.1) and completes the exchange. Returns the
    /// answer to send.
    pub fn create_answer(&mut self, caps: &Capabilities) -> Result<Sdp, NegotiationError> {
        let Pending::Remote(offer) = &self.pending else {
            return Err(self.wrong_state("answer"));
        };
        let answer = answer::answer(offer, caps)?;
        if std::mem::take(&mut self.adopt_origin) {
            caps.address.clone_into(&mut self.address);
        }
        self.set_local_answer(answer)
    }

    /// Answers the pending remote offer with the media already agreed: the
    /// current local description, each stream's direction set by RFC 3264
    /// §6.1 from the offer's and this side's wish (sendrecv, or sendonly
    /// while this side holds the call), streams the offer rejects rejected,
    /// and streams it adds rejected (port 0). This is how a host whose
    /// media never change (external media, no [`Capabilities`]) answers a
    /// re-INVITE or UPDATE that moves the call on or off hold.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use sansip::sdp::{Direction, Negotiation, Sdp};
    ///
    /// let sdp = |dir: &str, extra: &str| Sdp::parse(Bytes::from(format!("v=0\r\n\
    ///     o=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n\
    ///     m=audio 4000 RTP/AVP 0\r\na={dir}\r\n{extra}")));
    /// let mut neg = Negotiation::new("-", 9, "192.0.2.2");
    /// neg.set_local_offer(sdp("sendrecv", "")?)?;
    /// neg.set_remote_answer(sdp("sendrecv", "")?)?;
    /// // The peer holds the call and adds a video stream.
    /// neg.set_remote_offer(sdp("sendonly", "m=video 4002 RTP/AVP 96\r\n")?)?;
    /// let answer = neg.answer_from_local()?;
    /// assert_eq!(answer.media_direction(0), Some(Direction::RecvOnly));
    /// assert!(answer.media()[1].is_rejected());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn answer_from_local(&mut self) -> Result<Sdp, NegotiationError> {
        let Pending::Remote(offer) = &self.pending else {
            return Err(self.wrong_state("answer"));
        };
        let mut answer = self
            .local
            .clone()
            .ok_or(NegotiationError::NoLocalDescription)?;
        let wish = if self.is_local_hold() {
            Direction::SendOnly
        } else {
            Direction::SendRecv
        };
        while answer.media().len() > offer.media().len() {
            answer.remove_media(answer.media().len() - 1);
        }
        for (i, om) in offer.media().iter().enumerate() {
            if i >= answer.media().len() {
                answer.push_media(answer::rejected(om)?);
                continue;
            }
            if om.is_rejected() {
                if let Some(m) = answer.media_mut(i) {
                    m.set_port(0)?;
                }
                continue;
            }
            let offered = offer.media_direction(i).unwrap_or(Direction::SendRecv);
            if let Some(m) = answer.media_mut(i) {
                if !m.is_rejected() {
                    m.set_direction(Direction::from_flags(
                        offered.receives() && wish.sends(),
                        offered.sends() && wish.receives(),
                    ));
                }
            }
        }
        self.set_local_answer(answer)
    }

    /// Completes the exchange with an answer made elsewhere (a media
    /// engine's): checked against the offer, stamped like every local
    /// description; returns the copy to send.
    pub fn set_local_answer(&mut self, mut answer: Sdp) -> Result<Sdp, NegotiationError> {
        let Pending::Remote(offer) = &self.pending else {
            return Err(self.wrong_state("answer"));
        };
        answers(offer, &answer)?;
        self.stamp(&mut answer)?;
        if let Pending::Remote(offer) = std::mem::replace(&mut self.pending, Pending::None) {
            self.remote = Some(offer);
        }
        self.local = Some(answer.clone());
        self.last_offerer = Some(Party::Remote);
        Ok(answer)
    }

    /// Completes this side's offer with the peer's answer, which must have
    /// the offer's media sections in the same order.
    pub fn set_remote_answer(&mut self, answer: Sdp) -> Result<(), NegotiationError> {
        let Pending::Local(offer) = &self.pending else {
            return Err(self.wrong_state("take an answer"));
        };
        answers(offer, &answer)?;
        if let Pending::Local(offer) = std::mem::replace(&mut self.pending, Pending::None) {
            self.local = Some(offer);
        }
        self.remote = Some(answer);
        self.last_offerer = Some(Party::Local);
        Ok(())
    }

    /// Offers the current local description again, unchanged and with the
    /// same `o=` version (RFC 3264 §8: an offer that changes nothing keeps
    /// the version), as a 2xx to an offerless re-INVITE does.
    pub fn reoffer(&mut self) -> Result<Sdp, NegotiationError> {
        self.refuse_if_pending("make an offer")?;
        let offer = self
            .local
            .clone()
            .ok_or(NegotiationError::NoLocalDescription)?;
        self.pending = Pending::Local(offer.clone());
        Ok(offer)
    }

    /// Another answer to this side's last completed offer, from another
    /// fork of the INVITE (each early dialog answers the same offer, RFC
    /// 3261 §13.2.2.4): checked against that offer, it becomes the remote
    /// description.
    pub fn replace_answer(&mut self, answer: Sdp) -> Result<(), NegotiationError> {
        let (Pending::None, Some(Party::Local), Some(offer)) =
            (&self.pending, self.last_offerer, &self.local)
        else {
            return Err(self.wrong_state("take another answer"));
        };
        answers(offer, &answer)?;
        self.remote = Some(answer);
        Ok(())
    }

    /// Drops the pending offer (or the wait for one): a re-INVITE that
    /// failed leaves the session with the media it had. The `o=` version
    /// is not taken back: the peer may have seen the dropped offer.
    pub fn rollback(&mut self) -> Result<(), NegotiationError> {
        if matches!(self.pending, Pending::None) {
            return Err(self.wrong_state("roll back"));
        }
        self.pending = Pending::None;
        Ok(())
    }

    /// Makes an offer that puts the call on hold: every active stream of
    /// the current local description becomes sendonly (or inactive where
    /// this side did not send).
    pub fn hold(&mut self) -> Result<Sdp, NegotiationError> {
        self.redirect(|d| {
            if d.sends() {
                Direction::SendOnly
            } else {
                Direction::Inactive
            }
        })
    }

    /// Makes an offer that takes the call off hold: every active stream
    /// becomes sendrecv.
    pub fn resume(&mut self) -> Result<Sdp, NegotiationError> {
        self.redirect(|_| Direction::SendRecv)
    }

    /// Whether the current local description holds the call: every active
    /// stream is sendonly or inactive (and there is one).
    pub fn is_local_hold(&self) -> bool {
        let Some(local) = &self.local else {
            return false;
        };
        let active: Vec<_> = (0..local.media().len())
            .filter(|&i| !local.media()[i].is_rejected())
            .collect();
        !active.is_empty()
            && active
                .iter()
                .all(|&i| local.media_direction(i).is_some_and(|d| !d.receives()))
    }

    fn redirect(&mut self, f: impl Fn(Direction) -> Direction) -> Result<Sdp, NegotiationError> {
        self.refuse_if_pending("make an offer")?;
        let mut offer = self
            .local
            .clone()
            .ok_or(NegotiationError::NoLocalDescription)?;
        for i in 0..offer.media().len() {
            let current = offer.media_direction(i).unwrap_or(Direction::SendRecv);
            if let Some(m) = offer.media_mut(i) {
                if !m.is_rejected() {
                    m.set_direction(f(current));
                }
            }
        }
        self.set_local_offer(offer)
    }

    fn refuse_if_pending(&self, action: &'static str) -> Result<(), NegotiationError> {
        match self.pending {
            Pending::None => Ok(()),
            Pending::Local(_) => Err(NegotiationError::OfferPending {
                pending: Party::Local,
            }),
            Pending::Remote(_) => Err(NegotiationError::OfferPending {
                pending: Party::Remote,
            }),
            Pending::AwaitingOffer => Err(self.wrong_state(action)),
        }
    }

    fn wrong_state(&self, action: &'static str) -> NegotiationError {
        NegotiationError::WrongState {
            state: self.state(),
            action,
        }
    }

    /// Writes the session's `o=` line with the next version.
    fn stamp(&mut self, sdp: &mut Sdp) -> Result<(), NegotiationError> {
        if std::mem::take(&mut self.adopt_origin) {
            let adopted = sdp.origin().ok().map(|o| {
                (
                    o.username.to_owned(),
                    o.session_id.to_owned(),
                    o.address.to_owned(),
                    o.session_version,
                )
            });
            if let Some((username, session_id, address, version)) = adopted {
                self.username = username;
                self.session_id = session_id;
                self.address = address;
                // Version 0 stands for "nothing sent yet" here.
                self.version = version.saturating_sub(1);
            }
        }
        let version = self.version.saturating_add(1);
        let c = Connection::for_address(&self.address);
        sdp.set_origin(&Origin {
            username: &self.username,
            session_id: &self.session_id,
            session_version: version,
            net_type: c.net_type,
            addr_type: c.addr_type,
            address: &self.address,
        })?;
        self.version = version;
        Ok(())
    }
}

/// An answer must have the offer's media sections, same types, in order,
/// and keep rejected ones rejected (RFC 3264 §6).
fn answers(offer: &Sdp, answer: &Sdp) -> Result<(), NegotiationError> {
    if offer.media().len() != answer.media().len() {
        return Err(NegotiationError::MediaCount {
            expected: offer.media().len(),
            got: answer.media().len(),
        });
    }
    same_kinds(offer, answer)?;
    for (index, (o, a)) in offer.media().iter().zip(answer.media()).enumerate() {
        o.media_line()?;
        a.media_line()?;
        if o.is_rejected() && !a.is_rejected() {
            return Err(NegotiationError::RejectedAccepted { index });
        }
    }
    Ok(())
}

/// A new offer keeps every media section of the session, in order; it may
/// add more at the end (RFC 3264 §8).
fn keeps_media(prev: &Sdp, offer: &Sdp) -> Result<(), NegotiationError> {
    if offer.media().len() < prev.media().len() {
        return Err(NegotiationError::MediaCount {
            expected: prev.media().len(),
            got: offer.media().len(),
        });
    }
    same_kinds(prev, offer)
}

fn same_kinds(a: &Sdp, b: &Sdp) -> Result<(), NegotiationError> {
    for (index, (x, y)) in a.media().iter().zip(b.media()).enumerate() {
        if x.kind() != y.kind() {
            return Err(NegotiationError::MediaKind {
                index,
                expected: x.kind().to_owned(),
                got: y.kind().to_owned(),
            });
        }
    }
    Ok(())
}

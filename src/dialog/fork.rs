//! The dialogs one INVITE creates when proxies fork it (RFC 3261 §12.1.2,
//! §13.2.2.4): several early dialogs, one confirmed, the rest dropped or
//! ended.

use super::create::header;
use super::{Dialog, DialogError, DialogId, DialogState};
use crate::message::headers::{CSeq, FromHeader};
use crate::message::{Message, Method};

/// What a response to the INVITE did to its dialog set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForkOutcome {
    /// Nothing: a 100, a provisional response without To tag, or a
    /// provisional or non-2xx final response after the INVITE was already
    /// answered.
    Ignored,
    /// A provisional response with a To tag: an early dialog, `new` when
    /// this is the first response from that fork.
    Early {
        /// The dialog.
        id: DialogId,
        /// Whether the dialog was created by this response.
        new: bool,
    },
    /// The first 2xx: this dialog is confirmed (send the ACK, see
    /// [`Dialog::ack`]). The early dialogs of the other forks were
    /// dropped.
    Confirmed {
        /// The confirmed dialog.
        id: DialogId,
        /// The early dialogs removed from the set.
        dropped: Vec<DialogId>,
    },
    /// The confirmed dialog's 2xx again: ACK it again (RFC 6026 §8.4
    /// leaves 2xx retransmissions to the user agent).
    Retransmission {
        /// The confirmed dialog.
        id: DialogId,
    },
    /// A 2xx from another fork after the first (§13.2.2.4): the dialog
    /// must be ACKed, and ended with a BYE the first time (`retransmission`
    /// false). The set keeps it so that its retransmissions are known.
    MustEnd {
        /// The extra dialog.
        id: DialogId,
        /// Whether this 2xx was seen before (ACK only, the BYE is sent).
        retransmission: bool,
    },
    /// A 300–699 final before any 2xx: the INVITE failed and every early
    /// dialog was dropped.
    Failed {
        /// The early dialogs removed from the set.
        dropped: Vec<DialogId>,
    },
}

/// The dialogs created by one INVITE we sent, keyed by Call-ID and our
/// tag: one per remote tag (fork).
///
/// ```
/// use bytes::Bytes;
/// use sansip::dialog::{DialogSet, ForkOutcome};
/// use sansip::message::{Message, Method};
/// let parse = |t: String| Message::parse(Bytes::from(t));
/// let invite = parse("INVITE sip:b@b.example SIP/2.0\r\nFrom: <sip:a@a.example>;tag=a1\r\n\
///     To: <sip:b@b.example>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContact: <sip:a@192.0.2.1>\r\n\r\n".into())?;
/// let answer = |code: u16, tag: &str| parse(format!(
///     "SIP/2.0 {code} X\r\nFrom: <sip:a@a.example>;tag=a1\r\nTo: <sip:b@b.example>;tag={tag}\r\n\
///      Call-ID: c\r\nCSeq: 1 INVITE\r\nContact: <sip:{tag}@192.0.2.9>\r\n\r\n"));
/// let mut set = DialogSet::new(&invite)?;
/// set.on_response(&answer(180, "one")?)?;
/// set.on_response(&answer(180, "two")?)?;
/// let ForkOutcome::Confirmed { dropped, .. } = set.on_response(&answer(200, "one")?)? else { panic!() };
/// assert_eq!(dropped[0].remote_tag, "two");
/// let ForkOutcome::MustEnd { id, retransmission: false } = set.on_response(&answer(200, "three")?)? else { panic!() };
/// let ack = set.dialog(&id).unwrap().ack(set.invite())?.build()?;
/// let bye = set.dialog_mut(&id).unwrap().request(Method::Bye)?.build()?;
/// assert_eq!(bye.request_uri_str(), Some("sip:three@192.0.2.9"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct DialogSet {
    invite: Message,
    call_id: String,
    local_tag: String,
    seq: u32,
    dialogs: Vec<Dialog>,
    confirmed: Option<DialogId>,
    failed: bool,
}

impl DialogSet {
    /// A set for the INVITE we sent (which needs a Call-ID, a From tag and
    /// a CSeq).
    pub fn new(invite: &Message) -> Result<DialogSet, DialogError> {
        if invite.method() != Some(&Method::Invite) {
            return Err(DialogError::WrongKind {
                expected: "an INVITE request",
            });
        }
        let missing = |what| DialogError::Missing {
            message: "the INVITE",
            what,
        };
        let call_id = invite.call_id().ok_or(missing("Call-ID"))?.to_owned();
        let local_tag = header::<FromHeader>(invite, "the INVITE")?
            .tag()
            .ok_or(missing("From tag"))?
            .to_owned();
        let seq = header::<CSeq>(invite, "the INVITE")?.seq;
        Ok(DialogSet {
            invite: invite.clone(),
            call_id,
            local_tag,
            seq,
            dialogs: Vec::new(),
            confirmed: None,
            failed: false,
        })
    }

    /// The INVITE (to build ACKs from, see [`Dialog::ack`]).
    pub fn invite(&self) -> &Message {
        &self.invite
    }

    /// The Call-ID of the set.
    pub fn call_id(&self) -> &str {
        &self.call_id
    }

    /// Our tag, shared by every dialog of the set.
    pub fn local_tag(&self) -> &str {
        &self.local_tag
    }

    /// Whether a response answers this set's INVITE: same Call-ID, our
    /// From tag, the INVITE's CSeq.
    pub fn matches(&self, response: &Message) -> bool {
        response.call_id() == Some(self.call_id.as_str())
            && response
                .header::<FromHeader>()
                .is_ok_and(|f| f.tag() == Some(self.local_tag.as_str()))
            && response
                .header::<CSeq>()
                .is_ok_and(|c| c.seq == self.seq && c.method == Method::Invite)
    }

    /// Applies a response to the INVITE: creates, confirms, drops dialogs
    /// as RFC 3261 §12.1.2 and §13.2.2.4 say, and tells what to do.
    /// Errors when the response does not answer the INVITE, or creates a
    /// dialog without the Contact it needs.
    pub fn on_response(&mut self, response: &Message) -> Result<ForkOutcome, DialogError> {
        let status = response.status().ok_or(DialogError::WrongKind {
            expected: "a response",
        })?;
        if !self.matches(response) {
            return Err(DialogError::Mismatch {
                what: "Call-ID, From tag or CSeq",
            });
        }
        let id = DialogId::of_received_response(response);
        match status {
            101..=199 => {
                let Some(id) = id.filter(|_| self.confirmed.is_none() && !self.failed) else {
                    return Ok(ForkOutcome::Ignored);
                };
                if let Some(d) = self.dialog_mut(&id) {
                    d.on_response(response);
                    return Ok(ForkOutcome::Early { id, new: false });
                }
                self.dialogs.push(Dialog::uac(&self.invite, response)?);
                Ok(ForkOutcome::Early { id, new: true })
            }
            200..=299 => {
                let id = id.ok_or(DialogError::Missing {
                    message: "the 2xx",
                    what: "To tag",
                })?;
                if self.confirmed.as_ref() == Some(&id) {
                    return Ok(ForkOutcome::Retransmission { id });
                }
                if self.confirmed.is_some() || self.failed {
                    if self.dialog(&id).is_some() {
                        return Ok(ForkOutcome::MustEnd {
                            id,
                            retransmission: true,
                        });
                    }
                    self.dialogs.push(Dialog::uac(&self.invite, response)?);
                    return Ok(ForkOutcome::MustEnd {
                        id,
                        retransmission: false,
                    });
                }
                match self.dialog_mut(&id) {
                    Some(d) => {
                        d.on_response(response);
                    }
                    None => self.dialogs.push(Dialog::uac(&self.invite, response)?),
                }
                self.confirmed = Some(id.clone());
                let dropped = self.drop_early();
                Ok(ForkOutcome::Confirmed { id, dropped })
            }
            300..=699 if self.confirmed.is_none() && !self.failed => {
                self.failed = true;
                Ok(ForkOutcome::Failed {
                    dropped: self.drop_early(),
                })
            }
            _ => Ok(ForkOutcome::Ignored),
        }
    }

    /// Removes the early dialogs, returning their ids.
    fn drop_early(&mut self) -> Vec<DialogId> {
        let mut dropped = Vec::new();
        self.dialogs.retain(|d| {
            let early = d.state == DialogState::Early;
            if early {
                dropped.push(d.id.clone());
            }
            !early
        });
        dropped
    }

    /// The dialog with this id.
    pub fn dialog(&self, id: &DialogId) -> Option<&Dialog> {
        self.dialogs.iter().find(|d| &d.id == id)
    }

    /// The dialog with this id, to change (to send a BYE in it, say).
    pub fn dialog_mut(&mut self, id: &DialogId) -> Option<&mut Dialog> {
        self.dialogs.iter_mut().find(|d| &d.id == id)
    }

    /// Every dialog of the set, in the order they were created.
    pub fn dialogs(&self) -> impl Iterator<Item = &Dialog> + '_ {
        self.dialogs.iter()
    }

    /// The early dialogs (before any 2xx or non-2xx final).
    pub fn early(&self) -> impl Iterator<Item = &Dialog> + '_ {
        self.dialogs.iter().filter(|d| d.is_early())
    }

    /// The dialog the first 2xx confirmed.
    pub fn confirmed(&self) -> Option<&Dialog> {
        self.confirmed.as_ref().and_then(|id| self.dialog(id))
    }

    /// The dialog the first 2xx confirmed, to change.
    pub fn confirmed_mut(&mut self) -> Option<&mut Dialog> {
        let id = self.confirmed.clone()?;
        self.dialog_mut(&id)
    }

    /// The dialogs of later 2xx responses from other forks that are not
    /// ended yet: each must be ACKed and sent a BYE (§13.2.2.4).
    pub fn to_end(&self) -> impl Iterator<Item = &Dialog> + '_ {
        self.dialogs
            .iter()
            .filter(|d| Some(&d.id) != self.confirmed.as_ref() && d.is_confirmed())
    }

    /// Whether a non-2xx final response ended the INVITE before any 2xx.
    pub fn is_failed(&self) -> bool {
        self.failed
    }

    /// Takes a dialog out of the set (the confirmed one, for the session
    /// that goes on after the INVITE transaction). Its 2xx retransmissions
    /// still read as [`ForkOutcome::Retransmission`].
    pub fn remove(&mut self, id: &DialogId) -> Option<Dialog> {
        // The confirmed id stays known, so a late retransmission of its
        // 2xx is still a retransmission, not a new confirmation.
        let k = self.dialogs.iter().position(|d| &d.id == id)?;
        Some(self.dialogs.remove(k))
    }
}

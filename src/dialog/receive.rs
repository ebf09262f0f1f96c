//! What arrives in a dialog: requests from the peer (RFC 3261 §12.2.2) and
//! responses to our own requests (§12.2.1.2), and a table that matches
//! requests to dialogs.

use std::collections::HashMap;

use super::create::{header, record_routes};
use super::{is_target_refresh, Dialog, DialogId, DialogState, Role};
use crate::message::headers::CSeq;
use crate::message::{Message, Method, ResponseBuilder};

/// What a message changed in a dialog.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Changes {
    /// An early dialog became confirmed (a 2xx to the INVITE that created
    /// it).
    pub confirmed: bool,
    /// The remote target changed (a target refresh request, or the 2xx
    /// to one of ours).
    pub target_refreshed: bool,
    /// The dialog ended (BYE, or a 481 or 408 to our request).
    pub terminated: bool,
}

/// The judgement on a received request (RFC 3261 §12.2.2). The caller
/// answers a rejected request with the status given (see
/// [`Verdict::response`]) and passes an accepted one to the usage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The request has no To tag (or is not a request): it belongs to no
    /// dialog, and the dialog layer has nothing to say about it.
    OutOfDialog,
    /// The request belongs to this dialog and is in order; `changes` says
    /// what it changed.
    Accept {
        /// The dialog.
        id: DialogId,
        /// What the request changed.
        changes: Changes,
    },
    /// The request must be answered with this status and not passed on:
    /// 481 for a dialog that does not exist (or ended), 500 for a CSeq
    /// lower than the last one received, 400 for an unreadable CSeq.
    Reject {
        /// The dialog the request claimed, when its tags could be read.
        id: Option<DialogId>,
        /// The status code.
        status: u16,
        /// The reason phrase.
        reason: &'static str,
    },
}

impl Verdict {
    const UNKNOWN: (u16, &'static str) = (481, "Call/Transaction Does Not Exist");
    const OUT_OF_ORDER: (u16, &'static str) = (500, "Server Internal Error");
    const BAD: (u16, &'static str) = (400, "Bad Request");

    fn reject(id: Option<DialogId>, (status, reason): (u16, &'static str)) -> Verdict {
        Verdict::Reject { id, status, reason }
    }

    /// The response a rejected request gets, ready to build (`None` for an
    /// accepted request, and for an ACK, which is never answered).
    ///
    /// ```
    /// use bytes::Bytes;
    /// use sansip::{dialog::Dialogs, message::Message};
    /// let bye = Message::parse(Bytes::from_static(
    ///     b"BYE sip:a@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:b@h>;tag=x\r\n\
    ///       To: <sip:a@h>;tag=y\r\nCall-ID: gone\r\nCSeq: 9 BYE\r\n\r\n"))?;
    /// let verdict = Dialogs::new().receive_request(&bye);
    /// let answer = verdict.response(&bye).unwrap().build()?;
    /// assert_eq!(answer.status(), Some(481));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn response(&self, request: &Message) -> Option<ResponseBuilder> {
        match self {
            Verdict::Reject { status, reason, .. } if request.method() != Some(&Method::Ack) => {
                Some(ResponseBuilder::for_request(request, *status, reason))
            }
            _ => None,
        }
    }
}

impl Dialog {
    /// Judges a request received in this dialog (RFC 3261 §12.2.2) and
    /// applies it: a CSeq lower than the last one is out of order (500);
    /// otherwise it becomes the remote CSeq, a target refresh request with
    /// a Contact replaces the remote target, and a BYE ends the dialog. A
    /// request whose tags do not name this dialog, or that arrives after
    /// it ended, gets 481. ACK and CANCEL (which repeat the INVITE's CSeq
    /// number) are not checked against the remote CSeq.
    pub fn receive_request(&mut self, request: &Message) -> Verdict {
        let Some(method) = request.method() else {
            return Verdict::OutOfDialog;
        };
        let Some(id) = DialogId::of_received_request(request) else {
            return Verdict::OutOfDialog;
        };
        if id != self.id || self.state == DialogState::Terminated {
            return Verdict::reject(Some(id), Verdict::UNKNOWN);
        }
        let cseq = match header::<CSeq>(request, "the request") {
            Ok(c) if &c.method == method => c,
            _ => return Verdict::reject(Some(id), Verdict::BAD),
        };
        let mut changes = Changes::default();
        if matches!(method, Method::Ack | Method::Cancel) {
            return Verdict::Accept { id, changes };
        }
        if self.remote_cseq.is_some_and(|last| cseq.seq < last) {
            return Verdict::reject(Some(id), Verdict::OUT_OF_ORDER);
        }
        self.remote_cseq = Some(cseq.seq);
        if is_target_refresh(method) {
            changes.target_refreshed = self.refresh_target(request);
        }
        if *method == Method::Bye {
            self.state = DialogState::Terminated;
            changes.terminated = true;
        }
        Verdict::Accept { id, changes }
    }

    /// Applies a response to a request we sent in this dialog (RFC 3261
    /// §12.2.1.2, §13.2.2.4): a 2xx to the INVITE that created an early
    /// dialog confirms it (route set recomputed from the 2xx, remote target
    /// from its Contact); a provisional response to it updates the remote
    /// target; a 2xx to a target refresh request replaces the remote
    /// target; a 481 or 408 ends the dialog, as does a 300–699 to the
    /// INVITE of an early dialog. A response from another dialog (other
    /// tags) changes nothing.
    pub fn on_response(&mut self, response: &Message) -> Changes {
        let mut changes = Changes::default();
        let (Some(status), Ok(cseq)) = (response.status(), response.header::<CSeq>()) else {
            return changes;
        };
        if DialogId::of_received_response(response).as_ref() != Some(&self.id)
            || self.state == DialogState::Terminated
        {
            return changes;
        }
        let creating = self.role == Role::Uac
            && self.state == DialogState::Early
            && cseq.method == Method::Invite;
        match status {
            101..=199 if creating => changes.target_refreshed = self.refresh_target(response),
            200..=299 if creating => {
                if let Ok(routes) = record_routes(response, "the response") {
                    self.route_set = routes.into_iter().rev().collect();
                }
                changes.target_refreshed = self.refresh_target(response);
                self.state = DialogState::Confirmed;
                changes.confirmed = true;
            }
            200..=299 if is_target_refresh(&cseq.method) => {
                changes.target_refreshed = self.refresh_target(response);
            }
            408 | 481 => {
                self.state = DialogState::Terminated;
                changes.terminated = true;
            }
            300..=699 if creating => {
                self.state = DialogState::Terminated;
                changes.terminated = true;
            }
            _ => {}
        }
        changes
    }

    /// Applies a response we send to the request that created the dialog
    /// (at the UAS): a 2xx confirms the early dialog, a 300–699 ends it. A
    /// response for another dialog, or to another request, changes
    /// nothing.
    pub fn response_sent(&mut self, response: &Message) -> Changes {
        let mut changes = Changes::default();
        let (Some(status), Ok(cseq)) = (response.status(), response.header::<CSeq>()) else {
            return changes;
        };
        // Our response carries the peer's tag in From and ours in To.
        let ours = DialogId::of_received_response(response).is_some_and(|id| {
            id.call_id == self.id.call_id
                && id.local_tag == self.id.remote_tag
                && id.remote_tag == self.id.local_tag
        });
        if !ours || self.role != Role::Uas || self.state != DialogState::Early {
            return changes;
        }
        // A PRACK or UPDATE in the early dialog has its own responses.
        if cseq.method != self.method {
            return changes;
        }
        match status {
            200..=299 => {
                self.state = DialogState::Confirmed;
                changes.confirmed = true;
            }
            300..=699 => {
                self.state = DialogState::Terminated;
                changes.terminated = true;
            }
            _ => {}
        }
        changes
    }

    /// A request we sent in the dialog got no response: its transaction
    /// timed out, which counts as a 408 (RFC 3261 §12.2.1.2) and ends the
    /// dialog.
    pub fn on_request_timeout(&mut self) -> Changes {
        let was_live = self.state != DialogState::Terminated;
        self.state = DialogState::Terminated;
        Changes {
            terminated: was_live,
            ..Changes::default()
        }
    }
}

/// The dialogs of one user agent by id, and the matcher for requests that
/// arrive in them.
///
/// ```
/// use bytes::Bytes;
/// use sansip::{dialog::{Dialog, Dialogs, Verdict}, message::Message};
/// let req = |text: &'static str| Message::parse(Bytes::from_static(text.as_bytes()));
/// let invite = req("INVITE sip:b@b.example SIP/2.0\r\nFrom: <sip:a@a.example>;tag=a1\r\n\
///     To: <sip:b@b.example>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContact: <sip:a@192.0.2.1>\r\n\r\n")?;
/// let ok = req("SIP/2.0 200 OK\r\nFrom: <sip:a@a.example>;tag=a1\r\nTo: <sip:b@b.example>;tag=b1\r\n\
///     Call-ID: c\r\nCSeq: 1 INVITE\r\nContact: <sip:b@192.0.2.2>\r\n\r\n")?;
/// let mut dialogs = Dialogs::new();
/// dialogs.insert(Dialog::uac(&invite, &ok)?);
///
/// let bye = req("BYE sip:a@192.0.2.1 SIP/2.0\r\nFrom: <sip:b@b.example>;tag=b1\r\n\
///     To: <sip:a@a.example>;tag=a1\r\nCall-ID: c\r\nCSeq: 1 BYE\r\n\r\n")?;
/// let Verdict::Accept { id, changes } = dialogs.receive_request(&bye) else { panic!() };
/// assert!(changes.terminated);
/// assert!(dialogs.get(&id).is_some_and(|d| d.is_terminated()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Dialogs {
    map: HashMap<DialogId, Dialog>,
}

impl Dialogs {
    /// An empty table.
    pub fn new() -> Self {
        Dialogs::default()
    }

    /// Adds a dialog; returns the one it replaces (same id), if any.
    pub fn insert(&mut self, dialog: Dialog) -> Option<Dialog> {
        self.map.insert(dialog.id.clone(), dialog)
    }

    /// The dialog with this id.
    pub fn get(&self, id: &DialogId) -> Option<&Dialog> {
        self.map.get(id)
    }

    /// The dialog with this id, to change.
    pub fn get_mut(&mut self, id: &DialogId) -> Option<&mut Dialog> {
        self.map.get_mut(id)
    }

    /// Removes a dialog.
    pub fn remove(&mut self, id: &DialogId) -> Option<Dialog> {
        self.map.remove(id)
    }

    /// Removes the dialogs that have ended and returns their ids.
    pub fn remove_terminated(&mut self) -> Vec<DialogId> {
        let gone: Vec<DialogId> = self
            .map
            .iter()
            .filter(|(_, d)| d.is_terminated())
            .map(|(id, _)| id.clone())
            .collect();
        for id in &gone {
            self.map.remove(id);
        }
        gone
    }

    /// Number of dialogs.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// All dialogs, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Dialog> + '_ {
        self.map.values()
    }

    /// Matches a received request to a dialog by Call-ID and tags, then
    /// judges it ([`Dialog::receive_request`]). A request without a To tag
    /// is [`Verdict::OutOfDialog`]; one whose tags name no dialog here gets
    /// 481 (RFC 3261 §12.2.2).
    pub fn receive_request(&mut self, request: &Message) -> Verdict {
        if !request.is_request() {
            return Verdict::OutOfDialog;
        }
        let Some(id) = DialogId::of_received_request(request) else {
            return Verdict::OutOfDialog;
        };
        match self.map.get_mut(&id) {
            Some(dialog) => dialog.receive_request(request),
            None => Verdict::reject(Some(id), Verdict::UNKNOWN),
        }
    }

    /// Applies a response to our request to the dialog its tags name;
    /// `None` when it names none here.
    pub fn on_response(&mut self, response: &Message) -> Option<(DialogId, Changes)> {
        let id = DialogId::of_received_response(response)?;
        let dialog = self.map.get_mut(&id)?;
        Some((id, dialog.on_response(response)))
    }
}

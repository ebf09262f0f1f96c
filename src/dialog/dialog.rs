//! The dialog state of RFC 3261 §12 and its getters.

use super::DialogId;
use crate::message::Method;

/// Where a dialog stands (RFC 3261 §12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DialogState {
    /// Created by a provisional response (101–199 with a To tag).
    Early,
    /// Created or confirmed by a 2xx.
    Confirmed,
    /// Ended: BYE sent or received, a 481 or 408 to a request in it, or a
    /// non-2xx final to the INVITE that created it while early.
    Terminated,
}

/// Which side of the dialog-creating request we were on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// We sent the dialog-creating request.
    Uac,
    /// We received it.
    Uas,
}

/// One dialog: the state RFC 3261 §12 keeps between two user agents.
///
/// Created by [`Dialog::uac`] or [`Dialog::uas`] (or through a
/// [`DialogSet`](super::DialogSet) for a forked INVITE). Requests in it are
/// built with [`Dialog::request`] and [`Dialog::ack`]; what arrives is
/// applied with [`Dialog::receive_request`] and [`Dialog::on_response`].
///
/// Addresses are kept as text, in the form they go on the wire: the local
/// and remote URIs as name-addrs in angle brackets (`"Bob"
/// <sip:bob@biloxi.example.com>`, without the tag), the remote target as a
/// bare URI, each route as a Route value (`<sip:p1.example.com;lr>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    pub(super) id: DialogId,
    pub(super) state: DialogState,
    pub(super) role: Role,
    pub(super) method: Method,
    pub(super) local_uri: String,
    pub(super) remote_uri: String,
    pub(super) remote_target: String,
    pub(super) route_set: Vec<String>,
    /// The CSeq number of the next request we send.
    pub(super) local_cseq: u32,
    pub(super) remote_cseq: Option<u32>,
    pub(super) secure: bool,
    pub(super) local_contact: Option<String>,
}

impl Dialog {
    /// The dialog's id (Call-ID, our tag, the peer's tag).
    pub fn id(&self) -> &DialogId {
        &self.id
    }

    /// Early, confirmed or terminated.
    pub fn state(&self) -> DialogState {
        self.state
    }

    /// Whether we sent (UAC) or received (UAS) the dialog-creating request.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The method of the request that created the dialog (INVITE,
    /// SUBSCRIBE, REFER, ...).
    pub fn creating_method(&self) -> &Method {
        &self.method
    }

    /// Our address (the From of our requests), a name-addr without tag.
    pub fn local_uri(&self) -> &str {
        &self.local_uri
    }

    /// The peer's address (the To of our requests), a name-addr without tag.
    pub fn remote_uri(&self) -> &str {
        &self.remote_uri
    }

    /// Where requests go: the URI of the peer's latest Contact.
    pub fn remote_target(&self) -> &str {
        &self.remote_target
    }

    /// The route set, in the order of the Route headers we send (each a
    /// Route value such as `<sip:p1.example.com;lr>`).
    pub fn route_set(&self) -> &[String] {
        &self.route_set
    }

    /// The CSeq number the next request from [`Dialog::request`] will carry.
    pub fn local_cseq(&self) -> u32 {
        self.local_cseq
    }

    /// The CSeq number of the last request received in the dialog (`None`
    /// before the first one; for a UAS, the dialog-creating request's).
    pub fn remote_cseq(&self) -> Option<u32> {
        self.remote_cseq
    }

    /// Whether the dialog is secure: created by a request to a `sips:`
    /// Request-URI (RFC 3261 §12.1.1, §12.1.2). Such a request travels
    /// over TLS hop by hop (§26.2.2), so the URI scheme is the signal.
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    /// The Contact value we put in target refresh requests (the one of our
    /// dialog-creating request or response), if any.
    pub fn local_contact(&self) -> Option<&str> {
        self.local_contact.as_deref()
    }

    /// Replaces our Contact (after our address changed); the next target
    /// refresh request carries it. The value is a Contact header value,
    /// e.g. `<sip:alice@192.0.2.7:5060;transport=tcp>`.
    pub fn set_local_contact(&mut self, contact: impl Into<String>) {
        self.local_contact = Some(contact.into());
    }

    /// Notes that a request left with this CSeq number without going
    /// through [`Dialog::request`] (a request re-sent with credentials
    /// takes the next number): later requests number above it.
    pub fn note_cseq_sent(&mut self, seq: u32) {
        self.local_cseq = self.local_cseq.max(seq.saturating_add(1));
    }

    /// Ends the dialog (for a usage that ends it by its own rules, e.g. a
    /// subscription that expires).
    pub fn terminate(&mut self) {
        self.state = DialogState::Terminated;
    }

    /// Whether the dialog is early.
    pub fn is_early(&self) -> bool {
        self.state == DialogState::Early
    }

    /// Whether the dialog is confirmed.
    pub fn is_confirmed(&self) -> bool {
        self.state == DialogState::Confirmed
    }

    /// Whether the dialog has ended.
    pub fn is_terminated(&self) -> bool {
        self.state == DialogState::Terminated
    }
}

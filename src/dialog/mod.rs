//! Dialogs (RFC 3261 §12) as plain data and functions: the state two user
//! agents share between a dialog-creating request and its end, and the
//! rules for the requests and responses exchanged inside it.
//!
//! Nothing here sends, receives or waits: a [`Dialog`] is built from the
//! messages that create it, builds the requests that go in it, and judges
//! the requests and responses that come out of it. The usage above (INVITE
//! sessions, subscriptions) drives it and acts on what it returns.
//!
//! - Creation: [`Dialog::uac`] from the request we sent and a response
//!   with a To tag (§12.1.2), [`Dialog::uas`] from the request we received
//!   and the response we send (§12.1.1). Any dialog-creating method works
//!   (INVITE, SUBSCRIBE, REFER, see [`creates_dialog`]).
//! - Forking: a [`DialogSet`] gathers the early dialogs one INVITE creates
//!   (one per remote tag), confirms the first that answers 2xx and names
//!   the later ones that must be ACKed and ended with BYE (§13.2.2.4).
//! - Sending: [`Dialog::request`] builds a request in the dialog (§12.2.1.1:
//!   loose and strict routing, CSeq, tags, Contact for target refreshes);
//!   [`Dialog::ack`] the ACK for a 2xx (§13.2.2.4). Neither has a Via: the
//!   transport layer stamps it with a fresh branch when it sends.
//! - Receiving: [`Dialogs::receive_request`] matches a request to a dialog
//!   and judges it (§12.2.2: 481 for an unknown dialog, 500 for an
//!   out-of-order CSeq, target refresh, BYE); [`Dialog::on_response`]
//!   applies a response to our own request (§12.2.1.2: 2xx to a target
//!   refresh, 481 and 408 end the dialog).
//!
//! ```
//! use bytes::Bytes;
//! use sansip::dialog::{Dialog, DialogState};
//! use sansip::message::{HeaderName, Message, Method};
//!
//! let invite = Message::parse(Bytes::from_static(
//!     b"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
//!       Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK74bf9\r\n\
//!       Max-Forwards: 70\r\n\
//!       From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n\
//!       To: Bob <sip:bob@biloxi.example.com>\r\n\
//!       Call-ID: 3848276298220188511@atlanta.example.com\r\n\
//!       CSeq: 1 INVITE\r\n\
//!       Contact: <sip:alice@client.atlanta.example.com>\r\n\
//!       Content-Length: 0\r\n\r\n",
//! ))?;
//! let ok = Message::parse(Bytes::from_static(
//!     b"SIP/2.0 200 OK\r\n\
//!       Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK74bf9\r\n\
//!       Record-Route: <sip:ss1.atlanta.example.com;lr>\r\n\
//!       From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n\
//!       To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\r\n\
//!       Call-ID: 3848276298220188511@atlanta.example.com\r\n\
//!       CSeq: 1 INVITE\r\n\
//!       Contact: <sip:bob@client.biloxi.example.com>\r\n\
//!       Content-Length: 0\r\n\r\n",
//! ))?;
//! let mut dialog = Dialog::uac(&invite, &ok)?;
//! assert_eq!(dialog.state(), DialogState::Confirmed);
//! assert_eq!(dialog.id().remote_tag, "8321234356");
//!
//! let bye = dialog.request(Method::Bye)?.build()?;
//! assert_eq!(bye.request_uri_str(), Some("sip:bob@client.biloxi.example.com"));
//! assert_eq!(bye.raw(HeaderName::Route), Some(&b"<sip:ss1.atlanta.example.com;lr>"[..]));
//! assert_eq!(bye.raw(HeaderName::CSeq), Some(&b"2 BYE"[..]));
//! assert_eq!(dialog.state(), DialogState::Terminated);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod create;
#[allow(clippy::module_inception)]
mod dialog;
mod fork;
mod receive;
mod request;

pub use dialog::{Dialog, DialogState, Role};
pub use fork::{DialogSet, ForkOutcome};
pub use receive::{Changes, Dialogs, Verdict};

use thiserror::Error;

use crate::message::{HeaderError, Method};

/// What identifies a dialog at one end (RFC 3261 §12): the Call-ID, our
/// tag and the peer's tag.
///
/// The same dialog has mirrored ids at its two ends: our local tag is the
/// peer's remote tag. Tags and the Call-ID are compared exactly.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DialogId {
    /// The Call-ID.
    pub call_id: String,
    /// Our tag: the From tag of requests we send, the To tag of those we
    /// receive.
    pub local_tag: String,
    /// The peer's tag (empty for a peer that sends none, as an RFC 2543
    /// one may).
    pub remote_tag: String,
}

impl DialogId {
    /// The id of the dialog a received request claims to be in: Call-ID,
    /// To tag as ours, From tag as the peer's. `None` when the request has
    /// no To tag (it is outside any dialog) or no readable Call-ID or To.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use sansip::{dialog::DialogId, message::Message};
    /// let bye = Message::parse(Bytes::from_static(
    ///     b"BYE sip:a@h SIP/2.0\r\nFrom: <sip:b@h>;tag=theirs\r\nTo: <sip:a@h>;tag=ours\r\n\
    ///       Call-ID: c1\r\nCSeq: 9 BYE\r\n\r\n"))?;
    /// let id = DialogId::of_received_request(&bye).unwrap();
    /// assert_eq!((id.local_tag.as_str(), id.remote_tag.as_str()), ("ours", "theirs"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of_received_request(request: &crate::message::Message) -> Option<DialogId> {
        use crate::message::headers::{FromHeader, ToHeader};
        let call_id = request.call_id()?;
        let local_tag = request.header::<ToHeader>().ok()?.tag()?;
        let remote_tag = request
            .header::<FromHeader>()
            .ok()
            .and_then(|f| f.tag())
            .unwrap_or_default();
        Some(DialogId {
            call_id: call_id.to_owned(),
            local_tag: local_tag.to_owned(),
            remote_tag: remote_tag.to_owned(),
        })
    }

    /// The id of the dialog a response to our request belongs to: Call-ID,
    /// From tag as ours, To tag as the peer's. `None` without a To tag.
    pub fn of_received_response(response: &crate::message::Message) -> Option<DialogId> {
        use crate::message::headers::{FromHeader, ToHeader};
        let call_id = response.call_id()?;
        let remote_tag = response.header::<ToHeader>().ok()?.tag()?;
        let local_tag = response.header::<FromHeader>().ok()?.tag()?;
        Some(DialogId {
            call_id: call_id.to_owned(),
            local_tag: local_tag.to_owned(),
            remote_tag: remote_tag.to_owned(),
        })
    }
}

impl std::fmt::Display for DialogId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{};local-tag={};remote-tag={}",
            self.call_id, self.local_tag, self.remote_tag
        )
    }
}

/// Whether a request with this method creates a dialog when it succeeds:
/// INVITE (RFC 3261), SUBSCRIBE (RFC 6665), REFER (RFC 3515).
pub fn creates_dialog(method: &Method) -> bool {
    matches!(method, Method::Invite | Method::Subscribe | Method::Refer)
}

/// Whether a request with this method is a target refresh: its Contact
/// (and the Contact of its 2xx) replaces the remote target. INVITE (RFC
/// 3261 §12.2), UPDATE (RFC 3311), SUBSCRIBE and NOTIFY (RFC 6665 §4.1.2,
/// §4.2.1), REFER (RFC 3515).
pub fn is_target_refresh(method: &Method) -> bool {
    matches!(
        method,
        Method::Invite | Method::Update | Method::Subscribe | Method::Notify | Method::Refer
    )
}

/// Why a dialog could not be created or a request built in it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DialogError {
    /// A header the dialog needs is missing or does not parse.
    #[error("{message}: {source}")]
    Header {
        /// Which message it was ("the request", "the response").
        message: &'static str,
        /// What is wrong with the header.
        #[source]
        source: HeaderError,
    },
    /// A message lacks something a dialog needs (a tag, a Call-ID).
    #[error("{message} has no {what}")]
    Missing {
        /// Which message it was.
        message: &'static str,
        /// What it lacks ("From tag", "To tag", "Call-ID").
        what: &'static str,
    },
    /// The message is not a request, or not a response.
    #[error("expected {expected}")]
    WrongKind {
        /// What was expected ("a request", "a response").
        expected: &'static str,
    },
    /// Only a 101–299 response with a To tag creates a dialog (§12.1).
    #[error("a {status} response does not create a dialog (101-299 with a To tag does)")]
    NotDialogCreating {
        /// The response's status code.
        status: u16,
    },
    /// The response does not answer the request (Call-ID, From tag or CSeq
    /// differ).
    #[error("the response does not answer the request: {what} differs")]
    Mismatch {
        /// What differs.
        what: &'static str,
    },
    /// The dialog has ended; nothing more is sent in it.
    #[error("dialog {id} is terminated")]
    Terminated {
        /// The dialog.
        id: DialogId,
    },
    /// This method is never sent inside a dialog through
    /// [`Dialog::request`]: ACK has [`Dialog::ack`], CANCEL belongs to the
    /// INVITE's transaction (RFC 3261 §9.1).
    #[error("{method} is not built by Dialog::request ({hint})")]
    NotInDialog {
        /// The method.
        method: Method,
        /// What to use instead.
        hint: &'static str,
    },
    /// RFC 3261 §15: the caller must not send BYE on an early dialog (it
    /// sends CANCEL instead).
    #[error("the caller cannot send BYE on early dialog {id}: CANCEL the INVITE instead")]
    ByeOnEarlyDialog {
        /// The dialog.
        id: DialogId,
    },
    /// The local CSeq would reach 2**31 (RFC 3261 §8.1.1.5).
    #[error("the local CSeq of dialog {id} is exhausted")]
    CSeqExhausted {
        /// The dialog.
        id: DialogId,
    },
    /// A route or target URI kept by the dialog no longer parses (it was
    /// changed by hand).
    #[error("the dialog's {what} does not parse: {value}")]
    BadUri {
        /// Which value ("route", "remote target").
        what: &'static str,
        /// The value.
        value: String,
    },
}

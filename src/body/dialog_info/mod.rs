//! Dialog state (RFC 4235, `application/dialog-info+xml`): the body of
//! the `dialog` event package, behind busy-lamp fields (BLF) and call
//! pickup.
//!
//! A [`DialogInfo`] document reports on the dialogs of one `entity`, with
//! a `version` that grows by one per notification and a `state` saying
//! whether it is the full list or only the dialogs that changed. Each
//! [`DialogEntry`] has its dialog identifiers, a [`Direction`], its
//! [`DialogState`] (with the [`StateEvent`] and response code that ended
//! it), and optionally the [`Participant`]s' identities and targets.
//! Elements the model does not know (RFC 7463 shared appearances, a
//! vendor's extension) are kept as [`RawElement`]s and written back.
//!
//! A notifier builds documents with [`DialogInfo::builder`] and
//! [`DialogEntry::new`]:
//!
//! ```
//! use sansip::body::dialog_info::{DialogEntry, DialogInfo, DialogState, Direction, Participant};
//!
//! // Bob's phone rings: a BLF "early" notification, then "confirmed".
//! let ringing = DialogEntry::new("call-1", DialogState::Early)
//!     .with_dialog_id("f81d4fae@192.0.2.4", "1928301774", None)
//!     .with_direction(Direction::Recipient)
//!     .with_remote(Participant::new("sip:alice@example.com").with_display("Alice"));
//! let info = DialogInfo::builder("sip:bob@example.com").version(7).dialog(ringing).build();
//! let xml = info.to_bytes();
//! let again = DialogInfo::parse(xml)?;
//! assert_eq!(again, info);
//! assert_eq!(again.dialogs[0].remote.as_ref().unwrap().display(), Some("Alice"));
//! # Ok::<(), sansip::body::BodyError>(())
//! ```

use bytes::Bytes;

use super::error::BodyError;
use super::raw::RawElement;
use super::text::Text;
use super::xml::Document;
use super::Limits;

mod builder;
mod parse;
mod write;

pub use builder::DialogInfoBuilder;

/// The content type of a dialog-info body.
pub const CONTENT_TYPE: &str = "application/dialog-info+xml";
/// The dialog-info namespace (RFC 4235).
pub const NS: &str = "urn:ietf:params:xml:ns:dialog-info";

/// A dialog-info document: the `<dialog-info>` element.
///
/// ```
/// use sansip::body::dialog_info::{DialogInfo, InfoState};
/// // Kamailio and Asterisk say "idle" with a full document and no dialog.
/// let idle = DialogInfo::parse_slice(br#"<?xml version="1.0"?>
/// <dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="12"
///     state="full" entity="sip:1000@pbx.example.com"/>"#)?;
/// assert_eq!((idle.version, idle.state), (12, InfoState::Full));
/// assert!(idle.is_idle());
/// # Ok::<(), sansip::body::BodyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialogInfo {
    /// The `version` attribute: one more for each document sent on a
    /// subscription.
    pub version: u64,
    /// The `state` attribute: a full list or a partial update.
    pub state: InfoState,
    /// The `entity` attribute: whose dialogs these are.
    pub entity: Text,
    /// The `<dialog>`s.
    pub dialogs: Vec<DialogEntry>,
    /// Other children of `<dialog-info>`, as received.
    pub extensions: Vec<RawElement>,
}

impl DialogInfo {
    /// A document about `entity` with no dialog.
    pub fn new(entity: impl Into<Text>, version: u64, state: InfoState) -> DialogInfo {
        DialogInfo {
            version,
            state,
            entity: entity.into(),
            dialogs: Vec::new(),
            extensions: Vec::new(),
        }
    }

    /// A builder for a notification about `entity` (version 0, full
    /// state, no dialog until added).
    pub fn builder(entity: impl Into<Text>) -> DialogInfoBuilder {
        DialogInfoBuilder::new(entity)
    }

    /// Parses a dialog-info body within the default [`Limits`].
    pub fn parse(body: Bytes) -> Result<DialogInfo, BodyError> {
        DialogInfo::parse_with_limits(body, &Limits::default())
    }

    /// [`DialogInfo::parse`] of a copy of `body`.
    pub fn parse_slice(body: &[u8]) -> Result<DialogInfo, BodyError> {
        DialogInfo::parse(Bytes::copy_from_slice(body))
    }

    /// Parses a dialog-info body within `limits`.
    pub fn parse_with_limits(body: Bytes, limits: &Limits) -> Result<DialogInfo, BodyError> {
        let doc = Document::parse(body, limits)?;
        parse::dialog_info(&doc, limits)
    }

    /// The document as XML (UTF-8, with an XML declaration).
    pub fn to_bytes(&self) -> Bytes {
        write::dialog_info(self)
    }

    /// The dialog with id `id`.
    pub fn dialog(&self, id: &str) -> Option<&DialogEntry> {
        self.dialogs.iter().find(|d| d.id == id)
    }

    /// Whether no dialog is in progress (every one listed is terminated).
    pub fn is_idle(&self) -> bool {
        self.dialogs
            .iter()
            .all(|d| d.state == DialogState::Terminated)
    }
}

/// The `state` attribute of `<dialog-info>`.
///
/// ```
/// use sansip::body::dialog_info::InfoState;
/// assert_eq!(InfoState::parse("partial"), Some(InfoState::Partial));
/// assert_eq!(InfoState::Full.as_str(), "full");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InfoState {
    /// `full`: every dialog of the entity is listed.
    Full,
    /// `partial`: only the dialogs that changed.
    Partial,
}

impl InfoState {
    /// Reads `full` or `partial`.
    pub fn parse(s: &str) -> Option<InfoState> {
        match s {
            "full" => Some(InfoState::Full),
            "partial" => Some(InfoState::Partial),
            _ => None,
        }
    }

    /// The value as written.
    pub fn as_str(self) -> &'static str {
        match self {
            InfoState::Full => "full",
            InfoState::Partial => "partial",
        }
    }
}

/// Enums written as fixed tokens: `parse` and `as_str`.
macro_rules! token_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => $text:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vm])* $variant,)*
        }

        impl $name {
            /// Reads the token as written in the document.
            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// The token as written in the document.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }
        }
    };
}

token_enum! {
    /// The state of a dialog (RFC 4235 §3.7.1), the text of `<state>`.
    ///
    /// ```
    /// use sansip::body::dialog_info::DialogState;
    /// assert_eq!(DialogState::parse("confirmed"), Some(DialogState::Confirmed));
    /// assert_eq!(DialogState::Early.as_str(), "early");
    /// ```
    DialogState {
        /// An INVITE was sent or received, no response yet.
        Trying => "trying",
        /// A 1xx without a tag.
        Proceeding => "proceeding",
        /// A 1xx with a tag: an early dialog (the phone rings).
        Early => "early",
        /// A 2xx: the call is up.
        Confirmed => "confirmed",
        /// Ended (see the entry's `state_event` and `state_code`).
        Terminated => "terminated",
    }
}

token_enum! {
    /// Why a dialog ended: the `event` attribute of `<state>`.
    ///
    /// ```
    /// use sansip::body::dialog_info::StateEvent;
    /// assert_eq!(StateEvent::parse("remote-bye"), Some(StateEvent::RemoteBye));
    /// ```
    StateEvent {
        /// The INVITE was cancelled.
        Cancelled => "cancelled",
        /// The INVITE was rejected (see the code).
        Rejected => "rejected",
        /// The dialog was replaced (RFC 3891).
        Replaced => "replaced",
        /// The entity sent a BYE.
        LocalBye => "local-bye",
        /// The other party sent a BYE.
        RemoteBye => "remote-bye",
        /// An error ended it.
        Error => "error",
        /// A timeout ended it.
        Timeout => "timeout",
    }
}

token_enum! {
    /// Whether the entity sent the INVITE (`initiator`) or received it
    /// (`recipient`): the `direction` attribute of `<dialog>`.
    ///
    /// ```
    /// use sansip::body::dialog_info::Direction;
    /// assert_eq!(Direction::parse("recipient"), Some(Direction::Recipient));
    /// ```
    Direction {
        /// The entity sent the INVITE.
        Initiator => "initiator",
        /// The entity received it.
        Recipient => "recipient",
    }
}

/// One `<dialog>`.
///
/// ```
/// use sansip::body::dialog_info::{DialogEntry, DialogState, StateEvent};
/// let ended = DialogEntry::new("d1", DialogState::Terminated)
///     .with_state_reason(StateEvent::Rejected, Some(486));
/// assert_eq!((ended.state_event, ended.state_code), (Some(StateEvent::Rejected), Some(486)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialogEntry {
    /// The `id` attribute: stable for the dialog in this subscription.
    pub id: Text,
    /// The `call-id` attribute.
    pub call_id: Option<Text>,
    /// The `local-tag` attribute (the entity's tag).
    pub local_tag: Option<Text>,
    /// The `remote-tag` attribute.
    pub remote_tag: Option<Text>,
    /// The `direction` attribute.
    pub direction: Option<Direction>,
    /// The text of `<state>`.
    pub state: DialogState,
    /// The `event` attribute of `<state>`.
    pub state_event: Option<StateEvent>,
    /// The `code` attribute of `<state>`: the response that ended or
    /// moved the dialog.
    pub state_code: Option<u16>,
    /// `<duration>`: seconds since the dialog was created.
    pub duration: Option<u64>,
    /// `<replaces>`: the dialog this one replaced.
    pub replaces: Option<Replaces>,
    /// `<referred-by>`: who referred the entity into this dialog.
    pub referred_by: Option<Identity>,
    /// `<route-set>`: the `<hop>` URIs.
    pub route_set: Vec<Text>,
    /// `<local>`: the entity's side.
    pub local: Option<Participant>,
    /// `<remote>`: the other side.
    pub remote: Option<Participant>,
    /// Other children of `<dialog>`, as received.
    pub extensions: Vec<RawElement>,
}

/// The dialog a `<dialog>` replaced (`<replaces>`).
///
/// ```
/// use sansip::body::dialog_info::Replaces;
/// let r = Replaces { call_id: "a@b".into(), local_tag: "1".into(), remote_tag: "2".into() };
/// assert_eq!(r.call_id, "a@b");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaces {
    /// The `call-id` attribute.
    pub call_id: Text,
    /// The `local-tag` attribute.
    pub local_tag: Text,
    /// The `remote-tag` attribute.
    pub remote_tag: Text,
}

/// A URI with an optional display name: `<identity>` and
/// `<referred-by>`.
///
/// ```
/// use sansip::body::dialog_info::Identity;
/// let i = Identity::new("sip:bob@example.org").with_display("Bob");
/// assert_eq!(i.display.as_deref(), Some("Bob"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The URI.
    pub uri: Text,
    /// The `display` attribute.
    pub display: Option<Text>,
}

impl Identity {
    /// A URI without display name.
    pub fn new(uri: impl Into<Text>) -> Identity {
        Identity {
            uri: uri.into(),
            display: None,
        }
    }

    /// With a display name.
    #[must_use]
    pub fn with_display(mut self, display: impl Into<Text>) -> Identity {
        self.display = Some(display.into());
        self
    }
}

/// A participant's `<target>`: its contact URI and feature parameters
/// (`+sip.rendering` = `no` when it holds the call, as Asterisk sends).
///
/// ```
/// use sansip::body::dialog_info::Target;
/// let t = Target::new("sip:bob@192.0.2.4").with_param("+sip.rendering", "no");
/// assert_eq!(t.param("+sip.rendering"), Some("no"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The `uri` attribute.
    pub uri: Text,
    /// The `<param pname= pval=/>` children, in order.
    pub params: Vec<(Text, Text)>,
}

impl Target {
    /// A target without parameters.
    pub fn new(uri: impl Into<Text>) -> Target {
        Target {
            uri: uri.into(),
            params: Vec::new(),
        }
    }

    /// With one more parameter.
    #[must_use]
    pub fn with_param(mut self, name: impl Into<Text>, value: impl Into<Text>) -> Target {
        self.params.push((name.into(), value.into()));
        self
    }

    /// The value of parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// `<local>` or `<remote>`: one side of the dialog.
///
/// ```
/// use sansip::body::dialog_info::Participant;
/// let p = Participant::new("sip:alice@example.com").with_display("Alice")
///     .with_target("sip:alice@pc33.example.com");
/// assert_eq!(p.uri(), Some("sip:alice@example.com"));
/// assert_eq!(p.target.as_ref().map(|t| t.uri.as_str()), Some("sip:alice@pc33.example.com"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Participant {
    /// `<identity>`: the address of record.
    pub identity: Option<Identity>,
    /// `<target>`: the contact.
    pub target: Option<Target>,
    /// `<session-description>`: the session's description and its type.
    pub session_description: Option<SessionDescription>,
    /// `<cseq>`: the participant's most recent CSeq number.
    pub cseq: Option<u32>,
    /// Other children, as received.
    pub extensions: Vec<RawElement>,
}

impl Participant {
    /// A participant with identity `uri`.
    pub fn new(uri: impl Into<Text>) -> Participant {
        Participant {
            identity: Some(Identity::new(uri)),
            ..Participant::default()
        }
    }

    /// With a display name on the identity (an empty identity if it had
    /// none).
    #[must_use]
    pub fn with_display(mut self, display: impl Into<Text>) -> Participant {
        self.identity
            .get_or_insert_with(|| Identity::new(Text::default()))
            .display = Some(display.into());
        self
    }

    /// With a target URI.
    #[must_use]
    pub fn with_target(mut self, uri: impl Into<Text>) -> Participant {
        self.target = Some(Target::new(uri));
        self
    }

    /// The identity URI.
    pub fn uri(&self) -> Option<&str> {
        self.identity.as_ref().map(|i| i.uri.as_str())
    }

    /// The identity's display name.
    pub fn display(&self) -> Option<&str> {
        self.identity.as_ref().and_then(|i| i.display.as_deref())
    }
}

/// A participant's `<session-description>`.
///
/// ```
/// use sansip::body::dialog_info::SessionDescription;
/// let s = SessionDescription { content_type: "application/sdp".into(), body: "v=0\n".into() };
/// assert_eq!(s.content_type, "application/sdp");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDescription {
    /// The `type` attribute.
    pub content_type: Text,
    /// The description.
    pub body: Text,
}

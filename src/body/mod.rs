//! Typed bodies of SIP event packages: presence (PIDF, RFC 3863, with the
//! RFC 4479 data model and RFC 4480 RPID) and dialog state (RFC 4235
//! dialog-info), each a model, a parser and a serializer.
//!
//! - [`pidf`] (`application/pidf+xml`): [`Presence`](pidf::Presence) with
//!   its [`Tuple`](pidf::Tuple)s, notes, [`Person`](pidf::Person)s (RPID
//!   [`Activity`](pidf::Activity)) and [`Device`](pidf::Device)s, and a
//!   [`PresenceBuilder`](pidf::PresenceBuilder) for the common open/closed
//!   document.
//! - [`dialog_info`] (`application/dialog-info+xml`):
//!   [`DialogInfo`](dialog_info::DialogInfo) and its
//!   [`DialogEntry`](dialog_info::DialogEntry)s, with builders for a
//!   notifier (a BLF "early", "confirmed" or "terminated" notification).
//!
//! Both read XML with a small strict reader of this module: namespaces
//! are resolved (elements are matched by namespace URI, never by the
//! prefix a peer chose), references are decoded, no DOCTYPE is accepted
//! (so no entity can expand), and [`Limits`] bounds the size, the number
//! of elements, attributes, tuples and dialogs, and the nesting depth.
//! Text values are [`Text`]: slices of the received [`Bytes`] where no
//! decoding was needed. Elements the model does not know are kept as
//! [`RawElement`]s and written back, so a parsed body survives a round
//! trip with its extensions. Errors ([`BodyError`]) say what was wrong
//! and at which byte.
//!
//! ```
//! use sansip::body::{dialog_info::{DialogInfo, DialogState}, pidf::{Basic, Presence}};
//!
//! let pidf = Presence::parse_slice(br#"<?xml version="1.0" encoding="UTF-8"?>
//! <presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob@example.com">
//!   <tuple id="t1"><status><basic>open</basic></status></tuple>
//! </presence>"#)?;
//! assert_eq!(pidf.tuples[0].status.basic, Some(Basic::Open));
//!
//! let blf = DialogInfo::parse_slice(br#"<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info"
//!     version="3" state="full" entity="sip:bob@example.com">
//!   <dialog id="d1" direction="recipient"><state>early</state></dialog>
//! </dialog-info>"#)?;
//! assert_eq!(blf.dialogs[0].state, DialogState::Early);
//! # Ok::<(), sansip::body::BodyError>(())
//! ```
//!
//! [`Bytes`]: bytes::Bytes

mod chars;
pub mod dialog_info;
mod error;
pub mod pidf;
mod raw;
mod read;
mod text;
mod write;
mod xml;

pub use dialog_info::CONTENT_TYPE as DIALOG_INFO_CONTENT_TYPE;
pub use error::BodyError;
pub use pidf::CONTENT_TYPE as PIDF_CONTENT_TYPE;
pub use raw::RawElement;
pub use text::Text;

/// Bounds the parsers enforce so that no body can make them use unbounded
/// memory or time.
///
/// The defaults leave a wide margin over real bodies: a busy presentity's
/// PIDF with several devices and RPID is a few kilobytes and a hundred
/// elements deep at most five levels; a BLF dialog-info with a handful of
/// calls is smaller.
///
/// ```
/// use sansip::body::{pidf::Presence, BodyError, Limits};
/// let one_tuple = Limits { max_tuples: 1, ..Limits::default() };
/// let two = br#"<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b">
///   <tuple id="1"><status/></tuple><tuple id="2"><status/></tuple></presence>"#;
/// let e = Presence::parse_with_limits(bytes::Bytes::from_static(two), &one_tuple).unwrap_err();
/// assert!(matches!(e, BodyError::Limit { what: "tuples", limit: 1, .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest body, in bytes.
    pub max_size: usize,
    /// Most elements in the whole document.
    pub max_elements: usize,
    /// Deepest nesting of elements (the root is level 1).
    pub max_depth: usize,
    /// Most attributes (namespace declarations included) on one element.
    pub max_attributes: usize,
    /// Most `<tuple>`s in a PIDF document.
    pub max_tuples: usize,
    /// Most `<dialog>`s in a dialog-info document.
    pub max_dialogs: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_size: 128 * 1024,
            max_elements: 4096,
            max_depth: 32,
            max_attributes: 64,
            max_tuples: 256,
            max_dialogs: 256,
        }
    }
}

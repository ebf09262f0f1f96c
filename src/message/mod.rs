//! The SIP message layer: zero-copy parsing, typed header views, builders,
//! serialization and stream framing.
//!
//! - [`Message::parse`] reads a datagram; [`StreamFramer`] cuts messages and
//!   RFC 5626 keep-alives out of a byte stream.
//! - [`Message::header`] gives typed views ([`headers`]) parsed on demand.
//! - [`RequestBuilder`] and [`ResponseBuilder`] build messages from typed
//!   headers; [`Message::write_to`] serializes, reusing received bytes for
//!   every field that did not change.
//! - [`Limits`] bounds every resource the parser uses.

mod builder;
mod error;
mod framing;
pub(crate) mod grammar;
mod header_name;
pub mod headers;
mod host;
mod limits;
#[allow(clippy::module_inception)]
mod message;
mod method;
mod name_addr;
mod scan;
#[cfg(test)]
mod scan_reference;
mod status;
#[cfg(test)]
mod test_corpus;
mod typed;
mod uri;
mod vector;

pub use builder::{RequestBuilder, ResponseBuilder};
pub use error::{HeaderError, ParseError, ValueError};
pub use framing::{frame, Frame, StreamFramer, StreamItem};
pub use grammar::{split_list, unquote, ListIter, Params, ParamsIter};
pub use header_name::HeaderName;
pub use host::Host;
pub use limits::Limits;
pub use message::{FieldRef, Message};
pub use method::{ExtensionMethod, Method};
pub use name_addr::NameAddr;
pub use status::reason_phrase;
pub use typed::TypedHeader;
pub use uri::{escape, unescape, SipUri, TelUri, Uri, UriComponent};

//! Typed header views. Each type implements
//! [`TypedHeader`](super::TypedHeader) and is read with
//! [`Message::header`](super::Message::header) or
//! [`Message::headers`](super::Message::headers).

mod address;
mod contact;
mod cseq;
mod refer;
mod simple;
mod via;

pub use address::{
    FromHeader, PAssertedIdentity, PPreferredIdentity, Path, RecordRoute, Route, ServiceRoute,
    ToHeader,
};
pub use contact::{Contact, ContactAddress};
pub use cseq::CSeq;
pub use refer::{EmbeddedReplaces, ReferTo, ReferredBy, Replaces};
pub use simple::{
    CallId, ContentLength, Expires, MaxForwards, MinExpires, Organization, RSeq, Server, Subject,
    UserAgent,
};
pub use via::{Via, BRANCH_MAGIC_COOKIE};

//! Typed header views. Each type implements
//! [`TypedHeader`](super::TypedHeader) and is read with
//! [`Message::header`](super::Message::header) or
//! [`Message::headers`](super::Message::headers).

mod address;
mod auth;
mod auth_challenge;
mod auth_credentials;
mod auth_info;
mod contact;
mod content;
mod cseq;
mod date;
mod events;
mod lex;
mod misc;
mod prack;
mod qvalue;
mod reason;
mod refer;
mod retry_after;
mod session_timer;
mod simple;
mod tokens;
mod via;
mod warning;

pub use address::{
    FromHeader, PAssertedIdentity, PPreferredIdentity, Path, RecordRoute, Route, ServiceRoute,
    ToHeader,
};
pub use auth::{
    Algorithm, AuthParams, AuthParamsBuilder, AuthParamsIter, Qop, QopIter, QopOptions,
};
pub use auth_challenge::{Challenge, ProxyAuthenticate, WwwAuthenticate};
pub use auth_credentials::{Authorization, Credentials, ProxyAuthorization};
pub use auth_info::AuthenticationInfo;
pub use contact::{Contact, ContactAddress};
pub use content::{ContentDisposition, ContentEncoding, ContentLanguage, ContentType, Handling};
pub use cseq::CSeq;
pub use date::{Date, SipDate, Weekday};
pub use events::{Event, EventReason, EventType, SubState, SubscriptionState};
pub use misc::{InReplyTo, MimeVersion, Priority, Timestamp};
pub use prack::RAck;
pub use qvalue::QValue;
pub use reason::{Reason, ReasonProtocol};
pub use refer::{EmbeddedReplaces, ReferTo, ReferredBy, Replaces};
pub use retry_after::RetryAfter;
pub use session_timer::{MinSe, Refresher, SessionExpires};
pub use simple::{
    CallId, ContentLength, Expires, MaxForwards, MinExpires, Organization, RSeq, Server, Subject,
    UserAgent,
};
pub use tokens::{
    Accept, AcceptEncoding, AcceptLanguage, Allow, AllowEvents, ProxyRequire, Require, Supported,
    Unsupported,
};
pub use via::{Via, BRANCH_MAGIC_COOKIE};
pub use warning::Warning;

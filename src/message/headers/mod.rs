//! Typed header views. Each type implements
//! [`TypedHeader`](super::TypedHeader) and is read with
//! [`Message::header`](super::Message::header) or
//! [`Message::headers`](super::Message::headers).

mod auth;
mod auth_challenge;
mod auth_credentials;
mod auth_info;
mod cseq;
mod lex;
mod simple;
mod via;

pub use auth::{Algorithm, AuthParams, AuthParamsIter, Qop, QopIter, QopOptions};
pub use auth_challenge::{Challenge, ProxyAuthenticate, WwwAuthenticate};
pub use auth_credentials::{Authorization, Credentials, ProxyAuthorization};
pub use auth_info::AuthenticationInfo;
pub use cseq::CSeq;
pub use simple::{
    CallId, ContentLength, Expires, MaxForwards, MinExpires, Organization, RSeq, Server, Subject,
    UserAgent,
};
pub use via::{Via, BRANCH_MAGIC_COOKIE};

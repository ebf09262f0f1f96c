//! What users do, on top of transactions and dialogs: registration,
//! pager-mode messages, calls (offer/answer, re-INVITE, PRACK, UPDATE,
//! session timers, REFER), subscriptions and publications.
//! Each usage adds its commands to [`Endpoint`](crate::endpoint::Endpoint).

pub mod message;
mod offer_answer;
mod presence;
pub mod publication;
pub mod registration;
pub mod session;
mod session_mid;
mod session_prack;
pub mod session_timer;
mod session_uac;
mod session_uas;
pub mod subscription;
mod transfer;

//! What users do, on top of transactions and dialogs: registration,
//! pager-mode messages and basic calls (re-INVITE, PRACK, UPDATE, session
//! timers, REFER and subscriptions come next).
//! Each usage adds its commands to [`Endpoint`](crate::endpoint::Endpoint).

pub mod message;
pub mod publication;
pub mod registration;
pub mod session;
mod session_mid;
mod session_prack;
pub mod session_timer;
mod session_uas;
pub mod subscription;
mod transfer;

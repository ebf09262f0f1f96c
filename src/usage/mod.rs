//! What users do, on top of transactions: registration and pager-mode
//! messages so far (calls, subscriptions and transfers come with dialogs).
//! Each usage adds its commands to [`Endpoint`](crate::endpoint::Endpoint).

pub mod message;
pub mod registration;

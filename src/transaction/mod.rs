//! Transactions (RFC 3261 §17 with RFC 6026): the four state machines, the
//! matching rules, the timers, and the layer that runs them.
//!
//! The layer is sans-IO like the rest of sansip: received messages,
//! commands and the current time go in; [`TxOutput`]s (bytes to send,
//! events for the transaction user) and the next deadline come out.
//!
//! ```
//! # #![allow(clippy::disallowed_methods)]
//! use std::time::{Duration, Instant};
//! use sansip::message::{headers::CSeq, Method, RequestBuilder};
//! use sansip::transaction::{Target, TransactionLayer, TxConfig, TxOutput};
//! use sansip::transport::Transport;
//!
//! let t0 = Instant::now(); // sans-io-ok: the host picks any origin; time is an input
//! let mut layer = TransactionLayer::new(TxConfig::default(), 1);
//! let options = RequestBuilder::new(Method::Options, "sip:bob@192.0.2.9")
//!     .raw_header("From", b"<sip:alice@192.0.2.1>;tag=a1")
//!     .raw_header("To", b"<sip:bob@192.0.2.9>")
//!     .raw_header("Call-ID", b"c1")
//!     .header(&CSeq { seq: 1, method: Method::Options })
//!     .build()?;
//! let target = Target {
//!     transport: Transport::Udp,
//!     flow: None,
//!     remote: "192.0.2.9:5060".parse()?,
//!     local: "192.0.2.1:5060".parse()?,
//! };
//! let tx = layer.send_request(t0, options, target)?;
//! assert!(matches!(layer.poll_output(), Some(TxOutput::Transmit(_))));
//! // Timer E: the first retransmission is due after T1.
//! assert_eq!(layer.poll_timeout(), Some(t0 + Duration::from_millis(500)));
//! # let _ = tx;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod action;
mod arena;
mod client_invite;
mod client_non_invite;
mod key;
mod layer;
mod resend;
mod server_invite;
mod server_non_invite;
mod table;
mod timers;
mod types;
mod validate;

pub use action::TxState;
pub use layer::TransactionLayer;
pub use timers::{TimerConfig, TimerKind, TimerQueue};
pub use types::{
    Destination, Target, Transmit, TxConfig, TxError, TxEvent, TxId, TxOutput, TxStats,
};

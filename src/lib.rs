//! # sansip
//!
//! A sans-IO SIP user-agent core: it takes received bytes, the current time
//! and commands, and gives back bytes to send, events and the next deadline.
//! It owns no socket, thread, clock or random source; the host does all I/O.
//!
//! [`endpoint::Endpoint`] is the user agent a host drives (start with its
//! documentation: the host loop, the drain order, the panic policy); the
//! layers under it are each usable alone:
//!
//! - [`message`]: zero-copy parsing of SIP requests and responses from
//!   [`bytes::Bytes`], typed header views, builders, a serializer that keeps
//!   received bytes, and stream framing with RFC 5626 keep-alives.
//! - [`transport`]: RFC 3261 §18 rules: Via stamping, `received`/`rport`,
//!   where responses go, the UDP→TCP size switch, WebSocket Vias.
//! - [`transaction`]: the four RFC 3261 §17 state machines (with RFC 6026)
//!   behind one sans-IO layer: inputs, `poll_output`, `poll_timeout`.
//! - [`resolve`]: RFC 3263 server location (NAPTR, SRV, A/AAAA) as a
//!   sans-IO state machine: the host answers the DNS queries it asks.
//! - [`auth`]: digest authentication (RFC 2617, 7616, 8760), client and server.
//! - [`usage`]: what users do (registration, MESSAGE), as Endpoint commands.
//! - [`rng`]: the seeded generator every random token comes from.
//!
//! Time is always an argument (`now`), randomness always comes from a seed
//! the host provides: the same inputs give byte-identical outputs.
//!
//! ## Panic policy
//! No input from the network or from a caller makes sansip panic; malformed
//! input is an error value. A panic is a bug: please report it.
//!
//! ## Example
//! ```
//! use bytes::Bytes;
//! use sansip::message::{headers::{CSeq, Via}, Message};
//!
//! let msg = Message::parse(Bytes::from_static(
//!     b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\n\
//!       Call-ID: x@h\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n",
//! ))?;
//! assert_eq!(msg.status(), Some(200));
//! assert_eq!(msg.header::<Via>()?.branch(), Some("z9hG4bK1"));
//! assert_eq!(msg.header::<CSeq>()?.seq, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

pub mod auth;
pub mod endpoint;
pub mod message;
pub mod resolve;
pub mod rng;
pub mod transaction;
pub mod transport;
pub mod usage;

/// The README's examples, compiled and run as doctests so they stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

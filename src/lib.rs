//! # sansip
//!
//! A sans-IO SIP user-agent core: it takes received bytes, the current time
//! and commands, and gives back bytes to send, events and the next deadline.
//! It owns no socket, thread, clock or random source; the host does all I/O.
//!
//! [`endpoint::Endpoint`] is the user agent a host drives (see "The
//! Endpoint" below: its methods, the drain order, a host loop); the layers
//! under it are each usable alone:
//!
//! - [`message`]: zero-copy parsing of SIP requests and responses from
//!   [`bytes::Bytes`], typed header views, builders, a serializer that keeps
//!   received bytes, and stream framing with RFC 5626 keep-alives.
//! - [`sdp`]: SDP (RFC 8866) parsing and building, zero-copy like the
//!   message layer, and RFC 3264 offer/answer bookkeeping.
//! - [`body`]: typed SUBSCRIBE/NOTIFY bodies: presence (PIDF, RFC 3863,
//!   with RFC 4479/4480 persons, devices and activities) and dialog state
//!   (RFC 4235 dialog-info), parsed by a strict, bounded XML reader.
//! - [`transport`]: RFC 3261 §18 rules: Via stamping, `received`/`rport`,
//!   where responses go, the UDP→TCP size switch, WebSocket Vias.
//! - [`transaction`]: the four RFC 3261 §17 state machines (with RFC 6026)
//!   behind one sans-IO layer: inputs, `poll_output`, `poll_timeout`.
//! - [`dialog`]: RFC 3261 §12 dialogs as data: creation at the UAC and the
//!   UAS, forked early dialogs, loose and strict routing, CSeq rules,
//!   target refresh, termination.
//! - [`resolve`]: RFC 3263 server location (NAPTR, SRV, A/AAAA) as a
//!   sans-IO state machine: the host answers the DNS queries it asks.
//! - [`auth`]: digest authentication (RFC 2617, 7616, 8760), client and server.
//! - [`usage`]: what users do (registration, MESSAGE), as Endpoint commands.
//! - [`rng`]: the seeded generator every random token comes from.
//!
//! ## The Endpoint
//!
//! An [`Endpoint`](endpoint::Endpoint) holds everything one user agent
//! has (transactions, flows, registrations, messages in flight) and never
//! touches a socket, a clock or the OS's randomness. Its methods come in
//! four kinds, as in quinn-proto's `Connection`:
//!
//! - **getters** (`&self`): [`stats`](endpoint::Endpoint::stats),
//!   [`registration`](endpoint::Endpoint::registration), ...;
//! - **inputs**: [`handle_input`](endpoint::Endpoint::handle_input) (bytes
//!   received, a connection opened or closed, a DNS answer) and
//!   [`handle_timeout`](endpoint::Endpoint::handle_timeout);
//! - **commands**: [`register`](endpoint::Endpoint::register),
//!   [`unregister`](endpoint::Endpoint::unregister),
//!   [`message`](endpoint::Endpoint::message), each returning a typed id
//!   (or a typed error when it cannot start);
//! - **[`poll_output`](endpoint::Endpoint::poll_output)**, which hands out,
//!   in the order they arose, bytes to send, connections to open or close,
//!   DNS queries and events, and last an
//!   [`Output::Timeout`](endpoint::Output::Timeout) with the next deadline.
//!
//! **Single-mutation invariant**: after any input or command, drain
//! `poll_output` until it returns `Output::Timeout`, then sleep until that
//! deadline or the next input. Outputs are deterministic: the same inputs
//! at the same instants, with the same
//! [`Config::seed`](endpoint::Config::seed), give the same bytes.
//!
//! **Failures are events, not errors**: a request that is not answered, a
//! connection that drops, a registrar that says 403 all surface as
//! [`Event`](endpoint::Event)s. Commands fail only when they cannot start
//! (bad URI, limit).
//!
//! ## A host loop
//!
//! ```
//! use std::time::{Duration, Instant};
//! use bytes::Bytes;
//! use sansip::endpoint::{Config, Endpoint, Event, Input, LocalAddr, Output, RegisterOptions};
//! use sansip::transport::{FlowId, Transport};
//!
//! let local = "192.0.2.10:5060".parse()?;
//! let registrar = "192.0.2.1:5060".parse()?;
//! let mut config = Config::new("sip:alice@192.0.2.1");
//! config.local.push(LocalAddr { transport: Transport::Udp, addr: local });
//! config.seed = 42; // from a CSPRNG in production
//!
//! let t0 = Instant::now(); // the host's clock, not sansip's (sans-io-ok): sansip only gets instants
//! let mut ep = Endpoint::new(config, t0)?;
//! let reg = ep.register(t0, RegisterOptions::default())?;
//!
//! let mut sent = Vec::new();
//! let deadline = loop {
//!     match ep.poll_output() {
//!         Output::Transmit(t) => sent.push(t),                   // socket.send_to(...)
//!         Output::Connect(_) | Output::Close { .. } => {}         // TCP/TLS/WS only
//!         Output::Resolve(_) => {}                                // DNS (none: numeric host)
//!         Output::Event(e) => println!("{e:?}"),
//!         Output::Timeout(at) => break at,                        // arm one timer
//!     }
//! };
//! assert!(deadline.is_some());
//! assert_eq!(sent[0].destination, registrar);
//! assert!(sent[0].data.starts_with(b"REGISTER sip:192.0.2.1 SIP/2.0\r\n"));
//!
//! // The registrar answers: the host passes the datagram in.
//! let request = sansip::message::Message::parse(sent[0].data.clone())?;
//! let ok = sansip::message::ResponseBuilder::for_request(&request, 200, "OK")
//!     .raw_header("Contact", b"<sip:alice@192.0.2.10:5060>;expires=300")
//!     .build()?;
//! ep.handle_input(t0 + Duration::from_millis(20), Input::Receive {
//!     transport: Transport::Udp, flow: FlowId(1), source: registrar, destination: local,
//!     data: ok.to_bytes(),
//! });
//! let mut registered = None;
//! while let Some(out) = Some(ep.poll_output()) {
//!     match out {
//!         Output::Event(Event::Registered { id, expires, .. }) => registered = Some((id, expires)),
//!         Output::Timeout(_) => break,
//!         _ => {}
//!     }
//! }
//! assert_eq!(registered, Some((reg, 300)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Time is always an argument (`now`), randomness always comes from a seed
//! the host provides: the same inputs give byte-identical outputs.
//!
//! ## Panic policy
//! No input from the network or from a caller makes sansip panic; malformed
//! input is an error value. A panic is a bug: please report it.
//!
//! ## The message layer alone
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
pub mod body;
pub mod dialog;
pub mod endpoint;
#[cfg(feature = "capi")]
pub mod ffi;
pub mod log;
pub mod message;
pub mod resolve;
pub mod rng;
pub mod sdp;
pub mod transaction;
pub mod transport;
pub mod usage;

/// The README's examples, compiled and run as doctests so they stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

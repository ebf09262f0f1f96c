//! A simulated network for sans-IO SIP tests (in the spirit of quinn-proto's
//! `Pair`, str0m's netem and neqo's simulator nodes).
//!
//! * [`Net`] owns [`Node`]s (anything with `handle_datagram`,
//!   `handle_timeout`, `poll_timeout`, `poll_transmit`), routes datagrams by
//!   address over per-direction [`LinkConfig`]s (latency, jitter, loss,
//!   duplication, reordering, MTU), and runs in virtual time: it jumps to
//!   the earliest deadline among datagrams in flight and node timers.
//!   Every run is bounded in steps and panics instead of hanging.
//! * Every random choice comes from one seeded [`sansip::rng::Rng`]; nodes
//!   take seeds from [`Net::fork_seed`], so a seed replays a run exactly.
//! * Every datagram is in the [`Trace`] (offset, addresses, start line,
//!   fate, duplicate/reordered marks); a test that panics while its `Net`
//!   is alive prints the tail (`SIM_TRACE=all` for everything).
//! * [`TxNode`] puts a `TransactionLayer` and a transaction user ([`Tu`])
//!   on the net; [`Uac`] and [`Uas`] are scriptable TUs; [`RawPeer`] sends
//!   scripted bytes and records what arrives.
//! * [`Registrar`] is a registrar and stateful proxy for one domain (a
//!   `Tu`), with digest auth, GRUU, Path, Service-Route and scripted
//!   failures.
//!
//! ```ignore
//! mod support;
//! use support::*;
//! let mut net = Net::new(7);
//! let uas_seed = net.fork_seed();
//! let uas = net.add("uas", addr(2), TxNode::new(addr(2), TxConfig::default(), uas_seed,
//!     Uas::new(TimerConfig::default(), default_policy)));
//! // ... add a UAC, link them, schedule requests ...
//! net.run_until_idle(100_000);
//! ```

// Each test file compiles its own copy and uses part of it.
#![allow(dead_code, unreachable_pub, unused_imports)]

pub mod endpoint_node;
pub mod link;
pub mod net;
pub mod proxy;
pub mod raw_peer;
pub mod registrar;
pub mod trace;
pub mod tu;
pub mod tx_node;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

pub use endpoint_node::EpNode;
pub use link::{LinkConfig, LinkStats, Verdict};
pub use net::{Datagram, Net, Node, NodeHandle, NodeId, Stop};
pub use raw_peer::{RawPeer, Reply};
pub use registrar::{Binding, Registrar, RegistrarConfig, Scripted};
pub use trace::{Fate, Trace, TraceEntry};
pub use tu::{default_policy, reason, Answer, Outcome, Uac, Uas};
pub use tx_node::{Tu, TxNode, TxNodeStats};

/// `10.0.0.<host>:5060`.
pub fn addr(host: u8) -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, host)), 5060)
}

//! The C ABI's cost in instructions, for `valgrind --tool=callgrind`
//! (counts instructions, so the number repeats whatever else the machine
//! does): `N` incoming-MESSAGE cycles through the Rust API (`rust`) or the
//! C ABI (`c`). See `benches/capi_overhead.rs` for the timed version.
//!
//! ```text
//! cargo build --release --features capi --example capi_overhead
//! valgrind --tool=callgrind target/release/examples/capi_overhead rust 20000
//! valgrind --tool=callgrind target/release/examples/capi_overhead c 20000
//! ```

#![allow(unsafe_code)] // calling the C ABI, as a C host would

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sansip::endpoint::Input;
use sansip::ffi::*;
use sansip::transport::{FlowId, Transport};

#[path = "../benches/capi/shared.rs"]
mod shared;
use shared::*;

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "rust".into());
    let n: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    #[allow(clippy::disallowed_methods)] // the origin of virtual time
    let t0 = Instant::now();
    if which == "c" {
        let ep = c_endpoint();
        let (source, destination) = (c_addr(PEER), c_addr(LOCAL));
        let mut now_us = 0u64;
        for k in 1..=n {
            let msg = message(k);
            // SAFETY: a live endpoint, valid addresses and buffer.
            unsafe {
                let r = sansip_endpoint_receive(
                    ep,
                    now_us,
                    0,
                    1,
                    &source,
                    &destination,
                    msg.as_ptr(),
                    msg.len(),
                );
                assert_eq!(r, sansip_result::Ok);
            }
            c_drain(ep);
            now_us += 33_000_000;
            // SAFETY: a live endpoint.
            unsafe {
                assert_eq!(
                    sansip_endpoint_handle_timeout(ep, now_us),
                    sansip_result::Ok
                );
            }
            c_drain(ep);
        }
        // SAFETY: the endpoint from c_endpoint, freed once.
        unsafe { sansip_endpoint_free(ep) };
    } else {
        let mut ep = rust_endpoint(t0);
        let mut now = t0;
        for k in 1..=n {
            ep.handle_input(
                now,
                Input::Receive {
                    transport: Transport::Udp,
                    flow: FlowId(1),
                    source: SocketAddr::from(PEER),
                    destination: SocketAddr::from(LOCAL),
                    data: Bytes::from(message(k)),
                },
            );
            rust_drain(&mut ep);
            now += Duration::from_secs(33);
            ep.handle_timeout(now);
            rust_drain(&mut ep);
        }
    }
    println!("{which}: {n} cycles");
}

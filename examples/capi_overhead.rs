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

use std::hint::black_box;
use std::net::SocketAddr;
use std::ptr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sansip::endpoint::{Config, Endpoint, Input, LocalAddr, Output};
use sansip::ffi::*;
use sansip::transport::{FlowId, Transport};

const LOCAL: ([u8; 4], u16) = ([192, 0, 2, 1], 5060);
const PEER: ([u8; 4], u16) = ([192, 0, 2, 9], 5060);

fn message(n: u64) -> String {
    format!(
        "MESSAGE sip:alice@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK{n}\r\n\
         Max-Forwards: 70\r\nFrom: <sip:bob@192.0.2.9>;tag=b{n}\r\nTo: <sip:alice@192.0.2.9>\r\n\
         Call-ID: m{n}@192.0.2.9\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"
    )
}

fn c_addr((ip, port): ([u8; 4], u16)) -> sansip_addr {
    let mut addr = [0u8; 16];
    addr[..4].copy_from_slice(&ip);
    sansip_addr {
        family: SANSIP_FAMILY_IPV4,
        scope_id: 0,
        addr,
        port,
    }
}

fn rust_endpoint(now: Instant) -> Endpoint {
    let mut c = Config::new("sip:alice@192.0.2.9");
    c.local.push(LocalAddr {
        transport: Transport::Udp,
        addr: SocketAddr::from(LOCAL),
    });
    c.seed = 1;
    Endpoint::new(c, now).expect("config")
}

fn rust_drain(ep: &mut Endpoint) {
    loop {
        match ep.poll_output() {
            Output::Timeout(_) => return,
            other => {
                black_box(other);
            }
        }
    }
}

/// A C-side endpoint: config, then endpoint, as a C host builds it.
fn c_endpoint() -> *mut sansip_endpoint {
    let aor = b"sip:alice@192.0.2.9";
    let mut cfg = ptr::null_mut();
    let mut ep = ptr::null_mut();
    // SAFETY: valid buffers and out-pointers, as the header documents.
    unsafe {
        assert_eq!(
            sansip_config_new(aor.as_ptr(), aor.len(), &mut cfg),
            sansip_result::Ok
        );
        let local = c_addr(LOCAL);
        assert_eq!(sansip_config_add_local(cfg, 0, &local), sansip_result::Ok);
        assert_eq!(sansip_config_set_seed(cfg, 1), sansip_result::Ok);
        assert_eq!(sansip_endpoint_new(cfg, 0, &mut ep), sansip_result::Ok);
        sansip_config_free(cfg);
    }
    ep
}

fn c_drain(ep: *mut sansip_endpoint) {
    let mut out = std::mem::MaybeUninit::<sansip_output>::uninit();
    loop {
        // SAFETY: a live endpoint; poll_output writes the whole struct on
        // success, after which it is initialized.
        let out = unsafe {
            assert_eq!(
                sansip_endpoint_poll_output(ep, out.as_mut_ptr()),
                sansip_result::Ok
            );
            out.assume_init_ref()
        };
        if out.kind == sansip_output_kind::Timeout {
            return;
        }
        black_box(out);
    }
}

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

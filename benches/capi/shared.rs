//! The incoming-MESSAGE cycle's pieces that `benches/capi_overhead.rs`
//! and `examples/capi_overhead.rs` share: the message, the two endpoints
//! (Rust and C) and their draining.

#![allow(unsafe_code, dead_code, unreachable_pub)] // calling the C ABI, as a C host would

use std::hint::black_box;
use std::net::SocketAddr;
use std::ptr;
use std::time::Instant;

use sansip::endpoint::{Config, Endpoint, LocalAddr, Output};
use sansip::ffi::*;
use sansip::transport::Transport;

pub const LOCAL: ([u8; 4], u16) = ([192, 0, 2, 1], 5060);
pub const PEER: ([u8; 4], u16) = ([192, 0, 2, 9], 5060);

pub fn message(n: u64) -> String {
    format!(
        "MESSAGE sip:alice@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK{n}\r\n\
         Max-Forwards: 70\r\nFrom: <sip:bob@192.0.2.9>;tag=b{n}\r\nTo: <sip:alice@192.0.2.9>\r\n\
         Call-ID: m{n}@192.0.2.9\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"
    )
}

pub fn c_addr((ip, port): ([u8; 4], u16)) -> sansip_addr {
    let mut addr = [0u8; 16];
    addr[..4].copy_from_slice(&ip);
    sansip_addr {
        family: SANSIP_FAMILY_IPV4,
        scope_id: 0,
        addr,
        port,
    }
}

pub fn rust_endpoint(now: Instant) -> Endpoint {
    let mut c = Config::new("sip:alice@192.0.2.9");
    c.local.push(LocalAddr {
        transport: Transport::Udp,
        addr: SocketAddr::from(LOCAL),
    });
    c.seed = 1;
    Endpoint::new(c, now).expect("config")
}

pub fn rust_drain(ep: &mut Endpoint) {
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
pub fn c_endpoint() -> *mut sansip_endpoint {
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

pub fn c_drain(ep: *mut sansip_endpoint) {
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

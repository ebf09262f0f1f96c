//! What the C ABI costs on top of the Rust API (issue 6 asks under 5 %):
//! the same job, a MESSAGE received, dispatched, answered 200, reported,
//! and its transaction ended by Timer J, driven once through
//! `sansip::endpoint::Endpoint` and once through the `sansip_endpoint_*`
//! entry points a C host calls (panic boundary, handle checks, address and
//! slice conversions, the tagged `sansip_output`).
//!
//! `cargo bench --features capi --bench capi_overhead`

#![allow(unsafe_code)] // calling the C ABI, as a C host would

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sansip::endpoint::Input;
use sansip::ffi::*;
use sansip::transport::{FlowId, Transport};

#[path = "capi/shared.rs"]
mod shared;
use shared::*;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("capi_overhead");
    g.throughput(Throughput::Elements(1));

    #[allow(clippy::disallowed_methods)] // the origin of virtual time
    let t0 = Instant::now();
    let mut ep = rust_endpoint(t0);
    let mut now = t0;
    let mut n = 0u64;
    g.bench_function("rust/incoming_message", |b| {
        b.iter(|| {
            n += 1;
            ep.handle_input(
                now,
                Input::Receive {
                    transport: Transport::Udp,
                    flow: FlowId(1),
                    source: SocketAddr::from(PEER),
                    destination: SocketAddr::from(LOCAL),
                    data: Bytes::from(message(n)),
                },
            );
            rust_drain(&mut ep);
            now += Duration::from_secs(33);
            ep.handle_timeout(now);
            rust_drain(&mut ep);
        })
    });

    let ep = c_endpoint();
    let (source, destination) = (c_addr(PEER), c_addr(LOCAL));
    let mut now_us = 0u64;
    let mut n = 0u64;
    g.bench_function("c_abi/incoming_message", |b| {
        b.iter(|| {
            n += 1;
            let msg = message(n);
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
        })
    });
    // SAFETY: the endpoint from c_endpoint, freed once.
    unsafe { sansip_endpoint_free(ep) };
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

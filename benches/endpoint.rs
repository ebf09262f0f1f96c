//! Endpoint benchmarks, in process and in virtual time.
//!
//! `cargo bench --bench endpoint` reports:
//! - `endpoint/incoming_message`: a MESSAGE received over UDP, dispatched,
//!   answered 200 and reported as an event (parse, transaction, response
//!   build, event), with Timer J run so the transaction ends;
//! - `endpoint/outgoing_message`: `message()` to a numeric target, its 200
//!   fed back, `MessageDelivered` drained, Timer K run;
//! - `endpoint/register_refresh`: one registration refresh cycle (the
//!   refresh timer fires, the REGISTER leaves, its 200 comes back).

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sansip::endpoint::{Config, Endpoint, Input, LocalAddr, Output, RegisterOptions};
use sansip::message::{HeaderName, Message, ResponseBuilder};
use sansip::transport::{FlowId, Transport};

fn local() -> SocketAddr {
    SocketAddr::from(([192, 0, 2, 1], 5060))
}

fn peer() -> SocketAddr {
    SocketAddr::from(([192, 0, 2, 9], 5060))
}

fn endpoint(now: Instant) -> Endpoint {
    let mut c = Config::new("sip:alice@192.0.2.9");
    c.local.push(LocalAddr {
        transport: Transport::Udp,
        addr: local(),
    });
    c.seed = 1;
    Endpoint::new(c, now).expect("config")
}

/// Drains outputs; returns the last datagram sent.
fn drain(ep: &mut Endpoint) -> Option<Bytes> {
    let mut last = None;
    loop {
        match ep.poll_output() {
            Output::Transmit(t) => last = Some(t.data),
            Output::Timeout(_) => return last,
            other => {
                black_box(other);
            }
        }
    }
}

fn receive(ep: &mut Endpoint, now: Instant, data: Bytes) {
    ep.handle_input(
        now,
        Input::Receive {
            transport: Transport::Udp,
            flow: FlowId(1),
            source: peer(),
            destination: local(),
            data,
        },
    );
}

fn ok_for(request: &Bytes, extra: &[(&str, &str)]) -> Bytes {
    let req = Message::parse(request.clone()).expect("ours");
    let to = format!(
        "{};tag=r1",
        String::from_utf8_lossy(req.raw(HeaderName::To).expect("To"))
    );
    let mut b = ResponseBuilder::new(200, "OK")
        .copy_headers(&req, &[HeaderName::Via, HeaderName::From])
        .raw_header("To", to.as_bytes())
        .copy_headers(&req, &[HeaderName::CallId, HeaderName::CSeq]);
    for (n, v) in extra {
        b = b.raw_header(n, v.as_bytes());
    }
    b.build().expect("response").to_bytes()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("endpoint");
    g.throughput(Throughput::Elements(1));
    #[allow(clippy::disallowed_methods)] // the origin of virtual time
    let t0 = Instant::now();

    let mut ep = endpoint(t0);
    let mut now = t0;
    let mut n = 0u64;
    g.bench_function("incoming_message", |b| {
        b.iter(|| {
            n += 1;
            let msg = format!(
                "MESSAGE sip:alice@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK{n}\r\n\
                 Max-Forwards: 70\r\nFrom: <sip:bob@192.0.2.9>;tag=b{n}\r\nTo: <sip:alice@192.0.2.9>\r\n\
                 Call-ID: m{n}@192.0.2.9\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"
            );
            receive(&mut ep, now, Bytes::from(msg));
            black_box(drain(&mut ep));
            now += Duration::from_secs(33);
            ep.handle_timeout(now);
            drain(&mut ep);
        })
    });

    let mut ep = endpoint(t0);
    let mut now = t0;
    g.bench_function("outgoing_message", |b| {
        b.iter(|| {
            ep.message(now, "sip:bob@192.0.2.9", "text/plain", "hello", &[])
                .expect("target");
            let sent = drain(&mut ep).expect("the MESSAGE");
            receive(&mut ep, now, ok_for(&sent, &[]));
            drain(&mut ep);
            now += Duration::from_secs(6);
            ep.handle_timeout(now);
            drain(&mut ep);
        })
    });

    let mut ep = endpoint(t0);
    let mut now = t0;
    ep.register(now, RegisterOptions::default())
        .expect("register");
    let first = drain(&mut ep).expect("REGISTER");
    receive(&mut ep, now, ok_for(&first, &[("Expires", "600")]));
    drain(&mut ep);
    g.bench_function("register_refresh", |b| {
        b.iter(|| {
            now += Duration::from_secs(540);
            ep.handle_timeout(now);
            let sent = drain(&mut ep).expect("the refresh");
            receive(&mut ep, now, ok_for(&sent, &[("Expires", "600")]));
            drain(&mut ep);
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

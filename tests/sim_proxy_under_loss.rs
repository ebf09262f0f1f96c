//! A call through a registrar and record-routing proxy (RFC 3261 §16,
//! loose routing), on perfect links and under 20 % loss: both register,
//! alice calls bob by his AOR, bob answers, alice holds and resumes by
//! re-INVITE, bob hangs up. Every request inside the dialog (ACK,
//! re-INVITEs, BYE) goes through the proxy with the Route it asked for.

mod support;

use std::time::Duration;

use bytes::Bytes;
use sansip::endpoint::{EndReason, Event, InviteOptions, RegisterOptions};
use sansip::message::HeaderName;
use support::{addr, EpNode, LinkConfig, Net, NodeHandle, Registrar, RegistrarConfig};

const STEPS: u64 = 400_000;
const OFFER: &str = "v=0\r\no=alice 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
const ANSWER: &str = "v=0\r\no=bob 1 1 IN IP4 10.0.0.3\r\ns=-\r\nc=IN IP4 10.0.0.3\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n";

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn events(net: &Net, who: NodeHandle<EpNode>) -> Vec<Event> {
    net.node(who).event_list()
}

/// Runs until `done`, at most 32 s (one exchange beating loss).
fn wait(net: &mut Net, what: &str, done: impl Fn(&Net) -> bool) {
    let end = net.now() + secs(32);
    while !done(net) && net.now() < end {
        net.run_for(Duration::from_millis(50), STEPS);
    }
    assert!(done(net), "{what}\n{}", net.report(80));
}

fn call_through_proxy(seed: u64, link: LinkConfig) {
    let mut net = Net::new(seed);
    net.set_default_link(link);
    let cfg = RegistrarConfig::new("example.com", addr(1))
        .auth(false)
        .record_route(true);
    let s = net.fork_seed();
    let proxy = net.add("proxy", addr(1), Registrar::node(cfg, s));
    let start = net.now();
    let node = |net: &mut Net, name: &str, host: u8| {
        let s = net.fork_seed();
        net.add(
            name,
            addr(host),
            EpNode::new(
                &format!("sip:{name}@example.com"),
                addr(host),
                s,
                start,
                |c| {
                    c.outbound_proxy = Some("sip:10.0.0.1:5060".into());
                },
            ),
        )
    };
    let alice = node(&mut net, "alice", 2);
    let bob = node(&mut net, "bob", 3);
    for h in [alice, bob] {
        net.with(h, |n, now| {
            n.ep.register(now, RegisterOptions::default()).unwrap();
            n.drain(now);
        });
    }
    net.run_for(secs(10), STEPS);
    net.print_trace_on_panic(true);

    let a = net.with(alice, |n, now| {
        let id =
            n.ep.invite(
                now,
                "sip:bob@example.com",
                InviteOptions {
                    sdp: Some(Bytes::from_static(OFFER.as_bytes())),
                    ..Default::default()
                },
            )
            .unwrap();
        n.drain(now);
        id
    });
    wait(&mut net, "bob rings", |net| {
        events(net, bob)
            .iter()
            .any(|e| matches!(e, Event::IncomingCall { .. }))
    });
    let b = events(&net, bob)
        .into_iter()
        .find_map(|e| match e {
            Event::IncomingCall { session, .. } => Some(session),
            _ => None,
        })
        .unwrap();
    net.with(bob, |n, now| {
        n.ep.accept(now, b, Some(Bytes::from_static(ANSWER.as_bytes())))
            .unwrap();
        n.drain(now);
    });
    let up = |net: &Net| {
        [alice, bob].iter().all(|h| {
            events(net, *h)
                .iter()
                .any(|e| matches!(e, Event::CallAccepted { .. }))
        })
    };
    wait(&mut net, "the call is up on both sides", up);
    for hold in [true, false] {
        net.with(alice, |n, now| {
            if hold {
                n.ep.hold(now, a).unwrap()
            } else {
                n.ep.resume(now, a).unwrap()
            }
            n.drain(now);
        });
        let want = if hold { 1 } else { 2 };
        wait(&mut net, "the re-INVITE succeeds", |net| {
            events(net, alice)
                .iter()
                .filter(|e| matches!(e, Event::CallUpdated { .. }))
                .count()
                >= want
        });
        assert_eq!(net.node(alice).ep.is_on_hold(a), hold);
    }
    net.with(bob, |n, now| {
        n.ep.hangup(now, b).unwrap();
        n.drain(now);
    });
    let ended = |net: &Net, h| -> Vec<EndReason> {
        events(net, h)
            .into_iter()
            .filter_map(|e| match e {
                Event::CallEnded { reason, .. } => Some(reason),
                _ => None,
            })
            .collect()
    };
    wait(&mut net, "both ended", |net| {
        !ended(net, alice).is_empty() && !ended(net, bob).is_empty()
    });
    assert_eq!(ended(&net, alice), [EndReason::RemoteHangup]);
    assert_eq!(ended(&net, bob), [EndReason::LocalHangup]);
    // Everything in the dialog went through the proxy, with its Route.
    let r = &net.node(proxy).tu;
    for method in ["ACK", "BYE"] {
        let seen = r.requests_of(method);
        assert!(!seen.is_empty(), "{method} through the proxy");
        assert!(seen
            .iter()
            .all(|(_, m)| m.raw(HeaderName::Route) == Some(&b"<sip:10.0.0.1:5060;lr>"[..])));
    }
    let reinvites = r
        .requests_of("INVITE")
        .into_iter()
        .filter(|(_, m)| m.raw(HeaderName::Route).is_some())
        .count();
    assert!(reinvites >= 2, "hold and resume through the proxy");
    net.run_for(secs(90), STEPS);
    for h in [alice, bob] {
        assert_eq!(net.node(h).ep.calls(), 0);
        assert_eq!(net.node(h).ep.transactions(), 0);
    }
}

#[test]
fn a_call_through_a_record_routing_proxy() {
    call_through_proxy(81, LinkConfig::ideal(Duration::from_millis(10)));
}

#[test]
fn a_call_through_a_record_routing_proxy_under_twenty_percent_loss() {
    call_through_proxy(82, LinkConfig::ideal(Duration::from_millis(10)).loss(0.2));
}

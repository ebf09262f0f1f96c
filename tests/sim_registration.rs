//! Endpoints against the test registrar/proxy on the simulated network
//! (links with 10 ms latency, virtual time): registration with MD5 and
//! SHA-256 challenges, stale nonces, 423, refresh timing, unregister, a
//! wrong password, GRUU, Path, Service-Route, and MESSAGE across the proxy,
//! delivered or timed out.

mod support;

use std::time::Duration;

use sansip::auth::UserCredentials;
use sansip::endpoint::{Config, Event, Failure, RegisterOptions, RegistrationState};
use sansip::message::headers::Algorithm;
use sansip::message::HeaderName;
use support::{addr, EpNode, LinkConfig, Net, NodeHandle, Registrar, RegistrarConfig, TxNode};

const STEPS: u64 = 200_000;
const INSTANCE: &str = "urn:uuid:00000000-0000-1000-8000-000a95a0e128";

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

struct World {
    net: Net,
    registrar: NodeHandle<TxNode<Registrar>>,
    alice: NodeHandle<EpNode>,
}

/// Registrar at 10.0.0.1 (domain example.com, users alice and bob with
/// password "secret"), alice at 10.0.0.2 using it as outbound proxy.
fn world(
    reg: impl FnOnce(RegistrarConfig) -> RegistrarConfig,
    alice: impl FnOnce(&mut Config),
) -> World {
    let mut net = Net::new(11);
    net.set_default_link(LinkConfig::ideal(ms(10)));
    let cfg = reg(RegistrarConfig::new("example.com", addr(1))
        .user("alice", "secret")
        .user("bob", "secret"));
    let seed = net.fork_seed();
    let registrar = net.add("registrar", addr(1), Registrar::node(cfg, seed));
    let seed = net.fork_seed();
    let start = net.now();
    let alice = net.add(
        "alice",
        addr(2),
        EpNode::new("sip:alice@example.com", addr(2), seed, start, |c| {
            c.outbound_proxy = Some("sip:10.0.0.1:5060".into());
            c.credentials
                .set_default(UserCredentials::password("alice", "secret"));
            alice(c);
        }),
    );
    World {
        net,
        registrar,
        alice,
    }
}

fn register(w: &mut World, options: RegisterOptions) -> sansip::endpoint::RegistrationId {
    let id = w.net.with(w.alice, |n, now| {
        let id = n.ep.register(now, options).expect("register");
        n.drain(now);
        id
    });
    w.net.run_for(ms(500), STEPS);
    id
}

fn events(w: &World) -> Vec<Event> {
    w.net.node(w.alice).event_list()
}

fn registered(w: &World) -> usize {
    events(w)
        .iter()
        .filter(|e| matches!(e, Event::Registered { .. }))
        .count()
}

fn auth_algorithm(w: &World, index: usize) -> String {
    let reqs = w.net.node(w.registrar).tu.requests_of("REGISTER");
    let auth = reqs[index]
        .1
        .raw(HeaderName::Authorization)
        .expect("credentials");
    let auth = String::from_utf8_lossy(auth).into_owned();
    auth.split("algorithm=")
        .nth(1)
        .expect("algorithm")
        .split(',')
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn register_with_an_md5_challenge() {
    let mut w = world(|r| r.algorithms(&[Algorithm::Md5]), |_| {});
    let id = register(&mut w, RegisterOptions::default());
    assert!(
        matches!(events(&w)[..], [Event::Registered { id: i, expires: 600, .. }] if i == id),
        "{:?}",
        events(&w)
    );
    let r = &w.net.node(w.registrar).tu;
    assert_eq!(r.statuses("REGISTER"), vec![401, 200]);
    assert_eq!(auth_algorithm(&w, 1), "MD5");
    let now = w.net.now();
    let b = w
        .net
        .node(w.registrar)
        .tu
        .bindings("sip:alice@example.com", now);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].contact, "sip:alice@10.0.0.2:5060");
}

#[test]
fn register_with_sha_256_offered_beside_md5() {
    let mut w = world(
        |r| r.algorithms(&[Algorithm::Md5, Algorithm::Sha256]),
        |_| {},
    );
    register(&mut w, RegisterOptions::default());
    assert_eq!(registered(&w), 1);
    assert_eq!(auth_algorithm(&w, 1), "SHA-256");
}

#[test]
fn a_stale_nonce_on_refresh_is_answered_without_a_failure() {
    let mut w = world(|r| r.stale_after_uses(1), |_| {});
    register(
        &mut w,
        RegisterOptions {
            expires: 120,
            ..RegisterOptions::default()
        },
    );
    w.net.run_for(Duration::from_secs(120), STEPS);
    let r = &w.net.node(w.registrar).tu;
    // 401, 200; then the refresh with the old nonce: 401 stale, 200.
    assert_eq!(r.statuses("REGISTER"), vec![401, 200, 401, 200]);
    assert_eq!(registered(&w), 2);
    assert!(!events(&w)
        .iter()
        .any(|e| matches!(e, Event::RegistrationFailed { .. })));
}

#[test]
fn interval_too_brief_then_success_with_min_expires() {
    let mut w = world(|r| r.auth(false).expires_range(900, 7200), |_| {});
    register(
        &mut w,
        RegisterOptions {
            expires: 300,
            ..RegisterOptions::default()
        },
    );
    assert_eq!(
        w.net.node(w.registrar).tu.statuses("REGISTER"),
        vec![423, 200]
    );
    assert!(
        matches!(events(&w)[..], [Event::Registered { expires: 900, .. }]),
        "{:?}",
        events(&w)
    );
}

#[test]
fn the_refresh_leaves_exactly_at_nine_tenths_of_the_grant() {
    let mut w = world(|r| r.auth(false), |_| {});
    register(
        &mut w,
        RegisterOptions {
            expires: 1000,
            ..RegisterOptions::default()
        },
    );
    w.net.run_for(Duration::from_secs(1000), STEPS);
    let start = w.net.start();
    let r = &w.net.node(w.registrar).tu;
    let arrivals: Vec<Duration> = r
        .requests_of("REGISTER")
        .iter()
        .map(|(t, _)| *t - start)
        .collect();
    // Sent at 0, arrives at 10 ms; the 200 arrives back at 20 ms; the
    // refresh leaves 900 s later and arrives 10 ms after that.
    assert_eq!(arrivals, vec![ms(10), ms(900_030)]);
    let (at, _) = w.net.node(w.alice).events[0];
    assert_eq!(at - start, ms(20));
}

#[test]
fn unregister_removes_the_binding() {
    let mut w = world(|r| r, |_| {});
    let id = register(&mut w, RegisterOptions::default());
    w.net.with(w.alice, |n, now| {
        n.ep.unregister(now, id, false).unwrap();
        n.drain(now);
    });
    w.net.run_for(ms(500), STEPS);
    assert_eq!(events(&w).last(), Some(&Event::Unregistered { id }));
    let now = w.net.now();
    assert!(w
        .net
        .node(w.registrar)
        .tu
        .bindings("sip:alice@example.com", now)
        .is_empty());
    assert_eq!(w.net.node(w.alice).ep.registration(id), None);
}

#[test]
fn a_wrong_password_fails_after_a_bounded_number_of_registers() {
    let mut w = world(
        |r| r,
        |c| {
            c.credentials
                .set_default(UserCredentials::password("alice", "wrong"));
        },
    );
    let id = register(&mut w, RegisterOptions::default());
    w.net.run_for(Duration::from_secs(3600), STEPS);
    assert_eq!(w.net.node(w.registrar).tu.count("REGISTER"), 2);
    assert!(
        matches!(events(&w)[..], [Event::RegistrationFailed { id: i, status: Some(401), retry_after: None, .. }] if i == id),
        "{:?}",
        events(&w)
    );
    assert_eq!(
        w.net.node(w.alice).ep.registration(id),
        Some(RegistrationState::Failed)
    );
}

#[test]
fn gruu_from_the_200_is_reported() {
    let mut w = world(|r| r, |c| c.instance_id = Some(INSTANCE.into()));
    let id = register(&mut w, RegisterOptions::default());
    let ev = events(&w);
    let [Event::Registered { gruu: Some(g), .. }] = &ev[..] else {
        panic!("{ev:?}");
    };
    assert_eq!(
        g.public.as_deref(),
        Some(&*format!("sip:alice@example.com;gr={INSTANCE}"))
    );
    assert!(g.temporary.as_deref().is_some_and(|t| t.ends_with(";gr")));
    assert_eq!(w.net.node(w.alice).ep.gruu(id), Some(g));
    let now = w.net.now();
    let b = &w
        .net
        .node(w.registrar)
        .tu
        .bindings("sip:alice@example.com", now)[0];
    assert_eq!(
        (b.instance.as_deref(), b.reg_id),
        (Some(&*format!("<{INSTANCE}>")), Some(1))
    );
}

#[test]
fn a_path_added_on_the_way_is_kept_by_the_registrar() {
    // An edge proxy would add Path; here the REGISTER carries one, as if
    // it had (the UA says `Supported: path`, so the registrar echoes it).
    let mut w = world(|r| r.auth(false), |_| {});
    register(
        &mut w,
        RegisterOptions {
            extra_headers: vec![("Path".into(), "<sip:edge.example.com;lr>".into())],
            ..RegisterOptions::default()
        },
    );
    assert_eq!(registered(&w), 1);
    let now = w.net.now();
    let b = &w
        .net
        .node(w.registrar)
        .tu
        .bindings("sip:alice@example.com", now)[0];
    assert_eq!(b.path, vec!["<sip:edge.example.com;lr>".to_owned()]);
}

#[test]
fn the_service_route_is_used_for_the_next_request() {
    let mut w = world(
        |r| r.auth(false).service_route("<sip:orig@10.0.0.1:5060;lr>"),
        |_| {},
    );
    register(&mut w, RegisterOptions::default());
    w.net.with(w.alice, |n, now| {
        n.ep.message(now, "sip:bob@example.com", "text/plain", "hi", &[])
            .unwrap();
        n.drain(now);
    });
    w.net.run_for(ms(500), STEPS);
    let r = &w.net.node(w.registrar).tu;
    let msgs = r.requests_of("MESSAGE");
    assert_eq!(msgs.len(), 1);
    assert_eq!(
        msgs[0].1.raw(HeaderName::Route),
        Some(&b"<sip:orig@10.0.0.1:5060;lr>"[..])
    );
}

fn with_bob(w: &mut World) -> NodeHandle<EpNode> {
    let seed = w.net.fork_seed();
    let start = w.net.now();
    let bob = w.net.add(
        "bob",
        addr(3),
        EpNode::new("sip:bob@example.com", addr(3), seed, start, |c| {
            c.outbound_proxy = Some("sip:10.0.0.1:5060".into());
            c.credentials
                .set_default(UserCredentials::password("bob", "secret"));
        }),
    );
    w.net.with(bob, |n, now| {
        n.ep.register(now, RegisterOptions::default()).unwrap();
        n.drain(now);
    });
    w.net.run_for(ms(500), STEPS);
    assert!(matches!(
        w.net.node(bob).event_list()[..],
        [Event::Registered { .. }]
    ));
    bob
}

#[test]
fn a_message_is_delivered_across_the_proxy() {
    let mut w = world(|r| r, |_| {});
    register(&mut w, RegisterOptions::default());
    let bob = with_bob(&mut w);
    let id = w.net.with(w.alice, |n, now| {
        let id =
            n.ep.message(now, "sip:bob@example.com", "text/plain", "hello bob", &[])
                .unwrap();
        n.drain(now);
        id
    });
    w.net.run_for(ms(500), STEPS);
    let got = w.net.node(bob).event_list();
    assert!(
        matches!(&got[1..], [Event::Message { from, content_type, body, .. }]
            if from == "sip:alice@example.com" && content_type == "text/plain" && &body[..] == b"hello bob"),
        "{got:?}"
    );
    assert_eq!(
        events(&w).last(),
        Some(&Event::MessageDelivered { id, status: 200 })
    );
    assert_eq!(w.net.node(w.alice).ep.messages_in_flight(), 0);
}

#[test]
fn a_message_nobody_answers_fails_after_timer_f() {
    let mut w = world(|r| r.auth(false), |_| {});
    register(&mut w, RegisterOptions::default());
    // The proxy becomes unreachable.
    w.net
        .link_one_way(w.alice, w.registrar, LinkConfig::ideal(ms(10)).loss(1.0));
    let sent_at = w.net.now();
    let id = w.net.with(w.alice, |n, now| {
        let id =
            n.ep.message(now, "sip:bob@example.com", "text/plain", "anyone?", &[])
                .unwrap();
        n.drain(now);
        id
    });
    w.net.run_for(Duration::from_secs(40), STEPS);
    let (at, last) = w.net.node(w.alice).events.last().cloned().unwrap();
    assert_eq!(
        last,
        Event::MessageFailed {
            id,
            failure: Failure::Timeout
        }
    );
    assert_eq!(at - sent_at, Duration::from_secs(32), "Timer F = 64·T1");
}

#[test]
fn under_thirty_percent_loss_every_message_gets_an_outcome_and_most_are_delivered() {
    let mut w = world(|r| r.auth(false), |_| {});
    register(&mut w, RegisterOptions::default());
    let bob = with_bob(&mut w);
    let lossy = LinkConfig::ideal(ms(10)).loss(0.3);
    w.net.link(w.alice, w.registrar, lossy.clone());
    w.net.link(bob, w.registrar, lossy);
    let mut ids = Vec::new();
    for k in 0..40 {
        let id = w.net.with(w.alice, |n, now| {
            let id =
                n.ep.message(
                    now,
                    "sip:bob@example.com",
                    "text/plain",
                    format!("m{k}"),
                    &[],
                )
                .unwrap();
            n.drain(now);
            id
        });
        ids.push(id);
        w.net.run_for(ms(100), STEPS);
    }
    w.net.run_for(Duration::from_secs(40), STEPS);
    let ev = events(&w);
    let mut delivered = 0;
    for id in &ids {
        let outcomes: Vec<&Event> = ev
            .iter()
            .filter(|e| matches!(e, Event::MessageDelivered { id: i, .. } | Event::MessageFailed { id: i, .. } if i == id))
            .collect();
        assert_eq!(
            outcomes.len(),
            1,
            "{id:?}: exactly one outcome, got {outcomes:?}"
        );
        delivered += usize::from(matches!(outcomes[0], Event::MessageDelivered { .. }));
    }
    // Retransmissions (Timer E) carry almost every MESSAGE through 30 %
    // loss on each of four legs; failures are reported, never silent.
    println!("{delivered} of 40 delivered");
    assert!(delivered >= 36, "{delivered} of 40 delivered");
    assert_eq!(w.net.node(w.alice).ep.messages_in_flight(), 0);
    // Bob saw each delivered text once (duplicates are absorbed).
    let texts: Vec<String> = w
        .net
        .node(bob)
        .event_list()
        .iter()
        .filter_map(|e| match e {
            Event::Message { body, .. } => Some(String::from_utf8_lossy(body).into_owned()),
            _ => None,
        })
        .collect();
    let mut unique = texts.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), texts.len(), "a MESSAGE reported twice");
}

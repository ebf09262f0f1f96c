//! Basic calls between Endpoints on the simulated network (10 ms links,
//! virtual time): INVITE/180/200/ACK/BYE both ways, rejection, CANCEL
//! after a provisional response and before any, the 2xx that is never
//! acknowledged, a call through a record-routing proxy, and a call under
//! 20 % loss. Every call ends with exactly one `CallEnded` on each side,
//! and both Endpoints end with no session, transaction or timer left.

mod support;

use std::time::Duration;

use bytes::Bytes;
use sansip::auth::UserCredentials;
use sansip::endpoint::{EndReason, Event, InviteOptions, RegisterOptions, SessionId};
use sansip::message::{HeaderName, Method};
use support::{addr, EpNode, LinkConfig, Net, NodeHandle, Registrar, RegistrarConfig};

const STEPS: u64 = 200_000;
const OFFER: &str = "v=0\r\no=alice 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
const ANSWER: &str = "v=0\r\no=bob 1 1 IN IP4 10.0.0.3\r\ns=-\r\nc=IN IP4 10.0.0.3\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

struct Pair {
    net: Net,
    alice: NodeHandle<EpNode>,
    bob: NodeHandle<EpNode>,
}

fn pair(link: LinkConfig) -> Pair {
    let mut net = Net::new(5);
    net.set_default_link(link);
    let start = net.now();
    let seed = net.fork_seed();
    let alice = net.add(
        "alice",
        addr(2),
        EpNode::new("sip:alice@10.0.0.2", addr(2), seed, start, |_| {}),
    );
    let seed = net.fork_seed();
    let bob = net.add(
        "bob",
        addr(3),
        EpNode::new("sip:bob@10.0.0.3", addr(3), seed, start, |_| {}),
    );
    Pair { net, alice, bob }
}

fn call(p: &mut Pair, target: &str) -> SessionId {
    let id = p.net.with(p.alice, |n, now| {
        let id =
            n.ep.invite(
                now,
                target,
                InviteOptions {
                    sdp: Some(Bytes::from_static(OFFER.as_bytes())),
                    ..InviteOptions::default()
                },
            )
            .unwrap();
        n.drain(now);
        id
    });
    p.net.run_for(ms(300), STEPS);
    id
}

/// Bob's incoming session, from his events.
fn incoming(p: &Pair) -> (SessionId, Option<Bytes>) {
    p.net
        .node(p.bob)
        .event_list()
        .into_iter()
        .find_map(|e| match e {
            Event::IncomingCall {
                session, sdp_offer, ..
            } => Some((session, sdp_offer)),
            _ => None,
        })
        .expect("bob was called")
}

fn ended(node: &EpNode) -> Vec<EndReason> {
    node.event_list()
        .into_iter()
        .filter_map(|e| match e {
            Event::CallEnded { reason, .. } => Some(reason),
            _ => None,
        })
        .collect()
}

fn act(
    net: &mut Net,
    who: NodeHandle<EpNode>,
    f: impl FnOnce(&mut sansip::endpoint::Endpoint, std::time::Instant),
) {
    net.with(who, |n, now| {
        f(&mut n.ep, now);
        n.drain(now);
    });
}

/// `who` answers its incoming call `session` with [`ANSWER`].
fn answer(net: &mut Net, who: NodeHandle<EpNode>, session: SessionId) {
    act(net, who, |ep, now| {
        ep.accept(now, session, Some(Bytes::from_static(ANSWER.as_bytes())))
            .unwrap()
    });
}

/// The statuses of the transfer progress `node` heard, in order.
fn transfer_statuses(node: &EpNode) -> Vec<u16> {
    node.event_list()
        .into_iter()
        .filter_map(|e| match e {
            Event::TransferProgress { status, .. } => Some(status),
            _ => None,
        })
        .collect()
}

/// Runs every timer out and checks nothing is left behind.
fn assert_clean(p: &mut Pair) {
    p.net.run_for(Duration::from_secs(60), STEPS);
    for h in [p.alice, p.bob] {
        let ep = &p.net.node(h).ep;
        assert_eq!(ep.transactions(), 0, "transactions left");
        assert_eq!(ep.timers_armed(), 0, "timers left");
    }
}

#[test]
fn alice_calls_bob_who_rings_answers_and_alice_hangs_up() {
    let mut p = pair(LinkConfig::ideal(ms(10)));
    let a = call(&mut p, "sip:bob@10.0.0.3:5060");
    let (b, offer) = incoming(&p);
    assert_eq!(offer.as_deref(), Some(OFFER.as_bytes()));
    act(&mut p.net, p.bob, |ep, now| {
        ep.progress(now, b, 180, None).unwrap()
    });
    p.net.run_for(ms(100), STEPS);
    answer(&mut p.net, p.bob, b);
    p.net.run_for(ms(100), STEPS);
    let alice_events = p.net.node(p.alice).event_list();
    assert!(alice_events
        .iter()
        .any(|e| matches!(e, Event::CallProgress { session, status: 180, .. } if *session == a)));
    assert!(
        alice_events.iter().any(|e| matches!(e, Event::CallAccepted { session, sdp: Some(s), fork: 1 } if *session == a && &s[..] == ANSWER.as_bytes())),
        "{alice_events:?}"
    );
    assert!(p
        .net
        .node(p.bob)
        .event_list()
        .iter()
        .any(|e| matches!(e, Event::CallAccepted { session, .. } if *session == b)));
    act(&mut p.net, p.alice, |ep, now| ep.hangup(now, a).unwrap());
    p.net.run_for(ms(100), STEPS);
    assert_eq!(ended(p.net.node(p.alice)), vec![EndReason::LocalHangup]);
    assert_eq!(ended(p.net.node(p.bob)), vec![EndReason::RemoteHangup]);
    // The wire: INVITE, 100, 180, 200, ACK, BYE, 200 in that order.
    let lines: Vec<String> = p
        .net
        .trace()
        .entries()
        .iter()
        .map(|e| e.first_line.clone())
        .collect();
    let starts: Vec<&str> = lines
        .iter()
        .map(|l| l.split(' ').next().unwrap_or(""))
        .collect();
    let kinds: Vec<String> = lines
        .iter()
        .zip(&starts)
        .map(|(l, s)| {
            if *s == "SIP/2.0" {
                l.split(' ').nth(1).unwrap_or("").to_owned()
            } else {
                (*s).to_owned()
            }
        })
        .collect();
    assert_eq!(
        kinds,
        ["INVITE", "100", "180", "200", "ACK", "BYE", "200"],
        "{lines:#?}"
    );
    assert_clean(&mut p);
}

#[test]
fn bob_hangs_up_a_call_he_answered() {
    let mut p = pair(LinkConfig::ideal(ms(10)));
    let _a = call(&mut p, "sip:bob@10.0.0.3:5060");
    let (b, _) = incoming(&p);
    answer(&mut p.net, p.bob, b);
    p.net.run_for(ms(100), STEPS);
    act(&mut p.net, p.bob, |ep, now| ep.hangup(now, b).unwrap());
    p.net.run_for(ms(100), STEPS);
    assert_eq!(ended(p.net.node(p.alice)), vec![EndReason::RemoteHangup]);
    assert_eq!(ended(p.net.node(p.bob)), vec![EndReason::LocalHangup]);
    assert_clean(&mut p);
}

#[test]
fn bob_rejects_with_486() {
    let mut p = pair(LinkConfig::ideal(ms(10)));
    let _a = call(&mut p, "sip:bob@10.0.0.3:5060");
    let (b, _) = incoming(&p);
    act(&mut p.net, p.bob, |ep, now| {
        ep.reject(now, b, 486, "Busy Here").unwrap()
    });
    p.net.run_for(ms(100), STEPS);
    assert_eq!(
        ended(p.net.node(p.alice)),
        vec![EndReason::Rejected {
            status: 486,
            reason: "Busy Here".into()
        }]
    );
    assert_eq!(
        ended(p.net.node(p.bob)),
        vec![EndReason::Declined { status: 486 }]
    );
    assert_clean(&mut p);
}

#[test]
fn alice_cancels_after_180() {
    let mut p = pair(LinkConfig::ideal(ms(10)));
    let a = call(&mut p, "sip:bob@10.0.0.3:5060");
    let (b, _) = incoming(&p);
    act(&mut p.net, p.bob, |ep, now| {
        ep.progress(now, b, 180, None).unwrap()
    });
    p.net.run_for(ms(100), STEPS);
    act(&mut p.net, p.alice, |ep, now| ep.hangup(now, a).unwrap());
    p.net.run_for(ms(200), STEPS);
    assert_eq!(ended(p.net.node(p.alice)), vec![EndReason::Cancelled]);
    assert_eq!(ended(p.net.node(p.bob)), vec![EndReason::CancelledByCaller]);
    // Bob cannot answer a cancelled call.
    p.net
        .with(p.bob, |n, now| assert!(n.ep.accept(now, b, None).is_err()));
    assert_clean(&mut p);
}

#[test]
fn a_hangup_before_any_provisional_response_waits_for_one_to_cancel() {
    let mut p = pair(LinkConfig::ideal(ms(10)));
    let a = p.net.with(p.alice, |n, now| {
        let id =
            n.ep.invite(now, "sip:bob@10.0.0.3:5060", InviteOptions::default())
                .unwrap();
        n.ep.hangup(now, id).unwrap(); // the INVITE has not even left
        n.drain(now);
        id
    });
    let _ = a;
    p.net.run_for(ms(1000), STEPS);
    // §9.1: the CANCEL left only after bob's 100 Trying.
    let lines: Vec<String> = p
        .net
        .trace()
        .entries()
        .iter()
        .map(|e| e.first_line.clone())
        .collect();
    let cancel = lines
        .iter()
        .position(|l| l.starts_with("CANCEL"))
        .expect("a CANCEL");
    let trying = lines
        .iter()
        .position(|l| l.starts_with("SIP/2.0 100"))
        .expect("a 100");
    assert!(trying < cancel, "{lines:#?}");
    assert_eq!(ended(p.net.node(p.alice)), vec![EndReason::Cancelled]);
    assert_eq!(ended(p.net.node(p.bob)), vec![EndReason::CancelledByCaller]);
    assert_clean(&mut p);
}

#[test]
fn a_call_completes_under_twenty_percent_loss() {
    let mut p = pair(LinkConfig::ideal(ms(10)).loss(0.2));
    let a = call(&mut p, "sip:bob@10.0.0.3:5060");
    p.net.run_for(Duration::from_secs(5), STEPS);
    let (b, _) = incoming(&p);
    answer(&mut p.net, p.bob, b);
    p.net.run_for(Duration::from_secs(10), STEPS);
    assert!(p
        .net
        .node(p.alice)
        .event_list()
        .iter()
        .any(|e| matches!(e, Event::CallAccepted { session, .. } if *session == a)));
    act(&mut p.net, p.alice, |ep, now| ep.hangup(now, a).unwrap());
    p.net.run_for(Duration::from_secs(40), STEPS);
    assert_eq!(ended(p.net.node(p.alice)), vec![EndReason::LocalHangup]);
    assert_eq!(
        ended(p.net.node(p.bob)).len(),
        1,
        "{:?}",
        ended(p.net.node(p.bob))
    );
    assert_clean(&mut p);
}

#[test]
fn a_call_through_a_record_routing_proxy_sends_ack_and_bye_through_it() {
    let mut net = Net::new(9);
    net.set_default_link(LinkConfig::ideal(ms(10)));
    let cfg = RegistrarConfig::new("example.com", addr(1))
        .auth(false)
        .record_route(true);
    let seed = net.fork_seed();
    let registrar = net.add("proxy", addr(1), Registrar::node(cfg, seed));
    let start = net.now();
    let node = |net: &mut Net, name: &str, host: u8| {
        let seed = net.fork_seed();
        net.add(
            name,
            addr(host),
            EpNode::new(
                &format!("sip:{name}@example.com"),
                addr(host),
                seed,
                start,
                |c| {
                    c.outbound_proxy = Some("sip:10.0.0.1:5060".into());
                    c.credentials
                        .set_default(UserCredentials::password(name, "x"));
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
    net.run_for(ms(300), STEPS);
    let mut p = Pair { net, alice, bob };
    let a = call(&mut p, "sip:bob@example.com");
    let (b, _) = incoming(&p);
    answer(&mut p.net, p.bob, b);
    p.net.run_for(ms(200), STEPS);
    act(&mut p.net, p.alice, |ep, now| ep.hangup(now, a).unwrap());
    p.net.run_for(ms(200), STEPS);
    assert_eq!(ended(p.net.node(p.alice)), vec![EndReason::LocalHangup]);
    assert_eq!(ended(p.net.node(p.bob)), vec![EndReason::RemoteHangup]);
    let r = &p.net.node(registrar).tu;
    // The proxy record-routed: the ACK and the BYE came back through it,
    // each with the Route it asked for.
    let bye = r.requests_of("BYE");
    assert_eq!(bye.len(), 1, "the BYE went through the proxy");
    assert_eq!(
        bye[0].1.raw(HeaderName::Route),
        Some(&b"<sip:10.0.0.1:5060;lr>"[..])
    );
    assert_eq!(r.requests_of("ACK").len(), 1);
    assert!(r
        .requests_of("INVITE")
        .iter()
        .all(|(_, m)| m.method() == Some(&Method::Invite)));
}

/// An established call alice → bob, with bob answering `answer`.
fn established(answer: Option<&'static str>) -> (Pair, SessionId, SessionId) {
    let mut p = pair(LinkConfig::ideal(ms(10)));
    let a = call(&mut p, "sip:bob@10.0.0.3:5060");
    let (b, _) = incoming(&p);
    act(&mut p.net, p.bob, |ep, now| {
        ep.accept(now, b, answer.map(|s| Bytes::from_static(s.as_bytes())))
            .unwrap()
    });
    p.net.run_for(ms(100), STEPS);
    (p, a, b)
}

fn updates(node: &EpNode) -> Vec<Option<String>> {
    node.event_list()
        .into_iter()
        .filter_map(|e| match e {
            Event::CallUpdated { sdp, .. } => {
                Some(sdp.map(|s| String::from_utf8_lossy(&s).into_owned()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn hold_and_resume_by_re_invite_flip_the_directions() {
    let (mut p, a, _b) = established(Some(ANSWER));
    act(&mut p.net, p.alice, |ep, now| ep.hold(now, a).unwrap());
    p.net.run_for(ms(200), STEPS);
    let bob_saw = updates(p.net.node(p.bob));
    assert_eq!(bob_saw.len(), 1);
    let offer = bob_saw[0].as_deref().expect("an offer");
    assert!(
        offer.contains("a=sendonly") && offer.contains("o=alice 1 2 "),
        "{offer}"
    );
    let alice_saw = updates(p.net.node(p.alice));
    let answer = alice_saw[0].as_deref().expect("an answer");
    assert!(
        answer.contains("a=recvonly") && answer.contains("o=bob 1 2 "),
        "{answer}"
    );
    assert!(p.net.node(p.alice).ep.is_on_hold(a));
    act(&mut p.net, p.alice, |ep, now| ep.resume(now, a).unwrap());
    p.net.run_for(ms(200), STEPS);
    let offer = updates(p.net.node(p.bob))[1].clone().expect("an offer");
    assert!(
        offer.contains("a=sendrecv") && offer.contains("o=alice 1 3 "),
        "{offer}"
    );
    assert!(!p.net.node(p.alice).ep.is_on_hold(a));
    act(&mut p.net, p.alice, |ep, now| ep.hangup(now, a).unwrap());
    assert_clean(&mut p);
}

#[test]
fn glare_on_both_sides_resolves_by_the_back_off_retry() {
    let (mut p, a, b) = established(Some(ANSWER));
    // Both re-INVITE at the same instant: each gets 491.
    act(&mut p.net, p.alice, |ep, now| ep.hold(now, a).unwrap());
    act(&mut p.net, p.bob, |ep, now| ep.hold(now, b).unwrap());
    p.net.run_for(Duration::from_secs(10), STEPS);
    let statuses: Vec<String> = p
        .net
        .trace()
        .entries()
        .iter()
        .map(|e| e.first_line.clone())
        .filter(|l| l.starts_with("SIP/2.0 491"))
        .collect();
    assert_eq!(statuses.len(), 2, "both sides saw glare");
    // Then both re-INVITEs went through, each side once on hold.
    assert!(p.net.node(p.alice).ep.is_on_hold(a));
    assert!(p.net.node(p.bob).ep.is_on_hold(b));
    for h in [p.alice, p.bob] {
        let failed = p
            .net
            .node(h)
            .event_list()
            .into_iter()
            .filter(|e| matches!(e, Event::CallUpdateFailed { .. }))
            .count();
        assert_eq!(failed, 0);
    }
    act(&mut p.net, p.alice, |ep, now| ep.hangup(now, a).unwrap());
    assert_clean(&mut p);
}

#[test]
fn dtmf_by_info_both_ways() {
    let (mut p, a, b) = established(Some(ANSWER));
    act(&mut p.net, p.alice, |ep, now| {
        ep.send_dtmf(now, a, "12#", 160).unwrap()
    });
    act(&mut p.net, p.bob, |ep, now| {
        ep.send_dtmf(now, b, "5", 100).unwrap()
    });
    p.net.run_for(ms(500), STEPS);
    let digits = |h: NodeHandle<EpNode>| -> Vec<(char, u32)> {
        p.net
            .node(h)
            .event_list()
            .into_iter()
            .filter_map(|e| match e {
                Event::Dtmf {
                    digit, duration_ms, ..
                } => Some((digit, duration_ms)),
                _ => None,
            })
            .collect()
    };
    assert_eq!(digits(p.bob), vec![('1', 160), ('2', 160), ('#', 160)]);
    assert_eq!(digits(p.alice), vec![('5', 100)]);
    act(&mut p.net, p.alice, |ep, now| ep.hangup(now, a).unwrap());
    assert_clean(&mut p);
}

#[test]
fn a_reliable_183_with_early_sdp_gets_a_prack_and_cseq_carries_on() {
    let mut p = pair(LinkConfig::ideal(ms(10)));
    let a = call(&mut p, "sip:bob@10.0.0.3:5060");
    let (b, _) = incoming(&p);
    act(&mut p.net, p.bob, |ep, now| {
        ep.progress_reliable(now, b, 183, Some(Bytes::from_static(ANSWER.as_bytes())))
            .unwrap()
    });
    p.net.run_for(Duration::from_secs(3), STEPS);
    let progress: Vec<Event> = p
        .net
        .node(p.alice)
        .event_list()
        .into_iter()
        .filter(|e| matches!(e, Event::CallProgress { status: 183, .. }))
        .collect();
    assert_eq!(progress.len(), 1, "{progress:?}");
    assert!(
        matches!(&progress[0], Event::CallProgress { sdp: Some(s), .. } if &s[..] == ANSWER.as_bytes())
    );
    let lines: Vec<String> = p
        .net
        .trace()
        .entries()
        .iter()
        .map(|e| e.first_line.clone())
        .collect();
    // The PRACK stopped the retransmissions: one 183 in 3 s.
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("SIP/2.0 183"))
            .count(),
        1,
        "{lines:#?}"
    );
    assert_eq!(lines.iter().filter(|l| l.starts_with("PRACK")).count(), 1);
    answer(&mut p.net, p.bob, b);
    p.net.run_for(ms(100), STEPS);
    act(&mut p.net, p.alice, |ep, now| ep.hangup(now, a).unwrap());
    p.net.run_for(ms(100), STEPS);
    assert_eq!(ended(p.net.node(p.alice)), vec![EndReason::LocalHangup]);
    assert_eq!(
        ended(p.net.node(p.bob)),
        vec![EndReason::RemoteHangup],
        "the BYE's CSeq came after the PRACK's"
    );
    assert_clean(&mut p);
}

#[test]
fn a_reliable_180_is_resent_until_pracked_under_loss() {
    let mut p = pair(LinkConfig::ideal(ms(10)).loss(0.3));
    let a = call(&mut p, "sip:bob@10.0.0.3:5060");
    p.net.run_for(Duration::from_secs(5), STEPS);
    let (b, _) = incoming(&p);
    act(&mut p.net, p.bob, |ep, now| {
        ep.progress_reliable(now, b, 180, None).unwrap()
    });
    p.net.run_for(Duration::from_secs(20), STEPS);
    let rings = p
        .net
        .node(p.alice)
        .event_list()
        .into_iter()
        .filter(|e| matches!(e, Event::CallProgress { status: 180, .. }))
        .count();
    assert_eq!(rings, 1, "one 180 reported however often it was resent");
    act(&mut p.net, p.alice, |ep, now| ep.hangup(now, a).unwrap());
    p.net.run_for(Duration::from_secs(60), STEPS);
    assert_eq!(ended(p.net.node(p.alice)).len(), 1);
    assert_eq!(ended(p.net.node(p.bob)).len(), 1);
}

#[test]
fn blind_transfer_end_to_end() {
    let (mut p, alice_to_bob, bob_side) = established(Some(ANSWER));
    let start = p.net.now();
    let seed = p.net.fork_seed();
    let carol = p.net.add(
        "carol",
        addr(4),
        EpNode::new("sip:carol@10.0.0.4", addr(4), seed, start, |_| {}),
    );
    // Bob transfers alice to carol.
    act(&mut p.net, p.bob, |ep, now| {
        ep.refer(now, bob_side, "sip:carol@10.0.0.4:5060").unwrap()
    });
    p.net.run_for(ms(100), STEPS);
    let asked = p
        .net
        .node(p.alice)
        .event_list()
        .into_iter()
        .find_map(|e| match e {
            Event::TransferRequested {
                session,
                target,
                referred_by,
            } => Some((session, target, referred_by)),
            _ => None,
        });
    assert_eq!(
        asked,
        Some((
            alice_to_bob,
            "sip:carol@10.0.0.4:5060".to_owned(),
            Some("sip:bob@10.0.0.3".to_owned())
        ))
    );
    let alice_to_carol = p.net.with(p.alice, |n, now| {
        let id = n.ep.accept_transfer(now, alice_to_bob).unwrap();
        n.drain(now);
        id
    });
    p.net.run_for(ms(100), STEPS);
    let carol_call = p
        .net
        .node(carol)
        .event_list()
        .into_iter()
        .find_map(|e| match e {
            Event::IncomingCall { session, from, .. } => Some((session, from)),
            _ => None,
        });
    let (carol_side, from) = carol_call.expect("carol is called");
    assert_eq!(from, "sip:alice@10.0.0.2");
    answer(&mut p.net, carol, carol_side);
    p.net.run_for(ms(200), STEPS);
    assert!(p
        .net
        .node(p.alice)
        .event_list()
        .iter()
        .any(|e| matches!(e, Event::CallAccepted { session, .. } if *session == alice_to_carol)));
    // Bob heard: REFER accepted, the new call trying, then answered.
    let progress = transfer_statuses(p.net.node(p.bob));
    assert_eq!(
        progress.first(),
        Some(&202),
        "the REFER's answer first: {progress:?}"
    );
    assert!(
        progress.contains(&202) && progress.contains(&100),
        "{progress:?}"
    );
    assert_eq!(progress.last(), Some(&200), "{progress:?}");
    let last_notify = p
        .net
        .trace()
        .entries()
        .iter()
        .filter(|e| e.first_line.starts_with("NOTIFY"))
        .count();
    assert_eq!(
        last_notify, 2,
        "100 Trying, then 200 OK (terminating the subscription)"
    );
    // Bob hangs up on alice; alice's call with carol goes on.
    act(&mut p.net, p.bob, |ep, now| {
        ep.hangup(now, bob_side).unwrap()
    });
    p.net.run_for(ms(100), STEPS);
    assert_eq!(ended(p.net.node(p.alice)), vec![EndReason::RemoteHangup]);
    assert_eq!(
        p.net.node(p.alice).ep.session(alice_to_carol),
        Some(sansip::endpoint::SessionState::Confirmed)
    );
}

#[test]
fn a_refused_transfer_is_reported_to_the_referrer() {
    let (mut p, alice_to_bob, bob_side) = established(Some(ANSWER));
    act(&mut p.net, p.bob, |ep, now| {
        ep.refer(now, bob_side, "sip:carol@10.0.0.4:5060").unwrap()
    });
    p.net.run_for(ms(100), STEPS);
    act(&mut p.net, p.alice, |ep, now| {
        ep.reject_transfer(now, alice_to_bob).unwrap()
    });
    p.net.run_for(ms(100), STEPS);
    let progress = transfer_statuses(p.net.node(p.bob));
    assert_eq!(progress, vec![603]);
    act(&mut p.net, p.alice, |ep, now| {
        ep.hangup(now, alice_to_bob).unwrap()
    });
    assert_clean(&mut p);
}

#[test]
fn a_cancel_crossing_the_200_ends_the_call_with_ack_and_bye() {
    let mut p = pair(LinkConfig::ideal(ms(10)));
    let a = call(&mut p, "sip:bob@10.0.0.3:5060");
    let (b, _) = incoming(&p);
    act(&mut p.net, p.bob, |ep, now| {
        ep.progress(now, b, 180, None).unwrap()
    });
    p.net.run_for(ms(50), STEPS);
    // Bob answers; 5 ms later, with the 200 still on the wire, alice
    // hangs up: her CANCEL crosses it.
    answer(&mut p.net, p.bob, b);
    p.net.run_for(ms(5), STEPS);
    act(&mut p.net, p.alice, |ep, now| ep.hangup(now, a).unwrap());
    p.net.run_for(ms(500), STEPS);
    let lines: Vec<String> = p
        .net
        .trace()
        .entries()
        .iter()
        .map(|e| e.first_line.clone())
        .collect();
    let at = |prefix: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix}: {lines:#?}"))
    };
    assert!(
        at("CANCEL") < at("ACK") && at("ACK") < at("BYE"),
        "{lines:#?}"
    );
    assert_eq!(ended(p.net.node(p.alice)), vec![EndReason::Cancelled]);
    assert_eq!(ended(p.net.node(p.bob)), vec![EndReason::RemoteHangup]);
    assert_clean(&mut p);
}

#[test]
fn attended_transfer_with_replaces() {
    // Call A: alice -> bob. Call B: bob -> carol.
    let (mut p, _alice_a, bob_a) = established(Some(ANSWER));
    let start = p.net.now();
    let seed = p.net.fork_seed();
    let carol = p.net.add(
        "carol",
        addr(4),
        EpNode::new("sip:carol@10.0.0.4", addr(4), seed, start, |_| {}),
    );
    let bob_b = p.net.with(p.bob, |n, now| {
        let id =
            n.ep.invite(
                now,
                "sip:carol@10.0.0.4:5060",
                InviteOptions {
                    sdp: Some(Bytes::from_static(OFFER.as_bytes())),
                    ..InviteOptions::default()
                },
            )
            .unwrap();
        n.drain(now);
        id
    });
    p.net.run_for(ms(100), STEPS);
    let carol_b = p
        .net
        .node(carol)
        .event_list()
        .into_iter()
        .find_map(|e| match e {
            Event::IncomingCall { session, .. } => Some(session),
            _ => None,
        })
        .expect("carol is called by bob");
    answer(&mut p.net, carol, carol_b);
    p.net.run_for(ms(100), STEPS);
    // Bob asks alice to call carol in place of call B.
    act(&mut p.net, p.bob, |ep, now| {
        ep.refer_with_replaces(now, bob_a, bob_b).unwrap()
    });
    p.net.run_for(ms(100), STEPS);
    let (alice_a, target) = p
        .net
        .node(p.alice)
        .event_list()
        .into_iter()
        .find_map(|e| match e {
            Event::TransferRequested {
                session, target, ..
            } => Some((session, target)),
            _ => None,
        })
        .expect("alice is asked");
    assert!(
        target.starts_with("sip:carol@10.0.0.4:5060?Replaces="),
        "{target}"
    );
    let alice_c = p.net.with(p.alice, |n, now| {
        let id = n.ep.accept_transfer(now, alice_a).unwrap();
        n.drain(now);
        id
    });
    p.net.run_for(ms(100), STEPS);
    // Carol sees a call that replaces B, answers it, and B ends.
    let (carol_c, replaces) = p
        .net
        .node(carol)
        .event_list()
        .into_iter()
        .filter_map(|e| match e {
            Event::IncomingCall {
                session, replaces, ..
            } => Some((session, replaces)),
            _ => None,
        })
        .last()
        .expect("alice calls carol");
    assert!(
        replaces
            .as_deref()
            .is_some_and(|r| r.contains("to-tag=") && r.contains("from-tag=")),
        "{replaces:?}"
    );
    assert_eq!(p.net.node(carol).ep.replaces(carol_c), Some(carol_b));
    answer(&mut p.net, carol, carol_c);
    p.net.run_for(ms(200), STEPS);
    assert!(p
        .net
        .node(p.alice)
        .event_list()
        .iter()
        .any(|e| matches!(e, Event::CallAccepted { session, .. } if *session == alice_c)));
    assert_eq!(ended(p.net.node(carol)), vec![EndReason::Replaced]);
    let bob_ends: Vec<EndReason> = ended(p.net.node(p.bob));
    assert_eq!(
        bob_ends,
        vec![EndReason::RemoteHangup],
        "call B ended by carol"
    );
    let progress = transfer_statuses(p.net.node(p.bob));
    assert_eq!(progress.last(), Some(&200), "{progress:?}");
}

#[test]
fn a_replaces_naming_no_call_gets_481() {
    let mut p = pair(LinkConfig::ideal(ms(10)));
    let a = p.net.with(p.alice, |n, now| {
        let id =
            n.ep.invite(
                now,
                "sip:bob@10.0.0.3:5060",
                InviteOptions {
                    sdp: None,
                    extra_headers: vec![("Replaces".into(), "nope@x;to-tag=1;from-tag=2".into())],
                },
            )
            .unwrap();
        n.drain(now);
        id
    });
    p.net.run_for(ms(200), STEPS);
    assert!(!p
        .net
        .node(p.bob)
        .event_list()
        .iter()
        .any(|e| matches!(e, Event::IncomingCall { .. })));
    let _ = a;
    assert_eq!(
        ended(p.net.node(p.alice)),
        vec![EndReason::Rejected {
            status: 481,
            reason: "Call/Transaction Does Not Exist".into()
        }]
    );
}

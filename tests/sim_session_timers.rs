//! Session timers (RFC 4028) between Endpoints on the simulated network:
//! the caller asks for an interval and refreshes at half of it (by UPDATE,
//! which the callee allows), a session nobody refreshes is ended with BYE
//! before it runs out, and a 422 is retried with the callee's Min-SE.

mod support;

use std::time::Duration;

use bytes::Bytes;
use sansip::endpoint::{Config, EndReason, Event, InviteOptions, SessionId};
use sansip::usage::session_timer::SessionTimerConfig;
use support::{addr, EpNode, LinkConfig, Net, NodeHandle};

const STEPS: u64 = 400_000;
const SDP: &str = "v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn net_with(
    alice: impl FnOnce(&mut Config),
    bob: impl FnOnce(&mut Config),
) -> (Net, NodeHandle<EpNode>, NodeHandle<EpNode>) {
    let mut net = Net::new(3);
    net.set_default_link(LinkConfig::ideal(Duration::from_millis(10)));
    let start = net.now();
    let seed = net.fork_seed();
    let a = net.add(
        "alice",
        addr(2),
        EpNode::new("sip:alice@10.0.0.2", addr(2), seed, start, alice),
    );
    let seed = net.fork_seed();
    let b = net.add(
        "bob",
        addr(3),
        EpNode::new("sip:bob@10.0.0.3", addr(3), seed, start, bob),
    );
    (net, a, b)
}

/// Alice calls bob with `extra` headers; bob answers at once.
fn call(
    net: &mut Net,
    a: NodeHandle<EpNode>,
    b: NodeHandle<EpNode>,
    extra: Vec<(String, String)>,
) -> (SessionId, SessionId) {
    let alice_call = net.with(a, |n, now| {
        let id =
            n.ep.invite(
                now,
                "sip:bob@10.0.0.3:5060",
                InviteOptions {
                    sdp: Some(Bytes::from_static(SDP.as_bytes())),
                    extra_headers: extra,
                },
            )
            .unwrap();
        n.drain(now);
        id
    });
    net.run_for(Duration::from_millis(200), STEPS);
    let bob_call = net
        .node(b)
        .event_list()
        .into_iter()
        .find_map(|e| match e {
            Event::IncomingCall { session, .. } => Some(session),
            _ => None,
        })
        .expect("bob was called");
    net.with(b, |n, now| {
        n.ep.accept(now, bob_call, Some(Bytes::from_static(SDP.as_bytes())))
            .unwrap();
        n.drain(now);
    });
    net.run_for(Duration::from_millis(200), STEPS);
    (alice_call, bob_call)
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

fn timer(expires: u32, min_se: u32) -> Option<SessionTimerConfig> {
    Some(SessionTimerConfig { expires, min_se })
}

#[test]
fn the_caller_refreshes_by_update_at_half_the_interval_and_the_call_stays_up() {
    let (mut net, a, b) = net_with(|c| c.session_timer = timer(120, 90), |_| {});
    let (alice_call, bob_call) = call(&mut net, a, b, vec![]);
    let invite = net
        .trace()
        .entries()
        .iter()
        .find(|e| e.first_line.starts_with("INVITE"))
        .unwrap()
        .seq;
    let _ = invite;
    net.run_for(secs(400), STEPS);
    // Refreshes left every 60 s, as UPDATEs (bob allows UPDATE).
    let updates: Vec<Duration> = net
        .trace()
        .entries()
        .iter()
        .filter(|e| e.first_line.starts_with("UPDATE"))
        .map(|e| e.sent)
        .collect();
    assert!(updates.len() >= 6, "{updates:?}");
    for w in updates.windows(2) {
        let gap = w[1] - w[0];
        assert!((secs(59)..=secs(61)).contains(&gap), "{gap:?}");
    }
    assert!(
        ended(net.node(a)).is_empty() && ended(net.node(b)).is_empty(),
        "the call is still up"
    );
    assert!(
        !net.node(a)
            .event_list()
            .iter()
            .any(|e| matches!(e, Event::CallUpdated { .. })),
        "refreshes are not media changes"
    );
    net.with(a, |n, now| {
        n.ep.hangup(now, alice_call).unwrap();
        n.drain(now);
    });
    net.run_for(secs(60), STEPS);
    assert_eq!(ended(net.node(a)), vec![EndReason::LocalHangup]);
    let _ = bob_call;
    assert_eq!(net.node(b).ep.timers_armed(), 0);
}

#[test]
fn a_session_nobody_refreshes_is_ended_before_it_runs_out() {
    // Alice asks bob to refresh; bob's refreshes never reach her.
    let (mut net, a, b) = net_with(|c| c.session_timer = None, |_| {});
    let extra = vec![
        ("Supported".to_owned(), "timer".to_owned()),
        ("Session-Expires".to_owned(), "120;refresher=uas".to_owned()),
    ];
    let (_alice_call, _bob_call) = call(&mut net, a, b, extra);
    net.link_one_way(b, a, LinkConfig::ideal(Duration::from_millis(10)).loss(1.0));
    net.run_for(secs(200), STEPS);
    // §10: before the interval ends, by min(32 s, interval/3) = 32 s:
    // alice's BYE leaves 88 s after the 2xx.
    let bye = net
        .trace()
        .entries()
        .iter()
        .find(|e| e.first_line.starts_with("BYE") && e.from == addr(2))
        .map(|e| e.sent)
        .expect("alice sent BYE");
    assert!((secs(88)..=secs(89)).contains(&bye), "{bye:?}");
    let reason = ended(net.node(a));
    assert_eq!(reason, vec![EndReason::SessionExpired]);
}

#[test]
fn an_interval_below_the_callees_minimum_gets_422_and_a_retry_with_its_min_se() {
    let (mut net, a, b) = net_with(
        |c| c.session_timer = timer(120, 90),
        |c| c.session_timer = timer(1800, 300),
    );
    let (_ac, _bc) = call(&mut net, a, b, vec![]);
    let lines: Vec<String> = net
        .trace()
        .entries()
        .iter()
        .map(|e| e.first_line.clone())
        .collect();
    let k422 = lines
        .iter()
        .position(|l| l.starts_with("SIP/2.0 422"))
        .expect("a 422");
    let retry = lines[k422..]
        .iter()
        .filter(|l| l.starts_with("INVITE"))
        .count();
    assert_eq!(retry, 1, "{lines:#?}");
    assert!(net
        .node(a)
        .event_list()
        .iter()
        .any(|e| matches!(e, Event::CallAccepted { .. })));
    let incoming = net
        .node(b)
        .event_list()
        .iter()
        .filter(|e| matches!(e, Event::IncomingCall { .. }))
        .count();
    assert_eq!(
        incoming, 1,
        "the refused INVITE never reached bob's application"
    );
}

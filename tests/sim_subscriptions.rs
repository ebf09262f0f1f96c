//! SUBSCRIBE/NOTIFY (RFC 6665) between Endpoints on the simulated
//! network: alice subscribes to bob's presence, bob accepts and notifies
//! PIDF documents, alice refreshes at 0.9 of the granted time, and the
//! subscription ends by unsubscribe, by the notifier, by timeout when the
//! subscriber vanishes, or by refusal.

mod support;

use std::time::Duration;

use bytes::Bytes;
use sansip::endpoint::{Event, SubState, SubscriptionId};
use support::{addr, EpNode, LinkConfig, Net, NodeHandle};

const STEPS: u64 = 200_000;
const PIDF: &str = "<?xml version=\"1.0\"?><presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"sip:bob@10.0.0.3\"><tuple id=\"t1\"><status><basic>open</basic></status></tuple></presence>";

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn setup() -> (Net, NodeHandle<EpNode>, NodeHandle<EpNode>) {
    let mut net = Net::new(21);
    net.set_default_link(LinkConfig::ideal(ms(10)));
    let start = net.now();
    let seed = net.fork_seed();
    let a = net.add(
        "alice",
        addr(2),
        EpNode::new("sip:alice@10.0.0.2", addr(2), seed, start, |_| {}),
    );
    let seed = net.fork_seed();
    let b = net.add(
        "bob",
        addr(3),
        EpNode::new("sip:bob@10.0.0.3", addr(3), seed, start, |_| {}),
    );
    (net, a, b)
}

/// Alice subscribes to bob's presence for `expires`; bob accepts (granting
/// at most 600 s) and notifies `open`.
fn subscribed(
    expires: u32,
) -> (
    Net,
    NodeHandle<EpNode>,
    NodeHandle<EpNode>,
    SubscriptionId,
    SubscriptionId,
) {
    let (mut net, a, b) = setup();
    let ours = net.with(a, |n, now| {
        let id =
            n.ep.subscribe(
                now,
                "sip:bob@10.0.0.3:5060",
                "presence",
                "application/pidf+xml",
                expires,
            )
            .unwrap();
        n.drain(now);
        id
    });
    net.run_for(ms(100), STEPS);
    let theirs = net
        .node(b)
        .event_list()
        .into_iter()
        .find_map(|e| match e {
            Event::SubscriptionRequested {
                subscription,
                event,
                from,
                ..
            } => {
                assert_eq!(
                    (event.as_str(), from.as_str()),
                    ("presence", "sip:alice@10.0.0.2")
                );
                Some(subscription)
            }
            _ => None,
        })
        .expect("bob is asked");
    net.with(b, |n, now| {
        n.ep.accept_subscription(now, theirs, 600).unwrap();
        n.ep.notify(
            now,
            theirs,
            SubState::Active,
            "application/pidf+xml",
            Bytes::from_static(PIDF.as_bytes()),
        )
        .unwrap();
        n.drain(now);
    });
    net.run_for(ms(100), STEPS);
    (net, a, b, ours, theirs)
}

fn notifications(node: &EpNode) -> Vec<(SubState, Option<String>)> {
    node.event_list()
        .into_iter()
        .filter_map(|e| match e {
            Event::Notification { state, body, .. } => Some((
                state,
                body.map(|b| String::from_utf8_lossy(&b).into_owned()),
            )),
            _ => None,
        })
        .collect()
}

fn ended(node: &EpNode) -> Vec<String> {
    node.event_list()
        .into_iter()
        .filter_map(|e| match e {
            Event::SubscriptionEnded { reason, .. } => Some(reason),
            _ => None,
        })
        .collect()
}

#[test]
fn presence_subscribe_notify_and_unsubscribe() {
    let (mut net, a, b, ours, _theirs) = subscribed(3600);
    let got = notifications(net.node(a));
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(
        got[0],
        (SubState::Pending, None),
        "the first NOTIFY follows the 200 at once"
    );
    assert_eq!(got[1].0, SubState::Active);
    assert!(got[1]
        .1
        .as_deref()
        .is_some_and(|b| b.contains("<basic>open</basic>")));
    net.with(a, |n, now| {
        n.ep.unsubscribe(now, ours).unwrap();
        n.drain(now);
    });
    net.run_for(ms(200), STEPS);
    assert_eq!(
        ended(net.node(a)),
        vec!["timeout".to_owned()],
        "the final NOTIFY ended it"
    );
    assert_eq!(ended(net.node(b)), vec!["unsubscribed".to_owned()]);
    net.run_for(Duration::from_secs(4000), STEPS);
    for h in [a, b] {
        assert_eq!(net.node(h).ep.timers_armed(), 0);
        assert_eq!(net.node(h).ep.transactions(), 0);
    }
}

#[test]
fn the_subscriber_refreshes_at_nine_tenths_of_the_grant() {
    let (mut net, a, b, _ours, _theirs) = subscribed(3600);
    // Granted 600 s: refreshed at 540 s, 1080 s, ...
    net.run_for(Duration::from_secs(1200), STEPS);
    let refreshes: Vec<Duration> = net
        .trace()
        .entries()
        .iter()
        .filter(|e| e.first_line.starts_with("SUBSCRIBE") && e.from == addr(2))
        .map(|e| e.sent)
        .collect();
    assert_eq!(refreshes.len(), 3, "{refreshes:?}");
    let gap = refreshes[2] - refreshes[1];
    assert!(
        (Duration::from_secs(539)..=Duration::from_secs(541)).contains(&gap),
        "{gap:?}"
    );
    assert!(ended(net.node(a)).is_empty() && ended(net.node(b)).is_empty());
}

#[test]
fn a_subscriber_that_vanishes_times_out_at_the_notifier() {
    let (mut net, a, b, _ours, _theirs) = subscribed(3600);
    net.link_one_way(a, b, LinkConfig::ideal(ms(10)).loss(1.0));
    net.run_for(Duration::from_secs(700), STEPS);
    let bob_end = ended(net.node(b));
    assert_eq!(bob_end.len(), 1, "{bob_end:?}");
    assert!(
        bob_end[0] == "timeout" || bob_end[0] == "the subscriber is gone",
        "{bob_end:?}"
    );
}

#[test]
fn the_notifier_ends_the_subscription() {
    let (mut net, a, b, _ours, theirs) = subscribed(3600);
    net.with(b, |n, now| {
        n.ep.notify(
            now,
            theirs,
            SubState::Terminated,
            "application/pidf+xml",
            Bytes::from_static(PIDF.as_bytes()),
        )
        .unwrap();
        n.drain(now);
    });
    net.run_for(ms(100), STEPS);
    assert_eq!(
        notifications(net.node(a)).last().map(|n| n.0),
        Some(SubState::Terminated)
    );
    assert_eq!(ended(net.node(a)), vec!["noresource".to_owned()]);
}

#[test]
fn a_refused_subscription_ends_with_the_status() {
    let (mut net, a, b) = setup();
    net.with(a, |n, now| {
        n.ep.subscribe(
            now,
            "sip:bob@10.0.0.3:5060",
            "dialog",
            "application/dialog-info+xml",
            600,
        )
        .unwrap();
        n.drain(now);
    });
    net.run_for(ms(100), STEPS);
    let theirs = net
        .node(b)
        .event_list()
        .into_iter()
        .find_map(|e| match e {
            Event::SubscriptionRequested { subscription, .. } => Some(subscription),
            _ => None,
        })
        .unwrap();
    net.with(b, |n, now| {
        n.ep.reject_subscription(now, theirs, 403).unwrap();
        n.drain(now);
    });
    net.run_for(ms(100), STEPS);
    assert_eq!(ended(net.node(a)), vec!["403 Forbidden".to_owned()]);
}

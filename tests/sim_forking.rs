//! A forked INVITE (RFC 3261 §13.2.2.4, §16.6–16.7) on the simulated
//! network: bob has two phones registered; the proxy rings both at once.
//! Each fork answers in its own early dialog (the caller is told which
//! fork with `fork`), the first 2xx wins, the proxy cancels the other
//! phone, a second 2xx is acknowledged and ended with BYE, and the
//! answering fork's early answer is the one in force. Every scenario also
//! runs under 20 % loss.

mod support;

use std::time::Duration;

use bytes::Bytes;
use sansip::endpoint::{EndReason, Event, InviteOptions, RegisterOptions, SessionId};
use support::{addr, EpNode, LinkConfig, Net, NodeHandle, Registrar, RegistrarConfig};

const STEPS: u64 = 400_000;
const OFFER: &str = "v=0\r\no=alice 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

/// Phone `n`'s answer (its own port and address).
fn answer_of(n: u8) -> String {
    format!(
        "v=0\r\no=bob{n} 1 1 IN IP4 10.0.0.{h}\r\ns=-\r\nc=IN IP4 10.0.0.{h}\r\nt=0 0\r\nm=audio 500{n} RTP/AVP 0\r\n",
        h = n + 2
    )
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

struct Forked {
    net: Net,
    alice: NodeHandle<EpNode>,
    /// Bob's phones: 1 is nearer the proxy than 2.
    phones: [NodeHandle<EpNode>; 2],
}

impl Forked {
    fn phone(&self, n: usize) -> NodeHandle<EpNode> {
        self.phones[n - 1]
    }

    fn act(
        &mut self,
        who: NodeHandle<EpNode>,
        f: impl FnOnce(&mut sansip::endpoint::Endpoint, std::time::Instant),
    ) {
        self.net.with(who, |n, now| {
            f(&mut n.ep, now);
            n.drain(now);
        });
    }

    fn events(&self, who: NodeHandle<EpNode>) -> Vec<Event> {
        self.net.node(who).event_list()
    }

    fn ended(&self, who: NodeHandle<EpNode>) -> Vec<EndReason> {
        self.events(who)
            .into_iter()
            .filter_map(|e| match e {
                Event::CallEnded { reason, .. } => Some(reason),
                _ => None,
            })
            .collect()
    }

    /// Phone `n`'s incoming call.
    fn incoming(&self, n: usize) -> SessionId {
        self.events(self.phone(n))
            .into_iter()
            .find_map(|e| match e {
                Event::IncomingCall { session, .. } => Some(session),
                _ => None,
            })
            .unwrap_or_else(|| panic!("phone {n} rang\n{}", self.net.report(40)))
    }

    /// The forks alice heard a provisional `status` from, in order.
    fn progress_forks(&self, status: u16) -> Vec<(u32, Option<Bytes>)> {
        self.events(self.alice)
            .into_iter()
            .filter_map(|e| match e {
                Event::CallProgress {
                    status: s,
                    fork,
                    sdp,
                    ..
                } if s == status => Some((fork, sdp)),
                _ => None,
            })
            .collect()
    }

    fn accepted(&self) -> Vec<(u32, Option<Bytes>)> {
        self.events(self.alice)
            .into_iter()
            .filter_map(|e| match e {
                Event::CallAccepted { fork, sdp, .. } => Some((fork, sdp)),
                _ => None,
            })
            .collect()
    }

    /// Runs every timer out: nothing may be left anywhere.
    fn assert_clean(&mut self) {
        self.net.run_for(Duration::from_secs(90), STEPS);
        for h in [self.alice, self.phones[0], self.phones[1]] {
            let ep = &self.net.node(h).ep;
            assert_eq!(ep.calls(), 0, "calls left");
            assert_eq!(ep.transactions(), 0, "transactions left");
        }
    }
}

/// Alice, a forking proxy, and bob's two phones (phone 2 20 ms further
/// away), all registered; `link` on every path.
fn forked(seed: u64, link: LinkConfig) -> Forked {
    let mut net = Net::new(seed);
    net.set_default_link(link.clone());
    let cfg = RegistrarConfig::new("example.com", addr(1))
        .auth(false)
        .record_route(true)
        .fork(true);
    let s = net.fork_seed();
    let proxy = net.add("proxy", addr(1), Registrar::node(cfg, s));
    let start = net.now();
    let node = |net: &mut Net, name: &str, aor: &str, host: u8| {
        let s = net.fork_seed();
        net.add(
            name,
            addr(host),
            EpNode::new(aor, addr(host), s, start, |c| {
                c.outbound_proxy = Some("sip:10.0.0.1:5060".into());
            }),
        )
    };
    let alice = node(&mut net, "alice", "sip:alice@example.com", 2);
    let phone1 = node(&mut net, "bob-1", "sip:bob@example.com", 3);
    let phone2 = node(&mut net, "bob-2", "sip:bob@example.com", 4);
    let mut far = link;
    far.latency += ms(20);
    net.link(proxy, phone2, far);
    for h in [alice, phone1, phone2] {
        net.with(h, |n, now| {
            n.ep.register(now, RegisterOptions::default()).unwrap();
            n.drain(now);
        });
    }
    // REGISTER retransmissions beat loss well within this.
    net.run_for(Duration::from_secs(10), STEPS);
    net.print_trace_on_panic(true);
    Forked {
        net,
        alice,
        phones: [phone1, phone2],
    }
}

/// Alice calls bob's AOR; both phones ring.
fn call(f: &mut Forked) -> SessionId {
    let id = f.net.with(f.alice, |n, now| {
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
    // INVITE retransmissions beat loss on each hop well within this.
    f.net.run_for(Duration::from_secs(10), STEPS);
    id
}

/// `reliable`: the phones ring with a reliable 180 (RFC 3262), which
/// survives loss; a plain 180 may be lost for good.
fn first_200_wins_and_the_other_phone_is_cancelled(seed: u64, link: LinkConfig, reliable: bool) {
    let mut f = forked(seed, link);
    let a = call(&mut f);
    let (b1, b2) = (f.incoming(1), f.incoming(2));
    // One after the other, so that alice hears phone 1 first; each long
    // enough for a reliable 180 to beat 20 % loss (resent at T1, 3·T1, ...).
    for (n, b) in [(1, b1), (2, b2)] {
        f.act(f.phone(n), |ep, now| {
            if reliable {
                ep.progress_reliable(now, b, 180, None).unwrap()
            } else {
                ep.progress(now, b, 180, None).unwrap()
            }
        });
        f.net.run_for(Duration::from_secs(10), STEPS);
    }
    let ringing: Vec<u32> = f.progress_forks(180).into_iter().map(|(k, _)| k).collect();
    let mut distinct = ringing.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 2, "two forks rang: {ringing:?}");
    let fork1 = ringing[0];

    let answer = Bytes::from(answer_of(1));
    f.act(f.phone(1), |ep, now| {
        ep.accept(now, b1, Some(answer)).unwrap()
    });
    f.net.run_for(Duration::from_secs(5), STEPS);
    let accepted = f.accepted();
    assert_eq!(accepted.len(), 1, "{accepted:?}");
    assert_eq!(accepted[0].0, fork1, "told which fork answered");
    assert_eq!(accepted[0].1.as_deref(), Some(answer_of(1).as_bytes()));
    assert_eq!(
        f.ended(f.phone(2)),
        [EndReason::CancelledByCaller],
        "the proxy cancelled the other phone"
    );

    f.act(f.alice, |ep, now| ep.hangup(now, a).unwrap());
    // Long enough for the BYE's retransmissions to beat loss.
    f.net.run_for(Duration::from_secs(35), STEPS);
    assert_eq!(f.ended(f.alice), [EndReason::LocalHangup]);
    assert_eq!(f.ended(f.phone(1)), [EndReason::RemoteHangup]);
    f.assert_clean();
}

#[test]
fn a_forked_invite_rings_two_phones_the_first_200_wins_and_the_other_is_cancelled() {
    first_200_wins_and_the_other_phone_is_cancelled(21, LinkConfig::ideal(ms(10)), false);
}

#[test]
fn a_forked_invite_under_twenty_percent_loss() {
    first_200_wins_and_the_other_phone_is_cancelled(22, LinkConfig::ideal(ms(10)).loss(0.2), true);
}

fn two_200s(seed: u64, link: LinkConfig, lossy: bool) {
    let mut f = forked(seed, link);
    let a = call(&mut f);
    let (b1, b2) = (f.incoming(1), f.incoming(2));
    // Both answer at once: phone 1's 200 reaches alice first.
    let answer = Bytes::from(answer_of(1));
    f.act(f.phone(1), |ep, now| {
        ep.accept(now, b1, Some(answer)).unwrap()
    });
    let answer = Bytes::from(answer_of(2));
    f.act(f.phone(2), |ep, now| {
        ep.accept(now, b2, Some(answer)).unwrap()
    });
    // Under loss, phone 2's 200 may need most of its 32 s of retransmissions
    // to get through the proxy and its ACK back.
    f.net.run_for(Duration::from_secs(40), STEPS);
    let accepted = f.accepted();
    assert_eq!(accepted.len(), 1, "one call for alice: {accepted:?}");
    let winner = if accepted[0].1.as_deref() == Some(answer_of(1).as_bytes()) {
        1
    } else {
        assert_eq!(accepted[0].1.as_deref(), Some(answer_of(2).as_bytes()));
        2
    };
    let loser = 3 - winner;
    if !lossy {
        assert_eq!(winner, 1, "phone 1's 200 arrives first");
        // Phone 2's 200 was acknowledged (its call came up) ...
        assert!(f
            .events(f.phone(2))
            .iter()
            .any(|e| matches!(e, Event::CallAccepted { .. })));
    }
    // ... and ended by alice's BYE (under loss the BYE may overtake a
    // lost ACK).
    assert_eq!(f.ended(f.phone(loser)), [EndReason::RemoteHangup]);
    let cause = f.events(f.phone(loser)).into_iter().find_map(|e| match e {
        Event::CallEnded { cause, .. } => cause,
        _ => None,
    });
    assert_eq!(
        cause.and_then(|c| c.cause),
        Some(200),
        "the BYE says the call completed elsewhere (RFC 3326)"
    );
    assert!(f.ended(f.alice).is_empty(), "alice's call goes on");
    assert_eq!(f.net.node(f.alice).ep.calls(), 1);

    f.act(f.alice, |ep, now| ep.hangup(now, a).unwrap());
    // Long enough for the BYE's retransmissions to beat loss.
    f.net.run_for(Duration::from_secs(35), STEPS);
    assert_eq!(f.ended(f.alice), [EndReason::LocalHangup]);
    assert_eq!(f.ended(f.phone(winner)), [EndReason::RemoteHangup]);
    f.assert_clean();
}

#[test]
fn two_200s_from_two_forks_the_second_is_acknowledged_and_ended_with_bye() {
    two_200s(31, LinkConfig::ideal(ms(10)), false);
}

#[test]
fn two_200s_from_two_forks_under_twenty_percent_loss() {
    two_200s(32, LinkConfig::ideal(ms(10)).loss(0.2), true);
}

fn early_media_from_two_forks(seed: u64, link: LinkConfig) {
    let mut f = forked(seed, link);
    let a = call(&mut f);
    let (b1, b2) = (f.incoming(1), f.incoming(2));
    // Each phone answers the offer in a reliable 183 (its own early
    // media); phone 2's comes last.
    let sdp1 = Bytes::from(answer_of(1));
    f.act(f.phone(1), |ep, now| {
        ep.progress_reliable(now, b1, 183, Some(sdp1)).unwrap()
    });
    f.net.run_for(Duration::from_secs(10), STEPS);
    let sdp2 = Bytes::from(answer_of(2));
    f.act(f.phone(2), |ep, now| {
        ep.progress_reliable(now, b2, 183, Some(sdp2)).unwrap()
    });
    f.net.run_for(Duration::from_secs(10), STEPS);
    let early = f.progress_forks(183);
    assert_eq!(early.len(), 2, "each fork reported once: {early:?}");
    assert_ne!(early[0].0, early[1].0);
    assert_eq!(early[0].1.as_deref(), Some(answer_of(1).as_bytes()));
    assert_eq!(early[1].1.as_deref(), Some(answer_of(2).as_bytes()));
    // The latest fork's early media are in force ...
    assert_eq!(
        f.net.node(f.alice).ep.remote_sdp(a).as_deref(),
        Some(answer_of(2).as_bytes())
    );
    // ... until phone 1 answers: its 200 has no SDP (its 183 answered),
    // and its answer is the one in force.
    f.act(f.phone(1), |ep, now| ep.accept(now, b1, None).unwrap());
    f.net.run_for(Duration::from_secs(10), STEPS);
    let accepted = f.accepted();
    assert_eq!(accepted.len(), 1, "{accepted:?}");
    assert_eq!(accepted[0].0, early[0].0, "phone 1's fork");
    assert_eq!(accepted[0].1.as_deref(), Some(answer_of(1).as_bytes()));
    assert_eq!(
        f.net.node(f.alice).ep.remote_sdp(a).as_deref(),
        Some(answer_of(1).as_bytes())
    );
    assert_eq!(f.ended(f.phone(2)), [EndReason::CancelledByCaller]);
    f.act(f.alice, |ep, now| ep.hangup(now, a).unwrap());
    // Long enough for the BYE's retransmissions to beat loss.
    f.net.run_for(Duration::from_secs(35), STEPS);
    assert_eq!(f.ended(f.alice), [EndReason::LocalHangup]);
    f.assert_clean();
}

#[test]
fn early_media_from_two_forks_and_the_answering_forks_sdp_is_in_force() {
    early_media_from_two_forks(41, LinkConfig::ideal(ms(10)));
}

#[test]
fn early_media_from_two_forks_under_twenty_percent_loss() {
    early_media_from_two_forks(42, LinkConfig::ideal(ms(10)).loss(0.2));
}

/// Phone `n`'s subscription request from alice.
fn subscription_asked(f: &Forked, n: usize) -> sansip::endpoint::SubscriptionId {
    f.events(f.phone(n))
        .into_iter()
        .find_map(|e| match e {
            Event::SubscriptionRequested { subscription, .. } => Some(subscription),
            _ => None,
        })
        .unwrap_or_else(|| panic!("phone {n} was asked\n{}", f.net.report(40)))
}

fn forked_subscribe(seed: u64, link: LinkConfig) {
    use sansip::endpoint::SubState;
    let mut f = forked(seed, link);
    let ours = f.net.with(f.alice, |n, now| {
        let id =
            n.ep.subscribe(
                now,
                "sip:bob@example.com",
                "dialog",
                "application/dialog-info+xml",
                600,
            )
            .unwrap();
        n.drain(now);
        id
    });
    f.net.run_for(Duration::from_secs(10), STEPS);
    // Both phones take it and notify, phone 1 first.
    for n in [1, 2] {
        let theirs = subscription_asked(&f, n);
        f.act(f.phone(n), |ep, now| {
            ep.accept_subscription(now, theirs, 600).unwrap();
            ep.notify(
                now,
                theirs,
                SubState::Active,
                "application/dialog-info+xml",
                Bytes::from(format!("<dialog-info from phone {n}/>")),
            )
            .unwrap();
        });
        f.net.run_for(Duration::from_secs(10), STEPS);
    }
    let events = f.events(f.alice);
    let forks: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::SubscriptionForked { subscription, fork } => Some((*subscription, *fork)),
            _ => None,
        })
        .collect();
    assert_eq!(forks.len(), 1, "one more notifier: {events:?}");
    assert_eq!(forks[0].0, ours);
    let fork = forks[0].1;
    // Each subscription hears its own notifier: the first NOTIFY (pending,
    // sent by accept) and the active one, with that phone's body.
    let bodies = |id| -> Vec<String> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Notification {
                    subscription,
                    body: Some(b),
                    ..
                } if *subscription == id => Some(String::from_utf8_lossy(b).into_owned()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(bodies(ours), ["<dialog-info from phone 1/>"]);
    assert_eq!(bodies(fork), ["<dialog-info from phone 2/>"]);
    // Each ends on its own.
    for id in [ours, fork] {
        f.act(f.alice, |ep, now| ep.unsubscribe(now, id).unwrap());
    }
    f.net.run_for(Duration::from_secs(35), STEPS);
    let ended: Vec<_> = f
        .events(f.alice)
        .into_iter()
        .filter_map(|e| match e {
            Event::SubscriptionEnded { subscription, .. } => Some(subscription),
            _ => None,
        })
        .collect();
    assert_eq!(ended.len(), 2, "{ended:?}");
    assert!(ended.contains(&ours) && ended.contains(&fork));
    for n in [1, 2] {
        assert!(
            f.events(f.phone(n))
                .iter()
                .any(|e| matches!(e, Event::SubscriptionEnded { .. })),
            "phone {n}'s side ended too"
        );
    }
}

#[test]
fn a_forked_subscribe_gets_a_subscription_per_notifier() {
    forked_subscribe(51, LinkConfig::ideal(ms(10)));
}

#[test]
fn a_forked_subscribe_under_twenty_percent_loss() {
    forked_subscribe(52, LinkConfig::ideal(ms(10)).loss(0.2));
}

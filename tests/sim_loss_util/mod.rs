//! A harness for call scenarios that must hold on any link, lossless or
//! lossy: Endpoints on the simulated network (alice, bob, and carol when a
//! scenario needs a third), commands given at the current virtual time,
//! waits that stop as soon as an outcome is reached (and fail with the
//! trace when it is not reached in time), and per-session views of what
//! each side reported.
//!
//! Under 20 % loss an exchange (request and its answer) gets through with
//! probability 0.64 per attempt; a non-INVITE transaction makes about 11
//! attempts in its 32 s, an INVITE's 2xx as many until its ACK. A wait of
//! 32 s for one exchange therefore fails about once in 10^5.

#![allow(dead_code, unreachable_pub)]

use std::time::{Duration, Instant};

use bytes::Bytes;
use sansip::endpoint::{Config, EndReason, Endpoint, Event, InviteOptions, SessionId};

use crate::support::{addr, EpNode, LinkConfig, Net, NodeHandle};

pub const STEPS: u64 = 400_000;
pub const OFFER: &str = "v=0\r\no=alice 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
pub const ANSWER: &str = "v=0\r\no=bob 1 1 IN IP4 10.0.0.3\r\ns=-\r\nc=IN IP4 10.0.0.3\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
pub const CAROL_ANSWER: &str = "v=0\r\no=carol 1 1 IN IP4 10.0.0.4\r\ns=-\r\nc=IN IP4 10.0.0.4\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
pub const BOB_OFFER: &str = "v=0\r\no=bob 7 1 IN IP4 10.0.0.3\r\ns=-\r\nc=IN IP4 10.0.0.3\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
pub const ALICE_ANSWER: &str = "v=0\r\no=alice 7 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

/// The longest wait for one exchange to beat loss (a transaction's 32 s).
pub const EXCHANGE: Duration = Duration::from_secs(32);

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// 20 % loss on a 10 ms link.
pub fn lossy() -> LinkConfig {
    LinkConfig::ideal(ms(10)).loss(0.2)
}

/// A perfect 10 ms link.
pub fn lossless() -> LinkConfig {
    LinkConfig::ideal(ms(10))
}

pub fn sdp(s: &'static str) -> Option<Bytes> {
    Some(Bytes::from_static(s.as_bytes()))
}

pub fn text(b: &Option<Bytes>) -> String {
    b.as_deref()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default()
}

/// Alice (10.0.0.2), bob (10.0.0.3) and, once added, carol (10.0.0.4).
pub struct Calls {
    pub net: Net,
    pub alice: NodeHandle<EpNode>,
    pub bob: NodeHandle<EpNode>,
    pub carol: Option<NodeHandle<EpNode>>,
}

impl Calls {
    /// Alice and bob, `link` everywhere.
    pub fn new(seed: u64, link: LinkConfig) -> Calls {
        Calls::with(seed, link, |_| {}, |_| {})
    }

    /// Alice and bob with their configs adjusted.
    pub fn with(
        seed: u64,
        link: LinkConfig,
        alice: impl FnOnce(&mut Config),
        bob: impl FnOnce(&mut Config),
    ) -> Calls {
        let mut net = Net::new(seed);
        net.set_default_link(link);
        let start = net.now();
        let s = net.fork_seed();
        let a = net.add(
            "alice",
            addr(2),
            EpNode::new("sip:alice@10.0.0.2", addr(2), s, start, alice),
        );
        let s = net.fork_seed();
        let b = net.add(
            "bob",
            addr(3),
            EpNode::new("sip:bob@10.0.0.3", addr(3), s, start, bob),
        );
        Calls {
            net,
            alice: a,
            bob: b,
            carol: None,
        }
    }

    /// Adds carol (10.0.0.4).
    pub fn add_carol(&mut self) -> NodeHandle<EpNode> {
        let start = self.net.now();
        let s = self.net.fork_seed();
        let c = self.net.add(
            "carol",
            addr(4),
            EpNode::new("sip:carol@10.0.0.4", addr(4), s, start, |_| {}),
        );
        self.carol = Some(c);
        c
    }

    pub fn carol(&self) -> NodeHandle<EpNode> {
        self.carol.expect("carol was added")
    }

    /// Everyone on the net.
    pub fn everyone(&self) -> Vec<NodeHandle<EpNode>> {
        let mut all = vec![self.alice, self.bob];
        all.extend(self.carol);
        all
    }

    /// Gives `who` a command at the current instant.
    pub fn act<R>(
        &mut self,
        who: NodeHandle<EpNode>,
        f: impl FnOnce(&mut Endpoint, Instant) -> R,
    ) -> R {
        self.net.with(who, |n, now| {
            let r = f(&mut n.ep, now);
            n.drain(now);
            r
        })
    }

    /// Runs for `d` of virtual time.
    pub fn run(&mut self, d: Duration) {
        self.net.run_for(d, STEPS);
    }

    /// Runs until `done` holds (checked every 50 ms of virtual time), for
    /// at most `limit`; panics (with the trace) naming `what` if it does
    /// not.
    #[track_caller]
    pub fn wait(&mut self, limit: Duration, what: &str, done: impl Fn(&Calls) -> bool) {
        let end = self.net.now() + limit;
        while !done(self) && self.net.now() < end {
            self.run(ms(50));
        }
        assert!(
            done(self),
            "{what} within {limit:?}\n{}",
            self.net.report(80)
        );
    }

    pub fn events(&self, who: NodeHandle<EpNode>) -> Vec<Event> {
        self.net.node(who).event_list()
    }

    /// `who`'s events about `session`.
    pub fn events_of(&self, who: NodeHandle<EpNode>, session: SessionId) -> Vec<Event> {
        self.events(who)
            .into_iter()
            .filter(|e| session_of(e) == Some(session))
            .collect()
    }

    /// Why `who`'s call `session` ended (every `CallEnded`, to count them).
    pub fn ended(&self, who: NodeHandle<EpNode>, session: SessionId) -> Vec<EndReason> {
        self.events_of(who, session)
            .into_iter()
            .filter_map(|e| match e {
                Event::CallEnded { reason, .. } => Some(reason),
                _ => None,
            })
            .collect()
    }

    /// How often `who` reported its call `session` up (`CallAccepted`).
    pub fn accepted(&self, who: NodeHandle<EpNode>, session: SessionId) -> usize {
        self.events_of(who, session)
            .iter()
            .filter(|e| matches!(e, Event::CallAccepted { .. }))
            .count()
    }

    /// The calls that reached `who`, in order: session, SDP offer,
    /// Replaces.
    pub fn incoming(
        &self,
        who: NodeHandle<EpNode>,
    ) -> Vec<(SessionId, Option<Bytes>, Option<String>)> {
        self.events(who)
            .into_iter()
            .filter_map(|e| match e {
                Event::IncomingCall {
                    session,
                    sdp_offer,
                    replaces,
                    ..
                } => Some((session, sdp_offer, replaces)),
                _ => None,
            })
            .collect()
    }

    /// `from` calls `target` offering `offer`.
    pub fn invite(
        &mut self,
        from: NodeHandle<EpNode>,
        target: &str,
        offer: Option<Bytes>,
    ) -> SessionId {
        self.act(from, |ep, now| {
            ep.invite(
                now,
                target,
                InviteOptions {
                    sdp: offer,
                    ..InviteOptions::default()
                },
            )
            .unwrap()
        })
    }

    /// Waits until `who` has had `n` incoming calls; the last one.
    #[track_caller]
    pub fn rung(&mut self, who: NodeHandle<EpNode>, n: usize) -> SessionId {
        self.wait(EXCHANGE, "the call arrives", |c| c.incoming(who).len() >= n);
        let calls = self.incoming(who);
        assert_eq!(
            calls.len(),
            n,
            "one IncomingCall per INVITE, however often resent"
        );
        calls[n - 1].0
    }

    /// `who` answers its incoming `session` with `answer`; waits until both
    /// sides report the call up.
    #[track_caller]
    pub fn answer(
        &mut self,
        who: NodeHandle<EpNode>,
        session: SessionId,
        answer: Option<Bytes>,
        caller: (NodeHandle<EpNode>, SessionId),
    ) {
        self.act(who, |ep, now| ep.accept(now, session, answer).unwrap());
        self.wait(EXCHANGE, "the call is up on both sides", |c| {
            c.accepted(who, session) > 0 && c.accepted(caller.0, caller.1) > 0
        });
    }

    /// An established call alice → bob (bob answers [`ANSWER`]).
    #[track_caller]
    pub fn alice_calls_bob(&mut self) -> (SessionId, SessionId) {
        let a = self.invite(self.alice, "sip:bob@10.0.0.3:5060", sdp(OFFER));
        let b = self.rung(self.bob, 1);
        self.answer(self.bob, b, sdp(ANSWER), (self.alice, a));
        (a, b)
    }

    /// `who` hangs up `session` and waits until `peer`'s call ended too.
    #[track_caller]
    pub fn hang_up(
        &mut self,
        who: NodeHandle<EpNode>,
        session: SessionId,
        peer: (NodeHandle<EpNode>, SessionId),
    ) {
        self.act(who, |ep, now| ep.hangup(now, session).unwrap());
        self.wait(EXCHANGE, "both sides end the call", |c| {
            !c.ended(who, session).is_empty() && !c.ended(peer.0, peer.1).is_empty()
        });
    }

    /// Runs every timer out (retransmissions, Timer J/K, lingering
    /// 2xx) and checks that nothing is left anywhere.
    #[track_caller]
    pub fn assert_clean(&mut self) {
        self.run(secs(90));
        for h in self.everyone() {
            let ep = &self.net.node(h).ep;
            let ctx = format!("{:?}\n{}", self.net.node(h).addr, self.net.report(60));
            assert_eq!(ep.calls(), 0, "calls left at {ctx}");
            assert_eq!(ep.transactions(), 0, "transactions left at {ctx}");
            assert_eq!(ep.timers_armed(), 0, "timers left at {ctx}");
        }
    }

    /// How many datagrams whose start line begins with `prefix` `from`
    /// sent (retransmissions included).
    pub fn sent(&self, from: NodeHandle<EpNode>, prefix: &str) -> usize {
        let at = self.net.node(from).addr;
        self.net
            .trace()
            .count(|e| e.from == at && !e.duplicate && e.first_line.starts_with(prefix))
    }
}

/// The session an event is about, if any.
pub fn session_of(e: &Event) -> Option<SessionId> {
    match e {
        Event::IncomingCall { session, .. }
        | Event::CallProgress { session, .. }
        | Event::CallAccepted { session, .. }
        | Event::AnswerNeeded { session, .. }
        | Event::CallUpdated { session, .. }
        | Event::CallUpdateFailed { session, .. }
        | Event::Dtmf { session, .. }
        | Event::TransferRequested { session, .. }
        | Event::TransferProgress { session, .. }
        | Event::CallEnded { session, .. } => Some(*session),
        _ => None,
    }
}

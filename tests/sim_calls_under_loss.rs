//! Call scenarios on the simulated network under 20 % loss on every link,
//! each a function of a seed and a link run on a perfect link too: a call
//! both ways hung up by the callee, CANCEL after a ringing and before any
//! provisional response, the CANCEL that crosses the 200, a reliable 180
//! and a reliable 183 with early SDP (PRACK), a 2xx whose ACKs are all
//! lost (BYE after 64·T1), and a BYE for a dialog the peer forgot (481).
//! Each asserts what the users see whatever was lost: the events on both
//! sides in order, exactly one `CallEnded` per call and side with its
//! reason, and nothing left behind. Waits are long enough for
//! retransmissions to beat loss (see `sim_loss_util`).

mod sim_loss_util;
mod support;

use sansip::endpoint::{EndReason, Event, SessionId};
use sim_loss_util::{
    lossless, lossy, ms, sdp, secs, Calls, ALICE_ANSWER, ANSWER, BOB_OFFER, EXCHANGE, OFFER,
};
use support::{EpNode, LinkConfig, NodeHandle};

/// The kinds of `who`'s events about `session`, in order, with the
/// provisional statuses (`progress 180`).
fn kinds(c: &Calls, who: NodeHandle<EpNode>, session: SessionId) -> Vec<String> {
    c.events_of(who, session)
        .iter()
        .map(|e| match e {
            Event::IncomingCall { .. } => "incoming".to_owned(),
            Event::CallProgress { status, .. } => format!("progress {status}"),
            Event::CallAccepted { .. } => "accepted".to_owned(),
            Event::CallEnded { .. } => "ended".to_owned(),
            other => format!("{other:?}"),
        })
        .collect()
}

/// `kinds` without the provisional responses a lossy link may swallow.
fn without_progress(k: &[String]) -> Vec<String> {
    k.iter()
        .filter(|k| !k.starts_with("progress"))
        .cloned()
        .collect()
}

// ---- a call both ways, the callee hangs up ------------------------------

/// `caller` calls `callee`, which rings (unreliably), answers and hangs up.
fn callee_hangs_up(seed: u64, link: LinkConfig, alice_calls: bool) {
    let mut c = Calls::new(seed, link.clone());
    let lossless = link.loss == 0.0;
    let (caller, callee, target, offer, answer) = if alice_calls {
        (c.alice, c.bob, "sip:bob@10.0.0.3:5060", OFFER, ANSWER)
    } else {
        (
            c.bob,
            c.alice,
            "sip:alice@10.0.0.2:5060",
            BOB_OFFER,
            ALICE_ANSWER,
        )
    };
    let out = c.invite(caller, target, sdp(offer));
    let inc = c.rung(callee, 1);
    assert_eq!(c.incoming(callee)[0].1, sdp(offer), "the offer arrived");
    c.act(callee, |ep, now| ep.progress(now, inc, 180, None).unwrap());
    // An unreliable 180 is resent only in answer to a resent INVITE, and
    // there is none once a response got through: it may be lost for good.
    c.run(ms(200));
    c.answer(callee, inc, sdp(answer), (caller, out));
    c.hang_up(callee, inc, (caller, out));
    c.assert_clean();

    let accepted: Vec<Event> = c
        .events_of(caller, out)
        .into_iter()
        .filter(|e| matches!(e, Event::CallAccepted { .. }))
        .collect();
    assert!(
        matches!(&accepted[..], [Event::CallAccepted { sdp: Some(s), fork: 1, .. }] if &s[..] == answer.as_bytes()),
        "{accepted:?}"
    );
    let heard = kinds(&c, caller, out);
    assert_eq!(without_progress(&heard), ["accepted", "ended"], "{heard:?}");
    let rang = heard.iter().filter(|k| *k == "progress 180").count();
    if lossless {
        assert_eq!(rang, 1, "{heard:?}");
    } else {
        assert!(rang <= 1, "{heard:?}");
    }
    assert_eq!(kinds(&c, callee, inc), ["incoming", "accepted", "ended"]);
    assert_eq!(c.ended(caller, out), [EndReason::RemoteHangup]);
    assert_eq!(c.ended(callee, inc), [EndReason::LocalHangup]);
}

#[test]
fn alice_calls_bob_who_hangs_up() {
    callee_hangs_up(100, lossless(), true);
}

#[test]
fn alice_calls_bob_who_hangs_up_under_twenty_percent_loss() {
    callee_hangs_up(101, lossy(), true);
}

#[test]
fn bob_calls_alice_who_hangs_up() {
    callee_hangs_up(102, lossless(), false);
}

#[test]
fn bob_calls_alice_who_hangs_up_under_twenty_percent_loss() {
    callee_hangs_up(103, lossy(), false);
}

// ---- CANCEL -------------------------------------------------------------

/// Bob rings (a reliable 180 when `reliable`, which survives loss; a plain
/// one, which may not, otherwise) and alice cancels: once her 180 arrived
/// when it is reliable, after a fixed 10 s otherwise.
///
/// With a plain 180 (bob's transaction sends no 100 Trying: he rang
/// within 200 ms) alice may have heard nothing by then. Her CANCEL then
/// waits for a provisional response (§9.1), which her INVITE
/// retransmissions draw out; should none arrive before Timer B (seven
/// INVITEs lost, or their 180s: about 4 in 10,000 runs), the RFC leaves
/// bob ringing until his user gives up, so the test checks that outcome
/// then.
fn cancel_after_180(seed: u64, link: LinkConfig, reliable: bool) {
    let mut c = Calls::new(seed, link.clone());
    let (alice, bob) = (c.alice, c.bob);
    let a = c.invite(alice, "sip:bob@10.0.0.3:5060", sdp(OFFER));
    let b = c.rung(bob, 1);
    c.act(bob, |ep, now| {
        if reliable {
            ep.progress_reliable(now, b, 180, None).unwrap()
        } else {
            ep.progress(now, b, 180, None).unwrap()
        }
    });
    if reliable {
        c.wait(EXCHANGE, "alice hears the reliable 180", |c| {
            kinds(c, alice, a).contains(&"progress 180".to_owned())
        });
    } else {
        c.run(secs(10));
    }
    let hung_up = c.net.elapsed();
    c.act(alice, |ep, now| ep.hangup(now, a).unwrap());
    let alice_at = c.net.node(alice).addr;
    let rang_before = c.net.trace().iter().any(|e| {
        e.to == alice_at && e.status() == Some(180) && e.delivered_at().is_some_and(|t| t < hung_up)
    });
    let heard_1xx = cancelled(&mut c, a, b);
    assert!(heard_1xx || (!reliable && link.loss > 0.0));
    // A 180 that arrives after the hangup only lets the CANCEL go: alice
    // does not hear a ringing call she ended.
    let heard = kinds(&c, alice, a);
    let rang = heard.iter().filter(|k| *k == "progress 180").count();
    assert_eq!(
        rang,
        usize::from(rang_before),
        "{heard:?} (hung up at {hung_up:?})"
    );
}

/// Once alice hung up her ringing call `a` (bob's `b`): her CANCEL leaves
/// with the first provisional response she hears, and both sides end the
/// call. Should no provisional response reach her before her INVITE
/// times out (Timer B: about 4 runs in 10,000 under 20 % loss), §9.1
/// forbids the CANCEL and bob rings on until his user declines. Returns
/// whether alice heard one.
fn cancelled(c: &mut Calls, a: SessionId, b: SessionId) -> bool {
    let (alice, bob) = (c.alice, c.bob);
    c.wait(EXCHANGE, "alice's call ends", |c| {
        !c.ended(alice, a).is_empty()
    });
    let alice_at = c.net.node(alice).addr;
    let heard_1xx = c
        .net
        .trace()
        .iter()
        .any(|e| e.to == alice_at && e.delivered() && e.status().is_some_and(|s| s < 200));
    if heard_1xx {
        c.wait(EXCHANGE, "bob's call ends", |c| !c.ended(bob, b).is_empty());
        assert!(c.sent(alice, "CANCEL") > 0);
    } else {
        assert_eq!(c.sent(alice, "CANCEL"), 0, "§9.1: no CANCEL before a 1xx");
        assert!(c.ended(bob, b).is_empty(), "bob rings on");
        c.act(bob, |ep, now| ep.hangup(now, b).unwrap());
    }
    // Bob cannot answer a cancelled call.
    c.act(bob, |ep, now| assert!(ep.accept(now, b, None).is_err()));
    c.assert_clean();

    let heard = kinds(c, alice, a);
    assert_eq!(without_progress(&heard), ["ended"], "{heard:?}");
    assert_eq!(c.ended(alice, a), [EndReason::Cancelled]);
    assert_eq!(kinds(c, bob, b), ["incoming", "ended"]);
    let bob_ended = if heard_1xx {
        EndReason::CancelledByCaller
    } else {
        EndReason::Declined { status: 603 }
    };
    assert_eq!(c.ended(bob, b), [bob_ended]);
    heard_1xx
}

#[test]
fn alice_cancels_after_a_reliable_180() {
    cancel_after_180(110, lossless(), true);
}

#[test]
fn alice_cancels_after_an_unreliable_180() {
    cancel_after_180(110, lossless(), false);
}

#[test]
fn alice_cancels_after_a_reliable_180_under_twenty_percent_loss() {
    cancel_after_180(111, lossy(), true);
}

#[test]
fn alice_cancels_after_an_unreliable_180_under_twenty_percent_loss() {
    cancel_after_180(112, lossy(), false);
}

/// Alice hangs up before the INVITE even left: the CANCEL waits for a
/// provisional response (§9.1), however long loss delays it.
fn cancel_before_any_provisional(seed: u64, link: LinkConfig) {
    let mut c = Calls::new(seed, link);
    let (alice, bob) = (c.alice, c.bob);
    let a = c.act(alice, |ep, now| {
        let id = ep
            .invite(now, "sip:bob@10.0.0.3:5060", Default::default())
            .unwrap();
        ep.hangup(now, id).unwrap();
        id
    });
    let b = c.rung(bob, 1);
    if cancelled(&mut c, a, b) {
        let trace = c.net.trace();
        let first_1xx = trace
            .iter()
            .filter(|e| e.from == c.net.node(bob).addr && e.status().is_some_and(|s| s < 200))
            .filter_map(|e| e.delivered_at())
            .min()
            .expect("a provisional response reached alice");
        let first_cancel = trace
            .iter()
            .find(|e| e.method() == Some("CANCEL"))
            .expect("a CANCEL")
            .sent;
        assert!(
            first_1xx <= first_cancel,
            "{first_1xx:?} > {first_cancel:?}"
        );
    }
}

#[test]
fn a_hangup_before_any_provisional_response_waits_for_one_to_cancel() {
    cancel_before_any_provisional(120, lossless());
}

#[test]
fn a_hangup_before_any_provisional_response_under_twenty_percent_loss() {
    cancel_before_any_provisional(121, lossy());
}

/// Bob answers; 5 ms later, with the 200 on the wire, alice hangs up:
/// her CANCEL crosses the 200, which she acknowledges and ends with BYE
/// (§9.1, §15).
fn cancel_crossing_the_200(seed: u64, link: LinkConfig) {
    let mut c = Calls::new(seed, link);
    let (alice, bob) = (c.alice, c.bob);
    let a = c.invite(alice, "sip:bob@10.0.0.3:5060", sdp(OFFER));
    let b = c.rung(bob, 1);
    c.act(bob, |ep, now| ep.progress(now, b, 180, None).unwrap());
    // Time for the 180 (or a resent one) to arrive, which lets the CANCEL
    // leave at once; should none have, the CANCEL waits and the 200 makes
    // it moot.
    c.run(secs(10));
    c.act(bob, |ep, now| ep.accept(now, b, sdp(ANSWER)).unwrap());
    c.run(ms(5));
    c.act(alice, |ep, now| ep.hangup(now, a).unwrap());
    c.wait(EXCHANGE, "both sides end the call", |c| {
        !c.ended(alice, a).is_empty() && !c.ended(bob, b).is_empty()
    });
    c.assert_clean();

    let alice_at = c.net.node(alice).addr;
    let first = |method: &str| {
        c.net
            .trace()
            .iter()
            .find(|e| e.from == alice_at && e.method() == Some(method))
            .unwrap_or_else(|| panic!("alice sent no {method}"))
            .seq
    };
    if kinds(&c, alice, a).contains(&"progress 180".to_owned()) {
        assert!(first("CANCEL") < first("ACK"));
    }
    assert!(first("ACK") < first("BYE"));
    assert_eq!(c.ended(alice, a), [EndReason::Cancelled]);
    // Bob's call came up (the ACK, or the BYE overtaking a lost ACK) and
    // ended by alice's BYE.
    assert_eq!(c.ended(bob, b), [EndReason::RemoteHangup]);
    let bob_heard = without_progress(&kinds(&c, bob, b));
    assert!(
        bob_heard == ["incoming", "accepted", "ended"] || bob_heard == ["incoming", "ended"],
        "{bob_heard:?}"
    );
}

#[test]
fn a_cancel_crossing_the_200_is_followed_by_ack_and_bye() {
    cancel_crossing_the_200(130, lossless());
}

#[test]
fn a_cancel_crossing_the_200_under_twenty_percent_loss() {
    cancel_crossing_the_200(131, lossy());
}

// ---- reliable provisional responses -------------------------------------

/// Bob sends a reliable `status` (with `early` SDP answering the offer,
/// if any); it is resent until alice's PRACK arrives, reported once, and
/// the call goes on: bob answers (no SDP when the 1xx answered), alice
/// hangs up, and the BYE's CSeq comes after the PRACK's.
fn reliable_provisional(seed: u64, link: LinkConfig, status: u16, early: Option<&'static str>) {
    let mut c = Calls::new(seed, link.clone());
    let (alice, bob) = (c.alice, c.bob);
    let a = c.invite(alice, "sip:bob@10.0.0.3:5060", sdp(OFFER));
    let b = c.rung(bob, 1);
    c.act(bob, |ep, now| {
        ep.progress_reliable(now, b, status, early.and_then(sdp))
            .unwrap()
    });
    let progress = format!("progress {status}");
    c.wait(EXCHANGE, "alice hears the reliable response", |c| {
        kinds(c, alice, a).contains(&progress)
    });
    // Long enough for the PRACK to beat loss.
    c.run(EXCHANGE);
    let bob_at = c.net.node(bob).addr;
    let first_prack = c
        .net
        .trace()
        .iter()
        .filter(|e| e.method() == Some("PRACK") && e.to == bob_at)
        .filter_map(|e| e.delivered_at())
        .min()
        .expect("a PRACK reached bob");
    let reliable_sent: Vec<_> = c
        .net
        .trace()
        .iter()
        .filter(|e| e.from == bob_at && e.status() == Some(status))
        .map(|e| e.sent)
        .collect();
    assert!(
        reliable_sent.iter().all(|&t| t <= first_prack),
        "resent after the PRACK: {reliable_sent:?} vs {first_prack:?}"
    );
    if link.loss == 0.0 {
        assert_eq!((reliable_sent.len(), c.sent(alice, "PRACK")), (1, 1));
    }
    let answer_in_200 = if early.is_some() { None } else { sdp(ANSWER) };
    c.answer(bob, b, answer_in_200, (alice, a));
    c.hang_up(alice, a, (bob, b));
    c.assert_clean();

    let heard: Vec<Event> = c
        .events_of(alice, a)
        .into_iter()
        .filter(|e| matches!(e, Event::CallProgress { status: s, .. } if *s == status))
        .collect();
    assert_eq!(
        heard.len(),
        1,
        "reported once however often resent: {heard:?}"
    );
    assert!(
        matches!(&heard[0], Event::CallProgress { sdp: got, .. } if *got == early.and_then(sdp)),
        "{heard:?}"
    );
    let accepted: Vec<Event> = c
        .events_of(alice, a)
        .into_iter()
        .filter(|e| matches!(e, Event::CallAccepted { .. }))
        .collect();
    assert!(
        matches!(&accepted[..], [Event::CallAccepted { sdp: Some(s), .. }] if &s[..] == ANSWER.as_bytes()),
        "the answer in force: {accepted:?}"
    );
    assert_eq!(
        without_progress(&kinds(&c, alice, a)),
        ["accepted", "ended"]
    );
    assert_eq!(c.ended(alice, a), [EndReason::LocalHangup]);
    assert_eq!(kinds(&c, bob, b), ["incoming", "accepted", "ended"]);
    assert_eq!(c.ended(bob, b), [EndReason::RemoteHangup]);
}

#[test]
fn a_reliable_180_is_pracked() {
    reliable_provisional(140, lossless(), 180, None);
}

#[test]
fn a_reliable_183_with_early_sdp_is_pracked() {
    reliable_provisional(140, lossless(), 183, Some(ANSWER));
}

#[test]
fn a_reliable_180_is_resent_until_pracked_under_twenty_percent_loss() {
    reliable_provisional(141, lossy(), 180, None);
}

#[test]
fn a_reliable_183_with_early_sdp_is_pracked_under_twenty_percent_loss() {
    reliable_provisional(142, lossy(), 183, Some(ANSWER));
}

// ---- failures -----------------------------------------------------------

/// Bob answers, and from then on nothing alice sends reaches him: every
/// ACK is lost, so 64·T1 after his 200 bob gives up and sends BYE
/// (§13.3.1.4). Alice's path comes back then, so the BYE is answered.
fn no_ack_ends_with_bye(seed: u64, link: LinkConfig) {
    let mut c = Calls::new(seed, link.clone());
    let (alice, bob) = (c.alice, c.bob);
    let a = c.invite(alice, "sip:bob@10.0.0.3:5060", sdp(OFFER));
    let b = c.rung(bob, 1);
    c.act(bob, |ep, now| ep.accept(now, b, sdp(ANSWER)).unwrap());
    c.net
        .link_one_way(alice, bob, LinkConfig::ideal(ms(10)).loss(1.0));
    c.wait(secs(40), "bob gives up on the ACK", |c| {
        c.sent(bob, "BYE") > 0
    });
    c.net.link_one_way(alice, bob, link);
    c.wait(EXCHANGE, "both sides end the call", |c| {
        !c.ended(alice, a).is_empty() && !c.ended(bob, b).is_empty()
    });
    c.assert_clean();

    let bob_at = c.net.node(bob).addr;
    let first = |pred: &dyn Fn(&support::TraceEntry) -> bool| {
        c.net
            .trace()
            .iter()
            .find(|e| e.from == bob_at && pred(e))
            .expect("sent")
            .sent
    };
    let ok = first(&|e| e.status() == Some(200));
    let bye = first(&|e| e.method() == Some("BYE"));
    assert_eq!(bye - ok, secs(32), "BYE after 64·T1");
    assert_eq!(kinds(&c, bob, b), ["incoming", "ended"]);
    assert_eq!(c.ended(bob, b), [EndReason::NoAck]);
    assert_eq!(
        without_progress(&kinds(&c, alice, a)),
        ["accepted", "ended"]
    );
    assert_eq!(c.ended(alice, a), [EndReason::RemoteHangup]);
}

#[test]
fn a_200_never_acknowledged_ends_with_bye_on_a_perfect_link() {
    no_ack_ends_with_bye(151, lossless());
}

#[test]
fn a_200_never_acknowledged_ends_with_bye_under_twenty_percent_loss() {
    no_ack_ends_with_bye(152, lossy());
}

/// Bob's device restarts mid-call and forgets it; alice's BYE gets 481
/// (§12.2.2) and her call ends all the same (§15.1.1: any final response
/// ends it).
fn bye_for_a_forgotten_dialog_gets_481(seed: u64, link: LinkConfig) {
    let mut c = Calls::new(seed, link);
    let (alice, bob) = (c.alice, c.bob);
    let (a, _b) = c.alice_calls_bob();
    // Let bob's 2xx retransmissions and Timer L run out, then restart him.
    c.run(EXCHANGE);
    let (start, seed) = (c.net.now(), c.net.fork_seed());
    let at = c.net.node(bob).addr;
    let restarted = c.net.trace().len();
    *c.net.node_mut(bob) = EpNode::new("sip:bob@10.0.0.3", at, seed, start, |_| {});
    c.act(alice, |ep, now| ep.hangup(now, a).unwrap());
    c.wait(EXCHANGE, "alice's call ends", |c| {
        !c.ended(alice, a).is_empty()
    });
    c.assert_clean();

    let answers: Vec<u16> = c.net.trace().entries()[restarted..]
        .iter()
        .filter(|e| e.from == at)
        .filter_map(|e| e.status())
        .collect();
    assert!(
        !answers.is_empty() && answers.iter().all(|&s| s == 481),
        "the restarted bob answers only 481s: {answers:?}"
    );
    assert_eq!(c.ended(alice, a), [EndReason::LocalHangup]);
    assert!(c.events(bob).is_empty(), "{:?}", c.events(bob));
}

#[test]
fn a_bye_for_a_dialog_the_peer_forgot_gets_481_on_a_perfect_link() {
    bye_for_a_forgotten_dialog_gets_481(161, lossless());
}

#[test]
fn a_bye_for_a_dialog_the_peer_forgot_gets_481_under_twenty_percent_loss() {
    bye_for_a_forgotten_dialog_gets_481(162, lossy());
}

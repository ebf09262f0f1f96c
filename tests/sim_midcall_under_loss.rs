//! What happens inside an established call, on the simulated network
//! under 20 % loss on every link (each scenario a function of a seed and a
//! link, run on a perfect link too): hold and resume by re-INVITE and by
//! UPDATE, re-INVITEs crossing on both sides (glare, resolved by the
//! §14.1 back-off), DTMF by INFO both ways, and transfers, blind and
//! attended (Replaces), end to end between three Endpoints. Each asserts
//! what the users see whatever was lost: the SDP directions, each
//! change reported once, digits in order and none twice, the transfer's
//! NOTIFY statuses, exactly one `CallEnded` per call and side, and
//! nothing left behind.

mod sim_loss_util;
mod support;

use std::time::Duration;

use bytes::Bytes;
use sansip::endpoint::{EndReason, Event, SessionId, SessionState};
use sim_loss_util::{lossless, lossy, sdp, secs, text, Calls, CAROL_ANSWER, EXCHANGE, OFFER};
use support::{EpNode, LinkConfig, NodeHandle};

/// The SDP of every `CallUpdated` `who` reported for `session`.
fn updates(c: &Calls, who: NodeHandle<EpNode>, session: SessionId) -> Vec<String> {
    c.events_of(who, session)
        .into_iter()
        .filter_map(|e| match e {
            Event::CallUpdated { sdp, .. } => Some(text(&sdp)),
            _ => None,
        })
        .collect()
}

fn failed_updates(c: &Calls, who: NodeHandle<EpNode>) -> Vec<Event> {
    c.events(who)
        .into_iter()
        .filter(|e| matches!(e, Event::CallUpdateFailed { .. }))
        .collect()
}

/// Waits until alice and bob each reported `n` changes of their call.
#[track_caller]
fn updated(c: &mut Calls, (a, b): (SessionId, SessionId), n: usize) {
    let (alice, bob) = (c.alice, c.bob);
    c.wait(EXCHANGE, "both sides see the change (or a failure)", |c| {
        let done = updates(c, alice, a).len() >= n && updates(c, bob, b).len() >= n;
        done || !failed_updates(c, alice).is_empty() || !failed_updates(c, bob).is_empty()
    });
    let failed = [failed_updates(c, alice), failed_updates(c, bob)];
    assert!(
        failed.iter().all(Vec::is_empty),
        "refused (alice, bob): {failed:?}\n{}",
        c.net.report(40)
    );
}

/// Alice hangs up, everything is run out, and each side ended once.
#[track_caller]
fn alice_hangs_up(c: &mut Calls, (a, b): (SessionId, SessionId)) {
    let (alice, bob) = (c.alice, c.bob);
    c.hang_up(alice, a, (bob, b));
    c.assert_clean();
    assert_eq!(c.ended(alice, a), [EndReason::LocalHangup]);
    assert_eq!(c.ended(bob, b), [EndReason::RemoteHangup]);
}

// ---- hold and resume -----------------------------------------------------

/// Alice holds and, `held_for` after both sides saw the hold, resumes, by
/// re-INVITE or (`by_update`) by UPDATE with her SDP made sendonly; bob
/// answers each offer by direction (RFC 3264 §8.4), and each change is
/// reported once on each side.
fn hold_and_resume(seed: u64, link: LinkConfig, by_update: bool, held_for: Duration) {
    let mut c = Calls::new(seed, link);
    let (alice, bob) = (c.alice, c.bob);
    let (a, b) = c.alice_calls_bob();
    let local = c.act(alice, |ep, _| text(&ep.local_sdp(a)));
    assert!(local.starts_with("v=0\r\no=alice 1 1 "), "{local}");
    c.act(alice, |ep, now| {
        if by_update {
            let held = local.replace("a=sendrecv\r\n", "") + "a=sendonly\r\n";
            ep.update(now, a, Bytes::from(held)).unwrap()
        } else {
            ep.hold(now, a).unwrap()
        }
    });
    updated(&mut c, (a, b), 1);
    if !by_update {
        assert!(c.act(alice, |ep, _| ep.is_on_hold(a)));
    }
    c.run(held_for);
    c.act(alice, |ep, now| {
        if by_update {
            ep.update(now, a, Bytes::from(local.clone())).unwrap()
        } else {
            ep.resume(now, a).unwrap()
        }
    });
    updated(&mut c, (a, b), 2);
    assert!(!c.act(alice, |ep, _| ep.is_on_hold(a)));
    alice_hangs_up(&mut c, (a, b));

    let offers = updates(&c, bob, b);
    let answers = updates(&c, alice, a);
    assert_eq!(
        (offers.len(), answers.len()),
        (2, 2),
        "{offers:?} {answers:?}"
    );
    assert!(
        offers[0].contains("a=sendonly") && offers[0].contains("o=alice 1 2 "),
        "{}",
        offers[0]
    );
    assert!(
        answers[0].contains("a=recvonly") && answers[0].contains("o=bob 1 2 "),
        "{}",
        answers[0]
    );
    assert!(
        !offers[1].contains("only") && offers[1].contains("o=alice 1 3 "),
        "{}",
        offers[1]
    );
    assert!(
        !answers[1].contains("only") && answers[1].contains("o=bob 1 3 "),
        "{}",
        answers[1]
    );
    if by_update {
        assert!(c.sent(alice, "UPDATE") >= 2);
    }
    assert!(failed_updates(&c, alice).is_empty() && failed_updates(&c, bob).is_empty());
}

#[test]
fn hold_and_resume_by_re_invite() {
    hold_and_resume(200, lossless(), false, Duration::ZERO);
}

/// On hold for 35 s: bob's 2xx to the hold has been acknowledged by then
/// (or has run out of retransmissions), whatever was lost.
#[test]
fn hold_and_resume_by_re_invite_under_twenty_percent_loss() {
    hold_and_resume(201, lossy(), false, secs(35));
}

/// Seed 201: the ACK for the hold's 2xx is lost and alice resumes at once.
/// Bob, still waiting for that ACK, takes the resume (its higher CSeq
/// shows alice has the 2xx) as the ACK, instead of answering 500 (RFC
/// 3261 §14.2 wants 500 only before the first INVITE's final response).
#[test]
fn a_prompt_resume_after_a_lost_ack_under_twenty_percent_loss() {
    hold_and_resume(201, lossy(), false, Duration::ZERO);
}

#[test]
fn hold_and_resume_by_update() {
    hold_and_resume(202, lossless(), true, Duration::ZERO);
}

#[test]
fn hold_and_resume_by_update_under_twenty_percent_loss() {
    hold_and_resume(203, lossy(), true, Duration::ZERO);
}

// ---- glare ---------------------------------------------------------------

/// Both hold at the same instant: the re-INVITEs cross, at least one side
/// gets 491 (both on a perfect link), and the §14.1 back-off retry puts
/// both on hold with no failure reported.
fn glare_resolves_by_retry(seed: u64, link: LinkConfig) {
    let mut c = Calls::new(seed, link.clone());
    let (alice, bob) = (c.alice, c.bob);
    let (a, b) = c.alice_calls_bob();
    c.act(alice, |ep, now| ep.hold(now, a).unwrap());
    c.act(bob, |ep, now| ep.hold(now, b).unwrap());
    // Each side: its own hold answered, and the peer's offer answered.
    updated(&mut c, (a, b), 2);
    let glares = c
        .net
        .trace()
        .count(|e| e.status() == Some(491) && !e.duplicate);
    if link.loss == 0.0 {
        assert_eq!(glares, 2, "both sides saw glare");
    } else {
        assert!(glares >= 1, "the re-INVITEs crossed");
    }
    assert!(c.act(alice, |ep, _| ep.is_on_hold(a)));
    assert!(c.act(bob, |ep, _| ep.is_on_hold(b)));
    alice_hangs_up(&mut c, (a, b));
    assert_eq!(updates(&c, alice, a).len(), 2);
    assert_eq!(updates(&c, bob, b).len(), 2);
    assert!(failed_updates(&c, alice).is_empty() && failed_updates(&c, bob).is_empty());
}

#[test]
fn glare_on_both_sides_resolves_by_the_back_off_retry() {
    glare_resolves_by_retry(210, lossless());
}

#[test]
fn glare_on_both_sides_under_twenty_percent_loss() {
    glare_resolves_by_retry(211, lossy());
}

/// Seed 1080: alice answers bob's retried re-INVITE 200 and its ACK is
/// lost when her own back-off retry is due: the retry waits until that
/// 2xx is acknowledged (§14.1: no new INVITE while one is in progress in
/// either direction), and a late ACK does not undo her offer.
#[test]
fn glare_retry_before_the_ack_of_the_peers_re_invite_under_twenty_percent_loss() {
    glare_resolves_by_retry(1080, lossy());
}

// ---- DTMF ----------------------------------------------------------------

fn digits(c: &Calls, who: NodeHandle<EpNode>) -> Vec<(char, u32)> {
    c.events(who)
        .into_iter()
        .filter_map(|e| match e {
            Event::Dtmf {
                digit, duration_ms, ..
            } => Some((digit, duration_ms)),
            _ => None,
        })
        .collect()
}

/// Alice sends `12#`, bob `5`, at once: one INFO per digit, each after
/// the one before completed, so every digit arrives once and in order
/// however often its INFO was resent.
fn dtmf_both_ways(seed: u64, link: LinkConfig) {
    let mut c = Calls::new(seed, link);
    let (alice, bob) = (c.alice, c.bob);
    let (a, b) = c.alice_calls_bob();
    c.act(alice, |ep, now| ep.send_dtmf(now, a, "12#", 160).unwrap());
    c.act(bob, |ep, now| ep.send_dtmf(now, b, "5", 100).unwrap());
    c.wait(EXCHANGE * 3, "every digit arrives", |c| {
        digits(c, bob).len() >= 3 && !digits(c, alice).is_empty()
    });
    alice_hangs_up(&mut c, (a, b));
    assert_eq!(digits(&c, bob), [('1', 160), ('2', 160), ('#', 160)]);
    assert_eq!(digits(&c, alice), [('5', 100)]);
}

#[test]
fn dtmf_by_info_both_ways() {
    dtmf_both_ways(220, lossless());
}

#[test]
fn dtmf_by_info_both_ways_under_twenty_percent_loss() {
    dtmf_both_ways(221, lossy());
}

// ---- transfer ------------------------------------------------------------

/// The statuses of the transfer progress `who` heard for `session`.
fn transfer_statuses(c: &Calls, who: NodeHandle<EpNode>, session: SessionId) -> Vec<u16> {
    c.events_of(who, session)
        .into_iter()
        .filter_map(|e| match e {
            Event::TransferProgress { status, .. } => Some(status),
            _ => None,
        })
        .collect()
}

/// What the referrer hears (the `TransferProgress` contract): the REFER's
/// 202 first, then the new call's statuses as the transferee reports them
/// (a 100 Trying, unless loss delays its NOTIFY past the final one, which
/// then ends the subscription), the 200 last.
#[track_caller]
fn assert_transfer_reported(statuses: &[u16], lossless: bool) {
    if lossless {
        assert_eq!(statuses, [202, 100, 200]);
    } else {
        assert!(
            statuses == [202, 100, 200] || statuses == [202, 200],
            "{statuses:?}"
        );
    }
}

/// Bob transfers alice to carol (REFER); alice calls carol, who answers;
/// bob hears the progress and hangs up on alice; alice and carol talk,
/// then carol hangs up.
fn blind_transfer(seed: u64, link: LinkConfig) {
    let mut c = Calls::new(seed, link.clone());
    let (alice, bob) = (c.alice, c.bob);
    let carol = c.add_carol();
    let (ab, ba) = c.alice_calls_bob();
    c.act(bob, |ep, now| {
        ep.refer(now, ba, "sip:carol@10.0.0.4:5060").unwrap()
    });
    let asked = |c: &Calls| {
        c.events(alice)
            .into_iter()
            .filter_map(|e| match e {
                Event::TransferRequested {
                    session,
                    target,
                    referred_by,
                } => Some((session, target, referred_by)),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    c.wait(EXCHANGE, "alice is asked", |c| !asked(c).is_empty());
    assert_eq!(
        asked(&c),
        [(
            ab,
            "sip:carol@10.0.0.4:5060".to_owned(),
            Some("sip:bob@10.0.0.3".to_owned())
        )]
    );
    let ac = c.act(alice, |ep, now| ep.accept_transfer(now, ab).unwrap());
    let ca = c.rung(carol, 1);
    c.answer(carol, ca, sdp(CAROL_ANSWER), (alice, ac));
    c.wait(EXCHANGE, "bob hears that the transfer succeeded", |c| {
        transfer_statuses(c, bob, ba).contains(&200)
    });
    c.hang_up(bob, ba, (alice, ab));
    assert_eq!(
        c.act(alice, |ep, _| ep.session(ac)),
        Some(SessionState::Confirmed),
        "alice's call with carol goes on"
    );
    c.hang_up(carol, ca, (alice, ac));
    c.assert_clean();

    let notifies = c.sent(alice, "NOTIFY");
    let statuses = transfer_statuses(&c, bob, ba);
    assert_transfer_reported(&statuses, link.loss == 0.0);
    if link.loss == 0.0 {
        assert_eq!(notifies, 2, "100 Trying, then 200 OK");
    }
    let offer = text(&c.incoming(carol)[0].1);
    assert!(offer.contains("m=audio 4000 "), "alice's offer: {offer}");
    assert_eq!(c.ended(alice, ab), [EndReason::RemoteHangup]);
    assert_eq!(c.ended(bob, ba), [EndReason::LocalHangup]);
    assert_eq!(c.ended(alice, ac), [EndReason::RemoteHangup]);
    assert_eq!(c.ended(carol, ca), [EndReason::LocalHangup]);
    assert_eq!(c.accepted(alice, ac), 1);
}

#[test]
fn blind_transfer_end_to_end() {
    blind_transfer(230, lossless());
}

#[test]
fn blind_transfer_end_to_end_under_twenty_percent_loss() {
    blind_transfer(232, lossy());
}

/// Seed 231: alice's 202 to the REFER is lost; her NOTIFYs (100, then 200
/// terminating the subscription) reach bob before the resent 202. The
/// first NOTIFY stands for the acceptance (RFC 6665 §4.1.2.4): bob reports
/// 202, 100, 200, and nothing for the late 202.
#[test]
fn blind_transfer_whose_202_is_overtaken_by_the_notifies_under_twenty_percent_loss() {
    blind_transfer(231, lossy());
}

/// Call A: alice → bob; call B: bob → carol. Bob asks alice to call carol
/// in place of B (REFER with Replaces); carol answers the new call C, and
/// B ends (carol: replaced, bob: hung up on). Bob hangs up A; alice and
/// carol talk, then alice hangs up.
fn attended_transfer(seed: u64, link: LinkConfig) {
    let mut c = Calls::new(seed, link.clone());
    let (alice, bob) = (c.alice, c.bob);
    let carol = c.add_carol();
    let (alice_a, bob_a) = c.alice_calls_bob();
    let bob_b = c.invite(bob, "sip:carol@10.0.0.4:5060", sdp(OFFER));
    let carol_b = c.rung(carol, 1);
    c.answer(carol, carol_b, sdp(CAROL_ANSWER), (bob, bob_b));
    c.act(bob, |ep, now| {
        ep.refer_with_replaces(now, bob_a, bob_b).unwrap()
    });
    let asked = |c: &Calls| {
        c.events(alice)
            .into_iter()
            .filter_map(|e| match e {
                Event::TransferRequested {
                    session, target, ..
                } => Some((session, target)),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    c.wait(EXCHANGE, "alice is asked", |c| !asked(c).is_empty());
    let asked = asked(&c);
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].0, alice_a);
    assert!(
        asked[0].1.starts_with("sip:carol@10.0.0.4:5060?Replaces="),
        "{}",
        asked[0].1
    );
    let alice_c = c.act(alice, |ep, now| ep.accept_transfer(now, alice_a).unwrap());
    let carol_c = c.rung(carol, 2);
    let replaces = c.incoming(carol)[1].2.clone();
    assert!(
        replaces
            .as_deref()
            .is_some_and(|r| r.contains("to-tag=") && r.contains("from-tag=")),
        "{replaces:?}"
    );
    assert_eq!(c.act(carol, |ep, _| ep.replaces(carol_c)), Some(carol_b));
    c.answer(carol, carol_c, sdp(CAROL_ANSWER), (alice, alice_c));
    c.wait(EXCHANGE, "call B ends on both sides", |c| {
        !c.ended(carol, carol_b).is_empty() && !c.ended(bob, bob_b).is_empty()
    });
    c.wait(EXCHANGE, "bob hears that the transfer succeeded", |c| {
        transfer_statuses(c, bob, bob_a).contains(&200)
    });
    c.hang_up(bob, bob_a, (alice, alice_a));
    c.hang_up(alice, alice_c, (carol, carol_c));
    c.assert_clean();

    assert_transfer_reported(&transfer_statuses(&c, bob, bob_a), link.loss == 0.0);
    assert_eq!(c.ended(carol, carol_b), [EndReason::Replaced]);
    assert_eq!(
        c.ended(bob, bob_b),
        [EndReason::RemoteHangup],
        "call B ended by carol"
    );
    assert_eq!(c.ended(alice, alice_a), [EndReason::RemoteHangup]);
    assert_eq!(c.ended(bob, bob_a), [EndReason::LocalHangup]);
    assert_eq!(c.ended(alice, alice_c), [EndReason::LocalHangup]);
    assert_eq!(c.ended(carol, carol_c), [EndReason::RemoteHangup]);
    assert_eq!(
        (c.accepted(alice, alice_c), c.accepted(carol, carol_c)),
        (1, 1)
    );
}

#[test]
fn attended_transfer_with_replaces() {
    attended_transfer(240, lossless());
}

#[test]
fn attended_transfer_with_replaces_under_twenty_percent_loss() {
    attended_transfer(241, lossy());
}

/// Seed 244: as for the blind transfer, the NOTIFYs overtake the 202.
#[test]
fn attended_transfer_whose_202_is_overtaken_by_the_notifies_under_twenty_percent_loss() {
    attended_transfer(244, lossy());
}

//! Session timers (RFC 4028) on the simulated network under 20 % loss on
//! every link (each scenario a function of a seed and a link, run on a
//! perfect link too): the caller refreshes by UPDATE at half the interval
//! and the call stays up however often a refresh is resent, a session
//! nobody refreshes is ended with BYE before it runs out, and a 422 is
//! retried once with the callee's Min-SE.

mod sim_loss_util;
mod support;

use std::time::Duration;

use sansip::endpoint::{EndReason, Event, InviteOptions, SessionId};
use sansip::message::HeaderName;
use sansip::usage::session_timer::SessionTimerConfig;
use sim_loss_util::{lossless, lossy, ms, sdp, secs, Calls, ANSWER, EXCHANGE, OFFER};
use support::{LinkConfig, TraceEntry};

fn timer(expires: u32, min_se: u32) -> Option<SessionTimerConfig> {
    Some(SessionTimerConfig { expires, min_se })
}

/// Alice calls bob with `extra` headers; bob answers; both see the call up.
fn call(c: &mut Calls, extra: Vec<(String, String)>) -> (SessionId, SessionId) {
    let a = c.act(c.alice, |ep, now| {
        ep.invite(
            now,
            "sip:bob@10.0.0.3:5060",
            InviteOptions {
                sdp: sdp(OFFER),
                extra_headers: extra,
            },
        )
        .unwrap()
    });
    let b = c.rung(c.bob, 1);
    c.answer(c.bob, b, sdp(ANSWER), (c.alice, a));
    (a, b)
}

/// A header of a traced message, as text.
fn header(e: &TraceEntry, name: HeaderName) -> String {
    e.message()
        .and_then(|m| m.raw(name).map(|v| String::from_utf8_lossy(v).into_owned()))
        .unwrap_or_default()
}

/// When each request `method` from `from` was first sent (one entry per
/// CSeq: retransmissions left out).
fn first_sends(c: &Calls, from: std::net::SocketAddr, method: &str) -> Vec<(Duration, String)> {
    let mut seen: Vec<(Duration, String)> = Vec::new();
    for e in c.net.trace().iter() {
        if e.from == from && e.method() == Some(method) && !e.duplicate {
            let cseq = header(e, HeaderName::CSeq);
            if !seen.iter().any(|(_, s)| *s == cseq) {
                seen.push((e.sent, cseq));
            }
        }
    }
    seen
}

/// Alice asks for 120 s and refreshes every 60 s by UPDATE (bob allows
/// it); each refresh is one transaction however often it is resent, the
/// next one leaves 60 s after the 2xx to the last, and the call stays up
/// for 400 s without a media change reported.
fn refreshed_by_update(seed: u64, link: LinkConfig) {
    let mut c = Calls::with(seed, link, |c| c.session_timer = timer(120, 90), |_| {});
    let (alice, bob) = (c.alice, c.bob);
    let (a, b) = call(&mut c, vec![]);
    c.run(secs(400));
    assert!(
        c.ended(alice, a).is_empty() && c.ended(bob, b).is_empty(),
        "the call is still up\n{}",
        c.net.report(40)
    );
    let refreshes = first_sends(&c, c.net.node(alice).addr, "UPDATE");
    assert!(refreshes.len() >= 6, "{refreshes:?}");
    let alice_at = c.net.node(alice).addr;
    for w in refreshes.windows(2) {
        // The next refresh is due 60 s after the 2xx to this one, which
        // the answer's losses may delay.
        let answered = c
            .net
            .trace()
            .iter()
            .filter(|e| {
                e.to == alice_at && e.status() == Some(200) && header(e, HeaderName::CSeq) == w[0].1
            })
            .filter_map(TraceEntry::delivered_at)
            .min()
            .expect("each refresh was answered");
        let gap = w[1].0 - answered;
        assert!((secs(59)..=secs(61)).contains(&gap), "{gap:?} after {w:?}");
    }
    let changes = |who| {
        c.events(who)
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    Event::CallUpdated { .. } | Event::CallUpdateFailed { .. }
                )
            })
            .count()
    };
    assert_eq!(
        (changes(alice), changes(bob)),
        (0, 0),
        "refreshes are not media changes"
    );
    c.hang_up(alice, a, (bob, b));
    c.assert_clean();
    assert_eq!(c.ended(alice, a), [EndReason::LocalHangup]);
    assert_eq!(c.ended(bob, b), [EndReason::RemoteHangup]);
}

#[test]
fn the_caller_refreshes_by_update_at_half_the_interval() {
    refreshed_by_update(300, lossless());
}

#[test]
fn the_caller_refreshes_by_update_under_twenty_percent_loss() {
    refreshed_by_update(301, lossy());
}

/// Alice asks bob to refresh (120 s) and has no timer of her own; once the
/// call is up nothing bob sends reaches her, so she ends the session with
/// BYE 32 s before it would run out (§10: 88 s after the 2xx).
fn unrefreshed_session_expires(seed: u64, link: LinkConfig) {
    let mut c = Calls::with(seed, link, |c| c.session_timer = None, |_| {});
    let (alice, bob) = (c.alice, c.bob);
    let extra = vec![
        ("Supported".to_owned(), "timer".to_owned()),
        ("Session-Expires".to_owned(), "120;refresher=uas".to_owned()),
    ];
    let (a, b) = call(&mut c, extra);
    c.net
        .link_one_way(bob, alice, LinkConfig::ideal(ms(10)).loss(1.0));
    c.wait(secs(120), "alice ends the session", |c| {
        !c.ended(alice, a).is_empty()
    });
    c.wait(EXCHANGE * 2, "bob's call ends", |c| {
        !c.ended(bob, b).is_empty()
    });
    c.assert_clean();

    let (alice_at, bob_at) = (c.net.node(alice).addr, c.net.node(bob).addr);
    let up = c
        .net
        .trace()
        .iter()
        .filter(|e| e.from == bob_at && e.status() == Some(200))
        .filter_map(TraceEntry::delivered_at)
        .min()
        .expect("the 2xx reached alice");
    let bye = c
        .net
        .trace()
        .iter()
        .find(|e| e.from == alice_at && e.method() == Some("BYE"))
        .expect("alice sent BYE")
        .sent;
    assert!(
        (secs(88)..=secs(89)).contains(&(bye - up)),
        "{:?}",
        bye - up
    );
    assert_eq!(c.ended(alice, a), [EndReason::SessionExpired]);
    // Bob hears the BYE, or (all of it lost) his own refresh times out.
    let bob_ended = c.ended(bob, b);
    assert_eq!(bob_ended.len(), 1, "{bob_ended:?}");
}

#[test]
fn a_session_nobody_refreshes_is_ended_before_it_runs_out() {
    unrefreshed_session_expires(310, lossless());
}

#[test]
fn a_session_nobody_refreshes_is_ended_under_twenty_percent_loss() {
    unrefreshed_session_expires(311, lossy());
}

/// Alice asks for 120 s, bob wants at least 300 s: his 422 is retried
/// once with Session-Expires 300, which he accepts; his user hears of the
/// call once.
fn too_small_interval_retried(seed: u64, link: LinkConfig) {
    let mut c = Calls::with(
        seed,
        link,
        |c| c.session_timer = timer(120, 90),
        |c| c.session_timer = timer(1800, 300),
    );
    let (alice, bob) = (c.alice, c.bob);
    let (a, b) = call(&mut c, vec![]);
    let alice_at = c.net.node(alice).addr;
    let invites = first_sends(&c, alice_at, "INVITE");
    assert_eq!(invites.len(), 2, "the INVITE and one retry: {invites:?}");
    let refused = c
        .net
        .trace()
        .iter()
        .filter(|e| e.status() == Some(422))
        .filter_map(TraceEntry::delivered_at)
        .min()
        .expect("a 422 reached alice");
    let retry = c
        .net
        .trace()
        .iter()
        .find(|e| e.from == alice_at && header(e, HeaderName::CSeq) == invites[1].1)
        .expect("the retry");
    assert!(retry.sent >= refused, "the retry follows the 422");
    let se = header(retry, HeaderName::SessionExpires);
    assert!(se.starts_with("300"), "{se}");
    c.hang_up(alice, a, (bob, b));
    c.assert_clean();
    assert_eq!(
        c.incoming(bob).len(),
        1,
        "the refused INVITE never reached bob's user"
    );
    assert_eq!((c.accepted(alice, a), c.accepted(bob, b)), (1, 1));
    assert_eq!(c.ended(alice, a), [EndReason::LocalHangup]);
    assert_eq!(c.ended(bob, b), [EndReason::RemoteHangup]);
}

#[test]
fn an_interval_below_the_callees_minimum_gets_422_and_one_retry() {
    too_small_interval_retried(320, lossless());
}

#[test]
fn an_interval_below_the_callees_minimum_under_twenty_percent_loss() {
    too_small_interval_retried(321, lossy());
}

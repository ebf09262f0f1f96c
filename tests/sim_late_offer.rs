//! The INVITE without SDP (RFC 3261 §13.2.1, RFC 3264 "late offer")
//! between two Endpoints on the simulated network: the callee offers in
//! its 200 and the caller's ACK answers, made by sansip from
//! `Config::media` or by the application through `Event::AnswerNeeded` and
//! `Endpoint::answer`. With and without 20 % loss: the 200 is resent
//! until the ACK with the answer gets through.

mod sim_loss_util;
mod support;

use bytes::Bytes;
use sansip::endpoint::{EndReason, Event};
use sansip::sdp::{Capabilities, Codec, MediaCapability, Sdp};
use sim_loss_util::*;
use support::LinkConfig;

fn media(port: u16) -> Capabilities {
    Capabilities {
        address: "10.0.0.2".into(),
        media: vec![MediaCapability::new(
            "audio",
            port,
            vec![Codec::new("PCMA", 8000), Codec::new("PCMU", 8000)],
        )],
    }
}

/// `auto`: alice has `Config::media` and answers by herself; else the
/// application answers on `AnswerNeeded`.
fn late_offer(seed: u64, link: LinkConfig, auto: bool) {
    let mut c = Calls::with(
        seed,
        link,
        |cfg| {
            if auto {
                cfg.media = Some(media(7000));
            }
        },
        |_| {},
    );
    let a = c.invite(c.alice, "sip:bob@10.0.0.3:5060", None);
    let (b, offer) = {
        let b = c.rung(c.bob, 1);
        (b, c.incoming(c.bob)[0].1.clone())
    };
    assert!(offer.is_none(), "no offer in the INVITE");
    // Bob offers in his 200.
    c.act(c.bob, |ep, now| ep.accept(now, b, sdp(BOB_OFFER)).unwrap());
    if !auto {
        c.wait(EXCHANGE, "alice is asked for an answer", |c| {
            c.events(c.alice)
                .iter()
                .any(|e| matches!(e, Event::AnswerNeeded { .. }))
        });
        let offer = c
            .events(c.alice)
            .into_iter()
            .find_map(|e| match e {
                Event::AnswerNeeded { offer, .. } => Some(offer),
                _ => None,
            })
            .unwrap();
        assert_eq!(offer, BOB_OFFER.as_bytes());
        c.act(c.alice, |ep, now| {
            ep.answer(now, a, Bytes::from_static(ALICE_ANSWER.as_bytes()))
                .unwrap()
        });
    }
    c.wait(EXCHANGE, "the call is up on both sides", |c| {
        c.accepted(c.alice, a) > 0 && c.accepted(c.bob, b) > 0
    });
    // Bob's CallAccepted carries alice's answer from the ACK.
    let answer = c
        .events(c.bob)
        .into_iter()
        .find_map(|e| match e {
            Event::CallAccepted { sdp, .. } => sdp,
            _ => None,
        })
        .expect("the answer");
    let answer = Sdp::parse(answer).expect("an SDP answer");
    let port = if auto { 7000 } else { 4000 };
    assert_eq!(answer.media()[0].port(), port);
    if auto {
        // The offerer's first codec we share: PCMU (bob offers only it).
        assert_eq!(answer.media()[0].formats().collect::<Vec<_>>(), ["0"]);
    }
    assert_eq!(
        c.net.node(c.bob).ep.remote_sdp(b).map(|s| s.len()),
        Some(answer.to_bytes().len())
    );
    c.hang_up(c.alice, a, (c.bob, b));
    assert_eq!(c.ended(c.alice, a), [EndReason::LocalHangup]);
    assert_eq!(c.ended(c.bob, b), [EndReason::RemoteHangup]);
    c.assert_clean();
}

#[test]
fn a_late_offer_answered_from_the_configured_media() {
    late_offer(71, lossless(), true);
}

#[test]
fn a_late_offer_answered_from_the_configured_media_under_twenty_percent_loss() {
    late_offer(72, lossy(), true);
}

#[test]
fn a_late_offer_answered_by_the_application() {
    late_offer(73, lossless(), false);
}

#[test]
fn a_late_offer_answered_by_the_application_under_twenty_percent_loss() {
    late_offer(74, lossy(), false);
}

//! The dialog event package (RFC 4235) end to end, a busy-lamp field:
//! carol watches alice (`SUBSCRIBE Event: dialog`); alice serves her
//! calls' state with `Endpoint::dialog_info` and `notify_dialog_info`;
//! carol reads the documents with `body::dialog_info` and sees alice idle,
//! calling, talking and idle again. Also a typed presence document (RFC
//! 3863) notified and read back. With and without 20 % loss.

mod sim_loss_util;
mod support;

use sansip::body::dialog_info::{DialogInfo, DialogState, Direction};
use sansip::body::pidf::{Basic, Presence};
use sansip::endpoint::{Event, SubState, SubscriptionId};
use sim_loss_util::*;
use support::{EpNode, LinkConfig, NodeHandle};

/// What carol's notifications said, in order: the dialog documents, read.
fn documents(c: &Calls, carol: NodeHandle<EpNode>) -> Vec<DialogInfo> {
    c.events(carol)
        .into_iter()
        .filter_map(|e| match e {
            Event::Notification {
                content_type,
                body: Some(body),
                ..
            } => {
                assert_eq!(content_type.as_deref(), Some("application/dialog-info+xml"));
                Some(DialogInfo::parse(body).expect("a dialog-info document"))
            }
            _ => None,
        })
        .collect()
}

/// Carol subscribes to alice's dialogs; alice accepts. Returns alice's
/// side of the subscription.
fn watched(c: &mut Calls, event: &str, accept: &str) -> SubscriptionId {
    let carol = c.add_carol();
    c.act(carol, |ep, now| {
        ep.subscribe(now, "sip:alice@10.0.0.2:5060", event, accept, 600)
            .unwrap()
    });
    c.wait(secs(32), "alice is asked", |c| {
        c.events(c.alice)
            .iter()
            .any(|e| matches!(e, Event::SubscriptionRequested { .. }))
    });
    let theirs = c
        .events(c.alice)
        .into_iter()
        .find_map(|e| match e {
            Event::SubscriptionRequested { subscription, .. } => Some(subscription),
            _ => None,
        })
        .unwrap();
    c.act(c.alice, |ep, now| {
        ep.accept_subscription(now, theirs, 600).unwrap()
    });
    theirs
}

fn busy_lamp(seed: u64, link: LinkConfig) {
    let mut c = Calls::new(seed, link);
    let sub = watched(&mut c, "dialog", "application/dialog-info+xml");
    let carol = c.carol();
    let mut version = 0;
    let mut notify = |c: &mut Calls, want: usize| {
        c.act(c.alice, |ep, now| {
            let info = ep.dialog_info(version);
            ep.notify_dialog_info(now, sub, SubState::Active, &info)
                .unwrap()
        });
        version += 1;
        c.wait(secs(32), "carol hears it", |c| {
            documents(c, carol).len() >= want
        });
    };
    notify(&mut c, 1);
    let a = c.invite(c.alice, "sip:bob@10.0.0.3:5060", sdp(OFFER));
    notify(&mut c, 2);
    let b = c.rung(c.bob, 1);
    c.answer(c.bob, b, sdp(ANSWER), (c.alice, a));
    notify(&mut c, 3);
    c.hang_up(c.alice, a, (c.bob, b));
    notify(&mut c, 4);

    let docs = documents(&c, carol);
    assert_eq!(docs.len(), 4, "{docs:?}");
    assert!(docs[0].is_idle(), "no call yet");
    let calling = &docs[1].dialogs[0];
    assert!(matches!(
        calling.state,
        DialogState::Trying | DialogState::Proceeding
    ));
    assert_eq!(calling.direction, Some(Direction::Initiator));
    let talking = &docs[2].dialogs[0];
    assert_eq!(talking.state, DialogState::Confirmed);
    assert_eq!(
        talking.remote.as_ref().and_then(|r| r.uri()),
        Some("sip:bob@10.0.0.3:5060")
    );
    assert!(talking.remote_tag.is_some(), "the dialog's tags once up");
    assert!(docs[3].is_idle(), "the call is over");
    // Versions count up, one per document (RFC 4235 §4.1).
    let versions: Vec<u64> = docs.iter().map(|d| d.version).collect();
    assert_eq!(versions, [0, 1, 2, 3]);
}

#[test]
fn a_busy_lamp_follows_alices_call() {
    busy_lamp(61, lossless());
}

#[test]
fn a_busy_lamp_under_twenty_percent_loss() {
    busy_lamp(62, lossy());
}

#[test]
fn a_typed_presence_document_is_notified_and_read_back() {
    let mut c = Calls::new(63, lossless());
    let sub = watched(&mut c, "presence", "application/pidf+xml");
    let carol = c.carol();
    let doc = Presence::builder("sip:alice@10.0.0.2", Basic::Open)
        .contact("sip:alice@10.0.0.2:5060")
        .note("In a meeting")
        .build();
    c.act(c.alice, |ep, now| {
        ep.notify_presence(now, sub, SubState::Active, &doc)
            .unwrap()
    });
    c.wait(secs(5), "carol hears it", |c| {
        c.events(carol)
            .iter()
            .any(|e| matches!(e, Event::Notification { body: Some(_), .. }))
    });
    let body = c
        .events(carol)
        .into_iter()
        .find_map(|e| match e {
            Event::Notification { body: Some(b), .. } => Some(b),
            _ => None,
        })
        .unwrap();
    let got = Presence::parse(body).unwrap();
    assert!(got.is_open());
    assert_eq!(got.tuples[0].notes[0].text.as_str(), "In a meeting");
}

//! RFC 3264 offer/answer scenarios through `Negotiation`: the answer picks
//! the first common codec with the offerer's payload type, rejects with
//! port 0, answers directions per RFC 3264 §6.1; hold and resume; rollback
//! after a failed re-INVITE; `o=` versions; glare; the offer in a 2xx.

use bytes::Bytes;
use sansip::sdp::*;

fn sdp(text: &str) -> Sdp {
    Sdp::parse(Bytes::copy_from_slice(text.as_bytes())).unwrap()
}

/// A desk phone's offer: PCMA first, then PCMU (static, no rtpmap), DTMF
/// on 101, and a video stream.
fn phone_offer(dir: &str) -> Sdp {
    sdp(&format!(
        "v=0\r\no=phone 100 100 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n\
         m=audio 4000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n\
         a=fmtp:101 0-15\r\na={dir}\r\nm=video 4002 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
    ))
}

fn audio_caps() -> Capabilities {
    Capabilities {
        address: "198.51.100.20".into(),
        media: vec![MediaCapability::new(
            "audio",
            5000,
            vec![
                Codec::new("opus", 48000).with_channels(2),
                Codec::new("pcmu", 8000),
                Codec::new("PCMA", 8000),
                Codec::new("telephone-event", 8000),
            ],
        )],
    }
}

fn local_offer() -> Sdp {
    let o = Origin {
        username: "-",
        session_id: "1",
        session_version: 99,
        net_type: "IN",
        addr_type: "IP4",
        address: "198.51.100.20",
    };
    let mut s = Sdp::new(&o, "-").unwrap();
    s.push_line('c', "IN IP4 198.51.100.20").unwrap();
    let mut m = Media::new("audio", 5000, "RTP/AVP", &["0", "101"]).unwrap();
    m.push_attribute("rtpmap", Some("101 telephone-event/8000"))
        .unwrap();
    m.set_direction(Direction::SendRecv);
    s.push_media(m);
    s
}

fn answer_to(offer: &Sdp, dir: Direction) -> Sdp {
    let mut a = offer.clone();
    for m in a.media_iter_mut() {
        m.set_direction(dir);
    }
    a
}

#[test]
fn answer_picks_the_first_common_codec_keeping_the_offered_payload_type() {
    let mut neg = Negotiation::new("-", 42, "198.51.100.20");
    assert_eq!(
        neg.receive(phone_offer("sendrecv")).unwrap(),
        Received::Offer
    );
    assert_eq!(neg.state(), NegotiationState::HaveRemoteOffer);
    let answer = neg.create_answer(&audio_caps()).unwrap();
    let audio = &answer.media()[0];
    // PCMA is the offerer's first choice and ours too; DTMF rides along.
    assert_eq!(audio.formats().collect::<Vec<_>>(), ["8", "101"]);
    assert_eq!(audio.port(), 5000);
    let maps: Vec<Rtpmap> = audio.attrs::<Rtpmap>().map(Result::unwrap).collect();
    assert_eq!((maps[0].payload_type, maps[0].encoding), (8, "PCMA"));
    assert_eq!(
        (maps[1].payload_type, maps[1].encoding),
        (101, "telephone-event")
    );
    assert_eq!(audio.attr::<Fmtp>().unwrap().unwrap().params, "0-15");
    assert_eq!(audio.direction(), Some(Direction::SendRecv));
    assert_eq!(
        answer.connection().unwrap().unwrap().address,
        "198.51.100.20"
    );
    assert_eq!(neg.state(), NegotiationState::Stable);
    assert_eq!(neg.offerer(), Some(Party::Remote));
    assert_eq!(neg.local_description(), Some(&answer));

    // With PCMA gone from our side, the static PCMU (no rtpmap) is chosen.
    let mut caps = audio_caps();
    caps.media[0].codecs.retain(|c| c.name != "PCMA");
    let mut neg = Negotiation::new("-", 42, "198.51.100.20");
    neg.set_remote_offer(phone_offer("sendrecv")).unwrap();
    let answer = neg.create_answer(&caps).unwrap();
    assert_eq!(
        answer.media()[0].formats().collect::<Vec<_>>(),
        ["0", "101"]
    );
    let answer = Sdp::parse(answer.to_bytes()).unwrap();
    assert_eq!(
        answer.media()[0]
            .attr::<Rtpmap>()
            .unwrap()
            .unwrap()
            .encoding,
        "PCMU"
    );
}

#[test]
fn streams_with_nothing_in_common_are_rejected_with_port_zero() {
    let mut neg = Negotiation::new("-", 42, "198.51.100.20");
    neg.set_remote_offer(phone_offer("sendrecv")).unwrap();
    let answer = neg.create_answer(&audio_caps()).unwrap();
    assert_eq!(
        answer.media().len(),
        2,
        "one answer section per offered one"
    );
    let video = &answer.media()[1];
    assert!(video.is_rejected());
    assert_eq!((video.kind(), video.proto()), ("video", "RTP/AVP"));

    let mut neg = Negotiation::new("-", 42, "198.51.100.20");
    neg.set_remote_offer(phone_offer("sendrecv")).unwrap();
    let caps = Capabilities {
        address: "198.51.100.20".into(),
        media: vec![MediaCapability::new(
            "audio",
            5000,
            vec![Codec::new("G722", 8000)],
        )],
    };
    let answer = neg.create_answer(&caps).unwrap();
    assert!(answer.media().iter().all(Media::is_rejected));
}

#[test]
fn answer_directions_follow_rfc_3264() {
    for (offered, answered) in [
        ("sendonly", Direction::RecvOnly),
        ("recvonly", Direction::SendOnly),
        ("inactive", Direction::Inactive),
        ("sendrecv", Direction::SendRecv),
    ] {
        let mut neg = Negotiation::new("-", 1, "198.51.100.20");
        neg.set_remote_offer(phone_offer(offered)).unwrap();
        let a = neg.create_answer(&audio_caps()).unwrap();
        assert_eq!(a.media()[0].direction(), Some(answered), "offer {offered}");
    }
    // A local preference narrows a sendrecv offer.
    let mut caps = audio_caps();
    caps.media[0].direction = Direction::RecvOnly;
    let mut neg = Negotiation::new("-", 1, "198.51.100.20");
    neg.set_remote_offer(phone_offer("sendrecv")).unwrap();
    let a = neg.create_answer(&caps).unwrap();
    assert_eq!(a.media()[0].direction(), Some(Direction::RecvOnly));
}

#[test]
fn every_new_local_description_increments_the_origin_version() {
    let mut neg = Negotiation::new("alice", 777, "198.51.100.20");
    let offer = neg.set_local_offer(local_offer()).unwrap();
    let o = offer.origin().unwrap();
    assert_eq!(
        (o.username, o.session_id, o.session_version),
        ("alice", "777", 1)
    );
    assert_eq!(o.address, "198.51.100.20");
    neg.set_remote_answer(answer_to(&offer, Direction::SendRecv))
        .unwrap();

    let held = neg.hold().unwrap();
    assert_eq!(held.origin().unwrap().session_version, 2);
    neg.rollback().unwrap();
    // The dropped offer's version is not reused.
    let held = neg.hold().unwrap();
    assert_eq!(held.origin().unwrap().session_version, 3);
    neg.set_remote_answer(answer_to(&held, Direction::RecvOnly))
        .unwrap();

    // A remote offer does not touch our version; our answer does.
    neg.set_remote_offer(answer_to(&held, Direction::SendRecv))
        .unwrap();
    assert_eq!(neg.version(), 3);
    let a = neg.create_answer(&audio_caps()).unwrap();
    assert_eq!(a.origin().unwrap().session_version, 4);
}

#[test]
fn hold_and_resume_offer_sendonly_then_sendrecv() {
    let mut neg = Negotiation::new("-", 5, "198.51.100.20");
    let offer = neg.set_local_offer(local_offer()).unwrap();
    neg.set_remote_answer(answer_to(&offer, Direction::SendRecv))
        .unwrap();
    assert!(!neg.is_local_hold());

    let hold = neg.hold().unwrap();
    assert_eq!(neg.state(), NegotiationState::HaveLocalOffer);
    assert_eq!(hold.media()[0].direction(), Some(Direction::SendOnly));
    neg.set_remote_answer(answer_to(&hold, Direction::RecvOnly))
        .unwrap();
    assert!(neg.is_local_hold());

    let resume = neg.resume().unwrap();
    assert_eq!(resume.media()[0].direction(), Some(Direction::SendRecv));
    neg.set_remote_answer(answer_to(&resume, Direction::SendRecv))
        .unwrap();
    assert!(!neg.is_local_hold());

    // Holding a call the peer already holds (we were recvonly) goes
    // inactive (RFC 6337 §5.3).
    let mut neg = Negotiation::new("-", 5, "198.51.100.20");
    neg.set_remote_offer(phone_offer("sendonly")).unwrap();
    neg.create_answer(&audio_caps()).unwrap();
    let hold = neg.hold().unwrap();
    assert_eq!(hold.media()[0].direction(), Some(Direction::Inactive));
    assert!(
        hold.media()[1].is_rejected(),
        "a rejected stream stays rejected"
    );
}

#[test]
fn rollback_after_a_failed_reinvite_keeps_the_previous_media_state() {
    let mut neg = Negotiation::new("-", 5, "198.51.100.20");
    let offer = neg.set_local_offer(local_offer()).unwrap();
    let answer = answer_to(&offer, Direction::SendRecv);
    neg.set_remote_answer(answer.clone()).unwrap();
    let before = (
        neg.local_description().cloned(),
        neg.remote_description().cloned(),
    );

    neg.hold().unwrap(); // the re-INVITE gets a 488
    neg.rollback().unwrap();
    assert_eq!(neg.state(), NegotiationState::Stable);
    assert_eq!(
        (
            neg.local_description().cloned(),
            neg.remote_description().cloned()
        ),
        before
    );
    assert_eq!(neg.remote_description(), Some(&answer));
    assert!(!neg.is_local_hold());

    // A remote re-offer that we refuse (488) rolls back too.
    // A re-offer that drops a media section breaks RFC 3264 §8.
    let mut shrunk = answer.clone();
    shrunk.remove_media(0);
    assert_eq!(
        neg.set_remote_offer(shrunk),
        Err(NegotiationError::MediaCount {
            expected: 1,
            got: 0
        })
    );
    neg.set_remote_offer(answer_to(&answer, Direction::SendOnly))
        .unwrap();
    neg.rollback().unwrap();
    assert_eq!(neg.remote_description(), Some(&answer));
    assert_eq!(
        neg.rollback(),
        Err(NegotiationError::WrongState {
            state: NegotiationState::Stable,
            action: "roll back"
        })
    );
}

#[test]
fn a_second_offer_while_one_is_pending_is_refused() {
    let mut neg = Negotiation::new("-", 5, "198.51.100.20");
    neg.set_local_offer(local_offer()).unwrap();
    // Glare: the peer's re-INVITE crosses ours (answer it 491).
    assert_eq!(
        neg.set_remote_offer(phone_offer("sendrecv")),
        Err(NegotiationError::OfferPending {
            pending: Party::Local
        })
    );
    assert_eq!(
        neg.set_local_offer(local_offer()).unwrap_err(),
        NegotiationError::OfferPending {
            pending: Party::Local
        }
    );
    assert_eq!(
        neg.state(),
        NegotiationState::HaveLocalOffer,
        "our offer stays pending"
    );

    let mut neg = Negotiation::new("-", 5, "198.51.100.20");
    neg.set_remote_offer(phone_offer("sendrecv")).unwrap();
    assert_eq!(
        neg.set_remote_offer(phone_offer("sendrecv")),
        Err(NegotiationError::OfferPending {
            pending: Party::Remote
        })
    );
    assert!(matches!(
        neg.hold(),
        Err(NegotiationError::OfferPending {
            pending: Party::Remote
        })
    ));
    assert!(matches!(
        neg.set_remote_answer(phone_offer("sendrecv")),
        Err(NegotiationError::WrongState { .. })
    ));
}

#[test]
fn remote_answer_must_match_the_offer_media_sections() {
    let mut neg = Negotiation::new("-", 5, "198.51.100.20");
    let offer = neg.set_local_offer(local_offer()).unwrap();
    let mut extra = offer.clone();
    extra.push_media(Media::new("video", 0, "RTP/AVP", &["96"]).unwrap());
    assert_eq!(
        neg.set_remote_answer(extra),
        Err(NegotiationError::MediaCount {
            expected: 1,
            got: 2
        })
    );
    let mut swapped = sdp("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=0 0\r\nm=video 9 RTP/AVP 96\r\n");
    assert!(matches!(
        neg.set_remote_answer(swapped.clone()),
        Err(NegotiationError::MediaKind { index: 0, .. })
    ));
    swapped.remove_media(0);
    assert!(neg.set_remote_answer(swapped).is_err());
    assert_eq!(
        neg.state(),
        NegotiationState::HaveLocalOffer,
        "a bad answer changes nothing"
    );
    neg.set_remote_answer(answer_to(&offer, Direction::SendRecv))
        .unwrap();
    assert_eq!(neg.offerer(), Some(Party::Local));
}

#[test]
fn invite_without_offer_takes_the_offer_from_the_2xx_and_answers_in_the_ack() {
    let mut neg = Negotiation::new("-", 5, "198.51.100.20");
    neg.request_offer().unwrap(); // INVITE without a body
    assert_eq!(neg.state(), NegotiationState::AwaitingOffer);
    assert_eq!(neg.offerer(), Some(Party::Remote));
    assert!(matches!(
        neg.set_local_offer(local_offer()),
        Err(NegotiationError::WrongState { .. })
    ));
    // The 200 OK carries the offer ...
    assert_eq!(
        neg.receive(phone_offer("sendrecv")).unwrap(),
        Received::Offer
    );
    // ... and the ACK the answer.
    let ack_body = neg.create_answer(&audio_caps()).unwrap();
    assert_eq!(ack_body.origin().unwrap().session_version, 1);
    assert_eq!(neg.state(), NegotiationState::Stable);
    assert_eq!(neg.offerer(), Some(Party::Remote));
}

#[test]
fn a_media_engine_answer_is_checked_and_stamped() {
    let mut neg = Negotiation::new("-", 5, "198.51.100.20");
    neg.set_remote_offer(phone_offer("sendrecv")).unwrap();
    let mut engine = answer_to(&phone_offer("sendrecv"), Direction::SendRecv);
    engine.media_mut(1).unwrap().set_port(0).unwrap();
    let sent = neg.set_local_answer(engine).unwrap();
    assert_eq!(sent.origin().unwrap().session_id, "5");
    assert!(sent.media()[1].is_rejected());

    // An answer may not accept what the offer rejected.
    let mut neg = Negotiation::new("-", 5, "198.51.100.20");
    let mut offer = phone_offer("sendrecv");
    offer.media_mut(1).unwrap().set_port(0).unwrap();
    neg.set_remote_offer(offer).unwrap();
    assert_eq!(
        neg.set_local_answer(phone_offer("sendrecv")),
        Err(NegotiationError::RejectedAccepted { index: 1 })
    );
    // The answer built from capabilities keeps it rejected.
    let a = neg.create_answer(&audio_caps()).unwrap();
    assert!(a.media()[1].is_rejected());
}

#[test]
fn a_webrtc_data_channel_is_answered_by_format_name() {
    let offer = Sdp::parse(Bytes::from(
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/sdp/chrome_webrtc_offer.sdp"
        ))
        .unwrap(),
    ))
    .unwrap();
    let caps = Capabilities {
        address: "198.51.100.20".into(),
        media: vec![
            MediaCapability::new(
                "audio",
                5000,
                vec![Codec::new("opus", 48000).with_channels(2)],
            ),
            MediaCapability::new(
                "application",
                5002,
                vec![Codec::new("webrtc-datachannel", 0)],
            ),
        ],
    };
    let mut neg = Negotiation::new("-", 5, "198.51.100.20");
    neg.set_remote_offer(offer).unwrap();
    let a = neg.create_answer(&caps).unwrap();
    assert_eq!(a.media()[0].formats().collect::<Vec<_>>(), ["111"]);
    assert_eq!(
        a.media()[0]
            .attr::<Fmtp>()
            .unwrap()
            .unwrap()
            .param("useinbandfec"),
        Some("1")
    );
    assert_eq!(a.media()[0].mid(), Some("0"));
    assert!(a.media()[1].is_rejected());
    assert_eq!(a.media()[1].mid(), Some("1"));
    assert_eq!(
        a.media()[2].formats().collect::<Vec<_>>(),
        ["webrtc-datachannel"]
    );
    assert_eq!(a.media()[2].port(), 5002);
}

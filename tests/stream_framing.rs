//! Stream framing (TCP/TLS): messages cut out of arbitrary chunks, RFC 5626
//! keep-alives, and the errors a stream can produce.

use bytes::Bytes;
use proptest::prelude::*;
use sansip::message::{frame, Frame, Limits, Message, ParseError, StreamFramer, StreamItem};

const INVITE: &[u8] = b"INVITE sip:bob@example.com SIP/2.0\r\n\
Via: SIP/2.0/TCP pc33.example.com;branch=z9hG4bK776asdhds\r\n\
To: Bob <sip:bob@example.com>\r\n\
From: Alice <sip:alice@example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710@pc33.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 8\r\n\r\nv=0\r\no=x";

const BYE: &[u8] = b"BYE sip:alice@pc33.example.com SIP/2.0\r\n\
Via: SIP/2.0/TCP bob.example.com;branch=z9hG4bKnashds7\r\n\
Call-ID: a84b4c76e66710@pc33.example.com\r\n\
CSeq: 1 BYE\r\n\
l: 0\r\n\r\n";

/// A stream holding a ping, an INVITE, a pong and a BYE.
fn stream() -> Vec<u8> {
    [&b"\r\n\r\n"[..], INVITE, b"\r\n", BYE].concat()
}

fn describe(item: &StreamItem) -> String {
    match item {
        StreamItem::Ping => "ping".into(),
        StreamItem::Pong => "pong".into(),
        StreamItem::Message(m) => format!("msg:{}", String::from_utf8_lossy(&m.to_bytes())),
    }
}

fn drain(f: &mut StreamFramer, out: &mut Vec<String>) {
    while let Some(item) = f.next_item().expect("valid stream") {
        out.push(describe(&item));
    }
}

#[test]
fn whole_stream_yields_ping_message_pong_message() {
    let mut f = StreamFramer::new(Limits::default());
    f.push(&stream());
    let mut items = Vec::new();
    drain(&mut f, &mut items);
    assert_eq!(
        items,
        [
            "ping".to_string(),
            format!("msg:{}", String::from_utf8_lossy(INVITE)),
            "pong".to_string(),
            format!("msg:{}", String::from_utf8_lossy(BYE)),
        ]
    );
    assert_eq!(f.buffered(), 0);
}

fn byte_at_a_time(mut f: StreamFramer) -> Vec<String> {
    let mut items = Vec::new();
    for b in &stream() {
        f.push(std::slice::from_ref(b));
        drain(&mut f, &mut items);
    }
    items
}

#[test]
fn accepted_flow_fed_byte_at_a_time_sees_one_ping() {
    let items = byte_at_a_time(StreamFramer::for_accepted_flow(Limits::default()));
    let kinds: Vec<_> = items.iter().map(|i| &i[..4]).collect();
    assert_eq!(kinds, ["ping", "msg:", "pong", "msg:"]);
    assert!(items[1].starts_with("msg:INVITE"));
    assert!(items[3].starts_with("msg:BYE"));
}

#[test]
fn opened_flow_takes_a_lone_crlf_as_a_pong_at_once() {
    let mut f = StreamFramer::new(Limits::default());
    f.push(b"\r\n");
    assert!(matches!(f.next_item(), Ok(Some(StreamItem::Pong))));
    // Fed byte by byte, a ping on an opened flow reads as two pongs (it
    // should not arrive there); the messages still come out in step.
    let items = byte_at_a_time(StreamFramer::new(Limits::default()));
    let kinds: Vec<_> = items.iter().map(|i| &i[..4]).collect();
    assert_eq!(kinds, ["pong", "pong", "msg:", "pong", "msg:"]);
}

#[test]
fn parsed_stream_message_has_its_body_by_content_length() {
    let mut f = StreamFramer::new(Limits::default());
    f.push(INVITE);
    f.push(b"INVITE sip:next"); // the start of another message
    let Some(StreamItem::Message(m)) = f.next_item().unwrap() else {
        panic!("expected a message");
    };
    assert_eq!(m.body(), b"v=0\r\no=x");
    assert_eq!(f.buffered(), "INVITE sip:next".len());
    assert!(f.next_item().unwrap().is_none());
}

#[test]
fn frame_reports_partial_until_the_body_is_complete() {
    let l = Limits::default();
    for cut in 0..INVITE.len() {
        assert_eq!(
            frame(&INVITE[..cut], &l).unwrap(),
            Frame::Partial,
            "cut at {cut}"
        );
    }
    assert_eq!(frame(INVITE, &l).unwrap(), Frame::Complete(INVITE.len()));
}

#[test]
fn stream_message_without_content_length_is_an_error() {
    let mut f = StreamFramer::new(Limits::default());
    f.push(b"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n");
    assert_eq!(
        f.next_item().unwrap_err(),
        ParseError::MissingContentLength { offset: 0 }
    );
}

#[test]
fn endless_header_section_hits_the_size_limit() {
    let limits = Limits {
        max_message_size: 1000,
        ..Limits::default()
    };
    let mut f = StreamFramer::new(limits);
    f.push(b"OPTIONS sip:a@b SIP/2.0\r\n");
    let mut err = None;
    for _ in 0..200 {
        f.push(b"X-Pad: aaaaaaaa\r\n");
        match f.next_item() {
            Ok(None) => {}
            Ok(Some(_)) => panic!("no message can be complete"),
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    assert!(
        matches!(err, Some(ParseError::MessageTooLarge { limit: 1000, .. })),
        "{err:?}"
    );
}

#[test]
fn declared_body_over_the_limit_is_refused_before_it_arrives() {
    let limits = Limits {
        max_body_size: 100,
        ..Limits::default()
    };
    let r = frame(
        b"MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 101\r\n\r\n",
        &limits,
    );
    assert_eq!(
        r,
        Err(ParseError::BodyTooLarge {
            declared: 101,
            limit: 100
        })
    );
}

proptest! {
    /// Any chunking of the stream gives the messages that one buffer gives.
    #[test]
    fn any_chunking_gives_the_same_messages(cuts in proptest::collection::vec(1usize..40, 0..30)) {
        let data = stream();
        let mut whole = StreamFramer::new(Limits::default());
        whole.push(&data);
        let mut expected = Vec::new();
        drain(&mut whole, &mut expected);
        let expected: Vec<_> = expected.into_iter().filter(|i| i.starts_with("msg:")).collect();

        let mut f = StreamFramer::new(Limits::default());
        let mut got = Vec::new();
        let mut pos = 0;
        for c in cuts.iter().chain(std::iter::repeat(&7)) {
            if pos >= data.len() { break; }
            let end = (pos + c).min(data.len());
            f.push(&data[pos..end]);
            pos = end;
            drain(&mut f, &mut got);
        }
        let got: Vec<_> = got.into_iter().filter(|i| i.starts_with("msg:")).collect();
        prop_assert_eq!(got, expected);
    }
}

#[test]
fn datagram_and_stream_parse_agree_on_a_complete_message() {
    let d = Message::parse(Bytes::from_static(INVITE)).unwrap();
    let s = Message::parse_stream_message(Bytes::from_static(INVITE), &Limits::default()).unwrap();
    assert_eq!(d.to_bytes(), s.to_bytes());
    assert_eq!(d.body(), s.body());
}

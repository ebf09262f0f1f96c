//! Serialization: unmodified messages give back their bytes; a change
//! re-serializes only the changed field; builders produce parseable output.

use bytes::Bytes;
use sansip::message::{
    headers::{CSeq, MaxForwards, Via},
    HeaderName, Message, Method, Params, RequestBuilder, ResponseBuilder, TypedHeader,
};

const REQ: &[u8] = b"INVITE sip:bob@example.com SIP/2.0\r\n\
v: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds ;rport\r\n\
Max-Forwards:   70\r\n\
Subject: a folded\r\n  subject line\r\n\
X-Odd-Header :  ;;,,;; \r\n\
Call-ID: a84b4c76e66710\r\n\
CSeq: 314159 INVITE\r\n\
Content-Length: 4\r\n\r\nbody";

fn req() -> Message {
    Message::parse(Bytes::from_static(REQ)).unwrap()
}

#[test]
fn unmodified_message_serializes_to_the_same_bytes_without_copying() {
    let m = req();
    let out = m.to_bytes();
    assert_eq!(&out[..], REQ);
    // Same memory: the received buffer is handed back.
    assert_eq!(out.as_ptr(), m.buffer().as_ptr());
    assert_eq!(m.serialized_len(), REQ.len());
}

#[test]
fn changing_one_header_rewrites_only_that_line() {
    let mut m = req();
    m.set_header(&MaxForwards(69));
    let out = m.to_bytes();
    let expected =
        String::from_utf8_lossy(REQ).replace("Max-Forwards:   70\r\n", "Max-Forwards: 69\r\n");
    assert_eq!(String::from_utf8_lossy(&out), expected);
    assert_eq!(m.serialized_len(), out.len());
    // The unknown header and the folded Subject kept their exact bytes.
    let odd: &[u8] = b"X-Odd-Header :  ;;,,;; \r\n";
    assert!(out.windows(odd.len()).any(|w| w == odd));
    let folded: &[u8] = b"Subject: a folded\r\n  subject line\r\n";
    assert!(out.windows(folded.len()).any(|w| w == folded));
}

#[test]
fn prepending_a_via_keeps_the_old_one_and_compact_name() {
    let mut m = req();
    let via = Via::parse("SIP/2.0/TCP proxy.example.com;branch=z9hG4bKp1").unwrap();
    m.prepend_header(&via);
    let vias: Vec<_> = m
        .headers::<Via>()
        .map(|v| v.unwrap().host.to_string())
        .collect();
    assert_eq!(vias, ["proxy.example.com", "pc33.example.com"]);
    let text = m.to_string();
    assert!(text.starts_with("INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP proxy.example.com;branch=z9hG4bKp1\r\nv: SIP/2.0/UDP"));
    let reparsed = Message::parse(m.to_bytes()).unwrap();
    assert_eq!(
        reparsed.header::<Via>().unwrap().branch(),
        Some("z9hG4bKp1")
    );
}

#[test]
fn replacing_a_field_value_keeps_its_name_spelling() {
    let mut m = req();
    let idx = m.fields().position(|f| f.name == HeaderName::Via).unwrap();
    assert!(m.replace_field_value(
        idx,
        b"SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds;rport=5061;received=192.0.2.9"
    ));
    let v = m.header::<Via>().unwrap();
    assert_eq!(v.rport(), Some(Some(5061)));
    assert!(m.to_string().contains("\r\nv: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds;rport=5061;received=192.0.2.9\r\n"));
}

#[test]
fn removing_headers_and_setting_a_body_update_content_length() {
    let mut m = req();
    assert_eq!(m.remove(HeaderName::Subject), 1);
    m.set_body(Bytes::from_static(b"v=0\r\n"));
    let re = Message::parse(m.to_bytes()).unwrap();
    assert!(!re.has(HeaderName::Subject));
    assert_eq!(re.content_length(), Some(5));
    assert_eq!(re.body(), b"v=0\r\n");
    assert_eq!(re.raw_by_name("x-odd-header"), Some(&b";;,,;;"[..]));
}

#[test]
fn builder_output_parses_to_the_same_typed_values() {
    let params = Params::new(";branch=z9hG4bKabc;rport");
    let via = Via {
        protocol: "SIP",
        version: "2.0",
        transport: "WSS",
        host: sansip::message::Host::Domain("df7jal23ls0d.invalid"),
        port: None,
        params,
    };
    let msg = RequestBuilder::new(Method::Message, "sip:bob@example.com")
        .header(&via)
        .header(&MaxForwards(70))
        .header(&CSeq {
            seq: 2,
            method: Method::Message,
        })
        .raw_header("Call-ID", b"c2")
        .body("text/plain", "hi")
        .build()
        .unwrap();
    assert_eq!(msg.header::<Via>().unwrap(), via);
    assert_eq!(
        msg.header::<CSeq>().unwrap(),
        CSeq {
            seq: 2,
            method: Method::Message
        }
    );
    assert_eq!(msg.raw(HeaderName::ContentType), Some(&b"text/plain"[..]));
    assert_eq!(msg.body(), b"hi");
}

#[test]
fn builder_refuses_header_injection() {
    let r = RequestBuilder::new(Method::Options, "sip:a@b")
        .raw_header("Subject", b"hi\r\nVia: SIP/2.0/UDP evil")
        .build();
    assert!(r.is_err());
}

#[test]
fn response_for_request_copies_the_dialog_headers_unfolded() {
    let raw = b"OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1,\r\n SIP/2.0/UDP g;branch=z9hG4bK0\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 5 OPTIONS\r\nSubject: not copied\r\n\r\n";
    let req = Message::parse(Bytes::from_static(raw)).unwrap();
    let resp = ResponseBuilder::for_request(&req, 200, "OK")
        .build()
        .unwrap();
    assert_eq!(
        resp.to_string(),
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1, SIP/2.0/UDP g;branch=z9hG4bK0\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 5 OPTIONS\r\nContent-Length: 0\r\n\r\n"
    );
    assert_eq!(resp.headers::<Via>().count(), 2);
}

#[test]
fn changed_values_cannot_smuggle_in_header_lines() {
    let mut m = req();
    m.set_raw(
        HeaderName::Subject,
        b"hi\r\nVia: SIP/2.0/UDP evil.example.com",
    );
    assert!(m.push_raw("X-Note", b"a\nb").is_ok());
    assert!(m.push_raw("Bad Name", b"x").is_err());
    assert!(m.push_raw("", b"x").is_err());
    let re = Message::parse(m.to_bytes()).unwrap();
    assert_eq!(re.headers::<Via>().count(), 1, "no extra Via line");
    assert_eq!(
        re.raw(HeaderName::Subject),
        Some(&b"hi Via: SIP/2.0/UDP evil.example.com"[..])
    );
    assert_eq!(re.raw_by_name("x-note"), Some(&b"a b"[..]));
}

#[test]
fn builders_refuse_line_breaks_in_the_start_line() {
    let r =
        RequestBuilder::new(Method::Options, "sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP evil").build();
    assert!(r.is_err());
    let r = RequestBuilder::new(Method::Options, "sip:a b@c").build();
    assert!(r.is_err());
    let r = ResponseBuilder::new(200, "OK\r\nVia: SIP/2.0/UDP evil").build();
    assert!(r.is_err());
    assert!(ResponseBuilder::new(200, "OK — ça marche").build().is_ok());
}

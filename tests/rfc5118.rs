//! RFC 5118 (SIP torture test messages for IPv6): one test per message of
//! the archive in `tests/data/rfc5118`, named after it.
//!
//! Values and offsets come from `tests/data/rfc5118/EXPECTATIONS.md`. The
//! archived files use bare LF line ends (sansip accepts those), two of them
//! have no empty line after the headers and two declare a Content-Length
//! that matches no body. So each test reads the message twice where it can:
//! as archived, and in its wire form ([`wire`]: CRLF, the empty line, and a
//! Content-Length that matches the body), so that the IPv6 checks run on a
//! message every SIP parser must accept.

mod torture;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use bytes::Bytes;
use sansip::message::headers::{
    CSeq, CallId, Contact, ContentType, FromHeader, MaxForwards, ToHeader, Via,
};
use sansip::message::{HeaderError, HeaderName, Host, Message, Method, ParseError, SipUri, Uri};

/// Reads an archived message byte for byte and checks its size against the
/// EXPECTATIONS index.
macro_rules! load {
    ($name:literal, $size:expr) => {{
        let raw = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/rfc5118/",
            $name,
            ".dat"
        ))
        .expect(concat!("read ", $name, ".dat"));
        assert_eq!(raw.len(), $size, "size of {}.dat", $name);
        assert!(!raw.contains(&b'\r'), "archived with bare LF");
        raw
    }};
}

/// The message as it would be on the wire: each LF becomes CRLF, the empty
/// line that ends the headers is added where the archive lacks it (the two
/// §4.10 files), and Content-Length is set to the length of the body that
/// follows. That fixes the archive's defective values (268 for ipv6-in-sdp,
/// 181 for mult-ip-in-sdp) and accounts for the CRs CRLF adds to a body.
fn wire(raw: &[u8]) -> Vec<u8> {
    let mut text = String::from_utf8(raw.to_vec())
        .expect("UTF-8 archive")
        .replace('\n', "\r\n");
    if !text.contains("\r\n\r\n") {
        text.push_str("\r\n");
    }
    let (head, body) = text.split_once("\r\n\r\n").expect("empty line");
    let head: Vec<String> = head
        .lines()
        .map(|line| match line.split_once(':') {
            Some((name, _)) if name.eq_ignore_ascii_case("Content-Length") => {
                format!("{name}: {}", body.len())
            }
            _ => line.to_owned(),
        })
        .collect();
    format!("{}\r\n\r\n{body}", head.join("\r\n")).into_bytes()
}

/// Parses a datagram that must parse; what it serializes to must parse
/// again to the same bytes, and an unmodified message serializes to exactly
/// what was received.
fn parse_ok(raw: &[u8]) -> Message {
    let msg = Message::parse(Bytes::copy_from_slice(raw))
        .unwrap_or_else(|e| panic!("expected the message to parse: {e}"));
    assert_eq!(&msg.to_bytes()[..], raw);
    let again = Message::parse(msg.to_bytes()).expect("serialized message parses again");
    assert_eq!(again.to_bytes(), msg.to_bytes());
    msg
}

fn parse_err(raw: &[u8]) -> ParseError {
    match Message::parse(Bytes::copy_from_slice(raw)) {
        Ok(m) => panic!("expected a parse error, got {m}"),
        Err(e) => e,
    }
}

fn v6(text: &str) -> Host<'static> {
    Host::Ipv6(text.parse::<Ipv6Addr>().expect("IPv6 address"))
}

fn sip<'u, 'a>(uri: &'u Uri<'a>) -> &'u SipUri<'a> {
    uri.as_sip()
        .unwrap_or_else(|| panic!("expected a SIP URI: {uri}"))
}

fn request_uri(msg: &Message) -> SipUri<'_> {
    let uri = msg.request_uri().expect("request").expect("valid URI");
    *sip(&uri)
}

fn vias(msg: &Message) -> Vec<Via<'_>> {
    msg.headers::<Via>()
        .collect::<Result<_, _>>()
        .expect("every Via parses")
}

fn body_lines(msg: &Message) -> Vec<&str> {
    std::str::from_utf8(msg.body())
        .expect("SDP is text")
        .lines()
        .collect()
}

/// The headers the REGISTER messages of §4.1–§4.4 share.
fn check_register_headers(msg: &Message) {
    assert_eq!(msg.method(), Some(&Method::Register));
    let to = msg.header::<ToHeader>().expect("To");
    assert_eq!(to.uri().to_string(), "sip:user@example.com");
    let from = msg.header::<FromHeader>().expect("From");
    assert_eq!(from.uri().to_string(), "sip:user@example.com");
    assert_eq!(from.tag(), Some("81x2"));
    let via = vias(msg);
    assert_eq!(via.len(), 1);
    assert_eq!(
        (via[0].transport, via[0].host, via[0].port, via[0].branch()),
        ("UDP", v6("2001:db8::9:1"), None, Some("z9hG4bKas3-111"))
    );
    assert_eq!(msg.call_id(), Some("SSG9559905523997077@hlau_4100"));
    assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(70)));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (98176, Method::Register));
    assert_eq!(msg.content_length(), Some(0));
    assert!(msg.body().is_empty());
    let contact = msg.header::<Contact>().expect("Contact");
    let c = contact.address().expect("not *");
    assert_eq!(c.addr.display_name_unquoted().as_deref(), Some("Caller"));
    let u = sip(c.uri());
    assert_eq!(
        (u.user, u.host, u.port),
        (Some("caller"), v6("2001:db8::1"), None)
    );
}

const ARCHIVE: &[(&str, usize)] = &[
    ("ipv4-mapped-ipv6", 636),
    ("ipv6-bad", 291),
    ("ipv6-bug-abnf-3-colons", 272),
    ("ipv6-correct-abnf-2-colons", 270),
    ("ipv6-good", 293),
    ("ipv6-in-sdp", 570),
    ("mult-ip-in-header", 386),
    ("mult-ip-in-sdp", 510),
    ("port-ambiguous", 298),
    ("port-unambiguous", 298),
    ("via-received-param-no-delim", 307),
    ("via-received-param-with-delim", 274),
];

#[test]
fn archive_has_twelve_messages_and_all_parse_in_wire_form() {
    let mut as_archived = 0;
    for (_, raw) in torture::load_archive("rfc5118", ARCHIVE) {
        // Never a panic; as archived, four fail on the archive's defects.
        if Message::parse(Bytes::from(raw.clone())).is_ok() {
            as_archived += 1;
        }
        // Every wire form frames (ipv6-bad's fault is in its Request-URI).
        let msg = parse_ok(&wire(&raw));
        let _ = (msg.request_uri(), msg.headers::<Via>().count());
        let _ = msg.headers::<Contact>().count();
    }
    assert_eq!(as_archived, 12 - 4);
}

#[test]
fn wire_form_changes_only_line_ends_the_empty_line_and_content_length() {
    let raw = load!("ipv6-in-sdp", 570);
    let w = wire(&raw);
    let back: Vec<u8> = w.iter().copied().filter(|&b| b != b'\r').collect();
    let expected = String::from_utf8(raw)
        .expect("UTF-8")
        .replace("Content-Length: 268", "Content-Length: 251");
    assert_eq!(String::from_utf8(back).expect("UTF-8"), expected);
}

#[test]
fn ipv6_good_valid_ipv6_reference_is_accepted() {
    let raw = load!("ipv6-good", 293);
    for bytes in [raw.clone(), wire(&raw)] {
        let msg = parse_ok(&bytes);
        assert_eq!(msg.request_uri_str(), Some("sip:[2001:db8::10]"));
        let r = request_uri(&msg);
        assert_eq!((r.user, r.host, r.port), (None, v6("2001:db8::10"), None));
        check_register_headers(&msg);
    }
}

#[test]
fn ipv6_bad_unbracketed_ipv6_in_request_uri_is_rejected() {
    // Frames fine; the Request-URI does not parse: without brackets the host
    // would be `2001` (offset 13), neither a name nor an IPv4 address, and
    // `:db8::10` is no port. The UA answers 400.
    let raw = load!("ipv6-bad", 291);
    assert_eq!(&raw[9..26], b"sip:2001:db8::10 ");
    for bytes in [raw.clone(), wire(&raw)] {
        let msg = parse_ok(&bytes);
        assert_eq!(
            msg.request_uri().expect("request"),
            Err(HeaderError::Invalid {
                header: "Request-URI",
                offset: 13,
                expected: "an IPv4 address"
            })
        );
        check_register_headers(&msg);
    }
}

#[test]
fn port_ambiguous_last_group_is_part_of_the_address_not_a_port() {
    // `[2001:db8::10:5070]` (13–31): the 5070 is the last 16-bit group; the
    // parser does not guess a port.
    let raw = load!("port-ambiguous", 298);
    assert_eq!(&raw[13..32], b"[2001:db8::10:5070]");
    for bytes in [raw.clone(), wire(&raw)] {
        let msg = parse_ok(&bytes);
        let r = request_uri(&msg);
        assert_eq!((r.host, r.port), (v6("2001:db8::10:5070"), None));
        assert_eq!(r.port_or_default(), 5060);
        check_register_headers(&msg);
    }
}

#[test]
fn port_unambiguous_port_after_the_bracket_is_accepted() {
    let raw = load!("port-unambiguous", 298);
    assert_eq!(&raw[26..32], b"]:5070");
    for bytes in [raw.clone(), wire(&raw)] {
        let msg = parse_ok(&bytes);
        let r = request_uri(&msg);
        assert_eq!((r.host, r.port), (v6("2001:db8::10"), Some(5070)));
        check_register_headers(&msg);
    }
}

#[test]
fn via_received_param_with_delim_bracketed_received_is_accepted() {
    // Strictly ungrammatical (RFC 3261 wants a bare IPv6address in
    // `received`), but RFC 5118 requires accepting it. sansip keeps the raw
    // value, brackets included; `Host::parse` reads it as the address.
    let raw = load!("via-received-param-with-delim", 274);
    assert_eq!(&raw[136..146], b"received=[");
    for bytes in [raw.clone(), wire(&raw)] {
        let msg = parse_ok(&bytes);
        assert_eq!(msg.method(), Some(&Method::Bye));
        let r = request_uri(&msg);
        assert_eq!((r.user, r.host), (None, v6("2001:db8::10")));
        let via = vias(&msg);
        assert_eq!(via.len(), 1);
        assert_eq!((via[0].host, via[0].port), (v6("2001:db8::9:1"), None));
        assert_eq!(via[0].received(), Some("[2001:db8::9:255]"));
        assert_eq!(
            Host::parse(via[0].received().expect("received")),
            Ok(v6("2001:db8::9:255"))
        );
        assert_eq!(via[0].branch(), Some("z9hG4bKas3-111"));
        let to = msg.header::<ToHeader>().expect("To");
        assert_eq!(to.uri().to_string(), "sip:user@example.com");
        assert_eq!(to.tag(), Some("bd76ya"));
        assert_eq!(
            msg.header::<FromHeader>().expect("From").tag(),
            Some("81x2")
        );
        assert_eq!(msg.call_id(), Some("SSG9559905523997077@hlau_4100"));
        assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(70)));
        let cseq = msg.header::<CSeq>().expect("CSeq");
        assert_eq!((cseq.seq, cseq.method), (321, Method::Bye));
        assert_eq!(msg.content_length(), Some(0));
    }
}

#[test]
fn via_received_param_no_delim_bare_ipv6_received_is_accepted() {
    // `received=2001:db8::9:255` (at 129): its colons are neither parameter
    // nor port separators.
    let raw = load!("via-received-param-no-delim", 307);
    assert_eq!(&raw[129..138], b"received=");
    for bytes in [raw.clone(), wire(&raw)] {
        let msg = parse_ok(&bytes);
        assert_eq!(msg.method(), Some(&Method::Options));
        let r = request_uri(&msg);
        assert_eq!((r.user, r.host), (None, v6("2001:db8::10")));
        let via = vias(&msg);
        assert_eq!(via.len(), 1);
        assert_eq!((via[0].host, via[0].port), (v6("2001:db8::9:1"), None));
        assert_eq!(
            via[0].params.iter().collect::<Vec<_>>(),
            [
                ("received", Some("2001:db8::9:255")),
                ("branch", Some("z9hG4bKas3"))
            ]
        );
        let received: IpAddr = via[0]
            .received()
            .expect("received")
            .parse()
            .expect("an IP address");
        assert_eq!(
            received,
            "2001:db8::9:255".parse::<IpAddr>().expect("address")
        );
        assert_eq!(msg.call_id(), Some("SSG95523997077@hlau_4100"));
        assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(70)));
        let contact = msg.header::<Contact>().expect("Contact");
        let c = contact.address().expect("not *");
        assert_eq!(c.addr.display_name_unquoted().as_deref(), Some("Caller"));
        assert_eq!(sip(c.uri()).host, v6("2001:db8::9:1"));
        let cseq = msg.header::<CSeq>().expect("CSeq");
        assert_eq!((cseq.seq, cseq.method), (921, Method::Options));
        assert_eq!(msg.content_length(), Some(0));
    }
}

#[test]
fn ipv6_in_sdp_ipv6_addresses_in_the_body_are_accepted() {
    // As archived, Content-Length 268 (at 307) exceeds the 242-byte body:
    // the datagram is refused. The wire form declares 251 and parses.
    let raw = load!("ipv6-in-sdp", 570);
    assert_eq!(&raw[307..326], b"Content-Length: 268");
    assert_eq!(
        parse_err(&raw),
        ParseError::BodyTruncated {
            declared: 268,
            available: 242
        }
    );
    let w = wire(&raw);
    let msg = parse_ok(&w);
    assert_eq!(msg.content_length(), Some(251));
    assert_eq!(msg.method(), Some(&Method::Invite));
    let r = request_uri(&msg);
    assert_eq!((r.user, r.host), (Some("user"), v6("2001:db8::10")));
    let to = msg.header::<ToHeader>().expect("To");
    assert_eq!(sip(to.uri()).host, v6("2001:db8::10"));
    assert_eq!(
        msg.header::<FromHeader>().expect("From").tag(),
        Some("81x2")
    );
    let via = vias(&msg);
    assert_eq!(via.len(), 1);
    assert_eq!(
        (via[0].host, via[0].port, via[0].branch()),
        (v6("2001:db8::20"), None, Some("z9hG4bKas3-111"))
    );
    assert_eq!(msg.call_id(), Some("SSG9559905523997077@hlau_4100"));
    let contact = msg.header::<Contact>().expect("Contact");
    let c = contact.address().expect("not *");
    assert_eq!(c.addr.display_name_unquoted().as_deref(), Some("Caller"));
    assert_eq!(sip(c.uri()).host, v6("2001:db8::20"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (8612, Method::Invite));
    assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(70)));
    assert!(msg
        .header::<ContentType>()
        .expect("Content-Type")
        .is("application", "sdp"));
    // The SDP is body only (none of its lines became header fields); its
    // IPv6 addresses have no brackets.
    assert_eq!(msg.field_count(), 9);
    assert!(!msg.body().contains(&b'['));
    assert_eq!(
        body_lines(&msg),
        [
            "v=0",
            "o=assistant 971731711378798081 0 IN IP6 2001:db8::20",
            "s=Live video feed for today's meeting",
            "c=IN IP6 2001:db8::20",
            "t=3338481189 3370017201",
            "m=audio 6000 RTP/AVP 2",
            "a=rtpmap:2 G726-32/8000",
            "m=video 6024 RTP/AVP 107",
            "a=rtpmap:107 H263-1998/90000",
        ]
    );
}

#[test]
fn mult_ip_in_header_ipv4_and_ipv6_vias_are_accepted() {
    let raw = load!("mult-ip-in-header", 386);
    assert_eq!(&raw[214..234], b"received=192.0.2.200");
    for bytes in [raw.clone(), wire(&raw)] {
        let msg = parse_ok(&bytes);
        assert_eq!(msg.method(), Some(&Method::Bye));
        assert_eq!(msg.request_uri_str(), Some("sip:user@host.example.net"));
        let via = vias(&msg);
        let got: Vec<_> = via
            .iter()
            .map(|v| (v.transport, v.host, v.port, v.branch(), v.received()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "UDP",
                    v6("2001:db8::9:1"),
                    Some(6050),
                    Some("z9hG4bKas3-111"),
                    None
                ),
                (
                    "UDP",
                    Host::Ipv4(Ipv4Addr::new(192, 0, 2, 1)),
                    None,
                    Some("z9hG4bKjhja8781hjuaij65144"),
                    None
                ),
                (
                    "TCP",
                    v6("2001:db8::9:255"),
                    None,
                    Some("z9hG4bK451jj"),
                    Some("192.0.2.200")
                ),
            ]
        );
        assert_eq!(msg.call_id(), Some("997077@lau_4100"));
        assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(70)));
        let cseq = msg.header::<CSeq>().expect("CSeq");
        assert_eq!((cseq.seq, cseq.method), (89187, Method::Bye));
        let to = msg.header::<ToHeader>().expect("To");
        assert_eq!(
            (to.uri().to_string(), to.tag()),
            ("sip:user@example.net".to_owned(), Some("9817--94"))
        );
        let from = msg.header::<FromHeader>().expect("From");
        assert_eq!(
            (from.uri().to_string(), from.tag()),
            ("sip:user@example.com".to_owned(), Some("81x2"))
        );
        assert_eq!(msg.content_length(), Some(0));
    }
}

#[test]
fn mult_ip_in_sdp_ipv4_and_ipv6_connection_lines_are_accepted() {
    // As archived, Content-Length 181 (at 309) is one byte more than the
    // 180-byte body: refused. The wire form declares 189 and parses.
    let raw = load!("mult-ip-in-sdp", 510);
    assert_eq!(&raw[309..328], b"Content-Length: 181");
    assert_eq!(
        parse_err(&raw),
        ParseError::BodyTruncated {
            declared: 181,
            available: 180
        }
    );
    let msg = parse_ok(&wire(&raw));
    assert_eq!(msg.content_length(), Some(189));
    assert_eq!(msg.method(), Some(&Method::Invite));
    let r = request_uri(&msg);
    assert_eq!((r.user, r.host), (Some("user"), v6("2001:db8::10")));
    let to = msg.header::<ToHeader>().expect("To");
    assert_eq!(sip(to.uri()).host, v6("2001:db8::10"));
    let via = vias(&msg);
    assert_eq!(via.len(), 1);
    assert_eq!(
        (via[0].host, via[0].branch()),
        (v6("2001:db8::9:1"), Some("z9hG4bKas3-111"))
    );
    let contact = msg.header::<Contact>().expect("Contact");
    let c = contact.address().expect("not *");
    assert_eq!(c.addr.display_name_unquoted().as_deref(), Some("Caller"));
    assert_eq!(sip(c.uri()).host, v6("2001:db8::9:1"));
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (8912, Method::Invite));
    assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(70)));
    assert!(msg
        .header::<ContentType>()
        .expect("Content-Type")
        .is("application", "sdp"));
    // Each media line has its own connection line, IPv4 then IPv6, both in
    // the body only.
    assert_eq!(msg.field_count(), 9);
    assert!(!msg.body().contains(&b'['));
    assert_eq!(
        body_lines(&msg),
        [
            "v=0",
            "o=bob 280744730 28977631 IN IP4 host.example.com",
            "s=",
            "t=0 0",
            "m=audio 22334 RTP/AVP 0",
            "c=IN IP4 192.0.2.1",
            "m=video 6024 RTP/AVP 107",
            "c=IN IP6 2001:db8::1",
            "a=rtpmap:107 H263-1998/90000",
        ]
    );
}

#[test]
fn ipv4_mapped_ipv6_addresses_are_accepted() {
    // Content-Length 236 matches the archived (LF) body, so both forms
    // parse; the wire form's body is 245 bytes.
    let raw = load!("ipv4-mapped-ipv6", 636);
    for (bytes, body_len) in [(raw.clone(), 236), (wire(&raw), 245)] {
        let msg = parse_ok(&bytes);
        assert_eq!(msg.content_length(), Some(body_len));
        assert_eq!(msg.body().len(), body_len);
        assert_eq!(msg.method(), Some(&Method::Invite));
        assert_eq!(msg.request_uri_str(), Some("sip:user@example.com"));
        let to = msg.header::<ToHeader>().expect("To");
        assert_eq!(to.uri().to_string(), "sip:user@example.com");
        let from = msg.header::<FromHeader>().expect("From");
        assert_eq!(from.uri().to_string(), "sip:user@east.example.com");
        assert_eq!(from.tag(), Some("81x2"));
        let via = vias(&msg);
        assert_eq!(via.len(), 2);
        // The port is outside the brackets.
        assert_eq!(
            (via[0].host, via[0].port, via[0].branch()),
            (v6("::ffff:192.0.2.10"), Some(19823), Some("z9hG4bKbh19"))
        );
        assert_eq!(
            (via[1].host, via[1].port, via[1].branch()),
            (v6("::ffff:192.0.2.2"), None, Some("z9hG4bKas3-111"))
        );
        let mapped = Ipv4Addr::new(192, 0, 2, 10).to_ipv6_mapped();
        assert_eq!(via[0].host, Host::Ipv6(mapped));
        let contact = msg.header::<Contact>().expect("Contact");
        let c = contact.address().expect("not *");
        assert_eq!(
            c.addr.display_name_unquoted().as_deref(),
            Some("T. desk phone")
        );
        let u = sip(c.uri());
        assert_eq!((u.user, u.host), (Some("ted"), v6("::ffff:192.0.2.2")));
        assert_eq!(msg.call_id(), Some("SSG9559905523997077@hlau_4100"));
        let cseq = msg.header::<CSeq>().expect("CSeq");
        assert_eq!((cseq.seq, cseq.method), (612, Method::Invite));
        assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(70)));
        assert!(msg
            .header::<ContentType>()
            .expect("Content-Type")
            .is("application", "sdp"));
        assert_eq!(msg.field_count(), 10);
        let lines = body_lines(&msg);
        assert_eq!(
            lines[..5],
            [
                "v=0",
                "o=assistant 971731711378798081 0 IN IP6 ::ffff:192.0.2.2",
                "s=Call me soon, please!",
                "c=IN IP6 ::ffff:192.0.2.2",
                "t=3338481189 3370017201",
            ]
        );
        assert!(lines.contains(&"m=audio 6000 RTP/AVP 2"));
        assert!(lines.contains(&"m=video 6024 RTP/AVP 107"));
    }
}

/// The headers the two §4.10 OPTIONS messages share.
fn check_abnf_pair_headers(msg: &Message, host: Host<'_>) {
    assert_eq!(msg.method(), Some(&Method::Options));
    let r = request_uri(msg);
    assert_eq!((r.user, r.host, r.port), (Some("user"), host, None));
    let to = msg.header::<ToHeader>().expect("To");
    assert_eq!(sip(to.uri()).host, host);
    let from = msg.header::<FromHeader>().expect("From");
    assert_eq!(from.uri().to_string(), "sip:user@example.com");
    assert_eq!(from.tag(), Some("810x2"));
    let via = vias(msg);
    assert_eq!(
        (via.len(), via[0].host, via[0].branch()),
        (
            1,
            Host::Domain("lab1.east.example.com"),
            Some("z9hG4bKas3-111")
        )
    );
    assert_eq!(
        msg.header::<CallId>(),
        Ok(CallId("G9559905523997077@hlau_4100"))
    );
    let cseq = msg.header::<CSeq>().expect("CSeq");
    assert_eq!((cseq.seq, cseq.method), (689, Method::Options));
    assert_eq!(msg.header::<MaxForwards>(), Ok(MaxForwards(70)));
    assert_eq!(msg.content_length(), Some(0));
}

#[test]
fn ipv6_bug_abnf_3_colons_reference_is_tolerated() {
    // As archived the headers are never closed (no empty line): incomplete.
    let raw = load!("ipv6-bug-abnf-3-colons", 272);
    assert!(raw.ends_with(b"Content-Length: 0\n"));
    assert_eq!(
        parse_err(&raw),
        ParseError::Incomplete {
            len: 272,
            what: "header section"
        }
    );
    // In wire form it parses. sansip takes the recommended, tolerant choice:
    // `[2001:db8:::192.0.2.1]` (the `:::` at 26) reads as the two-colon
    // address. The message keeps its bytes; a URI written anew has the
    // RFC 4291 form.
    assert_eq!(&raw[26..29], b":::");
    let w = wire(&raw);
    let msg = parse_ok(&w);
    let two_colons = v6("2001:db8::192.0.2.1");
    check_abnf_pair_headers(&msg, two_colons);
    assert_eq!(
        msg.request_uri_str(),
        Some("sip:user@[2001:db8:::192.0.2.1]")
    );
    let ruri = msg.request_uri().expect("request").expect("valid URI");
    let rewritten = ruri.to_string();
    assert_eq!(rewritten, format!("sip:user@{two_colons}"));
    assert!(!rewritten.contains(":::"));
    let correct = Uri::parse("sip:user@[2001:db8::192.0.2.1]").expect("URI");
    assert!(ruri.equivalent(&correct));
}

#[test]
fn ipv6_correct_abnf_2_colons_reference_is_accepted() {
    let raw = load!("ipv6-correct-abnf-2-colons", 270);
    assert!(raw.ends_with(b"Content-Length: 0\n"));
    assert_eq!(
        parse_err(&raw),
        ParseError::Incomplete {
            len: 270,
            what: "header section"
        }
    );
    let msg = parse_ok(&wire(&raw));
    check_abnf_pair_headers(&msg, v6("2001:db8::192.0.2.1"));
    assert!(msg.fields().all(|f| f.name != HeaderName::Other));
}

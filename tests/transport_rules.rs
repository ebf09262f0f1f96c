//! Transport rules of RFC 3261 §18 with RFC 3581 (rport), RFC 5118 (IPv6)
//! and RFC 7118 (WebSocket): Via stamping on send and receipt, response
//! routing, the UDP→TCP size rule, and the checks on a received Via.

use std::net::SocketAddr;

use bytes::Bytes;
use proptest::prelude::*;
use sansip::message::{headers::Via, split_list, Host, Message, TypedHeader};
use sansip::rng::Rng;
use sansip::transport::{
    check_request_via, must_use_congestion_controlled, new_branch, reconnect_destination,
    reply_to_source, response_destination, sent_by_destination, set_via_transport, size_decision,
    stamp_received, stamp_via, top_via_is_ours, ws_invalid_host, ConnectFailure, FlowId, FlowInfo,
    ResponseTarget, SentBy, SizeDecision, StampError, Transport, ViaError,
};

// ---- helpers ------------------------------------------------------------

/// An OPTIONS request with these header lines (each ending in CRLF).
fn request(headers: &str) -> Message {
    let raw = format!(
        "OPTIONS sip:bob@example.com SIP/2.0\r\n{headers}Call-ID: c1\r\nCSeq: 1 OPTIONS\r\n\
         Content-Length: 0\r\n\r\n"
    );
    Message::parse(Bytes::from(raw)).expect("test request parses")
}

fn text(msg: &Message) -> String {
    String::from_utf8(msg.to_bytes().to_vec()).expect("UTF-8")
}

fn addr(s: &str) -> SocketAddr {
    s.parse().expect("socket address")
}

fn flow(transport: Transport, remote: &str) -> FlowInfo {
    FlowInfo {
        flow: FlowId(7),
        transport,
        local: addr("192.0.2.2:5060"),
        remote: addr(remote),
    }
}

fn via(value: &str) -> Via<'_> {
    Via::parse(value).expect("test Via parses")
}

fn to(addr_text: &str, transport: Transport) -> ResponseTarget<'static> {
    ResponseTarget::Address {
        addr: addr(addr_text),
        transport,
    }
}

/// Stamps `received` for a request with this top Via line, returning the
/// whole message text.
fn stamped(via_lines: &str, source: &str) -> String {
    let mut m = request(via_lines);
    stamp_received(&mut m, addr(source)).expect("stamp");
    text(&m)
}

fn expected(via_lines: &str) -> String {
    text(&request(via_lines))
}

// ---- response routing (§18.2.2, RFC 3581 §4) ---------------------------

#[test]
fn response_routing_by_received_and_rport() {
    // RFC 3581 §6: sent from 10.1.1.1:4540 through a NAT as 192.0.2.1:9988.
    let v = via("SIP/2.0/UDP 10.1.1.1:4540;received=192.0.2.1;rport=9988;branch=z9hG4bKkjshdyff");
    let f = flow(Transport::Udp, "192.0.2.1:9988");
    assert_eq!(
        response_destination(&v, &f),
        to("192.0.2.1:9988", Transport::Udp)
    );
}

#[test]
fn response_routing_by_received_uses_the_sent_by_port_then_the_default() {
    let f = flow(Transport::Udp, "192.0.2.4:5070");
    let v = via("SIP/2.0/UDP bobspc.biloxi.com:5070;received=192.0.2.4");
    assert_eq!(
        response_destination(&v, &f),
        to("192.0.2.4:5070", Transport::Udp)
    );
    let v = via("SIP/2.0/UDP bobspc.biloxi.com;received=192.0.2.4");
    assert_eq!(
        response_destination(&v, &f),
        to("192.0.2.4:5060", Transport::Udp)
    );
    // rport asked for but never filled in: the sent-by port.
    let v = via("SIP/2.0/UDP bobspc.biloxi.com:5080;received=192.0.2.4;rport");
    assert_eq!(
        response_destination(&v, &f),
        to("192.0.2.4:5080", Transport::Udp)
    );
}

#[test]
fn response_routing_by_received_ipv6_with_and_without_brackets() {
    let f = flow(Transport::Udp, "[2001:db8::9:255]:5060");
    // RFC 5118 §4.5: both spellings must be accepted.
    for v in [
        "SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3-111",
        "SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3",
    ] {
        assert_eq!(
            response_destination(&via(v), &f),
            to("[2001:db8::9:255]:5060", Transport::Udp),
            "{v}"
        );
    }
}

#[test]
fn response_routing_by_maddr() {
    let f = flow(Transport::Udp, "192.0.2.4:5060");
    // A multicast maddr: the group, at the sent-by port, with the ttl.
    let v = via(
        "SIP/2.0/UDP h.example.com:5070;maddr=239.255.255.1;ttl=16;received=192.0.2.4;rport=5071",
    );
    assert_eq!(
        response_destination(&v, &f),
        ResponseTarget::Multicast {
            group: addr("239.255.255.1:5070"),
            ttl: 16
        }
    );
    // Without ttl: 1. Without a sent-by port: 5060.
    let v = via("SIP/2.0/UDP h.example.com;maddr=239.255.255.1");
    assert_eq!(
        response_destination(&v, &f),
        ResponseTarget::Multicast {
            group: addr("239.255.255.1:5060"),
            ttl: 1
        }
    );
    // A unicast maddr still comes before received and rport.
    let v = via("SIP/2.0/UDP h.example.com:5070;received=192.0.2.4;rport=1234;maddr=198.51.100.7");
    assert_eq!(
        response_destination(&v, &f),
        to("198.51.100.7:5070", Transport::Udp)
    );
    // A name in maddr is resolved, with the port already known.
    let v = via("SIP/2.0/UDP h.example.com;maddr=relay.example.net");
    assert_eq!(
        response_destination(&v, &f),
        ResponseTarget::Resolve {
            host: "relay.example.net",
            port: Some(5060),
            transport: Transport::Udp
        }
    );
}

#[test]
fn response_routing_by_sent_by_name_is_a_resolve() {
    let f = flow(Transport::Udp, "192.0.2.4:5060");
    // With a port: A/AAAA at that port. Without: SRV (port None).
    let v = via("SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK1");
    assert_eq!(
        response_destination(&v, &f),
        ResponseTarget::Resolve {
            host: "pc33.atlanta.com",
            port: Some(5066),
            transport: Transport::Udp
        }
    );
    let v = via("SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK1");
    assert_eq!(
        response_destination(&v, &f),
        ResponseTarget::Resolve {
            host: "pc33.atlanta.com",
            port: None,
            transport: Transport::Udp
        }
    );
}

#[test]
fn response_routing_by_sent_by_number() {
    let f = flow(Transport::Udp, "192.0.2.1:5060");
    let v = via("SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1");
    assert_eq!(
        response_destination(&v, &f),
        to("192.0.2.1:5060", Transport::Udp)
    );
    let v = via("SIP/2.0/UDP [2001:db8::1]:5090;branch=z9hG4bK1");
    assert_eq!(
        response_destination(&v, &f),
        to("[2001:db8::1]:5090", Transport::Udp)
    );
    // The RFC 3263 §5 fallback after a failed send to `received`.
    let v = via("SIP/2.0/TLS 198.51.100.3;received=192.0.2.1");
    assert_eq!(
        sent_by_destination(&v, Transport::Tls),
        to("198.51.100.3:5061", Transport::Tls)
    );
}

#[test]
fn reliable_flows_are_answered_on_the_same_flow() {
    let cases = [
        (
            Transport::Tcp,
            "SIP/2.0/TCP 10.0.0.1:5060;received=192.0.2.1;rport=4000",
        ),
        (
            Transport::Tls,
            "SIP/2.0/TLS client.example.com;maddr=239.1.1.1",
        ),
        (
            Transport::Ws,
            "SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK56sdasks",
        ),
        (
            Transport::Wss,
            "SIP/2.0/WSS df7jal23ls0d.invalid;rport=1;received=192.0.2.1",
        ),
        // A connection with a UDP Via (a §18.1.1 violation): still the connection.
        (
            Transport::Tcp,
            "SIP/2.0/UDP 10.0.0.1;received=192.0.2.1;rport=4000",
        ),
    ];
    for (transport, v) in cases {
        let f = flow(transport, "192.0.2.1:4000");
        assert_eq!(
            response_destination(&via(v), &f),
            ResponseTarget::SameFlow(FlowId(7)),
            "{v}"
        );
    }
}

#[test]
fn closed_connections_reconnect_to_received_at_the_sent_by_port() {
    let v = via("SIP/2.0/TCP 10.0.0.1:5070;received=192.0.2.1;rport=4000");
    let f = flow(Transport::Tcp, "192.0.2.1:4000");
    assert_eq!(
        reconnect_destination(&v, &f),
        Some(to("192.0.2.1:5070", Transport::Tcp))
    );
    let v = via("SIP/2.0/TLS client.example.com");
    let f = flow(Transport::Tls, "192.0.2.1:4000");
    assert_eq!(
        reconnect_destination(&v, &f),
        Some(ResponseTarget::Resolve {
            host: "client.example.com",
            port: None,
            transport: Transport::Tls
        })
    );
    // A WebSocket client accepts no connections; UDP has none.
    let v = via("SIP/2.0/WSS df7jal23ls0d.invalid;received=192.0.2.1");
    assert_eq!(
        reconnect_destination(&v, &flow(Transport::Wss, "192.0.2.1:4000")),
        None
    );
    assert_eq!(
        reconnect_destination(&v, &flow(Transport::Udp, "192.0.2.1:4000")),
        None
    );
}

#[test]
fn a_tcp_via_that_arrived_over_udp_is_answered_by_connecting() {
    let v = via("SIP/2.0/TCP 10.0.0.1;received=192.0.2.1;rport=4000");
    let f = flow(Transport::Udp, "192.0.2.1:4000");
    assert_eq!(
        response_destination(&v, &f),
        to("192.0.2.1:5060", Transport::Tcp)
    );
}

#[test]
fn reply_to_source_uses_the_flow_or_the_source_address() {
    assert_eq!(
        reply_to_source(&flow(Transport::Udp, "192.0.2.15:5060")),
        to("192.0.2.15:5060", Transport::Udp)
    );
    assert_eq!(
        reply_to_source(&flow(Transport::Tls, "192.0.2.15:5060")),
        ResponseTarget::SameFlow(FlowId(7))
    );
}

// ---- received / rport stamping (§18.2.1, RFC 3581 §4) ------------------

#[test]
fn stamping_received_for_an_ipv4_source_that_differs() {
    assert_eq!(
        stamped(
            "Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKa\r\n",
            "203.0.113.9:5060"
        ),
        expected("Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKa;received=203.0.113.9\r\n")
    );
}

#[test]
fn stamping_received_for_a_hostname_sent_by() {
    // RFC 3261 §18.2.1's own example.
    assert_eq!(
        stamped(
            "Via: SIP/2.0/UDP bobspc.biloxi.com:5060\r\n",
            "192.0.2.4:5060"
        ),
        expected("Via: SIP/2.0/UDP bobspc.biloxi.com:5060;received=192.0.2.4\r\n")
    );
}

#[test]
fn stamping_received_for_an_ipv6_source_writes_no_brackets() {
    assert_eq!(
        stamped(
            "Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111\r\n",
            "[2001:db8::9:255]:5060"
        ),
        expected(
            "Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111;received=2001:db8::9:255\r\n"
        )
    );
    // An IPv4 sender seen through a dual-stack socket is an IPv4 source.
    assert_eq!(
        stamped(
            "Via: SIP/2.0/UDP pc.example.com;branch=z9hG4bKm\r\n",
            "[::ffff:192.0.2.77]:5060"
        ),
        expected("Via: SIP/2.0/UDP pc.example.com;branch=z9hG4bKm;received=192.0.2.77\r\n")
    );
    let mut m = request("Via: SIP/2.0/UDP 192.0.2.77;branch=z9hG4bKm\r\n");
    stamp_received(&mut m, addr("[::ffff:192.0.2.77]:5060")).unwrap();
    assert!(!m.is_modified());
}

#[test]
fn stamping_an_empty_rport_fills_the_port_and_adds_received_even_when_the_host_matches() {
    // RFC 3581 §6: the NAT maps 10.1.1.1:4540 to 192.0.2.1:9988.
    assert_eq!(
        stamped(
            "Via: SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKkjshdyff\r\n",
            "192.0.2.1:9988"
        ),
        expected(
            "Via: SIP/2.0/UDP 10.1.1.1:4540;rport=9988;branch=z9hG4bKkjshdyff;received=192.0.2.1\r\n"
        )
    );
    // No NAT: the host is the source, and received is still added.
    assert_eq!(
        stamped(
            "Via: SIP/2.0/TCP 192.0.2.1:4540;branch=z9hG4bK2;rport\r\n",
            "192.0.2.1:4540"
        ),
        expected(
            "Via: SIP/2.0/TCP 192.0.2.1:4540;branch=z9hG4bK2;rport=4540;received=192.0.2.1\r\n"
        )
    );
}

#[test]
fn stamping_leaves_a_request_from_its_own_sent_by_untouched() {
    let mut m = request("Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n");
    stamp_received(&mut m, addr("192.0.2.1:5060")).unwrap();
    assert!(!m.is_modified());
    // A retransmission that was stamped already keeps its bytes too.
    let mut m =
        request("Via: SIP/2.0/UDP h.example.com;rport=9;branch=z9hG4bK1;received=192.0.2.1\r\n");
    stamp_received(&mut m, addr("192.0.2.1:9")).unwrap();
    assert!(!m.is_modified());
}

#[test]
fn stamping_replaces_a_received_the_sender_wrote() {
    assert_eq!(
        stamped(
            "Via: SIP/2.0/UDP 192.0.2.1;received=198.51.100.66;branch=z9hG4bK1\r\n",
            "192.0.2.1:5060"
        ),
        expected("Via: SIP/2.0/UDP 192.0.2.1;received=192.0.2.1;branch=z9hG4bK1\r\n")
    );
}

#[test]
fn stamping_a_folded_top_via() {
    // The field is stored again: the fold becomes one space, the value's
    // own spacing stays, the next field keeps its bytes.
    let lines = "Via: SIP/2.0/UDP pc33.atlanta.com:5066\r\n  ;branch=z9hG4bK776 ; rport\r\n\
                 Via: SIP/2.0/UDP 10.9.9.9\r\n ;branch=z9hG4bK2\r\n";
    assert_eq!(
        stamped(lines, "192.0.2.101:60001"),
        expected(
            "Via: SIP/2.0/UDP pc33.atlanta.com:5066 ;branch=z9hG4bK776 ; rport=60001;received=192.0.2.101\r\n\
             Via: SIP/2.0/UDP 10.9.9.9\r\n ;branch=z9hG4bK2\r\n"
        )
    );
}

#[test]
fn stamping_a_top_via_that_shares_its_field_with_others() {
    // Compact name kept; the second and third values keep their bytes.
    let lines = "v: SIP/2.0/UDP a.example.com;branch=z9hG4bK1 ,SIP/2.0/TCP  b.example.com;branch=z9hG4bK2,  SIP/2.0/UDP 10.0.0.3\r\n";
    assert_eq!(
        stamped(lines, "192.0.2.7:5060"),
        expected(
            "v: SIP/2.0/UDP a.example.com;branch=z9hG4bK1;received=192.0.2.7 ,SIP/2.0/TCP  b.example.com;branch=z9hG4bK2,  SIP/2.0/UDP 10.0.0.3\r\n"
        )
    );
    let mut m = request(lines);
    stamp_received(&mut m, addr("192.0.2.7:5060")).unwrap();
    let vias: Vec<_> = m.headers::<Via>().map(|v| v.unwrap().received()).collect();
    assert_eq!(vias, [Some("192.0.2.7"), None, None]);
}

#[test]
fn stamping_needs_a_readable_top_via() {
    let mut m = request("");
    assert_eq!(
        stamp_received(&mut m, addr("192.0.2.1:1")),
        Err(ViaError::Missing)
    );
    let mut m = request("Via: SIP/2.0/UDP\r\n");
    assert!(matches!(
        stamp_received(&mut m, addr("192.0.2.1:1")),
        Err(ViaError::Malformed { .. })
    ));
    assert!(!m.is_modified());
}

// ---- size rule (§18.1.1) -----------------------------------------------

/// A MESSAGE request of exactly `total` bytes with our Via on top.
fn sized_request(total: usize) -> Message {
    let head = |body_len: usize| {
        format!(
            "MESSAGE sip:bob@example.com;transport=udp SIP/2.0\r\n\
             Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKsize;rport\r\n\
             Max-Forwards: 70\r\nCall-ID: size@192.0.2.1\r\nCSeq: 1 MESSAGE\r\n\
             Content-Type: text/plain\r\nContent-Length: {body_len}\r\n\r\n"
        )
    };
    let mut body_len = total - head(0).len();
    while head(body_len).len() + body_len != total {
        body_len = total - head(body_len).len();
    }
    let mut raw = head(body_len).into_bytes();
    raw.resize(total, b'x');
    let m = Message::parse(Bytes::from(raw)).expect("sized request parses");
    assert_eq!(m.serialized_len(), total);
    m
}

#[test]
fn a_1400_byte_request_switches_from_udp_to_tcp() {
    let mut m = sized_request(1400);
    let dest = addr("192.0.2.9:5060");
    // `transport=udp` in the Request-URI is no exception.
    let decision = size_decision(&m, Transport::Udp, dest, None);
    assert_eq!(decision, SizeDecision::SwitchToTcp);
    set_via_transport(&mut m, Transport::Tcp).unwrap();
    assert!(text(&m).contains("\r\nVia: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bKsize;rport\r\n"));
    assert_eq!(m.serialized_len(), 1400);
    // Refused by an RFC 2543 peer: back to UDP; other failures are errors.
    assert!(decision.retry_over_udp(ConnectFailure::Reset));
    assert!(decision.retry_over_udp(ConnectFailure::ProtocolNotSupported));
    assert!(!decision.retry_over_udp(ConnectFailure::Other));
    set_via_transport(&mut m, Transport::Udp).unwrap();
    assert!(text(&m).contains("\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKsize;rport\r\n"));
    // Already on a congestion-controlled transport: nothing to do.
    assert_eq!(
        size_decision(&m, Transport::Tls, dest, None),
        SizeDecision::Keep
    );
    // A multicast group has no TCP path.
    assert_eq!(
        size_decision(&m, Transport::Udp, addr("239.255.255.1:5060"), None),
        SizeDecision::MulticastTooLarge
    );
}

#[test]
fn a_1200_byte_request_stays_on_udp() {
    let m = sized_request(1200);
    let decision = size_decision(&m, Transport::Udp, addr("192.0.2.9:5060"), None);
    assert_eq!(decision, SizeDecision::Keep);
    assert!(!decision.retry_over_udp(ConnectFailure::Reset));
    // Unless the path MTU is known to be small: 1200 > 1280 - 200.
    assert_eq!(
        size_decision(&m, Transport::Udp, addr("192.0.2.9:5060"), Some(1280)),
        SizeDecision::SwitchToTcp
    );
}

#[test]
fn size_thresholds_follow_the_mtu_minus_200() {
    assert!(!must_use_congestion_controlled(1300, None));
    assert!(must_use_congestion_controlled(1301, None));
    assert!(!must_use_congestion_controlled(1300, Some(1500)));
    assert!(must_use_congestion_controlled(1301, Some(1500)));
    assert!(!must_use_congestion_controlled(8800, Some(9000)));
    assert!(must_use_congestion_controlled(1, Some(100)));
}

// ---- sending: our Via, branches, WebSocket -----------------------------

#[test]
fn stamping_our_via_on_an_outgoing_request() {
    let mut m = request("");
    let sent_by = SentBy::from(addr("192.0.2.1:5060"));
    stamp_via(&mut m, Transport::Udp, sent_by, "z9hG4bK74bf9", true).unwrap();
    assert_eq!(
        text(&m),
        expected("Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9;rport\r\n")
    );
    let mut m = request("Via: SIP/2.0/UDP old.example.com;branch=z9hG4bKold\r\n");
    let sent_by = SentBy::new(Host::parse("[2001:db8::1]").unwrap(), None);
    stamp_via(&mut m, Transport::Tls, sent_by, "z9hG4bKnew", false).unwrap();
    assert_eq!(
        text(&m),
        expected(
            "Via: SIP/2.0/TLS [2001:db8::1];branch=z9hG4bKnew\r\n\
             Via: SIP/2.0/UDP old.example.com;branch=z9hG4bKold\r\n"
        )
    );
}

#[test]
fn stamping_our_via_refuses_what_would_not_be_a_via() {
    let mut m = request("");
    let sent_by = SentBy::from(addr("192.0.2.1:5060"));
    for bad in ["", "z9hG4bK;x=1", "z9hG4bK\r\nX: y", "z9 hG4bK"] {
        assert_eq!(
            stamp_via(&mut m, Transport::Udp, sent_by, bad, false),
            Err(StampError::InvalidBranch {
                branch: bad.to_owned()
            })
        );
    }
    for bad in [
        "a b.example.com",
        "x.example.com;evil",
        "",
        "-x.example.com",
    ] {
        let sent_by = SentBy::new(Host::Domain(bad), None);
        assert!(matches!(
            stamp_via(&mut m, Transport::Udp, sent_by, "z9hG4bK1", false),
            Err(StampError::InvalidHost { .. })
        ));
    }
    assert!(!m.is_modified());
    assert!(matches!(
        set_via_transport(&mut m, Transport::Tcp),
        Err(StampError::TopVia(ViaError::Missing))
    ));
}

#[test]
fn branch_format_and_determinism() {
    let (mut a, mut b, mut c) = (Rng::new(42), Rng::new(42), Rng::new(43));
    let from_a: Vec<String> = (0..100).map(|_| new_branch(&mut a)).collect();
    let from_b: Vec<String> = (0..100).map(|_| new_branch(&mut b)).collect();
    assert_eq!(from_a, from_b, "same seed, same branches");
    assert_ne!(new_branch(&mut c), from_a[0]);
    let distinct: std::collections::BTreeSet<_> = from_a.iter().collect();
    assert_eq!(distinct.len(), 100);
    for branch in &from_a {
        assert!(branch.starts_with("z9hG4bK"), "{branch}");
        assert_eq!(branch.len(), 24);
        assert!(branch[7..].bytes().all(|b| b.is_ascii_alphanumeric()));
        // 17 characters of 62 are more than 96 bits.
        assert!(17.0 * 62f64.log2() >= 96.0);
        // It reads back as a Via branch with the cookie.
        let line = format!("SIP/2.0/UDP h.example.com;branch={branch}");
        assert!(via(&line).has_magic_cookie());
    }
}

#[test]
fn websocket_via_with_an_invalid_host_and_wss() {
    let mut rng = Rng::new(2014);
    let host = ws_invalid_host(&mut rng);
    let branch = new_branch(&mut rng);
    assert!(host.ends_with(".invalid") && host.len() == 20, "{host}");
    assert!(host.bytes().all(|b| !b.is_ascii_uppercase()));
    assert!(matches!(Host::parse(&host), Ok(Host::Domain(_))));
    let mut m = request("");
    let sent_by = SentBy::new(Host::Domain(&host), None);
    stamp_via(&mut m, Transport::Wss, sent_by, &branch, false).unwrap();
    assert_eq!(
        text(&m),
        expected(&format!("Via: SIP/2.0/WSS {host};branch={branch}\r\n"))
    );
    // Deterministic from the seed.
    let mut again = Rng::new(2014);
    assert_eq!(ws_invalid_host(&mut again), host);
    assert_eq!(new_branch(&mut again), branch);
    // The answer comes back on the WebSocket connection.
    let v = check_request_via(&m).unwrap();
    assert_eq!(
        response_destination(&v, &flow(Transport::Wss, "192.0.2.50:443")),
        ResponseTarget::SameFlow(FlowId(7))
    );
}

// ---- receiving: checks on the top Via ----------------------------------

#[test]
fn a_good_top_via_is_returned() {
    let m = request(
        "Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw, SIP/2.0/SCTP t2.example.com\r\n",
    );
    let v = check_request_via(&m).unwrap();
    assert_eq!((v.transport, v.branch()), ("UDP", Some("z9hG4bKkdjuw")));
    // No magic cookie (RFC 2543): still accepted.
    let m = request("Via: sip/2.0/tcp 192.0.2.1;branch=old1\r\n");
    assert!(check_request_via(&m).is_ok());
}

#[test]
fn malformed_via_cases_and_whether_they_can_be_answered() {
    type Case = (&'static str, fn(&ViaError) -> bool, bool);
    let cases: [Case; 7] = [
        ("", |e| *e == ViaError::Missing, false),
        (
            "Via: SIP/2.0/UDP\r\n",
            |e| {
                matches!(
                    e,
                    ViaError::Malformed {
                        expected: "white space before sent-by",
                        ..
                    }
                )
            },
            false,
        ),
        (
            "Via: SIP/2.0/UDP 256.1.1.1;branch=z9hG4bK1\r\n",
            |e| matches!(e, ViaError::Malformed { .. }),
            false,
        ),
        (
            "Via: SIP/2.0/UDP 192.0.2.15;;,;,,\r\n",
            |e| {
                matches!(
                    e,
                    ViaError::Malformed {
                        sent_by_readable: true,
                        ..
                    }
                )
            },
            true,
        ),
        (
            "Via: SIP/3.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n",
            |e| matches!(e, ViaError::NotSip20 { found, .. } if found == "SIP/3.0"),
            true,
        ),
        (
            "Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf\r\n",
            |e| matches!(e, ViaError::UnknownTransport { token, .. } if token == "SCTP"),
            true,
        ),
        (
            "Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en\r\n",
            |e| matches!(e, ViaError::UnknownTransport { token, .. } if token == "UNKNOWN"),
            true,
        ),
    ];
    for (lines, is_expected, can_respond) in cases {
        let m = request(lines);
        let err = check_request_via(&m).unwrap_err();
        assert!(is_expected(&err), "{lines:?}: {err:?}");
        assert_eq!(err.can_respond(), can_respond, "{lines:?}");
        assert!(!err.to_string().is_empty());
    }
    // A Via field that is not UTF-8.
    let raw = b"OPTIONS sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h\xff.example.com\r\n\r\n";
    let m = Message::parse(Bytes::from_static(raw)).unwrap();
    let err = check_request_via(&m).unwrap_err();
    assert!(matches!(
        err,
        ViaError::Malformed {
            offset: 53,
            expected: "UTF-8 text",
            sent_by_readable: false
        }
    ));
}

#[test]
fn rfc4475_bad_via_and_version_point_at_the_fault() {
    // §3.1.2.1: empty Via parameters; the sent-by reads, so 400.
    let m = Message::parse(Bytes::from_static(include_bytes!(
        "data/rfc4475/badinv01.dat"
    )))
    .unwrap();
    let err = check_request_via(&m).unwrap_err();
    let ViaError::Malformed { offset, .. } = err else {
        panic!("{err:?}")
    };
    // The stray `;;` starts at 216; a parameter name was due at 217.
    assert_eq!(offset, 217);
    assert!(err.can_respond());
    // §3.1.2.16: SIP/7.0 in the Via too (the start line earns the 505).
    let m = Message::parse(Bytes::from_static(include_bytes!(
        "data/rfc4475/badvers.dat"
    )))
    .unwrap();
    assert_eq!(
        check_request_via(&m),
        Err(ViaError::NotSip20 {
            offset: 51,
            found: "SIP/7.0".to_owned()
        })
    );
}

// ---- receiving responses (§18.1.2) -------------------------------------

#[test]
fn responses_whose_top_via_is_not_ours_are_dropped() {
    let response = |via_line: &str| {
        Message::parse(Bytes::from(format!(
            "SIP/2.0 200 OK\r\n{via_line}Call-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        )))
        .unwrap()
    };
    let ours = [
        SentBy::new(Host::Domain("PC33.atlanta.com"), None),
        SentBy::from(addr("192.0.2.1:5062")),
    ];
    let ok = |line: &str| top_via_is_ours(&response(line), &ours);
    assert!(ok(
        "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK1;received=192.0.2.1\r\n"
    ));
    // The default port of the transport stands for a missing one.
    assert!(ok(
        "Via: SIP/2.0/UDP pc33.atlanta.com:5060;branch=z9hG4bK1\r\n"
    ));
    assert!(!ok(
        "Via: SIP/2.0/TLS pc33.atlanta.com:5060;branch=z9hG4bK1\r\n"
    ));
    assert!(ok("Via: SIP/2.0/TCP 192.0.2.1:5062;branch=z9hG4bK1\r\n"));
    assert!(!ok("Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"));
    assert!(!ok("Via: SIP/2.0/UDP evil.example.com;branch=z9hG4bK1\r\n"));
    // Only the top value counts.
    assert!(!ok(
        "Via: SIP/2.0/UDP proxy.example.com, SIP/2.0/UDP pc33.atlanta.com\r\n"
    ));
    assert!(!ok(""));
    assert!(!ok("Via: garbage\r\n"));
}

#[test]
fn typed_via_round_trip_of_what_we_stamp() {
    let mut m = request("");
    let sent_by = SentBy::new(Host::Domain("ua.example.com"), Some(5070));
    stamp_via(&mut m, Transport::Tcp, sent_by, "z9hG4bKrt", true).unwrap();
    let v = check_request_via(&m).unwrap();
    assert!(sent_by.matches(&v));
    assert_eq!(v.rport(), Some(None));
    assert_eq!(
        v.to_value_bytes(),
        b"SIP/2.0/TCP ua.example.com:5070;branch=z9hG4bKrt;rport"
    );
}

// ---- any input ----------------------------------------------------------

/// Pieces of Via values, glued in random order after a sent-protocol.
const VIA_ATOMS: &[&str] = &[
    "h.example.com",
    "192.0.2.1",
    "[2001:db8::1]",
    ":5060",
    ":0",
    ";rport",
    ";rport=",
    ";rport=5",
    ";RPORT",
    ";received=",
    ";received",
    "198.51.100.2",
    "[2001:db8::2]",
    "2001:db8::2",
    ";branch=z9hG4bK1",
    ";maddr=239.1.1.1",
    ";ttl=3",
    ";x=\"a;b,c\"",
    ",",
    ", SIP/2.0/TCP b.example.com",
    " ",
    "\r\n ",
    ";",
    "=",
    "\u{e9}",
];

fn via_value() -> impl Strategy<Value = String> {
    let protocol = prop::sample::select(vec![
        "SIP/2.0/UDP ",
        "SIP/2.0/TCP ",
        "SIP / 2.0 / WSS ",
        "sip/2.0/tls ",
        "SIP/3.0/UDP ",
        "SIP/2.0/SCTP ",
        "SIP/2.0/UDP",
        "",
    ]);
    let atoms = prop::collection::vec(prop::sample::select(VIA_ATOMS), 0..10);
    (protocol, atoms).prop_map(|(p, a)| format!("{p}{}", a.concat()))
}

fn source() -> impl Strategy<Value = SocketAddr> {
    prop_oneof![
        (any::<[u8; 4]>(), any::<u16>()).prop_map(|(ip, port)| SocketAddr::from((ip, port))),
        (any::<[u16; 8]>(), any::<u16>()).prop_map(|(ip, port)| SocketAddr::from((ip, port))),
        Just(addr("192.0.2.1:5060")),
        Just(addr("[::ffff:192.0.2.1]:5060")),
        Just(addr("[2001:db8::1]:5060")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// No panic anywhere; a stamped Via reads back with the source address
    /// and port; nothing else changes; stamping again changes nothing.
    #[test]
    fn via_rules_hold_on_any_via(value in via_value(), src in source(), udp in any::<bool>()) {
        let raw = format!(
            "OPTIONS sip:b@example.com SIP/2.0\r\nVia: {value}\r\nX-After: keep  me\r\n\
             Call-ID: c\r\nContent-Length: 0\r\n\r\n"
        );
        let Ok(mut m) = Message::parse(Bytes::from(raw)) else { return Ok(()); };
        let transport = if udp { Transport::Udp } else { Transport::Tcp };
        let f = flow(transport, "192.0.2.1:5060");
        let checked = match check_request_via(&m) {
            Ok(v) => {
                let _ = response_destination(&v, &f);
                let _ = reconnect_destination(&v, &f);
                true
            }
            Err(_) => false,
        };
        let _ = top_via_is_ours(&m, &[SentBy::from(src)]);
        let before_values = m.headers::<Via>().count();
        let before_top = m.header::<Via>().ok().map(|v| {
            let first_rport = v.params.iter().find(|(n, _)| n.eq_ignore_ascii_case("rport"));
            let empty_rport = first_rport.is_some_and(|(_, value)| value.is_none());
            (v.host.to_string(), v.port, empty_rport)
        });
        let result = stamp_received(&mut m, src);
        prop_assert_eq!(result.is_ok(), before_top.is_some(), "{:?}", value);
        let Some((host, port, empty_rport)) = before_top else { return Ok(()); };

        let again = Message::parse(m.to_bytes()).expect("stamped message parses");
        let top = again.header::<Via>().expect("stamped top Via parses");
        prop_assert_eq!((top.host.to_string(), top.port), (host, port));
        let ip = src.ip().to_canonical();
        let received = top.received().map(|r| {
            r.trim_matches(['[', ']']).parse::<std::net::IpAddr>().map(|a| a.to_canonical())
        });
        match received {
            Some(r) => prop_assert_eq!(r.ok(), Some(ip)),
            None => prop_assert_eq!(top.host.ip().map(|a| a.to_canonical()), Some(ip)),
        }
        if empty_rport {
            prop_assert_eq!(top.rport(), Some(Some(src.port())));
        }
        prop_assert_eq!(again.headers::<Via>().count(), before_values);
        prop_assert_eq!(again.raw_by_name("X-After"), Some(&b"keep  me"[..]));
        let field = std::str::from_utf8(again.raw_by_name("Via").unwrap()).unwrap();
        prop_assert_eq!(split_list(field).count(), before_values);

        let mut twice = again.clone();
        stamp_received(&mut twice, src).unwrap();
        prop_assert!(!twice.is_modified(), "{:?} stamped twice", value);
        if checked {
            let mut switched = again;
            set_via_transport(&mut switched, Transport::Tcp).unwrap();
            prop_assert_eq!(check_request_via(&switched).unwrap().transport, "TCP");
        }
    }
}

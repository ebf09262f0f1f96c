//! Registration over connections with Outbound (RFC 5626): sansip asks the
//! host to connect, sends once the flow is open, frames stream bytes,
//! keeps the flow alive with CRLF pings, and when the flow dies it
//! reconnects (SIP.js defaults: 3 attempts, 4 s apart), then backs off
//! per §4.5, reporting every step.

mod endpoint_util;

use std::time::Duration;

use endpoint_util::*;
use sansip::endpoint::{Event, Input, RegisterOptions, RegistrationState};
use sansip::message::Message;
use sansip::transport::{FlowId, Transport};

const INSTANCE: &str = "urn:uuid:00000000-0000-1000-8000-000a95a0e128";

fn tcp_config() -> sansip::endpoint::Config {
    let mut c = config();
    c.outbound_proxy = Some("sip:10.0.0.2:5060;transport=tcp".into());
    c.instance_id = Some(INSTANCE.into());
    c
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Registers over TCP through the proxy; returns the flow and the REGISTER.
fn connect_and_register(h: &mut Harness) -> (FlowId, Message) {
    let connect = h.connects.pop().expect("a Connect");
    assert!(h.connects.is_empty());
    assert_eq!(connect.transport, Transport::Tcp);
    assert_eq!(connect.remote, addr(REGISTRAR));
    assert!(
        connect.flow.0 & (1 << 63) != 0,
        "sansip's flow ids have the top bit"
    );
    assert!(
        h.take_sent().is_empty(),
        "nothing is written before the connection opens"
    );
    h.input(Input::Connected { flow: connect.flow });
    assert_eq!(h.sent.len(), 1);
    assert_eq!(h.sent[0].1.flow, Some(connect.flow));
    (connect.flow, h.take_one())
}

fn ok_outbound(reg: &Message) -> Vec<u8> {
    respond(
        reg,
        200,
        "OK",
        &[
            (
                "Contact",
                &hdr(reg, "Contact").expect("our Contact, echoed"),
            ),
            ("Expires", "600"),
            ("Require", "outbound"),
            ("Flow-Timer", "30"),
        ],
    )
    .to_vec()
}

#[test]
fn a_tcp_registration_waits_for_the_connection_and_uses_an_invalid_via_host() {
    let mut h = Harness::new(tcp_config());
    let id = h.ep.register(h.now, RegisterOptions::default()).unwrap();
    h.drain();
    let (flow, reg) = connect_and_register(&mut h);
    let text = reg.to_string();
    assert!(text.contains("\r\nVia: SIP/2.0/TCP "), "{text}");
    let via = hdr(&reg, "Via").unwrap();
    assert!(
        via.split(';').next().unwrap().ends_with(".invalid"),
        "{via}"
    );
    assert_eq!(
        hdr(&reg, "Route").as_deref(),
        Some("<sip:10.0.0.2:5060;transport=tcp;lr>")
    );
    let contact = hdr(&reg, "Contact").unwrap();
    assert!(contact.contains(".invalid;transport=tcp;ob>"), "{contact}");
    assert!(
        contact.contains(&format!("+sip.instance=\"<{INSTANCE}>\";reg-id=1")),
        "{contact}"
    );
    // The 200 arrives in two pieces of stream.
    let ok = ok_outbound(&reg);
    let (a, b) = ok.split_at(50);
    h.flow_data(Transport::Tcp, flow, REGISTRAR, a.to_vec());
    assert!(h.take_events().is_empty());
    h.flow_data(Transport::Tcp, flow, REGISTRAR, b.to_vec());
    let events = h.take_events();
    assert!(
        matches!(&events[..], [Event::Registered { id: i, flow: Some(f), .. }] if *i == id && *f == flow),
        "{events:?}"
    );
}

#[test]
fn keepalives_follow_the_flow_timer_and_a_missing_pong_moves_the_registration_to_a_new_flow() {
    let mut h = Harness::new(tcp_config());
    let id = h.ep.register(h.now, RegisterOptions::default()).unwrap();
    h.drain();
    let (flow, reg) = connect_and_register(&mut h);
    h.flow_data(Transport::Tcp, flow, REGISTRAR, ok_outbound(&reg));
    h.take_events();
    let registered_at = h.elapsed();

    // §4.4.1: a ping between 80 % and 100 % of Flow-Timer (30 s).
    h.advance(secs(30));
    let pings: Vec<_> = h
        .sent
        .iter()
        .filter(|(_, t)| &t.data[..] == b"\r\n\r\n")
        .cloned()
        .collect();
    assert_eq!(pings.len(), 1, "{:?}", h.sent);
    let sent_at = pings[0].0 - h.t0 - registered_at;
    assert!((secs(24)..=secs(30)).contains(&sent_at), "{sent_at:?}");
    assert_eq!(pings[0].1.flow, Some(flow));
    h.sent.clear();
    h.flow_data(Transport::Tcp, flow, REGISTRAR, &b"\r\n"[..]);
    assert_eq!(h.ep.stats().pongs, 1);

    // The next ping goes unanswered: 10 s after it the flow is given up.
    let mut ping2 = None;
    for _ in 0..60_000 {
        h.advance(ms(1));
        if ping2.is_none() && h.sent.iter().any(|(_, t)| &t.data[..] == b"\r\n\r\n") {
            ping2 = Some(h.now);
        }
        if !h.closes.is_empty() {
            break;
        }
    }
    let ping2 = ping2.expect("a second ping");
    assert_eq!(h.now - ping2, secs(10), "the pong timeout");
    assert_eq!(h.closes, vec![flow]);
    let events = h.take_events();
    assert!(
        matches!(&events[..], [Event::Reconnecting { id: i, attempt: 1, delay, reason }] if *i == id && *delay == secs(4) && reason == "keep-alive unanswered"),
        "{events:?}"
    );
    assert_eq!(h.ep.registration(id), Some(RegistrationState::Waiting));
    // 4 s later: a new connection, and the registration on it.
    h.advance(secs(4) - ms(1));
    assert!(h.connects.is_empty());
    h.advance(ms(1));
    let (flow2, reg2) = connect_and_register(&mut h);
    assert_ne!(flow2, flow);
    assert_eq!(
        reg2.call_id(),
        reg.call_id(),
        "same registration, same Call-ID"
    );
    h.flow_data(Transport::Tcp, flow2, REGISTRAR, ok_outbound(&reg2));
    assert!(matches!(h.take_events()[..], [Event::Registered { flow: Some(f), .. }] if f == flow2));
}

#[test]
fn reconnection_tries_three_times_four_seconds_apart_then_backs_off() {
    let mut h = Harness::new(tcp_config());
    let id = h.ep.register(h.now, RegisterOptions::default()).unwrap();
    h.drain();
    let (flow, reg) = connect_and_register(&mut h);
    h.flow_data(Transport::Tcp, flow, REGISTRAR, ok_outbound(&reg));
    h.take_events();
    // The registrar goes away.
    h.input(Input::FlowClosed {
        flow,
        error: Some("connection reset".into()),
    });
    let mut timeline = Vec::new();
    for attempt in 1..=3u32 {
        let events = h.take_events();
        assert!(
            matches!(&events[..], [Event::Reconnecting { attempt: a, delay, reason, .. }] if *a == attempt && *delay == secs(4) && reason == if attempt == 1 { "connection reset" } else { "refused" }),
            "attempt {attempt}: {events:?}"
        );
        h.advance(secs(4));
        let c = h.connects.pop().expect("a reconnection attempt");
        timeline.push(h.elapsed());
        h.input(Input::FlowClosed {
            flow: c.flow,
            error: Some("refused".into()),
        });
    }
    // Attempts at +4, +8, +12 s; then §4.5: failures beyond the policy
    // wait 50–100 % of 30 s · 2^n.
    assert_eq!(timeline, vec![secs(4), secs(8), secs(12)]);
    let events = h.take_events();
    let [Event::RegistrationFailed {
        id: i,
        status: None,
        retry_after: Some(wait),
        ..
    }] = &events[..]
    else {
        panic!("{events:?}");
    };
    assert_eq!(*i, id);
    assert!((secs(30)..=secs(60)).contains(wait), "{wait:?}");
    h.advance(*wait - ms(1));
    assert!(h.connects.is_empty());
    h.advance(ms(1));
    let (flow5, reg5) = connect_and_register(&mut h);
    h.flow_data(Transport::Tcp, flow5, REGISTRAR, ok_outbound(&reg5));
    assert!(matches!(h.take_events()[..], [Event::Registered { .. }]));
    assert_eq!(h.ep.registration(id), Some(RegistrationState::Registered));
}

#[test]
fn a_ping_from_the_server_is_answered_with_a_pong_on_the_same_flow() {
    let mut h = Harness::new(tcp_config());
    h.ep.register(h.now, RegisterOptions::default()).unwrap();
    h.drain();
    let (flow, _) = connect_and_register(&mut h);
    h.flow_data(Transport::Tcp, flow, REGISTRAR, &b"\r\n\r\n"[..]);
    assert_eq!(h.sent.len(), 1);
    assert_eq!(&h.sent[0].1.data[..], b"\r\n");
    assert_eq!(h.sent[0].1.flow, Some(flow));
}

#[test]
fn broken_stream_framing_closes_the_flow() {
    let mut h = Harness::new(tcp_config());
    let id = h.ep.register(h.now, RegisterOptions::default()).unwrap();
    h.drain();
    let (flow, _) = connect_and_register(&mut h);
    h.flow_data(
        Transport::Tcp,
        flow,
        REGISTRAR,
        &b"SIP/2.0 200 OK\r\nContent-Length: nope\r\n\r\n"[..],
    );
    assert_eq!(h.closes, vec![flow]);
    assert!(h.ep.stats().unparsable >= 1);
    // The REGISTER on it failed with the flow: a reconnection follows.
    let events = h.take_events();
    assert!(
        matches!(&events[..], [Event::Reconnecting { id: i, attempt: 1, .. }] if *i == id),
        "{events:?}"
    );
}

/// A STUN Binding success for `request` saying we were seen at `seen`.
fn stun_success(request: &[u8], seen: std::net::SocketAddrV4) -> Vec<u8> {
    let mut out = vec![0x01, 0x01, 0x00, 0x0c];
    out.extend_from_slice(&request[4..20]); // cookie and transaction id
    out.extend_from_slice(&[0x00, 0x20, 0x00, 0x08, 0x00, 0x01]);
    out.extend_from_slice(&(seen.port() ^ 0x2112).to_be_bytes());
    for (b, c) in seen.ip().octets().iter().zip([0x21, 0x12, 0xa4, 0x42]) {
        out.push(b ^ c);
    }
    out
}

fn stun_requests(h: &Harness) -> Vec<(std::time::Instant, bytes::Bytes)> {
    h.sent
        .iter()
        .filter(|(_, t)| t.data.len() == 20 && t.data[..2] == [0x00, 0x01])
        .map(|(at, t)| (*at, t.data.clone()))
        .collect()
}

#[test]
fn a_udp_registration_with_outbound_keeps_its_nat_binding_with_stun() {
    let mut c = config();
    c.instance_id = Some(INSTANCE.into());
    let mut h = Harness::new(c);
    let id = h.ep.register(h.now, RegisterOptions::default()).unwrap();
    let reg = h.take_one();
    h.udp_from(
        REGISTRAR,
        respond(
            &reg,
            200,
            "OK",
            &[
                ("Contact", &hdr(&reg, "Contact").unwrap()),
                ("Require", "outbound"),
                ("Flow-Timer", "20"),
            ],
        ),
    );
    h.take_events();
    let t_reg = h.now;

    // §4.4.1: within 80–100 % of Flow-Timer, a Binding request to the
    // registrar, from our UDP socket.
    h.advance(secs(20));
    let pings = stun_requests(&h);
    assert_eq!(pings.len(), 1, "{:?}", h.sent);
    assert!((secs(16)..=secs(20)).contains(&(pings[0].0 - t_reg)));
    let (_, t) = h.sent.iter().find(|(_, t)| t.data.len() == 20).unwrap();
    assert_eq!((t.source, t.destination), (addr(LOCAL), addr(REGISTRAR)));
    h.sent.clear();
    h.udp_from(
        REGISTRAR,
        stun_success(&pings[0].1, "10.0.0.1:5060".parse().unwrap()),
    );
    assert_eq!(h.ep.stats().pongs, 1);
    assert!(
        h.take_sent().is_empty(),
        "the same mapped address: nothing to do"
    );
    assert_eq!(h.ep.stats().unparsable, 0, "STUN is not counted as bad SIP");

    // The NAT now shows another address: register again at once.
    h.advance(secs(20));
    let pings = stun_requests(&h);
    assert_eq!(pings.len(), 1);
    h.sent.clear();
    h.udp_from(
        REGISTRAR,
        stun_success(&pings[0].1, "203.0.113.5:40000".parse().unwrap()),
    );
    let again = h.take_one();
    assert_eq!(
        again
            .header::<sansip::message::headers::CSeq>()
            .unwrap()
            .seq,
        2
    );
    h.udp_from(
        REGISTRAR,
        respond(
            &again,
            200,
            "OK",
            &[
                ("Contact", &hdr(&again, "Contact").unwrap()),
                ("Require", "outbound"),
                ("Flow-Timer", "20"),
            ],
        ),
    );
    h.take_events();

    // An unanswered ping: 10 s later the path counts as failed and the
    // registration is sent again after the reconnection delay.
    let mut missing_at = None;
    for _ in 0..40_000 {
        h.advance(ms(1));
        if !stun_requests(&h).is_empty() && missing_at.is_none() {
            missing_at = Some(stun_requests(&h)[0].0 + secs(10));
        }
        if h.events
            .iter()
            .any(|(_, e)| matches!(e, Event::Reconnecting { .. }))
        {
            break;
        }
    }
    let reported_at = h
        .events
        .iter()
        .find(|(_, e)| matches!(e, Event::Reconnecting { .. }))
        .map(|(at, _)| *at);
    assert_eq!(reported_at, missing_at, "10 s after the unanswered ping");
    let events = h.take_events();
    assert!(
        matches!(&events[..], [Event::Reconnecting { id: i, attempt: 1, reason, .. }] if *i == id && reason == "STUN keep-alive unanswered"),
        "{events:?}"
    );
    h.sent.clear();
    h.advance(secs(4));
    assert!(h
        .take_sent()
        .iter()
        .any(|m| m.method() == Some(&sansip::message::Method::Register)));
}

#[test]
fn a_connection_the_host_never_opens_is_given_up_after_the_connect_timeout() {
    let mut h = Harness::new(tcp_config());
    let id = h.ep.register(h.now, RegisterOptions::default()).unwrap();
    h.drain();
    let c = h.connects.pop().expect("a Connect");
    h.advance(secs(10) - ms(1));
    assert!(h.closes.is_empty());
    h.advance(ms(1));
    assert_eq!(
        h.closes,
        vec![c.flow],
        "sansip tells the host to drop the attempt"
    );
    let events = h.take_events();
    assert!(
        matches!(&events[..], [Event::Reconnecting { id: i, attempt: 1, reason, .. }] if *i == id && reason == "connection timed out"),
        "{events:?}"
    );
    // The next attempt is a new flow, not the dead one.
    h.advance(secs(4));
    let c2 = h.connects.pop().expect("a new Connect");
    assert_ne!(c2.flow, c.flow);
    assert_eq!(h.ep.flows(), 1);
}

#[test]
fn connections_past_the_flow_limit_are_closed_not_kept() {
    let mut c = tcp_config();
    c.max_flows = 2;
    let mut h = Harness::new(c);
    for k in 0..3u64 {
        h.flow_data(
            Transport::Tcp,
            FlowId(100 + k),
            "10.0.0.50:40000",
            &b"\r\n\r\n"[..],
        );
    }
    assert_eq!(h.ep.flows(), 2);
    assert_eq!(h.closes, vec![FlowId(102)]);
}

//! The per-endpoint log sink: what reaches it at each level, that nothing
//! reaches it once cleared, and that every silent drop (unparsable input,
//! stray responses, flows past the limit, broken stream framing) leaves a
//! record that says why.

mod endpoint_util;

use std::sync::{Arc, Mutex};

use endpoint_util::*;
use sansip::endpoint::Input;
use sansip::log::Level;
use sansip::transport::{FlowId, Transport};

const PEER: &str = "10.0.0.9:5060";

type Seen = Arc<Mutex<Vec<(Level, &'static str, String)>>>;

fn logging(h: &mut Harness, max: Level) -> Seen {
    let seen: Seen = Arc::default();
    let into = Arc::clone(&seen);
    h.ep.set_log_sink(max, move |r| {
        into.lock()
            .unwrap()
            .push((r.level(), r.target(), r.to_string()))
    });
    seen
}

fn options(branch: &str) -> String {
    format!(
        "OPTIONS sip:alice@10.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK{branch}\r\n\
         Max-Forwards: 70\r\nFrom: <sip:bob@10.0.0.9>;tag=b1\r\nTo: <sip:alice@10.0.0.2>\r\n\
         Call-ID: log-{branch}@10.0.0.9\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
    )
}

fn take(seen: &Seen) -> Vec<(Level, &'static str, String)> {
    std::mem::take(&mut *seen.lock().unwrap())
}

#[test]
fn debug_level_shows_each_message_received_and_sent_with_its_addresses() {
    let mut h = Harness::new(config());
    let seen = logging(&mut h, Level::Debug);
    h.udp_from(PEER, options("a1"));
    assert_eq!(
        take(&seen),
        vec![
            (
                Level::Debug,
                "transport",
                "received OPTIONS sip:alice@10.0.0.1 SIP/2.0 from 10.0.0.9:5060 (UDP)".to_string()
            ),
            (
                Level::Debug,
                "transport",
                "sending SIP/2.0 200 OK to 10.0.0.9:5060 (UDP)".to_string()
            ),
        ]
    );
}

#[test]
fn trace_level_carries_whole_messages() {
    let mut h = Harness::new(config());
    let seen = logging(&mut h, Level::Trace);
    h.udp_from(PEER, options("t1"));
    let records = take(&seen);
    assert_eq!(records.len(), 2, "{records:#?}");
    assert_eq!(records[0].0, Level::Trace);
    assert!(records[0]
        .2
        .starts_with("received from 10.0.0.9:5060 (UDP):\nOPTIONS sip:alice@10.0.0.1 SIP/2.0\r\n"));
    assert!(records[0].2.contains("Call-ID: log-t1@10.0.0.9\r\n"));
    assert!(records[1]
        .2
        .starts_with("sending to 10.0.0.9:5060 (UDP):\nSIP/2.0 200 OK\r\n"));
}

#[test]
fn an_unparsable_datagram_is_a_warning_that_says_where_the_parse_failed() {
    let mut h = Harness::new(config());
    let seen = logging(&mut h, Level::Warn);
    h.udp_from(PEER, "INVITE sip:a@b SIP/2.0\r\nVia SIP/2.0/UDP x\r\n\r\n");
    let records = take(&seen);
    assert_eq!(records.len(), 1, "{records:#?}");
    let (level, target, text) = &records[0];
    assert_eq!((*level, *target), (Level::Warn, "transport"));
    assert!(
        text.starts_with("unparsable message from 10.0.0.9:5060 (UDP), dropped: "),
        "{text}"
    );
    assert!(
        text.contains("byte"),
        "the parse error names its offset: {text}"
    );
    assert!(
        text.ends_with("(first line: INVITE sip:a@b SIP/2.0)"),
        "{text}"
    );
    assert_eq!(h.ep.stats().unparsable, 1);
    assert!(
        h.take_sent().is_empty(),
        "nothing answers what cannot be read"
    );
}

#[test]
fn a_stray_response_is_logged_at_debug_not_at_warn() {
    let stray = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKnothing\r\n\
                 From: <sip:alice@10.0.0.2>;tag=x\r\nTo: <sip:bob@10.0.0.9>;tag=y\r\n\
                 Call-ID: stray@10.0.0.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    let mut h = Harness::new(config());
    let seen = logging(&mut h, Level::Info);
    h.udp_from(PEER, stray);
    assert!(take(&seen).is_empty(), "a stray response is routine");

    let seen = logging(&mut h, Level::Debug);
    h.udp_from(PEER, stray);
    let records = take(&seen);
    assert_eq!(records.len(), 2, "{records:#?}");
    assert_eq!(
        records[1],
        (
            Level::Debug,
            "transaction",
            "stray response dropped (no transaction of ours matches it): SIP/2.0 200 OK"
                .to_string()
        )
    );
}

#[test]
fn broken_stream_framing_closes_the_flow_and_says_so() {
    let mut h = Harness::new(config());
    let seen = logging(&mut h, Level::Info);
    h.flow_data(
        Transport::Tcp,
        FlowId(7),
        PEER,
        "OPTIONS sip:alice@10.0.0.1 SIP/2.0\r\nContent-Length: x\r\n\r\n",
    );
    assert_eq!(h.closes, vec![FlowId(7)]);
    let texts: Vec<String> = take(&seen).into_iter().map(|r| r.2).collect();
    assert_eq!(texts.len(), 2, "{texts:#?}");
    assert!(
        texts[0].starts_with("stream from 10.0.0.9:5060 (TCP, flow 7) is not SIP: "),
        "{}",
        texts[0]
    );
    assert_eq!(
        texts[1],
        "flow 7 to 10.0.0.9:5060 (TCP) closed by sansip: unparsable stream"
    );
}

#[test]
fn a_flow_the_host_closes_is_logged_with_the_hosts_reason() {
    let mut h = Harness::new(config());
    h.flow_data(Transport::Tcp, FlowId(3), PEER, "\r\n\r\n");
    let seen = logging(&mut h, Level::Info);
    h.input(Input::FlowClosed {
        flow: FlowId(3),
        error: Some("connection reset by peer".into()),
    });
    assert_eq!(
        take(&seen),
        vec![(
            Level::Info,
            "transport",
            "flow 3 to 10.0.0.9:5060 (TCP) closed by the host: connection reset by peer"
                .to_string()
        )]
    );
}

#[test]
fn a_cleared_sink_hears_nothing_more() {
    let mut h = Harness::new(config());
    let seen = logging(&mut h, Level::Trace);
    h.ep.clear_log_sink();
    h.udp_from(PEER, options("c1"));
    h.udp_from(PEER, "garbage");
    assert!(take(&seen).is_empty());
    assert_eq!(h.ep.stats().unparsable, 1, "the counters still count");
}

//! The INVITE client transaction (RFC 3261 §17.1.1, Table 4; RFC 6026
//! §8.4): every timer and transition at the exact virtual instant.

mod transaction_util;

use std::time::Duration;

use sansip::message::{headers::Via, HeaderName, Message, Method};
use sansip::transaction::{TimerConfig, TxEvent, TxOutput, TxState};
use sansip::transport::Transport;
use transaction_util::*;

fn invite() -> Message {
    uac_request(Method::Invite, 1)
}

#[test]
fn udp_invite_is_retransmitted_by_timer_a_doubling_until_timer_b_times_out_at_64_t1() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(Duration::ZERO, invite(), target(Transport::Udp));
    assert_eq!(start_line(&sent), INVITE_LINE);
    assert_eq!(h.layer.state(tx), Some(TxState::Calling));
    assert_eq!(h.next_deadline(), Some(T1), "Timer A starts at T1");

    // Timer A: T1, 2T1, 4T1, ... apart, so sends at T1, 3T1, 7T1, 15T1,
    // 31T1 and 63T1 (seven transmissions in all); Timer B at 64T1.
    let steps = h.run_until(T1 * 64);
    let mut expected: Vec<(Duration, Vec<Seen>)> = [1, 3, 7, 15, 31, 63]
        .iter()
        .map(|&k| (T1 * k, vec![send(INVITE_LINE)]))
        .collect();
    expected.push((T1 * 64, vec![Seen::Timeout(tx), Seen::Terminated(tx)]));
    assert_eq!(steps, expected);
    assert_eq!(h.layer.state(tx), None);
    h.assert_idle_after_timers();
}

#[test]
fn udp_retransmissions_are_byte_identical_to_the_first_send() {
    let mut h = Harness::new();
    let (_, first) = h.send_request(Duration::ZERO, invite(), target(Transport::Udp));
    h.layer.handle_timeout(h.at(T1));
    let again = h.transmits();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].bytes, first);
    assert_eq!(again[0].transport, Transport::Udp);
}

#[test]
fn reliable_invite_has_no_timer_a_and_timer_b_fires_at_64_t1() {
    let mut h = Harness::new();
    let (tx, _) = h.send_request(Duration::ZERO, invite(), target(Transport::Tcp));
    assert_eq!(h.next_deadline(), Some(T1 * 64), "only Timer B is armed");
    assert_eq!(
        h.run_until(T1 * 64),
        vec![(T1 * 64, vec![Seen::Timeout(tx), Seen::Terminated(tx)])]
    );
    h.assert_idle_after_timers();
}

#[test]
fn provisional_in_calling_moves_to_proceeding_stops_timers_a_and_b_and_is_passed_up() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(Duration::ZERO, invite(), target(Transport::Udp));
    let out = h.receive(ms(100), response_to(&sent, 180), flow(Transport::Udp, 1));
    assert_eq!(out, vec![Seen::Response(tx, 180)]);
    assert_eq!(h.layer.state(tx), Some(TxState::Proceeding));
    // Proceeding retransmits nothing and Timer B only acts in Calling.
    assert_eq!(h.next_deadline(), None);
    assert_eq!(h.run_until(secs(600)), vec![]);
    assert_eq!(h.layer.state(tx), Some(TxState::Proceeding));
    // More provisionals are passed up too.
    let out = h.receive(secs(601), response_to(&sent, 183), flow(Transport::Udp, 1));
    assert_eq!(out, vec![Seen::Response(tx, 183)]);
}

#[test]
fn final_after_64_t1_in_proceeding_still_completes_the_transaction() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(Duration::ZERO, invite(), target(Transport::Udp));
    h.receive(ms(100), response_to(&sent, 180), flow(Transport::Udp, 1));
    let out = h.receive(secs(40), response_to(&sent, 486), flow(Transport::Udp, 1));
    assert_eq!(out, vec![send(ACK_LINE), Seen::Response(tx, 486)]);
    assert_eq!(h.layer.state(tx), Some(TxState::Completed));
    assert_eq!(h.next_deadline(), Some(secs(40 + 32)));
    h.assert_idle_after_timers();
}

#[test]
fn non_2xx_final_in_calling_sends_ack_is_passed_up_and_timer_d_is_32s_on_udp() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(Duration::ZERO, invite(), target(Transport::Udp));
    let out = h.receive(secs(1), response_to(&sent, 486), flow(Transport::Udp, 1));
    assert_eq!(out, vec![send(ACK_LINE), Seen::Response(tx, 486)]);
    assert_eq!(h.layer.state(tx), Some(TxState::Completed));
    // Timers A and B are off; Timer D runs 32 s.
    assert_eq!(h.next_deadline(), Some(secs(33)));

    // A retransmitted final is ACKed again and not passed up.
    let out = h.receive(secs(5), response_to(&sent, 486), flow(Transport::Udp, 1));
    assert_eq!(out, vec![send(ACK_LINE)]);
    // Provisionals and 2xx are ignored in Completed.
    assert_eq!(
        h.receive(secs(6), response_to(&sent, 180), flow(Transport::Udp, 1)),
        vec![]
    );
    assert_eq!(
        h.run_until(secs(33)),
        vec![(secs(33), vec![Seen::Terminated(tx)])]
    );
    h.assert_idle_after_timers();
}

#[test]
fn reliable_non_2xx_final_sends_ack_and_terminates_at_once_timer_d_zero() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(Duration::ZERO, invite(), target(Transport::Tcp));
    h.receive(ms(50), response_to(&sent, 100), flow(Transport::Tcp, 1));
    let out = h.receive(secs(2), response_to(&sent, 603), flow(Transport::Tcp, 1));
    assert_eq!(
        out,
        vec![
            send(ACK_LINE),
            Seen::Response(tx, 603),
            Seen::Terminated(tx)
        ]
    );
    assert_eq!(h.layer.state(tx), None);
    assert_eq!(h.layer.table_sizes(), [0; 4]);
    assert_eq!(h.next_deadline(), None);
}

#[test]
fn ack_for_non_2xx_copies_uri_top_via_from_call_id_route_and_the_responses_to() {
    let mut h = Harness::new();
    let (_, sent) = h.send_request(Duration::ZERO, invite(), target(Transport::Udp));
    let resp = response_to(&sent, 404);
    h.layer
        .receive(h.at(secs(1)), resp.clone(), flow(Transport::Udp, 1));
    let out = h.transmits();
    assert_eq!(out.len(), 1);
    let ack = &out[0];
    assert_eq!(ack.transport, Transport::Udp);
    let b = &ack.bytes[..];
    assert_eq!(start_line(b), ACK_LINE, "same Request-URI as the INVITE");
    // One Via, equal to the INVITE's top Via (so the same branch).
    assert_eq!(header_lines(b, "Via"), header_lines(&sent, "Via"));
    assert_eq!(header_lines(b, "Via").len(), 1);
    let msg = Message::parse(ack.bytes.clone()).unwrap();
    let invite_msg = Message::parse(sent.clone()).unwrap();
    assert_eq!(
        msg.header::<Via>().unwrap().branch(),
        invite_msg.header::<Via>().unwrap().branch()
    );
    assert_eq!(header_lines(b, "From"), header_lines(&sent, "From"));
    assert_eq!(header_lines(b, "Call-ID"), header_lines(&sent, "Call-ID"));
    assert_eq!(
        header_lines(b, "To"),
        vec!["<sip:bob@192.0.2.9>;tag=peer-tag".to_owned()],
        "the To of the response, with its tag"
    );
    assert_eq!(header_lines(b, "CSeq"), vec!["1 ACK".to_owned()]);
    assert_eq!(
        header_lines(b, "Route"),
        vec!["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"],
        "the INVITE's route set, in order"
    );
    assert_eq!(header_lines(b, "Max-Forwards"), vec!["70".to_owned()]);
    assert!(header_lines(b, "Contact").is_empty());
    assert_eq!(msg.body(), b"");
}

#[test]
fn two_xx_moves_to_accepted_passes_every_2xx_up_sends_no_ack_and_timer_m_ends_it() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(Duration::ZERO, invite(), target(Transport::Udp));
    h.receive(ms(300), response_to(&sent, 180), flow(Transport::Udp, 1));
    let out = h.receive(secs(2), response_to(&sent, 200), flow(Transport::Udp, 1));
    assert_eq!(
        out,
        vec![Seen::Response(tx, 200)],
        "the TU ACKs a 2xx, not us"
    );
    assert_eq!(h.layer.state(tx), Some(TxState::Accepted));
    assert_eq!(
        h.next_deadline(),
        Some(secs(2) + T1 * 64),
        "Timer M = 64·T1"
    );

    // RFC 6026 §8.4: 2xx retransmissions (or other forks' 2xx) go to the TU.
    let out = h.receive(secs(3), response_to(&sent, 200), flow(Transport::Udp, 1));
    assert_eq!(out, vec![Seen::Response(tx, 200)]);
    // Non-2xx and provisionals are not.
    assert_eq!(
        h.receive(secs(4), response_to(&sent, 486), flow(Transport::Udp, 1)),
        vec![]
    );
    assert_eq!(
        h.receive(secs(4), response_to(&sent, 180), flow(Transport::Udp, 1)),
        vec![]
    );
    assert_eq!(
        h.run_until(secs(60)),
        vec![(secs(2) + T1 * 64, vec![Seen::Terminated(tx)])]
    );
    // Afterwards a 2xx matches nothing and is counted as stray.
    let before = h.layer.stats().stray_responses;
    assert_eq!(
        h.receive(secs(61), response_to(&sent, 200), flow(Transport::Udp, 1)),
        vec![]
    );
    assert_eq!(h.layer.stats().stray_responses, before + 1);
    h.assert_idle_after_timers();
}

#[test]
fn two_xx_in_calling_stops_timer_a() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(Duration::ZERO, invite(), target(Transport::Udp));
    let out = h.receive(ms(700), response_to(&sent, 200), flow(Transport::Udp, 1));
    assert_eq!(out, vec![Seen::Response(tx, 200)]);
    // No INVITE goes out at 3·T1: the only thing left is Timer M.
    assert_eq!(
        h.run_until(secs(60)),
        vec![(ms(700) + T1 * 64, vec![Seen::Terminated(tx)])]
    );
}

#[test]
fn reliable_2xx_still_waits_timer_m_which_is_not_zeroed() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(Duration::ZERO, invite(), target(Transport::Tls));
    h.receive(secs(1), response_to(&sent, 200), flow(Transport::Tls, 1));
    assert_eq!(h.layer.state(tx), Some(TxState::Accepted));
    assert_eq!(
        h.run_until(secs(60)),
        vec![(secs(1) + T1 * 64, vec![Seen::Terminated(tx)])]
    );
}

#[test]
fn response_event_carries_the_response_as_received() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(Duration::ZERO, invite(), target(Transport::Udp));
    let resp = response_to(&sent, 180);
    h.layer
        .receive(h.at(ms(10)), resp.clone(), flow(Transport::Udp, 1));
    match h.drain().as_slice() {
        [TxOutput::Event(TxEvent::Response { tx: t, response })] => {
            assert_eq!(*t, tx);
            assert_eq!(response.to_bytes(), resp.to_bytes());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn transport_error_in_calling_informs_the_tu_and_terminates() {
    let mut h = Harness::new();
    let (tx, _) = h.send_request(Duration::ZERO, invite(), target(Transport::Udp));
    h.layer.transport_error(h.at(ms(20)), peer());
    assert_eq!(
        h.seen(),
        vec![Seen::TransportError(tx), Seen::Terminated(tx)]
    );
    h.assert_idle_after_timers();
}

#[test]
fn transport_error_in_proceeding_informs_the_tu_and_terminates() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(Duration::ZERO, invite(), target(Transport::Tcp));
    h.receive(ms(20), response_to(&sent, 180), flow(Transport::Tcp, 1));
    h.layer
        .flow_closed(h.at(ms(30)), sansip::transport::FlowId(1));
    assert_eq!(
        h.seen(),
        vec![Seen::TransportError(tx), Seen::Terminated(tx)]
    );
    h.assert_idle_after_timers();
}

#[test]
fn custom_t1_scales_timers_a_b_and_m_and_timer_d_follows_its_setting() {
    let timers = TimerConfig {
        t1: ms(100),
        t2: secs(1),
        t4: secs(2),
        timer_d: secs(40),
        ..TimerConfig::default()
    };
    let mut h = Harness::with_timers(timers);
    let (tx, _) = h.send_request(Duration::ZERO, invite(), target(Transport::Udp));
    let steps = h.run_until(secs(60));
    // Timer A is not capped by T2 (only E and G are).
    let mut expected: Vec<(Duration, Vec<Seen>)> = [1, 3, 7, 15, 31, 63]
        .iter()
        .map(|&k| (ms(100) * k, vec![send(INVITE_LINE)]))
        .collect();
    expected.push((ms(6400), vec![Seen::Timeout(tx), Seen::Terminated(tx)]));
    assert_eq!(steps, expected);

    let (tx, sent) = h.send_request(secs(100), invite(), target(Transport::Udp));
    h.receive(secs(101), response_to(&sent, 500), flow(Transport::Udp, 1));
    assert_eq!(h.next_deadline(), Some(secs(141)), "Timer D as configured");
    h.run_until(secs(200));
    assert_eq!(h.layer.state(tx), None);

    let (tx, sent) = h.send_request(secs(300), invite(), target(Transport::Udp));
    h.receive(
        secs(300) + ms(50),
        response_to(&sent, 200),
        flow(Transport::Udp, 1),
    );
    assert_eq!(
        h.next_deadline(),
        Some(secs(300) + ms(50) + ms(6400)),
        "Timer M = 64·T1"
    );
    h.run_until(secs(400));
    assert_eq!(h.layer.state(tx), None);
    h.assert_idle_after_timers();
}

#[test]
fn our_via_names_the_transport_our_address_a_fresh_branch_and_rport() {
    let mut h = Harness::new();
    let (_, a) = h.send_request(Duration::ZERO, invite(), target(Transport::Udp));
    let (_, b) = h.send_request(
        Duration::ZERO,
        uac_request(Method::Invite, 2),
        target(Transport::Tcp),
    );
    let a = Message::parse(a).unwrap();
    let b = Message::parse(b).unwrap();
    let (va, vb) = (a.header::<Via>().unwrap(), b.header::<Via>().unwrap());
    assert_eq!((va.transport, vb.transport), ("UDP", "TCP"));
    assert_eq!(va.host.to_string(), "192.0.2.1");
    assert_eq!(va.port, Some(5060));
    assert!(va.has_magic_cookie() && vb.has_magic_cookie());
    assert_ne!(va.branch(), vb.branch());
    assert_eq!(va.rport(), Some(None));
    assert_eq!(a.fields_named(HeaderName::Via).count(), 1);
}

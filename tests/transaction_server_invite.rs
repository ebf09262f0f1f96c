//! The INVITE server transaction (RFC 3261 §17.2.1, Table 4; RFC 6026
//! §8.5-8.7): every timer and transition at the exact virtual instant.

mod transaction_util;

use std::time::Duration;

use sansip::message::{headers::Timestamp, Message, Method};
use sansip::transaction::{Destination, TimerConfig, TxError, TxState};
use sansip::transport::{FlowId, Transport};
use transaction_util::*;

const BRANCH: &str = "z9hG4bKinv1";

fn invite(transport: Transport) -> Message {
    uas_request(Method::Invite, BRANCH, transport)
}

fn ack(transport: Transport, branch: &str) -> Message {
    uas_request_with(
        Method::Ack,
        branch,
        transport,
        &[], // the layer keys an ACK as its INVITE: branch, sent-by
    )
}

const TRYING: &str = "SIP/2.0 100 Trying";
const RINGING: &str = "SIP/2.0 180 Ringing";
const BUSY: &str = "SIP/2.0 486 Busy Here";
const OK: &str = "SIP/2.0 200 OK";

#[test]
fn invite_is_passed_up_and_100_trying_goes_out_at_exactly_200ms_if_the_tu_is_silent() {
    let mut h = Harness::new();
    let tx = h.receive_new(
        Duration::ZERO,
        invite(Transport::Udp),
        flow(Transport::Udp, 1),
    );
    assert_eq!(h.layer.state(tx), Some(TxState::Proceeding));
    assert_eq!(h.next_deadline(), Some(ms(200)));
    assert_eq!(h.step(), Some((ms(200), vec![send(TRYING)])));
    // Nothing else is armed in Proceeding: the TU owns the pace now.
    assert_eq!(h.next_deadline(), None);
    assert_eq!(h.layer.state(tx), Some(TxState::Proceeding));
}

#[test]
fn the_100_trying_has_the_requests_via_from_to_call_id_cseq_and_no_to_tag() {
    let mut h = Harness::new();
    let inv = invite(Transport::Udp);
    h.receive_new(Duration::ZERO, inv.clone(), flow(Transport::Udp, 1));
    h.layer.handle_timeout(h.at(ms(200)));
    let out = h.transmits();
    assert_eq!(out.len(), 1);
    let b = &out[0].bytes[..];
    for name in ["Via", "From", "To", "Call-ID", "CSeq"] {
        assert_eq!(
            header_lines(b, name),
            header_lines(&inv.to_bytes(), name),
            "{name}"
        );
    }
    assert_eq!(out[0].destination, Destination::Addr(peer()));
    assert_eq!(out[0].transport, Transport::Udp);
}

#[test]
fn no_100_trying_when_the_tu_sends_a_provisional_within_200ms() {
    let mut h = Harness::new();
    let inv = invite(Transport::Udp);
    let tx = h.receive_new(Duration::ZERO, inv.clone(), flow(Transport::Udp, 1));
    assert_eq!(h.respond(ms(150), tx, &inv, 180), vec![send(RINGING)]);
    assert_eq!(h.next_deadline(), None, "the 200 ms timer is stopped");
    assert_eq!(h.run_until(secs(600)), vec![]);
    assert_eq!(h.layer.state(tx), Some(TxState::Proceeding));
}

#[test]
fn no_100_trying_when_the_tu_sends_a_final_within_200ms() {
    let mut h = Harness::new();
    let inv = invite(Transport::Tcp);
    let tx = h.receive_new(Duration::ZERO, inv.clone(), flow(Transport::Tcp, 1));
    assert_eq!(h.respond(ms(199), tx, &inv, 486), vec![send(BUSY)]);
    assert_eq!(h.next_deadline(), Some(ms(199) + T1 * 64), "only Timer H");
}

#[test]
fn the_100_trying_echoes_the_requests_timestamp_with_the_delay_added() {
    let mut h = Harness::new();
    let inv = uas_request_with(
        Method::Invite,
        BRANCH,
        Transport::Udp,
        &[("Timestamp", "54.21")],
    );
    h.receive_new(Duration::ZERO, inv, flow(Transport::Udp, 1));
    h.layer.handle_timeout(h.at(ms(200)));
    let out = h.transmits();
    let trying = Message::parse(out[0].bytes.clone()).unwrap();
    let ts = trying.header::<Timestamp>().expect("Timestamp echoed");
    assert_eq!(ts.time, "54.21", "the time exactly as sent");
    assert_eq!(ts.delay_secs(), Some(0.2), "§8.2.6.1: the 200 ms we waited");
}

#[test]
fn retransmitted_invite_in_proceeding_gets_the_latest_provisional_again() {
    let mut h = Harness::new();
    let inv = invite(Transport::Udp);
    let tx = h.receive_new(Duration::ZERO, inv.clone(), flow(Transport::Udp, 1));
    // Before any response, a retransmission is absorbed.
    assert_eq!(
        h.receive(ms(100), inv.clone(), flow(Transport::Udp, 1)),
        vec![]
    );
    assert_eq!(h.step(), Some((ms(200), vec![send(TRYING)])));
    assert_eq!(
        h.receive(ms(500), inv.clone(), flow(Transport::Udp, 1)),
        vec![send(TRYING)]
    );
    h.respond(ms(600), tx, &inv, 180);
    assert_eq!(
        h.receive(ms(1500), inv.clone(), flow(Transport::Udp, 1)),
        vec![send(RINGING)]
    );
}

#[test]
fn udp_non_2xx_final_is_retransmitted_by_timer_g_doubling_to_t2_until_timer_h_reports_no_ack() {
    let mut h = Harness::new();
    let inv = invite(Transport::Udp);
    let tx = h.receive_new(Duration::ZERO, inv.clone(), flow(Transport::Udp, 1));
    assert_eq!(h.respond(ms(100), tx, &inv, 486), vec![send(BUSY)]);
    assert_eq!(h.layer.state(tx), Some(TxState::Completed));
    // G: T1, 2T1, 4T1, then T2: sends at 0.6, 1.6, 3.6, 7.6, 11.6, ... 31.6;
    // H at 0.1 + 64·T1 = 32.1 s.
    let mut times = vec![ms(600), ms(1600), ms(3600), ms(7600)];
    while *times.last().unwrap() + T2 < ms(32_100) {
        let next = *times.last().unwrap() + T2;
        times.push(next);
    }
    let mut expected: Vec<(Duration, Vec<Seen>)> =
        times.iter().map(|&t| (t, vec![send(BUSY)])).collect();
    expected.push((ms(32_100), vec![Seen::NoAck(tx), Seen::Terminated(tx)]));
    assert_eq!(h.run_until(secs(60)), expected);
    h.assert_idle_after_timers();
}

#[test]
fn retransmitted_invite_in_completed_gets_the_final_again() {
    let mut h = Harness::new();
    let inv = invite(Transport::Udp);
    let tx = h.receive_new(Duration::ZERO, inv.clone(), flow(Transport::Udp, 1));
    h.respond(ms(100), tx, &inv, 486);
    assert_eq!(
        h.receive(ms(300), inv.clone(), flow(Transport::Udp, 1)),
        vec![send(BUSY)]
    );
    // The retransmission does not disturb Timer G's schedule.
    assert_eq!(h.next_deadline(), Some(ms(600)));
}

#[test]
fn ack_in_completed_confirms_silently_stops_g_and_h_and_timer_i_is_t4_on_udp() {
    let mut h = Harness::new();
    let inv = invite(Transport::Udp);
    let tx = h.receive_new(Duration::ZERO, inv.clone(), flow(Transport::Udp, 1));
    h.respond(ms(100), tx, &inv, 486);
    assert_eq!(h.run_until(ms(600)), vec![(ms(600), vec![send(BUSY)])]);
    // The ACK for a non-2xx belongs to the transaction: no TU event.
    assert_eq!(
        h.receive(
            secs(1),
            ack(Transport::Udp, BRANCH),
            flow(Transport::Udp, 1)
        ),
        vec![]
    );
    assert_eq!(h.layer.state(tx), Some(TxState::Confirmed));
    assert_eq!(h.next_deadline(), Some(secs(1) + T4), "only Timer I");
    // Confirmed absorbs ACK and INVITE retransmissions.
    assert_eq!(
        h.receive(
            secs(2),
            ack(Transport::Udp, BRANCH),
            flow(Transport::Udp, 1)
        ),
        vec![]
    );
    assert_eq!(h.receive(secs(3), inv, flow(Transport::Udp, 1)), vec![]);
    assert_eq!(
        h.run_until(secs(60)),
        vec![(secs(1) + T4, vec![Seen::Terminated(tx)])]
    );
    h.assert_idle_after_timers();
}

#[test]
fn reliable_non_2xx_final_has_no_timer_g_but_timer_h_still_runs_64_t1() {
    let mut h = Harness::new();
    let inv = invite(Transport::Tcp);
    let tx = h.receive_new(Duration::ZERO, inv.clone(), flow(Transport::Tcp, 1));
    h.respond(ms(50), tx, &inv, 404);
    assert_eq!(
        h.run_until(secs(60)),
        vec![(
            ms(50) + T1 * 64,
            vec![Seen::NoAck(tx), Seen::Terminated(tx)]
        )]
    );
    h.assert_idle_after_timers();
}

#[test]
fn reliable_ack_confirms_and_terminates_at_once_timer_i_zero() {
    let mut h = Harness::new();
    let inv = invite(Transport::Tcp);
    let tx = h.receive_new(Duration::ZERO, inv.clone(), flow(Transport::Tcp, 1));
    h.respond(ms(50), tx, &inv, 404);
    let out = h.receive(ms(90), ack(Transport::Tcp, BRANCH), flow(Transport::Tcp, 1));
    assert_eq!(out, vec![Seen::Terminated(tx)]);
    assert_eq!(h.layer.table_sizes(), [0; 4]);
    assert_eq!(h.next_deadline(), None, "Timer H went with it");
}

#[test]
fn two_xx_moves_to_accepted_where_timer_l_absorbs_invites_and_acks_go_to_the_tu() {
    let mut h = Harness::new();
    let inv = invite(Transport::Udp);
    let tx = h.receive_new(Duration::ZERO, inv.clone(), flow(Transport::Udp, 1));
    h.respond(ms(100), tx, &inv, 180);
    assert_eq!(h.respond(secs(1), tx, &inv, 200), vec![send(OK)]);
    assert_eq!(h.layer.state(tx), Some(TxState::Accepted));
    // No Timer G for a 2xx: its retransmission is the TU's job (§13.3.1.4).
    assert_eq!(
        h.next_deadline(),
        Some(secs(1) + T1 * 64),
        "Timer L = 64·T1"
    );

    // RFC 6026 §8.7: INVITE retransmissions are absorbed, not answered.
    assert_eq!(
        h.receive(secs(2), inv.clone(), flow(Transport::Udp, 1)),
        vec![]
    );
    // §8.6: the TU's 2xx retransmissions go out through the transaction.
    assert_eq!(h.respond(secs(2), tx, &inv, 200), vec![send(OK)]);
    // A provisional or non-2xx is refused now.
    let late = respond_to(&inv, 486, Some("uas-tag"));
    assert!(matches!(
        h.layer.respond(h.at(secs(2)), tx, late),
        Err(TxError::WrongState(_))
    ));
    // The ACK for the 2xx (its own branch) goes to the TU unmatched.
    assert_eq!(
        h.receive(
            secs(3),
            ack(Transport::Udp, "z9hG4bKack2xx"),
            flow(Transport::Udp, 1)
        ),
        vec![Seen::Ack(None)]
    );
    // One reusing the INVITE's branch matches the Accepted transaction and
    // is passed up with it (§8.7), every time.
    for at in [secs(4), secs(5)] {
        assert_eq!(
            h.receive(at, ack(Transport::Udp, BRANCH), flow(Transport::Udp, 1)),
            vec![Seen::Ack(Some(tx))]
        );
    }
    assert_eq!(h.layer.state(tx), Some(TxState::Accepted));
    assert_eq!(
        h.run_until(secs(60)),
        vec![(secs(1) + T1 * 64, vec![Seen::Terminated(tx)])]
    );
    h.assert_idle_after_timers();
}

#[test]
fn reliable_2xx_also_waits_timer_l() {
    let mut h = Harness::new();
    let inv = invite(Transport::Tcp);
    let tx = h.receive_new(Duration::ZERO, inv.clone(), flow(Transport::Tcp, 1));
    h.respond(ms(10), tx, &inv, 200);
    assert_eq!(
        h.run_until(secs(60)),
        vec![(ms(10) + T1 * 64, vec![Seen::Terminated(tx)])]
    );
}

#[test]
fn responses_on_a_reliable_flow_go_back_on_that_flow() {
    let mut h = Harness::new();
    let inv = invite(Transport::Tcp);
    let tx = h.receive_new(Duration::ZERO, inv.clone(), flow(Transport::Tcp, 9));
    h.layer
        .respond(h.at(ms(10)), tx, respond_to(&inv, 180, Some("t")))
        .unwrap();
    let out = h.transmits();
    assert_eq!(out[0].flow, Some(FlowId(9)));
    assert_eq!(out[0].transport, Transport::Tcp);
    assert_eq!(out[0].destination, Destination::Addr(peer()));
}

#[test]
fn transport_error_in_proceeding_informs_the_tu_and_terminates() {
    let mut h = Harness::new();
    let inv = invite(Transport::Tcp);
    let tx = h.receive_new(Duration::ZERO, inv.clone(), flow(Transport::Tcp, 3));
    h.respond(ms(10), tx, &inv, 180);
    h.layer.flow_closed(h.at(ms(20)), FlowId(3));
    assert_eq!(
        h.seen(),
        vec![Seen::TransportError(tx), Seen::Terminated(tx)]
    );
    h.assert_idle_after_timers();
}

#[test]
fn transport_error_in_completed_informs_the_tu_and_terminates() {
    let mut h = Harness::new();
    let inv = invite(Transport::Udp);
    let tx = h.receive_new(Duration::ZERO, inv.clone(), flow(Transport::Udp, 1));
    h.respond(ms(10), tx, &inv, 486);
    h.layer.transport_error(h.at(ms(20)), peer());
    assert_eq!(
        h.seen(),
        vec![Seen::TransportError(tx), Seen::Terminated(tx)]
    );
    h.assert_idle_after_timers();
}

#[test]
fn custom_t1_t2_t4_and_trying_delay_scale_timers_g_h_i_l() {
    let timers = TimerConfig {
        t1: ms(100),
        t2: ms(400),
        t4: ms(1000),
        trying_delay: ms(50),
        ..TimerConfig::default()
    };
    let mut h = Harness::with_timers(timers);
    let inv = invite(Transport::Udp);
    let tx = h.receive_new(Duration::ZERO, inv.clone(), flow(Transport::Udp, 1));
    assert_eq!(h.step(), Some((ms(50), vec![send(TRYING)])));
    h.respond(secs(1), tx, &inv, 486);
    // G: 0.1, 0.2, then capped at T2 = 0.4; H at 64·T1 = 6.4 s after.
    let mut times = vec![ms(1100), ms(1300)];
    while *times.last().unwrap() + ms(400) < ms(7400) {
        let next = *times.last().unwrap() + ms(400);
        times.push(next);
    }
    let mut expected: Vec<(Duration, Vec<Seen>)> =
        times.iter().map(|&t| (t, vec![send(BUSY)])).collect();
    expected.push((ms(7400), vec![Seen::NoAck(tx), Seen::Terminated(tx)]));
    assert_eq!(h.run_until(secs(20)), expected);

    // Timer I = T4.
    let inv = uas_request(Method::Invite, "z9hG4bKinv2", Transport::Udp);
    let tx = h.receive_new(secs(20), inv.clone(), flow(Transport::Udp, 1));
    h.respond(secs(20), tx, &inv, 486);
    h.receive(
        secs(21),
        ack(Transport::Udp, "z9hG4bKinv2"),
        flow(Transport::Udp, 1),
    );
    assert_eq!(h.next_deadline(), Some(secs(22)));
    h.run_until(secs(30));

    // Timer L = 64·T1.
    let inv = uas_request(Method::Invite, "z9hG4bKinv3", Transport::Udp);
    let tx = h.receive_new(secs(30), inv.clone(), flow(Transport::Udp, 1));
    h.respond(secs(30), tx, &inv, 200);
    assert_eq!(h.next_deadline(), Some(secs(30) + ms(6400)));
    h.assert_idle_after_timers();
}

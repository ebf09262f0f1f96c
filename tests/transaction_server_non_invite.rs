//! The non-INVITE server transaction (RFC 3261 §17.2.2, Table 4): every
//! timer and transition at the exact virtual instant.

mod transaction_util;

use std::time::Duration;

use sansip::message::{Message, Method};
use sansip::transaction::{TimerConfig, TxError, TxEvent, TxOutput, TxState};
use sansip::transport::{FlowId, Transport};
use transaction_util::*;

const BRANCH: &str = "z9hG4bKopt1";
const OK: &str = "SIP/2.0 200 OK";
const TRYING: &str = "SIP/2.0 100 Trying";

fn options(transport: Transport) -> Message {
    uas_request(Method::Options, BRANCH, transport)
}

#[test]
fn request_is_passed_up_in_trying_with_no_timer_and_retransmissions_are_absorbed() {
    let mut h = Harness::new();
    let req = options(Transport::Udp);
    let tx = h.receive_new(Duration::ZERO, req.clone(), flow(Transport::Udp, 1));
    assert_eq!(h.layer.state(tx), Some(TxState::Trying));
    assert_eq!(h.next_deadline(), None, "no 100 Trying for non-INVITE");
    for at in [T1, T1 * 3, T1 * 7] {
        assert_eq!(h.receive(at, req.clone(), flow(Transport::Udp, 1)), vec![]);
    }
    assert_eq!(h.layer.len(), 1);
}

#[test]
fn request_event_carries_the_request_and_its_flow() {
    let mut h = Harness::new();
    let t0 = h.t0;
    h.layer
        .receive(t0, options(Transport::Tcp), flow(Transport::Tcp, 4));
    match h.drain().as_slice() {
        [TxOutput::Event(TxEvent::Request {
            request,
            flow: f,
            cancels,
            ..
        })] => {
            assert_eq!(request.method(), Some(&Method::Options));
            assert_eq!(*f, flow(Transport::Tcp, 4));
            assert_eq!(*cancels, None);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn provisional_moves_to_proceeding_and_retransmissions_get_it_again() {
    let mut h = Harness::new();
    let req = options(Transport::Udp);
    let tx = h.receive_new(Duration::ZERO, req.clone(), flow(Transport::Udp, 1));
    assert_eq!(h.respond(ms(10), tx, &req, 100), vec![send(TRYING)]);
    assert_eq!(h.layer.state(tx), Some(TxState::Proceeding));
    assert_eq!(h.next_deadline(), None);
    assert_eq!(
        h.receive(T1, req.clone(), flow(Transport::Udp, 1)),
        vec![send(TRYING)]
    );
    // More provisionals are sent and kept.
    assert_eq!(
        h.respond(secs(1), tx, &req, 183),
        vec![send("SIP/2.0 183 Session Progress")]
    );
    assert_eq!(
        h.receive(secs(2), req, flow(Transport::Udp, 1)),
        vec![send("SIP/2.0 183 Session Progress")]
    );
}

#[test]
fn udp_final_completes_the_transaction_and_timer_j_is_64_t1() {
    let mut h = Harness::new();
    let req = options(Transport::Udp);
    let tx = h.receive_new(Duration::ZERO, req.clone(), flow(Transport::Udp, 1));
    assert_eq!(h.respond(ms(30), tx, &req, 200), vec![send(OK)]);
    assert_eq!(h.layer.state(tx), Some(TxState::Completed));
    assert_eq!(h.next_deadline(), Some(ms(30) + T1 * 64), "Timer J");
    // Completed answers every retransmission with the final again, and
    // does not retransmit on its own.
    assert_eq!(
        h.receive(T1, req.clone(), flow(Transport::Udp, 1)),
        vec![send(OK)]
    );
    assert_eq!(
        h.receive(secs(30), req, flow(Transport::Udp, 1)),
        vec![send(OK)]
    );
    assert_eq!(
        h.run_until(secs(60)),
        vec![(ms(30) + T1 * 64, vec![Seen::Terminated(tx)])]
    );
    h.assert_idle_after_timers();
}

#[test]
fn final_from_proceeding_completes_the_transaction() {
    let mut h = Harness::new();
    let req = options(Transport::Udp);
    let tx = h.receive_new(Duration::ZERO, req.clone(), flow(Transport::Udp, 1));
    h.respond(ms(10), tx, &req, 100);
    assert_eq!(
        h.respond(ms(20), tx, &req, 404),
        vec![send("SIP/2.0 404 Not Found")]
    );
    assert_eq!(h.layer.state(tx), Some(TxState::Completed));
    h.assert_idle_after_timers();
}

#[test]
fn reliable_final_terminates_at_once_timer_j_zero() {
    let mut h = Harness::new();
    for (k, transport) in [
        Transport::Tcp,
        Transport::Tls,
        Transport::Ws,
        Transport::Wss,
    ]
    .into_iter()
    .enumerate()
    {
        let req = uas_request(Method::Options, &format!("z9hG4bKr{k}"), transport);
        let tx = h.receive_new(Duration::ZERO, req.clone(), flow(transport, 1));
        assert_eq!(
            h.respond(ms(5), tx, &req, 200),
            vec![send(OK), Seen::Terminated(tx)],
            "{transport}"
        );
    }
    assert_eq!(h.layer.table_sizes(), [0; 4]);
    assert_eq!(h.next_deadline(), None);
}

#[test]
fn after_timer_j_a_retransmission_is_a_new_request() {
    let mut h = Harness::new();
    let req = options(Transport::Udp);
    let tx = h.receive_new(Duration::ZERO, req.clone(), flow(Transport::Udp, 1));
    h.respond(ms(5), tx, &req, 200);
    h.run_until(secs(40));
    let again = h.receive_new(secs(41), req, flow(Transport::Udp, 1));
    assert_ne!(again, tx, "a new transaction with a new id");
}

#[test]
fn a_second_final_or_a_late_provisional_is_refused() {
    let mut h = Harness::new();
    let req = options(Transport::Udp);
    let tx = h.receive_new(Duration::ZERO, req.clone(), flow(Transport::Udp, 1));
    h.respond(ms(5), tx, &req, 200);
    for code in [200, 100, 500] {
        let r = respond_to(&req, code, Some("x"));
        assert!(matches!(
            h.layer.respond(h.at(ms(6)), tx, r),
            Err(TxError::WrongState(_))
        ));
    }
    assert_eq!(h.seen(), vec![]);
    // Responding on a forgotten transaction is an error too.
    h.run_until(secs(60));
    let r = respond_to(&req, 200, Some("x"));
    assert_eq!(
        h.layer.respond(h.at(secs(61)), tx, r),
        Err(TxError::NoSuchTransaction(tx))
    );
}

#[test]
fn transport_error_in_trying_informs_the_tu_and_terminates() {
    let mut h = Harness::new();
    let tx = h.receive_new(
        Duration::ZERO,
        options(Transport::Tcp),
        flow(Transport::Tcp, 2),
    );
    h.layer.flow_closed(h.at(ms(1)), FlowId(2));
    assert_eq!(
        h.seen(),
        vec![Seen::TransportError(tx), Seen::Terminated(tx)]
    );
    h.assert_idle_after_timers();
}

#[test]
fn transport_error_in_completed_informs_the_tu_and_terminates() {
    let mut h = Harness::new();
    let req = options(Transport::Udp);
    let tx = h.receive_new(Duration::ZERO, req.clone(), flow(Transport::Udp, 1));
    h.respond(ms(5), tx, &req, 200);
    h.layer.transport_error(h.at(ms(6)), peer());
    assert_eq!(
        h.seen(),
        vec![Seen::TransportError(tx), Seen::Terminated(tx)]
    );
    h.assert_idle_after_timers();
}

#[test]
fn custom_t1_scales_timer_j() {
    let timers = TimerConfig {
        t1: ms(150),
        ..TimerConfig::default()
    };
    let mut h = Harness::with_timers(timers);
    let req = options(Transport::Udp);
    let tx = h.receive_new(Duration::ZERO, req.clone(), flow(Transport::Udp, 1));
    h.respond(secs(1), tx, &req, 200);
    assert_eq!(
        h.run_until(secs(60)),
        vec![(secs(1) + ms(150) * 64, vec![Seen::Terminated(tx)])]
    );
    h.assert_idle_after_timers();
}

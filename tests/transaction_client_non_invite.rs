//! The non-INVITE client transaction (RFC 3261 §17.1.2, Table 4): every
//! timer and transition at the exact virtual instant.

mod transaction_util;

use std::time::Duration;

use sansip::message::{Message, Method};
use sansip::transaction::{TimerConfig, TxState};
use sansip::transport::{FlowId, Transport};
use transaction_util::*;

fn options() -> Message {
    uac_request(Method::Options, 1)
}

/// Sends at `times` (each a single OPTIONS retransmission).
fn resends(times: &[Duration]) -> Vec<(Duration, Vec<Seen>)> {
    times
        .iter()
        .map(|&t| (t, vec![send(OPTIONS_LINE)]))
        .collect()
}

#[test]
fn udp_request_is_retransmitted_at_t1_3t1_7t1_then_every_t2_until_timer_f_at_64_t1() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(Duration::ZERO, options(), target(Transport::Udp));
    assert_eq!(start_line(&sent), OPTIONS_LINE);
    assert_eq!(h.layer.state(tx), Some(TxState::Trying));
    assert_eq!(h.next_deadline(), Some(T1), "Timer E starts at T1");

    // Intervals T1, 2T1, 4T1, then capped at T2: 0.5, 1.5, 3.5, 7.5, 11.5,
    // ..., 31.5 s; Timer F at 64·T1 = 32 s.
    let mut times = vec![T1, T1 * 3, T1 * 7];
    while let Some(&last) = times.last() {
        if last + T2 >= T1 * 64 {
            break;
        }
        times.push(last + T2);
    }
    assert_eq!(*times.last().unwrap(), ms(31_500));
    let mut expected = resends(&times);
    expected.push((T1 * 64, vec![Seen::Timeout(tx), Seen::Terminated(tx)]));
    assert_eq!(h.run_until(T1 * 64), expected);
    assert_eq!(h.layer.state(tx), None);
    h.assert_idle_after_timers();
}

#[test]
fn reliable_request_is_sent_once_and_timer_f_fires_at_64_t1() {
    let mut h = Harness::new();
    let (tx, _) = h.send_request(Duration::ZERO, options(), target(Transport::Tcp));
    assert_eq!(h.next_deadline(), Some(T1 * 64), "no Timer E over TCP");
    assert_eq!(
        h.run_until(secs(60)),
        vec![(T1 * 64, vec![Seen::Timeout(tx), Seen::Terminated(tx)])]
    );
    h.assert_idle_after_timers();
}

#[test]
fn provisional_moves_trying_to_proceeding_where_timer_e_is_reset_to_t2() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(Duration::ZERO, options(), target(Transport::Udp));
    // Timer E fired at 0.5 s and is due again at 1.5 s.
    assert_eq!(h.run_until(secs(1)), resends(&[T1]));
    let out = h.receive(secs(1), response_to(&sent, 100), flow(Transport::Udp, 1));
    assert_eq!(out, vec![Seen::Response(tx, 100)]);
    assert_eq!(h.layer.state(tx), Some(TxState::Proceeding));
    // The armed Timer E still fires at 1.5 s; from then on every T2 (in
    // Trying it would have been 3.5 s next).
    let mut expected = resends(&[ms(1500), ms(5500), ms(9500), ms(13_500)]);
    expected.extend(resends(&[ms(17_500), ms(21_500), ms(25_500), ms(29_500)]));
    expected.push((T1 * 64, vec![Seen::Timeout(tx), Seen::Terminated(tx)]));
    assert_eq!(
        h.run_until(T1 * 64),
        expected,
        "Timer F also runs in Proceeding"
    );
    h.assert_idle_after_timers();
}

#[test]
fn more_provisionals_in_proceeding_are_passed_up() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(Duration::ZERO, options(), target(Transport::Udp));
    h.receive(ms(100), response_to(&sent, 100), flow(Transport::Udp, 1));
    let out = h.receive(ms(200), response_to(&sent, 183), flow(Transport::Udp, 1));
    assert_eq!(out, vec![Seen::Response(tx, 183)]);
    assert_eq!(h.layer.state(tx), Some(TxState::Proceeding));
}

#[test]
fn final_in_trying_completes_stops_e_and_f_and_timer_k_is_t4_on_udp() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(Duration::ZERO, options(), target(Transport::Udp));
    let out = h.receive(ms(200), response_to(&sent, 200), flow(Transport::Udp, 1));
    assert_eq!(out, vec![Seen::Response(tx, 200)]);
    assert_eq!(h.layer.state(tx), Some(TxState::Completed));
    assert_eq!(
        h.next_deadline(),
        Some(ms(200) + T4),
        "only Timer K is left"
    );

    // Completed absorbs response retransmissions, of any class.
    for code in [200, 180, 404] {
        assert_eq!(
            h.receive(secs(1), response_to(&sent, code), flow(Transport::Udp, 1)),
            vec![]
        );
    }
    assert_eq!(
        h.run_until(secs(60)),
        vec![(ms(200) + T4, vec![Seen::Terminated(tx)])]
    );
    h.assert_idle_after_timers();
}

#[test]
fn final_in_proceeding_completes_and_timer_k_runs() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(Duration::ZERO, options(), target(Transport::Udp));
    h.receive(ms(100), response_to(&sent, 100), flow(Transport::Udp, 1));
    let out = h.receive(secs(2), response_to(&sent, 481), flow(Transport::Udp, 1));
    assert_eq!(out, vec![Seen::Response(tx, 481)]);
    assert_eq!(h.layer.state(tx), Some(TxState::Completed));
    // Timer E fired at 0.5 and 1.5 s; at 2 s it is stopped.
    assert_eq!(
        h.run_until(secs(60)),
        vec![(secs(2) + T4, vec![Seen::Terminated(tx)])]
    );
}

#[test]
fn reliable_final_terminates_at_once_timer_k_zero() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(Duration::ZERO, options(), target(Transport::Tcp));
    let out = h.receive(ms(80), response_to(&sent, 200), flow(Transport::Tcp, 1));
    assert_eq!(out, vec![Seen::Response(tx, 200), Seen::Terminated(tx)]);
    assert_eq!(h.layer.state(tx), None);
    assert_eq!(h.layer.table_sizes(), [0; 4]);
    assert_eq!(h.next_deadline(), None, "Timer F went with the transaction");
}

#[test]
fn timer_k_is_zero_on_every_reliable_transport() {
    let mut h = Harness::new();
    for transport in [
        Transport::Tcp,
        Transport::Tls,
        Transport::Ws,
        Transport::Wss,
    ] {
        let (tx, sent) = h.send_request(Duration::ZERO, options(), target(transport));
        let out = h.receive(ms(10), response_to(&sent, 200), flow(transport, 1));
        assert_eq!(
            out,
            vec![Seen::Response(tx, 200), Seen::Terminated(tx)],
            "{transport}"
        );
    }
    assert_eq!(h.next_deadline(), None);
}

#[test]
fn transport_error_in_trying_informs_the_tu_and_terminates() {
    let mut h = Harness::new();
    let (tx, _) = h.send_request(Duration::ZERO, options(), target(Transport::Udp));
    h.layer.transport_error(h.at(ms(1)), peer());
    assert_eq!(
        h.seen(),
        vec![Seen::TransportError(tx), Seen::Terminated(tx)]
    );
    h.assert_idle_after_timers();
}

#[test]
fn transport_error_in_proceeding_informs_the_tu_and_terminates() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(Duration::ZERO, options(), target(Transport::Tcp));
    h.receive(ms(5), response_to(&sent, 100), flow(Transport::Tcp, 1));
    h.layer.flow_closed(h.at(ms(9)), FlowId(1));
    assert_eq!(
        h.seen(),
        vec![Seen::TransportError(tx), Seen::Terminated(tx)]
    );
    h.assert_idle_after_timers();
}

#[test]
fn transport_error_in_completed_changes_nothing() {
    let mut h = Harness::new();
    let (tx, sent) = h.send_request(Duration::ZERO, options(), target(Transport::Udp));
    h.receive(ms(5), response_to(&sent, 200), flow(Transport::Udp, 1));
    h.layer.transport_error(h.at(ms(9)), peer());
    assert_eq!(h.seen(), vec![]);
    assert_eq!(h.layer.state(tx), Some(TxState::Completed));
    h.assert_idle_after_timers();
}

#[test]
fn custom_t1_t2_t4_scale_timers_e_f_and_k() {
    let timers = TimerConfig {
        t1: ms(100),
        t2: ms(1000),
        t4: ms(2000),
        ..TimerConfig::default()
    };
    let mut h = Harness::with_timers(timers);
    let (tx, _) = h.send_request(Duration::ZERO, options(), target(Transport::Udp));
    // 0.1, 0.3, 0.7, 1.5 (interval 0.8), then every T2 = 1 s up to 6.4.
    let mut expected = resends(&[ms(100), ms(300), ms(700), ms(1500)]);
    expected.extend(resends(&[ms(2500), ms(3500), ms(4500), ms(5500)]));
    expected.push((ms(6400), vec![Seen::Timeout(tx), Seen::Terminated(tx)]));
    assert_eq!(h.run_until(secs(10)), expected);

    let (tx, sent) = h.send_request(secs(20), options(), target(Transport::Udp));
    h.receive(
        secs(20) + ms(50),
        response_to(&sent, 200),
        flow(Transport::Udp, 1),
    );
    assert_eq!(
        h.run_until(secs(60)),
        vec![(secs(22) + ms(50), vec![Seen::Terminated(tx)])],
        "Timer K = T4"
    );
    h.assert_idle_after_timers();
}

#[test]
fn t2_below_2_t1_caps_the_first_doubling() {
    let timers = TimerConfig {
        t1: ms(500),
        t2: ms(600),
        ..TimerConfig::default()
    };
    let mut h = Harness::with_timers(timers);
    h.send_request(Duration::ZERO, options(), target(Transport::Udp));
    assert_eq!(
        h.run_until(ms(2300)),
        resends(&[ms(500), ms(1100), ms(1700), ms(2300)])
    );
}

#[test]
fn stopped_timers_do_not_pile_up_behind_a_long_lived_one() {
    let mut h = Harness::new();
    // One UDP request keeps Timers E and F at the front of the queue.
    let (held, _) = h.send_request(Duration::ZERO, options(), target(Transport::Udp));
    // Each TCP request answered at once stops its Timer F, queued 64·T1
    // out behind them; its transaction ends at once (Timer K is zero).
    for n in 0..2_000u64 {
        let at = ms(1) + Duration::from_micros(n);
        let (tx, sent) = h.send_request(at, options(), target(Transport::Tcp));
        let out = h.receive(at, response_to(&sent, 200), flow(Transport::Tcp, 1));
        assert_eq!(out, vec![Seen::Response(tx, 200), Seen::Terminated(tx)]);
        assert!(
            h.layer.timer_entries() <= 2 + 2 + 128,
            "after {n}: {} entries for 2 live timers",
            h.layer.timer_entries()
        );
    }
    assert_eq!(h.layer.len(), 1);
    assert_eq!(h.next_deadline(), Some(T1), "the held request's Timer E");
    // None of the stopped timers fires.
    let steps = h.run_until(T1 * 64);
    assert_eq!(steps.len(), 11, "ten retransmissions, then Timer F");
    assert_eq!(
        steps.last(),
        Some(&(T1 * 64, vec![Seen::Timeout(held), Seen::Terminated(held)]))
    );
    h.assert_idle_after_timers();
    assert_eq!(h.layer.timer_entries(), 0);
}

#[test]
fn udp_requests_share_a_send_chunk_and_reliable_ones_do_not() {
    let start = |chunk: usize, transport: Transport| {
        let mut h = Harness::with_config(sansip::transaction::TxConfig {
            send_chunk: chunk,
            ..Default::default()
        });
        let (_, a) = h.send_request(Duration::ZERO, options(), target(transport));
        let (_, b) = h.send_request(
            Duration::ZERO,
            uac_request(Method::Options, 2),
            target(transport),
        );
        assert_eq!(start_line(&b), OPTIONS_LINE, "bytes are whole");
        // Adjacent: the second message starts where the first ends.
        b.as_ptr() as usize == a.as_ptr() as usize + a.len()
    };
    assert!(start(16 * 1024, Transport::Udp));
    assert!(
        !start(16 * 1024, Transport::Tcp),
        "reliable: no timers, no chunk"
    );
    assert!(!start(0, Transport::Udp), "chunks turned off");
}

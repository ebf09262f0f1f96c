//! Flow keep-alives (RFC 5626 §4.4), every 80–100 % of the Flow-Timer:
//! a CRLF-CRLF ping on a registration's connection, or a STUN Binding
//! request (§4.4.2) towards the registrar of a UDP registration. An answer
//! must come within 10 s, or the flow is declared dead and the
//! registration moves to a new one; a STUN answer showing a new NAT
//! address makes the registration refresh at once.

use std::time::{Duration, Instant};

use bytes::Bytes;

use std::net::SocketAddr;

use super::timers::{Timer, TimerKey, Timers};
use super::{Endpoint, Output, RegistrationId, Transmit};
use crate::transport::{stun, FlowId, FlowInfo, Transport};

/// How long a pong may take (RFC 5626 §4.4.1).
pub(crate) const PONG_TIMEOUT: Duration = Duration::from_secs(10);

/// The STUN keep-alives of one UDP registration.
#[derive(Debug)]
pub(crate) struct StunKeepalive {
    remote: SocketAddr,
    interval: Duration,
    /// The request awaiting its answer.
    pending: Option<[u8; 12]>,
    /// The address the server saw us at first.
    mapped: Option<SocketAddr>,
    ping: Option<TimerKey>,
    missing: Option<TimerKey>,
}

impl StunKeepalive {
    pub(crate) fn stop(&mut self, timers: &mut Timers) {
        timers.stop(&mut self.ping);
        timers.stop(&mut self.missing);
    }
}

impl Endpoint {
    /// Starts STUN keep-alives towards the registrar of `id` (a UDP
    /// registration with Outbound).
    pub(crate) fn start_stun_keepalive(
        &mut self,
        now: Instant,
        id: RegistrationId,
        remote: SocketAddr,
        interval: Duration,
    ) {
        let unit = self.rng.unit();
        let Some(reg) = self.registrations.get_mut(&id) else {
            return;
        };
        let mapped = reg.stun.as_ref().and_then(|k| k.mapped);
        if let Some(mut old) = reg.stun.take() {
            old.stop(&mut self.timers);
        }
        let after = interval.mul_f64(0.8 + 0.2 * unit);
        reg.stun = Some(StunKeepalive {
            remote,
            interval,
            pending: None,
            mapped,
            ping: Some(self.timers.arm(now + after, Timer::StunPing(id))),
            missing: None,
        });
    }

    pub(crate) fn stun_ping_due(&mut self, now: Instant, id: RegistrationId) {
        let mut transaction = [0u8; 12];
        self.rng.fill(&mut transaction);
        let Some(k) = self
            .registrations
            .get_mut(&id)
            .and_then(|r| r.stun.as_mut())
        else {
            return;
        };
        k.ping = None;
        k.pending = Some(transaction);
        self.timers.stop(&mut k.missing);
        k.missing = Some(self.timers.arm(now + PONG_TIMEOUT, Timer::StunMissing(id)));
        let remote = k.remote;
        let Some(source) = self.identity.local_for(Transport::Udp, remote) else {
            return;
        };
        self.outputs.push_back(Output::Transmit(Transmit {
            transport: Transport::Udp,
            flow: None,
            source,
            destination: remote,
            data: Bytes::copy_from_slice(&stun::binding_request(transaction)),
        }));
    }

    pub(crate) fn stun_missing(&mut self, now: Instant, id: RegistrationId) {
        if let Some(k) = self
            .registrations
            .get_mut(&id)
            .and_then(|r| r.stun.as_mut())
        {
            k.missing = None;
            k.pending = None;
        }
        self.registration_path_failed(now, id, "STUN keep-alive unanswered");
    }

    /// A STUN answer to one of our keep-alives: schedules the next, and
    /// re-registers when the NAT now shows another address. `true` when
    /// `data` was STUN (ours or not: it is never SIP).
    fn stun_datagram(&mut self, now: Instant, data: &[u8]) -> bool {
        if !stun::is_stun(data) {
            return false;
        }
        let Some((transaction, seen)) = stun::parse_binding_success(data) else {
            return true;
        };
        let hit = self.registrations.iter_mut().find_map(|(id, r)| {
            r.stun
                .as_mut()
                .filter(|k| k.pending == Some(transaction))
                .map(|k| (*id, k))
        });
        let Some((id, k)) = hit else {
            return true;
        };
        k.pending = None;
        self.timers.stop(&mut k.missing);
        self.stats.pongs += 1;
        let moved = matches!((k.mapped, seen), (Some(a), Some(b)) if a != b);
        if k.mapped.is_none() {
            k.mapped = seen;
        }
        let interval = k.interval;
        k.ping = Some(
            self.timers
                .arm(now + interval.mul_f64(0.9), Timer::StunPing(id)),
        );
        if moved {
            k.mapped = seen;
            self.refresh_now(now, id);
        }
        true
    }

    /// Starts (or restarts) keep-alives on `flow` every about `interval`.
    pub(crate) fn start_keepalive(&mut self, now: Instant, flow: FlowId, interval: Duration) {
        let unit = self.rng.unit();
        let Some(f) = self.flows.get_mut(flow) else {
            return;
        };
        if !f.transport.is_reliable() {
            return; // UDP keep-alives (STUN) are not scheduled yet
        }
        self.timers.stop(&mut f.ping);
        let after = interval.mul_f64(0.8 + 0.2 * unit);
        f.ping = Some(self.timers.arm(now + after, Timer::Ping(flow)));
        f.interval = interval;
    }

    pub(crate) fn ping_due(&mut self, now: Instant, flow: FlowId) {
        let Some(f) = self.flows.get_mut(flow) else {
            return;
        };
        f.ping = None;
        self.timers.stop(&mut f.pong);
        f.pong = Some(
            self.timers
                .arm(now + PONG_TIMEOUT, Timer::PongMissing(flow)),
        );
        self.write_flow(flow, Bytes::from_static(b"\r\n\r\n"));
    }

    pub(crate) fn pong_received(&mut self, flow: FlowId) {
        self.stats.pongs += 1;
        let Some(f) = self.flows.get_mut(flow) else {
            return;
        };
        if let Some(key) = f.pong {
            let mut slot = Some(key);
            self.timers.stop(&mut slot);
            f.pong = None;
            // The next ping: the interval counts from the pong (§4.4.1).
            let interval = f.interval;
            let at = key.at() - PONG_TIMEOUT + interval.mul_f64(0.9);
            f.ping = Some(self.timers.arm(at, Timer::Ping(flow)));
        }
    }

    pub(crate) fn pong_missing(&mut self, now: Instant, flow: FlowId) {
        if let Some(f) = self.flows.get_mut(flow) {
            f.pong = None;
        }
        self.outputs.push_back(Output::Close { flow });
        self.flow_failed(now, flow, Some("keep-alive unanswered".into()), true);
    }

    /// A keep-alive on a message-framed flow (a WebSocket message of only
    /// CRLFs): answered or noted; `true` when `data` was one.
    pub(crate) fn keepalive_datagram(&mut self, now: Instant, info: FlowInfo, data: &[u8]) -> bool {
        if info.transport == Transport::Udp && self.stun_datagram(now, data) {
            return true;
        }
        match data {
            b"\r\n\r\n" => {
                if info.transport.is_reliable() {
                    self.write_flow(info.flow, Bytes::from_static(b"\r\n"));
                }
                true
            }
            b"\r\n" => {
                self.pong_received(info.flow);
                true
            }
            _ => data.iter().all(|&b| b == b'\r' || b == b'\n') && !data.is_empty(),
        }
    }
}

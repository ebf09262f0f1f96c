//! Flow keep-alives (RFC 5626 §4.4): a CRLF-CRLF ping on a registration's
//! connection every 80–100 % of the Flow-Timer; a pong must come back
//! within 10 s, or the flow is declared dead and the registration moves
//! to a new one.

use std::time::{Duration, Instant};

use bytes::Bytes;

use super::timers::Timer;
use super::{Endpoint, Output};
use crate::transport::{FlowId, FlowInfo};

/// How long a pong may take (RFC 5626 §4.4.1).
pub(crate) const PONG_TIMEOUT: Duration = Duration::from_secs(10);

impl Endpoint {
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
    pub(crate) fn keepalive_datagram(
        &mut self,
        _now: Instant,
        info: FlowInfo,
        data: &[u8],
    ) -> bool {
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

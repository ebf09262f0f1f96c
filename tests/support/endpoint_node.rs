//! A `sansip::endpoint::Endpoint` on the simulated network (UDP only): the
//! node is the host, feeding datagrams in and handing transmits out, and
//! it keeps every event with the instant it was reported.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Instant;

use sansip::endpoint::{Config, Endpoint, Event, Input, LocalAddr, Output};
use sansip::transport::{FlowId, Transport};

use super::net::{Datagram, Node};

/// An Endpoint plus what it reported.
pub struct EpNode {
    /// The user agent.
    pub ep: Endpoint,
    /// Its one UDP address.
    pub addr: SocketAddr,
    /// Every event, with when it was reported.
    pub events: Vec<(Instant, Event)>,
    outbox: VecDeque<Datagram>,
    deadline: Option<Instant>,
}

impl EpNode {
    /// An Endpoint for `aor` on UDP `addr`; `tweak` adjusts the config
    /// (the seed is set from `seed`).
    pub fn new(
        aor: &str,
        addr: SocketAddr,
        seed: u64,
        start: Instant,
        tweak: impl FnOnce(&mut Config),
    ) -> EpNode {
        let mut config = Config::new(aor);
        config.local.push(LocalAddr {
            transport: Transport::Udp,
            addr,
        });
        config.seed = seed;
        tweak(&mut config);
        let ep = Endpoint::new(config, start).expect("config");
        let mut node = EpNode {
            ep,
            addr,
            events: Vec::new(),
            outbox: VecDeque::new(),
            deadline: None,
        };
        node.drain(start);
        node
    }

    /// Moves the Endpoint's outputs into the outbox and the event list;
    /// call it after every command given to `ep` directly.
    pub fn drain(&mut self, now: Instant) {
        loop {
            match self.ep.poll_output() {
                Output::Transmit(t) => self.outbox.push_back(Datagram {
                    from: t.source,
                    to: t.destination,
                    bytes: t.data,
                }),
                Output::Event(e) => self.events.push((now, e)),
                Output::Timeout(at) => {
                    self.deadline = at;
                    return;
                }
                // UDP only: no connections, no names.
                Output::Connect(_) | Output::Close { .. } | Output::Resolve(_) => {}
            }
        }
    }

    /// The events reported so far, without their instants.
    pub fn event_list(&self) -> Vec<Event> {
        self.events.iter().map(|(_, e)| e.clone()).collect()
    }
}

impl Node for EpNode {
    fn handle_datagram(&mut self, now: Instant, d: Datagram) {
        self.ep.handle_input(
            now,
            Input::Receive {
                transport: Transport::Udp,
                flow: FlowId(0),
                source: d.from,
                destination: d.to,
                data: d.bytes,
            },
        );
        self.drain(now);
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.ep.handle_timeout(now);
        self.drain(now);
    }

    fn poll_timeout(&mut self) -> Option<Instant> {
        self.deadline
    }

    fn poll_transmit(&mut self, _now: Instant) -> Option<Datagram> {
        self.outbox.pop_front()
    }
}

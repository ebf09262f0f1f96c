//! Flows: the host's sockets and connections as sansip sees them. Stream
//! bytes are framed here, connections sansip asked for are tracked until
//! the host reports them open, and what was sent meanwhile waits.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use bytes::Bytes;

use super::timers::TimerKey;
use super::Connect;
use crate::message::{Limits, StreamFramer};
use crate::transport::{FlowId, Transport};

/// Ids sansip gives flows it asks for carry this bit, so they never
/// collide with ids the host chose for its own sockets and connections.
pub(crate) const OWN_FLOW_BIT: u64 = 1 << 63;

#[derive(Debug)]
pub(crate) struct Flow {
    pub(crate) transport: Transport,
    pub(crate) remote: SocketAddr,
    pub(crate) local: Option<SocketAddr>,
    pub(crate) open: bool,
    /// Bytes sent before the connection opened.
    pub(crate) queued: Vec<Bytes>,
    /// Stream transports only.
    pub(crate) framer: Option<StreamFramer>,
    /// A keep-alive is due or awaited (RFC 5626 §4.4).
    pub(crate) ping: Option<TimerKey>,
    pub(crate) pong: Option<TimerKey>,
    /// Armed until the host says the connection opened.
    pub(crate) connecting: Option<TimerKey>,
    /// The keep-alive interval in use.
    pub(crate) interval: std::time::Duration,
}

/// Why no flow could be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooManyFlows;

#[derive(Debug)]
pub(crate) struct Flows {
    flows: BTreeMap<FlowId, Flow>,
    by_remote: BTreeMap<(Transport, SocketAddr), FlowId>,
    next: u64,
    max: usize,
    limits: Limits,
}

impl Flows {
    pub(crate) fn new(max: usize, limits: Limits) -> Self {
        Flows {
            flows: BTreeMap::new(),
            by_remote: BTreeMap::new(),
            next: 1,
            max,
            limits,
        }
    }

    pub(crate) fn get(&self, id: FlowId) -> Option<&Flow> {
        self.flows.get(&id)
    }

    pub(crate) fn get_mut(&mut self, id: FlowId) -> Option<&mut Flow> {
        self.flows.get_mut(&id)
    }

    pub(crate) fn len(&self) -> usize {
        self.flows.len()
    }

    /// A live flow to `remote` over `transport`, or a new one with the
    /// `Connect` the host must act on (RFC 3261 §18.1.1: reuse connections).
    pub(crate) fn get_or_connect(
        &mut self,
        transport: Transport,
        remote: SocketAddr,
        server_name: Option<&str>,
    ) -> Result<(FlowId, Option<Connect>), TooManyFlows> {
        if let Some(&id) = self.by_remote.get(&(transport, remote)) {
            return Ok((id, None));
        }
        if self.flows.len() >= self.max {
            return Err(TooManyFlows);
        }
        let id = FlowId(OWN_FLOW_BIT | self.next);
        self.next += 1;
        self.insert(id, transport, remote, None, false, false);
        let connect = Connect {
            flow: id,
            transport,
            remote,
            server_name: server_name.map(str::to_owned),
        };
        Ok((id, Some(connect)))
    }

    fn insert(
        &mut self,
        id: FlowId,
        transport: Transport,
        remote: SocketAddr,
        local: Option<SocketAddr>,
        open: bool,
        accepted: bool,
    ) {
        let framer = (!transport.is_message_framed()).then(|| {
            if accepted {
                StreamFramer::for_accepted_flow(self.limits.clone())
            } else {
                StreamFramer::new(self.limits.clone())
            }
        });
        self.flows.insert(
            id,
            Flow {
                transport,
                remote,
                local,
                open,
                queued: Vec::new(),
                framer,
                ping: None,
                pong: None,
                connecting: None,
                interval: std::time::Duration::ZERO,
            },
        );
        self.by_remote.insert((transport, remote), id);
    }

    /// A flow the host opened or accepted that we have not seen: tracked
    /// from its first bytes. `false` when the flow limit is reached.
    pub(crate) fn learn(
        &mut self,
        id: FlowId,
        transport: Transport,
        remote: SocketAddr,
        local: SocketAddr,
    ) -> bool {
        if self.flows.contains_key(&id) {
            return true;
        }
        if self.flows.len() >= self.max {
            return false;
        }
        self.insert(id, transport, remote, Some(local), true, true);
        true
    }

    /// The host opened the flow: what waited for it.
    pub(crate) fn opened(&mut self, id: FlowId) -> Vec<Bytes> {
        match self.flows.get_mut(&id) {
            Some(f) => {
                f.open = true;
                std::mem::take(&mut f.queued)
            }
            None => Vec::new(),
        }
    }

    /// Forgets a flow.
    pub(crate) fn remove(&mut self, id: FlowId) -> Option<Flow> {
        let flow = self.flows.remove(&id)?;
        if self.by_remote.get(&(flow.transport, flow.remote)) == Some(&id) {
            self.by_remote.remove(&(flow.transport, flow.remote));
        }
        Some(flow)
    }
}

//! Where the layer keeps its transactions: a slab reached by slot from
//! timers and by id from the API, and the seeded hashers of its indexes.

use std::hash::{BuildHasher, DefaultHasher, Hasher};
use std::net::{IpAddr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::time::Instant;

use super::client_invite::ClientInvite;
use super::client_non_invite::ClientNonInvite;
use super::key::{ClientKey, MergeKey, ServerKey};
use super::server_invite::ServerInvite;
use super::server_non_invite::ServerNonInvite;
use super::types::{Destination, TxId};
use super::TimerKind;
use crate::message::headers::Via;
use crate::message::{Host, Message};
use crate::rng::Rng;
use crate::transport::{FlowId, SentBy, Transport};

#[derive(Debug, Clone)]
pub(super) enum Machine {
    InviteClient(ClientInvite),
    NonInviteClient(ClientNonInvite),
    InviteServer(ServerInvite),
    NonInviteServer(ServerNonInvite),
}

impl Machine {
    /// How many bytes a retransmission sends (0: none yet).
    pub(super) fn resend_len(&self) -> usize {
        match self {
            Machine::InviteClient(m) => m.resend_len(),
            Machine::NonInviteClient(m) => m.resend_len(),
            Machine::InviteServer(m) => m.resend_len(),
            Machine::NonInviteServer(m) => m.resend_len(),
        }
    }
}

/// How the layer finds a transaction from a message, removed at its end.
/// A server's keys are boxed: they are four times a client's, and inline
/// they made every transaction's `Cold` span five cache lines, each one a
/// miss when a transaction ended.
#[derive(Debug, Clone)]
pub(super) enum Index {
    Client(ClientKey),
    Server(Box<(ServerKey, Option<MergeKey>)>),
}

/// A live transaction: what a timer firing reads, in three cache lines
/// (aligned so it spans no more), and a box of the rest. With many live
/// transactions each firing reaches a cold entry, and every line it
/// touches is a miss, so the fields are in C order: the first line holds
/// what tells a live timer from a stale one (the use count and the timer
/// stamps), the destination and the machine's tag and state; the second
/// the machine's two handles to the bytes (see `Resend`). A firing that
/// retransmits reads those two lines and writes neither; one that ends the
/// transaction also reads the third, for the box.
#[derive(Debug, Clone)]
#[repr(C, align(64))]
pub(super) struct Tx {
    remote: Remote,
    /// Meaningful when `has_flow` (an `Option` would take 16 bytes).
    flow: FlowId,
    /// The slot's use count when the transaction was made: the high half
    /// of its [`TxId`].
    uses: u32,
    /// The stamp of each timer's latest arming, at [`timer_slot`]: a
    /// queued entry with another stamp was stopped or replaced.
    stamps: [u8; TIMER_SLOTS],
    /// Bit `timer_slot(kind)` set: that timer is armed.
    armed: u8,
    pub(super) transport: Transport,
    has_flow: bool,
    pub(super) machine: Machine,
    pub(super) cold: Box<Cold>,
}

/// What the timer queue holds for a transaction's timer: enough to tell,
/// from the first cache line of the slot it names, whether it still acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TimerKey {
    pub(super) slot: u32,
    uses: u32,
    pub(super) kind: TimerKind,
    stamp: u8,
}

/// Where a transaction sends: an address inline, or (rarely: a response
/// to a Via whose sent-by is a name, an IPv6 address with a flow label) a
/// box the host resolves, so that this takes 24 bytes, where a
/// `SocketAddr` takes 32 and a `Destination` 40.
#[derive(Debug, Clone)]
enum Remote {
    V4(SocketAddrV4),
    V6 {
        ip: Ipv6Addr,
        port: u16,
        scope_id: u32,
    },
    Other(Box<Destination>),
}

impl Remote {
    /// The address held inline, or the boxed destination.
    fn unboxed(&self) -> Result<SocketAddr, &Destination> {
        match self {
            Remote::V4(a) => Ok(SocketAddr::V4(*a)),
            Remote::V6 { ip, port, scope_id } => {
                Ok(SocketAddr::V6(SocketAddrV6::new(*ip, *port, 0, *scope_id)))
            }
            Remote::Other(d) => Err(d),
        }
    }
}

/// What only matching, commands and the end of a transaction read: two
/// cache lines, the first holding a client's key (see [`Index`]).
#[derive(Debug, Clone)]
pub(super) struct Cold {
    pub(super) index: Index,
    pub(super) kept: Kept,
    /// Set by [`Table::insert`]: lower for an older transaction.
    pub(super) rank: u64,
}

/// What a transaction keeps of its request: only what its kind reads
/// again. A whole `Message` is a kilobyte besides its buffer; kept by every
/// transaction, it made each one that much larger and its end free that
/// much more, cold, memory. Only the INVITE kinds need one.
#[derive(Debug, Clone)]
pub(super) enum Kept {
    /// The request, to build a CANCEL and the ACK of a failure, and the
    /// sent-by of our Via, which responses must carry (§18.1.2).
    InviteClient {
        request: Box<Message>,
        sent_by: Option<OurSentBy>,
    },
    /// The sent-by of our Via.
    NonInviteClient(Option<OurSentBy>),
    /// The request, to build 100 Trying, and when it was received, for
    /// the delay of its Timestamp (§8.2.6.1).
    InviteServer {
        request: Box<Message>,
        started: Instant,
    },
    /// Nothing: its responses come whole from the TU.
    NonInviteServer,
}

impl Kept {
    /// What a client keeps of `request`, its Via stamped.
    pub(super) fn client(request: Message, invite: bool) -> Kept {
        let sent_by = request
            .header::<Via>()
            .ok()
            .map(|v| OurSentBy::new(v.host, v.port));
        if invite {
            Kept::InviteClient {
                request: Box::new(request),
                sent_by,
            }
        } else {
            Kept::NonInviteClient(sent_by)
        }
    }

    /// The sent-by a response to this client must carry (`None`: a server,
    /// or a request whose Via did not parse, which no response matches).
    pub(super) fn sent_by(&self) -> Option<SentBy<'_>> {
        match self {
            Kept::InviteClient { sent_by, .. } | Kept::NonInviteClient(sent_by) => {
                sent_by.as_ref().map(OurSentBy::as_sent_by)
            }
            _ => None,
        }
    }

    /// The request, kept by the INVITE kinds only.
    pub(super) fn request(&self) -> Option<&Message> {
        match self {
            Kept::InviteClient { request, .. } | Kept::InviteServer { request, .. } => {
                Some(request)
            }
            _ => None,
        }
    }
}

/// The sent-by of a Via we wrote, owned: small, and a heap block only for
/// a host name.
#[derive(Debug, Clone)]
pub(super) struct OurSentBy {
    host: OwnedHost,
    port: Option<u16>,
}

#[derive(Debug, Clone)]
enum OwnedHost {
    Domain(Box<str>),
    Ip(IpAddr),
}

impl OurSentBy {
    fn new(host: Host<'_>, port: Option<u16>) -> OurSentBy {
        let host = match host {
            Host::Domain(d) => OwnedHost::Domain(d.into()),
            Host::Ipv4(a) => OwnedHost::Ip(IpAddr::V4(a)),
            Host::Ipv6(a) => OwnedHost::Ip(IpAddr::V6(a)),
        };
        OurSentBy { host, port }
    }

    fn as_sent_by(&self) -> SentBy<'_> {
        let host = match &self.host {
            OwnedHost::Domain(d) => Host::Domain(d),
            OwnedHost::Ip(a) => Host::from(*a),
        };
        SentBy::new(host, self.port)
    }
}

impl Tx {
    pub(super) fn new(
        id: TxId,
        machine: Machine,
        transport: Transport,
        flow: Option<FlowId>,
        destination: Destination,
        cold: Cold,
    ) -> Tx {
        let remote = match destination {
            Destination::Addr(SocketAddr::V4(a)) => Remote::V4(a),
            Destination::Addr(SocketAddr::V6(a)) if a.flowinfo() == 0 => Remote::V6 {
                ip: *a.ip(),
                port: a.port(),
                scope_id: a.scope_id(),
            },
            other => Remote::Other(Box::new(other)),
        };
        Tx {
            remote,
            flow: flow.unwrap_or(FlowId(0)),
            uses: id.uses(),
            stamps: [0; TIMER_SLOTS],
            armed: 0,
            transport,
            has_flow: flow.is_some(),
            machine,
            cold: Box::new(cold),
        }
    }

    /// The flow the transaction must use, if any.
    pub(super) fn flow(&self) -> Option<FlowId> {
        self.has_flow.then_some(self.flow)
    }

    pub(super) fn destination(&self) -> Destination {
        match self.remote.unboxed() {
            Ok(a) => Destination::Addr(a),
            Err(d) => d.clone(),
        }
    }

    /// The destination when it is an address (`None`: a name).
    pub(super) fn remote(&self) -> Option<SocketAddr> {
        match self.remote.unboxed() {
            Ok(a) | Err(&Destination::Addr(a)) => Some(a),
            Err(Destination::Name { .. }) => None,
        }
    }

    /// The transaction's id, given the slot it is in.
    pub(super) fn id(&self, slot: u32) -> TxId {
        TxId::from_parts(slot, self.uses)
    }

    /// Arms timer `kind` anew (a queued entry of its earlier arming, if
    /// any, goes stale); returns the key to queue, and whether an armed
    /// timer was replaced.
    pub(super) fn arm(&mut self, slot: u32, kind: TimerKind) -> (TimerKey, bool) {
        let at = timer_slot(kind);
        // Each machine arms a timer afresh at most twice (Timer B again
        // after a CANCEL), so a stamp never comes round to one queued.
        self.stamps[at] = self.stamps[at].wrapping_add(1);
        let replaced = self.disarm(at);
        self.armed |= 1 << at;
        (self.key(slot, kind), replaced)
    }

    /// The key of timer `kind` as last armed.
    pub(super) fn key(&self, slot: u32, kind: TimerKind) -> TimerKey {
        TimerKey {
            slot,
            uses: self.uses,
            kind,
            stamp: self.stamps[timer_slot(kind)],
        }
    }

    /// Marks the timer at `at` not armed; returns whether it was.
    pub(super) fn disarm(&mut self, at: usize) -> bool {
        let was = self.armed & (1 << at) != 0;
        self.armed &= !(1 << at);
        was
    }

    /// Whether a queued timer still acts: armed, and by its latest arming.
    pub(super) fn acts(&self, key: &TimerKey) -> bool {
        let at = timer_slot(key.kind);
        self.uses == key.uses && self.armed & (1 << at) != 0 && self.stamps[at] == key.stamp
    }

    /// Timers armed, each with an entry queued.
    pub(super) fn armed_count(&self) -> usize {
        self.armed.count_ones() as usize
    }
}

/// Timers one transaction can hold: the most any machine uses (the INVITE
/// server's G, H, I, L and Trying).
pub(super) const TIMER_SLOTS: usize = 5;

/// Where a timer's stamp and armed bit are kept in a [`Tx`]. Kinds share a slot
/// only when no one machine uses both, so a transaction's timers never
/// collide (INVITE client A B D M, non-INVITE client E F K, INVITE server
/// G H I L Trying, non-INVITE server J).
pub(super) fn timer_slot(kind: TimerKind) -> usize {
    match kind {
        TimerKind::A | TimerKind::E | TimerKind::G | TimerKind::J => 0,
        TimerKind::B | TimerKind::F | TimerKind::H => 1,
        TimerKind::D | TimerKind::K | TimerKind::I => 2,
        TimerKind::M | TimerKind::L => 3,
        TimerKind::Trying => 4,
    }
}

/// SipHash-1-3 (std's `DefaultHasher`) keyed from the layer's seed, for the
/// maps whose keys come off the network (branches, tags, Call-IDs). The
/// same seed gives the same layer; flooding one bucket takes the seed. The
/// std `RandomState` would read OS randomness, which sansip never does.
#[derive(Debug, Clone, Copy)]
pub(super) struct KeyedState([u64; 2]);

impl KeyedState {
    pub(super) fn from_seed(seed: u64) -> KeyedState {
        // Its own stream, so the branches a seed gives do not change.
        let mut rng = Rng::new(seed ^ 0x6b65_7965_6420_6d61);
        KeyedState([rng.next_u64(), rng.next_u64()])
    }
}

impl BuildHasher for KeyedState {
    type Hasher = DefaultHasher;

    fn build_hasher(&self) -> DefaultHasher {
        let mut h = DefaultHasher::new();
        h.write_u64(self.0[0]);
        h.write_u64(self.0[1]);
        h
    }
}

/// The live transactions: a slab, so a timer reaches its transaction with
/// one memory access (timers carry the slot; a stale one is caught by the
/// use count and stamp they carry too), and so does the API: a [`TxId`]
/// holds its slot in the low 32 bits and the slot's use count in the high
/// 32, so no id-to-slot map is probed (a cache miss per end and per call
/// when many transactions are live). A slot whose count would wrap is
/// retired, so an id is never handed out twice.
#[derive(Debug, Default)]
pub(super) struct Table {
    pub(super) slots: Vec<Option<Tx>>,
    /// Free slots and the use count their next transaction gets, the most
    /// recently freed (warmest) last.
    free: Vec<(u32, u32)>,
    live: usize,
    /// Transactions inserted so far: each one's rank, for oldest-first.
    created: u64,
}

impl Table {
    pub(super) fn len(&self) -> usize {
        self.live
    }

    pub(super) fn is_empty(&self) -> bool {
        self.live == 0
    }

    pub(super) fn get(&self, id: &TxId) -> Option<&Tx> {
        let tx = self.slots.get(id.slot() as usize)?.as_ref()?;
        (tx.uses == id.uses()).then_some(tx)
    }

    pub(super) fn get_mut(&mut self, id: &TxId) -> Option<&mut Tx> {
        let tx = self.slots.get_mut(id.slot() as usize)?.as_mut()?;
        (tx.uses == id.uses()).then_some(tx)
    }

    /// The id of the transaction at `slot`, if one is live there.
    pub(super) fn id_at(&self, slot: u32) -> Option<TxId> {
        let tx = self.slots.get(slot as usize)?.as_ref()?;
        Some(TxId::from_parts(slot, tx.uses))
    }

    /// Whether a queued timer still acts: its transaction is live, and
    /// the timer armed, by the arming that queued it.
    pub(super) fn acts(&self, key: &TimerKey) -> bool {
        self.slots
            .get(key.slot as usize)
            .and_then(Option::as_ref)
            .is_some_and(|tx| tx.acts(key))
    }

    /// [`acts`](Self::acts) for the timer that fires next. It also loads
    /// the transaction's second cache line, which the firing reads: with
    /// many live transactions both lines are misses, and loaded here
    /// together they cost about one, where the firing, which reads its
    /// handles to the bytes long after the machine's tag, pays for two
    /// one after the other.
    pub(super) fn acts_next(&self, key: &TimerKey) -> bool {
        let Some(tx) = self.slots.get(key.slot as usize).and_then(Option::as_ref) else {
            return false;
        };
        std::hint::black_box(tx.machine.resend_len());
        tx.acts(key)
    }

    /// The slot of a live transaction.
    pub(super) fn slot_of(&self, id: &TxId) -> Option<u32> {
        self.get(id).map(|_| id.slot())
    }

    pub(super) fn at_mut(&mut self, slot: u32) -> Option<&mut Tx> {
        self.slots.get_mut(slot as usize)?.as_mut()
    }

    /// The id the next [`insert`](Self::insert) takes.
    pub(super) fn next_id(&self) -> TxId {
        let (slot, uses) = match self.free.last() {
            Some(&free) => free,
            None => {
                let slot = u32::try_from(self.slots.len()).expect("fewer than 2^32 transactions");
                (slot, 1)
            }
        };
        TxId::from_parts(slot, uses)
    }

    /// Inserts a transaction made with the id [`next_id`](Self::next_id)
    /// gave.
    pub(super) fn insert(&mut self, mut tx: Tx) {
        let id = self.next_id();
        debug_assert_eq!(tx.uses, id.uses(), "inserted under the next id");
        let slot = id.slot();
        if self.free.pop().is_none() {
            self.slots.push(None);
        }
        self.created += 1;
        tx.cold.rank = self.created;
        self.slots[slot as usize] = Some(tx);
        self.live += 1;
    }

    pub(super) fn remove(&mut self, id: &TxId) -> Option<Tx> {
        self.get(id)?;
        let slot = id.slot();
        let tx = self.slots[slot as usize].take();
        self.live -= 1;
        // Past its last use count the slot is never used again: an id
        // must not come back.
        if let Some(uses) = id.uses().checked_add(1) {
            self.free.push((slot, uses));
        }
        tx
    }

    /// The live transactions and their ids, in slot order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (TxId, &Tx)> + '_ {
        self.slots
            .iter()
            .zip(0u32..)
            .filter_map(|(tx, slot)| tx.as_ref().map(|tx| (TxId::from_parts(slot, tx.uses), tx)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn what_a_timer_firing_reads_spans_three_cache_lines() {
        assert!(size_of::<Option<Tx>>() <= 192);
        // What tells a live timer from a stale one is in the first line.
        assert!(std::mem::offset_of!(Tx, uses) + 4 <= 48);
        assert!(std::mem::offset_of!(Tx, stamps) + TIMER_SLOTS <= 48);
        assert!(std::mem::offset_of!(Tx, armed) < 48);
        // The machine's tag and small fields end the first line, so the
        // handles a retransmission takes (after them) start the second.
        assert_eq!(std::mem::offset_of!(Tx, machine), 48);
        assert!(std::mem::offset_of!(Tx, machine) + size_of::<Machine>() <= 136);
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn what_an_end_reads_of_cold_is_two_cache_lines() {
        // A non-INVITE transaction keeps no Message, and a server's keys
        // are boxed: see `Kept` and `Index`.
        assert!(size_of::<Cold>() <= 128);
    }

    fn tx(table: &Table) -> Tx {
        let cold = Cold {
            index: Index::Client(ClientKey {
                nonce: [b'n'; crate::transport::BRANCH_RANDOM_CHARS],
                owner: table.next_id(),
                method: crate::message::Method::Options,
            }),
            kept: Kept::NonInviteServer,
            rank: 0,
        };
        let machine = Machine::NonInviteServer(ServerNonInvite::start(false));
        let to = Destination::Addr(SocketAddr::from(([192, 0, 2, 9], 5060)));
        Tx::new(table.next_id(), machine, Transport::Udp, None, to, cold)
    }

    #[test]
    fn a_reused_slot_gets_a_new_id_and_the_old_one_finds_nothing() {
        let mut table = Table::default();
        let first = tx(&table);
        assert_eq!(
            first.machine.resend_len(),
            0,
            "a server has sent nothing yet"
        );
        let old = table.next_id();
        table.insert(first);
        assert_eq!(table.len(), 1);
        assert!(table.remove(&old).is_some());
        assert!(table.remove(&old).is_none());
        let second = tx(&table);
        let new = table.next_id();
        table.insert(second);
        assert_eq!(new.slot(), old.slot(), "the freed slot is reused");
        assert_ne!(new, old);
        assert!(table.get(&old).is_none());
        assert!(table.get(&new).is_some());
        assert_eq!(table.len(), 1);
        assert_eq!(table.iter().count(), 1);
        assert!(table.get(&TxId(u64::MAX)).is_none(), "a slot never made");
    }

    #[test]
    fn only_the_latest_arming_of_a_live_transaction_acts() {
        let mut table = Table::default();
        let first = tx(&table);
        let id = table.next_id();
        table.insert(first);
        let slot = id.slot();
        let t = table.at_mut(slot).unwrap();
        let (k1, replaced) = t.arm(slot, TimerKind::J);
        assert!(!replaced);
        let (k2, replaced) = t.arm(slot, TimerKind::J);
        assert!(replaced, "the first arming was still armed");
        assert!(!table.acts(&k1), "replaced");
        assert!(table.acts(&k2));
        let t = table.at_mut(slot).unwrap();
        assert!(t.disarm(timer_slot(TimerKind::J)));
        assert!(!table.acts(&k2), "stopped");
        let (k3, replaced) = table.at_mut(slot).unwrap().arm(slot, TimerKind::J);
        assert!(!replaced, "stopped already");
        assert!(table.acts(&k3) && !table.acts(&k2));
        table.remove(&id);
        assert!(!table.acts(&k3), "its transaction is gone");
        let second = tx(&table);
        table.insert(second);
        let (k4, _) = table.at_mut(slot).unwrap().arm(slot, TimerKind::J);
        assert_eq!((k4.slot, k4.stamp), (k3.slot, 1), "same slot, same stamp");
        assert!(!table.acts(&k3), "the slot's next transaction");
        assert!(table.acts(&k4));
    }

    #[test]
    fn a_slot_whose_use_count_would_wrap_is_retired() {
        let mut table = Table::default();
        table.free.push((0, u32::MAX));
        table.slots.push(None);
        let last = tx(&table);
        let id = table.next_id();
        assert_eq!(id.slot(), 0);
        table.insert(last);
        table.remove(&id);
        assert!(table.is_empty());
        assert_eq!(table.next_id().slot(), 1, "slot 0 is not used again");
    }
}

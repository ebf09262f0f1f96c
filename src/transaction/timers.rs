//! The timer values of RFC 3261 §17 (Table 4) and RFC 6026, and the one
//! timer queue all of them share.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The base timer values. Every transaction timer is derived from these.
///
/// ```
/// use std::time::Duration;
/// use sansip::transaction::TimerConfig;
/// let t = TimerConfig::default();
/// assert_eq!(t.t1, Duration::from_millis(500));
/// assert_eq!(t.timeout(), Duration::from_secs(32)); // 64·T1: Timers B, F, H, J, L, M
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerConfig {
    /// RTT estimate (default 500 ms).
    pub t1: Duration,
    /// Longest retransmit interval for non-INVITE requests and INVITE
    /// responses (default 4 s).
    pub t2: Duration,
    /// Longest time a message stays in the network (default 5 s).
    pub t4: Duration,
    /// How long an INVITE server transaction waits for the TU before it
    /// sends 100 Trying itself (RFC 3261 §17.2.1: 200 ms).
    pub trying_delay: Duration,
    /// Timer D on unreliable transports (at least 32 s).
    pub timer_d: Duration,
}

impl Default for TimerConfig {
    fn default() -> Self {
        TimerConfig {
            t1: Duration::from_millis(500),
            t2: Duration::from_secs(4),
            t4: Duration::from_secs(5),
            trying_delay: Duration::from_millis(200),
            timer_d: Duration::from_secs(32),
        }
    }
}

impl TimerConfig {
    /// 64·T1: the transaction timeout (Timers B, F, H, J on UDP, L, M).
    pub fn timeout(&self) -> Duration {
        self.t1 * 64
    }
}

/// The transaction timers (RFC 3261 Table 4, RFC 6026 §8.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum TimerKind {
    /// INVITE request retransmission (UDP).
    A,
    /// INVITE client transaction timeout.
    B,
    /// Wait for INVITE final response retransmissions (client, Completed).
    D,
    /// Non-INVITE request retransmission (UDP).
    E,
    /// Non-INVITE client transaction timeout.
    F,
    /// INVITE final response retransmission (UDP).
    G,
    /// Wait for ACK (server INVITE, Completed).
    H,
    /// Wait for ACK retransmissions (server INVITE, Confirmed).
    I,
    /// Wait for non-INVITE request retransmissions (server, Completed).
    J,
    /// Wait for non-INVITE response retransmissions (client, Completed).
    K,
    /// Wait for INVITE retransmissions after a 2xx (server, Accepted).
    L,
    /// Wait for 2xx retransmissions (client, Accepted).
    M,
    /// Send 100 Trying if the TU has not answered an INVITE (200 ms).
    Trying,
}

/// The timer store: one first-in first-out lane per duration. The layer
/// arms few distinct durations (T1·2^k, T2, T4, 64·T1, Timer D, the 100
/// Trying delay), and timers armed with the same duration from a clock
/// that does not go back fall due in the order they were armed. So insert
/// is a push at the back of a lane, the earliest deadline is the earliest
/// of the lanes' fronts, and firing is a pop at a front: no cost grows
/// with the number of armed timers, and the fronts stay in cache (a binary
/// heap of 100,000 timers misses the cache on most of its 17 levels).
///
/// Timers due at the same instant pop in the order they were armed. If
/// `now` goes back between two inserts into a lane, the later timer is due
/// no earlier than the one before it in that lane.
///
/// Cancelling is the owner's business: the queue has no way to find an
/// entry but its front. The owner puts in each key what tells it whether
/// the entry still acts (the transaction layer: the transaction's slot, its
/// use count and a stamp of the arming), ignores the stale ones as they
/// surface, and sweeps them with [`retain`](Self::retain) when they pile
/// up.
#[derive(Debug, Clone)]
pub struct TimerQueue<K> {
    lanes: Vec<Lane<K>>,
    len: usize,
    /// The arming order of the next entry.
    next_order: u64,
    /// Deadlines are kept as nanoseconds from here (the first `now` seen):
    /// 8 bytes an entry, where an `Instant` takes 16.
    origin: Option<Instant>,
    /// The last `now` converted, and what it came to: a firing pops, arms
    /// and pops again at one `now`, and each conversion from an `Instant`
    /// costs more than the rest of a pop.
    recent: Option<(Instant, i64)>,
}

#[derive(Debug, Clone)]
struct Lane<K> {
    after: Duration,
    entries: VecDeque<Entry<K>>,
}

#[derive(Debug, Clone, Copy)]
struct Entry<K> {
    /// Nanoseconds from the origin (negative: the clock went back).
    due: i64,
    /// Arming order, the tie-break between equal deadlines.
    order: u64,
    key: K,
}

/// Past this many lanes, a lane that empties is removed.
const KEPT_LANES: usize = 32;

impl<K: Copy> Default for TimerQueue<K> {
    fn default() -> Self {
        TimerQueue {
            lanes: Vec::new(),
            len: 0,
            next_order: 0,
            origin: None,
            recent: None,
        }
    }
}

/// Nanoseconds from `origin` to `t`, saturating past ±292 years.
fn nanos_from(origin: Instant, t: Instant) -> i64 {
    match t.checked_duration_since(origin) {
        Some(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
        None => i64::try_from(origin.duration_since(t).as_nanos()).map_or(i64::MIN, |n| -n),
    }
}

/// The instant `nanos` from `origin` (the inverse of [`nanos_from`]).
fn instant_at(origin: Instant, nanos: i64) -> Instant {
    let d = Duration::from_nanos(nanos.unsigned_abs());
    let t = if nanos >= 0 {
        origin.checked_add(d)
    } else {
        origin.checked_sub(d)
    };
    t.unwrap_or(origin)
}

impl<K: Copy> TimerQueue<K> {
    /// `now` in nanoseconds from the origin (which it becomes if none is
    /// set yet).
    fn nanos_at(&mut self, now: Instant) -> i64 {
        if let Some((at, nanos)) = self.recent {
            if at == now {
                return nanos;
            }
        }
        let origin = *self.origin.get_or_insert(now);
        let nanos = nanos_from(origin, now);
        self.recent = Some((now, nanos));
        nanos
    }

    /// Arms a timer to fall due `after` from `now`, ordered after every
    /// timer armed before it with the same deadline.
    pub fn insert(&mut self, now: Instant, after: Duration, key: K) {
        let order = self.next_order;
        self.next_order += 1;
        let now = self.nanos_at(now);
        let lane = match self.lanes.iter().position(|l| l.after == after) {
            Some(k) => k,
            None => {
                self.lanes.push(Lane {
                    after,
                    entries: VecDeque::new(),
                });
                self.lanes.len() - 1
            }
        };
        let entries = &mut self.lanes[lane].entries;
        let after = i64::try_from(after.as_nanos()).unwrap_or(i64::MAX);
        let mut due = now.saturating_add(after);
        if let Some(last) = entries.back() {
            due = due.max(last.due);
        }
        entries.push_back(Entry { due, order, key });
        self.len += 1;
    }

    /// The lane whose front is due first (deadline, then arming order).
    fn first_lane(&self) -> Option<usize> {
        let mut best: Option<(usize, (i64, u64))> = None;
        for (k, lane) in self.lanes.iter().enumerate() {
            if let Some(e) = lane.entries.front() {
                let earlier = match best {
                    Some((_, b)) => (e.due, e.order) < b,
                    None => true,
                };
                if earlier {
                    best = Some((k, (e.due, e.order)));
                }
            }
        }
        best.map(|(k, _)| k)
    }

    /// The earliest deadline of any entry (possibly a stale one, unless
    /// the owner drops those as they reach the front).
    pub fn earliest(&self) -> Option<Instant> {
        self.peek().map(|(at, _)| at)
    }

    /// The earliest entry, without removing it.
    pub fn peek(&self) -> Option<(Instant, K)> {
        let k = self.first_lane()?;
        let e = self.lanes[k].entries.front()?;
        Some((instant_at(self.origin?, e.due), e.key))
    }

    /// The key of the earliest entry, without removing it.
    pub fn peek_key(&self) -> Option<K> {
        let k = self.first_lane()?;
        self.lanes[k].entries.front().map(|e| e.key)
    }

    /// Removes and returns the earliest entry.
    pub fn pop(&mut self) -> Option<(Instant, K)> {
        let k = self.first_lane()?;
        let (e, _) = self.pop_lane(k)?;
        Some((instant_at(self.origin?, e.due), e.key))
    }

    fn pop_lane(&mut self, k: usize) -> Option<(Entry<K>, Duration)> {
        let lane = &mut self.lanes[k];
        let entry = lane.entries.pop_front()?;
        let after = lane.after;
        self.len -= 1;
        if lane.entries.is_empty() && self.lanes.len() > KEPT_LANES {
            self.lanes.swap_remove(k);
        }
        Some((entry, after))
    }

    /// Removes and returns the earliest entry due at or before `now`.
    pub fn pop_due(&mut self, now: Instant) -> Option<(Instant, K)> {
        match self.peek() {
            Some((at, _)) if at <= now => self.pop(),
            _ => None,
        }
    }

    /// Removes the earliest entry due at or before `now`; returns its key
    /// and the duration it was armed with (a retransmission timer doubles
    /// it, so the owner keeps no interval).
    pub fn pop_due_armed(&mut self, now: Instant) -> Option<(K, Duration)> {
        let k = self.first_lane()?;
        let due = self.lanes[k].entries.front()?.due;
        if due > self.nanos_at(now) {
            return None;
        }
        let (e, after) = self.pop_lane(k)?;
        Some((e.key, after))
    }

    /// Entries held, stale ones included.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no entry is held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Keeps only the entries for which `live` holds (O(n)); the owner calls
    /// this when it knows most entries are stale.
    pub fn retain(&mut self, mut live: impl FnMut(&K) -> bool) {
        for lane in &mut self.lanes {
            lane.entries.retain(|e| live(&e.key));
        }
        self.lanes.retain(|l| !l.entries.is_empty());
        self.len = self.lanes.iter().map(|l| l.entries.len()).sum();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::disallowed_methods)] // any origin will do for virtual time
    fn timers_pop_in_deadline_then_insertion_order() {
        let t0 = Instant::now(); // sans-io-ok: a test picks any origin for virtual time
        let mut q = TimerQueue::default();
        let ms = Duration::from_millis;
        q.insert(t0, ms(30), 'c');
        q.insert(t0, ms(10), 'a');
        q.insert(t0 + ms(5), ms(5), 'b');
        q.insert(t0, ms(20), 'x');
        assert_eq!(q.earliest(), Some(t0 + ms(10)));
        assert!(q.pop_due(t0 + ms(9)).is_none());
        let order: Vec<char> = std::iter::from_fn(|| q.pop_due(t0 + ms(25)).map(|e| e.1)).collect();
        assert_eq!(order, ['a', 'b', 'x']);
        assert_eq!(q.len(), 1);
        q.retain(|k| *k != 'c');
        assert!(q.is_empty());
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // any origin will do for virtual time
    fn a_timer_armed_again_on_firing_is_ordered_as_new() {
        let t0 = Instant::now(); // sans-io-ok: a test picks any origin for virtual time
        let mut q = TimerQueue::default();
        let ms = Duration::from_millis;
        q.insert(t0, ms(10), 'e');
        assert_eq!(q.pop_due_armed(t0 + ms(9)), None);
        assert_eq!(q.pop_due_armed(t0 + ms(10)), Some(('e', ms(10))));
        // Armed before the second arming and due with it: pops first.
        q.insert(t0 + ms(10), ms(20), 'x');
        q.insert(t0 + ms(10), ms(20), 'e');
        assert_eq!(q.peek(), Some((t0 + ms(30), 'x')));
        assert_eq!(q.pop_due_armed(t0 + ms(30)), Some(('x', ms(20))));
        assert_eq!(q.peek_key(), Some('e'));
        assert_eq!(q.pop(), Some((t0 + ms(30), 'e')));
        assert!(q.is_empty());
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // any origin will do for virtual time
    fn deadlines_before_the_first_insert_keep_their_instant() {
        let t0 = Instant::now(); // sans-io-ok: a test picks any origin for virtual time
        let mut q = TimerQueue::default();
        let ms = Duration::from_millis;
        q.insert(t0 + ms(100), ms(50), 1);
        q.insert(t0, ms(5), 2); // now went back before the first insert
        assert_eq!(q.earliest(), Some(t0 + ms(5)));
        assert_eq!(q.pop_due(t0 + ms(5)), Some((t0 + ms(5), 2)));
        assert_eq!(q.pop_due(t0 + ms(149)), None);
        assert_eq!(q.pop_due(t0 + ms(150)), Some((t0 + ms(150), 1)));
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // any origin will do for virtual time
    fn a_clock_going_back_never_reorders_a_lane() {
        let t0 = Instant::now(); // sans-io-ok: a test picks any origin for virtual time
        let mut q = TimerQueue::default();
        let ms = Duration::from_millis;
        q.insert(t0 + ms(50), ms(10), 1);
        q.insert(t0, ms(10), 2); // now went back 50 ms
        assert_eq!(q.pop(), Some((t0 + ms(60), 1)));
        assert_eq!(q.pop(), Some((t0 + ms(60), 2)), "due with the one before");
        assert_eq!(q.pop(), None);
    }
}

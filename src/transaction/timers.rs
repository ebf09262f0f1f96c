//! The timer values of RFC 3261 §17 (Table 4) and RFC 6026, and the one
//! timer queue all of them share.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
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

/// A deadline queue: a binary heap ordered by (deadline, insertion order),
/// so timers due at the same instant fire in the order they were set, and
/// insert and pop cost O(log n) in the number of armed timers.
///
/// Cancelling is lazy: the owner remembers the generation it armed and
/// ignores entries whose generation it no longer holds. Stale entries are
/// dropped when they reach the top, and the heap is rebuilt when they
/// outnumber the live ones, so memory stays proportional to live timers.
#[derive(Debug, Clone)]
pub struct TimerQueue<K> {
    heap: BinaryHeap<Reverse<(Instant, u64, K)>>,
    next_generation: u64,
}

impl<K: Ord + Copy> Default for TimerQueue<K> {
    fn default() -> Self {
        TimerQueue {
            heap: BinaryHeap::new(),
            next_generation: 1,
        }
    }
}

impl<K: Ord + Copy> TimerQueue<K> {
    /// Arms a timer; returns its generation (never 0).
    pub fn insert(&mut self, deadline: Instant, key: K) -> u64 {
        let generation = self.next_generation;
        self.next_generation += 1;
        self.heap.push(Reverse((deadline, generation, key)));
        generation
    }

    /// The earliest deadline of any entry (possibly a cancelled one, which
    /// only costs the owner an early wake-up that does nothing).
    pub fn earliest(&self) -> Option<Instant> {
        self.heap.peek().map(|Reverse((at, _, _))| *at)
    }

    /// The earliest entry, without removing it.
    pub fn peek(&self) -> Option<(Instant, u64, K)> {
        self.heap.peek().map(|Reverse(e)| *e)
    }

    /// Removes and returns the earliest entry.
    pub fn pop(&mut self) -> Option<(Instant, u64, K)> {
        self.heap.pop().map(|Reverse(e)| e)
    }

    /// Removes and returns the earliest entry due at or before `now`.
    pub fn pop_due(&mut self, now: Instant) -> Option<(Instant, u64, K)> {
        match self.heap.peek() {
            Some(Reverse((at, _, _))) if *at <= now => self.heap.pop().map(|Reverse(e)| e),
            _ => None,
        }
    }

    /// Entries in the heap, cancelled ones included.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether the heap is empty.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Keeps only the entries for which `live` holds (O(n)); the owner calls
    /// this when it knows most entries are stale.
    pub fn retain(&mut self, mut live: impl FnMut(u64, &K) -> bool) {
        let entries = std::mem::take(&mut self.heap).into_vec();
        self.heap = entries
            .into_iter()
            .filter(|Reverse((_, g, k))| live(*g, k))
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::disallowed_methods)] // any origin will do for virtual time
    fn timers_pop_in_deadline_then_insertion_order() {
        let t0 = Instant::now();
        let mut q = TimerQueue::default();
        let ms = Duration::from_millis;
        q.insert(t0 + ms(30), 'c');
        q.insert(t0 + ms(10), 'a');
        q.insert(t0 + ms(10), 'b');
        q.insert(t0 + ms(20), 'x');
        assert_eq!(q.earliest(), Some(t0 + ms(10)));
        assert!(q.pop_due(t0 + ms(9)).is_none());
        let order: Vec<char> = std::iter::from_fn(|| q.pop_due(t0 + ms(25)).map(|e| e.2)).collect();
        assert_eq!(order, ['a', 'b', 'x']);
        assert_eq!(q.len(), 1);
        q.retain(|_, k| *k != 'c');
        assert!(q.is_empty());
    }
}

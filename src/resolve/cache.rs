//! Answers kept by TTL, keyed by (name, kind), bounded in size.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use super::types::{QueryFailure, Record, RecordKind};

/// A query's identity: the name and the record type.
pub(super) type Key = (String, RecordKind);

/// What a query gave: the records kept, or why there are none.
pub(super) type Answer = Result<Vec<Record>, QueryFailure>;

/// Longest time an answer is kept, whatever its TTL says: a record with a
/// TTL of years (or 2^32 - 1 seconds) must not outlive a server move.
const MAX_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// The cache. Expiry is checked on read, so no timer is needed; the
/// `by_expiry` index gives the entry to evict when full in O(log n).
#[derive(Debug)]
pub(super) struct Cache {
    entries: BTreeMap<Key, (Instant, Answer)>,
    by_expiry: BTreeSet<(Instant, Key)>,
    capacity: usize,
}

impl Cache {
    /// An empty cache holding at most `capacity` answers.
    pub(super) fn new(capacity: usize) -> Self {
        Cache {
            entries: BTreeMap::new(),
            by_expiry: BTreeSet::new(),
            capacity,
        }
    }

    /// The answer for `key`, if one is cached and still fresh at `now`.
    pub(super) fn get(&mut self, now: Instant, key: &Key) -> Option<&Answer> {
        let expired = match self.entries.get(key) {
            None => return None,
            Some((expires, _)) => *expires <= now,
        };
        if expired {
            self.remove(key);
            return None;
        }
        self.entries.get(key).map(|(_, answer)| answer)
    }

    /// Keeps `answer` for its lifetime: the smallest record TTL for
    /// records, `negative_ttl` for a name with none. Failures and
    /// zero lifetimes are not kept.
    pub(super) fn insert(
        &mut self,
        now: Instant,
        key: Key,
        answer: &Answer,
        negative_ttl: Duration,
    ) {
        let life = match answer {
            Ok(records) if !records.is_empty() => records
                .iter()
                .map(|r| Duration::from_secs(u64::from(r.ttl())))
                .min()
                .unwrap_or_default(),
            Ok(_) | Err(QueryFailure::NotFound) => negative_ttl,
            Err(QueryFailure::Failed) => return,
        };
        let life = life.min(MAX_TTL);
        // A clock near its end cannot represent the expiry: keep nothing.
        let Some(expires) = now.checked_add(life) else {
            return;
        };
        if life.is_zero() || self.capacity == 0 {
            return;
        }
        self.remove(&key);
        while self.entries.len() >= self.capacity {
            let Some((_, oldest)) = self.by_expiry.pop_first() else {
                break;
            };
            self.entries.remove(&oldest);
        }
        self.by_expiry.insert((expires, key.clone()));
        self.entries.insert(key, (expires, answer.clone()));
    }

    /// Number of answers held (fresh or not yet noticed as stale).
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    fn remove(&mut self, key: &Key) {
        if let Some((expires, _)) = self.entries.remove(key) {
            self.by_expiry.remove(&(expires, key.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn a(ttl: u32) -> Answer {
        Ok(vec![Record::A {
            addr: Ipv4Addr::LOCALHOST,
            ttl,
        }])
    }

    fn key(n: &str) -> Key {
        (n.to_owned(), RecordKind::A)
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // any origin will do for virtual time
    fn full_cache_evicts_the_entry_expiring_first() {
        let t0 = Instant::now(); // sans-io-ok: the origin of virtual time in a unit test
        let mut c = Cache::new(2);
        c.insert(t0, key("long"), &a(300), Duration::ZERO);
        c.insert(t0, key("short"), &a(10), Duration::ZERO);
        c.insert(t0, key("new"), &a(100), Duration::ZERO);
        assert_eq!(c.len(), 2);
        assert!(c.get(t0, &key("short")).is_none());
        assert!(c.get(t0, &key("long")).is_some());
        assert!(c.get(t0, &key("new")).is_some());
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // any origin will do for virtual time
    fn huge_ttl_is_capped_and_failures_are_not_kept() {
        let t0 = Instant::now(); // sans-io-ok: the origin of virtual time in a unit test
        let mut c = Cache::new(4);
        c.insert(t0, key("big"), &a(u32::MAX), Duration::ZERO);
        assert!(c
            .get(t0 + MAX_TTL - Duration::from_secs(1), &key("big"))
            .is_some());
        assert!(c.get(t0 + MAX_TTL, &key("big")).is_none());
        c.insert(
            t0,
            key("f"),
            &Err(QueryFailure::Failed),
            Duration::from_secs(9),
        );
        c.insert(t0, key("z"), &a(0), Duration::from_secs(9));
        assert_eq!(c.len(), 0);
    }
}

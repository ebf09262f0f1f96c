//! Locating SIP servers (RFC 3263 §4) without doing DNS: the [`Resolver`]
//! asks the host for NAPTR, SRV, A and AAAA records and turns the answers
//! into an ordered list of (transport, address) to try.
//!
//! The procedure, for a domain name:
//! 1. A port in the target: only A (and AAAA) of the name (§4.2).
//! 2. A transport in the target: SRV for that transport (§4.1).
//! 3. Otherwise NAPTR of the name; the records with flag `s` whose service
//!    this user agent runs (`SIP+D2U`, `SIP+D2T`, `SIPS+D2T`, and RFC
//!    7118's `SIP+D2W`, `SIPS+D2W`; for `sips:` only the secure ones), by
//!    order then preference, each giving an SRV name. No usable NAPTR:
//!    the SRV names of every configured transport (`_sip._udp`,
//!    `_sip._tcp`, `_sips._tcp`, `_sip._ws`, `_sips._ws`).
//! 4. SRV records ordered by priority, then by RFC 2782's weighted draw
//!    (from the seeded generator, so a seed gives one order); no SRV
//!    record at all: the name itself on the default port of the first
//!    transport.
//! 5. A (and AAAA with [`ResolverConfig::ipv6`]) of each server name; the
//!    result keeps the SRV order, each server expanded to all its
//!    addresses.
//!
//! An IP address needs no query at all. A host that resolves by other
//! means may answer any query with [`Record::Address`], which ends that
//! branch. Every answer is cached by TTL, failures of a name for
//! [`ResolverConfig::negative_ttl`]; lookups that need the same record
//! share one query.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

mod cache;
mod plan;
mod srv;
mod types;

pub use types::{
    LookupId, Query, QueryFailure, QueryId, Record, RecordKind, ResolveError, ResolvedTarget,
    ResolverConfig, TargetHost, TargetSpec,
};

use crate::message::Host;
use crate::rng::Rng;
use crate::transport::Transport;
use cache::{Answer, Cache, Key};
use plan::{default_transport, evaluate, usable, Spec, Step};
use srv::{normalize_name, order_srv, trim_answer};

/// The RFC 3263 server locator, sans-IO.
///
/// - Commands: [`lookup`](Self::lookup) starts a lookup,
///   [`cancel`](Self::cancel) drops one.
/// - Inputs: [`handle_answer`](Self::handle_answer) with the host's DNS
///   answer, [`handle_timeout`](Self::handle_timeout) when the timer fires.
/// - Outputs, drained after any of the above, in this order:
///   [`poll_query`](Self::poll_query) until `None` (queries for the host
///   to make), [`poll_done`](Self::poll_done) until `None` (finished
///   lookups), then [`poll_timeout`](Self::poll_timeout) to arm a timer.
///
/// A query the host does not answer within
/// [`ResolverConfig::query_timeout`] counts as
/// [`QueryFailure::Failed`]. Answers for unknown or finished queries are
/// ignored, and no answer makes the resolver panic.
///
/// ```
/// # #![allow(clippy::disallowed_methods)]
/// use std::time::Instant;
/// use sansip::resolve::{Record, ResolvedTarget, Resolver, ResolverConfig, TargetHost, TargetSpec};
/// use sansip::transport::Transport;
///
/// let now = Instant::now(); // the host's clock (sans-io-ok: the example is the host)
/// let mut r = Resolver::new(ResolverConfig::default(), 7);
/// let spec = TargetSpec {
///     host: TargetHost::Name("example.com".into()),
///     port: Some(5080),
///     transport: Some(Transport::Tcp),
///     secure: false,
/// };
/// let id = r.lookup(now, &spec)?;
/// let q = r.poll_query().unwrap(); // A example.com: the port skips NAPTR and SRV
/// r.handle_answer(now, q.id, Ok(vec![Record::A { addr: "192.0.2.1".parse()?, ttl: 60 }]));
/// let (done, result) = r.poll_done().unwrap();
/// assert_eq!(done, id);
/// assert_eq!(result?, [ResolvedTarget {
///     transport: Transport::Tcp,
///     addr: "192.0.2.1:5080".parse()?,
///     host: "example.com".into(),
/// }]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Resolver {
    config: ResolverConfig,
    rng: Rng,
    cache: Cache,
    lookups: BTreeMap<LookupId, Lookup>,
    queries: Queries,
    done: VecDeque<(LookupId, Result<Vec<ResolvedTarget>, ResolveError>)>,
    next_lookup: u64,
}

/// One lookup under way: what it looks for, and the answers it has seen.
/// It keeps its own copies so that a cache eviction mid-lookup cannot make
/// it ask again (and so loop).
#[derive(Debug)]
struct Lookup {
    spec: Spec,
    answers: BTreeMap<Key, Answer>,
    /// Queries it is registered with, to leave them on cancel.
    waiting: BTreeSet<QueryId>,
}

/// A query asked and not yet answered.
#[derive(Debug)]
struct Outstanding {
    key: Key,
    deadline: Option<Instant>,
    waiters: BTreeSet<LookupId>,
}

/// The outstanding queries, indexed by id, by (name, kind) for sharing,
/// and by deadline for the timer.
#[derive(Debug, Default)]
struct Queries {
    by_id: BTreeMap<QueryId, Outstanding>,
    by_key: BTreeMap<Key, QueryId>,
    deadlines: BTreeSet<(Instant, QueryId)>,
    /// Created and not yet handed to the host.
    to_ask: VecDeque<QueryId>,
    next_id: u64,
}

impl Queries {
    /// Registers `lookup` for the answer to `key`, asking a new query if
    /// none is outstanding.
    fn subscribe(
        &mut self,
        now: Instant,
        timeout: std::time::Duration,
        key: Key,
        lookup: LookupId,
    ) -> QueryId {
        if let Some(&id) = self.by_key.get(&key) {
            if let Some(q) = self.by_id.get_mut(&id) {
                q.waiters.insert(lookup);
                return id;
            }
        }
        let id = QueryId(self.next_id);
        self.next_id += 1;
        // A clock that cannot represent the deadline leaves the query
        // without one; the host's own timeout still ends it.
        let deadline = now.checked_add(timeout);
        if let Some(d) = deadline {
            self.deadlines.insert((d, id));
        }
        self.by_key.insert(key.clone(), id);
        self.by_id.insert(
            id,
            Outstanding {
                key,
                deadline,
                waiters: BTreeSet::from([lookup]),
            },
        );
        self.to_ask.push_back(id);
        id
    }

    /// Forgets query `id`, returning it.
    fn remove(&mut self, id: QueryId) -> Option<Outstanding> {
        let q = self.by_id.remove(&id)?;
        self.by_key.remove(&q.key);
        if let Some(d) = q.deadline {
            self.deadlines.remove(&(d, id));
        }
        Some(q)
    }

    /// Takes `lookup` off query `id`; a query nobody waits for is dropped
    /// (a late answer is then ignored).
    fn unsubscribe(&mut self, id: QueryId, lookup: LookupId) {
        let Some(q) = self.by_id.get_mut(&id) else {
            return;
        };
        q.waiters.remove(&lookup);
        if q.waiters.is_empty() {
            self.remove(id);
            self.to_ask.retain(|&x| x != id);
        }
    }
}

impl Resolver {
    /// A resolver with these settings; `seed` drives the SRV weighted
    /// draw (the same seed gives the same order).
    pub fn new(config: ResolverConfig, seed: u64) -> Self {
        Resolver {
            cache: Cache::new(config.max_cache_entries),
            config,
            rng: Rng::new(seed),
            lookups: BTreeMap::new(),
            queries: Queries::default(),
            done: VecDeque::new(),
            next_lookup: 0,
        }
    }

    /// The settings.
    pub fn config(&self) -> &ResolverConfig {
        &self.config
    }

    /// Starts locating `target`. The result comes from
    /// [`poll_done`](Self::poll_done), at once (on the next call) when no
    /// query is needed: an IP address, or answers all in the cache.
    ///
    /// Fails when [`ResolverConfig::max_lookups`] lookups are under way
    /// or not yet collected, when the name cannot be a host name, or when
    /// the target's transport (or, for `sips:`, any secure transport) is
    /// not one the user agent runs.
    pub fn lookup(&mut self, now: Instant, target: &TargetSpec) -> Result<LookupId, ResolveError> {
        let limit = self.config.max_lookups;
        if self.lookups.len() + self.done.len() >= limit {
            return Err(ResolveError::TooManyLookups { limit });
        }
        let label = match &target.host {
            TargetHost::Name(n) => n.clone(),
            TargetHost::Ip(ip) => ip.to_string(),
        };
        let transport = match target.transport {
            // `sips:` with `transport=tcp` or `ws` means the secure form.
            Some(Transport::Tcp) if target.secure => Some(Transport::Tls),
            Some(Transport::Ws) if target.secure => Some(Transport::Wss),
            t => t,
        };
        let no_transport = || ResolveError::NoUsableTransport {
            name: label.clone(),
            asked: target.transport,
            secure: target.secure,
        };
        let default = match transport {
            Some(t) if usable(&self.config, target.secure, t) => t,
            Some(_) => return Err(no_transport()),
            None => default_transport(&self.config, target.secure).ok_or_else(no_transport)?,
        };
        let ip = match &target.host {
            TargetHost::Ip(ip) => Some(*ip),
            // A name written as an address (`192.0.2.1`, `[2001:db8::1]`).
            TargetHost::Name(n) => Host::parse(n).ok().and_then(|h| h.ip()),
        };
        let id = LookupId(self.next_lookup);
        self.next_lookup += 1;
        if let Some(ip) = ip {
            let addr = SocketAddr::new(ip, target.port.unwrap_or(default.default_port()));
            let host = match ip {
                IpAddr::V4(a) => a.to_string(),
                IpAddr::V6(a) => a.to_string(),
            };
            self.done.push_back((
                id,
                Ok(vec![ResolvedTarget {
                    transport: default,
                    addr,
                    host,
                }]),
            ));
            return Ok(id);
        }
        let name = normalize_name(&label).ok_or(ResolveError::InvalidName { name: label })?;
        let spec = Spec {
            name,
            port: target.port,
            transport,
            secure: target.secure,
            default,
        };
        self.lookups.insert(
            id,
            Lookup {
                spec,
                answers: BTreeMap::new(),
                waiting: BTreeSet::new(),
            },
        );
        self.advance(now, id);
        Ok(id)
    }

    /// The next DNS query for the host to make, if any.
    #[must_use]
    pub fn poll_query(&mut self) -> Option<Query> {
        while let Some(id) = self.queries.to_ask.pop_front() {
            if let Some(q) = self.queries.by_id.get(&id) {
                return Some(Query {
                    id,
                    name: q.key.0.clone(),
                    kind: q.key.1,
                });
            }
        }
        None
    }

    /// The host's answer to query `query`: its records (of any kind; the
    /// ones that do not fit are ignored), or why there are none. Answers to
    /// unknown, timed-out or abandoned queries are ignored.
    pub fn handle_answer(
        &mut self,
        now: Instant,
        query: QueryId,
        answer: Result<Vec<Record>, QueryFailure>,
    ) {
        let Some(q) = self.queries.remove(query) else {
            return;
        };
        self.queries.to_ask.retain(|&x| x != query);
        let answer = answer.map(|records| trim_answer(q.key.1, records));
        self.cache
            .insert(now, q.key.clone(), &answer, self.config.negative_ttl);
        for lookup in q.waiters {
            if let Some(lk) = self.lookups.get_mut(&lookup) {
                lk.waiting.remove(&query);
                store(lk, &mut self.rng, q.key.clone(), answer.clone());
                self.advance(now, lookup);
            }
        }
    }

    /// The next finished lookup: its targets in the order to try, or why
    /// there are none.
    #[must_use]
    pub fn poll_done(&mut self) -> Option<(LookupId, Result<Vec<ResolvedTarget>, ResolveError>)> {
        self.done.pop_front()
    }

    /// When [`handle_timeout`](Self::handle_timeout) is next due: the
    /// earliest deadline of an unanswered query.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.queries.deadlines.first().map(|&(d, _)| d)
    }

    /// Fails every query whose deadline has passed at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(&(deadline, id)) = self.queries.deadlines.first() {
            if deadline > now {
                break;
            }
            self.handle_answer(now, id, Err(QueryFailure::Failed));
        }
    }

    /// Abandons `lookup`: no result will be given for it (a result already
    /// finished and not yet polled is dropped). Queries only it waited
    /// for are forgotten.
    pub fn cancel(&mut self, lookup: LookupId) {
        self.done.retain(|(id, _)| *id != lookup);
        if let Some(lk) = self.lookups.remove(&lookup) {
            for q in lk.waiting {
                self.queries.unsubscribe(q, lookup);
            }
        }
    }

    /// Lookups under way (not counting finished ones waiting in
    /// [`poll_done`](Self::poll_done)).
    pub fn lookups_in_progress(&self) -> usize {
        self.lookups.len()
    }

    /// Answers held in the cache.
    pub fn cached_answers(&self) -> usize {
        self.cache.len()
    }

    /// Runs lookup `id` as far as the answers it has and the cache allow,
    /// then either finishes it or leaves it waiting on queries.
    fn advance(&mut self, now: Instant, id: LookupId) {
        loop {
            let Some(lk) = self.lookups.get_mut(&id) else {
                return;
            };
            match evaluate(&lk.spec, &self.config, &lk.answers) {
                Step::Done(result) => {
                    if let Some(lk) = self.lookups.remove(&id) {
                        for q in lk.waiting {
                            self.queries.unsubscribe(q, id);
                        }
                    }
                    self.done.push_back((id, result));
                    return;
                }
                Step::Need(keys) => {
                    let mut progressed = false;
                    for key in keys {
                        if let Some(answer) = self.cache.get(now, &key) {
                            let answer = answer.clone();
                            store(lk, &mut self.rng, key, answer);
                            progressed = true;
                        } else {
                            let q = self
                                .queries
                                .subscribe(now, self.config.query_timeout, key, id);
                            lk.waiting.insert(q);
                        }
                    }
                    if !progressed {
                        return;
                    }
                }
            }
        }
    }
}

/// Gives `lk` an answer; SRV records get their RFC 2782 order now, once
/// per lookup, so each lookup draws its own order even from a shared or
/// cached answer.
fn store(lk: &mut Lookup, rng: &mut Rng, key: Key, mut answer: Answer) {
    if key.1 == RecordKind::Srv {
        if let Ok(records) = &mut answer {
            order_srv(records, rng);
        }
    }
    lk.answers.insert(key, answer);
}

//! The RFC 3263 §4 procedure as a pure function of the answers a lookup
//! has so far: either the queries it still needs, or its result. Because
//! the function is re-run as answers arrive, the lookup needs no stage
//! variable, and a cached answer and a fresh one take the same path.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr};

use super::cache::{Answer, Key};
use super::srv::{normalize_name, srv_name, transport_of_service, MAX_RECORDS};
use super::types::{Record, RecordKind, ResolveError, ResolvedTarget, ResolverConfig};
use crate::transport::Transport;

/// Most targets one lookup returns: enough for every transport and
/// several servers, small enough that a hostile answer cannot grow it.
pub(super) const MAX_TARGETS: usize = 64;

/// A lookup of a domain name, checked and normalized.
#[derive(Debug, Clone)]
pub(super) struct Spec {
    /// The domain, normalized.
    pub(super) name: String,
    /// The port, if the target gave one.
    pub(super) port: Option<u16>,
    /// The transport, if the target gave one (already known usable).
    pub(super) transport: Option<Transport>,
    /// Only secure transports may be used.
    pub(super) secure: bool,
    /// The transport used when nothing in DNS chooses one.
    pub(super) default: Transport,
}

/// What the lookup does next.
#[derive(Debug)]
pub(super) enum Step {
    /// These answers are missing.
    Need(Vec<Key>),
    /// The lookup is over.
    Done(Result<Vec<ResolvedTarget>, ResolveError>),
}

/// A place in the ordered result: an address already known, or a server
/// name still to resolve.
enum Item {
    Ready(ResolvedTarget),
    Host {
        transport: Transport,
        port: u16,
        name: String,
    },
}

/// Whether the user agent may use `t` for a target (`secure`: a `sips:`
/// one).
pub(super) fn usable(config: &ResolverConfig, secure: bool, t: Transport) -> bool {
    config.transports.contains(&t) && (!secure || t.is_secure())
}

/// The transport for a target DNS does not choose for (RFC 3263 §4.1: UDP
/// for `sip:`, TLS for `sips:`), or the first usable one when the user
/// agent does not run that.
pub(super) fn default_transport(config: &ResolverConfig, secure: bool) -> Option<Transport> {
    let preferred = if secure {
        Transport::Tls
    } else {
        Transport::Udp
    };
    if usable(config, secure, preferred) {
        return Some(preferred);
    }
    config
        .transports
        .iter()
        .copied()
        .find(|&t| usable(config, secure, t))
}

/// The next step of the lookup `spec` given the `answers` it holds.
pub(super) fn evaluate(
    spec: &Spec,
    config: &ResolverConfig,
    answers: &BTreeMap<Key, Answer>,
) -> Step {
    // §4.2: a port means the name is a host: straight to A/AAAA.
    if let Some(port) = spec.port {
        let transport = spec.transport.unwrap_or(spec.default);
        let items = vec![Item::Host {
            transport,
            port,
            name: spec.name.clone(),
        }];
        return hosts(spec, config, answers, items);
    }
    let services = if let Some(t) = spec.transport {
        // §4.1: a transport parameter skips NAPTR.
        vec![(t, srv_name(t, &spec.name))]
    } else {
        let key = (spec.name.clone(), RecordKind::Naptr);
        let Some(answer) = answers.get(&key) else {
            return Step::Need(vec![key]);
        };
        let records = records(answer);
        if records.iter().any(|r| matches!(r, Record::Address { .. })) {
            let items = ready_items(spec, config, records, spec.default, None);
            return hosts(spec, config, answers, items);
        }
        let from_naptr = naptr_services(spec, config, records);
        if from_naptr.is_empty() {
            // No NAPTR we can use: SRV for every transport we run, in the
            // configured order.
            config
                .transports
                .iter()
                .filter(|&&t| usable(config, spec.secure, t))
                .map(|&t| (t, srv_name(t, &spec.name)))
                .collect()
        } else {
            from_naptr
        }
    };
    srv(spec, config, answers, &services)
}

/// The answer's records (none for a failure).
fn records(answer: &Answer) -> &[Record] {
    answer.as_deref().unwrap_or(&[])
}

/// The (transport, SRV name) of each usable NAPTR record, in the order
/// the records were sorted to, without repeats.
fn naptr_services(
    spec: &Spec,
    config: &ResolverConfig,
    records: &[Record],
) -> Vec<(Transport, String)> {
    let mut out: Vec<(Transport, String)> = Vec::new();
    for r in records {
        let Record::Naptr {
            service,
            replacement,
            ..
        } = r
        else {
            continue;
        };
        let Some(t) = transport_of_service(service) else {
            continue;
        };
        if !usable(config, spec.secure, t) {
            continue;
        }
        let Some(name) = normalize_name(replacement) else {
            continue;
        };
        if !out.iter().any(|(ot, on)| *ot == t && *on == name) {
            out.push((t, name));
        }
    }
    out
}

/// The SRV stage (RFC 2782 order already applied to each answer): every
/// service's SRV answer is needed, then its servers follow in order. No
/// SRV record at all falls back to the name itself on the default port
/// of the first service's transport (§4.2).
fn srv(
    spec: &Spec,
    config: &ResolverConfig,
    answers: &BTreeMap<Key, Answer>,
    services: &[(Transport, String)],
) -> Step {
    let missing: Vec<Key> = services
        .iter()
        .map(|(_, n)| (n.clone(), RecordKind::Srv))
        .filter(|k| !answers.contains_key(k))
        .collect();
    if !missing.is_empty() {
        return Step::Need(missing);
    }
    let mut items = Vec::new();
    let mut any_record = false;
    for (t, n) in services {
        let Some(answer) = answers.get(&(n.clone(), RecordKind::Srv)) else {
            continue;
        };
        for r in records(answer) {
            match r {
                Record::Address { .. } => {
                    any_record = true;
                    items.extend(ready_items(spec, config, std::slice::from_ref(r), *t, None));
                }
                Record::Srv { port, target, .. } => {
                    any_record = true;
                    // "." (or nothing) says the service is not offered.
                    if let Some(name) = normalize_name(target) {
                        items.push(Item::Host {
                            transport: *t,
                            port: *port,
                            name,
                        });
                    }
                }
                _ => {}
            }
        }
    }
    if !any_record {
        let transport = services.first().map_or(spec.default, |s| s.0);
        items.push(Item::Host {
            transport,
            port: transport.default_port(),
            name: spec.name.clone(),
        });
    }
    hosts(spec, config, answers, items)
}

/// The address stage: A (and AAAA) for every server name, then the result
/// in item order.
fn hosts(
    spec: &Spec,
    config: &ResolverConfig,
    answers: &BTreeMap<Key, Answer>,
    mut items: Vec<Item>,
) -> Step {
    // At most MAX_RECORDS server names, the first ones in order.
    let mut names = 0;
    items.retain(|i| match i {
        Item::Ready(_) => true,
        Item::Host { .. } => {
            names += 1;
            names <= MAX_RECORDS
        }
    });
    let kinds: &[RecordKind] = if config.ipv6 {
        &[RecordKind::A, RecordKind::Aaaa]
    } else {
        &[RecordKind::A]
    };
    let mut missing: Vec<Key> = Vec::new();
    for item in &items {
        if let Item::Host { name, .. } = item {
            if name.parse::<IpAddr>().is_ok() {
                continue;
            }
            for &kind in kinds {
                let key = (name.clone(), kind);
                if !answers.contains_key(&key) && !missing.contains(&key) {
                    missing.push(key);
                }
            }
        }
    }
    if !missing.is_empty() {
        return Step::Need(missing);
    }
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut push = |t: ResolvedTarget, out: &mut Vec<ResolvedTarget>| {
        if out.len() < MAX_TARGETS && seen.insert((t.transport, t.addr)) {
            out.push(t);
        }
    };
    for item in items {
        match item {
            Item::Ready(t) => push(t, &mut out),
            Item::Host {
                transport,
                port,
                name,
            } => {
                if let Ok(ip) = name.parse::<IpAddr>() {
                    push(target(spec, transport, SocketAddr::new(ip, port)), &mut out);
                    continue;
                }
                for &kind in kinds {
                    let Some(answer) = answers.get(&(name.clone(), kind)) else {
                        continue;
                    };
                    for r in records(answer) {
                        let addr = match *r {
                            Record::A { addr, .. } => SocketAddr::new(addr.into(), port),
                            Record::Aaaa { addr, .. } => SocketAddr::new(addr.into(), port),
                            Record::Address { .. } => {
                                for i in ready_items(
                                    spec,
                                    config,
                                    std::slice::from_ref(r),
                                    transport,
                                    Some(port),
                                ) {
                                    if let Item::Ready(t) = i {
                                        push(t, &mut out);
                                    }
                                }
                                continue;
                            }
                            _ => continue,
                        };
                        push(target(spec, transport, addr), &mut out);
                    }
                }
            }
        }
    }
    if out.is_empty() {
        Step::Done(Err(ResolveError::NotFound {
            name: spec.name.clone(),
        }))
    } else {
        Step::Done(Ok(out))
    }
}

/// The targets of [`Record::Address`] records: their own transport if
/// they name one we may use (else dropped), or `transport`; their own
/// port unless 0, else `port`, else the transport's default.
fn ready_items(
    spec: &Spec,
    config: &ResolverConfig,
    records: &[Record],
    transport: Transport,
    port: Option<u16>,
) -> Vec<Item> {
    records
        .iter()
        .filter_map(|r| {
            let Record::Address {
                addr,
                transport: own,
                ..
            } = *r
            else {
                return None;
            };
            let t = own.unwrap_or(transport);
            if !usable(config, spec.secure, t) {
                return None;
            }
            let mut addr = addr;
            if addr.port() == 0 {
                addr.set_port(port.unwrap_or(t.default_port()));
            }
            Some(Item::Ready(target(spec, t, addr)))
        })
        .collect()
}

fn target(spec: &Spec, transport: Transport, addr: SocketAddr) -> ResolvedTarget {
    ResolvedTarget {
        transport,
        addr,
        host: spec.name.clone(),
    }
}

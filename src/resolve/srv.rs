//! The DNS-side rules: which NAPTR services and SRV names stand for which
//! transport (RFC 3263 §4.1, RFC 7118 §10), the RFC 2782 ordering of SRV
//! records, and the trimming of answers to what can be used.

use super::types::{Record, RecordKind};
use crate::rng::Rng;
use crate::transport::Transport;

/// Most records of one answer that are kept, and most server names one
/// lookup resolves: a hostile or broken DNS answer cannot make a lookup
/// hold or ask for more than this.
pub(super) const MAX_RECORDS: usize = 16;

/// The NAPTR service field (RFC 3263 §4.1, RFC 7118 §10) of a transport.
pub(super) const fn naptr_service(t: Transport) -> &'static str {
    match t {
        Transport::Udp => "SIP+D2U",
        Transport::Tcp => "SIP+D2T",
        Transport::Tls => "SIPS+D2T",
        Transport::Ws => "SIP+D2W",
        Transport::Wss => "SIPS+D2W",
    }
}

/// The transport of a NAPTR service field, if it is one this stack runs.
pub(super) fn transport_of_service(service: &str) -> Option<Transport> {
    Transport::ALL
        .into_iter()
        .find(|&t| service.eq_ignore_ascii_case(naptr_service(t)))
}

/// The SRV name of a transport's service at `domain` (`_sips._tcp.` for
/// TLS, `_sip._ws.` / `_sips._ws.` for WebSocket).
pub(super) fn srv_name(t: Transport, domain: &str) -> String {
    let prefix = match t {
        Transport::Udp => "_sip._udp.",
        Transport::Tcp => "_sip._tcp.",
        Transport::Tls => "_sips._tcp.",
        Transport::Ws => "_sip._ws.",
        Transport::Wss => "_sips._ws.",
    };
    format!("{prefix}{domain}")
}

/// A DNS name as sansip keys it: lower case, without the root's trailing
/// dot. `None` for what cannot be a host name (empty, the root ".", over
/// 253 characters, or a character no resolver would accept), so that a
/// hostile answer cannot make us ask for garbage.
pub(super) fn normalize_name(name: &str) -> Option<String> {
    let name = name.strip_suffix('.').unwrap_or(name);
    let ok = !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
        && !name.starts_with('.')
        && !name.contains("..");
    ok.then(|| name.to_ascii_lowercase())
}

/// Keeps what a query of `kind` can use from an answer, at most
/// [`MAX_RECORDS`] of it: records of the kind asked (NAPTR only with flag
/// `s` and a service this stack runs, sorted by order then preference;
/// SRV sorted by priority) and [`Record::Address`] records.
pub(super) fn trim_answer(kind: RecordKind, records: Vec<Record>) -> Vec<Record> {
    let mut kept: Vec<Record> = records
        .into_iter()
        .filter(|r| match (kind, r) {
            (_, Record::Address { .. }) => true,
            (RecordKind::Naptr, Record::Naptr { flags, service, .. }) => {
                flags.eq_ignore_ascii_case("s") && transport_of_service(service).is_some()
            }
            (RecordKind::Srv, Record::Srv { .. })
            | (RecordKind::A, Record::A { .. })
            | (RecordKind::Aaaa, Record::Aaaa { .. }) => true,
            _ => false,
        })
        .collect();
    // Stable sorts: records that tie keep the host's order, and Address
    // records (key 0) come first.
    match kind {
        RecordKind::Naptr => kept.sort_by_key(|r| match r {
            Record::Naptr {
                order, preference, ..
            } => (*order, *preference),
            _ => (0, 0),
        }),
        RecordKind::Srv => kept.sort_by_key(|r| match r {
            Record::Srv { priority, .. } => *priority,
            _ => 0,
        }),
        RecordKind::A | RecordKind::Aaaa => {}
    }
    kept.truncate(MAX_RECORDS);
    kept
}

/// Orders SRV records the RFC 2782 way: by priority, and within one
/// priority by repeated weighted random draws, so a server with twice the
/// weight is tried first about twice as often. Expects `records` sorted by
/// priority (as [`trim_answer`] leaves them); other records keep their
/// place at the front.
pub(super) fn order_srv(records: &mut [Record], rng: &mut Rng) {
    let key = |r: &Record| match r {
        Record::Srv {
            priority, weight, ..
        } => Some((*priority, *weight)),
        _ => None,
    };
    let mut start = 0;
    while start < records.len() {
        let Some((priority, _)) = key(&records[start]) else {
            start += 1;
            continue;
        };
        let end = records[start..]
            .iter()
            .position(|r| key(r).map(|k| k.0) != Some(priority))
            .map_or(records.len(), |n| start + n);
        order_group(&mut records[start..end], rng, |r| {
            key(r).map_or(0, |k| u64::from(k.1))
        });
        start = end;
    }
}

/// One priority's weighted draw: zero weights go first in the running
/// list (RFC 2782 does this so they keep a small chance), then each pick
/// is the first record whose running weight sum reaches a random number in
/// `0..=total`.
fn order_group(group: &mut [Record], rng: &mut Rng, weight: impl Fn(&Record) -> u64) {
    // Zero weights to the front, others in their order.
    group.sort_by_key(|r| weight(r) != 0);
    for i in 0..group.len() {
        let rest = &mut group[i..];
        let total: u64 = rest.iter().map(&weight).sum();
        let draw = rng.below(total.saturating_add(1));
        let mut running = 0u64;
        let mut pick = rest.len() - 1;
        for (j, r) in rest.iter().enumerate() {
            running += weight(r);
            if running >= draw {
                pick = j;
                break;
            }
        }
        // Keep the others in their relative order for the next draw.
        rest[..=pick].rotate_right(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn srv(priority: u16, weight: u16, target: &str) -> Record {
        Record::Srv {
            priority,
            weight,
            port: 5060,
            target: target.into(),
            ttl: 60,
        }
    }

    fn targets(rs: &[Record]) -> Vec<&str> {
        rs.iter()
            .filter_map(|r| match r {
                Record::Srv { target, .. } => Some(target.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn priorities_are_never_mixed_by_the_weighted_draw() {
        for seed in 0..200 {
            let mut rs = trim_answer(
                RecordKind::Srv,
                vec![
                    srv(20, 50, "c"),
                    srv(10, 1, "a"),
                    srv(10, 60000, "b"),
                    srv(30, 0, "d"),
                ],
            );
            order_srv(&mut rs, &mut Rng::new(seed));
            let t = targets(&rs);
            assert!(t[..2].contains(&"a") && t[..2].contains(&"b"), "{t:?}");
            assert_eq!(&t[2..], ["c", "d"]);
        }
    }

    #[test]
    fn all_zero_weights_still_order_every_record() {
        let mut rs = vec![srv(1, 0, "a"), srv(1, 0, "b"), srv(1, 0, "c")];
        order_srv(&mut rs, &mut Rng::new(5));
        let mut t = targets(&rs);
        t.sort_unstable();
        assert_eq!(t, ["a", "b", "c"]);
    }

    #[test]
    fn names_are_lowered_and_garbage_refused() {
        assert_eq!(
            normalize_name("Sip.Example.COM.").as_deref(),
            Some("sip.example.com")
        );
        for bad in ["", ".", "a..b", "a b", ".a", "é.example", &"a".repeat(254)] {
            assert_eq!(normalize_name(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn services_and_srv_names_cover_every_transport() {
        for t in Transport::ALL {
            assert_eq!(transport_of_service(naptr_service(t)), Some(t));
            assert!(srv_name(t, "x.org").ends_with("._tcp.x.org") || t != Transport::Tcp);
        }
        assert_eq!(transport_of_service("sip+d2s"), None);
        assert_eq!(srv_name(Transport::Wss, "x.org"), "_sips._ws.x.org");
    }
}

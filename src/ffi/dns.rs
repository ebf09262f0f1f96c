//! DNS answers (RFC 3263): a `SANSIP_OUTPUT_KIND_RESOLVE` output asks for
//! the records of one name (`sansip_output.data`, `.record_type`,
//! `.query_id`); the host looks them up its own way and answers with
//! `sansip_endpoint_resolved`, one flat `sansip_dns_record` per record.

use std::net::{IpAddr, SocketAddr};

use super::addr::{sansip_addr, transport_from_c};
use super::boundary::{array, choice, text};
use super::endpoint::command;
use super::handle::sansip_endpoint;
use super::output::sansip_record_type;
use super::result::{sansip_result, Error};
use crate::endpoint::{Endpoint, Input};
use crate::resolve::{QueryFailure, QueryId, Record};

/// `sansip_dns_record.transport` of an `ADDRESS` record: the transport the
/// lookup chose.
pub const SANSIP_TRANSPORT_ANY: u32 = u32::MAX;

/// How a query went (`sansip_endpoint_resolved`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sansip_dns_status {
    /// Answered: the records follow (possibly none).
    Ok = 0,
    /// The name does not exist, or has no records of the type (NXDOMAIN,
    /// NODATA); cached by sansip for a while.
    NotFound = 1,
    /// No answer (SERVFAIL, a timeout on the host's side); not cached.
    Failed = 2,
}

/// One DNS record of an answer. Fields that do not apply to
/// `record_type` are ignored (zero them). Records of another type than
/// the one asked for are ignored, except `ADDRESS`, which answers any
/// query.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sansip_dns_record {
    /// A `sansip_record_type`: `NAPTR`, `SRV`, `A`, `AAAA`, or `ADDRESS` (a
    /// ready socket address, for a host that resolves by other means, e.g.
    /// getaddrinfo: it ends that branch of the lookup).
    pub record_type: u32,
    /// Seconds the record may be cached.
    pub ttl: u32,
    /// NAPTR: lower is tried first.
    pub order: u16,
    /// NAPTR: lower is tried first among records of one order.
    pub preference: u16,
    /// SRV: lower is tried first.
    pub priority: u16,
    /// SRV: relative share among records of one priority.
    pub weight: u16,
    /// SRV: the port of the service on `target`.
    pub port: u16,
    /// A (an IPv4 address), AAAA (IPv6; the port is ignored for both), or
    /// ADDRESS (port 0: the port the lookup chose).
    pub addr: sansip_addr,
    /// ADDRESS: a `sansip_transport`, or `SANSIP_TRANSPORT_ANY`.
    pub transport: u32,
    /// NAPTR: the flags (`s`), UTF-8.
    pub flags: *const u8,
    /// The length of `flags`.
    pub flags_len: usize,
    /// NAPTR: the service (`SIP+D2U`, `SIPS+D2T`), UTF-8.
    pub service: *const u8,
    /// The length of `service`.
    pub service_len: usize,
    /// NAPTR: the replacement; SRV: the target (`.`: no service). UTF-8,
    /// without a trailing dot.
    pub target: *const u8,
    /// The length of `target`.
    pub target_len: usize,
}

const RECORD_TYPES: [sansip_record_type; 5] = [
    sansip_record_type::Naptr,
    sansip_record_type::Srv,
    sansip_record_type::A,
    sansip_record_type::Aaaa,
    sansip_record_type::Address,
];

/// The record, validated.
///
/// # Safety
/// Each non-NULL text pointer valid for its length.
unsafe fn record(r: &sansip_dns_record) -> Result<Record, Error> {
    let ttl = r.ttl;
    let bad = |what: &str| Error::new(sansip_result::InvalidArgument, what.to_owned());
    Ok(
        match choice(r.record_type, RECORD_TYPES, "sansip_record_type")? {
            sansip_record_type::Naptr => Record::Naptr {
                order: r.order,
                preference: r.preference,
                // SAFETY: the caller passes each text valid for its length.
                flags: unsafe { text(r.flags, r.flags_len, "the NAPTR flags")? }.to_owned(),
                // SAFETY: as above.
                service: unsafe { text(r.service, r.service_len, "the NAPTR service")? }.to_owned(),
                // SAFETY: as above.
                replacement: unsafe { text(r.target, r.target_len, "the NAPTR replacement")? }
                    .to_owned(),
                ttl,
            },
            sansip_record_type::Srv => Record::Srv {
                priority: r.priority,
                weight: r.weight,
                port: r.port,
                // SAFETY: as above.
                target: unsafe { text(r.target, r.target_len, "the SRV target")? }.to_owned(),
                ttl,
            },
            sansip_record_type::A => match r.addr.to_rust("the A address")?.ip() {
                IpAddr::V4(addr) => Record::A { addr, ttl },
                IpAddr::V6(_) => return Err(bad("an A record needs an IPv4 address")),
            },
            sansip_record_type::Aaaa => match r.addr.to_rust("the AAAA address")?.ip() {
                IpAddr::V6(addr) => Record::Aaaa { addr, ttl },
                IpAddr::V4(_) => return Err(bad("an AAAA record needs an IPv6 address")),
            },
            sansip_record_type::Address => {
                let addr: SocketAddr = r.addr.to_rust("the address")?;
                let transport = match r.transport {
                    SANSIP_TRANSPORT_ANY => None,
                    t => Some(transport_from_c(t)?),
                };
                Record::Address {
                    addr,
                    transport,
                    ttl,
                }
            }
        },
    )
}

/// The answer to the `SANSIP_OUTPUT_KIND_RESOLVE` query `query_id`:
/// `status` (a `sansip_dns_status`) and, when `OK`, the `records_len`
/// records at `records` (read during the call only; ignored otherwise).
/// The host follows CNAMEs itself. An answer to an unknown or already
/// answered query is ignored.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_resolved(
    endpoint: *mut sansip_endpoint,
    now_us: u64,
    query_id: u64,
    status: u32,
    records: *const sansip_dns_record,
    records_len: usize,
) -> sansip_result {
    let run = |ep: &mut Endpoint, now| {
        let status = choice(
            status,
            [
                sansip_dns_status::Ok,
                sansip_dns_status::NotFound,
                sansip_dns_status::Failed,
            ],
            "sansip_dns_status",
        )?;
        let records = match status {
            sansip_dns_status::Ok => {
                // SAFETY: the caller passes records valid for records_len.
                let list = unsafe { array(records, records_len, "the records")? };
                Ok(list
                    .iter()
                    // SAFETY: the caller passes each record's texts valid.
                    .map(|r| unsafe { record(r) })
                    .collect::<Result<Vec<_>, _>>()?)
            }
            sansip_dns_status::NotFound => Err(QueryFailure::NotFound),
            sansip_dns_status::Failed => Err(QueryFailure::Failed),
        };
        let query = QueryId(query_id);
        ep.handle_input(now, Input::Resolved { query, records });
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { command(endpoint, now_us, run) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blank(record_type: u32) -> sansip_dns_record {
        sansip_dns_record {
            record_type,
            ttl: 60,
            order: 0,
            preference: 0,
            priority: 0,
            weight: 0,
            port: 0,
            addr: sansip_addr::NONE,
            transport: SANSIP_TRANSPORT_ANY,
            flags: std::ptr::null(),
            flags_len: 0,
            service: std::ptr::null(),
            service_len: 0,
            target: std::ptr::null(),
            target_len: 0,
        }
    }

    #[test]
    fn records_are_read_and_checked() {
        let name = "sip.example.com";
        let mut srv = blank(1);
        (srv.priority, srv.weight, srv.port) = (10, 5, 5060);
        (srv.target, srv.target_len) = (name.as_ptr(), name.len());
        let mut a = blank(2);
        a.addr = sansip_addr::from_rust("192.0.2.1:0".parse().unwrap());
        let mut aaaa_with_v4 = a;
        aaaa_with_v4.record_type = 3;
        let mut address = blank(4);
        address.addr = sansip_addr::from_rust("192.0.2.2:5080".parse().unwrap());
        address.transport = 1;
        // SAFETY: every text pointer is NULL with length 0 or points to
        // `name`, alive for the test.
        unsafe {
            assert_eq!(
                record(&srv).unwrap(),
                Record::Srv {
                    priority: 10,
                    weight: 5,
                    port: 5060,
                    target: name.into(),
                    ttl: 60
                }
            );
            assert!(matches!(record(&a).unwrap(), Record::A { .. }));
            assert!(record(&aaaa_with_v4).is_err());
            assert!(matches!(
                record(&address).unwrap(),
                Record::Address {
                    transport: Some(crate::transport::Transport::Tcp),
                    ..
                }
            ));
            assert!(record(&blank(5)).is_err());
            assert!(record(&blank(2)).is_err(), "family 0 is no address");
        }
    }
}

//! Addresses and transports as C sees them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6};

use super::result::{sansip_result, Error};
use crate::transport::Transport;

/// `sansip_addr.family` for IPv4 (the first 4 bytes of `addr`).
pub const SANSIP_FAMILY_IPV4: u32 = 4;
/// `sansip_addr.family` for IPv6.
pub const SANSIP_FAMILY_IPV6: u32 = 6;

/// An IP address and port (not a `sockaddr`: the same layout everywhere).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct sansip_addr {
    /// `SANSIP_FAMILY_IPV4` or `SANSIP_FAMILY_IPV6`.
    pub family: u32,
    /// The IPv6 scope id (0 for IPv4 and unscoped addresses).
    pub scope_id: u32,
    /// The address in network byte order: 4 bytes for IPv4 (the rest 0), 16 for IPv6.
    pub addr: [u8; 16],
    /// The port, in host byte order.
    pub port: u16,
}

/// The transports, as the `uint32_t transport` arguments and fields take them.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sansip_transport {
    /// UDP.
    Udp = 0,
    /// TCP.
    Tcp = 1,
    /// TLS over TCP.
    Tls = 2,
    /// WebSocket (RFC 7118).
    Ws = 3,
    /// Secure WebSocket.
    Wss = 4,
}

/// A transport integer from C, validated.
pub(crate) fn transport_from_c(value: u32) -> Result<Transport, Error> {
    Ok(match value {
        0 => Transport::Udp,
        1 => Transport::Tcp,
        2 => Transport::Tls,
        3 => Transport::Ws,
        4 => Transport::Wss,
        _ => {
            return Err(Error::new(
                sansip_result::InvalidArgument,
                format!("{value} is not a sansip_transport"),
            ))
        }
    })
}

/// A transport as C sees it.
pub(crate) fn transport_to_c(t: Transport) -> u32 {
    (match t {
        Transport::Udp => sansip_transport::Udp,
        Transport::Tcp => sansip_transport::Tcp,
        Transport::Tls => sansip_transport::Tls,
        Transport::Ws => sansip_transport::Ws,
        Transport::Wss => sansip_transport::Wss,
    }) as u32
}

impl sansip_addr {
    /// The address, validated.
    pub(crate) fn to_rust(self, what: &str) -> Result<SocketAddr, Error> {
        match self.family {
            SANSIP_FAMILY_IPV4 => {
                let [a, b, c, d, ..] = self.addr;
                Ok(SocketAddr::new(
                    IpAddr::V4(Ipv4Addr::new(a, b, c, d)),
                    self.port,
                ))
            }
            SANSIP_FAMILY_IPV6 => Ok(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(self.addr),
                self.port,
                0,
                self.scope_id,
            ))),
            other => Err(Error::new(
                sansip_result::InvalidArgument,
                format!("{what}: {other} is not a sansip address family"),
            )),
        }
    }

    /// The C form of `addr`.
    pub(crate) fn from_rust(addr: SocketAddr) -> sansip_addr {
        let mut out = sansip_addr {
            family: SANSIP_FAMILY_IPV4,
            scope_id: 0,
            addr: [0; 16],
            port: addr.port(),
        };
        match addr {
            SocketAddr::V4(a) => out.addr[..4].copy_from_slice(&a.ip().octets()),
            SocketAddr::V6(a) => {
                out.family = SANSIP_FAMILY_IPV6;
                out.scope_id = a.scope_id();
                out.addr = a.ip().octets();
            }
        }
        out
    }

    /// All zeros (family 0): the value of address fields that do not apply.
    pub(crate) const NONE: sansip_addr = sansip_addr {
        family: 0,
        scope_id: 0,
        addr: [0; 16],
        port: 0,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip_and_bad_families_are_refused() {
        for s in ["192.0.2.1:5060", "[2001:db8::1]:5061", "[fe80::1%3]:5060"] {
            let a: SocketAddr = s.parse().unwrap();
            assert_eq!(sansip_addr::from_rust(a).to_rust("a").unwrap(), a);
        }
        let mut bad = sansip_addr::from_rust("192.0.2.1:1".parse().unwrap());
        bad.family = 5;
        assert_eq!(
            bad.to_rust("a").unwrap_err().result,
            sansip_result::InvalidArgument
        );
        assert!(transport_from_c(5).is_err());
        for t in 0..5 {
            assert_eq!(transport_to_c(transport_from_c(t).unwrap()), t);
        }
    }
}

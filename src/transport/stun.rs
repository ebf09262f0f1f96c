//! The STUN Binding messages RFC 5626 §4.4.2 uses as UDP keep-alives
//! (RFC 5389 §6 header, §15.2 XOR-MAPPED-ADDRESS): just enough to send a
//! request, recognise its answer and read the address the server saw.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The fixed value in every STUN header (RFC 5389 §6).
pub const MAGIC_COOKIE: u32 = 0x2112_A442;
const BINDING_REQUEST: u16 = 0x0001;
const BINDING_SUCCESS: u16 = 0x0101;
const XOR_MAPPED_ADDRESS: u16 = 0x0020;
const MAPPED_ADDRESS: u16 = 0x0001;

/// A Binding request with `transaction` as its id and no attributes.
///
/// ```
/// use sansip::transport::stun;
/// let req = stun::binding_request([7; 12]);
/// assert_eq!(req.len(), 20);
/// assert!(stun::is_stun(&req));
/// ```
pub fn binding_request(transaction: [u8; 12]) -> [u8; 20] {
    let mut out = [0u8; 20];
    out[..2].copy_from_slice(&BINDING_REQUEST.to_be_bytes());
    // Length 0: no attributes.
    out[4..8].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
    out[8..].copy_from_slice(&transaction);
    out
}

/// Whether a datagram is STUN rather than SIP: a SIP message starts with
/// a letter, a STUN message with two zero bits and the magic cookie.
pub fn is_stun(data: &[u8]) -> bool {
    data.len() >= 20
        && data[0] & 0xC0 == 0
        && data[4..8] == MAGIC_COOKIE.to_be_bytes()
        && usize::from(u16::from_be_bytes([data[2], data[3]])) == data.len() - 20
}

/// A Binding success response: its transaction id and the address the
/// server saw us at (XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS), if given.
/// `None` for anything else.
pub fn parse_binding_success(data: &[u8]) -> Option<([u8; 12], Option<SocketAddr>)> {
    if !is_stun(data) || u16::from_be_bytes([data[0], data[1]]) != BINDING_SUCCESS {
        return None;
    }
    let mut transaction = [0u8; 12];
    transaction.copy_from_slice(&data[8..20]);
    let mut mapped = None;
    let mut rest = &data[20..];
    while rest.len() >= 4 {
        let kind = u16::from_be_bytes([rest[0], rest[1]]);
        let len = usize::from(u16::from_be_bytes([rest[2], rest[3]]));
        let Some(value) = rest.get(4..4 + len) else {
            break;
        };
        match kind {
            XOR_MAPPED_ADDRESS => return Some((transaction, address(value, Some(&data[4..20])))),
            MAPPED_ADDRESS => mapped = mapped.or(address(value, None)),
            _ => {}
        }
        // Attributes are padded to four bytes.
        let padded = (4 + len + 3) & !3;
        rest = rest.get(padded..).unwrap_or_default();
    }
    Some((transaction, mapped))
}

/// An address attribute; with `xor`, the port and address are XORed with
/// the cookie (and the transaction id, for IPv6).
fn address(value: &[u8], xor: Option<&[u8]>) -> Option<SocketAddr> {
    let mask = |k: usize| xor.map_or(0, |x| x[k]);
    let family = *value.get(1)?;
    let port = u16::from_be_bytes([value.get(2)? ^ mask(0), value.get(3)? ^ mask(1)]);
    let ip = match family {
        1 => {
            let b = value.get(4..8)?;
            IpAddr::V4(Ipv4Addr::new(
                b[0] ^ mask(0),
                b[1] ^ mask(1),
                b[2] ^ mask(2),
                b[3] ^ mask(3),
            ))
        }
        2 => {
            let b = value.get(4..20)?;
            let mut octets = [0u8; 16];
            for (k, o) in octets.iter_mut().enumerate() {
                *o = b[k] ^ mask(k);
            }
            IpAddr::V6(Ipv6Addr::from(octets))
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Binding success of RFC 5769 §2.2 (IPv4, XOR-MAPPED-ADDRESS
    /// 192.0.2.1:32853), cut to its header and that attribute.
    #[test]
    fn reads_the_rfc_5769_ipv4_response() {
        let mut msg = vec![
            0x01, 0x01, 0x00, 0x0c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
            0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
        ];
        msg.extend_from_slice(&[
            0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
        ]);
        let (tx, mapped) = parse_binding_success(&msg).expect("a success response");
        assert_eq!(tx[..4], [0xb7, 0xe7, 0xa7, 0x01]);
        assert_eq!(mapped, Some("192.0.2.1:32853".parse().unwrap()));
    }

    #[test]
    fn sip_and_truncated_data_are_not_stun() {
        assert!(!is_stun(
            b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
        ));
        let req = binding_request([1; 12]);
        assert!(!is_stun(&req[..19]));
        assert!(
            parse_binding_success(&req).is_none(),
            "a request is not a success"
        );
        let mut bad = req;
        bad[1] = 0x01;
        bad[0] = 0x01;
        bad[3] = 8; // says 8 bytes of attributes, has none
        assert!(parse_binding_success(&bad).is_none());
    }
}

//! `sansip_config_*` for media capabilities (`Config::media`): with them
//! sansip answers SDP offers by itself (RFC 3264, first common codec) —
//! `sansip_endpoint_accept` without SDP, the offer in the 2xx to an
//! INVITE without one, a re-INVITE that adds a stream.
//!
//! The host describes one stream per media kind: its port, its codecs
//! (`sansip_config_add_codec`, in any order: the answer follows the
//! offerer's), its direction and rtcp-mux, and the address media is
//! received on (`sansip_config_set_media_address`).

use super::boundary::{choice, opt_text, text};
use super::config::with_config;
use super::handle::sansip_config;
use super::result::{sansip_result, Error};
use crate::endpoint::Config;
use crate::sdp::{Capabilities, Codec, Direction, MediaCapability};

/// The direction of a media stream (`sansip_config_set_media_direction`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sansip_media_direction {
    /// Send and receive (the default).
    Sendrecv = 0,
    /// Send only.
    Sendonly = 1,
    /// Receive only.
    Recvonly = 2,
    /// Neither.
    Inactive = 3,
}

/// The capabilities, created empty (no address yet) on first use.
fn caps(cfg: &mut Config) -> &mut Capabilities {
    cfg.media.get_or_insert_with(|| Capabilities {
        address: String::new(),
        media: Vec::new(),
    })
}

/// Sets the address media is received on (the `c=` line of sansip's
/// answers: an IPv4 or IPv6 address, or a host name). Needed once any
/// codec is added.
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_media_address(
    config: *mut sansip_config,
    address: *const u8,
    address_len: usize,
) -> sansip_result {
    let run = |cfg: &mut Config| {
        // SAFETY: the caller passes address valid for address_len bytes.
        let address = unsafe { text(address, address_len, "the media address")? };
        caps(cfg).address = address.to_owned();
        Ok(())
    };
    // SAFETY: the caller passes a live config (or NULL).
    unsafe { with_config(config, run) }
}

/// Adds a codec to the stream of media `kind` (`audio`, `video`,
/// `application`), received on `port`: `name` (`PCMU`, `opus`,
/// `telephone-event`, matched without case), its RTP `clock_rate`, its
/// audio `channels` (0: one), and the `a=fmtp` parameters sansip's answers
/// write (`(NULL, 0)`: echo the offer's). The first codec of a kind
/// creates its stream (sendrecv, no rtcp-mux); the port of the last call
/// for a kind wins.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the C signature
pub unsafe extern "C" fn sansip_config_add_codec(
    config: *mut sansip_config,
    kind: *const u8,
    kind_len: usize,
    port: u16,
    name: *const u8,
    name_len: usize,
    clock_rate: u32,
    channels: u16,
    fmtp: *const u8,
    fmtp_len: usize,
) -> sansip_result {
    let run = |cfg: &mut Config| {
        // SAFETY: the caller passes each buffer valid for its length.
        let kind = unsafe { text(kind, kind_len, "the media kind")? };
        // SAFETY: as above.
        let name = unsafe { text(name, name_len, "the codec name")? };
        // SAFETY: as above.
        let fmtp = unsafe { opt_text(fmtp, fmtp_len, "the format parameters")? };
        let mut codec = Codec::new(name, clock_rate);
        if channels != 0 {
            codec = codec.with_channels(channels);
        }
        codec.fmtp = fmtp;
        let caps = caps(cfg);
        match caps.media.iter_mut().find(|m| m.kind == kind) {
            Some(m) => {
                m.port = port;
                m.codecs.push(codec);
            }
            None => caps
                .media
                .push(MediaCapability::new(kind, port, vec![codec])),
        }
        Ok(())
    };
    // SAFETY: the caller passes a live config (or NULL).
    unsafe { with_config(config, run) }
}

/// Sets the direction (a `sansip_media_direction`) and rtcp-mux (RFC 5761)
/// of the stream of media `kind`; its codecs must have been added
/// (`SANSIP_RESULT_INVALID_ARGUMENT` otherwise).
#[no_mangle]
pub unsafe extern "C" fn sansip_config_set_media_direction(
    config: *mut sansip_config,
    kind: *const u8,
    kind_len: usize,
    direction: u32,
    rtcp_mux: bool,
) -> sansip_result {
    let run = |cfg: &mut Config| {
        // SAFETY: the caller passes kind valid for kind_len bytes.
        let kind = unsafe { text(kind, kind_len, "the media kind")? };
        let direction = choice(
            direction,
            [
                Direction::SendRecv,
                Direction::SendOnly,
                Direction::RecvOnly,
                Direction::Inactive,
            ],
            "sansip_media_direction",
        )?;
        let stream = caps(cfg)
            .media
            .iter_mut()
            .find(|m| m.kind == kind)
            .ok_or_else(|| {
                Error::new(
                    sansip_result::InvalidArgument,
                    format!("no {kind:?} codec was added (sansip_config_add_codec)"),
                )
            })?;
        stream.direction = direction;
        stream.rtcp_mux = rtcp_mux;
        Ok(())
    };
    // SAFETY: the caller passes a live config (or NULL).
    unsafe { with_config(config, run) }
}

/// Removes every media capability: answers come from the application
/// again (the default).
#[no_mangle]
pub unsafe extern "C" fn sansip_config_clear_media(config: *mut sansip_config) -> sansip_result {
    // SAFETY: the caller passes a live config (or NULL).
    unsafe {
        with_config(config, |cfg| {
            cfg.media = None;
            Ok(())
        })
    }
}

/// Checks the media text settings go into SDP lines unchanged.
pub(crate) fn check(cfg: &Config) -> Result<(), String> {
    let Some(media) = &cfg.media else {
        return Ok(());
    };
    if media.address.is_empty() {
        return Err(
            "media codecs were added but no address (sansip_config_set_media_address)".into(),
        );
    }
    let clean = |s: &str| !s.is_empty() && !s.bytes().any(|b| b.is_ascii_control() || b == b' ');
    if !clean(&media.address) {
        return Err(format!(
            "the media address {:?} cannot go into SDP",
            media.address
        ));
    }
    for m in &media.media {
        if !clean(&m.kind) {
            return Err(format!("the media kind {:?} cannot go into SDP", m.kind));
        }
        for c in &m.codecs {
            let fmtp_ok = c
                .fmtp
                .as_deref()
                .map_or(true, |f| !f.bytes().any(|b| b.is_ascii_control()));
            if !clean(&c.name) || c.name.contains('/') || !fmtp_ok {
                return Err(format!("the codec {:?} cannot go into SDP", c.name));
            }
        }
    }
    Ok(())
}

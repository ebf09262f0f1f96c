//! Building an answer from an offer and the local capabilities: the
//! external-media case, where the host's own RTP stack handles plain
//! RTP/AVP streams. (A full WebRTC engine such as str0m answers through
//! [`Negotiation::set_local_answer`](super::Negotiation::set_local_answer)
//! instead: ICE, DTLS and BUNDLE are its business.)

use super::attributes::{Direction, Fmtp, Rtpmap};
use super::error::SdpError;
use super::fields::{Connection, Origin};
use super::model::{Media, Sdp};

/// One codec the host can send and receive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Codec {
    /// The encoding name (`PCMU`, `opus`, `telephone-event`), matched
    /// without regard to case. For a stream that is not RTP, the format
    /// itself (`webrtc-datachannel`, `t38`).
    pub name: String,
    /// The RTP clock rate.
    pub clock_rate: u32,
    /// Audio channels; `None` is one.
    pub channels: Option<u16>,
    /// The `a=fmtp` parameters the answer writes; `None` echoes the
    /// offer's.
    pub fmtp: Option<String>,
}

impl Codec {
    /// A codec with one channel and the offer's format parameters.
    pub fn new(name: &str, clock_rate: u32) -> Self {
        Codec {
            name: name.to_owned(),
            clock_rate,
            channels: None,
            fmtp: None,
        }
    }

    /// With `channels` channels.
    pub fn with_channels(mut self, channels: u16) -> Self {
        self.channels = Some(channels);
        self
    }

    /// With these format parameters in the answer.
    pub fn with_fmtp(mut self, fmtp: &str) -> Self {
        self.fmtp = Some(fmtp.to_owned());
        self
    }

    fn matches(&self, name: &str, clock_rate: u32, channels: Option<u16>) -> bool {
        self.name.eq_ignore_ascii_case(name)
            && self.clock_rate == clock_rate
            && self.channels.unwrap_or(1) == channels.unwrap_or(1)
    }

    fn is_telephone_event(&self) -> bool {
        self.name.eq_ignore_ascii_case("telephone-event")
    }
}

/// What the host can do for one kind of media stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaCapability {
    /// The media type (`audio`, `video`, `application`).
    pub kind: String,
    /// The local port the host receives this stream on.
    pub port: u16,
    /// The codecs it supports, in any order: the answer follows the
    /// offerer's order.
    pub codecs: Vec<Codec>,
    /// Which way the host wants media to flow; the answer never allows
    /// more than this or than the offer.
    pub direction: Direction,
    /// Whether RTP and RTCP can share the port (RFC 5761).
    pub rtcp_mux: bool,
}

impl MediaCapability {
    /// A sendrecv capability without rtcp-mux.
    pub fn new(kind: &str, port: u16, codecs: Vec<Codec>) -> Self {
        MediaCapability {
            kind: kind.to_owned(),
            port,
            codecs,
            direction: Direction::SendRecv,
            rtcp_mux: false,
        }
    }
}

/// Everything [`Negotiation::create_answer`](super::Negotiation::create_answer)
/// needs to answer an offer.
///
/// Each capability answers at most one offered stream (the first of its
/// kind): a second audio stream is rejected, since it would need a port
/// of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    /// The address media is received on (`c=` of the answer).
    pub address: String,
    /// One entry per kind of stream.
    pub media: Vec<MediaCapability>,
}

impl Capabilities {
    /// An offer of every stream the host can do (RFC 3264 §5): per
    /// capability, an `m=` line on its port with `RTP/AVP`, its codecs in
    /// the host's order (static payload types where RFC 3551 assigns one,
    /// dynamic ones from 96 on), their `a=rtpmap` and `a=fmtp`, `a=rtcp-mux`
    /// when asked, and the direction. The origin is a placeholder that
    /// [`Negotiation`](super::Negotiation) stamps.
    ///
    /// ```
    /// use sansip::sdp::{Capabilities, Codec, MediaCapability};
    ///
    /// let caps = Capabilities {
    ///     address: "192.0.2.20".into(),
    ///     media: vec![MediaCapability::new("audio", 5000, vec![
    ///         Codec::new("opus", 48000).with_channels(2), Codec::new("PCMU", 8000),
    ///         Codec::new("telephone-event", 8000),
    ///     ])],
    /// };
    /// let offer = caps.offer()?;
    /// assert_eq!(offer.media()[0].formats().collect::<Vec<_>>(), ["96", "0", "97"]);
    /// assert!(String::from_utf8_lossy(&offer.to_bytes()).contains("a=rtpmap:96 opus/48000/2\r\n"));
    /// # Ok::<(), sansip::sdp::SdpError>(())
    /// ```
    pub fn offer(&self) -> Result<Sdp, SdpError> {
        let mut sdp = placeholder(&self.address)?;
        for cap in &self.media {
            let mut next_dynamic = 96u8;
            let mut chosen: Vec<(u8, &Codec)> = Vec::new();
            for c in &cap.codecs {
                let fixed = (0u8..35)
                    .find(|&pt| static_payload(pt).is_some_and(|(n, r, ch)| c.matches(n, r, ch)));
                let pt = match fixed {
                    Some(pt) => pt,
                    None if next_dynamic <= 127 => {
                        next_dynamic += 1;
                        next_dynamic - 1
                    }
                    None => continue,
                };
                chosen.push((pt, c));
            }
            let formats: Vec<String> = chosen.iter().map(|(pt, _)| pt.to_string()).collect();
            let refs: Vec<&str> = formats.iter().map(String::as_str).collect();
            let mut m = Media::new(&cap.kind, cap.port, "RTP/AVP", &refs)?;
            for (pt, c) in &chosen {
                m.push_attr(&Rtpmap {
                    payload_type: *pt,
                    encoding: &c.name,
                    clock_rate: c.clock_rate,
                    channels: c.channels,
                })?;
                if let Some(params) = &c.fmtp {
                    m.push_attr(&Fmtp {
                        format: &pt.to_string(),
                        params,
                    })?;
                }
            }
            if cap.rtcp_mux {
                m.push_attribute("rtcp-mux", None)?;
            }
            m.set_direction(cap.direction);
            sdp.push_media(m);
        }
        Ok(sdp)
    }
}

/// RTP payload types with a static meaning (RFC 3551), which an offer may
/// list without an `a=rtpmap`.
fn static_payload(pt: u8) -> Option<(&'static str, u32, Option<u16>)> {
    Some(match pt {
        0 => ("PCMU", 8000, None),
        3 => ("GSM", 8000, None),
        4 => ("G723", 8000, None),
        8 => ("PCMA", 8000, None),
        9 => ("G722", 8000, None),
        13 => ("CN", 8000, None),
        18 => ("G729", 8000, None),
        _ => return None,
    })
}

/// The codec an offered payload type stands for: its rtpmap, else the
/// static assignment.
fn offered_codec(m: &Media, pt: u8) -> Option<(&str, u32, Option<u16>)> {
    let mapped = m
        .attrs::<Rtpmap>()
        .flatten()
        .find(|r| r.payload_type == pt)
        .map(|r| (r.encoding, r.clock_rate, r.channels));
    mapped.or_else(|| static_payload(pt))
}

/// A description with no media yet: a placeholder origin (the
/// [`Negotiation`](super::Negotiation) stamps the real one) and `c=` for
/// `address`.
fn placeholder(address: &str) -> Result<Sdp, SdpError> {
    let origin = Origin {
        username: "-",
        session_id: "0",
        session_version: 0,
        net_type: "IN",
        addr_type: "IP4",
        address: "0.0.0.0",
    };
    let mut sdp = Sdp::new(&origin, "-")?;
    sdp.push_line('c', Connection::for_address(address).to_string())?;
    Ok(sdp)
}

/// The answer to `offer`, with a placeholder origin (the caller stamps
/// the real one).
pub(crate) fn answer(offer: &Sdp, caps: &Capabilities) -> Result<Sdp, SdpError> {
    let mut sdp = placeholder(&caps.address)?;
    let mut used = vec![false; caps.media.len()];
    for (i, om) in offer.media().iter().enumerate() {
        let offered_dir = offer.media_direction(i).unwrap_or(Direction::SendRecv);
        let cap = (!om.is_rejected())
            .then(|| {
                caps.media
                    .iter()
                    .enumerate()
                    .find(|(k, c)| !used[*k] && c.kind == om.kind())
            })
            .flatten();
        let answered = match cap {
            Some((k, cap)) => {
                let m = answer_media(om, offered_dir, cap)?;
                if m.is_some() {
                    used[k] = true;
                }
                m
            }
            None => None,
        };
        sdp.push_media(match answered {
            Some(m) => m,
            None => rejected(om)?,
        });
    }
    Ok(sdp)
}

/// A rejected stream: port 0, the offered formats (the grammar wants at
/// least one), nothing else but the mid, which BUNDLE needs to match it.
pub(super) fn rejected(om: &Media) -> Result<Media, SdpError> {
    let formats: Vec<&str> = om.formats().collect();
    let mut m = Media::new(om.kind(), 0, om.proto(), &formats)?;
    if let Some(mid) = om.mid() {
        m.push_attribute("mid", Some(mid))?;
    }
    Ok(m)
}

fn answer_media(
    om: &Media,
    offered: Direction,
    cap: &MediaCapability,
) -> Result<Option<Media>, SdpError> {
    let Ok(line) = om.media_line() else {
        return Ok(None);
    };
    let mut chosen: Vec<(String, Option<(u8, &Codec)>)> = Vec::new();
    if line.is_rtp() {
        // Pairs of (offered payload type, our codec) in the offerer's order.
        let common: Vec<(u8, &Codec)> = line
            .formats()
            .filter_map(|f| f.parse::<u8>().ok())
            .filter_map(|pt| {
                let (name, clock, ch) = offered_codec(om, pt)?;
                let c = cap.codecs.iter().find(|c| c.matches(name, clock, ch))?;
                Some((pt, c))
            })
            .collect();
        let Some(&(pt, main)) = common.iter().find(|(_, c)| !c.is_telephone_event()) else {
            return Ok(None);
        };
        chosen.push((pt.to_string(), Some((pt, main))));
        // DTMF rides along with the voice codec at its clock rate.
        let dtmf = common
            .iter()
            .find(|(_, c)| c.is_telephone_event() && c.clock_rate == main.clock_rate);
        if let Some(&(pt, c)) = dtmf {
            chosen.push((pt.to_string(), Some((pt, c))));
        }
    } else {
        let Some(f) = line
            .formats()
            .find(|f| cap.codecs.iter().any(|c| c.name.eq_ignore_ascii_case(f)))
        else {
            return Ok(None);
        };
        chosen.push((f.to_owned(), None));
    }
    let formats: Vec<&str> = chosen.iter().map(|(f, _)| f.as_str()).collect();
    let mut m = Media::new(&cap.kind, cap.port, line.proto, &formats)?;
    if let Some(mid) = om.mid() {
        m.push_attribute("mid", Some(mid))?;
    }
    for (_, c) in &chosen {
        let Some((pt, codec)) = *c else { continue };
        let (encoding, clock_rate, channels) = offered_codec(om, pt).unwrap_or((
            codec.name.as_str(),
            codec.clock_rate,
            codec.channels,
        ));
        m.push_attr(&Rtpmap {
            payload_type: pt,
            encoding,
            clock_rate,
            channels,
        })?;
        let pt_text = pt.to_string();
        let offered_fmtp = om
            .attrs::<Fmtp>()
            .flatten()
            .find(|f| f.format == pt_text)
            .map(|f| f.params);
        if let Some(params) = codec.fmtp.as_deref().or(offered_fmtp) {
            m.push_attr(&Fmtp {
                format: &pt_text,
                params,
            })?;
        }
    }
    if cap.rtcp_mux && om.has_attribute("rtcp-mux") {
        m.push_attribute("rtcp-mux", None)?;
    }
    // RFC 3264 §6.1: what the offerer sends we may receive, and the other
    // way round, each only if the host wants it.
    let dir = Direction::from_flags(
        offered.receives() && cap.direction.sends(),
        offered.sends() && cap.direction.receives(),
    );
    m.set_direction(dir);
    Ok(Some(m))
}

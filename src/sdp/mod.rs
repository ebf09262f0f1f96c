//! SDP (RFC 8866): a zero-copy model, parser and serializer, and RFC 3264
//! offer/answer bookkeeping.
//!
//! - [`Sdp::parse`] reads a body into lines that are slices of the
//!   received [`Bytes`](bytes::Bytes); [`Sdp::to_bytes`] gives the same
//!   bytes back until something changes.
//! - Typed views are parsed on demand: [`Origin`], [`Connection`],
//!   [`MediaLine`], [`Bandwidth`], [`Timing`], and the attributes
//!   ([`SdpAttribute`]: [`Rtpmap`], [`Fmtp`], [`Mid`], [`Group`],
//!   [`IceUfrag`], [`IcePwd`], [`IceOptions`], [`Candidate`],
//!   [`Fingerprint`], [`Setup`], [`Rtcp`], [`RtcpFb`], [`Ssrc`],
//!   [`Extmap`], [`SctpPort`], [`MaxMessageSize`], [`Crypto`]; the
//!   [`Direction`] flags; flags such as `rtcp-mux` through
//!   [`Media::has_attribute`]).
//! - [`Sdp::new`], [`Media::new`] and the `push_*`/`set_*` methods build
//!   descriptions that follow the grammar (lines in RFC 8866 order, CRLF
//!   ends, no line breaks inside values).
//! - [`SdpLimits`] bounds size, lines, media sections and attributes.
//! - [`Negotiation`] tracks one session's offers and answers (RFC 3264,
//!   RFC 6337): glare, rollback, hold and resume, `o=` versions, and the
//!   offer that comes in a 2xx when the INVITE had none.
//!
//! ```
//! use bytes::Bytes;
//! use sansip::sdp::{Candidate, Fingerprint, Group, Sdp, Setup};
//!
//! let sdp = Sdp::parse(Bytes::from_static(b"v=0\no=- 5 2 IN IP4 127.0.0.1\ns=-\nt=0 0\n\
//!     a=group:BUNDLE 0\nm=audio 9 UDP/TLS/RTP/SAVPF 111\nc=IN IP4 0.0.0.0\na=mid:0\n\
//!     a=setup:actpass\na=fingerprint:sha-256 0A:FF\n\
//!     a=candidate:1 1 udp 2122260223 192.0.2.7 50000 typ host\n"))?;
//! assert!(sdp.attr::<Group>().unwrap()?.is_bundle());
//! let audio = &sdp.media()[0];
//! assert_eq!(audio.mid(), Some("0"));
//! assert_eq!(audio.attr::<Setup>().unwrap()?, Setup::ActPass);
//! assert_eq!(audio.attr::<Fingerprint>().unwrap()?.bytes(), Some(vec![0x0a, 0xff]));
//! assert_eq!(audio.attrs::<Candidate>().count(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod answer;
mod attributes;
mod candidate;
mod error;
mod fields;
mod model;
mod negotiation;
mod parse;
mod write;

pub use answer::{Capabilities, Codec, MediaCapability};
pub use attributes::{
    Attribute, Crypto, CryptoKey, Direction, Extmap, Fingerprint, Fmtp, Group, IceOptions, IcePwd,
    IceUfrag, MaxMessageSize, Mid, Rtcp, RtcpFb, Rtpmap, SctpPort, SdpAttribute, Setup, Ssrc,
};
pub use candidate::{Candidate, CandidateType};
pub use error::{FieldError, SdpError};
pub use fields::{Bandwidth, Connection, MediaLine, Origin, Timing};
pub use model::{Line, Media, Sdp};
pub use negotiation::{Negotiation, NegotiationError, NegotiationState, Party, Received};
pub use parse::SdpLimits;

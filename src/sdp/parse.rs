//! The parser: one pass over the buffer, splitting lines and checking the
//! few lines everything else depends on (`v=`, `o=`, `c=`, `m=`).
//! Attributes are checked only when read, so one odd attribute does not
//! make a whole call fail.

use bytes::Bytes;
use memchr::memchr;

use super::error::SdpError;
use super::fields::{Connection, MediaLine, Origin};
use super::model::{Line, Media, Sdp};

/// Limits the parser enforces so that no input can make it use unbounded
/// memory or time.
///
/// The defaults leave a wide margin over real offers: a browser's offer
/// with audio, video, a data channel and a dozen candidates is about 6 KB
/// and 150 lines.
///
/// ```
/// use bytes::Bytes;
/// use sansip::sdp::{Sdp, SdpError, SdpLimits};
/// let strict = SdpLimits { max_media: 1, ..SdpLimits::default() };
/// let two = Bytes::from_static(b"v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=0 0\r\n\
///     m=audio 1 RTP/AVP 0\r\nm=video 2 RTP/AVP 96\r\n");
/// assert_eq!(Sdp::parse_with_limits(two, &strict), Err(SdpError::TooManyMedia { line: 6, limit: 1 }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdpLimits {
    /// Largest description, in bytes.
    pub max_size: usize,
    /// Most lines.
    pub max_lines: usize,
    /// Longest line (type, `=` and value), in bytes.
    pub max_line_length: usize,
    /// Most media sections.
    pub max_media: usize,
    /// Most attributes in one section (session or media).
    pub max_attributes: usize,
}

impl Default for SdpLimits {
    fn default() -> Self {
        SdpLimits {
            max_size: 60 * 1024,
            max_lines: 2048,
            max_line_length: 4096,
            max_media: 64,
            max_attributes: 512,
        }
    }
}

/// Parses `buf` (CRLF or bare LF line ends) within `limits`.
pub(crate) fn parse(buf: Bytes, limits: &SdpLimits) -> Result<Sdp, SdpError> {
    if buf.len() > limits.max_size {
        return Err(SdpError::TooLarge {
            size: buf.len(),
            limit: limits.max_size,
        });
    }
    let mut session: Vec<Line> = Vec::new();
    let mut media: Vec<Media> = Vec::new();
    let mut current: Vec<Line> = Vec::new();
    let mut attributes = 0usize;
    let mut pos = 0usize;
    let mut number = 0usize;
    // Blank lines are tolerated only at the very end (a body with an extra
    // CRLF); anywhere else they would be lost on re-serialization.
    let mut blank_at: Option<usize> = None;
    while pos < buf.len() {
        number += 1;
        let (end, next) = match memchr(b'\n', &buf[pos..]) {
            Some(n) => (pos + n, pos + n + 1),
            None => (buf.len(), buf.len()),
        };
        let end = if end > pos && buf[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        let line = &buf[pos..end];
        let start = pos;
        pos = next;
        if line.is_empty() {
            blank_at.get_or_insert(number);
            continue;
        }
        if let Some(b) = blank_at {
            return Err(SdpError::Syntax {
                line: b,
                expected: "a <type>=<value> line, not a blank line",
            });
        }
        if number > limits.max_lines {
            return Err(SdpError::TooManyLines {
                line: number,
                limit: limits.max_lines,
            });
        }
        if line.len() > limits.max_line_length {
            return Err(SdpError::LineTooLong {
                line: number,
                limit: limits.max_line_length,
            });
        }
        let syntax = |expected| SdpError::Syntax {
            line: number,
            expected,
        };
        if line.len() < 2 || !line[0].is_ascii_alphabetic() || line[1] != b'=' {
            return Err(syntax("<letter>=<value>"));
        }
        if line[2..].iter().any(|&b| b == 0 || b == b'\r') {
            return Err(syntax("a value without NUL or CR"));
        }
        let kind = line[0];
        let value = buf.slice(start + 2..end);
        let text = std::str::from_utf8(&value);
        if number == 1 {
            if kind != b'v' || &value[..] != b"0" {
                return Err(syntax("v=0 as the first line"));
            }
        } else if kind == b'v' {
            return Err(syntax("v= only as the first line"));
        }
        match kind {
            b'm' => {
                if !text.is_ok_and(|t| MediaLine::parse(t).is_ok()) {
                    return Err(syntax("m=<media> <port> <proto> <fmt> ..."));
                }
                if media.len() + usize::from(!current.is_empty()) >= limits.max_media {
                    return Err(SdpError::TooManyMedia {
                        line: number,
                        limit: limits.max_media,
                    });
                }
                // The first m= ends the session section; each later one
                // ends the media section before it.
                if !current.is_empty() {
                    media.push(Media::from_lines(std::mem::take(&mut current)));
                }
                attributes = 0;
                current.push(Line::parsed(kind, value, number));
                continue;
            }
            b'o' if media.is_empty() && current.is_empty() => {
                if !text.is_ok_and(|t| Origin::parse(t).is_ok()) {
                    return Err(syntax(
                        "o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address>",
                    ));
                }
                if session.iter().any(|l| l.kind() == 'o') {
                    return Err(syntax("one o= line"));
                }
            }
            b'c' if !text.is_ok_and(|t| Connection::parse(t).is_ok()) => {
                return Err(syntax("c=<nettype> <addrtype> <address>"));
            }
            b'a' => {
                attributes += 1;
                if attributes > limits.max_attributes {
                    return Err(SdpError::TooManyAttributes {
                        line: number,
                        limit: limits.max_attributes,
                    });
                }
            }
            _ => {}
        }
        let line = Line::parsed(kind, value, number);
        if current.is_empty() {
            session.push(line);
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        media.push(Media::from_lines(current));
    }
    if session.is_empty() {
        return Err(SdpError::Syntax {
            line: 1,
            expected: "v=0 as the first line",
        });
    }
    for (kind, field) in [('o', "o="), ('s', "s=")] {
        if !session.iter().any(|l| l.kind() == kind) {
            return Err(SdpError::Missing { field });
        }
    }
    Ok(Sdp {
        raw: Some(buf),
        session,
        media,
    })
}

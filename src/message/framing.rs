//! Stream framing for TCP, TLS and WebSocket-over-stream transports: cutting
//! complete messages and RFC 5626 §4.4.1 keep-alives out of a byte stream.

use bytes::{Bytes, BytesMut};
use memchr::memmem;

use super::message::body_span_for_stream;
use super::scan::{scan_head, Fields, Head};
use super::{Limits, Message, ParseError};

/// What the start of a stream buffer holds, in the manner of httparse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    /// Not enough bytes yet to tell.
    Partial,
    /// A complete message fills the first `n` bytes.
    Complete(usize),
    /// A keep-alive ping (CRLF CRLF, 4 bytes): answer with a pong.
    Ping,
    /// A keep-alive pong (a single CRLF, 2 bytes).
    Pong,
}

impl Frame {
    /// How many bytes this frame takes from the front of the buffer (0 for
    /// `Partial`).
    pub fn len(&self) -> usize {
        match *self {
            Frame::Partial => 0,
            Frame::Complete(n) => n,
            Frame::Ping => 4,
            Frame::Pong => 2,
        }
    }

    /// Whether nothing can be taken yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Looks at the front of a stream buffer: a keep-alive, a complete message,
/// or not enough bytes yet.
///
/// A CRLF followed by anything but CR is a pong; CRLF CRLF is a ping. A
/// ping split between two reads right after its first CRLF reads as two
/// pongs; TCP practically never splits a 4-byte write that way.
///
/// ```
/// use sansip::message::{frame, Frame, Limits};
/// let l = Limits::default();
/// assert_eq!(frame(b"\r\n\r\n", &l), Ok(Frame::Ping));
/// assert_eq!(frame(b"\r\n", &l), Ok(Frame::Pong));
/// let msg = b"OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 2\r\n\r\nhi";
/// assert_eq!(frame(&msg[..30], &l), Ok(Frame::Partial));
/// assert_eq!(frame(msg, &l), Ok(Frame::Complete(msg.len())));
/// ```
pub fn frame(buf: &[u8], limits: &Limits) -> Result<Frame, ParseError> {
    Ok(frame_head(buf, limits, &mut Fields::new())?.0)
}

fn frame_head(
    buf: &[u8],
    limits: &Limits,
    fields: &mut Fields,
) -> Result<(Frame, Option<Head>), ParseError> {
    match buf {
        [] | [b'\r'] | [b'\r', b'\n', b'\r'] => return Ok((Frame::Partial, None)),
        [b'\r', b'\n', b'\r', b'\n', ..] => return Ok((Frame::Ping, None)),
        [b'\r', b'\n', ..] => return Ok((Frame::Pong, None)),
        _ => {}
    }
    let head_end = match memmem::find(buf, b"\r\n\r\n") {
        Some(k) => k + 4,
        None => {
            if buf.len() > limits.max_message_size {
                return Err(ParseError::MessageTooLarge {
                    size: buf.len(),
                    limit: limits.max_message_size,
                });
            }
            return Ok((Frame::Partial, None));
        }
    };
    if head_end > limits.max_message_size {
        return Err(ParseError::MessageTooLarge {
            size: head_end,
            limit: limits.max_message_size,
        });
    }
    let Some(head) = scan_head(&buf[..head_end], limits, fields)? else {
        return Err(ParseError::Syntax {
            what: "header section",
            offset: head_end,
            expected: "a blank line after the header fields",
        });
    };
    let Some(declared) = head.content_length else {
        return Err(ParseError::MissingContentLength { offset: 0 });
    };
    if declared > limits.max_body_size {
        return Err(ParseError::BodyTooLarge {
            declared,
            limit: limits.max_body_size,
        });
    }
    let total = head.body_start + declared;
    if total > limits.max_message_size {
        return Err(ParseError::MessageTooLarge {
            size: total,
            limit: limits.max_message_size,
        });
    }
    if buf.len() < total {
        return Ok((Frame::Partial, Some(head)));
    }
    Ok((Frame::Complete(total), Some(head)))
}

/// One item cut from a stream.
// A message keeps its header spans inline (no allocation per message);
// boxing it here would add one, and items are consumed as soon as they are
// returned.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum StreamItem {
    /// A complete message.
    Message(Message),
    /// A keep-alive ping (double CRLF): the receiver answers with a pong.
    Ping,
    /// A keep-alive pong (single CRLF).
    Pong,
}

/// Buffers the bytes of one stream connection and yields complete messages
/// and keep-alives. Feed it chunks of any size with [`StreamFramer::push`],
/// then call [`StreamFramer::next_item`] until it returns `Ok(None)`.
///
/// After an error the stream's framing is lost: close the connection.
///
/// RFC 5626 §4.4.1: the side that opened a flow sends pings and receives
/// pongs; the side that accepted it receives pings. [`StreamFramer::new`]
/// is for a flow this side opened: a lone CRLF is a pong at once.
/// [`StreamFramer::for_accepted_flow`] waits, after a CRLF, for the byte
/// that tells a ping from a stray CRLF, so a ping split across reads is
/// still one ping.
///
/// ```
/// use sansip::message::{Limits, StreamFramer, StreamItem};
/// let mut f = StreamFramer::new(Limits::default());
/// f.push(b"\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\nContent-Len");
/// assert!(matches!(f.next_item(), Ok(Some(StreamItem::Ping))));
/// assert!(matches!(f.next_item(), Ok(None)));
/// f.push(b"gth: 0\r\n\r\n");
/// assert!(matches!(f.next_item(), Ok(Some(StreamItem::Message(_)))));
/// ```
#[derive(Debug)]
pub struct StreamFramer {
    buf: BytesMut,
    limits: Limits,
    /// Length the buffer must reach before trying again (a known message
    /// length, or one past the bytes already searched for the blank line).
    wait_for: usize,
    /// How far the search for the blank line got, so that bytes fed one at
    /// a time are not searched again and again.
    searched: usize,
    /// This side accepted the flow, so a CRLF may be the start of a ping.
    expects_pings: bool,
}

impl StreamFramer {
    /// A framer for a flow this side opened (it receives pongs).
    pub fn new(limits: Limits) -> Self {
        StreamFramer {
            buf: BytesMut::new(),
            limits,
            wait_for: 0,
            searched: 0,
            expects_pings: false,
        }
    }

    /// A framer for a flow this side accepted (it receives pings).
    pub fn for_accepted_flow(limits: Limits) -> Self {
        StreamFramer {
            expects_pings: true,
            ..StreamFramer::new(limits)
        }
    }

    /// Appends received bytes.
    pub fn push(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// Bytes buffered and not yet returned.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The next complete item, `Ok(None)` if more bytes are needed.
    pub fn next_item(&mut self) -> Result<Option<StreamItem>, ParseError> {
        if self.buf.is_empty() || self.buf.len() < self.wait_for {
            return Ok(None);
        }
        if self.expects_pings && &self.buf[..] == b"\r\n" {
            return Ok(None);
        }
        if !self.buf.starts_with(b"\r") && self.wait_for == 0 {
            let from = self.searched.saturating_sub(3);
            if memmem::find(&self.buf[from..], b"\r\n\r\n").is_none() {
                self.searched = self.buf.len();
                if self.buf.len() > self.limits.max_message_size {
                    return Err(ParseError::MessageTooLarge {
                        size: self.buf.len(),
                        limit: self.limits.max_message_size,
                    });
                }
                return Ok(None);
            }
        }
        let mut fields = Fields::new();
        let (frame, head) = frame_head(&self.buf, &self.limits, &mut fields)?;
        match frame {
            Frame::Partial => {
                // Nothing changes until more bytes arrive; with a known
                // head, nothing changes until the whole body is here.
                if let Some(h) = head {
                    self.wait_for = h.body_start + h.content_length.unwrap_or(0);
                }
                Ok(None)
            }
            Frame::Ping | Frame::Pong => {
                let _ = self.buf.split_to(frame.len());
                self.wait_for = 0;
                self.searched = 0;
                Ok(Some(if frame == Frame::Ping {
                    StreamItem::Ping
                } else {
                    StreamItem::Pong
                }))
            }
            Frame::Complete(n) => {
                self.wait_for = 0;
                self.searched = 0;
                let bytes: Bytes = self.buf.split_to(n).freeze();
                let Some(head) = head else {
                    return Err(ParseError::Incomplete {
                        len: n,
                        what: "header section",
                    });
                };
                let body = body_span_for_stream(&head, bytes.len(), &self.limits)?;
                Ok(Some(StreamItem::Message(Message::from_head(
                    bytes, head, fields, body,
                ))))
            }
        }
    }
}

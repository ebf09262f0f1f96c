//! Errors of the message layer.
//!
//! Two levels: [`ParseError`] says why a whole message (its framing, start
//! line or a limit) was refused; [`HeaderError`] says why one typed header
//! value could not be read. Both carry the byte offset in the message and what
//! the parser expected there, so a log line or a 400 reason phrase can point
//! at the fault.

use thiserror::Error;

/// Why a message could not be parsed or framed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The message (or the part received so far, on a stream) is larger than
    /// [`Limits::max_message_size`](super::Limits::max_message_size).
    #[error("message of {size} bytes is over the limit of {limit} bytes")]
    MessageTooLarge {
        /// Size seen so far.
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// More header fields than [`Limits::max_headers`](super::Limits::max_headers).
    #[error("more than {limit} header fields (at byte {offset})")]
    TooManyHeaders {
        /// Where the first field over the limit starts.
        offset: usize,
        /// The configured limit.
        limit: usize,
    },
    /// A start line or header line (with its continuation lines) is longer
    /// than [`Limits::max_line_length`](super::Limits::max_line_length).
    #[error("line at byte {offset} is over the limit of {limit} bytes")]
    LineTooLong {
        /// Where the line starts.
        offset: usize,
        /// The configured limit.
        limit: usize,
    },
    /// More values of one header than its limit (Via, Route, Record-Route).
    #[error("more than {limit} {header} values (at byte {offset})")]
    TooManyValues {
        /// Canonical header name.
        header: &'static str,
        /// Where the field over the limit starts.
        offset: usize,
        /// The configured limit.
        limit: usize,
    },
    /// Content-Length is larger than [`Limits::max_body_size`](super::Limits::max_body_size).
    #[error("Content-Length {declared} is over the body limit of {limit} bytes")]
    BodyTooLarge {
        /// The declared Content-Length.
        declared: usize,
        /// The configured limit.
        limit: usize,
    },
    /// A datagram ended before the body length that Content-Length declares
    /// (RFC 3261 §18.3: the message must be discarded or answered 400).
    #[error("Content-Length {declared} but only {available} body bytes follow the headers")]
    BodyTruncated {
        /// The declared Content-Length.
        declared: usize,
        /// Bytes present after the blank line.
        available: usize,
    },
    /// A stream message has no Content-Length (RFC 3261 §18.3 requires it on
    /// stream transports).
    #[error("message at byte {offset} has no Content-Length, which a stream transport requires")]
    MissingContentLength {
        /// Where the message starts in the stream buffer.
        offset: usize,
    },
    /// Two Content-Length fields disagree, or one is not a number.
    #[error("invalid Content-Length at byte {offset}: {reason}")]
    InvalidContentLength {
        /// Where the value starts.
        offset: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The bytes do not follow the SIP grammar at `offset`.
    #[error("invalid {what} at byte {offset}: expected {expected}")]
    Syntax {
        /// The element being parsed ("Request-Line", "header name", ...).
        what: &'static str,
        /// Byte offset in the buffer where parsing failed.
        offset: usize,
        /// What the grammar expected there.
        expected: &'static str,
    },
    /// The buffer ends before the message does (only from APIs that parse a
    /// complete message; stream framing reports this as `Partial` instead).
    #[error("message incomplete: input ends at byte {len} before the end of the {what}")]
    Incomplete {
        /// Length of the input.
        len: usize,
        /// What was still missing ("header section", "body").
        what: &'static str,
    },
}

impl ParseError {
    /// The byte offset the error points at, where it has one.
    pub fn offset(&self) -> Option<usize> {
        match *self {
            ParseError::TooManyHeaders { offset, .. }
            | ParseError::LineTooLong { offset, .. }
            | ParseError::TooManyValues { offset, .. }
            | ParseError::MissingContentLength { offset }
            | ParseError::InvalidContentLength { offset, .. }
            | ParseError::Syntax { offset, .. } => Some(offset),
            ParseError::Incomplete { len, .. } => Some(len),
            ParseError::MessageTooLarge { .. }
            | ParseError::BodyTooLarge { .. }
            | ParseError::BodyTruncated { .. } => None,
        }
    }
}

/// Why a typed header could not be read from a parsed message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum HeaderError {
    /// The message has no field of this header.
    #[error("missing {header} header")]
    Missing {
        /// Canonical header name.
        header: &'static str,
    },
    /// The value does not follow the header's grammar.
    #[error("invalid {header} value at byte {offset}: expected {expected}")]
    Invalid {
        /// Canonical header name.
        header: &'static str,
        /// Byte offset in the message (for a value built in memory: in the value).
        offset: usize,
        /// What the grammar expected there.
        expected: &'static str,
    },
}

/// A grammar error inside one header value: the offset is relative to the
/// value's first byte. [`Message`](super::Message) turns it into a
/// [`HeaderError`] with an absolute offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("expected {expected} at byte {offset} of the value")]
pub struct ValueError {
    /// Offset from the start of the value.
    pub offset: usize,
    /// What the grammar expected there.
    pub expected: &'static str,
}

impl ValueError {
    /// A new error at `offset` of a value.
    pub const fn new(offset: usize, expected: &'static str) -> Self {
        ValueError { offset, expected }
    }

    pub(crate) fn into_header_error(self, header: &'static str, base: usize) -> HeaderError {
        HeaderError::Invalid {
            header,
            offset: base + self.offset,
            expected: self.expected,
        }
    }
}

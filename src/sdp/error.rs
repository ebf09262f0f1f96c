//! Errors of the SDP layer.
//!
//! [`SdpError`] says why a whole description was refused (a limit, a line
//! that is not `<type>=<value>`, a missing mandatory line), with the 1-based
//! line number so that a log line or a 488 reason can point at the fault.
//! [`FieldError`] says why one typed view (an `o=` line, an attribute) could
//! not be read from a parsed description.

use thiserror::Error;

use crate::message::ValueError;

/// Why a session description could not be parsed or built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SdpError {
    /// The description is larger than [`SdpLimits::max_size`](super::SdpLimits::max_size).
    #[error("SDP of {size} bytes is over the limit of {limit} bytes")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// More lines than [`SdpLimits::max_lines`](super::SdpLimits::max_lines).
    #[error("more than {limit} lines (line {line})")]
    TooManyLines {
        /// The first line over the limit.
        line: usize,
        /// The configured limit.
        limit: usize,
    },
    /// A line longer than [`SdpLimits::max_line_length`](super::SdpLimits::max_line_length).
    #[error("line {line} is over the limit of {limit} bytes")]
    LineTooLong {
        /// The line.
        line: usize,
        /// The configured limit.
        limit: usize,
    },
    /// More media sections than [`SdpLimits::max_media`](super::SdpLimits::max_media).
    #[error("more than {limit} media sections (line {line})")]
    TooManyMedia {
        /// The `m=` line over the limit.
        line: usize,
        /// The configured limit.
        limit: usize,
    },
    /// More attributes in one section than
    /// [`SdpLimits::max_attributes`](super::SdpLimits::max_attributes).
    #[error("more than {limit} attributes in one section (line {line})")]
    TooManyAttributes {
        /// The `a=` line over the limit.
        line: usize,
        /// The configured limit.
        limit: usize,
    },
    /// A line does not follow the SDP grammar.
    #[error("invalid SDP at line {line}: expected {expected}")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// What the grammar expected there.
        expected: &'static str,
    },
    /// A mandatory session-level line is missing.
    #[error("SDP has no {field} line")]
    Missing {
        /// The line type, such as `"o="`.
        field: &'static str,
    },
    /// A line given to a builder or setter is not valid (a value with a
    /// line break, an `m=` value that does not parse, ...).
    #[error("invalid {kind}= value: expected {expected}")]
    InvalidValue {
        /// The line type.
        kind: char,
        /// What was expected.
        expected: &'static str,
    },
}

impl SdpError {
    /// The 1-based line number the error points at, where it has one.
    pub fn line(&self) -> Option<usize> {
        match *self {
            SdpError::TooManyLines { line, .. }
            | SdpError::LineTooLong { line, .. }
            | SdpError::TooManyMedia { line, .. }
            | SdpError::TooManyAttributes { line, .. }
            | SdpError::Syntax { line, .. } => Some(line),
            SdpError::TooLarge { .. }
            | SdpError::Missing { .. }
            | SdpError::InvalidValue { .. } => None,
        }
    }
}

/// Why a typed view of one line could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("invalid {field} at line {}, byte {offset} of the value: expected {expected}", line.map_or_else(|| "?".to_owned(), |l| l.to_string()))]
pub struct FieldError {
    /// The 1-based line number, for a line that was parsed (not built).
    pub line: Option<usize>,
    /// What was being read (`"o="`, `"a=rtpmap"`, ...).
    pub field: &'static str,
    /// Offset in the line's value.
    pub offset: usize,
    /// What the grammar expected there.
    pub expected: &'static str,
}

impl FieldError {
    pub(crate) fn from_value(e: ValueError, field: &'static str, line: Option<usize>) -> Self {
        FieldError {
            line,
            field,
            offset: e.offset,
            expected: e.expected,
        }
    }
}

//! `sansip_result`: what every fallible function returns.

use std::ffi::c_char;

use crate::endpoint::CommandError;

/// The outcome of a call. `SANSIP_RESULT_OK` (0) is success; every other
/// value is an error, named by `sansip_result_str` and detailed (for calls
/// on an endpoint) by `sansip_last_error_message`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sansip_result {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL (or a NULL buffer with a
    /// non-zero length).
    NullArgument = 1,
    /// An integer argument is out of range (an unknown transport or address
    /// family) or a length is too large.
    InvalidArgument = 2,
    /// A text argument is not UTF-8.
    BadUtf8 = 3,
    /// The configuration was refused (`sansip_endpoint_new`).
    BadConfig = 4,
    /// A URI argument is not a usable `sip:` or `sips:` URI.
    BadUri = 5,
    /// A text argument (content type, header value) cannot go into a message.
    BadText = 6,
    /// A configured limit is reached.
    Limit = 7,
    /// No such registration.
    NoSuchRegistration = 8,
    /// No such call (it ended, or is not of the right kind).
    NoSuchSession = 9,
    /// The command does not fit where the call stands.
    WrongState = 10,
    /// The command could not start for another reason (see
    /// `sansip_last_error_message`).
    CommandFailed = 11,
    /// The endpoint's current output is not an event (event accessors).
    NoEvent = 12,
    /// The current event has no such field (event accessors), or the field
    /// is absent in this event (a failure without a status).
    NoValue = 13,
    /// The call panicked (a bug in sansip): the handle (endpoint or
    /// config) is now poisoned.
    Panic = 14,
    /// An earlier call on this handle panicked: every later call but
    /// `_free`, `sansip_last_error_message` and
    /// `sansip_config_last_error_message` returns this.
    Poisoned = 15,
    /// An SDP given to a call command does not fit the offer/answer
    /// exchange (unreadable, a second offer, an answer that does not match
    /// the offer); the detail is in `sansip_last_error_message`.
    BadSdp = 16,
    /// The handle was freed (or is not a handle of this type): the call
    /// did nothing (see `sansip_endpoint_free`).
    StaleHandle = 17,
}

impl sansip_result {
    /// The constant's name, NUL-terminated.
    fn name(self) -> &'static str {
        match self {
            sansip_result::Ok => "SANSIP_RESULT_OK\0",
            sansip_result::NullArgument => "SANSIP_RESULT_NULL_ARGUMENT\0",
            sansip_result::InvalidArgument => "SANSIP_RESULT_INVALID_ARGUMENT\0",
            sansip_result::BadUtf8 => "SANSIP_RESULT_BAD_UTF8\0",
            sansip_result::BadConfig => "SANSIP_RESULT_BAD_CONFIG\0",
            sansip_result::BadUri => "SANSIP_RESULT_BAD_URI\0",
            sansip_result::BadText => "SANSIP_RESULT_BAD_TEXT\0",
            sansip_result::Limit => "SANSIP_RESULT_LIMIT\0",
            sansip_result::NoSuchRegistration => "SANSIP_RESULT_NO_SUCH_REGISTRATION\0",
            sansip_result::NoSuchSession => "SANSIP_RESULT_NO_SUCH_SESSION\0",
            sansip_result::WrongState => "SANSIP_RESULT_WRONG_STATE\0",
            sansip_result::CommandFailed => "SANSIP_RESULT_COMMAND_FAILED\0",
            sansip_result::NoEvent => "SANSIP_RESULT_NO_EVENT\0",
            sansip_result::NoValue => "SANSIP_RESULT_NO_VALUE\0",
            sansip_result::Panic => "SANSIP_RESULT_PANIC\0",
            sansip_result::Poisoned => "SANSIP_RESULT_POISONED\0",
            sansip_result::BadSdp => "SANSIP_RESULT_BAD_SDP\0",
            sansip_result::StaleHandle => "SANSIP_RESULT_STALE_HANDLE\0",
        }
    }
}

/// The name of a result value (`"SANSIP_RESULT_OK"`, ...), a static
/// NUL-terminated string; `"SANSIP_RESULT_UNKNOWN"` for a value that is not
/// a `sansip_result`. Takes the integer so that any value is safe to pass.
#[no_mangle]
pub extern "C" fn sansip_result_str(result: u32) -> *const c_char {
    let name = ALL
        .iter()
        .find(|r| **r as u32 == result)
        .map_or("SANSIP_RESULT_UNKNOWN\0", |r| r.name());
    name.as_ptr().cast()
}

/// Every value, for `sansip_result_str`.
const ALL: [sansip_result; 18] = [
    sansip_result::Ok,
    sansip_result::NullArgument,
    sansip_result::InvalidArgument,
    sansip_result::BadUtf8,
    sansip_result::BadConfig,
    sansip_result::BadUri,
    sansip_result::BadText,
    sansip_result::Limit,
    sansip_result::NoSuchRegistration,
    sansip_result::NoSuchSession,
    sansip_result::WrongState,
    sansip_result::CommandFailed,
    sansip_result::NoEvent,
    sansip_result::NoValue,
    sansip_result::Panic,
    sansip_result::Poisoned,
    sansip_result::BadSdp,
    sansip_result::StaleHandle,
];

/// An error inside the FFI layer: the result to return and the detail
/// text kept for `sansip_last_error_message`.
#[derive(Debug)]
pub(crate) struct Error {
    pub(crate) result: sansip_result,
    pub(crate) message: String,
}

impl Error {
    pub(crate) fn new(result: sansip_result, message: impl Into<String>) -> Error {
        Error {
            result,
            message: message.into(),
        }
    }

    pub(crate) fn null(what: &str) -> Error {
        Error::new(sansip_result::NullArgument, format!("{what} is NULL"))
    }
}

impl From<CommandError> for Error {
    fn from(e: CommandError) -> Error {
        let result = match e {
            CommandError::BadUri { .. } => sansip_result::BadUri,
            CommandError::BadText { .. } => sansip_result::BadText,
            CommandError::Limit { .. } => sansip_result::Limit,
            CommandError::NoSuchRegistration(_) => sansip_result::NoSuchRegistration,
            CommandError::NoSuchSession(_) => sansip_result::NoSuchSession,
            CommandError::WrongState { .. } => sansip_result::WrongState,
            CommandError::Sdp { .. } => sansip_result::BadSdp,
        };
        Error::new(result, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_result_has_its_own_name() {
        for (i, r) in ALL.iter().enumerate() {
            assert_eq!(*r as usize, i, "values are dense from 0");
            let expected = format!("SANSIP_RESULT_{}", to_screaming(&format!("{r:?}")));
            assert_eq!(r.name().trim_end_matches('\0'), expected);
        }
        // SAFETY: sansip_result_str returns a static NUL-terminated string.
        let unknown = unsafe { std::ffi::CStr::from_ptr(sansip_result_str(999)) };
        assert_eq!(unknown.to_str(), Ok("SANSIP_RESULT_UNKNOWN"));
    }

    fn to_screaming(camel: &str) -> String {
        let mut s = String::new();
        for (i, c) in camel.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                s.push('_');
            }
            s.push(c.to_ascii_uppercase());
        }
        s
    }
}

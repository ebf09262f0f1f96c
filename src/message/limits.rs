//! Resource limits applied while parsing.

/// Limits the parser enforces so that no input can make it use unbounded
/// memory or time. Every limit is checked before the work it bounds.
///
/// The defaults fit what real SIP traffic needs with a wide margin (a
/// WebRTC INVITE with many candidates is about 6 KB; a response through ten
/// proxies has eleven Via values). `max_via` admits a request that used up
/// the usual Max-Forwards of 70 (RFC 3261 §8.1.1.6): 70 proxies' Vias plus
/// the UAC's.
///
/// ```
/// use sansip::message::Limits;
/// let strict = Limits { max_message_size: 8 * 1024, ..Limits::default() };
/// assert!(strict.max_headers > 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest message, start line to end of body, in bytes.
    pub max_message_size: usize,
    /// Largest body (Content-Length) in bytes.
    pub max_body_size: usize,
    /// Most header fields (lines, folded lines counting once).
    pub max_headers: usize,
    /// Longest start line or header field (with its folded continuation
    /// lines), in bytes.
    pub max_line_length: usize,
    /// Most Via values (over all Via fields).
    pub max_via: usize,
    /// Most Route plus Record-Route values.
    pub max_route: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_size: 64 * 1024,
            max_body_size: 60 * 1024,
            max_headers: 128,
            max_line_length: 8 * 1024,
            max_via: 71,
            max_route: 32,
        }
    }
}

//! Diagnostics for the host: why a datagram was dropped, what went out,
//! which flow failed.
//!
//! sansip has no global logger. A host that wants diagnostics sets a sink
//! on each [`Endpoint`](crate::endpoint::Endpoint) with
//! [`set_log_sink`](crate::endpoint::Endpoint::set_log_sink): a closure
//! called synchronously, from inside the call that made the record, with
//! one [`Record`] at a time. Records above the sink's maximum level cost a
//! comparison and nothing else, so a quiet endpoint pays nothing for the
//! log points.
//!
//! Logs are for people reading them; what an application must act on is
//! an [`Event`](crate::endpoint::Event) instead. The text of a record may
//! change between versions; its level and target are stable.
//!
//! ```
//! use std::time::Instant;
//! use sansip::endpoint::{Config, Endpoint, LocalAddr};
//! use sansip::log::Level;
//! use sansip::transport::Transport;
//!
//! /// The host makes its endpoint at `now` and logs what it does.
//! fn endpoint(now: Instant) -> Result<Endpoint, Box<dyn std::error::Error>> {
//!     let mut config = Config::new("sip:alice@example.com");
//!     config.local.push(LocalAddr { transport: Transport::Udp, addr: "192.0.2.1:5060".parse()? });
//!     let mut ep = Endpoint::new(config, now)?;
//!     ep.set_log_sink(Level::Debug, |record| {
//!         eprintln!("[{} {}] {}", record.level(), record.target(), record.args())
//!     });
//!     Ok(ep)
//! }
//! ```

use std::fmt;

/// How much a record matters, most severe first (a sink set with a
/// maximum level gets that level and every more severe one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Something sansip cannot do its job without (reserved; nothing logs
    /// at this level yet).
    Error = 1,
    /// Input dropped or refused, a flow given up on: what a peer or the
    /// network got wrong.
    Warn = 2,
    /// Notable decisions: a flow closed, a transaction timed out, a name
    /// that did not resolve.
    Info = 3,
    /// Every message received and sent (its first line and the addresses),
    /// and every stray response or absorbed request.
    Debug = 4,
    /// Whole messages as received and sent.
    Trace = 5,
}

impl Level {
    /// The level with this number (1 = `Error` … 5 = `Trace`), for hosts
    /// that pass levels as integers.
    pub fn from_u32(n: u32) -> Option<Level> {
        Some(match n {
            1 => Level::Error,
            2 => Level::Warn,
            3 => Level::Info,
            4 => Level::Debug,
            5 => Level::Trace,
            _ => return None,
        })
    }

    /// The name of the level, upper case (`WARN`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
            Level::Trace => "TRACE",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One log record, alive for the duration of the sink's call.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    level: Level,
    target: &'static str,
    args: fmt::Arguments<'a>,
}

impl<'a> Record<'a> {
    /// How much it matters.
    pub fn level(&self) -> Level {
        self.level
    }

    /// The part of sansip that speaks: `transport` (bytes in and out,
    /// flows), `transaction` (matching, timeouts), `dispatch` (requests
    /// refused before any usage), `resolve` (DNS).
    pub fn target(&self) -> &'static str {
        self.target
    }

    /// The text, formatted lazily: `record.args().to_string()` or `{}`.
    pub fn args(&self) -> &fmt::Arguments<'a> {
        &self.args
    }
}

impl fmt::Display for Record<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.args, f)
    }
}

/// What a sink is: a closure taking each record.
pub type Sink = Box<dyn FnMut(&Record<'_>) + Send>;

/// The sink of one endpoint and its maximum level.
#[derive(Default)]
pub(crate) struct Logger {
    max: Option<Level>,
    sink: Option<Sink>,
}

impl fmt::Debug for Logger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Logger")
            .field("max", &self.max)
            .field("sink", &self.sink.is_some())
            .finish()
    }
}

impl Logger {
    pub(crate) fn set(&mut self, max: Level, sink: Sink) {
        self.max = Some(max);
        self.sink = Some(sink);
    }

    pub(crate) fn clear(&mut self) {
        self.max = None;
        self.sink = None;
    }

    /// Whether a record at `level` would reach the sink: the one check a
    /// log point makes before formatting anything.
    #[inline]
    pub(crate) fn enabled(&self, level: Level) -> bool {
        self.max.is_some_and(|max| level <= max)
    }

    pub(crate) fn log(&mut self, level: Level, target: &'static str, args: fmt::Arguments<'_>) {
        if !self.enabled(level) {
            return;
        }
        if let Some(sink) = self.sink.as_mut() {
            sink(&Record {
                level,
                target,
                args,
            });
        }
    }
}

/// The first line of a message (its request or status line), for logs:
/// at most 200 bytes, lossily decoded.
pub(crate) fn first_line(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let end = bytes
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(bytes.len())
        .min(200);
    String::from_utf8_lossy(&bytes[..end])
}

/// Logs through `$logger` (a [`Logger`]) at `$level` for `$target`; the
/// arguments are formatted only when the level is enabled.
macro_rules! log_at {
    ($logger:expr, $level:ident, $target:literal, $($arg:tt)+) => {
        if $logger.enabled($crate::log::Level::$level) {
            $logger.log($crate::log::Level::$level, $target, format_args!($($arg)+));
        }
    };
}
pub(crate) use log_at;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn records_above_the_maximum_level_never_reach_the_sink() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mut logger = Logger::default();
        assert!(!logger.enabled(Level::Error), "no sink: nothing enabled");
        let into = Arc::clone(&seen);
        logger.set(
            Level::Info,
            Box::new(move |r| {
                into.lock()
                    .unwrap()
                    .push((r.level(), r.target(), r.to_string()))
            }),
        );
        log_at!(logger, Warn, "transport", "dropped {}", 1);
        log_at!(logger, Debug, "transport", "not {}", "seen");
        log_at!(logger, Info, "dispatch", "refused");
        logger.clear();
        log_at!(logger, Warn, "transport", "after clear");
        assert_eq!(
            *seen.lock().unwrap(),
            vec![
                (Level::Warn, "transport", "dropped 1".to_string()),
                (Level::Info, "dispatch", "refused".to_string()),
            ]
        );
    }

    #[test]
    fn first_line_stops_at_the_line_end_and_is_bounded() {
        assert_eq!(
            first_line(b"INVITE sip:a@b SIP/2.0\r\nVia: x\r\n"),
            "INVITE sip:a@b SIP/2.0"
        );
        assert_eq!(first_line(&[b'a'; 500]).len(), 200);
        assert_eq!(first_line(b""), "");
    }

    #[test]
    fn levels_round_trip_through_their_numbers() {
        for n in 1..=5 {
            assert_eq!(Level::from_u32(n).map(|l| l as u32), Some(n));
        }
        assert_eq!(Level::from_u32(0), None);
        assert_eq!(Level::from_u32(6), None);
        assert_eq!(Level::Warn.to_string(), "WARN");
    }
}

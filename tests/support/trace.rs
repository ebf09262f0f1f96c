//! The record of every datagram the simulated network carried: kept in
//! memory for assertions, printed when a test fails.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use sansip::message::Message;

/// What became of one datagram (or one network-made copy of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Handed to the receiving node at this offset from the start.
    Delivered {
        /// When it arrived.
        at: Duration,
    },
    /// Lost by the link.
    Lost,
    /// Dropped for exceeding the link MTU.
    TooBig,
    /// No node owns the destination address.
    NoRoute,
}

/// One datagram on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceEntry {
    /// Position in the trace.
    pub seq: u64,
    /// When it was sent, as an offset from the start of the run.
    pub sent: Duration,
    /// Sender.
    pub from: SocketAddr,
    /// Destination.
    pub to: SocketAddr,
    /// The start line (or a note when the bytes are not a SIP message).
    pub first_line: String,
    /// Its fate.
    pub fate: Fate,
    /// This entry is the copy the network made, not what the node sent.
    pub duplicate: bool,
    /// The reordering delay was added.
    pub reordered: bool,
    /// The bytes (shared, not copied).
    pub bytes: Bytes,
}

impl TraceEntry {
    /// Whether the datagram reached a node.
    pub fn delivered(&self) -> bool {
        matches!(self.fate, Fate::Delivered { .. })
    }

    /// When it reached its node, if it did.
    pub fn delivered_at(&self) -> Option<Duration> {
        match self.fate {
            Fate::Delivered { at } => Some(at),
            _ => None,
        }
    }

    /// The request method, if this is a request.
    pub fn method(&self) -> Option<&str> {
        if self.status().is_some() {
            return None;
        }
        self.first_line.split(' ').next()
    }

    /// The status code, if this is a response.
    pub fn status(&self) -> Option<u16> {
        let rest = self.first_line.strip_prefix("SIP/2.0 ")?;
        rest.get(..3)?.parse().ok()
    }

    /// The bytes parsed again (`None` if they are not a SIP message).
    pub fn message(&self) -> Option<Message> {
        Message::parse(self.bytes.clone()).ok()
    }

    /// The Call-ID, parsed from the bytes.
    pub fn call_id(&self) -> Option<String> {
        self.message()?.call_id().map(str::to_owned)
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl fmt::Display for TraceEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "#{:<6} {:>13} {} -> {} {:?} ({} B) ",
            self.seq,
            format!("+{:.3}ms", ms(self.sent)),
            self.from,
            self.to,
            self.first_line,
            self.bytes.len()
        )?;
        match self.fate {
            Fate::Delivered { at } => write!(f, "arrives +{:.3}ms", ms(at))?,
            Fate::Lost => f.write_str("LOST")?,
            Fate::TooBig => f.write_str("DROPPED (over MTU)")?,
            Fate::NoRoute => f.write_str("DROPPED (no route)")?,
        }
        if self.duplicate {
            f.write_str(" [duplicate]")?;
        }
        if self.reordered {
            f.write_str(" [reordered]")?;
        }
        Ok(())
    }
}

/// Every datagram of a run, in the order sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    entries: Vec<TraceEntry>,
}

impl Trace {
    pub(crate) fn push(&mut self, entry: TraceEntry) {
        self.entries.push(entry);
    }

    /// The entries.
    pub fn entries(&self) -> &[TraceEntry] {
        &self.entries
    }

    /// Iterates over the entries.
    pub fn iter(&self) -> std::slice::Iter<'_, TraceEntry> {
        self.entries.iter()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing was sent.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries for which `pred` holds.
    pub fn count(&self, pred: impl Fn(&TraceEntry) -> bool) -> usize {
        self.entries.iter().filter(|e| pred(e)).count()
    }

    /// The last `n` entries, one per line.
    pub fn tail(&self, n: usize) -> String {
        let from = self.entries.len().saturating_sub(n);
        self.render(&self.entries[from..])
    }

    /// All entries whose bytes carry this Call-ID, one per line (parses
    /// every entry: for failure messages, not hot loops).
    pub fn for_call(&self, call_id: &str) -> String {
        let hits: Vec<TraceEntry> = self
            .entries
            .iter()
            .filter(|e| e.call_id().as_deref() == Some(call_id))
            .cloned()
            .collect();
        self.render(&hits)
    }

    fn render(&self, entries: &[TraceEntry]) -> String {
        let mut out = String::new();
        for e in entries {
            out.push_str(&e.to_string());
            out.push('\n');
        }
        out
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(&self.entries))
    }
}

/// The start line of a datagram, for the trace.
pub(crate) fn first_line(bytes: &[u8]) -> String {
    let end = bytes
        .windows(2)
        .position(|w| w == b"\r\n")
        .unwrap_or(bytes.len().min(80));
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

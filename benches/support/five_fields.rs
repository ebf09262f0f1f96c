//! The read that issue 2's throughput goal measures, shared by
//! `benches/parse.rs` and `examples/parse_bench.rs` so both measure the
//! same thing: the method or status, Call-ID, CSeq number, top Via branch
//! and Content-Length of a parsed message.

use sansip::message::{
    headers::{CSeq, Via},
    Message,
};

/// Reads the five fields; returns a value that depends on all of them so
/// that the compiler cannot skip the work.
pub(crate) fn read_fields(msg: &Message) -> usize {
    let first = match msg.method() {
        Some(m) => m.as_str().len(),
        None => usize::from(msg.status().unwrap_or(0)),
    };
    let call_id = msg.call_id().map_or(0, str::len);
    let cseq = msg.header::<CSeq>().map_or(0, |c| c.seq as usize);
    let branch = msg
        .header::<Via>()
        .ok()
        .and_then(|v| v.branch())
        .map_or(0, str::len);
    let len = msg.content_length().unwrap_or(0);
    first ^ call_id ^ cseq ^ branch ^ len
}

//! Parser throughput on a directory of `*.sip` files.
//!
//! ```text
//! cargo run --release --example parse_bench -- DIR SECONDS [--roundtrip]
//! ```
//!
//! Parses every message in a loop for SECONDS (after a warm-up of a fifth of
//! that), reading what a transaction layer reads first: the method or status,
//! Call-ID, CSeq number, top Via branch and Content-Length. With
//! `--roundtrip` it also serializes each message into a reused buffer.
//! Prints one line: `sansip msgs_per_sec=N bytes_per_sec=N`.
//!
//! `--rounds N` instead runs exactly N passes over the corpus with no
//! warm-up, for instruction counting under `valgrind --tool=callgrind`
//! (repeatable whatever else the machine is doing).
//!
//! `--baseline` also times a line-end scan of the same bytes with one
//! memchr call per line, body included (`linescan msgs_per_sec=N`), and
//! prints sansip's fraction of it. Both run in the same process moments
//! apart, so the fraction holds steady on a busy or throttled host where
//! msgs/s do not; it is a yardstick for comparing runs, not a PJSIP figure.
#![allow(clippy::disallowed_methods)] // a benchmark host reads the clock

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sansip::message::Message;

#[path = "../benches/support/five_fields.rs"]
mod five_fields;
use five_fields::read_fields;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let roundtrip = args.iter().any(|a| a == "--roundtrip");
    let positional: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|(k, a)| !a.starts_with("--") && (*k == 0 || args[k - 1] != "--rounds"))
        .map(|(_, a)| a)
        .collect();
    let (Some(dir), Some(secs)) = (positional.first(), positional.get(1)) else {
        eprintln!("usage: parse_bench DIR SECONDS [--roundtrip]");
        std::process::exit(2);
    };
    let seconds: f64 = secs.parse().unwrap_or_else(|_| {
        eprintln!("SECONDS must be a number");
        std::process::exit(2);
    });

    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| {
            eprintln!("cannot read {dir}: {e}");
            std::process::exit(2);
        })
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sip"))
        .collect();
    paths.sort();
    let mut corpus = Vec::new();
    for p in &paths {
        let bytes = Bytes::from(std::fs::read(p).expect("readable file"));
        match Message::parse(bytes.clone()) {
            Ok(_) => corpus.push(bytes),
            Err(e) => eprintln!("skipping {}: {e}", p.display()),
        }
    }
    if corpus.is_empty() {
        eprintln!("no parsable *.sip files in {dir}");
        std::process::exit(1);
    }
    let corpus_bytes: usize = corpus.iter().map(Bytes::len).sum();
    let mut out = Vec::with_capacity(16 * 1024);

    let fixed_rounds: Option<u64> = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|k| args.get(k + 1))
        .and_then(|n| n.parse().ok());

    let mut run = |duration: Duration| -> (u64, f64) {
        let start = Instant::now();
        let mut rounds = 0u64;
        let mut sink = 0usize;
        loop {
            for buf in &corpus {
                let msg = Message::parse(buf.clone()).expect("parsed once already");
                sink ^= read_fields(&msg);
                if roundtrip {
                    out.clear();
                    msg.write_to(&mut out);
                    sink ^= out.len();
                }
            }
            rounds += 1;
            match fixed_rounds {
                Some(n) if rounds >= n => break,
                Some(_) => {}
                None if rounds % 64 == 0 && start.elapsed() >= duration => break,
                None => {}
            }
        }
        black_box(sink);
        (rounds, start.elapsed().as_secs_f64())
    };

    if fixed_rounds.is_none() {
        run(Duration::from_secs_f64(seconds / 5.0));
    }
    let (rounds, elapsed) = run(Duration::from_secs_f64(seconds));
    let msgs = rounds as f64 * corpus.len() as f64;
    let bytes = rounds as f64 * corpus_bytes as f64;
    let sansip_rate = msgs / elapsed;
    println!(
        "sansip msgs_per_sec={} bytes_per_sec={}",
        sansip_rate.round() as u64,
        (bytes / elapsed).round() as u64
    );
    if args.iter().any(|a| a == "--baseline") {
        let scan_rate = linescan_rate(&corpus, Duration::from_secs_f64(seconds));
        println!(
            "linescan msgs_per_sec={} sansip_fraction={:.3}",
            scan_rate.round() as u64,
            sansip_rate / scan_rate
        );
    }
}

/// Messages per second for a scan of every line end of each message with
/// one memchr call per line (the floor any line-oriented parser sits above).
fn linescan_rate(corpus: &[Bytes], duration: Duration) -> f64 {
    let scan = |d: Duration| {
        let start = Instant::now();
        let mut rounds = 0u64;
        let mut lines = 0usize;
        while rounds % 64 != 0 || start.elapsed() < d {
            for buf in corpus {
                // One memchr call per line, as a line-oriented parser makes.
                let b = black_box(&buf[..]);
                let mut pos = 0;
                while let Some(k) = memchr::memchr(b'\n', &b[pos..]) {
                    pos += k + 1;
                    lines += 1;
                }
            }
            rounds += 1;
        }
        black_box(lines);
        rounds as f64 * corpus.len() as f64 / start.elapsed().as_secs_f64()
    };
    scan(duration / 5);
    scan(duration)
}

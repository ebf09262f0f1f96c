//! The cache cost of one `handle_timeout` that fires one timer, for a
//! repeatable figure on a shared machine (timed benches vary too much):
//! `live` UDP OPTIONS transactions in steady state (see
//! `benches/support/steady_timers.rs`), then `fires` firings, each through
//! [`fire`], which callgrind isolates:
//!
//! ```text
//! cargo build --release --example timeout_cost
//! valgrind --tool=callgrind --cache-sim=yes --D1=32768,8,64 --LL=33554432,16,64 \
//!     --toggle-collect='timeout_cost::fire' --callgrind-out-file=/tmp/cg.out \
//!     target/release/examples/timeout_cost 100000 20000
//! callgrind_annotate /tmp/cg.out | head -20   # totals / fires = per firing
//! ```
//!
//! The simulated last level above is a whole 32 MiB cache, in which the
//! 100,000 transactions' working set nearly fits; `--LL=8388608,16,64`
//! shows what is left when other work shares the cache.
//!
//! Prints a summary line (live, firings, retransmissions, ends), then the
//! mean wall time of the firings that retransmitted and of those that
//! ended a transaction (Timer F), apart: an end frees and unlinks what a
//! retransmission never reads, so the two scale differently with `live`.
//! The times are the clock's, noisy on a shared host: compare runs taken
//! moments apart, and use callgrind for a repeatable count.

use std::hint::black_box;
use std::time::{Duration, Instant};

use sansip::transaction::TransactionLayer;

#[allow(dead_code)]
#[path = "../benches/support/steady_timers.rs"]
mod steady_timers;

/// The measured call, kept out of line so callgrind can count it alone.
#[inline(never)]
fn fire(layer: &mut TransactionLayer, now: Instant) {
    layer.handle_timeout(black_box(now));
}

fn main() {
    let mut args = std::env::args().skip(1);
    let live: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let fires: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    #[allow(clippy::disallowed_methods)] // origin of virtual time
    let t0 = Instant::now();
    let mut s = steady_timers::SteadyTimers::new(live, t0);
    // Past the first Timer Fs, so the stopped timers they leave behind
    // (stale queue entries) are at their steady size too.
    for _ in 0..live + live / 2 {
        let now = s.advance();
        s.layer.handle_timeout(now);
        s.settle();
    }
    s.sent = 0;
    s.ended = 0;
    let (mut ending, mut other) = (Mean::default(), Mean::default());
    for _ in 0..fires {
        let now = s.advance();
        let ended = s.ended;
        #[allow(clippy::disallowed_methods)] // the example's own clock
        let start = Instant::now();
        fire(&mut s.layer, now);
        let took = start.elapsed();
        s.settle();
        if s.ended > ended {
            ending.add(took);
        } else {
            other.add(took);
        }
    }
    assert_eq!(s.layer.len(), live);
    println!(
        "live {live}: {fires} firings, {} retransmissions, {} ended",
        s.sent, s.ended
    );
    println!(
        "mean ns: {} a retransmission, {} an end, {} overall",
        other.ns(),
        ending.ns(),
        Mean {
            total: other.total + ending.total,
            count: other.count + ending.count,
        }
        .ns()
    );
}

/// A running mean of durations.
#[derive(Default)]
struct Mean {
    total: Duration,
    count: u32,
}

impl Mean {
    fn add(&mut self, d: Duration) {
        self.total += d;
        self.count += 1;
    }

    fn ns(&self) -> u128 {
        self.total.as_nanos() / u128::from(self.count.max(1))
    }
}

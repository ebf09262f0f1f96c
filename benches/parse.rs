//! Parser benchmarks over `benches/corpus/*.sip`.
//!
//! `cargo bench --bench parse` reports, per message and for the whole
//! corpus: parse only, parse + reading the five transaction-layer fields,
//! and parse + fields + serialize.

use std::hint::black_box;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sansip::message::Message;

#[path = "support/five_fields.rs"]
mod five_fields;
use five_fields::read_fields;

fn corpus() -> Vec<(String, Bytes)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("benches/corpus")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sip"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            (name, Bytes::from(std::fs::read(&p).expect("readable")))
        })
        .collect()
}

fn whole_corpus(c: &mut Criterion) {
    let corpus = corpus();
    let total: usize = corpus.iter().map(|(_, b)| b.len()).sum();
    let mut g = c.benchmark_group("corpus");
    g.throughput(Throughput::Elements(corpus.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| {
            for (_, buf) in &corpus {
                black_box(Message::parse(buf.clone()).ok());
            }
        })
    });
    g.bench_function("parse+fields", |b| {
        b.iter(|| {
            let mut acc = 0;
            for (_, buf) in &corpus {
                if let Ok(m) = Message::parse(buf.clone()) {
                    acc ^= read_fields(&m);
                }
            }
            black_box(acc)
        })
    });
    let mut out = Vec::with_capacity(16 * 1024);
    g.bench_function("parse+fields+serialize", |b| {
        b.iter(|| {
            let mut acc = 0;
            for (_, buf) in &corpus {
                if let Ok(m) = Message::parse(buf.clone()) {
                    acc ^= read_fields(&m);
                    out.clear();
                    m.write_to(&mut out);
                    acc ^= out.len();
                }
            }
            black_box(acc)
        })
    });
    g.finish();
    let mut g = c.benchmark_group("corpus-bytes");
    g.throughput(Throughput::Bytes(total as u64));
    g.bench_function("parse+fields", |b| {
        b.iter(|| {
            for (_, buf) in &corpus {
                if let Ok(m) = Message::parse(buf.clone()) {
                    black_box(read_fields(&m));
                }
            }
        })
    });
    g.finish();
}

fn per_message(c: &mut Criterion) {
    let mut g = c.benchmark_group("message");
    for (name, buf) in corpus() {
        g.throughput(Throughput::Bytes(buf.len() as u64));
        g.bench_function(&name, |b| {
            b.iter(|| Message::parse(buf.clone()).map(|m| read_fields(&m)).ok())
        });
    }
    g.finish();
}

criterion_group!(benches, whole_corpus, per_message);
criterion_main!(benches);

// A counting global allocator must implement the unsafe GlobalAlloc trait;
// this is test host code, outside the core where `unsafe` is denied.
#![allow(unsafe_code)]

//! Parsing a message and reading the fields a transaction layer reads first
//! allocates nothing: the message keeps the received buffer and spans.
//! Counted with a global allocator that counts this thread's allocations.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use bytes::Bytes;
use sansip::message::{
    headers::{CSeq, Via},
    Message,
};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|a| a.set(a.get() + 1));
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|a| a.set(a.get() + 1));
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

fn corpus() -> Vec<(String, Bytes)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "sip"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = Bytes::from(std::fs::read(&p).expect("readable"));
            // The first clone of a Vec-backed Bytes makes it shareable (one
            // allocation, once per buffer, not per parse).
            drop(bytes.clone());
            (p.display().to_string(), bytes)
        })
        .collect()
}

#[test]
fn parsing_and_reading_the_corpus_allocates_nothing_per_message() {
    let corpus = corpus();
    // The counter sees this thread's allocations (guards against a test
    // that passes because nothing is counted).
    let c = allocations();
    drop(std::hint::black_box(vec![0u8; 16]));
    assert_eq!(allocations(), c + 1);
    assert!(corpus.len() >= 15, "corpus has {} messages", corpus.len());
    let mut out = Vec::with_capacity(16 * 1024);
    for (name, bytes) in &corpus {
        out.clear();
        let before = allocations();
        let msg = Message::parse(bytes.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let branch = msg.header::<Via>().expect("Via").branch().map(str::len);
        let seq = msg.header::<CSeq>().expect("CSeq").seq;
        let call_id = msg.call_id().map(str::len);
        let len = msg.content_length();
        let first = msg
            .method()
            .map(|m| m.as_str().len())
            .or(msg.status().map(usize::from));
        msg.write_to(&mut out);
        drop(msg);
        let used = allocations() - before;
        assert_eq!(
            used, 0,
            "{name}: {used} allocations to parse, read and serialize"
        );
        assert!(
            branch.is_some() && seq > 0 && call_id.is_some() && first.is_some(),
            "{name}"
        );
        assert_eq!(len, Some(msg_body_len(bytes)), "{name}");
        assert_eq!(&out[..], &bytes[..], "{name}: round trip differs");
    }
}

fn msg_body_len(bytes: &Bytes) -> usize {
    let head = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("blank line");
    bytes.len() - head - 4
}

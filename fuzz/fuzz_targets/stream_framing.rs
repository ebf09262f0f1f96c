//! Any bytes cut into any chunks: a stream framer must yield the same
//! messages as when it is given the whole buffer at once.
#![no_main]
libfuzzer_sys::fuzz_target!(|input: sansip_fuzz::ChunkedStream| {
    sansip_fuzz::check_stream_framing(&input)
});

//! The whole Endpoint under any sequence of commands, responses, peer
//! requests, raw bytes, connection and DNS answers, and time: no panic, no
//! deadline in the past, limits kept, every MESSAGE gets an outcome.
#![no_main]
libfuzzer_sys::fuzz_target!(|input: sansip_fuzz::EpSequence| {
    sansip_fuzz::check_endpoint_sequence(&input)
});

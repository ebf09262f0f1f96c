//! Arbitrary typed header values: build -> serialize -> parse must give
//! the same typed values back.
#![no_main]
libfuzzer_sys::fuzz_target!(|input: sansip_fuzz::BuiltMessage| {
    sansip_fuzz::check_roundtrip(&input)
});

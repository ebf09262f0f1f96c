//! Any bytes as a PIDF body, a dialog-info body and a raw XML element:
//! parsing never panics, and what parses is stable through serialize ->
//! parse.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sansip_fuzz::check_parse_presence(data));

//! Any bytes as a session description: parsing never panics; what parses
//! reads through every typed view, keeps its bytes, and parse -> serialize
//! -> parse is stable.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sansip_fuzz::check_parse_sdp(data));

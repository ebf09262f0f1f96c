//! `sansip_str` and `sansip_header`: text in arrays (lists of settings,
//! extra header fields), each item a pointer + length.

use super::boundary::{array, text};
use super::result::Error;

/// A UTF-8 text, pointer + length (not NUL-terminated; `(NULL, 0)` is
/// empty), as an item of an array argument.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sansip_str {
    /// The bytes.
    pub data: *const u8,
    /// Their number.
    pub len: usize,
}

/// A header field to add to a request: name and value, UTF-8, each
/// pointer + length. sansip checks both (a token name, a value without
/// line breaks) and adds the field as given: do not pass fields sansip
/// writes itself (Via, Call-ID, CSeq, ...).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sansip_header {
    /// The field name (`X-Account`, `P-Preferred-Identity`).
    pub name: *const u8,
    /// The length of `name`.
    pub name_len: usize,
    /// The field value.
    pub value: *const u8,
    /// The length of `value`.
    pub value_len: usize,
}

/// The texts of an array of `sansip_str`.
///
/// # Safety
/// A non-NULL `items` must be valid for `len` values, each valid for its
/// length.
pub(crate) unsafe fn strings(
    items: *const sansip_str,
    len: usize,
    what: &str,
) -> Result<Vec<String>, Error> {
    // SAFETY: forwarded from the caller.
    let items = unsafe { array(items, len, what)? };
    items
        .iter()
        .map(|s| {
            // SAFETY: the caller passes each item valid for its length.
            unsafe { text(s.data, s.len, what) }.map(str::to_owned)
        })
        .collect()
}

/// The (name, value) pairs of an array of `sansip_header`.
///
/// # Safety
/// As [`strings`].
pub(crate) unsafe fn header_list(
    items: *const sansip_header,
    len: usize,
) -> Result<Vec<(String, String)>, Error> {
    // SAFETY: forwarded from the caller.
    let items = unsafe { array(items, len, "the headers")? };
    items
        .iter()
        .map(|h| {
            // SAFETY: the caller passes each item valid for its lengths.
            let name = unsafe { text(h.name, h.name_len, "a header name")? };
            // SAFETY: as above.
            let value = unsafe { text(h.value, h.value_len, "a header value")? };
            Ok((name.to_owned(), value.to_owned()))
        })
        .collect()
}

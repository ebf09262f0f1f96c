//! The checks every entry point goes through: the panic boundary, NULL
//! checks, `(pointer, length)` slices and out-parameters.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::result::{sansip_result, Error};

/// Runs `f`, turning its error into a result and a panic into
/// `SANSIP_RESULT_PANIC` (for calls without an endpoint to poison).
pub(crate) fn guard(f: impl FnOnce() -> Result<(), Error>) -> sansip_result {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => sansip_result::Ok,
        Ok(Err(e)) => e.result,
        Err(_) => sansip_result::Panic,
    }
}

/// The bytes at `(ptr, len)`: `(NULL, 0)` (or any pointer with length 0)
/// is the empty slice; NULL with a non-zero length is an error.
///
/// # Safety
/// A non-NULL `ptr` must be valid for reads of `len` bytes for `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a [u8], Error> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Error::null(what));
    }
    if len > isize::MAX as usize {
        return Err(Error::new(
            sansip_result::InvalidArgument,
            format!("{what}: length {len} is too large"),
        ));
    }
    #[allow(clippy::disallowed_methods)] // this is the checked helper
    // SAFETY: ptr is not NULL, len is non-zero and at most isize::MAX, and
    // the caller guarantees ptr is valid for len bytes for 'a.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The UTF-8 text at `(ptr, len)`, as [`bytes`].
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn text<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a str, Error> {
    // SAFETY: forwarded from the caller.
    let b = unsafe { bytes(ptr, len, what)? };
    std::str::from_utf8(b)
        .map_err(|_| Error::new(sansip_result::BadUtf8, format!("{what} is not UTF-8")))
}

/// The value behind a required `const T*`.
///
/// # Safety
/// A non-NULL `ptr` must point to a valid `T` for `'a`.
pub(crate) unsafe fn read<'a, T>(ptr: *const T, what: &str) -> Result<&'a T, Error> {
    // SAFETY: the caller guarantees a non-NULL ptr points to a valid T.
    unsafe { ptr.as_ref() }.ok_or_else(|| Error::null(what))
}

/// Checks a required out-parameter is not NULL; write it with [`put`]
/// once the call has succeeded.
pub(crate) fn out<T>(ptr: *mut T, what: &str) -> Result<*mut T, Error> {
    if ptr.is_null() {
        Err(Error::null(what))
    } else {
        Ok(ptr)
    }
}

/// Writes `value` to an out-parameter checked by [`out`].
///
/// # Safety
/// `ptr` must be non-NULL, aligned and valid for a write of `T`.
pub(crate) unsafe fn put<T>(ptr: *mut T, value: T) {
    // SAFETY: the caller guarantees ptr is valid for writes; `write` does
    // not read or drop the (possibly uninitialized) old value.
    unsafe { ptr.write(value) }
}

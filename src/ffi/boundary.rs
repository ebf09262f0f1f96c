//! The checks every entry point goes through: the panic boundary, NULL
//! checks, `(pointer, length)` slices and arrays, and out-parameters.

use std::panic::{catch_unwind, AssertUnwindSafe};

use bytes::Bytes;

use super::result::{sansip_result, Error};

/// Runs `f`, turning its error into a result and a panic into
/// `SANSIP_RESULT_PANIC` (for calls without a handle to poison).
pub(crate) fn guard(f: impl FnOnce() -> Result<(), Error>) -> sansip_result {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => sansip_result::Ok,
        Ok(Err(e)) => e.result,
        Err(_) => sansip_result::Panic,
    }
}

/// The `len` values of type `T` at `ptr`: `(NULL, 0)` (or any pointer
/// with length 0) is the empty slice; NULL with a non-zero length is an
/// error, and so are a misaligned pointer and a size over `isize::MAX`.
///
/// # Safety
/// A non-NULL `ptr` must be valid for reads of `len` values for `'a`.
pub(crate) unsafe fn array<'a, T>(ptr: *const T, len: usize, what: &str) -> Result<&'a [T], Error> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Error::null(what));
    }
    let too_large = len
        .checked_mul(size_of::<T>())
        .map_or(true, |size| size > isize::MAX as usize);
    if too_large {
        return Err(Error::new(
            sansip_result::InvalidArgument,
            format!("{what}: length {len} is too large"),
        ));
    }
    if !ptr.is_aligned() {
        return Err(Error::new(
            sansip_result::InvalidArgument,
            format!("{what}: the pointer is misaligned"),
        ));
    }
    #[allow(clippy::disallowed_methods)] // this is the checked helper
    // SAFETY: ptr is not NULL and aligned, len is non-zero and its size at
    // most isize::MAX, and the caller guarantees ptr is valid for len
    // values for 'a.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The bytes at `(ptr, len)`, as [`array`].
///
/// # Safety
/// A non-NULL `ptr` must be valid for reads of `len` bytes for `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a [u8], Error> {
    // SAFETY: forwarded from the caller.
    unsafe { array(ptr, len, what) }
}

/// The bytes at `(ptr, len)` copied, `None` when empty (an optional SDP
/// or body).
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn opt_bytes(
    ptr: *const u8,
    len: usize,
    what: &str,
) -> Result<Option<Bytes>, Error> {
    // SAFETY: forwarded from the caller.
    let b = unsafe { bytes(ptr, len, what)? };
    Ok((!b.is_empty()).then(|| Bytes::copy_from_slice(b)))
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

/// The UTF-8 text at `(ptr, len)`, owned, `None` when empty (an optional
/// setting: `(NULL, 0)` clears it).
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn opt_text(
    ptr: *const u8,
    len: usize,
    what: &str,
) -> Result<Option<String>, Error> {
    // SAFETY: forwarded from the caller.
    let t = unsafe { text(ptr, len, what)? };
    Ok((!t.is_empty()).then(|| t.to_owned()))
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

/// An integer from C that must be one of `N` enum values, validated.
pub(crate) fn choice<T: Copy, const N: usize>(
    value: u32,
    all: [T; N],
    what: &str,
) -> Result<T, Error> {
    usize::try_from(value)
        .ok()
        .and_then(|i| all.get(i).copied())
        .ok_or_else(|| {
            Error::new(
                sansip_result::InvalidArgument,
                format!("{value} is not a {what}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_refuse_null_huge_and_misaligned() {
        // SAFETY: every non-empty call gets a valid pointer or is refused
        // before it is read.
        unsafe {
            assert_eq!(bytes(std::ptr::null(), 0, "x").unwrap(), b"");
            assert_eq!(
                bytes(std::ptr::null(), 3, "x").unwrap_err().result,
                sansip_result::NullArgument
            );
            let b = [1u8, 2, 3];
            assert_eq!(
                bytes(b.as_ptr(), usize::MAX, "x").unwrap_err().result,
                sansip_result::InvalidArgument
            );
            let words = [0u64; 2];
            let odd = words.as_ptr().cast::<u8>().add(1).cast::<u64>();
            assert_eq!(
                array(odd, 1, "x").unwrap_err().result,
                sansip_result::InvalidArgument
            );
            assert_eq!(
                array(words.as_ptr(), usize::MAX / 4, "x")
                    .unwrap_err()
                    .result,
                sansip_result::InvalidArgument
            );
            assert_eq!(
                text(b"\xff".as_ptr(), 1, "x").unwrap_err().result,
                sansip_result::BadUtf8
            );
            assert_eq!(opt_text(std::ptr::null(), 0, "x").unwrap(), None);
        }
        assert_eq!(choice(1, ['a', 'b'], "letter").unwrap(), 'b');
        assert!(choice(2, ['a', 'b'], "letter").is_err());
    }
}

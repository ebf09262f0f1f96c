//! [`Text`]: a string that is a shared slice of the received body.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use bytes::Bytes;

/// An immutable UTF-8 string held in [`Bytes`].
///
/// A value parsed from a body is a slice of the received buffer when it
/// had no character reference or CR to decode (no copy), and owns a
/// decoded copy otherwise. Cloning is cheap (a reference count). It
/// derefs to [`str`], compares with `&str`, and is made from `&str` or
/// `String` when building a body.
///
/// ```
/// use sansip::body::Text;
/// let t = Text::from("Gone for lunch");
/// assert_eq!(t, "Gone for lunch");
/// assert!(t.starts_with("Gone"));
/// assert_eq!(t.len(), 14);
/// assert_eq!(Text::from(String::from("x")).as_str(), "x");
/// ```
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(Bytes);

impl Text {
    /// A text from a static string, without copying it.
    pub const fn from_static(s: &'static str) -> Text {
        Text(Bytes::from_static(s.as_bytes()))
    }

    /// Wraps bytes the caller has checked to be UTF-8 (a slice of a body
    /// that was validated as a whole, cut at ASCII boundaries).
    pub(crate) fn from_utf8_bytes(b: Bytes) -> Text {
        debug_assert!(std::str::from_utf8(&b).is_ok());
        Text(b)
    }

    /// The text as a string slice.
    pub fn as_str(&self) -> &str {
        // UTF-8 by construction; the check is the price of `deny(unsafe_code)`.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The text as a shared slice of the buffer it came from.
    pub fn as_bytes_shared(&self) -> &Bytes {
        &self.0
    }

    /// This text without leading and trailing XML white space (space, tab,
    /// CR, LF), still sharing the same buffer.
    ///
    /// ```
    /// use sansip::body::Text;
    /// assert_eq!(Text::from(" \n sip:a@b \t").trim_xml(), "sip:a@b");
    /// ```
    pub fn trim_xml(&self) -> Text {
        let b = &self.0;
        let start = b.iter().position(|&c| !is_space(c)).unwrap_or(b.len());
        let end = b
            .iter()
            .rposition(|&c| !is_space(c))
            .map_or(start, |e| e + 1);
        Text(b.slice(start..end))
    }
}

/// XML white space (production `S`).
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(Bytes::copy_from_slice(s.as_bytes()))
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Text {
        Text::from(s.as_str())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Bytes::from(s))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        t.as_str().to_owned()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        other == self
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        other == *self
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.0 == other.as_bytes()
    }
}

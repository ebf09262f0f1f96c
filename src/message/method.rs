//! SIP request methods.

use smallvec::SmallVec;

use super::grammar::is_token_byte;

/// A request method. The RFC 3261 methods and the common extensions are
/// variants; any other token is kept in [`Method::Extension`]. Methods are
/// case-sensitive (RFC 3261 §7.1): `invite` is an extension method, not INVITE.
///
/// ```
/// use sansip::message::Method;
/// assert_eq!(Method::from_bytes(b"INVITE"), Some(Method::Invite));
/// let odd = Method::from_bytes(b"NEWMETHOD").unwrap();
/// assert_eq!(odd.as_str(), "NEWMETHOD");
/// assert_eq!(Method::from_bytes(b"BAD METHOD"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// INVITE (RFC 3261)
    Invite,
    /// ACK (RFC 3261)
    Ack,
    /// BYE (RFC 3261)
    Bye,
    /// CANCEL (RFC 3261)
    Cancel,
    /// REGISTER (RFC 3261)
    Register,
    /// OPTIONS (RFC 3261)
    Options,
    /// INFO (RFC 6086)
    Info,
    /// PRACK (RFC 3262)
    Prack,
    /// UPDATE (RFC 3311)
    Update,
    /// SUBSCRIBE (RFC 6665)
    Subscribe,
    /// NOTIFY (RFC 6665)
    Notify,
    /// REFER (RFC 3515)
    Refer,
    /// MESSAGE (RFC 3428)
    Message,
    /// PUBLISH (RFC 3903)
    Publish,
    /// Any other token.
    Extension(ExtensionMethod),
}

/// The spelling of an extension method: a token, stored inline when short.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExtensionMethod(SmallVec<[u8; 22]>);

impl ExtensionMethod {
    /// The method token.
    pub fn as_str(&self) -> &str {
        // Only token bytes (ASCII) are ever stored, so this cannot fail.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl Method {
    /// Reads a method token; `None` if `token` is empty or has a byte that is
    /// not allowed in a token.
    pub fn from_bytes(token: &[u8]) -> Option<Method> {
        Some(match token {
            b"INVITE" => Method::Invite,
            b"ACK" => Method::Ack,
            b"BYE" => Method::Bye,
            b"CANCEL" => Method::Cancel,
            b"REGISTER" => Method::Register,
            b"OPTIONS" => Method::Options,
            b"INFO" => Method::Info,
            b"PRACK" => Method::Prack,
            b"UPDATE" => Method::Update,
            b"SUBSCRIBE" => Method::Subscribe,
            b"NOTIFY" => Method::Notify,
            b"REFER" => Method::Refer,
            b"MESSAGE" => Method::Message,
            b"PUBLISH" => Method::Publish,
            _ => {
                if token.is_empty() || !token.iter().all(|&b| is_token_byte(b)) {
                    return None;
                }
                Method::Extension(ExtensionMethod(SmallVec::from_slice(token)))
            }
        })
    }

    /// The method token as it goes on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Invite => "INVITE",
            Method::Ack => "ACK",
            Method::Bye => "BYE",
            Method::Cancel => "CANCEL",
            Method::Register => "REGISTER",
            Method::Options => "OPTIONS",
            Method::Info => "INFO",
            Method::Prack => "PRACK",
            Method::Update => "UPDATE",
            Method::Subscribe => "SUBSCRIBE",
            Method::Notify => "NOTIFY",
            Method::Refer => "REFER",
            Method::Message => "MESSAGE",
            Method::Publish => "PUBLISH",
            Method::Extension(m) => m.as_str(),
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Method {
    type Err = super::ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Method::from_bytes(s.as_bytes()).ok_or(super::ValueError::new(0, "a method token"))
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Method {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        const KNOWN: &[&[u8]] = &[
            b"INVITE",
            b"ACK",
            b"BYE",
            b"CANCEL",
            b"REGISTER",
            b"OPTIONS",
            b"INFO",
            b"PRACK",
            b"UPDATE",
            b"SUBSCRIBE",
            b"NOTIFY",
            b"REFER",
            b"MESSAGE",
            b"PUBLISH",
            b"FOO-BAR.x",
        ];
        Ok(Method::from_bytes(u.choose(KNOWN)?).unwrap_or(Method::Options))
    }
}

//! The digest computations of RFC 7616 §3.4.1–§3.4.4 (and RFC 2617
//! §3.2.2 for the no-qop compatibility form), as pure functions returning
//! lower-case hex.
//!
//! ```text
//! HA1      = H(username ":" realm ":" password)
//! HA1-sess = H(HA1 ":" nonce ":" cnonce)                  (-sess algorithms)
//! HA2      = H(method ":" digest-uri)                     (qop=auth or none)
//! HA2      = H(method ":" digest-uri ":" H(body))         (qop=auth-int)
//! response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)
//! response = H(HA1 ":" nonce ":" HA2)                     (no qop: RFC 2069)
//! userhash = H(username ":" realm)
//! ```
//!
//! Every function takes the [`Algorithm`] that names the hash; an
//! [`Algorithm::Other`] gives [`AuthError::UnsupportedAlgorithm`].
//!
//! ```
//! use sansip::auth::digest::{ha1, ha2, response, QopParams};
//! use sansip::message::headers::{Algorithm, Qop};
//! // RFC 2617 §3.5.
//! let a = Algorithm::Md5;
//! let h1 = ha1(a, "Mufasa", "testrealm@host.com", "Circle Of Life")?;
//! let h2 = ha2(a, Some(Qop::Auth), "GET", "/dir/index.html", b"")?;
//! let qop = QopParams { qop: Qop::Auth, nc: 1, cnonce: "0a4f113b" };
//! let r = response(a, &h1, "dcd98b7102dd2f0e8b11d0f600bfb0c093", Some(qop), &h2)?;
//! assert_eq!(r, "6629fae49393a05397450978507c4ef1");
//! # Ok::<(), sansip::auth::AuthError>(())
//! ```

use md5::Md5;
use sha2::{Digest, Sha256, Sha512_256};

use super::AuthError;
use crate::message::headers::{Algorithm, Qop};

/// The hash function behind an algorithm, without the `-sess` variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum HashFn {
    Md5,
    Sha256,
    Sha512_256,
}

impl HashFn {
    /// The hash of a supported algorithm; `None` for [`Algorithm::Other`].
    pub(crate) fn of(alg: Algorithm<'_>) -> Option<HashFn> {
        match alg {
            Algorithm::Md5 | Algorithm::Md5Sess => Some(HashFn::Md5),
            Algorithm::Sha256 | Algorithm::Sha256Sess => Some(HashFn::Sha256),
            Algorithm::Sha512_256 | Algorithm::Sha512_256Sess => Some(HashFn::Sha512_256),
            _ => None,
        }
    }

    fn hex(self, parts: &[&[u8]]) -> String {
        fn run<D: Digest>(parts: &[&[u8]]) -> String {
            let mut d = D::new();
            for p in parts {
                d.update(p);
            }
            to_hex(&d.finalize())
        }
        match self {
            HashFn::Md5 => run::<Md5>(parts),
            HashFn::Sha256 => run::<Sha256>(parts),
            HashFn::Sha512_256 => run::<Sha512_256>(parts),
        }
    }
}

/// The same algorithm with a `'static` lifetime (`None` for
/// [`Algorithm::Other`]).
pub(crate) fn to_static(alg: Algorithm<'_>) -> Option<Algorithm<'static>> {
    Some(match alg {
        Algorithm::Md5 => Algorithm::Md5,
        Algorithm::Md5Sess => Algorithm::Md5Sess,
        Algorithm::Sha256 => Algorithm::Sha256,
        Algorithm::Sha256Sess => Algorithm::Sha256Sess,
        Algorithm::Sha512_256 => Algorithm::Sha512_256,
        Algorithm::Sha512_256Sess => Algorithm::Sha512_256Sess,
        _ => return None,
    })
}

/// Whether sansip can compute digests with `alg`.
pub fn is_supported(alg: Algorithm<'_>) -> bool {
    HashFn::of(alg).is_some()
}

fn hash_of(alg: Algorithm<'_>) -> Result<HashFn, AuthError> {
    HashFn::of(alg).ok_or_else(|| AuthError::UnsupportedAlgorithm {
        realm: None,
        algorithm: alg.as_str().to_owned(),
    })
}

/// Lower-case hex of `bytes`.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    s
}

/// `H(data)` in lower-case hex.
pub fn hash_hex(alg: Algorithm<'_>, data: &[u8]) -> Result<String, AuthError> {
    Ok(hash_of(alg)?.hex(&[data]))
}

/// `HA1 = H(username:realm:password)` (RFC 7616 §3.4.2), the secret a
/// server may store instead of the password. For a `-sess` algorithm this
/// is the input of [`sess_ha1`].
pub fn ha1(
    alg: Algorithm<'_>,
    username: &str,
    realm: &str,
    password: &str,
) -> Result<String, AuthError> {
    Ok(hash_of(alg)?.hex(&[
        username.as_bytes(),
        b":",
        realm.as_bytes(),
        b":",
        password.as_bytes(),
    ]))
}

/// `H(HA1:nonce:cnonce)`: the HA1 of a `-sess` algorithm, from the plain
/// [`ha1`].
pub fn sess_ha1(
    alg: Algorithm<'_>,
    ha1: &str,
    nonce: &str,
    cnonce: &str,
) -> Result<String, AuthError> {
    Ok(hash_of(alg)?.hex(&[
        ha1.as_bytes(),
        b":",
        nonce.as_bytes(),
        b":",
        cnonce.as_bytes(),
    ]))
}

/// `HA2` (RFC 7616 §3.4.3): `H(method:digest-uri)`, or with `auth-int`
/// `H(method:digest-uri:H(body))`. `body` is ignored unless `qop` is
/// [`Qop::AuthInt`].
pub fn ha2(
    alg: Algorithm<'_>,
    qop: Option<Qop<'_>>,
    method: &str,
    digest_uri: &str,
    body: &[u8],
) -> Result<String, AuthError> {
    let h = hash_of(alg)?;
    Ok(if qop == Some(Qop::AuthInt) {
        let hbody = h.hex(&[body]);
        h.hex(&[
            method.as_bytes(),
            b":",
            digest_uri.as_bytes(),
            b":",
            hbody.as_bytes(),
        ])
    } else {
        h.hex(&[method.as_bytes(), b":", digest_uri.as_bytes()])
    })
}

/// The qop part of a response computation: the chosen qop, the nonce
/// count and the client nonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QopParams<'a> {
    /// `auth` or `auth-int`.
    pub qop: Qop<'a>,
    /// The nonce count (written as 8 hex digits).
    pub nc: u32,
    /// The client nonce.
    pub cnonce: &'a str,
}

/// The request digest (RFC 7616 §3.4.1):
/// `H(HA1:nonce:nc:cnonce:qop:HA2)`, or without qop `H(HA1:nonce:HA2)`
/// (RFC 2617 §3.2.2.1 compatibility with RFC 2069). `ha1` is the one to
/// use (already through [`sess_ha1`] for a `-sess` algorithm).
pub fn response(
    alg: Algorithm<'_>,
    ha1: &str,
    nonce: &str,
    qop: Option<QopParams<'_>>,
    ha2: &str,
) -> Result<String, AuthError> {
    let h = hash_of(alg)?;
    Ok(match qop {
        Some(q) => {
            let nc = format!("{:08x}", q.nc);
            h.hex(&[
                ha1.as_bytes(),
                b":",
                nonce.as_bytes(),
                b":",
                nc.as_bytes(),
                b":",
                q.cnonce.as_bytes(),
                b":",
                q.qop.as_str().as_bytes(),
                b":",
                ha2.as_bytes(),
            ])
        }
        None => h.hex(&[ha1.as_bytes(), b":", nonce.as_bytes(), b":", ha2.as_bytes()]),
    })
}

/// `userhash = H(username:realm)` (RFC 7616 §3.4.4): the value sent as
/// `username` when the server offers `userhash=true`.
pub fn userhash(alg: Algorithm<'_>, username: &str, realm: &str) -> Result<String, AuthError> {
    Ok(hash_of(alg)?.hex(&[username.as_bytes(), b":", realm.as_bytes()]))
}

/// The secret a digest is computed from.
#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    /// The clear-text password.
    Password(String),
    /// A precomputed `H(username:realm:password)` ([`ha1`]) for the hash
    /// of `algorithm`; it serves that algorithm and its `-sess` variant
    /// (an MD5 HA1 serves `MD5` and `MD5-sess`, not `SHA-256`).
    Ha1 {
        /// The algorithm whose hash made `ha1`.
        algorithm: Algorithm<'static>,
        /// The hex digest.
        ha1: String,
    },
}

impl std::fmt::Debug for Secret {
    /// Never prints the secret itself.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::Password(_) => f.write_str("Secret::Password(..)"),
            Secret::Ha1 { algorithm, .. } => write!(f, "Secret::Ha1({algorithm}, ..)"),
        }
    }
}

impl Secret {
    /// Whether a digest with `alg` can be computed from this secret.
    pub fn serves(&self, alg: Algorithm<'_>) -> bool {
        match (self, HashFn::of(alg)) {
            (_, None) => false,
            (Secret::Password(_), Some(_)) => true,
            (Secret::Ha1 { algorithm, .. }, h) => HashFn::of(*algorithm) == h,
        }
    }

    /// The plain HA1 for `alg` (before any `-sess` step).
    pub fn ha1(
        &self,
        alg: Algorithm<'_>,
        username: &str,
        realm: &str,
    ) -> Result<String, AuthError> {
        if !self.serves(alg) {
            return Err(AuthError::UnsupportedAlgorithm {
                realm: Some(realm.to_owned()),
                algorithm: alg.as_str().to_owned(),
            });
        }
        match self {
            Secret::Password(p) => ha1(alg, username, realm, p),
            Secret::Ha1 { ha1, .. } => Ok(ha1.to_ascii_lowercase()),
        }
    }
}

/// Everything one request digest depends on.
#[derive(Debug, Clone, Copy)]
pub struct DigestInput<'a> {
    /// The algorithm.
    pub algorithm: Algorithm<'a>,
    /// The user name (in clear, even when `userhash` is used on the wire).
    pub username: &'a str,
    /// The realm.
    pub realm: &'a str,
    /// The server nonce.
    pub nonce: &'a str,
    /// The request method.
    pub method: &'a str,
    /// The digest-uri (the `uri` parameter: the Request-URI as sent).
    pub uri: &'a str,
    /// The message body (hashed only with `auth-int`).
    pub body: &'a [u8],
    /// qop, nonce count and cnonce; `None` for the RFC 2069 form.
    pub qop: Option<QopParams<'a>>,
}

/// Computes the `response` value for `input` from `secret`: HA1 (through
/// [`sess_ha1`] for a `-sess` algorithm, which needs a cnonce), HA2, then
/// [`response`].
pub fn compute_response(input: &DigestInput<'_>, secret: &Secret) -> Result<String, AuthError> {
    let alg = input.algorithm;
    let mut h1 = secret.ha1(alg, input.username, input.realm)?;
    if alg.is_session() {
        let cnonce = input.qop.map_or("", |q| q.cnonce);
        h1 = sess_ha1(alg, &h1, input.nonce, cnonce)?;
    }
    let h2 = ha2(
        alg,
        input.qop.map(|q| q.qop),
        input.method,
        input.uri,
        input.body,
    )?;
    response(alg, &h1, input.nonce, input.qop, &h2)
}

/// Compares two strings in time that depends only on their lengths.
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lower_case() {
        assert_eq!(to_hex(&[0x00, 0xab, 0x7f]), "00ab7f");
    }

    #[test]
    fn other_algorithms_are_refused() {
        let e = ha1(Algorithm::Other("SHA-1"), "u", "r", "p").unwrap_err();
        assert!(matches!(e, AuthError::UnsupportedAlgorithm { .. }));
        assert!(!is_supported(Algorithm::Other("x")));
    }

    #[test]
    fn ha1_secret_serves_its_hash_family_only() {
        let s = Secret::Ha1 {
            algorithm: Algorithm::Md5,
            ha1: "AB".into(),
        };
        assert!(s.serves(Algorithm::Md5Sess));
        assert!(!s.serves(Algorithm::Sha256));
        assert_eq!(s.ha1(Algorithm::Md5, "u", "r").unwrap(), "ab");
        assert_eq!(format!("{s:?}"), "Secret::Ha1(MD5, ..)");
    }

    #[test]
    fn constant_time_eq_works() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}

//! Digest authentication (RFC 3261 §22, RFC 7616, RFC 8760).
//!
//! - [`digest`]: the hash computations as pure functions (MD5, SHA-256,
//!   SHA-512-256 and their `-sess` variants; qop `auth` and `auth-int`).
//! - [`DigestClient`] with a [`CredentialStore`]: answers a 401/407 with
//!   `Authorization` / `Proxy-Authorization` values, keeps nonce counts,
//!   retries `stale=true` on its own and refuses to loop on a rejected
//!   password ([`AuthError::Rejected`]).
//! - [`verify_digest`] with a [`UserStore`] and a [`NonceTracker`]: lets a
//!   UAS challenge requests and check the answers.
//!
//! Randomness (cnonces, nonces, opaque values) comes only from the
//! caller's seeded [`Rng`](crate::rng::Rng).

mod client;
pub mod digest;
mod server;

pub use client::{AuthHeader, CredentialStore, DigestClient, UserCredentials, MAX_SESSIONS};
pub use digest::Secret;
pub use server::{
    verify_digest, verify_digest_with, verify_proxy_digest, ChallengeParams, InvalidReason,
    NonceCheck, NonceState, NonceTracker, UserStore, Verdict,
};

use thiserror::Error;

/// Why a challenge could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The response carries no digest challenge sansip can read.
    #[error("the {status} response carries no digest challenge")]
    NoChallenge {
        /// The response's status code (0 when it is not a response).
        status: u16,
    },
    /// The store has no credentials for the realm (and no default).
    #[error("no credentials for realm \"{realm}\"")]
    NoCredentials {
        /// The challenge's realm.
        realm: String,
    },
    /// The algorithm is not one sansip computes, or the stored secret is an
    /// HA1 for another hash.
    #[error("unsupported digest algorithm {algorithm}{}", realm.as_ref().map(|r| format!(" for realm \"{r}\"")).unwrap_or_default())]
    UnsupportedAlgorithm {
        /// The challenge's realm, when known.
        realm: Option<String>,
        /// The algorithm as written.
        algorithm: String,
    },
    /// The challenge offers only qop values other than `auth`/`auth-int`.
    #[error("no supported qop in \"{qop}\" for realm \"{realm}\"")]
    UnsupportedQop {
        /// The challenge's realm.
        realm: String,
        /// The offered qop list as written.
        qop: String,
    },
    /// A challenge header does not parse.
    #[error("malformed {header} at byte {offset}: expected {expected}")]
    MalformedChallenge {
        /// `WWW-Authenticate` or `Proxy-Authenticate`.
        header: &'static str,
        /// Byte offset in the message.
        offset: usize,
        /// What the grammar expected there.
        expected: &'static str,
    },
    /// A digest challenge lacks a required parameter.
    #[error("digest challenge without {parameter}")]
    MissingParameter {
        /// `realm` or `nonce`.
        parameter: &'static str,
    },
    /// The realm challenged again, without `stale=true`, a request that
    /// already carried our answer (wrong user name or password), or kept
    /// answering `stale=true`: report the failure instead of retrying.
    #[error("credentials for realm \"{realm}\" were rejected")]
    Rejected {
        /// The realm that refused the credentials.
        realm: String,
    },
    /// The message the credentials are for is not a request with a
    /// Request-URI.
    #[error("credentials need a request with a UTF-8 Request-URI")]
    NotARequest,
}

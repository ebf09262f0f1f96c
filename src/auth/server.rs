//! The server side: challenging requests and checking their credentials.

use std::collections::{BTreeMap, VecDeque};

use super::digest::{self, constant_time_eq, DigestInput, QopParams, Secret};
use crate::message::headers::{
    Algorithm, AuthParamsBuilder, Authorization, Credentials, ProxyAuthorization, Qop,
};
use crate::message::Message;
use crate::rng::Rng;

/// The users a UAS or registrar knows, per user name.
///
/// ```
/// use sansip::auth::{Secret, UserStore};
/// let mut users = UserStore::new();
/// users.insert("alice", Secret::Password("secret".into()));
/// assert!(users.get("alice").is_some());
/// ```
#[derive(Debug, Clone, Default)]
pub struct UserStore {
    users: BTreeMap<String, Secret>,
}

impl UserStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the secret of `username` (a password, or an HA1 computed for
    /// the realm that [`verify_digest`] will be called with).
    pub fn insert(&mut self, username: impl Into<String>, secret: Secret) {
        self.users.insert(username.into(), secret);
    }

    /// The secret of `username`.
    pub fn get(&self, username: &str) -> Option<&Secret> {
        self.users.get(username)
    }

    /// The user whose `H(username:realm)` is `hash` (RFC 7616 §3.4.4).
    fn by_userhash(&self, alg: Algorithm<'_>, realm: &str, hash: &str) -> Option<(&str, &Secret)> {
        self.users.iter().find_map(|(name, secret)| {
            digest::userhash(alg, name, realm)
                .ok()
                .filter(|h| h.eq_ignore_ascii_case(hash))
                .map(|_| (name.as_str(), secret))
        })
    }
}

/// What a [`NonceCheck`] says of a nonce and nonce count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceState {
    /// Issued, still valid, and the count is higher than any before.
    Fresh,
    /// Not (or no longer) valid: re-challenge with `stale=true`.
    Stale,
    /// Valid, but the count was already used: a replay.
    Replayed,
}

/// Decides whether a nonce is current and its count new. Called by
/// [`verify_digest`] only after the digest itself checked out, so a
/// forged request cannot advance the counts.
pub trait NonceCheck {
    /// Checks `nonce` with count `nc`, recording `nc` when it is fresh.
    fn check(&mut self, nonce: &str, nc: u32) -> NonceState;
}

/// A bounded set of the nonces this server issued, with the highest nonce
/// count seen for each: the oldest is forgotten (and so becomes stale)
/// when more than `capacity` are live. Nonces and the opaque value come
/// from the caller's [`Rng`].
///
/// ```
/// use sansip::auth::{NonceCheck, NonceState, NonceTracker};
/// use sansip::rng::Rng;
/// let mut rng = Rng::new(5);
/// let mut t = NonceTracker::new(&mut rng, 16);
/// let n = t.issue(&mut rng);
/// assert_eq!(t.check(&n, 1), NonceState::Fresh);
/// assert_eq!(t.check(&n, 1), NonceState::Replayed);
/// assert_eq!(t.check("unknown", 1), NonceState::Stale);
/// ```
#[derive(Debug, Clone)]
pub struct NonceTracker {
    live: BTreeMap<String, u32>,
    order: VecDeque<String>,
    capacity: usize,
    opaque: String,
}

fn random_hex(rng: &mut Rng, bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rng.fill(&mut b);
    digest::to_hex(&b)
}

impl NonceTracker {
    /// A tracker keeping at most `capacity` (at least 1) live nonces; its
    /// opaque value is drawn from `rng`.
    pub fn new(rng: &mut Rng, capacity: usize) -> Self {
        NonceTracker {
            live: BTreeMap::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
            opaque: random_hex(rng, 8),
        }
    }

    /// A new nonce (128 random bits in hex), remembered with count 0.
    pub fn issue(&mut self, rng: &mut Rng) -> String {
        let nonce = random_hex(rng, 16);
        while self.order.len() >= self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.live.remove(&old);
            }
        }
        self.live.insert(nonce.clone(), 0);
        self.order.push_back(nonce.clone());
        nonce
    }

    /// Forgets `nonce` (it becomes stale).
    pub fn retire(&mut self, nonce: &str) {
        if self.live.remove(nonce).is_some() {
            self.order.retain(|n| n != nonce);
        }
    }

    /// The opaque value sent with every challenge.
    pub fn opaque(&self) -> &str {
        &self.opaque
    }

    /// A `WWW-Authenticate` (or `Proxy-Authenticate`) value with a new
    /// nonce: `Digest realm="..", nonce="..", opaque="..", algorithm=..,
    /// qop="auth"` and `stale=true` when `stale`.
    pub fn challenge(&mut self, rng: &mut Rng, params: &ChallengeParams<'_>) -> String {
        let nonce = self.issue(rng);
        let mut b = AuthParamsBuilder::new();
        b.quoted("realm", params.realm)
            .quoted("nonce", &nonce)
            .quoted("opaque", &self.opaque)
            .token("algorithm", params.algorithm.as_str())
            .quoted("qop", "auth");
        if params.stale {
            b.token("stale", "true");
        }
        format!("Digest {}", b.as_str())
    }
}

impl NonceCheck for NonceTracker {
    fn check(&mut self, nonce: &str, nc: u32) -> NonceState {
        match self.live.get_mut(nonce) {
            None => NonceState::Stale,
            Some(last) if nc <= *last => NonceState::Replayed,
            Some(last) => {
                *last = nc;
                NonceState::Fresh
            }
        }
    }
}

/// What a challenge says besides its nonce.
#[derive(Debug, Clone, Copy)]
pub struct ChallengeParams<'a> {
    /// The realm.
    pub realm: &'a str,
    /// The algorithm to ask for (SHA-256 unless old clients need MD5).
    pub algorithm: Algorithm<'a>,
    /// Whether to set `stale=true` (after [`Verdict::Stale`]).
    pub stale: bool,
}

/// Why credentials were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidReason {
    /// A required parameter (`username`, `nonce`, `uri`, `response`,
    /// `qop`, `nc`, `cnonce`) is missing.
    MissingParameter(&'static str),
    /// The algorithm is unknown, or the user's stored HA1 is for another.
    UnsupportedAlgorithm,
    /// The qop is neither `auth` nor `auth-int`.
    UnsupportedQop,
    /// The user name is not in the store.
    UnknownUser,
    /// `uri` differs from the Request-URI.
    UriMismatch,
    /// `opaque` differs from the one sent.
    OpaqueMismatch,
    /// The response digest is wrong (wrong password, or altered request).
    WrongResponse,
    /// The nonce count was used before.
    Replayed,
}

/// The outcome of [`verify_digest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The request carries no digest credentials for the realm: challenge.
    Missing,
    /// The credentials are good.
    Ok {
        /// The authenticated user.
        username: String,
    },
    /// The digest is right but the nonce is not current: challenge again
    /// with `stale=true` (no need to ask the user).
    Stale,
    /// The credentials are wrong: 403, or a new challenge.
    Invalid(InvalidReason),
}

/// Checks the `Authorization` credentials of `request` for `realm`
/// (RFC 7616 §3.4, RFC 3261 §22.4): the user is known, `uri` is the
/// Request-URI, the algorithm is supported, qop is `auth` or `auth-int`
/// with `nc` and `cnonce`, `opaque` matches `nonces`'s, and the response
/// digest recomputes; only then is the nonce asked about (current:
/// [`Verdict::Ok`]; unknown or expired: [`Verdict::Stale`]; count
/// reused: [`InvalidReason::Replayed`]).
pub fn verify_digest(
    request: &Message,
    users: &UserStore,
    realm: &str,
    nonces: &mut NonceTracker,
) -> Verdict {
    let opaque = nonces.opaque().to_owned();
    verify_digest_with(request, users, realm, Some(&opaque), nonces)
}

/// [`verify_digest`] with any [`NonceCheck`]; `opaque`, when given, must
/// be echoed by the client.
pub fn verify_digest_with(
    request: &Message,
    users: &UserStore,
    realm: &str,
    opaque: Option<&str>,
    nonces: &mut dyn NonceCheck,
) -> Verdict {
    verify_in(request, false, users, realm, opaque, nonces)
}

/// [`verify_digest`] for a proxy: reads `Proxy-Authorization` (the answer
/// to a 407 and its `Proxy-Authenticate`, RFC 3261 §22.3).
pub fn verify_proxy_digest(
    request: &Message,
    users: &UserStore,
    realm: &str,
    nonces: &mut NonceTracker,
) -> Verdict {
    let opaque = nonces.opaque().to_owned();
    verify_in(request, true, users, realm, Some(&opaque), nonces)
}

fn verify_in(
    request: &Message,
    proxy: bool,
    users: &UserStore,
    realm: &str,
    opaque: Option<&str>,
    nonces: &mut dyn NonceCheck,
) -> Verdict {
    let matching = |c: &Credentials<'_>| c.is_digest() && c.realm().as_deref() == Some(realm);
    let creds = if proxy {
        request
            .headers::<ProxyAuthorization>()
            .filter_map(Result::ok)
            .map(|a| a.0)
            .find(matching)
    } else {
        request
            .headers::<Authorization>()
            .filter_map(Result::ok)
            .map(|a| a.0)
            .find(matching)
    };
    let Some(creds) = creds else {
        return Verdict::Missing;
    };
    match check(request, users, realm, opaque, &creds) {
        Err(reason) => Verdict::Invalid(reason),
        Ok((username, nonce, nc)) => match nonces.check(&nonce, nc) {
            NonceState::Fresh => Verdict::Ok { username },
            NonceState::Stale => Verdict::Stale,
            NonceState::Replayed => Verdict::Invalid(InvalidReason::Replayed),
        },
    }
}

/// Everything but the nonce: the user name, nonce and count on success.
fn check(
    request: &Message,
    users: &UserStore,
    realm: &str,
    opaque: Option<&str>,
    creds: &Credentials<'_>,
) -> Result<(String, String, u32), InvalidReason> {
    use InvalidReason::*;
    let get = |v: Option<std::borrow::Cow<'_, str>>, name| {
        v.map(|v| v.into_owned()).ok_or(MissingParameter(name))
    };
    let username = get(creds.username(), "username")?;
    let nonce = get(creds.nonce(), "nonce")?;
    let uri = get(creds.uri(), "uri")?;
    let response = get(creds.response(), "response")?;
    let algorithm = creds.algorithm().unwrap_or_default();
    if !digest::is_supported(algorithm) {
        return Err(UnsupportedAlgorithm);
    }
    let qop = creds.qop().ok_or(MissingParameter("qop"))?;
    if !matches!(qop, Qop::Auth | Qop::AuthInt) {
        return Err(UnsupportedQop);
    }
    let nc = creds.nc().ok_or(MissingParameter("nc"))?;
    let cnonce = get(creds.cnonce(), "cnonce")?;
    if let Some(o) = opaque {
        if creds.opaque().as_deref() != Some(o) {
            return Err(OpaqueMismatch);
        }
    }
    if request.request_uri_str() != Some(uri.as_str()) {
        return Err(UriMismatch);
    }
    let (name, secret) = if creds.userhash() {
        users
            .by_userhash(algorithm, realm, &username)
            .ok_or(UnknownUser)?
    } else {
        (username.as_str(), users.get(&username).ok_or(UnknownUser)?)
    };
    if !secret.serves(algorithm) {
        return Err(UnsupportedAlgorithm);
    }
    let method = request.method().map_or("", |m| m.as_str());
    let input = DigestInput {
        algorithm,
        username: name,
        realm,
        nonce: &nonce,
        method,
        uri: &uri,
        body: request.body(),
        qop: Some(QopParams {
            qop,
            nc,
            cnonce: &cnonce,
        }),
    };
    let expected = digest::compute_response(&input, secret).map_err(|_| UnsupportedAlgorithm)?;
    if !constant_time_eq(&expected, &response.to_ascii_lowercase()) {
        return Err(WrongResponse);
    }
    Ok((name.to_owned(), nonce, nc))
}

//! The client side: answering 401/407 challenges.

use std::collections::BTreeMap;

use super::digest::{self, to_static, userhash, DigestInput, QopParams, Secret};
use super::AuthError;
use crate::message::headers::{
    Algorithm, AuthParams, AuthParamsBuilder, AuthenticationInfo, Authorization, Challenge,
    Credentials, ProxyAuthenticate, ProxyAuthorization, Qop, WwwAuthenticate,
};
use crate::message::{HeaderError, HeaderName, Message};
use crate::rng::Rng;

/// A user name and the secret that goes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCredentials {
    /// The user name (sent in clear unless the server asks for `userhash`).
    pub username: String,
    /// The password or a precomputed HA1.
    pub secret: Secret,
}

impl UserCredentials {
    /// A user name with a clear-text password.
    pub fn password(username: impl Into<String>, password: impl Into<String>) -> Self {
        UserCredentials {
            username: username.into(),
            secret: Secret::Password(password.into()),
        }
    }

    /// A user name with an HA1 (`H(username:realm:password)`) for the hash
    /// of `algorithm`.
    pub fn ha1(
        username: impl Into<String>,
        algorithm: Algorithm<'static>,
        ha1: impl Into<String>,
    ) -> Self {
        UserCredentials {
            username: username.into(),
            secret: Secret::Ha1 {
                algorithm,
                ha1: ha1.into(),
            },
        }
    }
}

/// Credentials per realm (compared exactly, as RFC 7616 says), with an
/// optional default for any other realm.
///
/// ```
/// use sansip::auth::{CredentialStore, UserCredentials};
/// let mut s = CredentialStore::new();
/// s.insert("atlanta.example.com", UserCredentials::password("alice", "secret"));
/// s.set_default(UserCredentials::password("alice", "other"));
/// assert_eq!(s.get("biloxi.example.com").unwrap().username, "alice");
/// ```
#[derive(Debug, Clone, Default)]
pub struct CredentialStore {
    realms: BTreeMap<String, UserCredentials>,
    default: Option<UserCredentials>,
}

impl CredentialStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the credentials for `realm` (replacing any).
    pub fn insert(&mut self, realm: impl Into<String>, creds: UserCredentials) {
        self.realms.insert(realm.into(), creds);
    }

    /// Removes the credentials for `realm`.
    pub fn remove(&mut self, realm: &str) -> Option<UserCredentials> {
        self.realms.remove(realm)
    }

    /// Sets the credentials used for any realm without its own.
    pub fn set_default(&mut self, creds: UserCredentials) {
        self.default = Some(creds);
    }

    /// The credentials for `realm`: its own, else the default.
    pub fn get(&self, realm: &str) -> Option<&UserCredentials> {
        self.realms.get(realm).or(self.default.as_ref())
    }
}

/// One credentials value to put on a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthHeader {
    /// `Proxy-Authorization` (answering `Proxy-Authenticate`) rather than
    /// `Authorization`.
    pub proxy: bool,
    /// The realm answered.
    pub realm: String,
    /// The whole value (`Digest username="...", ...`).
    pub value: String,
}

impl AuthHeader {
    /// `Authorization` or `Proxy-Authorization`.
    pub fn name(&self) -> HeaderName {
        if self.proxy {
            HeaderName::ProxyAuthorization
        } else {
            HeaderName::Authorization
        }
    }

    /// The value as typed credentials.
    pub fn credentials(&self) -> Credentials<'_> {
        let params = self.value.strip_prefix("Digest ").unwrap_or("");
        Credentials {
            scheme: "Digest",
            params: AuthParams::new(params),
        }
    }

    /// Appends this header to `request`.
    pub fn push_to(&self, request: &mut Message) {
        let c = self.credentials();
        if self.proxy {
            request.push_header(&ProxyAuthorization(c));
        } else {
            request.push_header(&Authorization(c));
        }
    }
}

/// How many `stale=true` challenges in a row a realm may send before the
/// client gives up (a server that calls every nonce stale would otherwise
/// loop forever).
const MAX_STALE_RETRIES: u8 = 3;

/// What the client remembers of a realm it answered.
#[derive(Debug, Clone)]
struct Session {
    nonce: String,
    opaque: Option<String>,
    algorithm: Algorithm<'static>,
    /// Whether the challenge named its algorithm (then the answer does too).
    algorithm_written: bool,
    qop: Option<Qop<'static>>,
    userhash: bool,
    /// The last nonce count sent with `nonce`.
    nc: u32,
    /// Whether the last credentials sent were reused ahead of a challenge
    /// (then a plain new challenge is answered once more).
    preemptive: bool,
    stale_retries: u8,
}

/// Answers digest challenges (RFC 3261 §22.2, RFC 7616 §3.4).
///
/// Keep one per registration or dialog: it remembers, per realm, the last
/// challenge answered so that the next request reuses the nonce with the
/// next nonce count ([`DigestClient::authorize`]).
///
/// - Every digest `WWW-Authenticate` and `Proxy-Authenticate` of the
///   response is read; each realm the store has credentials for is
///   answered once. Within a realm the strongest algorithm that the
///   secret serves wins (SHA-512-256, SHA-256, then MD5; plain before
///   `-sess`); other schemes and unknown algorithms are skipped.
/// - qop `auth` is chosen when offered, `auth-int` when it is the only
///   one; no qop gives the RFC 2069 form.
/// - `stale=true` is answered again with the new nonce. A realm that
///   challenges again, without `stale=true`, a request that carried our
///   answer gives [`AuthError::Rejected`]: report the failure.
///
/// ```
/// use bytes::Bytes;
/// use sansip::auth::{CredentialStore, DigestClient, UserCredentials};
/// use sansip::message::Message;
/// use sansip::rng::Rng;
///
/// let request = Message::parse(Bytes::from_static(
///     b"REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\
///       Call-ID: c\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n",
/// ))?;
/// let response = Message::parse(Bytes::from_static(
///     b"SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\
///       Call-ID: c\r\nCSeq: 1 REGISTER\r\n\
///       WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n1\", qop=\"auth\"\r\n\
///       Content-Length: 0\r\n\r\n",
/// ))?;
/// let mut store = CredentialStore::new();
/// store.insert("example.com", UserCredentials::password("alice", "secret"));
/// let mut client = DigestClient::new(store);
/// let answers = client.respond(&response, &request, &mut Rng::new(1))?;
/// assert_eq!(answers.len(), 1);
/// assert!(answers[0].value.starts_with("Digest username=\"alice\", realm=\"example.com\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct DigestClient {
    store: CredentialStore,
    sessions: BTreeMap<(bool, String), Session>,
}

/// Most realms whose challenge is remembered (nonce and count).
pub const MAX_SESSIONS: usize = 16;

fn rank(alg: Algorithm<'_>) -> u8 {
    match alg {
        Algorithm::Sha512_256 => 6,
        Algorithm::Sha512_256Sess => 5,
        Algorithm::Sha256 => 4,
        Algorithm::Sha256Sess => 3,
        Algorithm::Md5 => 2,
        Algorithm::Md5Sess => 1,
        _ => 0,
    }
}

/// The qop to answer with: `Ok(None)` when the challenge offers none.
fn choose_qop(c: &Challenge<'_>) -> Result<Option<Qop<'static>>, String> {
    let Some(opts) = c.qop_options() else {
        return Ok(None);
    };
    if opts.contains(Qop::Auth) {
        Ok(Some(Qop::Auth))
    } else if opts.contains(Qop::AuthInt) {
        Ok(Some(Qop::AuthInt))
    } else {
        Err(opts.as_str().to_owned())
    }
}

fn malformed(e: HeaderError) -> AuthError {
    match e {
        HeaderError::Invalid {
            header,
            offset,
            expected,
        } => AuthError::MalformedChallenge {
            header,
            offset,
            expected,
        },
        HeaderError::Missing { header } => AuthError::MalformedChallenge {
            header,
            offset: 0,
            expected: "a value",
        },
    }
}

/// Realms of the digest credentials `request` carries, per kind.
fn carried_realms(request: &Message, proxy: bool) -> Vec<String> {
    fn realms<'m>(it: impl Iterator<Item = Option<Credentials<'m>>>) -> Vec<String> {
        it.flatten()
            .filter(|c| c.is_digest())
            .filter_map(|c| c.realm().map(|r| r.into_owned()))
            .collect()
    }
    if proxy {
        realms(
            request
                .headers::<ProxyAuthorization>()
                .map(|r| r.ok().map(|h| h.0)),
        )
    } else {
        realms(
            request
                .headers::<Authorization>()
                .map(|r| r.ok().map(|h| h.0)),
        )
    }
}

impl DigestClient {
    /// A client answering with the credentials in `store`.
    pub fn new(store: CredentialStore) -> Self {
        DigestClient {
            store,
            sessions: BTreeMap::new(),
        }
    }

    /// The credentials.
    pub fn store(&self) -> &CredentialStore {
        &self.store
    }

    /// The credentials, to change them (a changed password is used from
    /// the next challenge on).
    pub fn store_mut(&mut self) -> &mut CredentialStore {
        &mut self.store
    }

    /// Realms whose challenge is remembered (at most [`MAX_SESSIONS`]).
    pub fn remembered_realms(&self) -> usize {
        self.sessions.len()
    }

    /// Forgets every remembered challenge (nonces and counts).
    pub fn reset(&mut self) {
        self.sessions.clear();
    }

    /// The credentials to put on the retry of `request`, which got the 401
    /// or 407 `response`: one value per challenged realm that the store has
    /// credentials for, plus fresh values (next nonce count) for the other
    /// realms `request` already carried credentials for. Replace all the
    /// `Authorization` and `Proxy-Authorization` fields of the retry with
    /// these (see [`AuthHeader::push_to`]).
    ///
    /// Errors when nothing can be answered (the first reason found), or
    /// [`AuthError::Rejected`] when a realm refused our answer: the caller
    /// reports the failure and stops retrying.
    pub fn respond(
        &mut self,
        response: &Message,
        request: &Message,
        rng: &mut Rng,
    ) -> Result<Vec<AuthHeader>, AuthError> {
        let method = request.method().ok_or(AuthError::NotARequest)?.as_str();
        let uri = request.request_uri_str().ok_or(AuthError::NotARequest)?;
        let body = request.body();

        // Every digest challenge, grouped by (proxy, realm) in order.
        let mut first_error: Option<AuthError> = None;
        let note = |e: AuthError, first: &mut Option<AuthError>| {
            if first.is_none() {
                *first = Some(e);
            }
        };
        let mut groups: Vec<((bool, String), Vec<Challenge<'_>>)> = Vec::new();
        let www = response
            .headers::<WwwAuthenticate>()
            .map(|r| (false, r.map(|h| h.0)));
        let proxy = response
            .headers::<ProxyAuthenticate>()
            .map(|r| (true, r.map(|h| h.0)));
        for (is_proxy, c) in www.chain(proxy) {
            let c = match c {
                Ok(c) => c,
                Err(e) => {
                    note(malformed(e), &mut first_error);
                    continue;
                }
            };
            if !c.is_digest() {
                continue;
            }
            let Some(realm) = c.realm() else {
                note(
                    AuthError::MissingParameter { parameter: "realm" },
                    &mut first_error,
                );
                continue;
            };
            if c.nonce().is_none() {
                note(
                    AuthError::MissingParameter { parameter: "nonce" },
                    &mut first_error,
                );
                continue;
            }
            let key = (is_proxy, realm.into_owned());
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push(c),
                None => groups.push((key, vec![c])),
            }
        }

        let mut out = Vec::new();
        for ((is_proxy, realm), challenges) in &groups {
            let Some(creds) = self.store.get(realm) else {
                note(
                    AuthError::NoCredentials {
                        realm: realm.clone(),
                    },
                    &mut first_error,
                );
                continue;
            };
            // The strongest usable challenge of the realm.
            let mut best: Option<(u8, &Challenge<'_>, Algorithm<'static>, Option<Qop<'static>>)> =
                None;
            for c in challenges {
                let alg = c.algorithm().unwrap_or_default();
                let Some(alg) = to_static(alg).filter(|&a| creds.secret.serves(a)) else {
                    note(
                        AuthError::UnsupportedAlgorithm {
                            realm: Some(realm.clone()),
                            algorithm: alg.as_str().to_owned(),
                        },
                        &mut first_error,
                    );
                    continue;
                };
                let qop = match choose_qop(c) {
                    Ok(q) => q,
                    Err(qop) => {
                        note(
                            AuthError::UnsupportedQop {
                                realm: realm.clone(),
                                qop,
                            },
                            &mut first_error,
                        );
                        continue;
                    }
                };
                if best.as_ref().map_or(true, |b| rank(alg) > b.0) {
                    best = Some((rank(alg), c, alg, qop));
                }
            }
            let Some((_, c, algorithm, qop)) = best else {
                continue;
            };

            // Loop protection.
            let key = (*is_proxy, realm.clone());
            let prev = self.sessions.get(&key);
            let carried = carried_realms(request, *is_proxy).contains(realm);
            let mut stale_retries = 0;
            if carried {
                if c.stale() {
                    stale_retries = prev.map_or(0, |p| p.stale_retries).saturating_add(1);
                    if stale_retries > MAX_STALE_RETRIES {
                        return Err(AuthError::Rejected {
                            realm: realm.clone(),
                        });
                    }
                } else if !prev.is_some_and(|p| p.preemptive) {
                    return Err(AuthError::Rejected {
                        realm: realm.clone(),
                    });
                }
            }
            let nonce = c.nonce().unwrap_or_default().into_owned();
            let nc = match prev {
                Some(p) if p.nonce == nonce => p.nc,
                _ => 0,
            };
            let mut session = Session {
                nonce,
                opaque: c.opaque().map(|o| o.into_owned()),
                algorithm,
                algorithm_written: c.algorithm().is_some(),
                qop,
                userhash: c.userhash(),
                nc,
                preemptive: false,
                stale_retries,
            };
            let req = RequestParts { method, uri, body };
            out.push(answer(&mut session, *is_proxy, realm, creds, &req, rng)?);
            // Realms are the server's choice: a hostile one could invent
            // a new realm per challenge. Keep a bounded few.
            if !self.sessions.contains_key(&key) && self.sessions.len() >= MAX_SESSIONS {
                if let Some(oldest) = self.sessions.keys().next().cloned() {
                    self.sessions.remove(&oldest);
                }
            }
            self.sessions.insert(key, session);
        }
        if out.is_empty() {
            return Err(first_error.unwrap_or(AuthError::NoChallenge {
                status: response.status().unwrap_or(0),
            }));
        }

        // Realms the request carried but this response did not challenge.
        for ((is_proxy, realm), session) in &mut self.sessions {
            if groups
                .iter()
                .any(|(k, _)| k.0 == *is_proxy && k.1 == *realm)
                || !carried_realms(request, *is_proxy).contains(realm)
            {
                continue;
            }
            if let Some(creds) = self.store.get(realm) {
                let req = RequestParts { method, uri, body };
                out.push(answer(session, *is_proxy, realm, creds, &req, rng)?);
            }
        }
        Ok(out)
    }

    /// Reads the `Authentication-Info` of a 2xx to `request` (RFC 7616
    /// §3.5): a `nextnonce` replaces the nonce of the realm the request was
    /// authorized for, so the next request uses it from count 1. (`rspauth`
    /// is not checked.)
    pub fn on_success(&mut self, response: &Message, request: &Message) {
        let Ok(Some(info)) = response.header_opt::<AuthenticationInfo>() else {
            return;
        };
        let Some(next) = info.nextnonce() else {
            return;
        };
        let realms = carried_realms(request, false);
        // The header names no realm: only unambiguous when one was used.
        if let [realm] = &realms[..] {
            if let Some(session) = self.sessions.get_mut(&(false, realm.clone())) {
                session.nonce = next.into_owned();
                session.nc = 0;
            }
        }
    }

    /// Credentials for a new `request` from the challenges answered before
    /// (RFC 7616 §3.4: the nonce is reused with the next nonce count), one
    /// per remembered realm; empty before any challenge. A realm that then
    /// challenges without `stale=true` is answered once more (the nonce may
    /// simply have expired).
    pub fn authorize(
        &mut self,
        request: &Message,
        rng: &mut Rng,
    ) -> Result<Vec<AuthHeader>, AuthError> {
        let method = request.method().ok_or(AuthError::NotARequest)?.as_str();
        let uri = request.request_uri_str().ok_or(AuthError::NotARequest)?;
        let req = RequestParts {
            method,
            uri,
            body: request.body(),
        };
        let mut out = Vec::new();
        for ((is_proxy, realm), session) in &mut self.sessions {
            if let Some(creds) = self.store.get(realm) {
                out.push(answer(session, *is_proxy, realm, creds, &req, rng)?);
                session.preemptive = true;
                session.stale_retries = 0;
            }
        }
        Ok(out)
    }
}

/// What of the request goes into the digest.
struct RequestParts<'a> {
    method: &'a str,
    uri: &'a str,
    body: &'a [u8],
}

/// 16 random bytes in hex.
fn cnonce(rng: &mut Rng) -> String {
    let mut b = [0u8; 16];
    rng.fill(&mut b);
    digest::to_hex(&b)
}

/// The next credentials value for `session` (nonce count advanced).
fn answer(
    session: &mut Session,
    proxy: bool,
    realm: &str,
    creds: &UserCredentials,
    req: &RequestParts<'_>,
    rng: &mut Rng,
) -> Result<AuthHeader, AuthError> {
    session.nc = session.nc.wrapping_add(1).max(1);
    let cn = session.qop.map(|_| cnonce(rng));
    let qop = session
        .qop
        .zip(cn.as_deref())
        .map(|(qop, cnonce)| QopParams {
            qop,
            nc: session.nc,
            cnonce,
        });
    let input = DigestInput {
        algorithm: session.algorithm,
        username: &creds.username,
        realm,
        nonce: &session.nonce,
        method: req.method,
        uri: req.uri,
        body: req.body,
        qop,
    };
    let response = digest::compute_response(&input, &creds.secret)?;
    let username = if session.userhash {
        userhash(session.algorithm, &creds.username, realm)?
    } else {
        creds.username.clone()
    };
    let mut b = AuthParamsBuilder::new();
    b.quoted("username", &username)
        .quoted("realm", realm)
        .quoted("nonce", &session.nonce)
        .quoted("uri", req.uri)
        .quoted("response", &response);
    if session.algorithm_written {
        b.token("algorithm", session.algorithm.as_str());
    }
    if let Some(q) = qop {
        b.token("qop", q.qop.as_str())
            .nc(q.nc)
            .quoted("cnonce", q.cnonce);
    }
    if let Some(o) = &session.opaque {
        b.quoted("opaque", o);
    }
    if session.userhash {
        b.token("userhash", "true");
    }
    Ok(AuthHeader {
        proxy,
        realm: realm.to_owned(),
        value: format!("Digest {}", b.as_str()),
    })
}

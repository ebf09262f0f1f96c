//! Digest authentication: RFC vectors, the client's challenge handling and
//! the server-side check.

use bytes::Bytes;
use sansip::auth::digest::{
    compute_response, ha1, ha2, response, sess_ha1, userhash, DigestInput, QopParams,
};
use sansip::auth::{
    verify_digest, AuthError, AuthHeader, ChallengeParams, CredentialStore, DigestClient,
    InvalidReason, NonceTracker, Secret, UserCredentials, UserStore, Verdict,
};
use sansip::message::headers::{Algorithm, Authorization, Qop};
use sansip::message::{HeaderName, Message};
use sansip::rng::Rng;

// RFC 7616 §3.9.1 (values as published in the RFC; cross-checked against
// Python's hashlib).
const R7616_REALM: &str = "http-auth@example.org";
const R7616_NONCE: &str = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
const R7616_CNONCE: &str = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

fn rfc7616(alg: Algorithm<'_>) -> String {
    let input = DigestInput {
        algorithm: alg,
        username: "Mufasa",
        realm: R7616_REALM,
        nonce: R7616_NONCE,
        method: "GET",
        uri: "/dir/index.html",
        body: b"",
        qop: Some(QopParams {
            qop: Qop::Auth,
            nc: 1,
            cnonce: R7616_CNONCE,
        }),
    };
    compute_response(&input, &Secret::Password("Circle of Life".into())).unwrap()
}

#[test]
fn rfc_7616_md5_example() {
    assert_eq!(rfc7616(Algorithm::Md5), "8ca523f5e9506fed4657c9700eebdbec");
}

#[test]
fn rfc_7616_sha_256_example() {
    assert_eq!(
        rfc7616(Algorithm::Sha256),
        "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
    );
}

#[test]
fn rfc_2617_example_and_the_rfc_2069_form() {
    let a = Algorithm::Md5;
    let h1 = ha1(a, "Mufasa", "testrealm@host.com", "Circle Of Life").unwrap();
    let h2 = ha2(a, Some(Qop::Auth), "GET", "/dir/index.html", b"").unwrap();
    let nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
    let q = QopParams {
        qop: Qop::Auth,
        nc: 1,
        cnonce: "0a4f113b",
    };
    assert_eq!(
        response(a, &h1, nonce, Some(q), &h2).unwrap(),
        "6629fae49393a05397450978507c4ef1"
    );
    // No qop (RFC 2617 §3.2.2.1): H(HA1:nonce:HA2); value from hashlib.
    assert_eq!(
        response(a, &h1, nonce, None, &h2).unwrap(),
        "670fd8c2df070c60b045671b8b24ff02"
    );
}

// The next values come from an independent Python hashlib computation.
const SIP_URI: &str = "sip:bob@biloxi.example.com";

#[test]
fn auth_int_hashes_the_body() {
    let a = Algorithm::Md5;
    let h1 = ha1(a, "bob", "biloxi.example.com", "zanzibar").unwrap();
    let h2 = ha2(a, Some(Qop::AuthInt), "INVITE", SIP_URI, b"v=0\r\n").unwrap();
    let q = QopParams {
        qop: Qop::AuthInt,
        nc: 2,
        cnonce: "c1",
    };
    assert_eq!(
        response(a, &h1, "n0nce", Some(q), &h2).unwrap(),
        "b52e7498c1a092ff16deeb2a0ed6460e"
    );
    // With qop=auth the body does not count.
    assert_eq!(
        ha2(a, Some(Qop::Auth), "INVITE", SIP_URI, b"x").unwrap(),
        ha2(a, None, "INVITE", SIP_URI, b"").unwrap()
    );
}

#[test]
fn sess_algorithms_fold_the_nonces_into_ha1() {
    for (alg, expected) in [
        (Algorithm::Md5Sess, "8e8f48c02e9b150d3980cfeadeb274af"),
        (
            Algorithm::Sha256Sess,
            "2bb7cf7faaf189ea982d7999127dcfb563d3c7ef627550cd08b03432feca491e",
        ),
    ] {
        let input = DigestInput {
            algorithm: alg,
            username: "bob",
            realm: "biloxi.example.com",
            nonce: "n0nce",
            method: "INVITE",
            uri: SIP_URI,
            body: b"",
            qop: Some(QopParams {
                qop: Qop::Auth,
                nc: 1,
                cnonce: "c1",
            }),
        };
        let pw = Secret::Password("zanzibar".into());
        assert_eq!(compute_response(&input, &pw).unwrap(), expected, "{alg}");
        // The same from a stored plain HA1.
        let h1 = ha1(alg, "bob", "biloxi.example.com", "zanzibar").unwrap();
        let stored = Secret::Ha1 {
            algorithm: Algorithm::from_token(if alg == Algorithm::Md5Sess {
                "MD5"
            } else {
                "SHA-256"
            }),
            ha1: h1.clone(),
        };
        assert_eq!(compute_response(&input, &stored).unwrap(), expected);
        assert_ne!(sess_ha1(alg, &h1, "n0nce", "c1").unwrap(), h1);
    }
}

#[test]
fn userhash_is_h_of_user_and_realm() {
    assert_eq!(
        userhash(Algorithm::Sha256, "Mufasa", R7616_REALM).unwrap(),
        "a947aad205e80e429958a387394944c6b496301e79f89d35a4cc23b6ee12b5b6"
    );
}

// ---- client ----------------------------------------------------------

fn msg(text: &str) -> Message {
    Message::parse(Bytes::from(text.replace('\n', "\r\n"))).unwrap()
}

fn register(extra: &str) -> Message {
    msg(&format!(
        "REGISTER sip:biloxi.example.com SIP/2.0\n\
         Via: SIP/2.0/UDP bobspc.biloxi.example.com;branch=z9hG4bKnashds7\n\
         Call-ID: 843817637684230@998sdasdh09\nCSeq: 1826 REGISTER\n\
         {extra}Content-Length: 0\n\n"
    ))
}

fn challenge(status: &str, headers: &[&str]) -> Message {
    let mut h = String::new();
    for x in headers {
        h.push_str(x);
        h.push('\n');
    }
    msg(&format!(
        "SIP/2.0 {status}\n\
         Via: SIP/2.0/UDP bobspc.biloxi.example.com;branch=z9hG4bKnashds7\n\
         Call-ID: 843817637684230@998sdasdh09\nCSeq: 1826 REGISTER\n\
         {h}Content-Length: 0\n\n"
    ))
}

/// The request with `answers` as its credentials.
fn retry(answers: &[AuthHeader]) -> Message {
    let mut r = register("");
    for a in answers {
        a.push_to(&mut r);
    }
    r
}

fn client() -> DigestClient {
    let mut s = CredentialStore::new();
    s.insert(
        "biloxi.example.com",
        UserCredentials::password("bob", "zanzibar"),
    );
    s.insert(
        "proxy.example.com",
        UserCredentials::password("bob-p", "px"),
    );
    DigestClient::new(s)
}

fn param(a: &AuthHeader, name: &str) -> Option<String> {
    a.credentials()
        .params
        .get_unquoted(name)
        .map(|v| v.into_owned())
}

const W_MD5: &str =
    "WWW-Authenticate: Digest realm=\"biloxi.example.com\", nonce=\"n-md5\", qop=\"auth\", algorithm=MD5";
const W_SHA: &str = "WWW-Authenticate: Digest realm=\"biloxi.example.com\", nonce=\"n-sha\", qop=\"auth\", algorithm=SHA-256, opaque=\"op\"";

#[test]
fn sha_256_is_preferred_over_md5() {
    let resp = challenge("401 Unauthorized", &[W_MD5, W_SHA]);
    let a = client()
        .respond(&resp, &register(""), &mut Rng::new(1))
        .unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].name(), HeaderName::Authorization);
    assert_eq!(param(&a[0], "algorithm").as_deref(), Some("SHA-256"));
    assert_eq!(param(&a[0], "nonce").as_deref(), Some("n-sha"));
    assert_eq!(param(&a[0], "opaque").as_deref(), Some("op"));
    assert_eq!(param(&a[0], "response").unwrap().len(), 64);
    assert_eq!(a[0].credentials().nc(), Some(1));
}

#[test]
fn two_realms_in_one_407_are_both_answered() {
    let resp = challenge(
        "407 Proxy Authentication Required",
        &[
            "Proxy-Authenticate: Digest realm=\"proxy.example.com\", nonce=\"p1\", qop=\"auth\"",
            "Proxy-Authenticate: Digest realm=\"biloxi.example.com\", nonce=\"b1\"",
            "Proxy-Authenticate: Digest realm=\"unknown.example.com\", nonce=\"u1\"",
            "Proxy-Authenticate: Bearer realm=\"x\"",
        ],
    );
    let a = client()
        .respond(&resp, &register(""), &mut Rng::new(1))
        .unwrap();
    let realms: Vec<_> = a.iter().map(|h| (h.proxy, h.realm.as_str())).collect();
    assert_eq!(
        realms,
        [(true, "proxy.example.com"), (true, "biloxi.example.com")]
    );
    assert_eq!(a[0].name(), HeaderName::ProxyAuthorization);
    assert_eq!(param(&a[0], "username").as_deref(), Some("bob-p"));
    // No qop offered: the RFC 2069 form, without nc or cnonce.
    assert_eq!(param(&a[1], "qop"), None);
    assert_eq!(param(&a[1], "cnonce"), None);
    assert_eq!(param(&a[1], "algorithm"), None);
}

#[test]
fn nonce_count_increments_when_the_nonce_is_reused() {
    let mut c = client();
    let mut rng = Rng::new(3);
    let first = c
        .respond(
            &challenge("401 Unauthorized", &[W_MD5]),
            &register(""),
            &mut rng,
        )
        .unwrap();
    assert_eq!(first[0].value.matches("nc=00000001").count(), 1);
    let next = c.authorize(&register(""), &mut rng).unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].credentials().nc(), Some(2));
    assert_ne!(param(&next[0], "cnonce"), param(&first[0], "cnonce"));
    let third = c.authorize(&register(""), &mut rng).unwrap();
    assert_eq!(third[0].credentials().nc(), Some(3));
    // The preemptive answer's nonce expired: a plain challenge is answered
    // once more, with nc back at 1 for the new nonce.
    let again = c
        .respond(
            &challenge(
                "401 Unauthorized",
                &["WWW-Authenticate: Digest realm=\"biloxi.example.com\", nonce=\"n2\", qop=\"auth\""],
            ),
            &retry(&third),
            &mut rng,
        )
        .unwrap();
    assert_eq!(again[0].credentials().nc(), Some(1));
    assert_eq!(param(&again[0], "nonce").as_deref(), Some("n2"));
}

#[test]
fn stale_is_retried_and_a_second_plain_401_is_rejected() {
    let mut c = client();
    let mut rng = Rng::new(4);
    let a1 = c
        .respond(
            &challenge("401 Unauthorized", &[W_MD5]),
            &register(""),
            &mut rng,
        )
        .unwrap();
    let stale = "WWW-Authenticate: Digest realm=\"biloxi.example.com\", nonce=\"fresh\", qop=\"auth\", stale=true";
    let a2 = c
        .respond(
            &challenge("401 Unauthorized", &[stale]),
            &retry(&a1),
            &mut rng,
        )
        .unwrap();
    assert_eq!(param(&a2[0], "nonce").as_deref(), Some("fresh"));
    assert_eq!(a2[0].credentials().nc(), Some(1));
    let e = c
        .respond(
            &challenge("401 Unauthorized", &[W_MD5]),
            &retry(&a2),
            &mut rng,
        )
        .unwrap_err();
    assert_eq!(
        e,
        AuthError::Rejected {
            realm: "biloxi.example.com".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "credentials for realm \"biloxi.example.com\" were rejected"
    );
}

#[test]
fn endless_stale_challenges_end_in_rejected() {
    let mut c = client();
    let mut rng = Rng::new(4);
    let stale = "WWW-Authenticate: Digest realm=\"biloxi.example.com\", nonce=\"s\", stale=true";
    let mut req = register("");
    let mut n = 0;
    let err = loop {
        match c.respond(&challenge("401 Unauthorized", &[stale]), &req, &mut rng) {
            Ok(a) => req = retry(&a),
            Err(e) => break e,
        }
        n += 1;
        assert!(n < 10, "loops");
    };
    assert!(matches!(err, AuthError::Rejected { .. }));
}

#[test]
fn unknown_algorithm_only_is_an_error() {
    let resp = challenge(
        "401 Unauthorized",
        &["WWW-Authenticate: Digest realm=\"biloxi.example.com\", nonce=\"n\", algorithm=SHA-1"],
    );
    let e = client()
        .respond(&resp, &register(""), &mut Rng::new(1))
        .unwrap_err();
    assert_eq!(
        e,
        AuthError::UnsupportedAlgorithm {
            realm: Some("biloxi.example.com".into()),
            algorithm: "SHA-1".into()
        }
    );
}

#[test]
fn other_failures_say_why() {
    let no_creds = challenge(
        "401 Unauthorized",
        &["WWW-Authenticate: Digest realm=\"elsewhere\", nonce=\"n\""],
    );
    assert_eq!(
        client()
            .respond(&no_creds, &register(""), &mut Rng::new(1))
            .unwrap_err(),
        AuthError::NoCredentials {
            realm: "elsewhere".into()
        }
    );
    let bad = challenge("401 Unauthorized", &["WWW-Authenticate: Digest realm=\"x"]);
    let e = client()
        .respond(&bad, &register(""), &mut Rng::new(1))
        .unwrap_err();
    assert!(
        matches!(
            e,
            AuthError::MalformedChallenge {
                header: "WWW-Authenticate",
                expected: "a closing quote",
                ..
            }
        ),
        "{e:?}"
    );
    let none = challenge("401 Unauthorized", &[]);
    assert_eq!(
        client()
            .respond(&none, &register(""), &mut Rng::new(1))
            .unwrap_err(),
        AuthError::NoChallenge { status: 401 }
    );
}

#[test]
fn auth_int_alone_is_used_and_userhash_hides_the_name() {
    let resp = challenge(
        "401 Unauthorized",
        &["WWW-Authenticate: Digest realm=\"biloxi.example.com\", nonce=\"n\", qop=\"auth-int\", algorithm=SHA-256, userhash=true"],
    );
    let a = client()
        .respond(&resp, &register(""), &mut Rng::new(1))
        .unwrap();
    assert_eq!(a[0].credentials().qop(), Some(Qop::AuthInt));
    assert!(a[0].credentials().userhash());
    assert_eq!(
        param(&a[0], "username").unwrap(),
        userhash(Algorithm::Sha256, "bob", "biloxi.example.com").unwrap()
    );
}

#[test]
fn same_seed_same_bytes() {
    let resp = challenge("401 Unauthorized", &[W_MD5, W_SHA]);
    let run = |seed| {
        client()
            .respond(&resp, &register(""), &mut Rng::new(seed))
            .unwrap()
    };
    assert_eq!(run(9), run(9));
    assert_ne!(run(9)[0].value, run(10)[0].value);
    let v = &run(9)[0].value;
    assert!(v.starts_with(
        "Digest username=\"bob\", realm=\"biloxi.example.com\", nonce=\"n-sha\", uri=\"sip:biloxi.example.com\", response=\""
    ), "{v}");
    assert_eq!(param(&run(9)[0], "cnonce").unwrap().len(), 32);
}

// ---- server ----------------------------------------------------------

struct Uas {
    rng: Rng,
    nonces: NonceTracker,
    users: UserStore,
}

const REALM: &str = "biloxi.example.com";

impl Uas {
    fn new() -> Self {
        let mut rng = Rng::new(77);
        let nonces = NonceTracker::new(&mut rng, 2);
        let mut users = UserStore::new();
        users.insert("bob", Secret::Password("zanzibar".into()));
        Uas { rng, nonces, users }
    }
    fn challenge(&mut self, stale: bool) -> Message {
        let v = self.nonces.challenge(
            &mut self.rng,
            &ChallengeParams {
                realm: REALM,
                algorithm: Algorithm::Sha256,
                stale,
            },
        );
        challenge("401 Unauthorized", &[&format!("WWW-Authenticate: {v}")])
    }
    fn verify(&mut self, req: &Message) -> Verdict {
        verify_digest(req, &self.users, REALM, &mut self.nonces)
    }
}

#[test]
fn server_accepts_the_client_answer_and_refuses_replays() {
    let mut uas = Uas::new();
    let mut c = client();
    let mut rng = Rng::new(5);
    assert_eq!(uas.verify(&register("")), Verdict::Missing);
    let a = c
        .respond(&uas.challenge(false), &register(""), &mut rng)
        .unwrap();
    let req = retry(&a);
    assert_eq!(
        uas.verify(&req),
        Verdict::Ok {
            username: "bob".into()
        }
    );
    assert_eq!(uas.verify(&req), Verdict::Invalid(InvalidReason::Replayed));
    // The next request with nc=2 is fine.
    let next = retry(&c.authorize(&register(""), &mut rng).unwrap());
    assert_eq!(
        uas.verify(&next),
        Verdict::Ok {
            username: "bob".into()
        }
    );
}

#[test]
fn server_refuses_a_wrong_password() {
    let mut uas = Uas::new();
    let mut s = CredentialStore::new();
    s.insert(REALM, UserCredentials::password("bob", "wrong"));
    let a = DigestClient::new(s)
        .respond(&uas.challenge(false), &register(""), &mut Rng::new(1))
        .unwrap();
    assert_eq!(
        uas.verify(&retry(&a)),
        Verdict::Invalid(InvalidReason::WrongResponse)
    );
}

#[test]
fn server_calls_an_old_nonce_stale_and_the_client_recovers() {
    let mut uas = Uas::new();
    let mut c = client();
    let mut rng = Rng::new(6);
    let a = c
        .respond(&uas.challenge(false), &register(""), &mut rng)
        .unwrap();
    // Two more nonces issued: the tracker (capacity 2) forgets the first.
    uas.challenge(false);
    uas.challenge(false);
    let req = retry(&a);
    assert_eq!(uas.verify(&req), Verdict::Stale);
    let a2 = c.respond(&uas.challenge(true), &req, &mut rng).unwrap();
    assert_eq!(
        uas.verify(&retry(&a2)),
        Verdict::Ok {
            username: "bob".into()
        }
    );
}

#[test]
fn server_checks_uri_and_opaque() {
    let mut uas = Uas::new();
    let a = client()
        .respond(&uas.challenge(false), &register(""), &mut Rng::new(1))
        .unwrap();
    let other_uri = a[0].value.replace(
        "uri=\"sip:biloxi.example.com\"",
        "uri=\"sip:x.example.com\"",
    );
    let mut req = register("");
    req.push_header(&Authorization(
        sansip::message::headers::Credentials::parse(&other_uri).unwrap(),
    ));
    assert_eq!(
        uas.verify(&req),
        Verdict::Invalid(InvalidReason::UriMismatch)
    );
    let no_opaque = a[0].value.split(", opaque=").next().unwrap().to_owned();
    let mut req = register("");
    req.push_header(&Authorization(
        sansip::message::headers::Credentials::parse(&no_opaque).unwrap(),
    ));
    assert_eq!(
        uas.verify(&req),
        Verdict::Invalid(InvalidReason::OpaqueMismatch)
    );
}

#[test]
fn a_server_inventing_realms_cannot_grow_the_remembered_challenges() {
    let mut store = CredentialStore::new();
    store.set_default(UserCredentials::password("bob", "zanzibar"));
    let mut c = DigestClient::new(store);
    let mut rng = Rng::new(3);
    for k in 0..200 {
        let www = format!(
            "WWW-Authenticate: Digest realm=\"r{k}.example.com\", nonce=\"n{k}\", qop=\"auth\""
        );
        c.respond(
            &challenge("401 Unauthorized", &[&www]),
            &register(""),
            &mut rng,
        )
        .expect("answered");
        assert!(c.remembered_realms() <= sansip::auth::MAX_SESSIONS);
    }
    assert_eq!(c.remembered_realms(), sansip::auth::MAX_SESSIONS);
}

#[test]
fn a_proxy_checks_proxy_authorization_and_ignores_authorization() {
    let mut uas = Uas::new();
    let mut c = client();
    let mut rng = Rng::new(8);
    let v = uas.nonces.challenge(
        &mut uas.rng,
        &ChallengeParams {
            realm: REALM,
            algorithm: Algorithm::Sha256,
            stale: false,
        },
    );
    let resp = challenge(
        "407 Proxy Authentication Required",
        &[&format!("Proxy-Authenticate: {v}")],
    );
    let answers = c.respond(&resp, &register(""), &mut rng).unwrap();
    assert_eq!(answers[0].name(), HeaderName::ProxyAuthorization);
    let req = retry(&answers);
    assert_eq!(
        sansip::auth::verify_proxy_digest(&req, &uas.users, REALM, &mut uas.nonces),
        Verdict::Ok {
            username: "bob".into()
        }
    );
    // The same credentials are not a user agent's Authorization.
    assert_eq!(uas.verify(&req), Verdict::Missing);
}

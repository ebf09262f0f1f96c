//! The test registrar and proxy (`support::Registrar`) proved against a
//! scripted client: digest challenges (MD5, SHA-256, both, stale nonces,
//! a wrong password), 423, binding expiry, GRUU, Path, Service-Route,
//! scripted failures, and a MESSAGE forwarded to a registered contact.

mod support;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use sansip::auth::{AuthError, CredentialStore, DigestClient, UserCredentials};
use sansip::message::headers::{
    Algorithm, Authorization, CSeq, Contact, MaxForwards, MinExpires, Path, Route, ServiceRoute,
    WwwAuthenticate,
};
use sansip::message::{HeaderName, Message, Method, RequestBuilder, ResponseBuilder};
use sansip::rng::Rng;
use sansip::transaction::{Target, TransactionLayer, TxConfig, TxEvent, TxId};
use support::{addr, Net, NodeHandle, Registrar, RegistrarConfig, Tu, TxNode};

const MAX_STEPS: u64 = 100_000;
const ALICE: &str = "sip:alice@example.com";

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// A scripted UA: sends what it is given, answers 401/407 with a
/// [`DigestClient`] (new CSeq, same Call-ID), answers requests it
/// receives with 200, and records everything.
struct Client {
    local: SocketAddr,
    registrar: SocketAddr,
    digest: DigestClient,
    rng: Rng,
    sent: BTreeMap<TxId, Message>,
    /// Final responses, in order.
    responses: Vec<(Instant, Message)>,
    /// Why a challenge was not answered.
    auth_errors: Vec<AuthError>,
    /// Transactions that timed out.
    timeouts: usize,
    /// Requests received (answered 200).
    incoming: Vec<(Instant, Message)>,
}

impl Client {
    fn new(local: SocketAddr, registrar: SocketAddr, user: &str, password: &str) -> Self {
        let mut store = CredentialStore::new();
        store.set_default(UserCredentials::password(user, password));
        Client {
            local,
            registrar,
            digest: DigestClient::new(store),
            rng: Rng::new(u64::from(local.port()) ^ 77),
            sent: BTreeMap::new(),
            responses: Vec::new(),
            auth_errors: Vec::new(),
            timeouts: 0,
            incoming: Vec::new(),
        }
    }

    fn send(&mut self, now: Instant, layer: &mut TransactionLayer, request: Message) {
        let target = Target {
            transport: sansip::transport::Transport::Udp,
            flow: None,
            remote: self.registrar,
            local: self.local,
        };
        let tx = layer
            .send_request(now, request.clone(), target)
            .expect("the layer takes the request");
        self.sent.insert(tx, request);
    }

    fn last(&self) -> &Message {
        &self.responses.last().expect("a response").1
    }

    fn codes(&self) -> Vec<u16> {
        self.responses
            .iter()
            .filter_map(|(_, r)| r.status())
            .collect()
    }
}

impl Tu for Client {
    fn on_event(&mut self, now: Instant, event: TxEvent, layer: &mut TransactionLayer) {
        match event {
            TxEvent::Response { tx, response } => {
                let code = response.status().unwrap_or(0);
                if code < 200 {
                    return;
                }
                self.responses.push((now, response.clone()));
                let Some(request) = self.sent.get(&tx).cloned() else {
                    return;
                };
                if code != 401 && code != 407 {
                    return;
                }
                match self.digest.respond(&response, &request, &mut self.rng) {
                    Ok(auth) => {
                        let mut retry = request.clone();
                        retry.remove(HeaderName::Authorization);
                        retry.remove(HeaderName::ProxyAuthorization);
                        let cseq = request.header::<CSeq>().expect("CSeq");
                        retry.set_header(&CSeq {
                            seq: cseq.seq + 1,
                            method: cseq.method.clone(),
                        });
                        for a in &auth {
                            a.push_to(&mut retry);
                        }
                        self.send(now, layer, retry);
                    }
                    Err(e) => self.auth_errors.push(e),
                }
            }
            TxEvent::Timeout { .. } => self.timeouts += 1,
            TxEvent::Request { tx, request, .. } => {
                let ok = ResponseBuilder::for_request(&request, 200, "OK")
                    .build()
                    .expect("200 builds");
                self.incoming.push((now, request));
                layer.respond(now, tx, ok).expect("respond");
            }
            _ => {}
        }
    }
}

/// A REGISTER for alice from `contact` (a host) with extra fields.
fn register(call_id: &str, contact: &str, extra: &[(&str, &str)]) -> Message {
    let mut b = RequestBuilder::new(Method::Register, "sip:example.com")
        .raw_header("Max-Forwards", b"70")
        .raw_header("From", format!("<{ALICE}>;tag=f{call_id}").as_bytes())
        .raw_header("To", format!("<{ALICE}>").as_bytes())
        .raw_header("Call-ID", call_id.as_bytes())
        .header(&CSeq {
            seq: 1,
            method: Method::Register,
        });
    if !contact.is_empty() {
        b = b.raw_header("Contact", contact.as_bytes());
    }
    for (k, v) in extra {
        b = b.raw_header(k, v.as_bytes());
    }
    b.build().expect("REGISTER builds")
}

struct Sim {
    net: Net,
    reg: NodeHandle<TxNode<Registrar>>,
    alice: NodeHandle<TxNode<Client>>,
    bob: NodeHandle<TxNode<Client>>,
}

/// A registrar on 10.0.0.1 for example.com (alice/secret, bob/pw), alice
/// on 10.0.0.2 and bob on 10.0.0.3; alice's client uses `password`.
fn sim(config: impl FnOnce(RegistrarConfig) -> RegistrarConfig, password: &str) -> Sim {
    let mut net = Net::new(11);
    let cfg = config(
        RegistrarConfig::new("example.com", addr(1))
            .user("alice", "secret")
            .user("bob", "pw"),
    );
    let (s1, s2, s3) = (net.fork_seed(), net.fork_seed(), net.fork_seed());
    let reg = net.add("registrar", addr(1), Registrar::node(cfg, s1));
    let a = Client::new(addr(2), addr(1), "alice", password);
    let alice = net.add(
        "alice",
        addr(2),
        TxNode::new(addr(2), TxConfig::default(), s2, a),
    );
    let b = Client::new(addr(3), addr(1), "bob", "pw");
    let bob = net.add(
        "bob",
        addr(3),
        TxNode::new(addr(3), TxConfig::default(), s3, b),
    );
    Sim {
        net,
        reg,
        alice,
        bob,
    }
}

impl Sim {
    fn alice_sends(&mut self, request: Message) {
        self.net.with(self.alice, |n, now| {
            n.act(now, |tu, layer| tu.send(now, layer, request))
        });
        self.net.run_until_idle(MAX_STEPS);
    }

    fn registrar(&self) -> &Registrar {
        &self.net.node(self.reg).tu
    }

    fn alice(&self) -> &Client {
        &self.net.node(self.alice).tu
    }
}

fn with_cseq(mut m: Message, seq: u32) -> Message {
    m.set_header(&CSeq {
        seq,
        method: Method::Register,
    });
    m
}

fn contacts(m: &Message) -> Vec<Contact<'_>> {
    m.headers::<Contact>()
        .map(|c| c.expect("Contact"))
        .collect()
}

fn algorithms_offered(m: &Message) -> Vec<String> {
    m.headers::<WwwAuthenticate>()
        .map(|c| {
            let c = c.expect("challenge").0;
            c.algorithm().unwrap_or_default().as_str().to_owned()
        })
        .collect()
}

fn algorithm_used(m: &Message) -> String {
    let a = m.header::<Authorization>().expect("Authorization").0;
    a.algorithm().unwrap_or_default().as_str().to_owned()
}

#[test]
fn register_is_challenged_then_accepted_with_md5() {
    let mut s = sim(|c| c.algorithms(&[Algorithm::Md5]), "secret");
    s.alice_sends(register("r1", "<sip:alice@10.0.0.2:5060>", &[]));
    assert_eq!(s.alice().codes(), [401, 200]);
    let challenge = &s.alice().responses[0].1;
    assert_eq!(algorithms_offered(challenge), ["MD5"]);
    let reg = s.registrar();
    assert_eq!(reg.count("REGISTER"), 2);
    assert!(reg.requests_of("REGISTER")[0]
        .1
        .header_opt::<Authorization>()
        .unwrap()
        .is_none());
    assert_eq!(algorithm_used(&reg.requests_of("REGISTER")[1].1), "MD5");
    let ok = s.alice().last();
    let c = contacts(ok);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].uri().unwrap().to_string(), "sip:alice@10.0.0.2:5060");
    assert_eq!(c[0].expires(), Some(3600));
    assert!(ok
        .header::<sansip::message::headers::ToHeader>()
        .unwrap()
        .tag()
        .is_some());
    let now = s.net.now();
    assert_eq!(s.registrar().bindings(ALICE, now).len(), 1);
    assert!(s.registrar().unexpected.is_empty());
}

#[test]
fn sha256_and_md5_are_offered_together_and_sha256_is_chosen() {
    let mut s = sim(
        |c| c.algorithms(&[Algorithm::Sha256, Algorithm::Md5]),
        "secret",
    );
    s.alice_sends(register("r1", "<sip:alice@10.0.0.2:5060>", &[]));
    assert_eq!(s.alice().codes(), [401, 200]);
    assert_eq!(
        algorithms_offered(&s.alice().responses[0].1),
        ["SHA-256", "MD5"]
    );
    let second = &s.registrar().requests_of("REGISTER")[1].1;
    assert_eq!(algorithm_used(second), "SHA-256");
}

#[test]
fn sha256_only() {
    let mut s = sim(|c| c.algorithms(&[Algorithm::Sha256]), "secret");
    s.alice_sends(register("r1", "<sip:alice@10.0.0.2:5060>", &[]));
    assert_eq!(s.alice().codes(), [401, 200]);
    assert_eq!(algorithms_offered(&s.alice().responses[0].1), ["SHA-256"]);
}

#[test]
fn a_wrong_password_is_challenged_again_and_the_client_gives_up() {
    let mut s = sim(|c| c, "wrong");
    s.alice_sends(register("r1", "<sip:alice@10.0.0.2:5060>", &[]));
    assert_eq!(s.alice().codes(), [401, 401]);
    assert!(matches!(
        s.alice().auth_errors[..],
        [AuthError::Rejected { .. }]
    ));
    assert_eq!(s.registrar().count("REGISTER"), 2);
    assert!(s.registrar().bindings(ALICE, s.net.now()).is_empty());
}

#[test]
fn a_nonce_used_n_times_goes_stale_and_the_client_retries_once() {
    let mut s = sim(|c| c.stale_after_uses(1), "secret");
    s.alice_sends(register("r1", "<sip:alice@10.0.0.2:5060>", &[]));
    assert_eq!(s.alice().codes(), [401, 200]);
    // A refresh reusing the nonce (nc=2), as a client does preemptively.
    let mut refresh = register("r1", "<sip:alice@10.0.0.2:5060>", &[]);
    refresh.set_header(&CSeq {
        seq: 3,
        method: Method::Register,
    });
    let auth = s.net.with(s.alice, |n, _| {
        n.tu.digest
            .authorize(&refresh, &mut Rng::new(3))
            .expect("authorize")
    });
    for a in &auth {
        a.push_to(&mut refresh);
    }
    assert_eq!(auth.len(), 1, "a remembered challenge is reused");
    s.alice_sends(refresh);
    assert_eq!(s.alice().codes(), [401, 200, 401, 200]);
    let stale = &s.alice().responses[2].1;
    let c = stale.header::<WwwAuthenticate>().unwrap().0;
    assert!(c.stale(), "{stale}");
    assert_eq!(s.registrar().count("REGISTER"), 4);
}

#[test]
fn make_nonces_stale_turns_the_next_use_into_a_stale_challenge() {
    let mut s = sim(|c| c.algorithms(&[Algorithm::Md5]), "secret");
    s.alice_sends(register("r1", "<sip:alice@10.0.0.2:5060>", &[]));
    s.net.with(s.reg, |n, _| n.tu.make_nonces_stale());
    let mut refresh = register("r1", "<sip:alice@10.0.0.2:5060>", &[]);
    refresh.set_header(&CSeq {
        seq: 3,
        method: Method::Register,
    });
    let auth = s.net.with(s.alice, |n, _| {
        n.tu.digest.authorize(&refresh, &mut Rng::new(4)).unwrap()
    });
    auth[0].push_to(&mut refresh);
    s.alice_sends(refresh);
    assert_eq!(s.alice().codes(), [401, 200, 401, 200]);
    assert!(s.alice().responses[2]
        .1
        .header::<WwwAuthenticate>()
        .unwrap()
        .0
        .stale());
}

#[test]
fn expiry_below_min_expires_gets_423_with_min_expires() {
    let mut s = sim(|c| c.auth(false).expires_range(300, 3600), "secret");
    s.alice_sends(register("r1", "<sip:alice@10.0.0.2:5060>;expires=120", &[]));
    assert_eq!(s.alice().codes(), [423]);
    assert_eq!(
        s.alice().last().header::<MinExpires>().unwrap(),
        MinExpires(300)
    );
    s.alice_sends(register(
        "r2",
        "<sip:alice@10.0.0.2:5060>",
        &[("Expires", "100")],
    ));
    assert_eq!(s.alice().codes(), [423, 423]);
    // Above the maximum: clamped.
    s.alice_sends(register(
        "r3",
        "<sip:alice@10.0.0.2:5060>",
        &[("Expires", "99999")],
    ));
    assert_eq!(s.alice().codes(), [423, 423, 200]);
    assert_eq!(contacts(s.alice().last())[0].expires(), Some(3600));
}

#[test]
fn bindings_expire_are_listed_and_removed() {
    let mut s = sim(|c| c.auth(false), "secret");
    s.alice_sends(register("r1", "<sip:alice@10.0.0.2:5060>;expires=600", &[]));
    s.alice_sends(register(
        "r2",
        "<sip:alice@10.0.0.9:5060>;expires=1200",
        &[],
    ));
    // The 200 lists every binding of the AOR.
    let c = contacts(s.alice().last());
    assert_eq!(c.len(), 2, "{}", s.alice().last());
    s.net.run_for(secs(601), MAX_STEPS);
    let left = s.registrar().bindings(ALICE, s.net.now());
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].contact, "sip:alice@10.0.0.9:5060");
    assert_eq!(left[0].expires_at - left[0].updated, secs(1200));
    assert_eq!(left[0].granted, 1200);
    // Expires 0 removes one (same Call-ID: a higher CSeq); then `*`
    // removes the rest.
    s.alice_sends(with_cseq(
        register("r2", "<sip:alice@10.0.0.9:5060>;expires=0", &[]),
        2,
    ));
    assert!(s.registrar().bindings(ALICE, s.net.now()).is_empty());
    s.alice_sends(register("r3", "<sip:alice@10.0.0.2:5060>", &[]));
    // The same Call-ID and CSeq again for that contact: out of order.
    s.alice_sends(register("r3", "<sip:alice@10.0.0.2:5060>", &[]));
    assert_eq!(s.alice().codes(), [200, 200, 200, 200, 500]);
    s.alice_sends(with_cseq(
        register("r3", "<sip:alice@10.0.0.4:5060>", &[]),
        2,
    ));
    assert_eq!(s.registrar().bindings(ALICE, s.net.now()).len(), 2);
    s.alice_sends(with_cseq(register("r3", "*", &[("Expires", "0")]), 3));
    assert_eq!(s.alice().codes(), [200, 200, 200, 200, 500, 200, 200]);
    assert!(contacts(s.alice().last()).is_empty());
    assert!(s.registrar().bindings(ALICE, s.net.now()).is_empty());
}

#[test]
fn gruu_is_handed_out_to_an_instance_that_supports_it() {
    let mut s = sim(|c| c.auth(false), "secret");
    let contact = "<sip:alice@10.0.0.2:5060;ob>;reg-id=1;\
                   +sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"";
    s.alice_sends(register(
        "r1",
        contact,
        &[("Supported", "gruu, outbound, path")],
    ));
    let ok = s.alice().last();
    assert_eq!(ok.status(), Some(200));
    let c = contacts(ok);
    assert_eq!(
        c[0].pub_gruu().as_deref(),
        Some("sip:alice@example.com;gr=urn:uuid:00000000-0000-1000-8000-000A95A0E128")
    );
    let temp = c[0].temp_gruu().expect("temp-gruu").into_owned();
    assert!(
        temp.starts_with("sip:tgruu.") && temp.ends_with("@example.com;gr"),
        "{temp}"
    );
    assert_eq!(c[0].reg_id(), Some(1));
    assert_eq!(ok.raw(HeaderName::Require), Some(&b"outbound"[..]));
    // Without `Supported: gruu`, no GRUU.
    s.alice_sends(register("r2", contact, &[]));
    assert!(contacts(s.alice().last())[0].pub_gruu().is_none());
}

#[test]
fn path_is_stored_and_echoed_and_service_route_is_returned() {
    let mut s = sim(
        |c| {
            c.auth(false)
                .service_route("<sip:orig@10.0.0.1:5060;lr>")
                .service_route("<sip:scscf.example.com;lr>")
        },
        "secret",
    );
    s.alice_sends(register(
        "r1",
        "<sip:alice@10.0.0.2:5060>",
        &[
            ("Path", "<sip:edge@10.0.0.7:5060;lr>"),
            ("Supported", "path"),
        ],
    ));
    let ok = s.alice().last();
    let path: Vec<String> = ok
        .headers::<Path>()
        .map(|p| p.unwrap().uri().to_string())
        .collect();
    assert_eq!(path, ["sip:edge@10.0.0.7:5060;lr"]);
    let sr: Vec<String> = ok
        .headers::<ServiceRoute>()
        .map(|p| p.unwrap().uri().to_string())
        .collect();
    assert_eq!(
        sr,
        ["sip:orig@10.0.0.1:5060;lr", "sip:scscf.example.com;lr"]
    );
    let b = &s.registrar().bindings(ALICE, s.net.now())[0];
    assert_eq!(b.path, ["<sip:edge@10.0.0.7:5060;lr>"]);
    // Without `Supported: path` it is stored but not echoed.
    s.alice_sends(register(
        "r2",
        "<sip:alice@10.0.0.2:5060>",
        &[("Path", "<sip:edge@10.0.0.7:5060;lr>")],
    ));
    assert!(!s.alice().last().has(HeaderName::Path));
}

#[test]
fn scripted_failures_come_first_then_normal_service() {
    let mut s = sim(|c| c.auth(false), "secret");
    s.net.with(s.reg, |n, _| {
        n.tu.fail_next_registers(1, 503, &[("Retry-After", "30")]);
        n.tu.fail_next_registers(1, 403, &[]);
        n.tu.drop_next_registers(1);
    });
    s.alice_sends(register("r1", "<sip:alice@10.0.0.2:5060>", &[]));
    assert_eq!(
        s.alice().last().raw(HeaderName::RetryAfter),
        Some(&b"30"[..])
    );
    s.alice_sends(register("r2", "<sip:alice@10.0.0.2:5060>", &[]));
    s.alice_sends(register("r3", "<sip:alice@10.0.0.2:5060>", &[]));
    assert_eq!(s.alice().timeouts, 1);
    s.alice_sends(register("r4", "<sip:alice@10.0.0.2:5060>", &[]));
    assert_eq!(s.alice().codes(), [503, 403, 200]);
    assert_eq!(s.registrar().count("REGISTER"), 4);
}

fn message_to(uri: &str, from: &str) -> Message {
    RequestBuilder::new(Method::Message, uri)
        .raw_header("Max-Forwards", b"70")
        .raw_header("Route", b"<sip:10.0.0.1:5060;lr>")
        .raw_header("From", format!("<{from}>;tag=m1").as_bytes())
        .raw_header("To", format!("<{uri}>").as_bytes())
        .raw_header("Call-ID", b"m1")
        .header(&CSeq {
            seq: 1,
            method: Method::Message,
        })
        .body("text/plain", &b"hello"[..])
        .build()
        .expect("MESSAGE builds")
}

#[test]
fn message_is_forwarded_to_the_registered_contact_and_the_200_relayed() {
    let mut s = sim(|c| c.auth(false).record_route(true), "secret");
    // bob registers from 10.0.0.3.
    let bob_reg = RequestBuilder::new(Method::Register, "sip:example.com")
        .raw_header("Max-Forwards", b"70")
        .raw_header("From", b"<sip:bob@example.com>;tag=b")
        .raw_header("To", b"<sip:bob@example.com>")
        .raw_header("Call-ID", b"b1")
        .raw_header("Contact", b"<sip:bob@10.0.0.3:5060>")
        .header(&CSeq {
            seq: 1,
            method: Method::Register,
        })
        .build()
        .unwrap();
    s.net
        .with(s.bob, |n, now| n.act(now, |tu, l| tu.send(now, l, bob_reg)));
    s.net.run_until_idle(MAX_STEPS);
    s.alice_sends(message_to("sip:bob@example.com", ALICE));
    let bob = &s.net.node(s.bob).tu;
    assert_eq!(bob.incoming.len(), 1);
    let got = &bob.incoming[0].1;
    assert_eq!(got.request_uri_str(), Some("sip:bob@10.0.0.3:5060"));
    assert_eq!(got.header::<MaxForwards>().unwrap(), MaxForwards(69));
    assert!(!got.has(HeaderName::Route), "our Route is consumed: {got}");
    assert_eq!(
        got.raw(HeaderName::RecordRoute),
        Some(&b"<sip:10.0.0.1:5060;lr>"[..])
    );
    assert_eq!(got.body(), b"hello");
    assert_eq!(got.headers::<sansip::message::headers::Via>().count(), 2);
    // The 200 came back to alice with only her Via.
    let ok = s.alice().last();
    assert_eq!(ok.status(), Some(200));
    assert_eq!(ok.headers::<sansip::message::headers::Via>().count(), 1);
    // What arrived at the registrar still had the Route.
    let msg = &s.registrar().requests_of("MESSAGE")[0].1;
    assert!(msg.header::<Route>().is_ok());
    assert_eq!(s.registrar().statuses("MESSAGE"), [200]);
    assert!(
        s.registrar().unexpected.is_empty(),
        "{:?}",
        s.registrar().unexpected
    );
}

#[test]
fn unknown_aor_gets_404_and_a_known_one_without_contacts_480() {
    let mut s = sim(|c| c.auth(false), "secret");
    s.alice_sends(message_to("sip:carol@example.com", ALICE));
    assert_eq!(s.alice().codes(), [404]);
    s.alice_sends(message_to("sip:bob@example.com", ALICE));
    assert_eq!(s.alice().codes(), [404, 480]);
    s.alice_sends(message_to("sip:bob@elsewhere.example", ALICE));
    assert_eq!(s.alice().codes(), [404, 480, 404]);
}

#[test]
fn max_forwards_zero_gets_483() {
    let mut s = sim(|c| c.auth(false), "secret");
    let mut m = message_to("sip:bob@example.com", ALICE);
    m.set_header(&MaxForwards(0));
    s.alice_sends(m);
    assert_eq!(s.alice().codes(), [483]);
}

#[test]
fn message_can_be_challenged_with_407() {
    let mut s = sim(|c| c.auth_method(Method::Message), "secret");
    s.alice_sends(message_to("sip:bob@example.com", ALICE));
    // Challenged, answered, then routed: bob has no binding.
    assert_eq!(s.alice().codes(), [407, 480]);
}

#[test]
fn a_message_to_the_public_gruu_reaches_that_instance() {
    let mut s = sim(|c| c.auth(false), "secret");
    let inst = "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000000000002>\"";
    s.alice_sends(register(
        "r1",
        &format!("<sip:alice@10.0.0.2:5060>;{inst}"),
        &[("Supported", "gruu")],
    ));
    let gruu = contacts(s.alice().last())[0]
        .pub_gruu()
        .unwrap()
        .into_owned();
    let mut m = message_to(&gruu, "sip:bob@example.com");
    m.remove(HeaderName::Route);
    s.net
        .with(s.bob, |n, now| n.act(now, |tu, l| tu.send(now, l, m)));
    s.net.run_until_idle(MAX_STEPS);
    assert_eq!(s.alice().incoming.len(), 1);
    assert_eq!(s.net.node(s.bob).tu.codes(), [200]);
}

#[test]
fn refresh_time_is_recorded_to_the_millisecond() {
    let mut s = sim(|c| c.auth(false), "secret");
    s.net.run_for(Duration::from_millis(1234), MAX_STEPS);
    s.alice_sends(register("r1", "<sip:alice@10.0.0.2:5060>", &[]));
    let (at, _) = s.registrar().requests_of("REGISTER")[0];
    // 10 ms of link latency.
    assert_eq!(*at - s.net.start(), Duration::from_millis(1244));
}

#[test]
fn options_to_the_domain_is_answered_by_the_proxy() {
    let mut s = sim(|c| c.auth(false), "secret");
    let options = RequestBuilder::new(Method::Options, "sip:example.com")
        .raw_header("Max-Forwards", b"70")
        .raw_header("From", format!("<{ALICE}>;tag=o1").as_bytes())
        .raw_header("To", b"<sip:example.com>")
        .raw_header("Call-ID", b"o1")
        .header(&CSeq {
            seq: 1,
            method: Method::Options,
        })
        .build()
        .unwrap();
    s.alice_sends(options);
    assert_eq!(s.alice().codes(), [200]);
    assert!(s.alice().last().has(HeaderName::Allow));
    assert_eq!(s.registrar().count("OPTIONS"), 1);
}

#[test]
fn a_request_to_a_contact_registered_with_path_goes_through_the_path() {
    let mut s = sim(|c| c.auth(false), "secret");
    let edge = s.net.add("edge", addr(7), support::RawPeer::new(addr(7)));
    s.alice_sends(register(
        "r1",
        "<sip:alice@10.0.0.2:5060>",
        &[
            ("Path", "<sip:edge@10.0.0.7:5060;lr>"),
            ("Supported", "path"),
        ],
    ));
    let mut m = message_to(ALICE, "sip:bob@example.com");
    m.remove(HeaderName::Route);
    s.net
        .with(s.bob, |n, now| n.act(now, |tu, l| tu.send(now, l, m)));
    s.net.run_for(secs(1), MAX_STEPS);
    let got = &s.net.node(edge).received;
    assert!(!got.is_empty());
    let msg = Message::parse(got[0].1.bytes.clone()).unwrap();
    assert_eq!(msg.request_uri_str(), Some("sip:alice@10.0.0.2:5060"));
    assert_eq!(
        msg.header::<Route>().unwrap().uri().to_string(),
        "sip:edge@10.0.0.7:5060;lr"
    );
    let (_, fwd, hop) = &s.registrar().forwarded[0];
    assert_eq!(*hop, addr(7));
    assert_eq!(fwd.method(), Some(&Method::Message));
}

//! A [`Registrar`]: a small registrar (RFC 3261 §10.3) and stateful proxy
//! for one domain, as a [`Tu`] on a [`TxNode`](super::TxNode). Tests put
//! user agents on the net against it and assert on what it recorded.
//!
//! * REGISTER: digest challenge (MD5, SHA-256 or both; qop auth), nonces
//!   that go stale after N uses or on command, `423` below `min_expires`,
//!   clamping to `max_expires`, bindings per AOR with `+sip.instance`,
//!   `reg-id` and Path (RFC 3327), GRUU (RFC 5627), Service-Route
//!   (RFC 3608), and scripted failures (a fixed status, or silence).
//! * Other requests: forwarded to the AOR's binding (see `proxy.rs`).
//! * Everything received is kept in [`Registrar::requests`], everything
//!   sent back in [`Registrar::responses`].
//!
//! ```ignore
//! let cfg = RegistrarConfig::new("example.com", addr(1)).user("alice", "secret");
//! let seed = net.fork_seed();
//! let reg = net.add("registrar", addr(1), Registrar::node(cfg, seed));
//! // ... run ...
//! let tu = &net.node(reg).tu;
//! assert_eq!(tu.count("REGISTER"), 2);
//! assert_eq!(tu.bindings("sip:alice@example.com", net.now()).len(), 1);
//! ```

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use sansip::auth::{verify_digest, NonceTracker, Secret, UserStore, Verdict};
use sansip::message::headers::{
    Algorithm, AuthParamsBuilder, Authorization, CSeq, Contact, Expires, MinExpires,
    ProxyAuthorization, Supported, ToHeader,
};
use sansip::message::{HeaderName, Message, Method, ResponseBuilder, Uri};
use sansip::rng::Rng;
use sansip::transaction::{TransactionLayer, TxConfig, TxEvent, TxId};

use super::tu::reason;
use super::tx_node::{Tu, TxNode};

/// Settings of a [`Registrar`]. Build with [`RegistrarConfig::new`] and
/// the chainable setters, or set the fields.
#[derive(Debug, Clone)]
pub struct RegistrarConfig {
    /// The domain served (`example.com`): AORs are `sip:user@<domain>`.
    pub domain: String,
    /// The registrar's own address (its node's address).
    pub addr: SocketAddr,
    /// Challenge REGISTER (and `auth_methods`) with digest.
    pub auth: bool,
    /// The realm of the challenges.
    pub realm: String,
    /// The algorithms offered, one `WWW-Authenticate` each, in this order.
    pub algorithms: Vec<Algorithm<'static>>,
    /// Users and passwords.
    pub users: Vec<(String, String)>,
    /// Methods other than REGISTER that are challenged (407 with
    /// `Proxy-Authenticate`) when their From is in the domain.
    pub auth_methods: Vec<Method>,
    /// After this many successful uses a nonce is answered `401` with
    /// `stale=true`.
    pub stale_after_uses: Option<u32>,
    /// Expiry below this (and not 0) is answered `423` with `Min-Expires`.
    pub min_expires: u32,
    /// Expiry above this is granted as this.
    pub max_expires: u32,
    /// Expiry when the REGISTER gives none.
    pub default_expires: u32,
    /// Service-Route values (e.g. `<sip:orig@10.0.0.1:5060;lr>`) put in
    /// every 200 to REGISTER.
    pub service_route: Vec<String>,
    /// Hand out GRUUs when asked (`Supported: gruu` and `+sip.instance`).
    pub gruu: bool,
    /// Answer `Require: outbound` when the REGISTER supports outbound and
    /// has a `reg-id` (RFC 5626 §6).
    pub outbound: bool,
    /// The proxy adds `Record-Route: <sip:addr;lr>` to forwarded requests.
    pub record_route: bool,
    /// An INVITE to an AOR with several bindings goes to all of them at
    /// once (parallel forking, RFC 3261 §16.6).
    pub fork: bool,
}

impl RegistrarConfig {
    /// Auth on with SHA-256 and MD5, realm = domain, no users yet;
    /// min 60 s, max 7200 s, default 3600 s; GRUU and outbound on; no
    /// Service-Route, no Record-Route.
    pub fn new(domain: &str, addr: SocketAddr) -> Self {
        RegistrarConfig {
            domain: domain.to_owned(),
            addr,
            auth: true,
            realm: domain.to_owned(),
            algorithms: vec![Algorithm::Sha256, Algorithm::Md5],
            users: Vec::new(),
            auth_methods: Vec::new(),
            stale_after_uses: None,
            min_expires: 60,
            max_expires: 7200,
            default_expires: 3600,
            service_route: Vec::new(),
            gruu: true,
            outbound: true,
            record_route: false,
            fork: false,
        }
    }

    /// Adds a user.
    pub fn user(mut self, name: &str, password: &str) -> Self {
        self.users.push((name.to_owned(), password.to_owned()));
        self
    }

    /// Turns digest auth on or off.
    pub fn auth(mut self, on: bool) -> Self {
        self.auth = on;
        self
    }

    /// The algorithms offered (e.g. `[Algorithm::Md5]`).
    pub fn algorithms(mut self, algorithms: &[Algorithm<'static>]) -> Self {
        self.algorithms = algorithms.to_vec();
        self
    }

    /// Nonces go stale after `n` successful uses.
    pub fn stale_after_uses(mut self, n: u32) -> Self {
        self.stale_after_uses = Some(n);
        self
    }

    /// Sets `min_expires` and `max_expires`.
    pub fn expires_range(mut self, min: u32, max: u32) -> Self {
        self.min_expires = min;
        self.max_expires = max;
        self
    }

    /// Adds a Service-Route value (a name-addr).
    pub fn service_route(mut self, value: &str) -> Self {
        self.service_route.push(value.to_owned());
        self
    }

    /// Adds Record-Route to forwarded requests.
    pub fn record_route(mut self, on: bool) -> Self {
        self.record_route = on;
        self
    }

    /// Forks INVITEs to every binding of the AOR.
    pub fn fork(mut self, on: bool) -> Self {
        self.fork = on;
        self
    }

    /// Challenges `method` too (407) when sent by a user of the domain.
    pub fn auth_method(mut self, method: Method) -> Self {
        self.auth_methods.push(method);
        self
    }
}

/// One registered contact of an AOR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The contact URI as registered (no brackets, URI parameters kept).
    pub contact: String,
    /// When it expires.
    pub expires_at: Instant,
    /// The expiry granted by the last REGISTER, in seconds.
    pub granted: u32,
    /// `q` in thousandths.
    pub q: Option<u16>,
    /// `+sip.instance`, unquoted (`<urn:uuid:...>`).
    pub instance: Option<String>,
    /// `reg-id`.
    pub reg_id: Option<u32>,
    /// The Path values of the REGISTER, in order.
    pub path: Vec<String>,
    /// The Call-ID and CSeq of the REGISTER that last refreshed it.
    pub call_id: String,
    /// See `call_id`.
    pub cseq: u32,
    /// When it was last refreshed.
    pub updated: Instant,
    /// Temporary GRUUs handed out, oldest first (all stay valid).
    pub temp_gruus: Vec<String>,
}

impl Binding {
    /// The public GRUU of this binding for `aor`, if it has an instance.
    pub fn pub_gruu(&self, aor: &str) -> Option<String> {
        let urn = self.instance.as_deref()?;
        let urn = urn.trim_start_matches('<').trim_end_matches('>');
        Some(format!("{aor};gr={urn}"))
    }

    fn seconds_left(&self, now: Instant) -> u64 {
        let left = self.expires_at.saturating_duration_since(now);
        // Rounded up: a binding granted 3600 s just now shows 3600.
        (left + Duration::from_nanos(999_999_999)).as_secs()
    }
}

/// What to do with a REGISTER instead of processing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scripted {
    /// Answer with this status and these extra header fields.
    Status(u16, Vec<(String, String)>),
    /// Say nothing (the client times out).
    Drop,
}

/// A proxied request in progress (server transaction ← client transaction).
#[derive(Debug, Clone)]
pub(super) struct Forward {
    pub(super) server: TxId,
    pub(super) request: Message,
    pub(super) method: Method,
    pub(super) finished: bool,
}

/// The registrar and proxy. See the [module docs](self).
pub struct Registrar {
    pub(super) config: RegistrarConfig,
    pub(super) rng: Rng,
    nonces: NonceTracker,
    /// Every nonce issued, with its count of successful uses.
    nonce_uses: BTreeMap<String, u32>,
    users: UserStore,
    bindings: BTreeMap<String, Vec<Binding>>,
    /// Temporary GRUU (`sip:tgruu.x@domain`) -> (AOR, instance).
    pub(super) temp_gruus: BTreeMap<String, (String, String)>,
    script: VecDeque<Scripted>,
    counts: BTreeMap<String, usize>,
    /// Client transactions of forwarded requests.
    pub(super) forwards: BTreeMap<TxId, Forward>,
    /// INVITE server transaction -> its client transaction (for CANCEL).
    pub(super) invite_clients: BTreeMap<TxId, Vec<TxId>>,
    /// A forked INVITE's server transaction -> how its branches stand.
    pub(super) branches: BTreeMap<TxId, super::proxy::Branches>,
    /// Every request received (new server transactions, and ACKs), with
    /// its arrival time, as the layer passed it up (top Via stamped with
    /// `received`/`rport`).
    pub requests: Vec<(Instant, Message)>,
    /// Every response the registrar sent or relayed, with its time.
    pub responses: Vec<(Instant, Message)>,
    /// Every request forwarded (as given to the layer, before its Via),
    /// with its time and next hop.
    pub forwarded: Vec<(Instant, Message, SocketAddr)>,
    /// Things that should not happen (refused commands, stray events).
    pub unexpected: Vec<String>,
}

/// Lower-cased `sip:user@host` of a URI (no port, no parameters).
pub fn aor_of(uri: &Uri<'_>) -> Option<String> {
    let sip = uri.as_sip()?;
    let user = sip.user?;
    Some(format!("sip:{user}@{}", sip.host).to_ascii_lowercase())
}

/// The address of a numeric `sip:` URI (the net has no DNS).
pub fn uri_addr(uri: &Uri<'_>) -> Option<SocketAddr> {
    let sip = uri.as_sip()?;
    Some(SocketAddr::new(sip.host.ip()?, sip.port_or_default()))
}

/// Whether any `Supported` value of `m` is `option`.
pub fn supports(m: &Message, option: &str) -> bool {
    m.headers::<Supported>()
        .any(|s| s.is_ok_and(|s| s.is(option)))
}

impl Registrar {
    /// A registrar with `config`; `seed` drives nonces, tags and GRUUs.
    pub fn new(config: RegistrarConfig, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let nonces = NonceTracker::new(&mut rng, 4096);
        let mut users = UserStore::new();
        for (name, password) in &config.users {
            users.insert(name.clone(), Secret::Password(password.clone()));
        }
        Registrar {
            config,
            rng,
            nonces,
            nonce_uses: BTreeMap::new(),
            users,
            bindings: BTreeMap::new(),
            temp_gruus: BTreeMap::new(),
            script: VecDeque::new(),
            counts: BTreeMap::new(),
            forwards: BTreeMap::new(),
            invite_clients: BTreeMap::new(),
            branches: BTreeMap::new(),
            requests: Vec::new(),
            responses: Vec::new(),
            forwarded: Vec::new(),
            unexpected: Vec::new(),
        }
    }

    /// A [`TxNode`] on `config.addr` with a default layer, carrying a
    /// registrar (`seed` feeds both).
    pub fn node(config: RegistrarConfig, seed: u64) -> TxNode<Registrar> {
        let addr = config.addr;
        TxNode::new(
            addr,
            TxConfig::default(),
            seed,
            Registrar::new(config, seed ^ 0x5eed),
        )
    }

    // ---- getters -----------------------------------------------------

    /// The settings.
    pub fn config(&self) -> &RegistrarConfig {
        &self.config
    }

    /// Requests received with this method (retransmissions absorbed by
    /// the layer are not counted).
    pub fn count(&self, method: &str) -> usize {
        self.counts.get(method).copied().unwrap_or(0)
    }

    /// The requests received with this method, with their arrival times.
    pub fn requests_of(&self, method: &str) -> Vec<&(Instant, Message)> {
        self.requests
            .iter()
            .filter(|(_, m)| m.method().is_some_and(|x| x.as_str() == method))
            .collect()
    }

    /// The status codes sent for requests with this method, in order.
    pub fn statuses(&self, method: &str) -> Vec<u16> {
        self.responses
            .iter()
            .filter(|(_, m)| {
                m.header::<CSeq>()
                    .is_ok_and(|c| c.method.as_str() == method)
            })
            .filter_map(|(_, m)| m.status())
            .collect()
    }

    /// The live bindings of `aor` (`sip:alice@example.com`) at `now`,
    /// highest q first, then most recently refreshed.
    pub fn bindings(&self, aor: &str, now: Instant) -> Vec<Binding> {
        let mut v: Vec<Binding> = self
            .bindings
            .get(&aor.to_ascii_lowercase())
            .map(|b| b.iter().filter(|b| b.expires_at > now).cloned().collect())
            .unwrap_or_default();
        v.sort_by(|a, b| {
            let (qa, qb) = (a.q.unwrap_or(1000), b.q.unwrap_or(1000));
            qb.cmp(&qa).then(b.updated.cmp(&a.updated))
        });
        v
    }

    /// Whether `aor` is a user of the domain or ever had a binding.
    pub fn knows(&self, aor: &str) -> bool {
        let aor = aor.to_ascii_lowercase();
        self.bindings.contains_key(&aor)
            || self
                .config
                .users
                .iter()
                .any(|(u, _)| format!("sip:{u}@{}", self.config.domain).eq_ignore_ascii_case(&aor))
    }

    // ---- commands ----------------------------------------------------

    /// Answers the next `n` REGISTERs with `code` and these extra header
    /// fields (e.g. `[("Retry-After", "30")]`), before any auth.
    pub fn fail_next_registers(&mut self, n: usize, code: u16, headers: &[(&str, &str)]) {
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        for _ in 0..n {
            self.script
                .push_back(Scripted::Status(code, headers.clone()));
        }
    }

    /// Ignores the next `n` REGISTERs (no response at all).
    pub fn drop_next_registers(&mut self, n: usize) {
        for _ in 0..n {
            self.script.push_back(Scripted::Drop);
        }
    }

    /// Every nonce issued so far becomes stale (a digest computed with
    /// one is answered `401` with `stale=true`).
    pub fn make_nonces_stale(&mut self) {
        for nonce in self.nonce_uses.keys() {
            self.nonces.retire(nonce);
        }
    }

    /// Removes every binding (as if the registrar restarted).
    pub fn clear_bindings(&mut self) {
        self.bindings.clear();
        self.temp_gruus.clear();
    }

    // ---- responses ---------------------------------------------------

    /// A response to `request` with a To tag when it had none.
    pub(super) fn response(&mut self, request: &Message, code: u16) -> ResponseBuilder {
        let mut b = ResponseBuilder::new(code, reason_of(code)).copy_headers(
            request,
            &[
                HeaderName::Via,
                HeaderName::From,
                HeaderName::CallId,
                HeaderName::CSeq,
            ],
        );
        if let Some(to) = request.raw(HeaderName::To) {
            let tagged = request
                .header::<ToHeader>()
                .is_ok_and(|t| t.tag().is_some());
            let mut to = to.to_vec();
            if !tagged && code > 100 {
                to.extend_from_slice(format!(";tag=reg{}", self.rng.token(8)).as_bytes());
            }
            b = b.raw_header("To", &to);
        }
        b
    }

    /// Sends `response` on server transaction `tx` and records it.
    pub(super) fn send(
        &mut self,
        now: Instant,
        layer: &mut TransactionLayer,
        tx: TxId,
        response: Message,
    ) {
        let code = response.status().unwrap_or(0);
        if let Err(e) = layer.respond(now, tx, response.clone()) {
            self.unexpected
                .push(format!("respond {code} on {tx:?} refused: {e}"));
            return;
        }
        self.responses.push((now, response));
    }

    /// Builds and sends a plain response.
    pub(super) fn reply(
        &mut self,
        now: Instant,
        layer: &mut TransactionLayer,
        tx: TxId,
        request: &Message,
        code: u16,
    ) {
        match self.response(request, code).build() {
            Ok(r) => self.send(now, layer, tx, r),
            Err(e) => self.unexpected.push(format!("{code} does not build: {e}")),
        }
    }

    // ---- auth --------------------------------------------------------

    /// A digest challenge value with a new nonce.
    fn challenge(&mut self, algorithm: Algorithm<'static>, stale: bool) -> String {
        let nonce = self.nonces.issue(&mut self.rng);
        self.nonce_uses.insert(nonce.clone(), 0);
        let mut b = AuthParamsBuilder::new();
        b.quoted("realm", &self.config.realm)
            .quoted("nonce", &nonce)
            .quoted("opaque", self.nonces.opaque())
            .token("algorithm", algorithm.as_str())
            .quoted("qop", "auth");
        if stale {
            b.token("stale", "true");
        }
        format!("Digest {}", b.as_str())
    }

    /// Checks the credentials of `request` (`Proxy-Authorization` when
    /// `proxy`); on failure sends 401/407 and returns false.
    pub(super) fn authenticate(
        &mut self,
        now: Instant,
        layer: &mut TransactionLayer,
        tx: TxId,
        request: &Message,
        proxy: bool,
    ) -> bool {
        // verify_digest reads Authorization: present Proxy-Authorization
        // under that name.
        let mut view = request.clone();
        if proxy {
            view.remove(HeaderName::Authorization);
            let values: Vec<Vec<u8>> = request
                .fields_named(HeaderName::ProxyAuthorization)
                .map(|f| f.value.to_vec())
                .collect();
            for v in values {
                let _ = view.push_raw("Authorization", &v);
            }
        }
        let nonce = view
            .headers::<Authorization>()
            .filter_map(Result::ok)
            .find(|a| a.0.realm().as_deref() == Some(self.config.realm.as_str()))
            .and_then(|a| a.0.nonce().map(|n| n.into_owned()));
        let verdict = verify_digest(&view, &self.users, &self.config.realm, &mut self.nonces);
        let stale = match verdict {
            Verdict::Ok { .. } => {
                if let Some(nonce) = nonce {
                    let uses = self.nonce_uses.entry(nonce.clone()).or_default();
                    *uses += 1;
                    if self.config.stale_after_uses.is_some_and(|n| *uses >= n) {
                        self.nonces.retire(&nonce);
                    }
                }
                return true;
            }
            Verdict::Stale => true,
            Verdict::Missing | Verdict::Invalid(_) => false,
        };
        let (code, name) = if proxy {
            (407, "Proxy-Authenticate")
        } else {
            (401, "WWW-Authenticate")
        };
        let mut b = self.response(request, code);
        for alg in self.config.algorithms.clone() {
            let value = self.challenge(alg, stale);
            b = b.raw_header(name, value.as_bytes());
        }
        match b.build() {
            Ok(r) => self.send(now, layer, tx, r),
            Err(e) => self
                .unexpected
                .push(format!("challenge does not build: {e}")),
        }
        false
    }

    // ---- REGISTER ----------------------------------------------------

    fn on_register(&mut self, now: Instant, layer: &mut TransactionLayer, tx: TxId, req: &Message) {
        match self.script.pop_front() {
            Some(Scripted::Drop) => return,
            Some(Scripted::Status(code, headers)) => {
                let mut b = self.response(req, code);
                for (k, v) in &headers {
                    b = b.raw_header(k, v.as_bytes());
                }
                match b.build() {
                    Ok(r) => self.send(now, layer, tx, r),
                    Err(e) => self.unexpected.push(format!("scripted {code}: {e}")),
                }
                return;
            }
            None => {}
        }
        if self.config.auth && !self.authenticate(now, layer, tx, req, false) {
            return;
        }
        match self.register(now, req) {
            Ok(response) => match response.build() {
                Ok(r) => self.send(now, layer, tx, r),
                Err(e) => self.unexpected.push(format!("200 to REGISTER: {e}")),
            },
            Err(code) => {
                let mut b = self.response(req, code);
                if code == 423 {
                    b = b.header(&MinExpires(self.config.min_expires));
                }
                match b.build() {
                    Ok(r) => self.send(now, layer, tx, r),
                    Err(e) => self.unexpected.push(format!("{code} to REGISTER: {e}")),
                }
            }
        }
    }

    /// RFC 3261 §10.3 steps 5 to 8: the bindings change and the 200, or
    /// the error status.
    fn register(&mut self, now: Instant, req: &Message) -> Result<ResponseBuilder, u16> {
        let to = req.header::<ToHeader>().map_err(|_| 400u16)?;
        let aor = aor_of(to.uri()).ok_or(404u16)?;
        let call_id = req.call_id().unwrap_or_default().to_owned();
        let cseq = req.header::<CSeq>().map_err(|_| 400u16)?.seq;
        let header_expires = req
            .header_opt::<Expires>()
            .map_err(|_| 400u16)?
            .map(|e| e.0);
        let contacts: Vec<Contact<'_>> = req
            .headers::<Contact>()
            .collect::<Result<_, _>>()
            .map_err(|_| 400u16)?;
        let path: Vec<String> = req
            .fields_named(HeaderName::Path)
            .flat_map(|f| {
                let v = String::from_utf8_lossy(f.value).into_owned();
                sansip::message::split_list(&v)
                    .map(|(_, s)| s.to_owned())
                    .collect::<Vec<_>>()
            })
            .collect();
        let gruu = self.config.gruu && supports(req, "gruu");

        if contacts.iter().any(Contact::is_star) {
            if contacts.len() != 1 || header_expires != Some(0) {
                return Err(400);
            }
            self.bindings.remove(&aor);
        } else {
            // Check every contact before changing anything.
            let mut changes = Vec::new();
            for c in &contacts {
                let Some(a) = c.address() else { continue };
                let asked = a
                    .expires()
                    .or(header_expires)
                    .unwrap_or(self.config.default_expires);
                if asked != 0 && asked < self.config.min_expires {
                    return Err(423);
                }
                let current = self.bindings.get(&aor).into_iter().flatten();
                let uri = a.uri().to_string();
                let instance = a.sip_instance().map(|s| s.into_owned());
                let reg_id = a.reg_id();
                for b in current {
                    if same_binding(b, &uri, instance.as_deref(), reg_id)
                        && b.call_id == call_id
                        && b.cseq >= cseq
                    {
                        return Err(500);
                    }
                }
                changes.push((
                    uri,
                    asked.min(self.config.max_expires),
                    a.q(),
                    instance,
                    reg_id,
                ));
            }
            for (uri, granted, q, instance, reg_id) in changes {
                let list = self.bindings.entry(aor.clone()).or_default();
                let old = list
                    .iter()
                    .position(|b| same_binding(b, &uri, instance.as_deref(), reg_id));
                let old = old.map(|i| list.remove(i));
                if granted == 0 {
                    continue;
                }
                let mut temp_gruus = old.map(|b| b.temp_gruus).unwrap_or_default();
                if gruu {
                    if let Some(inst) = &instance {
                        let t = format!("sip:tgruu.{}@{}", self.rng.token(10), self.config.domain);
                        self.temp_gruus
                            .insert(t.to_ascii_lowercase(), (aor.clone(), inst.clone()));
                        temp_gruus.push(format!("{t};gr"));
                    }
                }
                self.bindings.entry(aor.clone()).or_default().push(Binding {
                    contact: uri,
                    expires_at: now + Duration::from_secs(u64::from(granted)),
                    granted,
                    q,
                    instance,
                    reg_id,
                    path: path.clone(),
                    call_id: call_id.clone(),
                    cseq,
                    updated: now,
                    temp_gruus,
                });
            }
        }
        // Expired bindings go; the 200 lists the rest.
        if let Some(list) = self.bindings.get_mut(&aor) {
            list.retain(|b| b.expires_at > now);
        }
        let mut b = self.response(req, 200);
        for binding in self.bindings(&aor, now) {
            let mut v = format!(
                "<{}>;expires={}",
                binding.contact,
                binding.seconds_left(now)
            );
            if let Some(inst) = &binding.instance {
                v.push_str(&format!(";+sip.instance=\"{inst}\""));
            }
            if let Some(id) = binding.reg_id {
                v.push_str(&format!(";reg-id={id}"));
            }
            if gruu {
                if let (Some(pub_gruu), Some(temp)) =
                    (binding.pub_gruu(&aor), binding.temp_gruus.last())
                {
                    v.push_str(&format!(";pub-gruu=\"{pub_gruu}\";temp-gruu=\"{temp}\""));
                }
            }
            b = b.raw_header("Contact", v.as_bytes());
        }
        if supports(req, "path") {
            for p in &path {
                b = b.raw_header("Path", p.as_bytes());
            }
        }
        for s in &self.config.service_route {
            b = b.raw_header("Service-Route", s.as_bytes());
        }
        let outbound = contacts.iter().any(|c| c.reg_id().is_some());
        if self.config.outbound && outbound && supports(req, "outbound") {
            b = b.raw_header("Require", b"outbound");
        }
        if gruu {
            b = b.raw_header("Supported", b"gruu");
        }
        Ok(b)
    }
}

/// RFC 5626 §6 / RFC 5627: with an instance, a binding is named by
/// (instance, reg-id); without, by its contact URI (§10.3 comparison).
fn same_binding(b: &Binding, uri: &str, instance: Option<&str>, reg_id: Option<u32>) -> bool {
    match instance {
        Some(inst) => b.instance.as_deref() == Some(inst) && b.reg_id == reg_id,
        None => {
            b.instance.is_none()
                && match (Uri::parse(&b.contact), Uri::parse(uri)) {
                    (Ok(a), Ok(c)) => a.equivalent(&c),
                    _ => b.contact == uri,
                }
        }
    }
}

/// Reason phrases, with the registrar's own codes.
pub fn reason_of(code: u16) -> &'static str {
    match code {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        407 => "Proxy Authentication Required",
        423 => "Interval Too Brief",
        480 => "Temporarily Unavailable",
        481 => "Call/Transaction Does Not Exist",
        483 => "Too Many Hops",
        _ => reason(code),
    }
}

impl Tu for Registrar {
    fn on_event(&mut self, now: Instant, event: TxEvent, layer: &mut TransactionLayer) {
        match event {
            TxEvent::Request {
                tx,
                request,
                cancels,
                ..
            } => {
                self.requests.push((now, request.clone()));
                let method = request.method().cloned().unwrap_or(Method::Options);
                *self.counts.entry(method.as_str().to_owned()).or_default() += 1;
                match method {
                    Method::Register => self.on_register(now, layer, tx, &request),
                    Method::Cancel => self.on_cancel(now, layer, tx, &request, cancels),
                    _ => self.on_request(now, layer, tx, &request),
                }
            }
            TxEvent::Ack { ack, .. } => {
                self.requests.push((now, ack.clone()));
                *self.counts.entry("ACK".to_owned()).or_default() += 1;
                self.on_ack(now, layer, &ack);
            }
            TxEvent::Response { tx, response } => self.on_response(now, layer, tx, response),
            TxEvent::Timeout { tx } => self.on_client_failure(now, layer, tx, 408),
            TxEvent::TransportError { tx } => self.on_client_failure(now, layer, tx, 503),
            TxEvent::Terminated { tx } => {
                self.forwards.remove(&tx);
                self.invite_clients.remove(&tx);
                self.branches.remove(&tx);
            }
            TxEvent::NoAck { .. } => {}
        }
    }
}

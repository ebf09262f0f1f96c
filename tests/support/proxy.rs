//! The stateful-proxy half of the [`Registrar`]: requests other than
//! REGISTER go to the Request-URI's binding (RFC 3261 §16), each on a new
//! client transaction whose responses are relayed on the server
//! transaction; ACKs for 2xx and CANCELs are passed on too.
//!
//! Routing, in order: our own top Route is removed (loose routing,
//! §16.4); a remaining Route is the next hop; a Request-URI in the domain
//! (or a GRUU) is replaced by the best binding's contact, with the
//! binding's Path as Route; a numeric Request-URI after our own Route
//! (an in-dialog request) goes there. Otherwise 404 (480 for a known AOR
//! without contacts). Hosts must be numeric: the net has no DNS.

use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use sansip::message::headers::{FromHeader, MaxForwards, RecordRoute, Route};
use sansip::message::{split_list, HeaderName, Message, Method, TypedHeader, Uri};
use sansip::transaction::{Target, TransactionLayer, TxId};
use sansip::transport::{new_branch, stamp_via, SentBy, Transport};

use super::registrar::{aor_of, uri_addr, Forward, Registrar};

/// Where a request goes.
enum Hop {
    /// Forward this message to this address.
    Forward(Box<Message>, SocketAddr),
    /// An INVITE or SUBSCRIBE forked to several bindings at once.
    Fork(Vec<(Box<Message>, SocketAddr)>),
    /// For the proxy itself (no user part in its domain).
    Local,
}

/// How the branches of a forked INVITE stand (RFC 3261 §16.7).
#[derive(Debug, Default)]
pub struct Branches {
    /// Branches without a final response yet.
    pending: usize,
    /// A 2xx went upstream: later 2xx follow it, other finals are dropped.
    answered: bool,
    /// The best non-2xx final so far, sent when every branch has one.
    best: Option<Message>,
}

/// Removes the first value of `name` (the top Via, the top Route).
pub fn pop_top(msg: &mut Message, name: HeaderName) {
    let values: Vec<String> = msg
        .fields_named(name)
        .flat_map(|f| {
            let v = String::from_utf8_lossy(f.value).into_owned();
            split_list(&v)
                .map(|(_, s)| s.to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    if values.len() <= 1 {
        msg.remove(name);
    } else {
        msg.set_raw(name, values[1..].join(", ").as_bytes());
    }
}

/// `msg` with another Request-URI (the fields and body unchanged).
pub fn with_request_uri(msg: &Message, uri: &str) -> Option<Message> {
    let method = msg.method()?;
    let mut buf = format!("{method} {uri} SIP/2.0\r\n").into_bytes();
    for f in msg.fields() {
        buf.extend_from_slice(f.name_bytes);
        buf.extend_from_slice(b": ");
        buf.extend_from_slice(f.value);
        buf.extend_from_slice(b"\r\n");
    }
    buf.extend_from_slice(b"\r\n");
    buf.extend_from_slice(msg.body());
    Message::parse(Bytes::from(buf)).ok()
}

/// `fwd` retargeted to a binding's contact, with its Path as Route, and
/// the next hop.
fn to_binding(
    fwd: &Message,
    contact: &str,
    path: &[String],
) -> Result<(Box<Message>, SocketAddr), u16> {
    let mut out = with_request_uri(fwd, contact).ok_or(500u16)?;
    let mut next = Uri::parse(contact).ok().and_then(|u| uri_addr(&u));
    if let Some(first) = path.first() {
        for p in path.iter().rev() {
            if let Ok(r) = Route::parse(p) {
                out.prepend_header(&r);
            }
        }
        next = Route::parse(first).ok().and_then(|r| uri_addr(r.uri()));
    }
    Ok((Box::new(out), next.ok_or(404u16)?))
}

impl Registrar {
    /// Whether `uri` names this proxy (its address, or its domain with no
    /// user part).
    fn is_us(&self, uri: &Uri<'_>) -> bool {
        let Some(sip) = uri.as_sip() else {
            return false;
        };
        uri_addr(uri) == Some(self.config.addr)
            || (sip.user.is_none()
                && sip
                    .host
                    .to_string()
                    .eq_ignore_ascii_case(&self.config.domain))
    }

    /// Whether `uri`'s host is the domain (or the proxy's IP).
    fn in_domain(&self, uri: &Uri<'_>) -> bool {
        uri.as_sip().is_some_and(|s| {
            s.host.to_string().eq_ignore_ascii_case(&self.config.domain)
                || s.host.ip() == Some(self.config.addr.ip())
        })
    }

    /// Decides where `req` goes (RFC 3261 §16.4 to §16.6), or the error.
    fn route(&self, now: Instant, req: &Message) -> Result<Hop, u16> {
        let mut fwd = req.clone();
        match req.header_opt::<MaxForwards>() {
            Ok(Some(MaxForwards(0))) => return Err(483),
            Ok(Some(MaxForwards(n))) => fwd.set_header(&MaxForwards(n - 1)),
            _ => fwd.set_header(&MaxForwards(69)),
        }
        let ours = req
            .header_opt::<Route>()
            .ok()
            .flatten()
            .is_some_and(|r| self.is_us(r.uri()));
        if ours {
            pop_top(&mut fwd, HeaderName::Route);
        }
        if let Ok(Some(r)) = fwd.header_opt::<Route>() {
            let to = uri_addr(r.uri()).ok_or(404u16)?;
            return Ok(Hop::Forward(Box::new(fwd), to));
        }
        let ruri_text = req.request_uri_str().ok_or(400u16)?.to_owned();
        let ruri = Uri::parse(&ruri_text).map_err(|_| 416u16)?;
        if self.is_us(&ruri) {
            return Ok(Hop::Local);
        }
        if self.in_domain(&ruri) {
            let forking = self.config.fork
                && matches!(req.method(), Some(Method::Invite | Method::Subscribe))
                && ruri.as_sip().is_some_and(|s| s.params.get("gr").is_none());
            if forking {
                let aor = aor_of(&ruri).ok_or(404u16)?;
                let all = self.bindings(&aor, now);
                if all.len() > 1 {
                    let hops = all
                        .iter()
                        .map(|b| to_binding(&fwd, &b.contact, &b.path))
                        .collect::<Result<Vec<_>, u16>>()?;
                    return Ok(Hop::Fork(hops));
                }
            }
            let binding = self.lookup(now, &ruri)?;
            let (out, next) = to_binding(&fwd, &binding.0, &binding.1)?;
            return Ok(Hop::Forward(out, next));
        }
        match uri_addr(&ruri) {
            Some(to) if ours => Ok(Hop::Forward(Box::new(fwd), to)),
            _ => Err(404),
        }
    }

    /// The contact and Path of the binding a Request-URI in the domain
    /// reaches (the best one of its AOR, or the one its GRUU names).
    fn lookup(&self, now: Instant, ruri: &Uri<'_>) -> Result<(String, Vec<String>), u16> {
        let sip = ruri.as_sip().ok_or(404u16)?;
        let (aor, instance) = match sip.params.get("gr") {
            // A public GRUU: the AOR plus the instance.
            Some(Some(urn)) => (aor_of(ruri).ok_or(404u16)?, Some(format!("<{urn}>"))),
            // A temporary GRUU.
            Some(None) => {
                let key =
                    format!("sip:{}@{}", sip.user.unwrap_or(""), sip.host).to_ascii_lowercase();
                let (aor, inst) = self.temp_gruus.get(&key).ok_or(404u16)?;
                (aor.clone(), Some(inst.clone()))
            }
            None => (aor_of(ruri).ok_or(404u16)?, None),
        };
        let bindings = self.bindings(&aor, now);
        let best = match &instance {
            Some(inst) => bindings
                .into_iter()
                .find(|b| b.instance.as_deref() == Some(inst.as_str())),
            None => bindings.into_iter().next(),
        };
        match best {
            Some(b) => Ok((b.contact, b.path)),
            None if self.knows(&aor) => Err(480),
            None => Err(404),
        }
    }

    /// A new request (not REGISTER, not CANCEL).
    pub(super) fn on_request(
        &mut self,
        now: Instant,
        layer: &mut TransactionLayer,
        tx: TxId,
        req: &Message,
    ) {
        let method = req.method().cloned().unwrap_or(Method::Options);
        let from_domain = req
            .header::<FromHeader>()
            .is_ok_and(|f| self.in_domain(f.uri()));
        if self.config.auth
            && from_domain
            && self.config.auth_methods.contains(&method)
            && !self.authenticate(now, layer, tx, req, true)
        {
            return;
        }
        match self.route(now, req) {
            Err(code) => self.reply(now, layer, tx, req, code),
            Ok(Hop::Local) => {
                let code = if method == Method::Options { 200 } else { 404 };
                match self
                    .response(req, code)
                    .raw_header(
                        "Allow",
                        b"REGISTER, OPTIONS, MESSAGE, INVITE, ACK, CANCEL, BYE",
                    )
                    .build()
                {
                    Ok(r) => self.send(now, layer, tx, r),
                    Err(e) => self.unexpected.push(format!("{code}: {e}")),
                }
            }
            Ok(Hop::Forward(fwd, to)) => {
                if !self.forward_one(now, layer, tx, req, fwd, to) {
                    self.reply(now, layer, tx, req, 503);
                }
            }
            Ok(Hop::Fork(hops)) => {
                let mut sent = 0;
                for (fwd, to) in hops {
                    sent += usize::from(self.forward_one(now, layer, tx, req, fwd, to));
                }
                if sent == 0 {
                    self.reply(now, layer, tx, req, 503);
                } else {
                    self.branches.insert(
                        tx,
                        Branches {
                            pending: sent,
                            ..Default::default()
                        },
                    );
                }
            }
        }
    }

    /// Sends `fwd` to `to` on a new client transaction for server
    /// transaction `tx`; `false` when the layer refused.
    fn forward_one(
        &mut self,
        now: Instant,
        layer: &mut TransactionLayer,
        tx: TxId,
        req: &Message,
        mut fwd: Box<Message>,
        to: SocketAddr,
    ) -> bool {
        let method = req.method().cloned().unwrap_or(Method::Options);
        if self.config.auth_methods.contains(&method) {
            fwd.remove(HeaderName::ProxyAuthorization);
        }
        if self.config.record_route {
            let rr = format!("<sip:{};lr>", self.config.addr);
            if let Ok(rr) = RecordRoute::parse(&rr) {
                fwd.prepend_header(&rr);
            }
        }
        let target = Target {
            transport: Transport::Udp,
            flow: None,
            remote: to,
            local: self.config.addr,
        };
        match layer.send_request(now, (*fwd).clone(), target) {
            Ok(client) => {
                self.forwarded.push((now, *fwd, to));
                self.forwards.insert(
                    client,
                    Forward {
                        server: tx,
                        request: req.clone(),
                        method: method.clone(),
                        finished: false,
                    },
                );
                if method == Method::Invite {
                    self.invite_clients.entry(tx).or_default().push(client);
                }
                true
            }
            Err(e) => {
                self.unexpected.push(format!("forward refused: {e}"));
                false
            }
        }
    }

    /// A CANCEL: 200 for it, and a CANCEL downstream (RFC 3261 §16.10).
    pub(super) fn on_cancel(
        &mut self,
        now: Instant,
        layer: &mut TransactionLayer,
        tx: TxId,
        req: &Message,
        cancels: Option<TxId>,
    ) {
        let Some(invite) = cancels else {
            self.reply(now, layer, tx, req, 481);
            return;
        };
        self.reply(now, layer, tx, req, 200);
        for &client in self.invite_clients.get(&invite).into_iter().flatten() {
            if self.forwards.get(&client).is_some_and(|f| f.finished) {
                continue;
            }
            if let Err(e) = layer.cancel(now, client) {
                self.unexpected
                    .push(format!("CANCEL downstream refused: {e}"));
            }
        }
    }

    /// An ACK outside a transaction (for a 2xx): forwarded statelessly.
    pub(super) fn on_ack(&mut self, now: Instant, layer: &mut TransactionLayer, ack: &Message) {
        let Ok(Hop::Forward(mut fwd, to)) = self.route(now, ack) else {
            self.unexpected.push("an ACK with nowhere to go".to_owned());
            return;
        };
        let branch = new_branch(&mut self.rng);
        if stamp_via(
            &mut fwd,
            Transport::Udp,
            SentBy::from(self.config.addr),
            &branch,
            false,
        )
        .is_err()
        {
            return;
        }
        let target = Target {
            transport: Transport::Udp,
            flow: None,
            remote: to,
            local: self.config.addr,
        };
        layer.send_stateless(&fwd, target);
        self.forwarded.push((now, *fwd, to));
    }

    /// A response on a client transaction: relayed without our Via (the
    /// layer leaves it on); 100 Trying stops here (§16.7).
    pub(super) fn on_response(
        &mut self,
        now: Instant,
        layer: &mut TransactionLayer,
        client: TxId,
        mut response: Message,
    ) {
        let code = response.status().unwrap_or(0);
        let Some(f) = self.forwards.get_mut(&client) else {
            self.unexpected
                .push(format!("response {code} for {client:?}"));
            return;
        };
        if code == 100 {
            return;
        }
        if self.branches.contains_key(&f.server) {
            self.on_branch_response(now, layer, client, response);
            return;
        }
        let retransmitted_2xx = f.finished && (200..300).contains(&code);
        if f.finished && !retransmitted_2xx {
            return;
        }
        f.finished |= code >= 200;
        let server = f.server;
        let invite = f.method == Method::Invite;
        pop_top(&mut response, HeaderName::Via);
        if retransmitted_2xx && invite {
            self.pass_2xx(now, layer, server, response);
            return;
        }
        self.send(now, layer, server, response);
    }

    /// A 2xx after the first (resent, or another fork's): RFC 6026 lets
    /// the server transaction pass it on while it is Accepted; when it no
    /// longer can, the UAC's own retransmissions reach it anyway.
    fn pass_2xx(
        &mut self,
        now: Instant,
        layer: &mut TransactionLayer,
        server: TxId,
        response: Message,
    ) {
        if layer.respond(now, server, response.clone()).is_ok() {
            self.responses.push((now, response));
        }
    }

    /// A response on one branch of a forked INVITE (RFC 3261 §16.7): every
    /// 1xx and every 2xx goes upstream; the first 2xx cancels the branches
    /// still ringing; otherwise the best final is sent once all are in.
    fn on_branch_response(
        &mut self,
        now: Instant,
        layer: &mut TransactionLayer,
        client: TxId,
        mut response: Message,
    ) {
        let code = response.status().unwrap_or(0);
        let Some(f) = self.forwards.get_mut(&client) else {
            return;
        };
        let server = f.server;
        let first_final = code >= 200 && !f.finished;
        f.finished |= code >= 200;
        pop_top(&mut response, HeaderName::Via);
        let Some(b) = self.branches.get_mut(&server) else {
            return;
        };
        if first_final {
            b.pending = b.pending.saturating_sub(1);
        }
        match code {
            101..=199 if !b.answered => self.send(now, layer, server, response),
            // Another fork's 2xx (or a resent one).
            200..=299 if b.answered => self.pass_2xx(now, layer, server, response),
            200..=299 => {
                b.answered = true;
                self.send(now, layer, server, response);
                let ringing: Vec<TxId> = self
                    .invite_clients
                    .get(&server)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|c| self.forwards.get(c).is_some_and(|f| !f.finished))
                    .collect();
                for c in ringing {
                    let _ = layer.cancel(now, c);
                }
            }
            300..=699 if first_final && !b.answered => {
                let better = b.best.as_ref().map_or(true, |best| {
                    // 6xx wins, then the lowest class.
                    let (old, new) = (best.status().unwrap_or(999), code);
                    (new >= 600) || (old < 600 && new / 100 < old / 100)
                });
                if better {
                    b.best = Some(response);
                }
                if b.pending == 0 {
                    if let Some(best) = b.best.take() {
                        self.send(now, layer, server, best);
                    }
                }
            }
            _ => {}
        }
    }

    /// Timer F/B or a transport error on a client transaction: 408 or 503
    /// upstream if nothing final was relayed yet.
    pub(super) fn on_client_failure(
        &mut self,
        now: Instant,
        layer: &mut TransactionLayer,
        client: TxId,
        code: u16,
    ) {
        let Some(f) = self.forwards.get_mut(&client) else {
            return;
        };
        if f.finished {
            return;
        }
        f.finished = true;
        let (server, request) = (f.server, f.request.clone());
        if let Some(b) = self.branches.get_mut(&server) {
            // One silent branch of a fork: the others may still answer.
            b.pending = b.pending.saturating_sub(1);
            if b.answered || b.pending > 0 {
                return;
            }
            if let Some(best) = b.best.take() {
                self.send(now, layer, server, best);
                return;
            }
        }
        self.reply(now, layer, server, &request, code);
    }
}

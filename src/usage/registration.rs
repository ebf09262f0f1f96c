//! Registration (RFC 3261 §10) with Outbound (RFC 5626), Path (RFC 3327),
//! Service-Route (RFC 3608) and GRUU (RFC 5627): register, refresh before
//! expiry, answer 423 and digest challenges, retry and reconnect after
//! failures, unregister.

use std::time::{Duration, Instant};

use crate::endpoint::outgoing::{ContactSpec, OutId, Outcome, Outgoing, Owner};
use crate::endpoint::timers::{Timer, TimerKey};
use crate::endpoint::{CommandError, Endpoint, Event, Failure, Gruu, RegistrationId};
use crate::message::headers::{
    CSeq, Contact, Expires, MaxForwards, MinExpires, Require, RetryAfter, ServiceRoute,
};
use crate::message::{Message, Method, RequestBuilder, Uri};
use crate::resolve::ResolvedTarget;
use crate::transport::FlowId;
use crate::usage::message::check_extra_header;

/// Methods we accept, for `Allow`.
pub(crate) const ALLOW: &str =
    "INVITE, ACK, CANCEL, BYE, UPDATE, PRACK, REFER, SUBSCRIBE, NOTIFY, OPTIONS, MESSAGE, INFO";

/// How to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterOptions {
    /// The registrar's URI (default: the AOR's domain, RFC 3261 §10.2).
    pub registrar: Option<String>,
    /// Seconds to ask for.
    pub expires: u32,
    /// Use Outbound (RFC 5626: `reg-id`, `+sip.instance`, `;ob`, flow
    /// keep-alives) when [`Config::instance_id`](crate::endpoint::Config::instance_id) is set.
    pub outbound: bool,
    /// Header fields added to every REGISTER, as (name, value).
    pub extra_headers: Vec<(String, String)>,
}

impl Default for RegisterOptions {
    fn default() -> Self {
        RegisterOptions {
            registrar: None,
            expires: 600,
            outbound: true,
            extra_headers: Vec::new(),
        }
    }
}

/// Where a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationState {
    /// A REGISTER is on its way (first one, refresh or retry).
    Registering,
    /// The registrar holds our binding.
    Registered,
    /// A failure happened; a retry is scheduled.
    Waiting,
    /// Failed for good (until `register` is called again).
    Failed,
    /// Removing our binding.
    Unregistering,
}

#[derive(Debug)]
pub(crate) struct Registration {
    options: RegisterOptions,
    registrar: String,
    call_id: String,
    from_tag: String,
    next_cseq: u32,
    /// Asked for (raised by a 423's Min-Expires).
    expires: u32,
    pub(crate) state: RegistrationState,
    out: Option<OutId>,
    refresh: Option<TimerKey>,
    retry: Option<TimerKey>,
    /// The flow and server the binding lives on.
    pub(crate) flow: Option<FlowId>,
    target: Option<ResolvedTarget>,
    was_registered: bool,
    gruu: Option<Gruu>,
    service_route: Vec<String>,
    /// Consecutive failed attempts (RFC 5626 §4.5 counts them).
    failures: u32,
    too_brief: u8,
    /// `Some(all)` once `unregister` was called.
    removing: Option<bool>,
    /// The Contact URI of the last successful REGISTER.
    contact: Option<String>,
    /// STUN keep-alives of a UDP registration (RFC 5626 §4.4.2).
    pub(crate) stun: Option<crate::endpoint::keepalive::StunKeepalive>,
}

impl Registration {
    /// The registrar's address in use.
    pub(crate) fn target_addr(&self) -> Option<std::net::SocketAddr> {
        self.target.as_ref().map(|t| t.addr)
    }

    fn outbound(&self, instance: bool) -> bool {
        self.options.outbound && instance
    }
}

/// RFC 5626 §4.5: after `failures` consecutive failures, wait a random
/// time between half and all of `min(max, base · 2^failures)`.
pub(crate) fn outbound_backoff(failures: u32, unit: f64) -> Duration {
    const BASE: u64 = 30;
    const MAX: u64 = 1800;
    let wait = BASE.saturating_mul(1u64 << failures.min(16)).min(MAX);
    Duration::from_millis(((wait * 1000) as f64 * (0.5 + unit / 2.0)) as u64)
}

/// What the registrar granted our contact: its `expires` in the 200's
/// Contact list, else the Expires header, else what we asked.
fn granted_expires(resp: &Message, ours: Option<&str>, instance: Option<&str>, asked: u32) -> u32 {
    for c in resp.headers::<Contact>().flatten() {
        let Contact::Address(a) = c else { continue };
        let by_instance = instance.is_some_and(|i| {
            a.sip_instance()
                .is_some_and(|s| s.trim_matches(|c| c == '<' || c == '>') == i)
        });
        let by_uri = ours.is_some_and(|o| Uri::parse(o).is_ok_and(|u| u.equivalent(a.uri())));
        if by_instance || by_uri {
            if let Some(e) = a.expires() {
                return e;
            }
        }
    }
    resp.header::<Expires>().map_or(asked, |e| e.0)
}

fn gruu_of(resp: &Message, instance: Option<&str>) -> Option<Gruu> {
    let instance = instance?;
    for c in resp.headers::<Contact>().flatten() {
        let Contact::Address(a) = c else { continue };
        let ours = a
            .sip_instance()
            .is_some_and(|s| s.trim_matches(|c| c == '<' || c == '>') == instance);
        if ours && (a.pub_gruu().is_some() || a.temp_gruu().is_some()) {
            return Some(Gruu {
                public: a.pub_gruu().map(|g| g.into_owned()),
                temporary: a.temp_gruu().map(|g| g.into_owned()),
            });
        }
    }
    None
}

fn reason_of(resp: &Message) -> String {
    String::from_utf8_lossy(resp.reason().unwrap_or_default()).into_owned()
}

impl Endpoint {
    /// Registers our contact with a registrar, and keeps it registered:
    /// refreshes at [`Config::refresh_fraction`](crate::endpoint::Config::refresh_fraction)
    /// of the granted time, answers digest challenges and 423, retries and
    /// reconnects after failures. Progress arrives as [`Event::Registered`],
    /// [`Event::RegistrationFailed`] and [`Event::Reconnecting`].
    pub fn register(
        &mut self,
        now: Instant,
        options: RegisterOptions,
    ) -> Result<RegistrationId, CommandError> {
        let registrar = options
            .registrar
            .clone()
            .unwrap_or_else(|| self.identity.domain_uri.clone());
        crate::usage::message::check_target("the registrar", &registrar)?;
        for (n, v) in &options.extra_headers {
            check_extra_header(n, v)?;
        }
        if self.registrations.len() >= self.config.max_usages {
            return Err(CommandError::Limit {
                what: "registrations",
                limit: self.config.max_usages,
            });
        }
        let id = RegistrationId(self.next_id());
        let reg = Registration {
            expires: options.expires,
            options,
            registrar,
            call_id: self.rng.token(22),
            from_tag: self.rng.token(10),
            next_cseq: 1,
            state: RegistrationState::Registering,
            out: None,
            refresh: None,
            retry: None,
            flow: None,
            target: None,
            was_registered: false,
            gruu: None,
            service_route: Vec::new(),
            failures: 0,
            too_brief: 0,
            removing: None,
            contact: None,
            stun: None,
        };
        self.registrations.insert(id, reg);
        self.send_register(now, id);
        self.pump(now);
        Ok(id)
    }

    /// Removes our binding (`all`: every binding of the AOR, `Contact: *`)
    /// and ends the registration; [`Event::Unregistered`] follows.
    pub fn unregister(
        &mut self,
        now: Instant,
        id: RegistrationId,
        all: bool,
    ) -> Result<(), CommandError> {
        let reg = self
            .registrations
            .get_mut(&id)
            .ok_or(CommandError::NoSuchRegistration(id))?;
        let in_flight = reg.out.take();
        let bound = reg.was_registered || in_flight.is_some();
        if let Some(mut k) = reg.stun.take() {
            k.stop(&mut self.timers);
        }
        self.timers.stop(&mut reg.refresh);
        self.timers.stop(&mut reg.retry);
        reg.removing = Some(all);
        reg.state = RegistrationState::Unregistering;
        if let Some(out) = in_flight {
            self.abandon(out);
        }
        if bound || all {
            self.send_register(now, id);
        } else {
            self.registrations.remove(&id);
            self.event(Event::Unregistered { id });
        }
        self.pump(now);
        Ok(())
    }

    /// The state of a registration (`None` once it ended).
    pub fn registration(&self, id: RegistrationId) -> Option<RegistrationState> {
        self.registrations.get(&id).map(|r| r.state)
    }

    /// The GRUUs of a registration, once registered with them.
    pub fn gruu(&self, id: RegistrationId) -> Option<&Gruu> {
        self.registrations.get(&id).and_then(|r| r.gruu.as_ref())
    }

    /// The Contact to put in requests and responses that create dialogs
    /// for this registration (RFC 5627 §4.2): the public GRUU when the
    /// registrar gave one (`temporary` for privacy: the temporary one), else
    /// the contact that was registered. `None` until registered.
    pub fn contact(&self, id: RegistrationId, temporary: bool) -> Option<String> {
        let reg = self.registrations.get(&id)?;
        if reg.state != RegistrationState::Registered {
            return None;
        }
        let gruu = reg.gruu.as_ref().and_then(|g| {
            if temporary {
                g.temporary.clone()
            } else {
                g.public.clone()
            }
        });
        gruu.or_else(|| reg.contact.clone())
    }

    /// The Route values for a new request outside a dialog: the
    /// Service-Route of a live registration (RFC 3608 §6), else the
    /// configured outbound proxy and route set.
    pub(crate) fn request_routes(&self) -> Vec<String> {
        self.registrations
            .values()
            .find(|r| r.state == RegistrationState::Registered && !r.service_route.is_empty())
            .map_or_else(|| self.identity.routes.clone(), |r| r.service_route.clone())
    }

    pub(crate) fn outgoing_contains(&self, id: OutId) -> bool {
        self.outgoing.contains_key(&id)
    }

    fn register_draft(&self, reg: &Registration) -> Option<(Message, ContactSpec)> {
        let instance = self.config.instance_id.as_deref();
        let outbound = reg.outbound(instance.is_some());
        let (expires, contact) = match reg.removing {
            Some(true) => (0, ContactSpec::Star),
            Some(false) => (
                0,
                ContactSpec::Ours {
                    params: self.contact_params(reg, 0),
                    ob: outbound,
                },
            ),
            None => (
                reg.expires,
                ContactSpec::Ours {
                    params: self.contact_params(reg, reg.expires),
                    ob: outbound,
                },
            ),
        };
        let mut supported = vec!["path"];
        if instance.is_some() {
            supported.push("gruu");
        }
        if outbound {
            supported.push("outbound");
        }
        let mut supported = supported.join(", ");
        for tag in &self.config.supported {
            if !supported.split(", ").any(|t| t == tag) {
                supported.push_str(", ");
                supported.push_str(tag);
            }
        }
        let mut b = RequestBuilder::new(Method::Register, &reg.registrar).header(&MaxForwards(70));
        for r in &self.identity.routes {
            b = b.raw_header("Route", r.as_bytes());
        }
        b = b
            .raw_header("From", self.identity.our_from(&reg.from_tag).as_bytes())
            .raw_header("To", format!("<{}>", self.identity.aor).as_bytes())
            .raw_header("Call-ID", reg.call_id.as_bytes())
            .header(&CSeq {
                seq: reg.next_cseq,
                method: Method::Register,
            })
            .header(&Expires(expires))
            .raw_header("Supported", supported.as_bytes())
            .raw_header("Allow", ALLOW.as_bytes())
            .raw_header("User-Agent", self.config.user_agent.as_bytes());
        if let Some(events) = self.allow_events() {
            b = b.raw_header("Allow-Events", events.as_bytes());
        }
        for (n, v) in &reg.options.extra_headers {
            b = b.raw_header(n, v.as_bytes());
        }
        b.build().ok().map(|m| (m, contact))
    }

    fn contact_params(&self, reg: &Registration, expires: u32) -> String {
        let mut p = String::new();
        if let Some(instance) = &self.config.instance_id {
            p.push_str(&format!(";+sip.instance=\"<{instance}>\""));
            if reg.options.outbound {
                p.push_str(";reg-id=1");
            }
        }
        p.push_str(&format!(";expires={expires}"));
        p
    }

    fn send_register(&mut self, now: Instant, id: RegistrationId) {
        let Some(reg) = self.registrations.get(&id) else {
            return;
        };
        let Some((draft, contact)) = self.register_draft(reg) else {
            self.registration_failed(id, None, "the REGISTER cannot be built".into(), None);
            return;
        };
        let pinned = match (reg.flow, &reg.target) {
            (Some(f), Some(t)) => Some((f, t.clone())),
            _ => None,
        };
        let out = self.start_outgoing(
            now,
            Outgoing::new(Owner::Registration(id), draft, contact, pinned),
        );
        if self.outgoing_contains(out) {
            if let Some(reg) = self.registrations.get_mut(&id) {
                reg.out = Some(out);
                if reg.removing.is_none() {
                    reg.state = RegistrationState::Registering;
                }
            }
        }
    }

    /// Reports a failure that sansip does not retry by itself.
    fn registration_failed(
        &mut self,
        id: RegistrationId,
        status: Option<u16>,
        reason: String,
        retry_after: Option<Duration>,
    ) {
        if let Some(reg) = self.registrations.get_mut(&id) {
            reg.state = if retry_after.is_some() {
                RegistrationState::Waiting
            } else {
                RegistrationState::Failed
            };
            reg.flow = None;
            if let Some(mut k) = reg.stun.take() {
                k.stop(&mut self.timers);
            }
        }
        self.event(Event::RegistrationFailed {
            id,
            status,
            reason,
            retry_after,
        });
    }

    /// Schedules the next attempt after a failure that may pass.
    fn schedule_retry(
        &mut self,
        now: Instant,
        id: RegistrationId,
        failure: &Failure,
        hint: Option<Duration>,
        detail: Option<&str>,
    ) {
        let unit = self.rng.unit();
        let policy = self.config.reconnect;
        let Some(reg) = self.registrations.get_mut(&id) else {
            return;
        };
        reg.failures = reg.failures.saturating_add(1);
        reg.flow = None;
        if let Some(mut k) = reg.stun.take() {
            k.stop(&mut self.timers);
        }
        self.timers.stop(&mut reg.refresh);
        self.timers.stop(&mut reg.retry);
        let failures = reg.failures;
        let reconnecting = *failure == Failure::Transport && failures <= policy.attempts;
        let delay = if let Some(h) = hint {
            h
        } else if reconnecting {
            policy.delay
        } else {
            outbound_backoff(failures.saturating_sub(policy.attempts).max(1), unit)
        };
        reg.retry = Some(self.timers.arm(now + delay, Timer::Retry(id)));
        reg.state = RegistrationState::Waiting;
        if reconnecting && hint.is_none() {
            self.event(Event::Reconnecting {
                id,
                attempt: failures,
                delay,
                reason: detail.map_or_else(|| failure.to_string(), str::to_owned),
            });
        } else {
            self.event(Event::RegistrationFailed {
                id,
                status: failure.status(),
                reason: failure.to_string(),
                retry_after: Some(delay),
            });
        }
    }

    pub(crate) fn registration_outcome(
        &mut self,
        now: Instant,
        id: RegistrationId,
        outcome: Outcome,
    ) {
        let Some(reg) = self.registrations.get_mut(&id) else {
            return;
        };
        reg.out = None;
        reg.next_cseq = outcome.cseq.wrapping_add(1);
        if reg.removing.is_some() {
            self.unregister_outcome(id, outcome);
            return;
        }
        let response = match &outcome.result {
            Ok(r) => r.clone(),
            Err(failure) => {
                let failure = failure.clone();
                let retry = !matches!(failure, Failure::Local(_));
                if retry {
                    let detail = outcome.detail.clone();
                    self.schedule_retry(now, id, &failure, None, detail.as_deref());
                } else {
                    self.registration_failed(id, None, failure.to_string(), None);
                }
                return;
            }
        };
        let status = response.status().unwrap_or(0);
        let retry_after = response
            .header::<RetryAfter>()
            .ok()
            .map(|r| Duration::from_secs(u64::from(r.seconds)));
        match status {
            200..=299 => self.registered(now, id, &response, outcome),
            423 => {
                let min = response.header::<MinExpires>().map(|m| m.0).ok();
                let Some(reg) = self.registrations.get_mut(&id) else {
                    return;
                };
                match min {
                    Some(min) if min > reg.expires && reg.too_brief < 2 => {
                        reg.too_brief += 1;
                        reg.expires = min;
                        self.send_register(now, id);
                    }
                    _ => self.registration_failed(id, Some(423), reason_of(&response), None),
                }
            }
            408 | 480 | 500 | 503 | 504 | 600 => {
                let failure = Failure::Status {
                    code: status,
                    reason: reason_of(&response),
                };
                self.schedule_retry(now, id, &failure, retry_after, None);
            }
            _ => match retry_after {
                Some(after) => {
                    let failure = Failure::Status {
                        code: status,
                        reason: reason_of(&response),
                    };
                    self.schedule_retry(now, id, &failure, Some(after), None);
                }
                None => self.registration_failed(id, Some(status), reason_of(&response), None),
            },
        }
    }

    fn registered(&mut self, now: Instant, id: RegistrationId, resp: &Message, outcome: Outcome) {
        let instance = self.config.instance_id.clone();
        let fraction = self.config.refresh_fraction;
        let keepalive_default = self.config.keepalive_interval;
        let Some(reg) = self.registrations.get_mut(&id) else {
            return;
        };
        let granted = granted_expires(
            resp,
            outcome.contact.as_deref(),
            instance.as_deref(),
            reg.expires,
        );
        if granted == 0 {
            self.registration_failed(
                id,
                Some(resp.status().unwrap_or(200)),
                "the registrar granted 0 seconds".into(),
                None,
            );
            return;
        }
        let contacts: Vec<String> = resp
            .headers::<Contact>()
            .flatten()
            .filter_map(|c| match c {
                Contact::Address(a) => Some(a.uri().to_string()),
                Contact::Star => None,
            })
            .collect();
        reg.gruu = gruu_of(resp, instance.as_deref());
        reg.service_route = resp
            .headers::<ServiceRoute>()
            .flatten()
            .map(|r| format!("<{}>", r.uri()))
            .collect();
        reg.flow = outcome.flow;
        reg.target = outcome.target;
        reg.contact = outcome.contact;
        reg.failures = 0;
        reg.too_brief = 0;
        reg.was_registered = true;
        reg.state = RegistrationState::Registered;
        let refresh_ms = (f64::from(granted) * 1000.0 * fraction).round() as u64;
        self.timers.stop(&mut reg.refresh);
        reg.refresh = Some(self.timers.arm(
            now + Duration::from_millis(refresh_ms.max(1)),
            Timer::Refresh(id),
        ));
        // RFC 5626 §4.4: keep the flow alive when the registrar does
        // Outbound (it says so with Require: outbound, or a Flow-Timer).
        let outbound_used = reg.outbound(instance.is_some());
        let server_outbound = resp
            .headers::<Require>()
            .flatten()
            .any(|r| r.is("outbound"));
        let flow_timer = resp
            .raw_by_name("Flow-Timer")
            .and_then(|v| std::str::from_utf8(v).ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let event = Event::Registered {
            id,
            expires: granted,
            contacts,
            gruu: reg.gruu.clone(),
            service_route: reg.service_route.clone(),
            flow: reg.flow,
        };
        let flow = reg.flow;
        let udp_target = reg
            .target
            .as_ref()
            .filter(|t| !t.transport.is_reliable())
            .map(|t| t.addr);
        let wanted = outbound_used && (server_outbound || flow_timer.is_some());
        match (wanted, flow, udp_target) {
            (true, Some(flow), _) => {
                self.start_keepalive(now, flow, flow_timer.unwrap_or(keepalive_default))
            }
            (true, None, Some(remote)) => {
                let interval = flow_timer.unwrap_or(self.config.udp_keepalive_interval);
                self.start_stun_keepalive(now, id, remote, interval);
            }
            _ => {}
        }
        self.event(event);
    }

    fn unregister_outcome(&mut self, id: RegistrationId, outcome: Outcome) {
        let Some(mut reg) = self.registrations.remove(&id) else {
            return;
        };
        if let Some(mut k) = reg.stun.take() {
            k.stop(&mut self.timers);
        }
        self.timers.stop(&mut reg.refresh);
        self.timers.stop(&mut reg.retry);
        match outcome.result {
            Ok(r) if r.status().is_some_and(|s| (200..300).contains(&s)) => {
                self.event(Event::Unregistered { id });
            }
            Ok(r) => self.event(Event::RegistrationFailed {
                id,
                status: r.status(),
                reason: reason_of(&r),
                retry_after: None,
            }),
            Err(f) => self.event(Event::RegistrationFailed {
                id,
                status: None,
                reason: f.to_string(),
                retry_after: None,
            }),
        }
    }

    pub(crate) fn refresh_due(&mut self, now: Instant, id: RegistrationId) {
        if let Some(reg) = self.registrations.get_mut(&id) {
            reg.refresh = None;
            if reg.out.is_none() {
                self.send_register(now, id);
            }
        }
    }

    pub(crate) fn retry_due(&mut self, now: Instant, id: RegistrationId) {
        if let Some(reg) = self.registrations.get_mut(&id) {
            reg.retry = None;
            if reg.out.is_none() {
                self.send_register(now, id);
            }
        }
    }

    /// The UDP path of a registration failed (its STUN keep-alive went
    /// unanswered): register again.
    pub(crate) fn registration_path_failed(&mut self, now: Instant, id: RegistrationId, why: &str) {
        if self
            .registrations
            .get(&id)
            .is_some_and(|r| r.out.is_none() && r.removing.is_none())
        {
            self.schedule_retry(now, id, &Failure::Transport, None, Some(why));
        }
    }

    /// The address a NAT shows for us changed (RFC 5626 §4.4.2): the
    /// registrar must learn it now, not at the next refresh.
    pub(crate) fn refresh_now(&mut self, now: Instant, id: RegistrationId) {
        if let Some(reg) = self.registrations.get_mut(&id) {
            self.timers.stop(&mut reg.refresh);
            if reg.out.is_none() && reg.removing.is_none() {
                self.send_register(now, id);
            }
        }
    }

    /// The flow under registrations failed: reconnect them.
    pub(crate) fn registration_flow_failed(
        &mut self,
        now: Instant,
        flow: FlowId,
        error: Option<&str>,
    ) {
        let _ = error;
        let hit: Vec<RegistrationId> = self
            .registrations
            .iter()
            .filter(|(_, r)| r.flow == Some(flow) && r.out.is_none() && r.removing.is_none())
            .map(|(id, _)| *id)
            .collect();
        for id in hit {
            self.schedule_retry(now, id, &Failure::Transport, None, error);
        }
    }
}

//! `phone`: a small SIP phone on std sockets, the real host of sansip's
//! sans-IO [`Endpoint`]. It registers, sends and receives MESSAGEs, places
//! and answers calls (SDP offer/answer, external media: no RTP), and
//! prints one line per event; `tests/interop/run.sh` drives it against
//! kamailio and sipp. Run `cargo run --example phone -- --help`.
//!
//! The host loop: the main thread owns the Endpoint. Socket threads
//! (`net.rs`) send what they read to one channel; the main thread feeds it
//! in as [`Input`]s, carries out every [`Output`] (send, connect, close,
//! resolve, print), and waits on the channel no longer than the Endpoint's
//! next deadline, then calls `handle_timeout`.

#![allow(clippy::disallowed_methods)] // a host: the clock and OS randomness are its job

mod args;
mod calls;
mod net;

use std::io::Write;
use std::net::SocketAddr;
use std::process::exit;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use sansip::auth::UserCredentials;
use sansip::endpoint::{
    Config, Endpoint, Event, Failure, Input, LocalAddr, MessageId, Output, RegisterOptions,
    RegistrationId,
};
use sansip::transport::Transport;

use args::{parse_args, usage_error};
use calls::{CallConfig, Calls};
use net::{Net, NetEvent};

/// A seed from the OS: /dev/urandom, else std's randomly keyed hasher.
fn os_seed() -> u64 {
    use std::hash::BuildHasher;
    let mut buf = [0u8; 8];
    match std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut buf))
    {
        Ok(()) => u64::from_le_bytes(buf),
        Err(_) => std::collections::hash_map::RandomState::new().hash_one(0u8),
    }
}

/// Prints one event line and flushes (the interop harness reads it live).
fn say(line: impl std::fmt::Display) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Message text on one line.
fn one_line(s: &str) -> String {
    s.replace('\r', "\\r").replace('\n', "\\n")
}

/// How long the phone waits for the answer to its un-REGISTER at exit.
const UNREGISTER_GRACE: Duration = Duration::from_secs(2);

struct Phone {
    ep: Endpoint,
    net: Net,
    trace: bool,
    expires: Option<u32>,
    registration: Option<RegistrationId>,
    registered: bool,
    /// The MESSAGE still to send (after registering), and the one in flight.
    pending_message: Option<(String, String)>,
    message: Option<MessageId>,
    /// Calls, and the `--call` still to place (after registering).
    calls: Calls,
    pending_call: Option<String>,
    /// Shutting down: the exit status, and when to stop waiting (for the
    /// calls to end, then for the un-REGISTER).
    exiting: Option<(i32, Instant)>,
    /// The calls have ended during shutdown: unregistering now.
    unregistering: bool,
    /// Exit with this status once the Endpoint's outputs are carried out.
    done: Option<i32>,
}

impl Phone {
    /// Carries out every output until the Endpoint has nothing more to do;
    /// returns its next deadline.
    fn drain(&mut self) -> Option<Instant> {
        loop {
            match self.ep.poll_output() {
                Output::Transmit(t) => {
                    self.trace("-->", t.transport, t.source, t.destination, &t.data);
                    if let Err(e) = self.net.transmit(&t) {
                        eprintln!("phone: send to {} failed: {e}", t.destination);
                    }
                }
                Output::Connect(c) => {
                    if self.trace {
                        eprintln!(
                            "=== connect {:?} {} (flow {:#x})",
                            c.transport, c.remote, c.flow.0
                        );
                    }
                    self.net.connect(c);
                }
                Output::Close { flow } => self.net.close(flow),
                Output::Resolve(q) => self.net.resolve(q),
                Output::Event(e) => self.on_event(e),
                Output::Timeout(at) => return at,
            }
        }
    }

    fn on_net(&mut self, ev: NetEvent) {
        let input = match ev {
            NetEvent::Input(input) => {
                if let Input::Receive {
                    transport,
                    source,
                    destination,
                    data,
                    ..
                } = &input
                {
                    self.trace("<--", *transport, *source, *destination, data);
                }
                input
            }
            NetEvent::Opened { flow, writer, ours } => {
                self.net.add_writer(flow, writer);
                if !ours {
                    return; // sansip learns the flow from its first bytes
                }
                Input::Connected { flow }
            }
            NetEvent::Closed { flow, error } => {
                if self.trace {
                    eprintln!(
                        "=== flow {:#x} closed: {}",
                        flow.0,
                        error.as_deref().unwrap_or("by the peer")
                    );
                }
                if !self.net.reader_closed(flow) {
                    return;
                }
                Input::FlowClosed { flow, error }
            }
            NetEvent::Signal(sig) => {
                if self.exiting.is_some() {
                    eprintln!("phone: signal {sig} again, exiting now");
                    exit(1);
                }
                // The normal end of a registered phone; it interrupts a
                // MESSAGE still waiting for its answer, or a --call.
                let waiting = self.message.is_some()
                    || self.pending_message.is_some()
                    || self.pending_call.is_some()
                    || self.calls.placing();
                return self.finish(i32::from(waiting));
            }
        };
        self.ep.handle_input(Instant::now(), input);
    }

    fn trace(
        &self,
        dir: &str,
        transport: Transport,
        from: SocketAddr,
        to: SocketAddr,
        data: &[u8],
    ) {
        if self.trace {
            let text = String::from_utf8_lossy(data);
            eprintln!(
                "{dir} {transport:?} {from} -> {to} ({} bytes)\n{text}",
                data.len()
            );
        }
    }

    fn on_event(&mut self, e: Event) {
        if Calls::is_call_event(&e) {
            if let Some(code) = self.calls.on_event(&mut self.ep, e) {
                self.finish(code);
            }
            if self.exiting.is_some() && self.calls.active() == 0 {
                self.after_calls();
            }
            return;
        }
        match e {
            Event::Registered { expires, gruu, .. } => {
                let gruu = gruu.and_then(|g| g.public.or(g.temporary));
                match gruu {
                    Some(g) => say(format_args!("registered expires={expires} gruu={g}")),
                    None => say(format_args!("registered expires={expires}")),
                }
                self.registered = true;
                if let Some((target, text)) = self.pending_message.take() {
                    self.send_message(&target, &text);
                }
                if let Some(target) = self.pending_call.take() {
                    self.place_call(&target);
                }
            }
            Event::RegistrationFailed {
                status,
                reason,
                retry_after,
                ..
            } => {
                let status = status.map_or("-".to_owned(), |s| s.to_string());
                say(format_args!(
                    "registration-failed status={status} reason={}",
                    one_line(&reason)
                ));
                if self.exiting.is_some() {
                    self.exit_now();
                } else if retry_after.is_none() {
                    // sansip will not try again: nothing more can happen.
                    self.registration = None;
                    self.registered = false;
                    self.finish(1);
                }
            }
            Event::Unregistered { .. } => {
                say("unregistered");
                self.registration = None;
                self.registered = false;
                if self.exiting.is_some() {
                    self.exit_now();
                }
            }
            Event::Reconnecting {
                attempt,
                delay,
                reason,
                ..
            } => {
                say(format_args!(
                    "reconnecting attempt={attempt} delay={}s reason={reason}",
                    delay.as_secs_f64()
                ));
            }
            Event::MessageDelivered { status, .. } => {
                say(format_args!("message-delivered status={status}"));
                self.message = None;
                self.finish(0);
            }
            Event::MessageFailed { failure, .. } => {
                match &failure {
                    Failure::Status { code, reason } => say(format_args!(
                        "message-failed status={code} reason={}",
                        one_line(reason)
                    )),
                    other => say(format_args!(
                        "message-failed reason={}",
                        one_line(&other.to_string())
                    )),
                }
                self.message = None;
                self.finish(1);
            }
            Event::Message { from, body, .. } => {
                // Without the line break senders (sipp) put after the text.
                let text = String::from_utf8_lossy(&body);
                say(format_args!(
                    "message from={from} body={}",
                    one_line(text.trim_end_matches(['\r', '\n']))
                ));
            }
            other => {
                if self.trace {
                    eprintln!("=== event {other:?}");
                }
            }
        }
    }

    fn send_message(&mut self, target: &str, text: &str) {
        match self.ep.message(
            Instant::now(),
            target,
            "text/plain",
            text.as_bytes().to_vec(),
            &[],
        ) {
            Ok(id) => self.message = Some(id),
            Err(e) => {
                say(format_args!(
                    "message-failed reason={}",
                    one_line(&e.to_string())
                ));
                self.finish(1);
            }
        }
    }

    fn place_call(&mut self, target: &str) {
        if let Err(e) = self.calls.place(&mut self.ep, target) {
            say(format_args!(
                "call-ended reason=failed detail={}",
                one_line(&e)
            ));
            self.finish(1);
        }
    }

    /// Ends the phone with `code`: hangs up its calls and waits for them
    /// to end, then unregisters when registered.
    fn finish(&mut self, code: i32) {
        if self.exiting.is_some() {
            return;
        }
        self.exiting = Some((code, Instant::now() + UNREGISTER_GRACE));
        if !self.calls.hangup_all(&mut self.ep) {
            self.after_calls();
        }
    }

    /// Shutting down and no call left: unregister, or exit.
    fn after_calls(&mut self) {
        if self.unregistering {
            return;
        }
        self.unregistering = true;
        self.exiting = self
            .exiting
            .map(|(code, _)| (code, Instant::now() + UNREGISTER_GRACE));
        match self.registration {
            Some(id) if self.ep.unregister(Instant::now(), id, false).is_ok() => {}
            _ => self.exit_now(),
        }
    }

    /// Exits once what the Endpoint has queued (a 200 for a BYE, ...) is
    /// sent: the main loop exits after `drain`.
    fn exit_now(&mut self) {
        self.done = Some(self.exiting.map_or(0, |(c, _)| c));
    }

    fn start(&mut self, register: bool, message: Option<(String, String)>, call: Option<String>) {
        let now = Instant::now();
        if register {
            let mut opts = RegisterOptions::default();
            if let Some(e) = self.expires {
                opts.expires = e;
            }
            match self.ep.register(now, opts) {
                Ok(id) => self.registration = Some(id),
                Err(e) => {
                    eprintln!("phone: cannot register: {e}");
                    exit(1);
                }
            }
            self.pending_message = message;
            self.pending_call = call;
        } else if let Some((target, text)) = message {
            self.send_message(&target, &text);
        } else if let Some(target) = call {
            self.place_call(&target);
        }
    }
}

fn main() {
    let args = parse_args(std::env::args().skip(1)).unwrap_or_else(|e| usage_error(&e));

    let (mut net, events) = Net::new();
    let mut config = Config::new(args.aor.clone());
    for &(transport, addr) in &args.listen {
        match net.listen(transport, addr) {
            Ok(addr) => config.local.push(LocalAddr { transport, addr }),
            Err(e) => {
                eprintln!("phone: cannot listen on {transport:?} {addr}: {e}");
                exit(1);
            }
        }
    }
    config.outbound_proxy = args.proxy.clone();
    // sansip does PRACK (RFC 3262) but accepts `Require: 100rel` only
    // when the host lists it among the extensions it supports.
    config.supported.push("100rel".to_owned());
    if let Some(pw) = &args.password {
        let user = sansip::message::Uri::parse(&args.aor)
            .ok()
            .and_then(|u| u.as_sip().and_then(|s| s.user.map(str::to_owned)))
            .unwrap_or_default();
        config
            .credentials
            .set_default(UserCredentials::password(user, pw.clone()));
    }
    config.seed = args.seed.unwrap_or_else(os_seed);
    let calls = Calls::new(
        CallConfig {
            answer: args.answer,
            answer_after: args.answer_after.unwrap_or_default(),
            hangup_after: args.hangup_after,
            hold_after: args.hold_after,
            resume_after: args.resume_after,
            reliable_ringing: args.reliable_ringing,
            accept_refer: args.accept_refer,
            transfer: args
                .transfer_to
                .clone()
                .map(|t| (t, args.transfer_after.unwrap_or_default())),
            media_addr: config
                .local
                .first()
                .map_or("127.0.0.1".to_owned(), |l| l.addr.ip().to_string()),
            media_port: args.media_port.unwrap_or(40000),
        },
        config.seed,
    );
    let mut ep =
        Endpoint::new(config, Instant::now()).unwrap_or_else(|e| usage_error(&e.to_string()));
    if let Some(level) = args.log {
        ep.set_log_sink(level, |r| {
            eprintln!("log {} {}: {}", r.level(), r.target(), r.args())
        });
    }

    let signal_tx = net.events.clone();
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
    ])
    .unwrap_or_else(|e| {
        eprintln!("phone: cannot handle signals: {e}");
        exit(1)
    });
    std::thread::spawn(move || {
        for sig in signals.forever() {
            if signal_tx.send(NetEvent::Signal(sig)).is_err() {
                return;
            }
        }
    });

    let mut phone = Phone {
        ep,
        net,
        trace: args.trace,
        expires: args.expires,
        registration: None,
        registered: false,
        pending_message: None,
        message: None,
        calls,
        pending_call: None,
        exiting: None,
        unregistering: false,
        done: None,
    };
    phone.start(args.register, args.message, args.call);

    loop {
        let deadline = phone.drain();
        if let Some(code) = phone.done {
            let _ = std::io::stdout().flush();
            exit(code);
        }
        let now = Instant::now();
        if let Some((_, until)) = phone.exiting {
            if now >= until {
                if phone.unregistering {
                    eprintln!("phone: no answer to the un-REGISTER in {UNREGISTER_GRACE:?}");
                    let _ = std::io::stdout().flush();
                    exit(phone.exiting.map_or(0, |(c, _)| c));
                }
                eprintln!("phone: calls still ending after {UNREGISTER_GRACE:?}");
                phone.after_calls();
                continue;
            }
        }
        if phone.calls.next_deadline().is_some_and(|t| t <= now) {
            phone.calls.tick(&mut phone.ep, now);
            continue;
        }
        let wake = [
            deadline,
            phone.exiting.map(|(_, u)| u),
            phone.calls.next_deadline(),
        ]
        .into_iter()
        .flatten()
        .min();
        let received = match wake {
            Some(at) => events.recv_timeout(at.saturating_duration_since(now)),
            None => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match received {
            Ok(ev) => phone.on_net(ev),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => unreachable!("the Net keeps a sender"),
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            phone.ep.handle_timeout(Instant::now());
        }
    }
}

//! The phone's command line: its usage text and the parsing of its flags.

use std::net::SocketAddr;
use std::process::exit;
use std::time::Duration;

use sansip::transport::Transport;

use crate::calls::AnswerMode;

pub(crate) const USAGE: &str = "\
phone: a SIP phone on sansip (sans-IO core, std sockets)

USAGE:
    phone --aor <uri> --listen <transport:addr:port> [options]

OPTIONS:
    --aor <uri>              our address of record, e.g. sip:alice@example.com (required)
    --password <pw>          digest password, used for any realm that challenges us
    --proxy <uri>            outbound proxy, e.g. sip:127.0.0.1:5060;transport=tcp
                             or sip:127.0.0.1:8080;transport=ws (every request goes through it)
    --listen <t:addr:port>   a local address per transport (repeatable): udp, tcp or ws,
                             e.g. udp:127.0.0.1:5070, ws:127.0.0.1:5070 (port 0 picks one).
                             udp binds a socket, tcp and ws also accept connections there;
                             the address goes into Via and Contact. With a ws --proxy and
                             no ws --listen, Via and Contact use a .invalid host (RFC 7118)
    --register               register the AOR (through --proxy, else the AOR's domain)
    --expires <s>            registration lifetime asked for (default 600)
    --message <target> <text>
                             send one MESSAGE (text/plain); after --register succeeds when
                             both are given; exit 0 on a 2xx answer, 1 otherwise
    --call <target>          place one call (INVITE with an SDP audio offer: PCMU, PCMA,
                             telephone-event); after --register succeeds when both are
                             given; exit once it ended: 0 if it had been answered, 1 if not
    --answer auto|reject|none
                             incoming calls: auto rings (180), then answers 200 with an
                             RFC 3264 answer to the offer (488 if nothing in common);
                             reject answers 486; none rings and never answers.
                             Without --answer, calls get 480
    --answer-after <s>       with --answer auto: ring this long first (default 0; seconds
                             may have fractions, e.g. 0.5)
    --100rel                 ring with a reliable 180 (RFC 3262: Require: 100rel, RSeq,
                             resent until the caller's PRACK) also when the INVITE only
                             supports 100rel; without it, only when the INVITE requires it
    --hangup-after <s>       hang up every call this long after it is up (fractions too)
    --hold-after <s>         put every call on hold this long after it is up: a re-INVITE
                             with our SDP made sendonly
    --resume-after <s>       take it off hold this long after it is up (a re-INVITE back to
                             sendrecv); needs --hold-after, and must be later
    --accept-refer           accept a REFER in a call (202) and call its Refer-To target,
                             telling the referrer how it goes by NOTIFY (message/sipfrag);
                             without it a REFER is declined (603)
    --transfer-to <uri>      blind transfer: once a call is up (and --transfer-after has
                             passed), send REFER asking the peer to call <uri>; hang up
                             when the peer reports the new call answered
    --transfer-after <s>     with --transfer-to: wait this long after the call is up
                             (default 0)
    --media-port <n>         the RTP port written in our SDP (default 40000; the phone
                             sends and receives no media)
    --seed <n>               seed of sansip's random tokens (default: from the OS)
    --trace                  print every SIP message sent and received to stderr
    --log <level>            sansip's own log to stderr: warn, info, debug or trace
                             (why a message was dropped, flows closing, ...)
    -h, --help               this text

OUTPUT (stdout, one line per event):
    registered expires=N [gruu=URI]     registration-failed status=S reason=TEXT
    unregistered                        reconnecting attempt=N delay=Ds
    message-delivered status=S          message-failed [status=S] reason=TEXT
    message from=URI body=TEXT
    call-incoming from=URI
    call-progress status=N [codec=NAME/RATE remote-media=ADDR:PORT]  (an early answer)
    call-accepted [codec=NAME/RATE remote-media=ADDR:PORT]
    call-ended reason=R [...]   R: local-hangup, remote-hangup, cancelled,
                                remote-cancelled, rejected status=N, declined status=N,
                                redirected, no-ack, failed detail=TEXT
    call-on-hold [remote-direction=D]   call-resumed [remote-direction=D]
                                (our re-INVITE got 2xx; D: the direction of the answer)
    call-update-failed action=hold|resume status=N|reason=TEXT
    call-updated by=remote [direction=D]      (the peer's re-INVITE or UPDATE, answered)
    transfer-requested target=URI [referred-by=URI]
    transfer-accepted target=URI        transfer-rejected target=URI status=603
    transfer-progress status=N  (transferor: the REFER's answer, then each NOTIFY's status)
    transfer-succeeded status=N         transfer-failed status=N|reason=TEXT

With only --register and/or --answer the phone runs until SIGINT or SIGTERM,
then hangs up its calls, unregisters (waiting up to 2 s for the answers) and
exits 0.";

/// The command line.
#[derive(Debug, Default)]
pub(crate) struct Args {
    pub(crate) aor: String,
    pub(crate) password: Option<String>,
    pub(crate) proxy: Option<String>,
    pub(crate) listen: Vec<(Transport, SocketAddr)>,
    pub(crate) register: bool,
    pub(crate) expires: Option<u32>,
    pub(crate) message: Option<(String, String)>,
    pub(crate) answer: Option<AnswerMode>,
    pub(crate) call: Option<String>,
    pub(crate) answer_after: Option<Duration>,
    pub(crate) hangup_after: Option<Duration>,
    pub(crate) hold_after: Option<Duration>,
    pub(crate) resume_after: Option<Duration>,
    pub(crate) reliable_ringing: bool,
    pub(crate) accept_refer: bool,
    pub(crate) transfer_to: Option<String>,
    pub(crate) transfer_after: Option<Duration>,
    pub(crate) media_port: Option<u16>,
    pub(crate) seed: Option<u64>,
    pub(crate) trace: bool,
    pub(crate) log: Option<sansip::log::Level>,
}

pub(crate) fn usage_error(msg: &str) -> ! {
    eprintln!("phone: {msg}\n(see phone --help)");
    exit(2)
}

fn parse_listen(s: &str) -> Result<(Transport, SocketAddr), String> {
    let (t, addr) = s
        .split_once(':')
        .ok_or_else(|| format!("--listen {s:?}: want transport:addr:port"))?;
    let transport = match t.to_ascii_lowercase().as_str() {
        "udp" => Transport::Udp,
        "tcp" => Transport::Tcp,
        "ws" => Transport::Ws,
        _ => {
            return Err(format!(
                "--listen {s:?}: the transport must be udp, tcp or ws"
            ))
        }
    };
    let addr: SocketAddr = addr
        .parse()
        .map_err(|_| format!("--listen {s:?}: {addr:?} is not addr:port"))?;
    if addr.ip().is_unspecified() {
        return Err(format!(
            "--listen {s:?}: give the address peers reach us at, not {}",
            addr.ip()
        ));
    }
    Ok((transport, addr))
}

pub(crate) fn parse_args(argv: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut args = Args::default();
    let mut it = argv.into_iter();
    while let Some(flag) = it.next() {
        let mut value = |what: &str| it.next().ok_or_else(|| format!("{flag} needs {what}"));
        let number = |v: String, flag: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("{flag}: {v:?} is not a number"))
        };
        let seconds = |v: String, flag: &str| {
            v.parse::<f64>()
                .ok()
                .and_then(|s| Duration::try_from_secs_f64(s).ok())
                .ok_or_else(|| format!("{flag}: {v:?} is not a number of seconds"))
        };
        match flag.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                exit(0)
            }
            "--aor" => args.aor = value("a URI")?,
            "--password" => args.password = Some(value("a password")?),
            "--proxy" => args.proxy = Some(value("a URI")?),
            "--listen" => args
                .listen
                .push(parse_listen(&value("transport:addr:port")?)?),
            "--register" => args.register = true,
            "--expires" => {
                let n = number(value("seconds")?, &flag)?;
                args.expires =
                    Some(u32::try_from(n).map_err(|_| "--expires is too large".to_owned())?);
            }
            "--message" => {
                let target = value("a target URI and a text")?;
                let text = value("a text after the target")?;
                args.message = Some((target, text));
            }
            "--answer" => {
                let mode = value("auto, reject or none")?;
                args.answer = Some(
                    AnswerMode::parse(&mode)
                        .ok_or_else(|| format!("--answer {mode:?}: want auto, reject or none"))?,
                );
            }
            "--call" => args.call = Some(value("a target URI")?),
            "--answer-after" => args.answer_after = Some(seconds(value("seconds")?, &flag)?),
            "--hangup-after" => args.hangup_after = Some(seconds(value("seconds")?, &flag)?),
            "--hold-after" => args.hold_after = Some(seconds(value("seconds")?, &flag)?),
            "--resume-after" => args.resume_after = Some(seconds(value("seconds")?, &flag)?),
            "--100rel" => args.reliable_ringing = true,
            "--accept-refer" => args.accept_refer = true,
            "--transfer-to" => args.transfer_to = Some(value("a target URI")?),
            "--transfer-after" => args.transfer_after = Some(seconds(value("seconds")?, &flag)?),
            "--media-port" => {
                let n = number(value("a port")?, &flag)?;
                args.media_port = Some(
                    u16::try_from(n)
                        .ok()
                        .filter(|&p| p != 0)
                        .ok_or_else(|| format!("--media-port {n}: want 1 to 65535"))?,
                );
            }
            "--seed" => args.seed = Some(number(value("a number")?, &flag)?),
            "--trace" => args.trace = true,
            "--log" => {
                use sansip::log::Level;
                args.log = Some(match value("a level")?.as_str() {
                    "warn" => Level::Warn,
                    "info" => Level::Info,
                    "debug" => Level::Debug,
                    "trace" => Level::Trace,
                    other => return Err(format!("--log {other}: want warn, info, debug or trace")),
                });
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if args.aor.is_empty() {
        return Err("--aor is required".into());
    }
    if args.listen.is_empty() {
        return Err("give at least one --listen transport:addr:port".into());
    }
    if !args.register && args.message.is_none() && args.call.is_none() && args.answer.is_none() {
        return Err("nothing to do: give --register, --message, --answer or --call".into());
    }
    if args.call.is_some() && args.message.is_some() {
        return Err("give --call or --message, not both".into());
    }
    if let Some(resume) = args.resume_after {
        match args.hold_after {
            None => return Err("--resume-after needs --hold-after".into()),
            Some(hold) if resume <= hold => {
                return Err("--resume-after must be later than --hold-after".into())
            }
            Some(_) => {}
        }
    }
    if args.transfer_after.is_some() && args.transfer_to.is_none() {
        return Err("--transfer-after needs --transfer-to".into());
    }
    Ok(args)
}

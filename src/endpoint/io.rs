//! What crosses the Endpoint's boundary: inputs from the host, outputs to
//! it, and the events a user sees.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::resolve::{Query, QueryFailure, QueryId, Record};
use crate::transport::{FlowId, Transport};
use crate::usage::publication::PublicationId;
use crate::usage::session::{EndCause, EndReason, SessionId};
use crate::usage::subscription::{SubState, SubscriptionId};

/// Something the host observed: bytes arrived, a connection opened or
/// closed, a DNS answer came back.
#[derive(Debug, Clone)]
pub enum Input {
    /// Bytes received on a flow: one datagram (UDP), one WebSocket message
    /// (WS, WSS), or any chunk of a byte stream (TCP, TLS: sansip frames it).
    Receive {
        /// The transport of the flow.
        transport: Transport,
        /// The flow: the host's id for the socket or connection (a new id
        /// on a stream transport is a connection the host accepted), or the
        /// id sansip gave in [`Output::Connect`].
        flow: FlowId,
        /// The peer's address.
        source: SocketAddr,
        /// This side's address (the socket's local address).
        destination: SocketAddr,
        /// The bytes.
        data: Bytes,
    },
    /// A connection asked for with [`Output::Connect`] is open.
    Connected {
        /// The flow.
        flow: FlowId,
    },
    /// A connection closed (or could not be opened).
    FlowClosed {
        /// The flow.
        flow: FlowId,
        /// Why, if known (for the events and logs).
        error: Option<String>,
    },
    /// The answer to an [`Output::Resolve`] query.
    Resolved {
        /// The query answered.
        query: QueryId,
        /// The records, or why there are none.
        records: Result<Vec<Record>, QueryFailure>,
    },
}

/// Bytes to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// The transport.
    pub transport: Transport,
    /// The connection to write to on stream and WebSocket transports; for
    /// UDP `None`: send from the socket bound to `source`.
    pub flow: Option<FlowId>,
    /// This side's address (the socket to send from).
    pub source: SocketAddr,
    /// The peer.
    pub destination: SocketAddr,
    /// The bytes: one datagram or WebSocket message, or stream bytes.
    pub data: Bytes,
}

/// A connection sansip wants opened. Answer with [`Input::Connected`] or
/// [`Input::FlowClosed`]; [`Transmit`]s for the flow come only after
/// `Connected`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect {
    /// The id sansip gives the flow (ids sansip chooses have the top bit
    /// set, so they never collide with the host's own ids).
    pub flow: FlowId,
    /// TCP, TLS, WS or WSS.
    pub transport: Transport,
    /// The address to connect to.
    pub remote: SocketAddr,
    /// The server's name, when it has one: for TLS SNI and certificate
    /// checks, and the WebSocket `Host`.
    pub server_name: Option<String>,
}

/// One thing for the host to do, from [`Endpoint::poll_output`](super::Endpoint::poll_output).
#[derive(Debug, Clone)]
pub enum Output {
    /// Send bytes.
    Transmit(Transmit),
    /// Open a connection.
    Connect(Connect),
    /// Close a connection sansip gave up on (a failed keep-alive, broken
    /// stream framing). No [`Input::FlowClosed`] is needed for it.
    Close {
        /// The flow.
        flow: FlowId,
    },
    /// Look up DNS records; answer with [`Input::Resolved`].
    Resolve(Query),
    /// Tell the user something.
    Event(Event),
    /// Nothing more to do now: call
    /// [`handle_timeout`](super::Endpoint::handle_timeout) at this instant
    /// (`None`: no timer is armed, wait for input).
    Timeout(Option<Instant>),
}

/// Identifies a registration for its whole life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistrationId(pub u64);

/// Identifies an outgoing MESSAGE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageId(pub u64);

/// Why a request got no positive answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A final non-2xx response.
    Status {
        /// The status code.
        code: u16,
        /// The reason phrase.
        reason: String,
    },
    /// No final response in time (Timer B or F) from every target tried.
    Timeout,
    /// The transport failed (connection refused or closed, ICMP error).
    Transport,
    /// The next hop's name did not resolve (RFC 3263).
    Unresolvable(String),
    /// The request could not be built or sent (a limit, a bad target).
    Local(String),
}

impl Failure {
    /// The status code, for a status failure.
    pub fn status(&self) -> Option<u16> {
        match self {
            Failure::Status { code, .. } => Some(*code),
            _ => None,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Status { code, reason } => write!(f, "{code} {reason}"),
            Failure::Timeout => f.write_str("no response (timeout)"),
            Failure::Transport => f.write_str("transport error"),
            Failure::Unresolvable(name) => write!(f, "cannot resolve {name}"),
            Failure::Local(why) => f.write_str(why),
        }
    }
}

/// The GRUUs (RFC 5627) a registrar assigned to this instance.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gruu {
    /// The public GRUU (stable, reveals the AOR).
    pub public: Option<String>,
    /// The temporary GRUU (changes with each registration).
    pub temporary: Option<String>,
}

/// What happened, for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A registration (or its refresh) succeeded.
    Registered {
        /// The registration.
        id: RegistrationId,
        /// Seconds the registrar granted for our contact.
        expires: u32,
        /// Every contact the registrar holds for the AOR (RFC 3261 §10.3:
        /// other devices' too).
        contacts: Vec<String>,
        /// GRUUs for our contact, when the registrar gave any.
        gruu: Option<Gruu>,
        /// The Service-Route (RFC 3608) our requests now use.
        service_route: Vec<String>,
        /// The flow the registration lives on (stream transports).
        flow: Option<FlowId>,
    },
    /// A registration ended at our request (or was already gone).
    Unregistered {
        /// The registration.
        id: RegistrationId,
    },
    /// A registration attempt failed.
    RegistrationFailed {
        /// The registration.
        id: RegistrationId,
        /// The final status, when the failure was a response.
        status: Option<u16>,
        /// What happened, in words.
        reason: String,
        /// When sansip tries again by itself (`None`: it does not; call
        /// `register` again).
        retry_after: Option<Duration>,
    },
    /// The flow a registration used failed; sansip is reconnecting.
    Reconnecting {
        /// The registration.
        id: RegistrationId,
        /// Which attempt this is (1 for the first).
        attempt: u32,
        /// How long until the attempt.
        delay: Duration,
        /// What failed (the host's words from `FlowClosed`, or sansip's).
        reason: String,
    },
    /// A MESSAGE got a 2xx.
    MessageDelivered {
        /// The MESSAGE.
        id: MessageId,
        /// The status (200, 202).
        status: u16,
    },
    /// A MESSAGE was not delivered.
    MessageFailed {
        /// The MESSAGE.
        id: MessageId,
        /// Why.
        failure: Failure,
    },
    /// A call arrived: answer it with `progress`, `accept` or `reject`.
    IncomingCall {
        /// The session.
        session: SessionId,
        /// The caller (From URI).
        from: String,
        /// Who was called (To URI).
        to: String,
        /// The SDP offer, if the INVITE carried one.
        sdp_offer: Option<Bytes>,
        /// The Replaces header value (RFC 3891), if any.
        replaces: Option<String>,
    },
    /// An outgoing call got a provisional response (100, 180, 183, ...).
    ///
    /// A proxy may fork the INVITE to several devices (RFC 3261 §16.6):
    /// each answers in its own early dialog, told apart by `fork`. Early
    /// media come from one fork at a time: a fork's early SDP supersedes
    /// the one before it, so render the latest (RFC 3960 §3).
    CallProgress {
        /// The session.
        session: SessionId,
        /// The status.
        status: u16,
        /// Early SDP, if the response carried one (the answer to our
        /// offer, or a preview of it when the response is unreliable).
        sdp: Option<Bytes>,
        /// Which fork answered: 1 for the first To tag seen, 2 for the
        /// second, ...; 0 for a response without a To tag (a proxy's 100).
        fork: u32,
    },
    /// The call is up: (caller) a 2xx arrived and was acknowledged;
    /// (callee) the ACK for our 2xx arrived.
    CallAccepted {
        /// The session.
        session: SessionId,
        /// The peer's SDP: of the 2xx (caller) or of the ACK (callee), else
        /// the one agreed earlier (a reliable provisional response, the
        /// INVITE's offer).
        sdp: Option<Bytes>,
        /// Caller: the fork whose 2xx won (numbered as in
        /// [`CallProgress`](Event::CallProgress)); later 2xx from other
        /// forks are acknowledged and ended with BYE. Callee: 0.
        fork: u32,
    },
    /// The peer offered SDP in a response to our INVITE that had none (in
    /// a reliable provisional response or the 2xx), and neither
    /// [`Config::media`](super::Config::media) nor earlier SDP of ours can
    /// answer it: answer with
    /// [`Endpoint::answer`](super::Endpoint::answer); the PRACK or ACK
    /// waits for it.
    AnswerNeeded {
        /// The session.
        session: SessionId,
        /// The peer's offer.
        offer: Bytes,
    },
    /// The media of an established call changed: our re-INVITE succeeded
    /// (`sdp`: the peer's answer), or the peer's re-INVITE was answered
    /// (`sdp`: its offer).
    CallUpdated {
        /// The session.
        session: SessionId,
        /// The peer's SDP, if it sent one.
        sdp: Option<Bytes>,
    },
    /// Our re-INVITE was refused: the previous media stay in force.
    CallUpdateFailed {
        /// The session.
        session: SessionId,
        /// The status of the refusal.
        status: u16,
    },
    /// A DTMF digit arrived by INFO (RFC 6086, `application/dtmf-relay`
    /// or `application/dtmf`).
    Dtmf {
        /// The session.
        session: SessionId,
        /// `0`–`9`, `*`, `#`, `A`–`D`.
        digit: char,
        /// Its duration in milliseconds (0 when not given).
        duration_ms: u32,
    },
    /// The peer of call `session` asks us to call `target` (REFER):
    /// answer with `accept_transfer` or `reject_transfer` (declined after
    /// 30 s otherwise).
    TransferRequested {
        /// The call the REFER came in.
        session: SessionId,
        /// Who to call.
        target: String,
        /// Who asked (Referred-By), if said.
        referred_by: Option<String>,
    },
    /// Progress of a transfer we asked for: the REFER's answer (202, or a
    /// refusal), then the new call's status as the transferee reports it.
    TransferProgress {
        /// The call the REFER went in.
        session: SessionId,
        /// The status.
        status: u16,
    },
    /// A peer asks to subscribe to `event` (RFC 6665): answer with
    /// `accept_subscription` or `reject_subscription` (declined with 480
    /// after 30 s otherwise, [`SubscriptionEnded`](Event::SubscriptionEnded)
    /// following).
    SubscriptionRequested {
        /// The subscription.
        subscription: SubscriptionId,
        /// The subscriber (From URI).
        from: String,
        /// The event package (`presence`, `dialog`, ...).
        event: String,
        /// The seconds asked for.
        expires: u32,
    },
    /// A NOTIFY for one of our subscriptions (answered 200 already).
    Notification {
        /// The subscription.
        subscription: SubscriptionId,
        /// The state it reports.
        state: SubState,
        /// The body's type, if any.
        content_type: Option<String>,
        /// The body (e.g. a PIDF document), if any.
        body: Option<Bytes>,
    },
    /// Our SUBSCRIBE was forked (RFC 6665 §4.1.2.4): a NOTIFY came from
    /// another notifier than the first, and made a subscription of its
    /// own, `fork`, with its own notifications, refreshes and end.
    SubscriptionForked {
        /// The subscription as we asked for it.
        subscription: SubscriptionId,
        /// The new subscription with the other notifier.
        fork: SubscriptionId,
    },
    /// A subscription ended (ours or a peer's); its last event.
    SubscriptionEnded {
        /// The subscription.
        subscription: SubscriptionId,
        /// Why (the NOTIFY's reason, a status, a timeout).
        reason: String,
    },
    /// Our PUBLISH was accepted (first, refresh or modification).
    Published {
        /// The publication.
        publication: PublicationId,
        /// Seconds granted.
        expires: u32,
        /// The entity tag (RFC 3903 `SIP-ETag`) the server gave the
        /// published state; sansip sends it back in refreshes and changes.
        /// `None` when the 2xx carried none (a broken server: the next
        /// refresh publishes the whole state again).
        etag: Option<String>,
    },
    /// Our published state was removed at our request.
    Unpublished {
        /// The publication.
        publication: PublicationId,
    },
    /// A PUBLISH failed; the publication is over.
    PublicationFailed {
        /// The publication.
        publication: PublicationId,
        /// The status, when the failure was a response.
        status: Option<u16>,
        /// What happened, in words.
        reason: String,
    },
    /// The call is over; the last event of a session.
    CallEnded {
        /// The session.
        session: SessionId,
        /// Why.
        reason: EndReason,
        /// The Reason header (RFC 3326) of the BYE or CANCEL that ended
        /// the call, the peer's or ours: a Q.850 cause from a gateway, why
        /// sansip hung up (no ACK, session expired, ...).
        cause: Option<EndCause>,
    },
    /// A MESSAGE arrived (RFC 3428); it was answered 200 already.
    Message {
        /// The sender (From URI).
        from: String,
        /// The recipient (To URI).
        to: String,
        /// The Content-Type (`text/plain` when absent).
        content_type: String,
        /// The body.
        body: Bytes,
    },
}

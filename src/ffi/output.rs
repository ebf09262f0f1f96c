//! `sansip_endpoint_poll_output`: what the endpoint asks of the host, one
//! output at a time, and the kind of the events among them.

use std::ptr;

use super::addr::{sansip_addr, transport_to_c};
use super::boundary::{out, put};
use super::handle::{sansip_endpoint, with_mut, EndpointState};
use super::result::{sansip_result, Error};
use crate::endpoint::{Event, Output};
use crate::resolve::RecordKind;
use crate::usage::session::EndReason;

/// What a `sansip_output` asks of the host.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sansip_output_kind {
    /// Send `data` (`data_len` bytes) over `transport` from `local` to
    /// `remote`; on a connection (`has_flow`), write it to flow `flow_id`.
    Transmit = 0,
    /// Open a `transport` connection to `remote` and call it flow
    /// `flow_id`; `data` is the server's name (TLS SNI, WebSocket Host) or
    /// `(NULL, 0)`. Answer with `sansip_endpoint_flow_connected` or
    /// `sansip_endpoint_flow_closed`.
    Connect = 1,
    /// Close the connection `flow_id` (no `flow_closed` needed).
    Close = 2,
    /// Look up the DNS name in `data` (record type `record_type`, a
    /// `sansip_record_type`; query `query_id`) and answer with
    /// `sansip_endpoint_resolved`.
    Resolve = 3,
    /// Tell the user something: `event` is its kind; read its fields with
    /// the `sansip_event_*` accessors.
    Event = 4,
    /// Nothing more to do now: call `sansip_endpoint_handle_timeout` at
    /// `timeout_us` (`UINT64_MAX`: no timer, wait for input).
    Timeout = 5,
}

/// The kinds of event. New kinds are appended, values never change; treat
/// an unknown value like `SANSIP_EVENT_OTHER`. Each kind lists the
/// `sansip_event_*` accessors that answer for it.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sansip_event {
    /// Not an event (the output is of another kind).
    None = 0,
    /// A registration (or its refresh) succeeded: `registration`, `expires`,
    /// `contact` (every contact the registrar holds for the AOR),
    /// `gruu_public`, `gruu_temporary`, `service_route`, `flow`.
    Registered = 1,
    /// A registration ended at our request: `registration`.
    Unregistered = 2,
    /// A registration attempt failed: `registration`, `status` (if a
    /// response), `reason`, `retry_after_us` (if sansip retries by itself).
    RegistrationFailed = 3,
    /// A registration's flow failed; sansip is reconnecting: `registration`,
    /// `reason`, `attempt`, `delay_us`.
    Reconnecting = 4,
    /// A MESSAGE got a 2xx: `message_id`, `status`.
    MessageDelivered = 5,
    /// A MESSAGE was not delivered: `message_id`, `failure`, `status` (if
    /// a response), `reason`.
    MessageFailed = 6,
    /// A MESSAGE arrived (answered 200 already): `from`, `to`,
    /// `content_type`, `body`.
    Message = 7,
    /// A call arrived: `session`, `from`, `to`, `body` (the SDP offer, if
    /// any), `replaces` (RFC 3891, if any). Answer with
    /// `sansip_endpoint_progress`, `_accept`, `_reject` or `_hangup`.
    IncomingCall = 8,
    /// An outgoing call got a provisional response: `session`, `status`,
    /// `body` (early SDP, if any), `fork` (which early dialog: 1, 2, ...; 0
    /// for a response without a To tag).
    CallProgress = 9,
    /// The call is up: `session`, `body` (the peer's SDP, if any), `fork`
    /// (caller: the fork whose 2xx won; callee: 0).
    CallAccepted = 10,
    /// The media of a call changed: `session`, `body` (the peer's SDP).
    CallUpdated = 11,
    /// Our re-INVITE was refused: `session`, `status`.
    CallUpdateFailed = 12,
    /// The call is over (its last event): `session`, `end_reason`,
    /// `status` (when rejected or declined), `failure` (when it failed
    /// without an answer), `contact` (the targets of a redirection),
    /// `reason` (in words), `cause_protocol`, `cause_code`, `cause_text`
    /// (the Reason header of the BYE or CANCEL, if any).
    CallEnded = 13,
    /// Reserved for an event this version of the C ABI does not describe;
    /// not produced now (every event has its own kind). `reason` holds a
    /// description.
    Other = 14,
    /// The peer offered SDP in a response to our INVITE without one, and
    /// no configured media can answer it: `session`, `body` (the offer).
    /// Answer with `sansip_endpoint_answer`.
    AnswerNeeded = 15,
    /// A DTMF digit arrived by INFO: `session`, `digit`, `duration_ms`.
    Dtmf = 16,
    /// The peer of a call asks us to call someone else (REFER): `session`,
    /// `target`, `referred_by` (if said). Answer with
    /// `sansip_endpoint_accept_transfer` or `_reject_transfer`.
    TransferRequested = 17,
    /// Progress of a transfer we asked for: `session`, `status`.
    TransferProgress = 18,
    /// A peer asks to subscribe: `subscription`, `from`, `event_package`,
    /// `expires`. Answer with `sansip_endpoint_accept_subscription` or
    /// `_reject_subscription`.
    SubscriptionRequested = 19,
    /// A NOTIFY for one of our subscriptions (answered 200 already):
    /// `subscription`, `subscription_state`, `content_type`, `body` (if any).
    Notification = 20,
    /// Our SUBSCRIBE was forked: another notifier made a subscription of
    /// its own: `subscription` (ours), `forked_subscription` (the new one).
    SubscriptionForked = 21,
    /// A subscription ended, ours or a peer's (its last event):
    /// `subscription`, `reason`.
    SubscriptionEnded = 22,
    /// Our PUBLISH was accepted: `publication`, `expires`.
    Published = 23,
    /// Our published state was removed at our request: `publication`.
    Unpublished = 24,
    /// A PUBLISH failed; the publication is over: `publication`, `status`
    /// (if a response), `reason`.
    PublicationFailed = 25,
}

/// `sansip_output.record_type` of a `SANSIP_OUTPUT_KIND_RESOLVE`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sansip_record_type {
    /// NAPTR.
    Naptr = 0,
    /// SRV.
    Srv = 1,
    /// A (IPv4).
    A = 2,
    /// AAAA (IPv6).
    Aaaa = 3,
    /// Not a DNS type: a ready socket address, in answers only
    /// (`sansip_dns_record`).
    Address = 4,
}

/// One output. Fields that do not apply to `kind` are zero (NULL, family
/// 0). The pointers stay valid until the next `sansip_endpoint_poll_output`
/// or `sansip_endpoint_free` on the same endpoint.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sansip_output {
    /// What to do.
    pub kind: sansip_output_kind,
    /// The event's kind (`SANSIP_EVENT_NONE` unless `kind` is `EVENT`).
    pub event: sansip_event,
    /// A `sansip_transport` (TRANSMIT, CONNECT).
    pub transport: u32,
    /// Whether `flow_id` names a connection (TRANSMIT on a stream or
    /// WebSocket; always for CONNECT and CLOSE).
    pub has_flow: bool,
    /// The flow (TRANSMIT with `has_flow`, CONNECT, CLOSE).
    pub flow_id: u64,
    /// This side's address (TRANSMIT: the socket to send from).
    pub local: sansip_addr,
    /// The peer (TRANSMIT, CONNECT).
    pub remote: sansip_addr,
    /// The bytes to send (TRANSMIT), the server name (CONNECT) or the name
    /// to resolve (RESOLVE).
    pub data: *const u8,
    /// The length of `data`.
    pub data_len: usize,
    /// The query (RESOLVE).
    pub query_id: u64,
    /// A `sansip_record_type` (RESOLVE).
    pub record_type: u32,
    /// The deadline in host microseconds (TIMEOUT; `UINT64_MAX`: none).
    pub timeout_us: u64,
}

/// The output handed out last, owned by the endpoint so the pointers in
/// `sansip_output` (and from the event accessors) stay valid.
#[derive(Debug)]
pub(crate) struct Current {
    pub(crate) output: Output,
    /// The event's `reason` text, made once.
    pub(crate) reason: Option<String>,
}

/// Takes the endpoint's next output (draining rule: after any input or
/// command, poll until `SANSIP_OUTPUT_KIND_TIMEOUT`) and describes it in
/// `output`.
#[no_mangle]
pub unsafe extern "C" fn sansip_endpoint_poll_output(
    endpoint: *mut sansip_endpoint,
    output: *mut sansip_output,
) -> sansip_result {
    let run = |ep: &mut EndpointState| -> Result<(), Error> {
        let output = out(output, "output")?;
        ep.current = None;
        let next = ep.endpoint.poll_output();
        let mut c = sansip_output {
            kind: sansip_output_kind::Timeout,
            event: sansip_event::None,
            transport: 0,
            has_flow: false,
            flow_id: 0,
            local: sansip_addr::NONE,
            remote: sansip_addr::NONE,
            data: ptr::null(),
            data_len: 0,
            query_id: 0,
            record_type: 0,
            timeout_us: u64::MAX,
        };
        let mut reason = None;
        match &next {
            Output::Transmit(t) => {
                c.kind = sansip_output_kind::Transmit;
                c.transport = transport_to_c(t.transport);
                c.has_flow = t.flow.is_some();
                c.flow_id = t.flow.map_or(0, |f| f.0);
                c.local = sansip_addr::from_rust(t.source);
                c.remote = sansip_addr::from_rust(t.destination);
                (c.data, c.data_len) = (t.data.as_ptr(), t.data.len());
            }
            Output::Connect(k) => {
                c.kind = sansip_output_kind::Connect;
                c.transport = transport_to_c(k.transport);
                (c.has_flow, c.flow_id) = (true, k.flow.0);
                c.remote = sansip_addr::from_rust(k.remote);
                if let Some(name) = &k.server_name {
                    (c.data, c.data_len) = (name.as_ptr(), name.len());
                }
            }
            Output::Close { flow } => {
                c.kind = sansip_output_kind::Close;
                (c.has_flow, c.flow_id) = (true, flow.0);
            }
            Output::Resolve(q) => {
                c.kind = sansip_output_kind::Resolve;
                (c.data, c.data_len) = (q.name.as_ptr(), q.name.len());
                c.query_id = q.id.0;
                c.record_type = (match q.kind {
                    RecordKind::Naptr => sansip_record_type::Naptr,
                    RecordKind::Srv => sansip_record_type::Srv,
                    RecordKind::A => sansip_record_type::A,
                    RecordKind::Aaaa => sansip_record_type::Aaaa,
                }) as u32;
            }
            Output::Event(e) => {
                c.kind = sansip_output_kind::Event;
                c.event = event_kind(e);
                reason = event_reason(e);
            }
            Output::Timeout(at) => {
                c.timeout_us = at.map_or(u64::MAX, |at| ep.clock.micros(at));
            }
        }
        // The pointers in `c` point into `next`'s heap data (Bytes,
        // String), which moving `next` into the endpoint does not move.
        ep.current = Some(Current {
            output: next,
            reason,
        });
        // SAFETY: output was checked non-NULL; the caller passes it
        // valid for a write.
        unsafe { put(output, c) };
        Ok(())
    };
    // SAFETY: the caller passes a live endpoint (or NULL).
    unsafe { with_mut(endpoint, run) }
}

pub(crate) fn event_kind(e: &Event) -> sansip_event {
    match e {
        Event::Registered { .. } => sansip_event::Registered,
        Event::Unregistered { .. } => sansip_event::Unregistered,
        Event::RegistrationFailed { .. } => sansip_event::RegistrationFailed,
        Event::Reconnecting { .. } => sansip_event::Reconnecting,
        Event::MessageDelivered { .. } => sansip_event::MessageDelivered,
        Event::MessageFailed { .. } => sansip_event::MessageFailed,
        Event::Message { .. } => sansip_event::Message,
        Event::IncomingCall { .. } => sansip_event::IncomingCall,
        Event::CallProgress { .. } => sansip_event::CallProgress,
        Event::CallAccepted { .. } => sansip_event::CallAccepted,
        Event::CallUpdated { .. } => sansip_event::CallUpdated,
        Event::CallUpdateFailed { .. } => sansip_event::CallUpdateFailed,
        Event::CallEnded { .. } => sansip_event::CallEnded,
        Event::AnswerNeeded { .. } => sansip_event::AnswerNeeded,
        Event::Dtmf { .. } => sansip_event::Dtmf,
        Event::TransferRequested { .. } => sansip_event::TransferRequested,
        Event::TransferProgress { .. } => sansip_event::TransferProgress,
        Event::SubscriptionRequested { .. } => sansip_event::SubscriptionRequested,
        Event::Notification { .. } => sansip_event::Notification,
        Event::SubscriptionForked { .. } => sansip_event::SubscriptionForked,
        Event::SubscriptionEnded { .. } => sansip_event::SubscriptionEnded,
        Event::Published { .. } => sansip_event::Published,
        Event::Unpublished { .. } => sansip_event::Unpublished,
        Event::PublicationFailed { .. } => sansip_event::PublicationFailed,
    }
}

fn event_reason(e: &Event) -> Option<String> {
    match e {
        Event::RegistrationFailed { reason, .. }
        | Event::Reconnecting { reason, .. }
        | Event::SubscriptionEnded { reason, .. }
        | Event::PublicationFailed { reason, .. } => Some(reason.clone()),
        Event::MessageFailed { failure, .. } => Some(failure.to_string()),
        Event::CallEnded { reason, .. } => Some(end_reason(reason)),
        Event::Registered { .. }
        | Event::Unregistered { .. }
        | Event::MessageDelivered { .. }
        | Event::Message { .. }
        | Event::IncomingCall { .. }
        | Event::CallProgress { .. }
        | Event::CallAccepted { .. }
        | Event::CallUpdated { .. }
        | Event::CallUpdateFailed { .. }
        | Event::AnswerNeeded { .. }
        | Event::Dtmf { .. }
        | Event::TransferRequested { .. }
        | Event::TransferProgress { .. }
        | Event::SubscriptionRequested { .. }
        | Event::Notification { .. }
        | Event::SubscriptionForked { .. }
        | Event::Published { .. }
        | Event::Unpublished { .. } => None,
    }
}

fn end_reason(r: &EndReason) -> String {
    match r {
        EndReason::LocalHangup => "local hangup".into(),
        EndReason::RemoteHangup => "remote hangup".into(),
        EndReason::Cancelled => "cancelled".into(),
        EndReason::CancelledByCaller => "cancelled by the caller".into(),
        EndReason::AnsweredElsewhere => "answered elsewhere".into(),
        EndReason::Rejected { status, reason } => format!("rejected: {status} {reason}"),
        EndReason::Redirected { contacts } => format!("redirected to {}", contacts.join(", ")),
        EndReason::Declined { status } => format!("declined with {status}"),
        EndReason::NoAck => "no ACK for our 2xx".into(),
        EndReason::SessionExpired => "session expired".into(),
        EndReason::Replaced => "replaced".into(),
        EndReason::Failed(f) => format!("failed: {f}"),
        EndReason::OfferAnswerFailed { why } => format!("offer/answer failed: {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Event kinds are appended, never renumbered: this is the order.
    #[test]
    fn event_kinds_keep_their_values() {
        use sansip_event::*;
        let all = [
            None,
            Registered,
            Unregistered,
            RegistrationFailed,
            Reconnecting,
            MessageDelivered,
            MessageFailed,
            Message,
            IncomingCall,
            CallProgress,
            CallAccepted,
            CallUpdated,
            CallUpdateFailed,
            CallEnded,
            Other,
            AnswerNeeded,
            Dtmf,
            TransferRequested,
            TransferProgress,
            SubscriptionRequested,
            Notification,
            SubscriptionForked,
            SubscriptionEnded,
            Published,
            Unpublished,
            PublicationFailed,
        ];
        for (i, k) in all.iter().enumerate() {
            assert_eq!(*k as usize, i, "{k:?}");
        }
    }
}

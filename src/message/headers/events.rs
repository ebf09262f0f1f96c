//! Event notification headers (RFC 6665 §8.2): Event and
//! Subscription-State. (Allow-Events is with the token lists.)

use crate::message::grammar::{
    expect, fail, is_token_byte, params, parse_all, token, write_params, PResult,
};
use crate::message::{HeaderName, Params, TypedHeader, ValueError};

use super::lex::{check_params, is_delta_seconds, parse_delta, DELTA_SECONDS};

/// An event type: an event package with optional template parts,
/// `package *( "." template )`, e.g. `presence` or `presence.winfo`.
/// Compared byte by byte (RFC 6665 §8.2.1).
///
/// ```
/// use sansip::message::headers::EventType;
/// let t = EventType("presence.winfo");
/// assert_eq!(t.package(), "presence");
/// assert_eq!(t.templates().collect::<Vec<_>>(), ["winfo"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventType<'a>(pub &'a str);

impl<'a> EventType<'a> {
    /// The whole event type as written.
    pub const fn as_str(&self) -> &'a str {
        self.0
    }

    /// The event package: the part before the first `.`.
    pub fn package(&self) -> &'a str {
        self.0.split('.').next().unwrap_or(self.0)
    }

    /// The template parts after the package, in order.
    pub fn templates(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.0.split('.').skip(1)
    }
}

impl std::fmt::Display for EventType<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// `token-nodot` (RFC 6665 §8.4): a token without `.`.
fn is_token_nodot_byte(b: u8) -> bool {
    is_token_byte(b) && b != b'.'
}

/// `event-type = event-package *( "." event-template )`.
pub(super) fn event_type(i: &str) -> PResult<'_, EventType<'_>> {
    let b = i.as_bytes();
    let mut k = 0;
    loop {
        let start = k;
        while k < b.len() && is_token_nodot_byte(b[k]) {
            k += 1;
        }
        if k == start {
            let expected = if start == 0 {
                "an event package"
            } else {
                "an event template after '.'"
            };
            return fail(&i[start..], expected);
        }
        if b.get(k) == Some(&b'.') {
            k += 1;
        } else {
            return Ok((&i[k..], EventType(&i[..k])));
        }
    }
}

/// `Event: package[.template];id=...;params` (RFC 6665 §8.2.1; compact
/// form `o`).
///
/// ```
/// use sansip::message::{headers::Event, TypedHeader};
/// let e = Event::parse("dialog;id=37;call-id=x").unwrap();
/// assert_eq!(e.event_type.package(), "dialog");
/// assert_eq!(e.id(), Some("37"));
/// assert!(e.matches(&Event::parse("dialog ; ID=37").unwrap()));
/// assert!(!e.matches(&Event::parse("Dialog;id=37").unwrap()));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event<'a> {
    /// The event type.
    pub event_type: EventType<'a>,
    /// Parameters (`id`, package parameters).
    pub params: Params<'a>,
}

impl<'a> Event<'a> {
    /// The `id` parameter.
    pub fn id(&self) -> Option<&'a str> {
        self.params.get("id").flatten()
    }

    /// Whether two Event values name the same subscription (RFC 6665
    /// §8.2.1): event types equal byte by byte, and `id` equal byte by
    /// byte or absent from both. Other parameters do not count.
    pub fn matches(&self, other: &Event<'_>) -> bool {
        self.event_type.0 == other.event_type.0 && self.id() == other.id()
    }
}

fn event(i: &str) -> PResult<'_, Event<'_>> {
    let (i, event_type) = event_type(i)?;
    let (i, params) = params(i)?;
    Ok((i, Event { event_type, params }))
}

impl<'a> TypedHeader<'a> for Event<'a> {
    const NAME: HeaderName = HeaderName::Event;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, event)
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.event_type.0.as_bytes());
        write_params(out, &self.params);
    }
}

/// The state of a subscription (`substate-value`, RFC 6665 §8.2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubState<'a> {
    /// `active`: the subscription has been accepted.
    Active,
    /// `pending`: received but not yet authorized.
    Pending,
    /// `terminated`: the subscription is over.
    Terminated,
    /// An extension state, as written (treated as `active` by RFC 6665
    /// §4.1.3 when not understood).
    Other(&'a str),
}

impl<'a> SubState<'a> {
    /// Reads a state token (any case).
    pub fn from_token(s: &'a str) -> SubState<'a> {
        if s.eq_ignore_ascii_case("active") {
            SubState::Active
        } else if s.eq_ignore_ascii_case("pending") {
            SubState::Pending
        } else if s.eq_ignore_ascii_case("terminated") {
            SubState::Terminated
        } else {
            SubState::Other(s)
        }
    }

    /// The token as it goes on the wire.
    pub fn as_str(&self) -> &'a str {
        match *self {
            SubState::Active => "active",
            SubState::Pending => "pending",
            SubState::Terminated => "terminated",
            SubState::Other(s) => s,
        }
    }
}

/// Why a subscription ended or is pending (`event-reason-value`, RFC 6665
/// §8.2.3 and §4.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventReason<'a> {
    /// `deactivated`: the subscriber may resubscribe at once.
    Deactivated,
    /// `probation`: resubscribe later (see `retry-after`).
    Probation,
    /// `rejected`: not authorized; do not resubscribe.
    Rejected,
    /// `timeout`: not refreshed in time; may resubscribe.
    Timeout,
    /// `giveup`: authorization took too long; may resubscribe later.
    Giveup,
    /// `noresource`: the resource no longer exists.
    Noresource,
    /// `invariant`: the state will not change; do not resubscribe.
    Invariant,
    /// Another token, as written.
    Other(&'a str),
}

impl<'a> EventReason<'a> {
    const KNOWN: [(&'static str, EventReason<'static>); 7] = [
        ("deactivated", EventReason::Deactivated),
        ("probation", EventReason::Probation),
        ("rejected", EventReason::Rejected),
        ("timeout", EventReason::Timeout),
        ("giveup", EventReason::Giveup),
        ("noresource", EventReason::Noresource),
        ("invariant", EventReason::Invariant),
    ];

    /// Reads a reason token (any case).
    pub fn from_token(s: &'a str) -> EventReason<'a> {
        Self::KNOWN
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map_or(EventReason::Other(s), |&(_, r)| r)
    }

    /// The token as it goes on the wire.
    pub fn as_str(&self) -> &'a str {
        match *self {
            EventReason::Other(s) => s,
            known => Self::KNOWN
                .iter()
                .find(|(_, r)| *r == known)
                .map_or("", |(n, _)| n),
        }
    }
}

/// `Subscription-State: state;expires=..;reason=..;retry-after=..`
/// (RFC 6665 §8.2.3). `expires` and `retry-after` are checked to be
/// delta-seconds and `reason` to have a value.
///
/// ```
/// use sansip::message::{headers::{EventReason, SubState, SubscriptionState}, TypedHeader};
/// let s = SubscriptionState::parse("terminated;reason=probation;retry-after=60").unwrap();
/// assert_eq!(s.state, SubState::Terminated);
/// assert_eq!(s.reason(), Some(EventReason::Probation));
/// assert_eq!(s.retry_after(), Some(60));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubscriptionState<'a> {
    /// The state.
    pub state: SubState<'a>,
    /// Parameters (`expires`, `reason`, `retry-after`, extensions).
    pub params: Params<'a>,
}

impl<'a> SubscriptionState<'a> {
    /// `expires` in seconds.
    pub fn expires(&self) -> Option<u32> {
        parse_delta(self.params.get("expires").flatten())
    }

    /// `reason`.
    pub fn reason(&self) -> Option<EventReason<'a>> {
        self.params
            .get("reason")
            .flatten()
            .map(EventReason::from_token)
    }

    /// `retry-after` in seconds.
    pub fn retry_after(&self) -> Option<u32> {
        parse_delta(self.params.get("retry-after").flatten())
    }
}

fn subscription_state(i: &str) -> PResult<'_, SubscriptionState<'_>> {
    let (rest, state) = expect("a subscription state (active, pending, terminated)", token)(i)?;
    let after_state = rest;
    let (rest, params) = params(rest)?;
    check_params(after_state, &params, |name, value| {
        let numeric =
            name.eq_ignore_ascii_case("expires") || name.eq_ignore_ascii_case("retry-after");
        if numeric && !is_delta_seconds(value) {
            Err(DELTA_SECONDS)
        } else if name.eq_ignore_ascii_case("reason") && value.is_none() {
            Err("a reason value")
        } else {
            Ok(())
        }
    })?;
    Ok((
        rest,
        SubscriptionState {
            state: SubState::from_token(state),
            params,
        },
    ))
}

impl<'a> TypedHeader<'a> for SubscriptionState<'a> {
    const NAME: HeaderName = HeaderName::SubscriptionState;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        parse_all(value, subscription_state)
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.state.as_str().as_bytes());
        write_params(out, &self.params);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_and_errors() {
        let e = Event::parse("presence.winfo.x ;id=a1").unwrap();
        assert_eq!(e.event_type.templates().collect::<Vec<_>>(), ["winfo", "x"]);
        assert_eq!(e.id(), Some("a1"));
        let err = |s| Event::parse(s).unwrap_err();
        assert_eq!(err(""), ValueError::new(0, "an event package"));
        assert_eq!(err(".x"), ValueError::new(0, "an event package"));
        assert_eq!(
            err("a..b"),
            ValueError::new(2, "an event template after '.'")
        );
        assert_eq!(err("a."), ValueError::new(2, "an event template after '.'"));
        assert_eq!(err("a b"), ValueError::new(2, "end of value"));
    }

    #[test]
    fn event_matching_follows_rfc_6665() {
        let a = Event::parse("foo; id=1234").unwrap();
        assert!(a.matches(&Event::parse("foo; param=abcd; id=1234").unwrap()));
        assert!(!a.matches(&Event::parse("Foo; id=1234").unwrap()));
        assert!(!a.matches(&Event::parse("foo").unwrap()));
        assert!(Event::parse("foo")
            .unwrap()
            .matches(&Event::parse("foo;x=1").unwrap()));
    }

    #[test]
    fn event_round_trip() {
        let e = Event::parse("refer ; id = 93809824").unwrap();
        let out = e.to_value_bytes();
        assert_eq!(out, b"refer;id=93809824");
        assert_eq!(Event::parse(std::str::from_utf8(&out).unwrap()).unwrap(), e);
    }

    #[test]
    fn subscription_states() {
        let s = SubscriptionState::parse("ACTIVE;expires=599").unwrap();
        assert_eq!((s.state, s.expires()), (SubState::Active, Some(599)));
        let s = SubscriptionState::parse("pending").unwrap();
        assert_eq!(
            (s.state, s.reason(), s.expires()),
            (SubState::Pending, None, None)
        );
        let s = SubscriptionState::parse("waiting;reason=Giveup;x").unwrap();
        assert_eq!(s.state, SubState::Other("waiting"));
        assert_eq!(s.reason(), Some(EventReason::Giveup));
        assert_eq!(EventReason::from_token("odd").as_str(), "odd");
        assert_eq!(EventReason::Noresource.as_str(), "noresource");
    }

    #[test]
    fn subscription_state_errors() {
        let e = |s| SubscriptionState::parse(s).unwrap_err();
        assert_eq!(
            e(""),
            ValueError::new(0, "a subscription state (active, pending, terminated)")
        );
        assert_eq!(e("active;expires=-1"), ValueError::new(15, DELTA_SECONDS));
        assert_eq!(e("active;expires"), ValueError::new(7, DELTA_SECONDS));
        assert_eq!(
            e("terminated;retry-after=99999999999"),
            ValueError::new(23, DELTA_SECONDS)
        );
        assert_eq!(
            e("terminated;reason"),
            ValueError::new(11, "a reason value")
        );
    }

    #[test]
    fn subscription_state_round_trip() {
        let s = SubscriptionState::parse("Terminated ;reason=timeout").unwrap();
        let out = s.to_value_bytes();
        assert_eq!(out, b"terminated;reason=timeout");
        assert_eq!(
            SubscriptionState::parse(std::str::from_utf8(&out).unwrap()).unwrap(),
            s
        );
    }
}

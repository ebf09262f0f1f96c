//! Whole messages read through the typed views of the authentication,
//! event, PRACK, session-timer and miscellaneous headers.

use bytes::Bytes;
use sansip::message::headers::{
    Accept, Algorithm, Allow, AllowEvents, Authorization, ContentDisposition, ContentType, Date,
    Event, EventReason, MinSe, ProxyAuthenticate, Qop, RAck, RSeq, Reason, ReasonProtocol,
    Refresher, Require, RetryAfter, SessionExpires, SubState, SubscriptionState, Supported,
    Timestamp, Warning, WwwAuthenticate,
};
use sansip::message::{HeaderError, Message, Method, TypedHeader};

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[test]
fn unauthorized_with_md5_and_sha_256_challenges() -> TestResult {
    let msg = Message::parse(Bytes::from_static(
        b"SIP/2.0 401 Unauthorized\r\n\
          Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7;received=192.0.2.4\r\n\
          From: Bob <sip:bob@biloxi.example.com>;tag=a73kszlfl\r\n\
          To: Bob <sip:bob@biloxi.example.com>;tag=1410948204\r\n\
          Call-ID: 1j9FpLxk3uxtm8tn@biloxi.example.com\r\n\
          CSeq: 1 REGISTER\r\n\
          WWW-Authenticate: Digest realm=\"atlanta.example.com\", qop=\"auth\",\r\n \
          nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\", opaque=\"\", stale=FALSE, algorithm=MD5\r\n\
          WWW-Authenticate: Digest realm=\"atlanta.example.com\", qop=\"auth,auth-int\", \
          nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\", opaque=\"\", algorithm=SHA-256, userhash=true\r\n\
          Content-Length: 0\r\n\r\n",
    ))?;
    let challenges: Vec<WwwAuthenticate> =
        msg.headers::<WwwAuthenticate>().collect::<Result<_, _>>()?;
    assert_eq!(challenges.len(), 2);
    let (md5, sha) = (&challenges[0], &challenges[1]);
    assert!(md5.is_digest() && sha.is_digest());
    assert_eq!(md5.algorithm(), Some(Algorithm::Md5));
    assert_eq!(sha.algorithm(), Some(Algorithm::Sha256));
    assert_eq!(md5.realm().as_deref(), Some("atlanta.example.com"));
    assert_eq!(md5.nonce(), sha.nonce());
    assert_eq!(md5.opaque().as_deref(), Some(""));
    assert!(!md5.stale());
    assert!(md5
        .qop_options()
        .is_some_and(|q| q.contains(Qop::Auth) && !q.contains(Qop::AuthInt)));
    assert!(sha.qop_options().is_some_and(|q| q.contains(Qop::AuthInt)));
    assert!(sha.userhash());
    assert_eq!(msg.header_opt::<ProxyAuthenticate>()?, None);

    // The first challenge, rewritten, parses back to the same challenge.
    let written = md5.to_value_bytes();
    assert_eq!(
        WwwAuthenticate::parse(std::str::from_utf8(&written)?)?,
        *md5
    );
    Ok(())
}

#[test]
fn register_with_authorization() -> TestResult {
    let msg = Message::parse(Bytes::from_static(
        b"REGISTER sip:biloxi.example.com SIP/2.0\r\n\
          Via: SIP/2.0/TLS bobspc.biloxi.example.com:5061;branch=z9hG4bKnashd92\r\n\
          Max-Forwards: 70\r\n\
          From: Bob <sips:bob@biloxi.example.com>;tag=ja743ks76zlflH\r\n\
          To: Bob <sips:bob@biloxi.example.com>\r\n\
          Call-ID: 1j9FpLxk3uxtm8tn@biloxi.example.com\r\n\
          CSeq: 2 REGISTER\r\n\
          Contact: <sips:bob@client.biloxi.example.com>\r\n\
          Authorization: Digest username=\"bob\", realm=\"atlanta.example.com\",\r\n \
          nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\", opaque=\"\",\r\n \
          uri=\"sips:ss2.biloxi.example.com\", qop=auth, nc=00000001, cnonce=\"0a4f113b\",\r\n \
          response=\"dfe56131d1958046689d83306477ecc\"\r\n\
          Supported: path, outbound\r\n\
          Content-Length: 0\r\n\r\n",
    ))?;
    let auth = msg.header::<Authorization>()?;
    assert_eq!(auth.username().as_deref(), Some("bob"));
    assert_eq!(auth.realm().as_deref(), Some("atlanta.example.com"));
    assert_eq!(auth.uri().as_deref(), Some("sips:ss2.biloxi.example.com"));
    assert_eq!(
        auth.response().as_deref(),
        Some("dfe56131d1958046689d83306477ecc")
    );
    assert_eq!(auth.qop(), Some(Qop::Auth));
    assert_eq!(auth.nc(), Some(1));
    assert_eq!(auth.cnonce().as_deref(), Some("0a4f113b"));
    assert_eq!(auth.algorithm(), None);
    let supported: Vec<Supported> = msg.headers::<Supported>().collect::<Result<_, _>>()?;
    assert_eq!(supported, [Supported("path"), Supported("outbound")]);
    Ok(())
}

#[test]
fn bad_nonce_count_is_reported_at_its_offset_in_the_message() -> TestResult {
    let raw: &'static [u8] = b"REGISTER sip:b.example SIP/2.0\r\n\
          Call-ID: x\r\n\
          CSeq: 1 REGISTER\r\n\
          Authorization: Digest username=\"bob\", nc=1\r\n\
          Content-Length: 0\r\n\r\n";
    let msg = Message::parse(Bytes::from_static(raw))?;
    let err = msg.header::<Authorization>().unwrap_err();
    let at = raw.windows(4).position(|w| w == b"nc=1").unwrap_or(0) + 3;
    assert_eq!(
        err,
        HeaderError::Invalid {
            header: "Authorization",
            offset: at,
            expected: "nc as 8 hex digits"
        }
    );
    Ok(())
}

#[test]
fn notify_with_event_and_subscription_state() -> TestResult {
    let msg = Message::parse(Bytes::from_static(
        b"NOTIFY sip:alice@pc33.atlanta.example.com SIP/2.0\r\n\
          Via: SIP/2.0/UDP server.example.com;branch=z9hG4bK8sdf2\r\n\
          Max-Forwards: 70\r\n\
          To: <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
          From: <sip:bob@example.com>;tag=ffd2\r\n\
          Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n\
          CSeq: 4 NOTIFY\r\n\
          o: presence;id=a1b2\r\n\
          Subscription-State: terminated;reason=timeout;retry-after=30\r\n\
          Allow-Events: presence, dialog\r\n\
          Content-Type: application/pidf+xml\r\n\
          Content-Length: 0\r\n\r\n",
    ))?;
    let event = msg.header::<Event>()?;
    assert_eq!(event.event_type.package(), "presence");
    assert_eq!(event.id(), Some("a1b2"));
    assert!(event.matches(&Event::parse("presence;id=a1b2;x=y")?));
    let state = msg.header::<SubscriptionState>()?;
    assert_eq!(state.state, SubState::Terminated);
    assert_eq!(state.reason(), Some(EventReason::Timeout));
    assert_eq!(state.retry_after(), Some(30));
    assert_eq!(state.expires(), None);
    let allowed: Vec<_> = msg
        .headers::<AllowEvents>()
        .map(|a| a.map(|a| a.0.as_str()))
        .collect::<Result<_, _>>()?;
    assert_eq!(allowed, ["presence", "dialog"]);
    assert!(msg.header::<ContentType>()?.is("application", "PIDF+XML"));
    Ok(())
}

#[test]
fn prack_with_rack_matching_the_reliable_response() -> TestResult {
    let prack = Message::parse(Bytes::from_static(
        b"PRACK sip:bob@192.0.2.4 SIP/2.0\r\n\
          Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds9\r\n\
          Max-Forwards: 70\r\n\
          To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n\
          From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
          Call-ID: a84b4c76e66710\r\n\
          CSeq: 314160 PRACK\r\n\
          RAck: 988789 314159 INVITE\r\n\
          Content-Length: 0\r\n\r\n",
    ))?;
    let provisional = Message::parse(Bytes::from_static(
        b"SIP/2.0 183 Session Progress\r\n\
          Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n\
          Call-ID: a84b4c76e66710\r\n\
          CSeq: 314159 INVITE\r\n\
          Require: 100rel\r\n\
          RSeq: 988789\r\n\
          Content-Length: 0\r\n\r\n",
    ))?;
    let rack = prack.header::<RAck>()?;
    assert_eq!(
        (rack.rseq, rack.cseq, &rack.method),
        (988789, 314159, &Method::Invite)
    );
    let rseq = provisional.header::<RSeq>()?;
    assert!(rack.acknowledges(rseq, &provisional.header()?));
    assert!(provisional.header::<Require>()?.is("100REL"));
    Ok(())
}

#[test]
fn bye_with_q850_reason() -> TestResult {
    let msg = Message::parse(Bytes::from_static(
        b"BYE sip:alice@pc33.atlanta.example.com SIP/2.0\r\n\
          Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds10\r\n\
          Max-Forwards: 70\r\n\
          From: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n\
          To: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
          Call-ID: a84b4c76e66710\r\n\
          CSeq: 231 BYE\r\n\
          Reason: Q.850;cause=16;text=\"Terminated\", SIP;cause=200;text=\"Call completed elsewhere\"\r\n\
          Content-Length: 0\r\n\r\n",
    ))?;
    let reasons: Vec<Reason> = msg.headers::<Reason>().collect::<Result<_, _>>()?;
    assert_eq!(reasons.len(), 2);
    assert_eq!(reasons[0].protocol, ReasonProtocol::Q850);
    assert_eq!(reasons[0].cause(), Some(16));
    assert_eq!(reasons[0].text().as_deref(), Some("Terminated"));
    assert_eq!(
        (reasons[1].protocol, reasons[1].cause()),
        (ReasonProtocol::Sip, Some(200))
    );
    assert_eq!(
        reasons[0].to_value_bytes(),
        b"Q.850;cause=16;text=\"Terminated\""
    );
    Ok(())
}

#[test]
fn invite_capabilities_and_session_timer() -> TestResult {
    let msg = Message::parse(Bytes::from_static(
        b"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
          Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n\
          Call-ID: a84b4c76e66710\r\n\
          CSeq: 1 INVITE\r\n\
          Allow: INVITE, ACK, CANCEL, BYE, PRACK, UPDATE\r\n\
          Accept: application/sdp, application/*;q=0.2\r\n\
          Supported: timer, 100rel\r\n\
          x: 1800;refresher=uac\r\n\
          Min-SE: 90\r\n\
          Timestamp: 54.1\r\n\
          Date: Sat, 13 Nov 2010 23:29:00 GMT\r\n\
          Content-Disposition: session;handling=required\r\n\
          Content-Type: application/sdp\r\n\
          Content-Length: 0\r\n\r\n",
    ))?;
    let allow: Vec<Allow> = msg.headers::<Allow>().collect::<Result<_, _>>()?;
    assert!(allow.contains(&Allow(Method::Prack)));
    assert_eq!(allow.len(), 6);
    let accept: Vec<Accept> = msg.headers::<Accept>().collect::<Result<_, _>>()?;
    assert!(accept[1].matches("application", "pidf+xml"));
    assert_eq!(accept[1].q().map(|q| q.thousandths()), Some(200));
    let se = msg.header::<SessionExpires>()?;
    assert_eq!((se.delta, se.refresher()), (1800, Some(Refresher::Uac)));
    assert_eq!(msg.header::<MinSe>()?.delta, 90);
    assert_eq!(msg.header::<Timestamp>()?.time, "54.1");
    assert_eq!(msg.header::<Date>()?.date().unix_time(), 1_289_690_940);
    assert!(msg.header::<ContentDisposition>()?.is("session"));
    Ok(())
}

#[test]
fn responses_with_warning_retry_after_and_proxy_challenge() -> TestResult {
    let mut msg = Message::parse(Bytes::from_static(
        b"SIP/2.0 486 Busy Here\r\n\
          Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n\
          Call-ID: a84b4c76e66710\r\n\
          CSeq: 1 INVITE\r\n\
          Retry-After: 120 (in a meeting);duration=3600\r\n\
          Warning: 399 proxy.example.com \"Busy, really\", 370 192.0.2.1:5060 \"Insufficient bandwidth\"\r\n\
          Proxy-Authenticate: Digest realm=\"proxy.example.com\", nonce=\"n1\", algorithm=SHA-512-256-sess\r\n\
          Content-Length: 0\r\n\r\n",
    ))?;
    let retry = msg.header::<RetryAfter>()?;
    assert_eq!(
        (retry.seconds, retry.comment, retry.duration()),
        (120, Some("in a meeting"), Some(3600))
    );
    let warnings: Vec<Warning> = msg.headers::<Warning>().collect::<Result<_, _>>()?;
    assert_eq!(warnings.len(), 2);
    assert_eq!(
        (warnings[0].code, warnings[0].text().as_ref()),
        (399, "Busy, really")
    );
    assert_eq!(warnings[1].agent_hostport().and_then(|h| h.1), Some(5060));
    let challenge = msg.header::<ProxyAuthenticate>()?;
    assert_eq!(challenge.algorithm(), Some(Algorithm::Sha512_256Sess));
    assert!(challenge.algorithm().is_some_and(|a| a.is_session()));

    // Typed values written into a message read back the same.
    let state = SubscriptionState::parse("active;expires=600")?;
    msg.push_header(&state);
    let reason = Reason::parse("SIP;cause=486;text=\"Busy\"")?;
    msg.push_header(&reason);
    let reparsed = Message::parse(msg.to_bytes())?;
    assert_eq!(reparsed.header::<SubscriptionState>()?, state);
    assert_eq!(reparsed.header::<Reason>()?, reason);
    Ok(())
}

//! PUBLISH (RFC 3903) against hand-written answers in virtual time: the
//! first PUBLISH carries the state, refreshes at 0.9 of the grant carry
//! only the entity tag, a modification carries the tag and the new state,
//! a 412 republishes the whole state, and removal sends Expires 0.

mod endpoint_util;

use std::time::Duration;

use bytes::Bytes;
use endpoint_util::*;
use sansip::endpoint::Event;

const PIDF: &str = "<presence entity=\"sip:alice@10.0.0.2\"><tuple id=\"a\"><status><basic>open</basic></status></tuple></presence>";

#[test]
fn publish_refresh_modify_and_remove() {
    let mut h = Harness::new(config());
    let id =
        h.ep.publish(
            h.now,
            "sip:alice@10.0.0.2",
            "presence",
            "application/pidf+xml",
            Bytes::from_static(PIDF.as_bytes()),
            3600,
        )
        .unwrap();
    let first = h.take_one();
    assert!(first
        .to_string()
        .starts_with("PUBLISH sip:alice@10.0.0.2 SIP/2.0\r\n"));
    assert_eq!(hdr(&first, "Event").as_deref(), Some("presence"));
    assert_eq!(hdr(&first, "Expires").as_deref(), Some("3600"));
    assert!(hdr(&first, "SIP-If-Match").is_none());
    assert_eq!(first.body(), PIDF.as_bytes());
    h.udp_from(
        REGISTRAR,
        respond(
            &first,
            200,
            "OK",
            &[("SIP-ETag", "dx200xyz"), ("Expires", "1000")],
        ),
    );
    assert_eq!(
        h.take_events(),
        vec![Event::Published {
            publication: id,
            expires: 1000,
            etag: Some("dx200xyz".into()),
        }]
    );

    // Refresh at 900 s: the tag, no body.
    h.advance(Duration::from_millis(900_000 - 1));
    assert!(h.take_sent().is_empty());
    h.advance(ms(1));
    let refresh = h.take_one();
    assert_eq!(hdr(&refresh, "SIP-If-Match").as_deref(), Some("dx200xyz"));
    assert!(refresh.body().is_empty());
    h.udp_from(
        REGISTRAR,
        respond(
            &refresh,
            200,
            "OK",
            &[("SIP-ETag", "kwj449x"), ("Expires", "1000")],
        ),
    );
    h.take_events();

    // Modify: the new tag and the new state.
    h.ep.modify_publication(
        h.now,
        id,
        "application/pidf+xml",
        Bytes::from_static(b"<presence/>"),
    )
    .unwrap();
    let modify = h.take_one();
    assert_eq!(hdr(&modify, "SIP-If-Match").as_deref(), Some("kwj449x"));
    assert_eq!(modify.body(), b"<presence/>");
    // The agent lost the state: 412, and the whole state again, no tag.
    h.udp_from(
        REGISTRAR,
        respond(&modify, 412, "Conditional Request Failed", &[]),
    );
    let again = h.take_one();
    assert!(hdr(&again, "SIP-If-Match").is_none());
    assert_eq!(again.body(), b"<presence/>");
    h.udp_from(
        REGISTRAR,
        respond(
            &again,
            200,
            "OK",
            &[("SIP-ETag", "new1"), ("Expires", "1000")],
        ),
    );
    h.take_events();

    h.ep.unpublish(h.now, id).unwrap();
    let remove = h.take_one();
    assert_eq!(hdr(&remove, "Expires").as_deref(), Some("0"));
    assert_eq!(hdr(&remove, "SIP-If-Match").as_deref(), Some("new1"));
    h.udp_from(REGISTRAR, respond(&remove, 200, "OK", &[]));
    assert_eq!(
        h.take_events(),
        vec![Event::Unpublished { publication: id }]
    );
    h.advance(Duration::from_secs(3600));
    assert!(h.take_sent().is_empty(), "no refresh after removal");
}

#[test]
fn a_refused_publication_is_reported() {
    let mut h = Harness::new(config());
    let id =
        h.ep.publish(
            h.now,
            "sip:alice@10.0.0.2",
            "presence",
            "application/pidf+xml",
            Bytes::from_static(PIDF.as_bytes()),
            3600,
        )
        .unwrap();
    let first = h.take_one();
    h.udp_from(REGISTRAR, respond(&first, 489, "Bad Event", &[]));
    assert_eq!(
        h.take_events(),
        vec![Event::PublicationFailed {
            publication: id,
            status: Some(489),
            reason: "Bad Event".into()
        }]
    );
}

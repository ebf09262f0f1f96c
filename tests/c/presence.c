/*
 * Subscriptions, publications and registrations through the C ABI:
 * alice subscribes to bob's presence, bob accepts and notifies, alice
 * unsubscribes; a subscription bob refuses; a PUBLISH and a REGISTER that
 * bob (a user agent, not a server) refuses, and what the events say
 * about them.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

static const char *PIDF =
    "<?xml version=\"1.0\"?><presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
    "entity=\"sip:bob@127.0.0.1\"><tuple id=\"t\"><status><basic>open</basic>"
    "</status></tuple></presence>";

static peer alice, bob;
static peer *both[2] = {&alice, &bob};

static void go(void) { run(both, 2); }

static void subscribe_and_notify(void) {
    uint64_t sub = 0;
    EXPECT(sansip_endpoint_subscribe(alice.ep, now_us, S("sip:bob@127.0.0.1:5062"), S("presence"),
                                     S("application/pidf+xml"), 600, NULL),
           SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_subscribe(alice.ep, now_us, S("sip:bob@127.0.0.1:5062"), S("presence"),
                                     S("application/pidf+xml"), 600, &sub),
           SANSIP_RESULT_OK);
    go();
    const ev *req = last(&bob, SANSIP_EVENT_SUBSCRIPTION_REQUESTED);
    CHECK(req != NULL && req->has_subscription && strcmp(req->package, "presence") == 0);
    CHECK(req != NULL && req->expires == 600 && strstr(req->from, "alice") != NULL);
    if (req == NULL) return;
    uint64_t theirs = req->subscription;

    EXPECT(sansip_endpoint_notify(bob.ep, now_us, theirs, SANSIP_SUBSCRIPTION_STATE_ACTIVE,
                                  S("application/pidf+xml"), S(PIDF)),
           SANSIP_RESULT_WRONG_STATE); /* not accepted yet */
    EXPECT(sansip_endpoint_accept_subscription(bob.ep, now_us, theirs, 300), SANSIP_RESULT_OK);
    go();
    const ev *n = last(&alice, SANSIP_EVENT_NOTIFICATION);
    CHECK(n != NULL && n->subscription == sub && n->sub_state == SANSIP_SUBSCRIPTION_STATE_PENDING);

    EXPECT(sansip_endpoint_notify(bob.ep, now_us, theirs, 3, S("application/pidf+xml"), S(PIDF)),
           SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_endpoint_notify(bob.ep, now_us, theirs, SANSIP_SUBSCRIPTION_STATE_ACTIVE, NULL,
                                  0, S(PIDF)),
           SANSIP_RESULT_BAD_TEXT);
    EXPECT(sansip_endpoint_notify(bob.ep, now_us, theirs, SANSIP_SUBSCRIPTION_STATE_ACTIVE,
                                  S("application/pidf+xml"), S(PIDF)),
           SANSIP_RESULT_OK);
    go();
    n = last(&alice, SANSIP_EVENT_NOTIFICATION);
    CHECK(n != NULL && n->sub_state == SANSIP_SUBSCRIPTION_STATE_ACTIVE);
    CHECK(n != NULL && strcmp(n->body, PIDF) == 0 &&
          strcmp(n->content_type, "application/pidf+xml") == 0);

    /* The same without writing XML: sansip_presence. */
    sansip_presence p;
    memset(&p, 0, sizeof p);
    p.open = false;
    p.note = (const uint8_t *)"In a <meeting> & more";
    p.note_len = strlen("In a <meeting> & more");
    p.activity = (const uint8_t *)"meeting";
    p.activity_len = strlen("meeting");
    EXPECT(sansip_endpoint_notify_presence(bob.ep, now_us, theirs, SANSIP_SUBSCRIPTION_STATE_ACTIVE,
                                           NULL),
           SANSIP_RESULT_NULL_ARGUMENT);
    p.activity = (const uint8_t *)"juggling";
    p.activity_len = strlen("juggling");
    EXPECT(sansip_endpoint_notify_presence(bob.ep, now_us, theirs, SANSIP_SUBSCRIPTION_STATE_ACTIVE,
                                           &p),
           SANSIP_RESULT_BAD_TEXT);
    p.activity = (const uint8_t *)"meeting";
    p.activity_len = strlen("meeting");
    EXPECT(sansip_endpoint_notify_presence(bob.ep, now_us, theirs, SANSIP_SUBSCRIPTION_STATE_ACTIVE,
                                           &p),
           SANSIP_RESULT_OK);
    go();
    n = last(&alice, SANSIP_EVENT_NOTIFICATION);
    CHECK(n != NULL && strcmp(n->content_type, "application/pidf+xml") == 0);
    CHECK(n != NULL && strstr(n->body, "entity=\"sip:bob@127.0.0.1\"") != NULL);
    CHECK(n != NULL && strstr(n->body, "<basic>closed</basic>") != NULL);
    CHECK(n != NULL && strstr(n->body, "In a &lt;meeting&gt; &amp; more</note>") != NULL);
    CHECK(n != NULL && strstr(n->body, ":meeting/>") != NULL);

    EXPECT(sansip_endpoint_unsubscribe(alice.ep, now_us, sub), SANSIP_RESULT_OK);
    go();
    const ev *end = last(&alice, SANSIP_EVENT_SUBSCRIPTION_ENDED);
    CHECK(end != NULL && end->subscription == sub && end->reason[0] != '\0');
    end = last(&bob, SANSIP_EVENT_SUBSCRIPTION_ENDED);
    CHECK(end != NULL && end->subscription == theirs);
}

/* Alice subscribes to bob's "dialog" events; bob's request event. */
static const ev *alice_watches_bobs_dialogs(uint64_t *sub) {
    EXPECT(sansip_endpoint_subscribe(alice.ep, now_us, S("sip:bob@127.0.0.1:5062"), S("dialog"),
                                     S("application/dialog-info+xml"), 600, sub),
           SANSIP_RESULT_OK);
    go();
    const ev *req = last(&bob, SANSIP_EVENT_SUBSCRIPTION_REQUESTED);
    CHECK(req != NULL && strcmp(req->package, "dialog") == 0);
    return req;
}

/* A busy lamp: alice watches bob's calls (event "dialog"); bob sends the
 * dialog-info document sansip makes of his calls. */
static void dialog_lamp(void) {
    uint64_t sub = 0;
    const uint8_t *doc = NULL;
    size_t doc_len = 0;
    const ev *req = alice_watches_bobs_dialogs(&sub);
    if (req == NULL) return;
    uint64_t theirs = req->subscription;
    EXPECT(sansip_endpoint_accept_subscription(bob.ep, now_us, theirs, 300), SANSIP_RESULT_OK);
    go();
    EXPECT(sansip_endpoint_notify_dialog_info(bob.ep, now_us, theirs, SANSIP_SUBSCRIPTION_STATE_ACTIVE,
                                              1),
           SANSIP_RESULT_OK);
    go();
    const ev *n = last(&alice, SANSIP_EVENT_NOTIFICATION);
    CHECK(n != NULL && strcmp(n->content_type, "application/dialog-info+xml") == 0);
    EXPECT(sansip_endpoint_dialog_info(bob.ep, 1, &doc, NULL), SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_dialog_info(bob.ep, 1, &doc, &doc_len), SANSIP_RESULT_OK);
    CHECK(doc != NULL && doc_len > 0 && doc_len < TEXT);
    CHECK(n != NULL && doc != NULL && strlen(n->body) == doc_len &&
          memcmp(n->body, doc, doc_len) == 0);
    CHECK(n != NULL && strstr(n->body, "version=\"1\"") != NULL &&
          strstr(n->body, "entity=\"sip:bob@127.0.0.1\"") != NULL);
    EXPECT(sansip_endpoint_unsubscribe(alice.ep, now_us, sub), SANSIP_RESULT_OK);
    go();
}

static void refused(void) {
    uint64_t sub = 0;
    const ev *req = alice_watches_bobs_dialogs(&sub);
    if (req == NULL) return;
    EXPECT(sansip_endpoint_reject_subscription(bob.ep, now_us, req->subscription, 200),
           SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_endpoint_reject_subscription(bob.ep, now_us, req->subscription, 403),
           SANSIP_RESULT_OK);
    go();
    const ev *end = last(&alice, SANSIP_EVENT_SUBSCRIPTION_ENDED);
    CHECK(end != NULL && end->subscription == sub);
    EXPECT(sansip_endpoint_unsubscribe(alice.ep, now_us, sub), SANSIP_RESULT_WRONG_STATE);

    /* A package bob does not take: 489, answered by sansip itself. */
    size_t asked = count(&bob, SANSIP_EVENT_SUBSCRIPTION_REQUESTED);
    EXPECT(sansip_endpoint_subscribe(alice.ep, now_us, S("sip:bob@127.0.0.1:5062"), S("weather"),
                                     S("text/plain"), 600, &sub),
           SANSIP_RESULT_OK);
    go();
    CHECK(count(&bob, SANSIP_EVENT_SUBSCRIPTION_REQUESTED) == asked);
    end = last(&alice, SANSIP_EVENT_SUBSCRIPTION_ENDED);
    CHECK(end != NULL && end->subscription == sub);
}

static void publish_and_register(void) {
    uint64_t publication = 0, registration = 0;
    EXPECT(sansip_endpoint_publish(alice.ep, now_us, S("sip:alice@127.0.0.1:5062"), S("presence"),
                                   S("application/pidf+xml"), S(PIDF), 600, &publication),
           SANSIP_RESULT_OK);
    go();
    const ev *f = last(&alice, SANSIP_EVENT_PUBLICATION_FAILED);
    CHECK(f != NULL && f->has_publication && f->publication == publication);
    CHECK(f != NULL && f->has_status && f->status == 404 && strstr(f->reason, "Not Found"));
    EXPECT(sansip_endpoint_modify_publication(alice.ep, now_us, publication, S("text/plain"),
                                              S("x")),
           SANSIP_RESULT_WRONG_STATE);
    EXPECT(sansip_endpoint_unpublish(alice.ep, now_us, publication), SANSIP_RESULT_WRONG_STATE);
    CHECK(f != NULL && f->etag[0] == '\0');

    sansip_presence p;
    memset(&p, 0, sizeof p);
    p.open = true;
    p.contact = (const uint8_t *)"sip:alice@127.0.0.1:5060";
    p.contact_len = strlen("sip:alice@127.0.0.1:5060");
    watch = "<contact>sip:alice@127.0.0.1:5060</contact>";
    watch_hits = 0;
    EXPECT(sansip_endpoint_publish_presence(alice.ep, now_us, S("sip:alice@127.0.0.1:5062"), &p,
                                            600, NULL),
           SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_publish_presence(alice.ep, now_us, S("sip:alice@127.0.0.1:5062"), &p,
                                            600, &publication),
           SANSIP_RESULT_OK);
    go();
    CHECK(watch_hits == 1);
    watch = NULL;
    f = last(&alice, SANSIP_EVENT_PUBLICATION_FAILED);
    CHECK(f != NULL && f->publication == publication && f->status == 404);

    EXPECT(sansip_endpoint_register(alice.ep, now_us, S("sip:127.0.0.1:5062"), 300, &registration),
           SANSIP_RESULT_OK);
    go();
    const ev *r = last(&alice, SANSIP_EVENT_REGISTRATION_FAILED);
    CHECK(r != NULL && r->registration == registration && r->has_status && r->status == 405);
    EXPECT(sansip_endpoint_unregister(alice.ep, now_us, registration, false), SANSIP_RESULT_OK);
    go();
    CHECK(last(&alice, SANSIP_EVENT_UNREGISTERED) != NULL);
    EXPECT(sansip_endpoint_unregister(alice.ep, now_us, registration, false),
           SANSIP_RESULT_NO_SUCH_REGISTRATION);
}

int main(void) {
    peer_init(&alice, "alice", "sip:alice@127.0.0.1", 5060, 1, NULL);
    peer_init(&bob, "bob", "sip:bob@127.0.0.1", 5062, 2, NULL);

    subscribe_and_notify();
    dialog_lamp();
    refused();
    publish_and_register();

    peer_free(&alice);
    peer_free(&bob);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("presence: ok\n");
    return 0;
}

/*
 * Calls through the C ABI, between endpoints in one process: rejected,
 * cancelled, reliable early media, a late offer answered by the
 * application, hold and resume, re-INVITE and UPDATE, DTMF, a hangup with
 * a Q.850 cause, a blind transfer to a third endpoint, and an answer made
 * by sansip from configured media capabilities.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

static char sdp_a[256], sdp_b[256];

/* An SDP on `port` with session version `version`. */
static const char *sdp(char *buf, size_t cap, int port, int version) {
    snprintf(buf, cap,
             "v=0\r\no=- %d %d IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
             "t=0 0\r\nm=audio %d RTP/AVP 0\r\n",
             port, version, port);
    return buf;
}

static peer alice, bob, carol;
static peer *all[3] = {&alice, &bob, &carol};

static void go(void) { run(all, 3); }

/* Alice calls bob (with an offer), bob answers: the two session ids. */
static void establish(uint64_t *a_call, uint64_t *b_call) {
    *a_call = *b_call = 0;
    EXPECT(sansip_endpoint_invite(alice.ep, now_us, S("sip:bob@127.0.0.1:5062"),
                                  S(sdp(sdp_a, sizeof sdp_a, 4000, 1)), a_call),
           SANSIP_RESULT_OK);
    go();
    const ev *in = last(&bob, SANSIP_EVENT_INCOMING_CALL);
    CHECK(in != NULL);
    if (in == NULL) return;
    *b_call = in->session;
    EXPECT(sansip_endpoint_accept(bob.ep, now_us, *b_call, S(sdp(sdp_b, sizeof sdp_b, 5000, 1))),
           SANSIP_RESULT_OK);
    go();
    CHECK(last(&alice, SANSIP_EVENT_CALL_ACCEPTED) != NULL);
}

static void rejected(void) {
    uint64_t call = 0;
    forget(&alice);
    forget(&bob);
    EXPECT(sansip_endpoint_invite(alice.ep, now_us, S("sip:bob@127.0.0.1:5062"),
                                  S(sdp(sdp_a, sizeof sdp_a, 4000, 1)), &call),
           SANSIP_RESULT_OK);
    go();
    const ev *in = last(&bob, SANSIP_EVENT_INCOMING_CALL);
    CHECK(in != NULL);
    if (in == NULL) return;
    EXPECT(sansip_endpoint_reject(bob.ep, now_us, in->session, 200, S("OK")),
           SANSIP_RESULT_WRONG_STATE);
    EXPECT(sansip_endpoint_reject(bob.ep, now_us, in->session, 486, S("Busy Here")),
           SANSIP_RESULT_OK);
    go();
    const ev *end = last(&alice, SANSIP_EVENT_CALL_ENDED);
    CHECK(end != NULL && end->session == call && end->end_reason == SANSIP_END_REASON_REJECTED &&
          end->status == 486);
    end = last(&bob, SANSIP_EVENT_CALL_ENDED);
    CHECK(end != NULL && end->end_reason == SANSIP_END_REASON_DECLINED && end->status == 486);
    EXPECT(sansip_endpoint_hangup(alice.ep, now_us, call), SANSIP_RESULT_NO_SUCH_SESSION);
}

static void cancelled(void) {
    uint64_t call = 0;
    forget(&alice);
    forget(&bob);
    EXPECT(sansip_endpoint_invite(alice.ep, now_us, S("sip:bob@127.0.0.1:5062"),
                                  S(sdp(sdp_a, sizeof sdp_a, 4000, 1)), &call),
           SANSIP_RESULT_OK);
    go();
    const ev *in = last(&bob, SANSIP_EVENT_INCOMING_CALL);
    CHECK(in != NULL);
    if (in == NULL) return;
    EXPECT(sansip_endpoint_progress(bob.ep, now_us, in->session, 180, NULL, 0, false),
           SANSIP_RESULT_OK);
    go();
    const ev *ringing = last(&alice, SANSIP_EVENT_CALL_PROGRESS);
    CHECK(ringing != NULL && ringing->status == 180 && ringing->has_fork && ringing->fork == 1);
    EXPECT(sansip_endpoint_cancel(alice.ep, now_us, call), SANSIP_RESULT_OK);
    go();
    const ev *end = last(&alice, SANSIP_EVENT_CALL_ENDED);
    CHECK(end != NULL && end->end_reason == SANSIP_END_REASON_CANCELLED);
    end = last(&bob, SANSIP_EVENT_CALL_ENDED);
    CHECK(end != NULL && end->end_reason == SANSIP_END_REASON_CANCELLED_BY_CALLER);
}

/* 183 with SDP, reliably (PRACK), then the 200 without a new offer. */
static void early_media(void) {
    uint64_t call = 0;
    forget(&alice);
    forget(&bob);
    EXPECT(sansip_endpoint_invite(alice.ep, now_us, S("sip:bob@127.0.0.1:5062"),
                                  S(sdp(sdp_a, sizeof sdp_a, 4000, 1)), &call),
           SANSIP_RESULT_OK);
    go();
    const ev *in = last(&bob, SANSIP_EVENT_INCOMING_CALL);
    CHECK(in != NULL);
    if (in == NULL) return;
    uint64_t b_call = in->session;
    EXPECT(sansip_endpoint_progress(bob.ep, now_us, b_call, 200, NULL, 0, true),
           SANSIP_RESULT_INVALID_ARGUMENT);
    watch = "Require: 100rel";
    watch_hits = 0;
    EXPECT(sansip_endpoint_progress(bob.ep, now_us, b_call, 183,
                                    S(sdp(sdp_b, sizeof sdp_b, 5000, 1)), true),
           SANSIP_RESULT_OK);
    go();
    CHECK(watch_hits >= 1);
    watch = NULL;
    const ev *early = last(&alice, SANSIP_EVENT_CALL_PROGRESS);
    CHECK(early != NULL && early->status == 183 && strcmp(early->body, sdp_b) == 0);
    EXPECT(sansip_endpoint_accept(bob.ep, now_us, b_call, NULL, 0), SANSIP_RESULT_OK);
    go();
    CHECK(last(&alice, SANSIP_EVENT_CALL_ACCEPTED) != NULL);
    CHECK(last(&bob, SANSIP_EVENT_CALL_ACCEPTED) != NULL);
    EXPECT(sansip_endpoint_hangup(bob.ep, now_us, b_call), SANSIP_RESULT_OK);
    go();
    CHECK(last(&alice, SANSIP_EVENT_CALL_ENDED) != NULL);
}

/* An INVITE without SDP: bob offers in the 200, alice answers in the ACK. */
static void late_offer(void) {
    uint64_t call = 0;
    forget(&alice);
    forget(&bob);
    EXPECT(sansip_endpoint_invite(alice.ep, now_us, S("sip:bob@127.0.0.1:5062"), NULL, 0, &call),
           SANSIP_RESULT_OK);
    go();
    const ev *in = last(&bob, SANSIP_EVENT_INCOMING_CALL);
    CHECK(in != NULL && in->body[0] == '\0');
    if (in == NULL) return;
    uint64_t b_call = in->session;
    EXPECT(sansip_endpoint_accept(bob.ep, now_us, b_call, S(sdp(sdp_b, sizeof sdp_b, 5000, 1))),
           SANSIP_RESULT_OK);
    go();
    const ev *need = last(&alice, SANSIP_EVENT_ANSWER_NEEDED);
    CHECK(need != NULL && need->session == call && strcmp(need->body, sdp_b) == 0);
    CHECK(need != NULL && strcmp(need->content_type, "application/sdp") == 0);
    EXPECT(sansip_endpoint_answer(alice.ep, now_us, call, NULL, 0),
           SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_endpoint_answer(alice.ep, now_us, call, S(sdp(sdp_a, sizeof sdp_a, 4000, 1))),
           SANSIP_RESULT_OK);
    go();
    const ev *up = last(&bob, SANSIP_EVENT_CALL_ACCEPTED);
    CHECK(up != NULL && strcmp(up->body, sdp_a) == 0);
    CHECK(last(&alice, SANSIP_EVENT_CALL_ACCEPTED) != NULL);
    EXPECT(sansip_endpoint_hangup(alice.ep, now_us, call), SANSIP_RESULT_OK);
    go();
}

static void in_call(void) {
    uint64_t a_call, b_call;
    forget(&alice);
    forget(&bob);
    establish(&a_call, &b_call);

    /* Hold and resume: re-INVITEs bob answers from the agreed media. */
    EXPECT(sansip_endpoint_hold(alice.ep, now_us, a_call), SANSIP_RESULT_OK);
    go();
    const ev *upd = last(&bob, SANSIP_EVENT_CALL_UPDATED);
    CHECK(upd != NULL && strstr(upd->body, "a=sendonly") != NULL);
    upd = last(&alice, SANSIP_EVENT_CALL_UPDATED);
    CHECK(upd != NULL && strstr(upd->body, "a=recvonly") != NULL);
    EXPECT(sansip_endpoint_resume(alice.ep, now_us, a_call), SANSIP_RESULT_OK);
    go();
    upd = last(&bob, SANSIP_EVENT_CALL_UPDATED);
    CHECK(upd != NULL && strstr(upd->body, "a=sendonly") == NULL);
    CHECK(count(&alice, SANSIP_EVENT_CALL_UPDATED) == 2);

    /* A new offer by re-INVITE, then by UPDATE. */
    EXPECT(sansip_endpoint_renegotiate(alice.ep, now_us, a_call,
                                       S(sdp(sdp_a, sizeof sdp_a, 4010, 1))),
           SANSIP_RESULT_OK);
    go();
    upd = last(&bob, SANSIP_EVENT_CALL_UPDATED);
    CHECK(upd != NULL && strstr(upd->body, "m=audio 4010 ") != NULL);
    EXPECT(sansip_endpoint_update(bob.ep, now_us, b_call, S(sdp(sdp_b, sizeof sdp_b, 5010, 1))),
           SANSIP_RESULT_OK);
    go();
    upd = last(&alice, SANSIP_EVENT_CALL_UPDATED);
    CHECK(upd != NULL && strstr(upd->body, "m=audio 5010 ") != NULL);

    /* DTMF, one INFO per digit. */
    EXPECT(sansip_endpoint_send_dtmf(alice.ep, now_us, a_call, S("1x"), 100), SANSIP_RESULT_BAD_TEXT);
    EXPECT(sansip_endpoint_send_dtmf(alice.ep, now_us, a_call, S("19#"), 160), SANSIP_RESULT_OK);
    go();
    CHECK(count(&bob, SANSIP_EVENT_DTMF) == 3);
    const ev *d = last(&bob, SANSIP_EVENT_DTMF);
    CHECK(d != NULL && d->digit == '#' && d->duration_ms == 160 && d->session == b_call);

    /* Hang up with a Q.850 cause: bob reads it back. */
    EXPECT(sansip_endpoint_hangup_with_cause(alice.ep, now_us, a_call, S("Q 850"), 16, NULL, 0),
           SANSIP_RESULT_BAD_TEXT);
    EXPECT(sansip_endpoint_hangup_with_cause(alice.ep, now_us, a_call, S("Q.850"), 70000, NULL, 0),
           SANSIP_RESULT_INVALID_ARGUMENT);
    EXPECT(sansip_endpoint_hangup_with_cause(alice.ep, now_us, a_call, S("Q.850"), 16,
                                             S("Normal call clearing")),
           SANSIP_RESULT_OK);
    go();
    const ev *end = last(&bob, SANSIP_EVENT_CALL_ENDED);
    CHECK(end != NULL && end->end_reason == SANSIP_END_REASON_REMOTE_HANGUP);
    CHECK(end != NULL && strcmp(end->cause_protocol, "Q.850") == 0 && end->has_cause_code &&
          end->cause_code == 16 && strcmp(end->cause_text, "Normal call clearing") == 0);
    EXPECT(sansip_endpoint_hold(alice.ep, now_us, a_call), SANSIP_RESULT_NO_SUCH_SESSION);
}

/* Bob asks alice to call carol instead; alice does; bob hears how it went. */
static void transfer(void) {
    uint64_t a_call, b_call, a_new = 0;
    forget(&alice);
    forget(&bob);
    forget(&carol);
    establish(&a_call, &b_call);
    EXPECT(sansip_endpoint_refer(bob.ep, now_us, b_call, S("sip:carol@127.0.0.1:5064")),
           SANSIP_RESULT_OK);
    go();
    const ev *req = last(&alice, SANSIP_EVENT_TRANSFER_REQUESTED);
    CHECK(req != NULL && req->session == a_call && strstr(req->target, "carol") != NULL);
    CHECK(req != NULL && strstr(req->referred_by, "bob") != NULL);
    EXPECT(sansip_endpoint_accept_transfer(alice.ep, now_us, a_call, NULL),
           SANSIP_RESULT_NULL_ARGUMENT);
    EXPECT(sansip_endpoint_accept_transfer(alice.ep, now_us, a_call, &a_new), SANSIP_RESULT_OK);
    CHECK(a_new != 0 && a_new != a_call);
    go();
    const ev *in = last(&carol, SANSIP_EVENT_INCOMING_CALL);
    CHECK(in != NULL);
    if (in == NULL) return;
    /* Carol rings by herself (SANSIP_RING_POLICY_RINGING). */
    const ev *ringing = last(&alice, SANSIP_EVENT_CALL_PROGRESS);
    CHECK(ringing != NULL && ringing->session == a_new && ringing->status == 180);
    EXPECT(sansip_endpoint_accept(carol.ep, now_us, in->session,
                                  S(sdp(sdp_b, sizeof sdp_b, 6000, 1))),
           SANSIP_RESULT_OK);
    go();
    const ev *up = last(&alice, SANSIP_EVENT_CALL_ACCEPTED);
    CHECK(up != NULL && up->session == a_new);
    const ev *progress = last(&bob, SANSIP_EVENT_TRANSFER_PROGRESS);
    CHECK(progress != NULL && progress->session == b_call && progress->status == 200);
    CHECK(count(&bob, SANSIP_EVENT_TRANSFER_PROGRESS) >= 2); /* 202, ..., 200 */
    EXPECT(sansip_endpoint_hangup(bob.ep, now_us, b_call), SANSIP_RESULT_OK);
    EXPECT(sansip_endpoint_hangup(carol.ep, now_us, in->session), SANSIP_RESULT_OK);
    go();
    CHECK(count(&alice, SANSIP_EVENT_CALL_ENDED) == 2);

    /* A refused transfer. */
    forget(&bob);
    establish(&a_call, &b_call);
    EXPECT(sansip_endpoint_refer(bob.ep, now_us, b_call, S("sip:carol@127.0.0.1:5064")),
           SANSIP_RESULT_OK);
    go();
    EXPECT(sansip_endpoint_reject_transfer(alice.ep, now_us, a_call), SANSIP_RESULT_OK);
    go();
    progress = last(&bob, SANSIP_EVENT_TRANSFER_PROGRESS);
    CHECK(progress != NULL && progress->status == 603);
    EXPECT(sansip_endpoint_hangup(alice.ep, now_us, a_call), SANSIP_RESULT_OK);
    go();
}

static void extra_headers(void) {
    uint64_t call = 0;
    sansip_header h[1];
    h[0].name = (const uint8_t *)"X-Tenant";
    h[0].name_len = strlen("X-Tenant");
    h[0].value = (const uint8_t *)"blue";
    h[0].value_len = 4;
    forget(&bob);
    watch = "X-Tenant: blue\r\n";
    watch_hits = 0;
    EXPECT(sansip_endpoint_invite_with_headers(alice.ep, now_us, S("sip:bob@127.0.0.1:5062"),
                                               NULL, 0, h, 1, &call),
           SANSIP_RESULT_OK);
    go();
    CHECK(watch_hits == 1);
    watch = NULL;
    h[0].value = (const uint8_t *)"a\r\nVia: x";
    h[0].value_len = strlen("a\r\nVia: x");
    EXPECT(sansip_endpoint_invite_with_headers(alice.ep, now_us, S("sip:bob@127.0.0.1:5062"),
                                               NULL, 0, h, 1, &call),
           SANSIP_RESULT_BAD_TEXT);
    const ev *in = last(&bob, SANSIP_EVENT_INCOMING_CALL);
    CHECK(in != NULL);
    if (in != NULL) EXPECT(sansip_endpoint_hangup(bob.ep, now_us, in->session), SANSIP_RESULT_OK);
    go();
}

/* Carol rings by herself and answers offers from her media capabilities. */
static void carol_config(sansip_config *cfg) {
    EXPECT(sansip_config_set_ring_policy(cfg, SANSIP_RING_POLICY_RINGING), SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_media_address(cfg, S("127.0.0.1")), SANSIP_RESULT_OK);
    EXPECT(sansip_config_add_codec(cfg, S("audio"), 7000, S("opus"), 48000, 2, NULL, 0),
           SANSIP_RESULT_OK);
    EXPECT(sansip_config_add_codec(cfg, S("audio"), 7000, S("PCMU"), 8000, 0, NULL, 0),
           SANSIP_RESULT_OK);
    EXPECT(sansip_config_set_media_direction(cfg, S("audio"), SANSIP_MEDIA_DIRECTION_SENDRECV,
                                             false),
           SANSIP_RESULT_OK);
}

/* Carol accepts without SDP: sansip answers from her capabilities. */
static void answered_by_capabilities(void) {
    uint64_t call = 0;
    forget(&alice);
    forget(&carol);
    EXPECT(sansip_endpoint_invite(alice.ep, now_us, S("sip:carol@127.0.0.1:5064"),
                                  S(sdp(sdp_a, sizeof sdp_a, 4000, 1)), &call),
           SANSIP_RESULT_OK);
    go();
    const ev *in = last(&carol, SANSIP_EVENT_INCOMING_CALL);
    CHECK(in != NULL);
    if (in == NULL) return;
    EXPECT(sansip_endpoint_accept(carol.ep, now_us, in->session, NULL, 0), SANSIP_RESULT_OK);
    go();
    const ev *up = last(&alice, SANSIP_EVENT_CALL_ACCEPTED);
    CHECK(up != NULL && strstr(up->body, "m=audio 7000 RTP/AVP 0") != NULL);
    EXPECT(sansip_endpoint_hangup(alice.ep, now_us, call), SANSIP_RESULT_OK);
    go();
}

int main(void) {
    peer_init(&alice, "alice", "sip:alice@127.0.0.1", 5060, 1, NULL);
    peer_init(&bob, "bob", "sip:bob@127.0.0.1", 5062, 2, NULL);
    peer_init(&carol, "carol", "sip:carol@127.0.0.1", 5064, 3, carol_config);

    rejected();
    cancelled();
    early_media();
    late_offer();
    in_call();
    transfer();
    extra_headers();
    answered_by_capabilities();

    peer_free(&alice);
    peer_free(&bob);
    peer_free(&carol);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("calls: ok\n");
    return 0;
}

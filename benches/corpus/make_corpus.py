#!/usr/bin/env python3
"""Generate the sansip benchmark corpus of realistic SIP messages.

Each NN-name.sip file next to this script is one complete SIP message exactly
as it would appear on the wire: every header line (and every body line) ends
in CRLF, an empty CRLF line ends the header section, and Content-Length (or
its compact form "l") is computed from the UTF-8 encoded body.

All names, hosts, addresses, tags, branches and Call-IDs are fictional
(example.com / example.org / .invalid, 192.0.2.0/24, 198.51.100.0/24,
203.0.113.0/24, 2001:db8::/32, +1-202-555-01xx).  The output is fully
deterministic: running this script again reproduces the files byte for byte.

Usage: python3 make_corpus.py
"""

import hashlib
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CRLF = "\r\n"


def body_lines(*lines):
    """Join body lines, each terminated by CRLF (SDP, XML, ...)."""
    return "".join(line + CRLF for line in lines)


def message(start_line, headers, body=""):
    """Build one SIP message.

    `headers` is a list of complete header lines (without the final CRLF).
    A header may contain "\\r\\n" followed by SP/HTAB to fold it.  The token
    {CL} is replaced by the body length in bytes.
    """
    raw_body = body.encode("utf-8")
    lines = [start_line]
    for h in headers:
        lines.append(h.replace("{CL}", str(len(raw_body))))
    head = CRLF.join(lines) + CRLF + CRLF
    return head.encode("utf-8") + raw_body


CORPUS = {}


def add(name, data):
    assert name not in CORPUS, name
    CORPUS[name] = data


# ---------------------------------------------------------------------------
# Shared dialog A: Alice (Linphone, behind NAT 203.0.113.77) calls Bob
# (Zoiper at 203.0.113.20) through two Kamailio proxies.  The route set is
# P1 = 198.51.100.5 (sip.example.com), P2 = 198.51.100.9 (edge).
# ---------------------------------------------------------------------------
A_CALLID = "nPynL2PalctB"
A_FROM = '"Alice Martin" <sip:alice@example.com>;tag=g3oNzol3ob'
A_TO = "<sip:bob@example.com>"
A_TO_TAGGED = "<sip:bob@example.com>;tag=8c21d52d"
A_UA = "User-Agent: Linphone-Desktop/5.2.4 (alice-laptop) ubuntu/22.04 LinphoneSDK/5.3.30"
A_ALLOW = "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, INFO, PRACK, UPDATE"
A_SUPPORTED = "Supported: replaces, outbound, gruu, path"
A_CONTACT = ('Contact: <sip:alice@192.0.2.10:5060;transport=udp>;'
             '+sip.instance="<urn:uuid:c1c2e932-6f95-4d31-a0a4-0a00761054c0>"')
A_INVITE_VIA_RECV = ("Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK.dUR3tY1Qg;"
                     "rport=38214;received=203.0.113.77")
A_RR = [
    "Record-Route: <sip:198.51.100.9;lr=on;ftag=g3oNzol3ob;nat=yes>",
    "Record-Route: <sip:198.51.100.5;lr;ftag=g3oNzol3ob;did=4f2.a671>",
]
A_ROUTE = [
    "Route: <sip:198.51.100.5;lr;ftag=g3oNzol3ob;did=4f2.a671>",
    "Route: <sip:198.51.100.9;lr=on;ftag=g3oNzol3ob;nat=yes>",
]
B_CONTACT_URI = "sip:bob@203.0.113.20:52344;rinstance=e1daaa51fc1e3a07;transport=UDP"
B_UA = "User-Agent: Z 5.6.1 v2.10.19.9"
B_ALLOW = "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE"
B_SUPPORTED = ("Supported: replaces, norefersub, extended-refer, timer, sec-agree, "
               "outbound, path, X-cisco-serviceuri")
B_ALLOW_EVENTS = "Allow-Events: presence, kpml, talk, as-feature-event"
KAMAILIO = "kamailio (5.7.2 (x86_64/linux))"

# 01: audio INVITE over UDP (Linphone).  Note Content-Length is not the last
# header, as Linphone really sends it.
add("01-invite-audio.sip", message(
    "INVITE sip:bob@example.com SIP/2.0",
    [
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK.dUR3tY1Qg;rport",
        "From: " + A_FROM,
        "To: " + A_TO,
        "CSeq: 20 INVITE",
        "Call-ID: " + A_CALLID,
        "Max-Forwards: 70",
        A_SUPPORTED,
        A_ALLOW,
        "Content-Type: application/sdp",
        "Content-Length: {CL}",
        A_CONTACT,
        A_UA,
    ],
    body_lines(
        "v=0",
        "o=alice 2163 1187 IN IP4 192.0.2.10",
        "s=Talk",
        "c=IN IP4 192.0.2.10",
        "t=0 0",
        "m=audio 7078 RTP/AVP 96 0 8 101",
        "a=rtpmap:96 opus/48000/2",
        "a=fmtp:96 useinbandfec=1",
        "a=rtpmap:101 telephone-event/8000",
        "a=rtcp-fb:* trr-int 1000",
    ),
))

# 02: WebRTC INVITE from Chrome via SIP.js over WSS.
W_STREAM = "9f1c3a7e-5b2d-4e8f-a6c0-1d3b5e7f9a2c"
W_ATRACK = "2b8e4d1a-7c3f-4a9e-b5d2-6e0f8c1a3b7d"
W_VTRACK = "5d7a2c9e-0b4f-4e1d-8a6c-3f9b1e7d2a50"
W_CNAME = "Xk3pR9vT2mWq8sLd"
W_TRANSPORT = [
    "c=IN IP4 203.0.113.45",
    "a=rtcp:9 IN IP4 0.0.0.0",
    "a=candidate:1467250027 1 udp 2122260223 192.0.2.101 54321 typ host generation 0 network-id 1 network-cost 10",
    "a=candidate:2999745851 1 tcp 1518280447 192.0.2.101 9 typ host tcptype active generation 0 network-id 1 network-cost 10",
    "a=candidate:842163049 1 udp 1686052607 203.0.113.45 54321 typ srflx raddr 192.0.2.101 rport 54321 generation 0 network-id 1 network-cost 10",
    "a=ice-ufrag:q8Zt",
    "a=ice-pwd:Jm3e5XvR9wLk2bQp7yTn4sHc",
    "a=ice-options:trickle",
    "a=fingerprint:sha-256 7D:BA:B1:43:2D:81:7E:26:35:23:97:1B:10:8B:8E:44:8E:63:5E:72:2D:FD:55:9C:74:4E:C8:DA:07:2C:E2:34",
    "a=setup:actpass",
]
VIDEO_FB = ["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"]


def video_codec(pt, name, rtx, fmtp=None):
    out = ["a=rtpmap:%d %s/90000" % (pt, name)]
    out += ["a=rtcp-fb:%d %s" % (pt, fb) for fb in VIDEO_FB]
    if fmtp:
        out.append("a=fmtp:%d %s" % (pt, fmtp))
    out += ["a=rtpmap:%d rtx/90000" % rtx, "a=fmtp:%d apt=%d" % (rtx, pt)]
    return out


add("02-invite-webrtc-wss.sip", message(
    "INVITE sip:bob@example.com SIP/2.0",
    [
        "Via: SIP/2.0/WSS k3q8v2m1p9x4.invalid;branch=z9hG4bK4937318",
        "To: <sip:bob@example.com>",
        'From: "Carol Diaz" <sip:carol@example.com>;tag=n8v0c2g1lk',
        "CSeq: 2 INVITE",
        "Call-ID: 7bk1n2t6q9mf0v5xz3ad1e",
        "Max-Forwards: 70",
        "Contact: <sip:q8w2e7rt@k3q8v2m1p9x4.invalid;transport=ws;ob>",
        "Allow: ACK,CANCEL,INVITE,MESSAGE,BYE,OPTIONS,INFO,NOTIFY,REFER",
        "Supported: outbound",
        "User-Agent: SIP.js/0.21.2",
        "Content-Type: application/sdp",
        "Content-Length: {CL}",
    ],
    body_lines(*(
        [
            "v=0",
            "o=- 2329224220662602043 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE 0 1",
            "a=extmap-allow-mixed",
            "a=msid-semantic: WMS " + W_STREAM,
            "m=audio 54321 UDP/TLS/RTP/SAVPF 111 63 9 0 8 110 126",
        ]
        + W_TRANSPORT
        + [
            "a=mid:0",
            "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
            "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
            "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
            "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
            "a=sendrecv",
            "a=msid:%s %s" % (W_STREAM, W_ATRACK),
            "a=rtcp-mux",
            "a=rtcp-rsize",
            "a=rtpmap:111 opus/48000/2",
            "a=rtcp-fb:111 transport-cc",
            "a=fmtp:111 minptime=10;useinbandfec=1",
            "a=rtpmap:63 red/48000/2",
            "a=fmtp:63 111/111",
            "a=rtpmap:9 G722/8000",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:110 telephone-event/48000",
            "a=rtpmap:126 telephone-event/8000",
            "a=ssrc:2878394984 cname:" + W_CNAME,
            "a=ssrc:2878394984 msid:%s %s" % (W_STREAM, W_ATRACK),
            "m=video 54321 UDP/TLS/RTP/SAVPF 96 97 98 99 102 103",
        ]
        + W_TRANSPORT
        + [
            "a=mid:1",
            "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset",
            "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
            "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
            "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
            "a=sendrecv",
            "a=msid:%s %s" % (W_STREAM, W_VTRACK),
            "a=rtcp-mux",
            "a=rtcp-rsize",
        ]
        + video_codec(96, "VP8", 97)
        + video_codec(98, "VP9", 99, "profile-id=0")
        + video_codec(102, "H264", 103,
                      "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f")
        + [
            "a=ssrc-group:FID 2909889570 1707428172",
            "a=ssrc:2909889570 cname:" + W_CNAME,
            "a=ssrc:2909889570 msid:%s %s" % (W_STREAM, W_VTRACK),
            "a=ssrc:1707428172 cname:" + W_CNAME,
            "a=ssrc:1707428172 msid:%s %s" % (W_STREAM, W_VTRACK),
        ]
    )),
))

# 03: Kamailio's stateless 100 with its well-known reason phrase.
add("03-100-trying.sip", message(
    "SIP/2.0 100 trying -- your call is important to us",
    [
        A_INVITE_VIA_RECV,
        "From: " + A_FROM,
        "To: " + A_TO,
        "CSeq: 20 INVITE",
        "Call-ID: " + A_CALLID,
        "Server: " + KAMAILIO,
        "Content-Length: 0",
    ],
))

# 04: 180 from Bob's Zoiper as received by Alice (two Record-Routes).
add("04-180-ringing.sip", message(
    "SIP/2.0 180 Ringing",
    [A_INVITE_VIA_RECV] + A_RR + [
        "Contact: <%s>" % B_CONTACT_URI,
        "To: " + A_TO_TAGGED,
        "From: " + A_FROM,
        "Call-ID: " + A_CALLID,
        "CSeq: 20 INVITE",
        B_UA,
        B_ALLOW_EVENTS,
        "Content-Length: 0",
    ],
))

# 05: 200 OK with the SDP answer.
add("05-200-ok-invite-sdp.sip", message(
    "SIP/2.0 200 OK",
    [A_INVITE_VIA_RECV] + A_RR + [
        "Contact: <%s>" % B_CONTACT_URI,
        "To: " + A_TO_TAGGED,
        "From: " + A_FROM,
        "Call-ID: " + A_CALLID,
        "CSeq: 20 INVITE",
        B_ALLOW,
        "Content-Type: application/sdp",
        B_SUPPORTED,
        B_UA,
        B_ALLOW_EVENTS,
        "Content-Length: {CL}",
    ],
    body_lines(
        "v=0",
        "o=Z 1700536125871 1 IN IP4 203.0.113.20",
        "s=Z",
        "c=IN IP4 203.0.113.20",
        "t=0 0",
        "m=audio 8000 RTP/AVP 96 101",
        "a=rtpmap:96 opus/48000/2",
        "a=fmtp:96 useinbandfec=1",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-16",
        "a=sendrecv",
    ),
))

# 06: ACK for the 2xx, sent along the route set.
add("06-ack.sip", message(
    "ACK %s SIP/2.0" % B_CONTACT_URI,
    ["Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK.Fq0pW2hRn;rport"] + A_ROUTE + [
        "From: " + A_FROM,
        "To: " + A_TO_TAGGED,
        "CSeq: 20 ACK",
        "Call-ID: " + A_CALLID,
        "Max-Forwards: 70",
        A_UA,
        "Content-Length: 0",
    ],
))

# 07: in-dialog BYE from Alice (after the REFER in 19, hence CSeq 22).
add("07-bye.sip", message(
    "BYE %s SIP/2.0" % B_CONTACT_URI,
    ["Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK.p7Hs2~XcQ;rport"] + A_ROUTE + [
        "From: " + A_FROM,
        "To: " + A_TO_TAGGED,
        "CSeq: 22 BYE",
        "Call-ID: " + A_CALLID,
        "Max-Forwards: 70",
        A_SUPPORTED,
        A_UA,
        "Content-Length: 0",
    ],
))

# ---------------------------------------------------------------------------
# Registration of dave (Linphone Android over TLS, NAT 198.51.100.140)
# with the example.org registrar (Kamailio) behind edge1.example.org.
# ---------------------------------------------------------------------------
R_CALLID = "17kxgNMbe6"
R_FROM = "<sip:dave@example.org>;tag=xhmZqEGTw"
R_TO_TAGGED = "<sip:dave@example.org>;tag=b27e1a1d33761e85846fc98f5f3a7e58.0b40"
R_INSTANCE = "urn:uuid:45c2d363-1ca8-49f2-930b-f2d1befbfdfc"
R_CONTACT = ('<sip:dave@192.0.2.44:49822;transport=tls>;+sip.instance="<%s>";reg-id=1'
             % R_INSTANCE)
R_UA = "User-Agent: LinphoneAndroid/5.1.2 (Pixel 7) LinphoneSDK/5.2.98"
R_NONCE = "ZVwdKGVcG/zTgXy2KOS0h5c7ANrOF3Zz"
R_OPAQUE = "5ccc069c403ebaf9f0171e9517f40e41"


def register(cseq, branch, extra):
    return message(
        "REGISTER sip:example.org SIP/2.0",
        [
            "Via: SIP/2.0/TLS 192.0.2.44:49822;alias;branch=%s;rport" % branch,
            "From: " + R_FROM,
            "To: <sip:dave@example.org>",
            "CSeq: %d REGISTER" % cseq,
            "Call-ID: " + R_CALLID,
            "Max-Forwards: 70",
            A_SUPPORTED,
            "Accept: application/sdp",
            "Accept: text/plain",
            "Accept: application/vnd.gsma.rcs-ft-http+xml",
            "Contact: " + R_CONTACT + ";expires=3600;"
            '+org.linphone.specs="conference/1.0,ephemeral/1.1,groupchat/1.1,lime"',
            "Expires: 3600",
        ] + extra + [
            R_UA,
            "Content-Length: 0",
        ],
    )


add("08-register.sip", register(20, "z9hG4bK.MDOB6cp3j", []))

add("09-401-challenge.sip", message(
    "SIP/2.0 401 Unauthorized",
    [
        "Via: SIP/2.0/TLS 192.0.2.44:49822;alias;branch=z9hG4bK.MDOB6cp3j;"
        "rport=49822;received=198.51.100.140",
        "From: " + R_FROM,
        "To: " + R_TO_TAGGED,
        "CSeq: 20 REGISTER",
        "Call-ID: " + R_CALLID,
        'WWW-Authenticate: Digest realm="example.org", nonce="%s", opaque="%s", '
        'algorithm=MD5, qop="auth"' % (R_NONCE, R_OPAQUE),
        'WWW-Authenticate: Digest realm="example.org", nonce="%s", opaque="%s", '
        'algorithm=SHA-256, qop="auth"' % (R_NONCE, R_OPAQUE),
        "Server: " + KAMAILIO,
        "Content-Length: 0",
    ],
))


def md5hex(s):
    return hashlib.md5(s.encode("utf-8")).hexdigest()


# A real RFC 2617 digest for the fictional password "correct-horse-7".
R_CNONCE = "0e6c8c02cc3d4a7e"
_ha1 = md5hex("dave:example.org:correct-horse-7")
_ha2 = md5hex("REGISTER:sip:example.org")
R_RESPONSE = md5hex("%s:%s:00000001:%s:auth:%s" % (_ha1, R_NONCE, R_CNONCE, _ha2))

add("10-register-auth.sip", register(21, "z9hG4bK.q1W7xN2bV", [
    'Authorization: Digest realm="example.org", nonce="%s", algorithm=MD5, '
    'opaque="%s", username="dave",  uri="sip:example.org", response="%s", '
    'cnonce="%s", nc=00000001, qop=auth' % (R_NONCE, R_OPAQUE, R_RESPONSE, R_CNONCE),
]))

# 11: MESSAGE as delivered to Frank by the proxy (two Vias, UTF-8 body with
# multi-byte characters, no trailing newline, as IM clients send it).
add("11-message.sip", message(
    "MESSAGE sip:frank@203.0.113.140:5060;transport=udp SIP/2.0",
    [
        "Via: SIP/2.0/UDP 198.51.100.5;branch=z9hG4bKb6d4.0c2e5ad8e1f7b0c9a9c3b2d1e4f5a6b7.0",
        "Via: SIP/2.0/UDP 192.0.2.61:5060;rport=40112;received=203.0.113.88;branch=z9hG4bK.Gx2m8PqL1",
        "Max-Forwards: 69",
        'From: "Erin Okafor" <sip:erin@example.com>;tag=Lq7~aR2xW',
        'To: "Frank" <sip:frank@example.com>',
        "CSeq: 57 MESSAGE",
        "Call-ID: vE4tG9kQw2",
        A_SUPPORTED,
        "Date: Tue, 21 Nov 2023 09:41:07 GMT",
        "Content-Type: text/plain;charset=UTF-8",
        "Content-Length: {CL}",
        "User-Agent: Linphone-Desktop/5.2.4 (erin-pc) windows/10 Qt/5.15.2 LinphoneSDK/5.3.30",
    ],
    "Café at 3? I booked the room on the 2nd floor \u2014 bring the slides \U0001F44D",
))

# 12 / 13: presence subscription from Bob's Zoiper, NOTIFY from Kamailio.
P_CALLID = "NmE0ZTk3MWU4YzU3NDRjYWJiMWQzMGQyZTc5ZmRlNmE."
P_FROM_TAG = "4f1b9c7e"
add("12-subscribe.sip", message(
    "SUBSCRIBE sip:erin@example.com SIP/2.0",
    [
        "Via: SIP/2.0/UDP 203.0.113.20:52344;branch=z9hG4bK-524287-1---3f5c9a1e0d7b2c64;rport",
        "Max-Forwards: 70",
        "Contact: <%s>" % B_CONTACT_URI,
        "To: <sip:erin@example.com>",
        "From: <sip:bob@example.com>;tag=" + P_FROM_TAG,
        "Call-ID: " + P_CALLID,
        "CSeq: 1 SUBSCRIBE",
        "Expires: 3600",
        "Accept: application/pidf+xml, application/xpidf+xml, application/rlmi+xml, multipart/related",
        B_ALLOW,
        B_SUPPORTED,
        B_UA,
        "Event: presence",
        B_ALLOW_EVENTS,
        "Content-Length: 0",
    ],
))

add("13-notify-pidf.sip", message(
    "NOTIFY %s SIP/2.0" % B_CONTACT_URI,
    [
        "Via: SIP/2.0/UDP 198.51.100.5;branch=z9hG4bK3c9e.1f7a2d4b6e8c0a9f3d5b7e1c2a4f6d8b.0",
        "To: <sip:bob@example.com>;tag=" + P_FROM_TAG,
        "From: <sip:erin@example.com>;tag=a6a1c5f60faecf035a1ae5b6e96e979a-0b41",
        "CSeq: 2 NOTIFY",
        "Call-ID: " + P_CALLID,
        "Content-Length: {CL}",
        "User-Agent: " + KAMAILIO,
        "Max-Forwards: 70",
        "Event: presence",
        "Contact: <sip:198.51.100.5:5060;transport=udp>",
        "Subscription-State: active;expires=3599",
        "Content-Type: application/pidf+xml",
    ],
    body_lines(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<presence xmlns="urn:ietf:params:xml:ns:pidf" '
        'xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" '
        'xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:erin@example.com">',
        '  <tuple id="t5f0c8a1e">',
        "    <status><basic>open</basic></status>",
        '    <contact priority="0.8">sip:erin@example.com</contact>',
        '    <note xml:lang="en">Online</note>',
        "    <timestamp>2023-11-21T09:40:12Z</timestamp>",
        "  </tuple>",
        '  <dm:person id="p3b9e2d70">',
        "    <rpid:activities><rpid:on-the-phone/></rpid:activities>",
        "    <dm:note>On a call until 11:00</dm:note>",
        "  </dm:person>",
        "</presence>",
    ),
))

# 14: 200 OK from Asterisk to an INVITE that crossed six proxies (7 Vias,
# mixed transports, an IPv6 hop, received/rport on some).  Asterisk pads
# Content-Length with extra spaces.
add("14-200-six-proxies.sip", message(
    "SIP/2.0 200 OK",
    [
        "Via: SIP/2.0/UDP 198.51.100.77:5060;rport=5060;received=198.51.100.77;"
        "branch=z9hG4bK5e3a.8f1c2d7b9a4e6f0c3b5d7e9a1c2f4b6d.0",
        "Via: SIP/2.0/UDP 198.51.100.76;branch=z9hG4bK5e3a.7b2f1a9c4e0d8b6f3a5c7e9d1b2f4a6c.0;i=3",
        "Via: SIP/2.0/TCP core2.example.org:5060;branch=z9hG4bK-d8754z-a1b2c3d4e5f60718-1---d8754z-;"
        "rport=5060;received=2001:db8:0:12::a",
        "Via: SIP/2.0/TLS sbc2.example.org:5061;branch=z9hG4bKsbc2Hq8Lr0Vx3Nc",
        "Via: SIP/2.0/UDP 203.0.113.9:5060;branch=z9hG4bKcydzigwkX;received=203.0.113.9",
        "Via: SIP/2.0/UDP [2001:db8::5]:5060;branch=z9hG4bK2d9f7a6b1c",
        "Via: SIP/2.0/UDP 192.0.2.50:5062;rport=14501;received=203.0.113.8;"
        "branch=z9hG4bK-524287-1---9b2e4f6a8c0d1e3f",
        "Record-Route: <sip:198.51.100.77;lr;ftag=7c1e9b2a;did=a12.5e01>",
        "Record-Route: <sip:198.51.100.76;r2=on;lr>",
        "Record-Route: <sip:core2.example.org;transport=tcp;r2=on;lr>",
        "Record-Route: <sip:sbc2.example.org:5061;transport=tls;lr>",
        "Record-Route: <sip:[2001:db8::5];lr>",
        "Call-ID: YTljMWY0ZGU2ZTVmNDE0MjhiMzA3NmQ1ZGM0YzE0ODA.",
        'From: "Grace Liu" <sip:grace@example.com>;tag=7c1e9b2a',
        'To: <sip:+12025550142@example.org;user=phone>;tag=0f6b3c8e-2a4d-4f1b-9e7c-5d1a3b8f6e20',
        "CSeq: 2 INVITE",
        "Server: Asterisk PBX 20.5.0",
        "Allow: OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, PUBLISH, INVITE, ACK, BYE, CANCEL, "
        "UPDATE, PRACK, INFO, MESSAGE, REFER",
        "Contact: <sip:198.51.100.200:5060>",
        "Supported: 100rel, timer, replaces, norefersub",
        "Session-Expires: 1800;refresher=uac",
        "Require: timer",
        "Content-Type: application/sdp",
        "Content-Length:   {CL}",
    ],
    body_lines(
        "v=0",
        "o=- 1700561234 1700561236 IN IP4 198.51.100.200",
        "s=Asterisk",
        "c=IN IP4 198.51.100.200",
        "t=0 0",
        "m=audio 14182 RTP/AVP 0 101",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-16",
        "a=ptime:20",
        "a=maxptime:150",
        "a=sendrecv",
    ),
))

# 15: an INVITE (triggered by a transfer) written with compact header names.
add("15-compact-forms.sip", message(
    "INVITE sip:frank@example.org SIP/2.0",
    [
        "v: SIP/2.0/UDP 198.51.100.23:5060;branch=z9hG4bK776asdhds;rport",
        'f: "Grace Liu" <sip:grace@example.com>;tag=1928301774',
        "t: sip:frank@example.org",
        "i: a84b4c76e66710@198.51.100.23",
        "CSeq: 314159 INVITE",
        "Max-Forwards: 70",
        "m: <sip:grace@198.51.100.23:5060>;+sip.audio",
        "k: timer, 100rel, replaces",
        "s: Budget review",
        "x: 1800;refresher=uac",
        "u: talk, hold, conference, refer",
        "a: *;+sip.audio;explicit",
        "b: <sip:alice@example.com>",
        "c: application/sdp",
        "l: {CL}",
    ],
    body_lines(
        "v=0",
        "o=grace 53655765 2353687637 IN IP4 198.51.100.23",
        "s=-",
        "c=IN IP4 198.51.100.23",
        "t=0 0",
        "m=audio 3456 RTP/AVP 0 8 101",
        "a=rtpmap:101 telephone-event/8000",
    ),
))

# 16: a request with folded (multi-line) headers: a Via list, From,
# Subject and Allow continued with CRLF + SP/HTAB.
add("16-folded-header.sip", message(
    "MESSAGE sip:ivan@example.org SIP/2.0",
    [
        "Via: SIP/2.0/UDP 198.51.100.5:5060;branch=z9hG4bKa7f3.2c9e1b4d6f8a0c3e5b7d9f1a2c4e6b8d.0,"
        "\r\n SIP/2.0/TCP 198.51.100.9:5060;branch=z9hG4bKa7f3.9d1e3b5f7a9c0e2d4f6b8a1c3e5d7f9b.0,"
        "\r\n\tSIP/2.0/UDP 192.0.2.61:5060;rport=40112;received=203.0.113.88;branch=z9hG4bK.Rt3nK8sPz",
        "Max-Forwards: 68",
        'From: "Heidi Novak"\r\n <sip:heidi@example.com>;tag=8e2f1c',
        "To: <sip:ivan@example.org>",
        "Call-ID: 4c1b9e7a2d@192.0.2.61",
        "CSeq: 8 MESSAGE",
        "Subject: Re: lunch on Friday? The place on the corner closes early,"
        "\r\n  so let's meet at 11:45 in the lobby instead"
        "\r\n\tof going straight there",
        "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE,\r\n  MESSAGE, NOTIFY, SUBSCRIBE, REFER, INFO",
        "User-Agent: Jitsi2.10.5550Linux",
        "Content-Type: text/plain",
        "Content-Length: {CL}",
    ],
    "See you then!",
))

# 17: Asterisk (PJSIP) qualify OPTIONS.
add("17-options.sip", message(
    "OPTIONS %s SIP/2.0" % B_CONTACT_URI,
    [
        "Via: SIP/2.0/UDP 198.51.100.200:5060;rport;branch=z9hG4bKPj2f0a6d3c-8b1e-4c7a-9d5f-3e2b1a0c9d8e",
        "From: <sip:asterisk@198.51.100.200>;tag=7a1d0e4b-3c9f-4e2a-8b6d-5f0c1e3a9b7d",
        "To: <sip:bob@203.0.113.20;rinstance=e1daaa51fc1e3a07>",
        "Contact: <sip:asterisk@198.51.100.200:5060>",
        "Call-ID: 0b9e3f7a-2c5d-4e1b-a8f6-9d3c7e1b5a20",
        "CSeq: 18346 OPTIONS",
        "Max-Forwards: 70",
        "User-Agent: Asterisk PBX 20.5.0",
        "Content-Length:  0",
    ],
))

# 18: 200 OK to the authenticated REGISTER (10), with GRUUs, outbound,
# Path echoed back, Service-Route and a second binding of the same AOR.
add("18-200-register.sip", message(
    "SIP/2.0 200 OK",
    [
        "Via: SIP/2.0/TLS 192.0.2.44:49822;alias;branch=z9hG4bK.q1W7xN2bV;"
        "rport=49822;received=198.51.100.140",
        "From: " + R_FROM,
        "To: " + R_TO_TAGGED,
        "CSeq: 21 REGISTER",
        "Call-ID: " + R_CALLID,
        "Path: <sip:TLYVjWUnsN@edge1.example.org;transport=tls;lr;ob>",
        "Service-Route: <sip:orig@core1.example.org;lr>",
        "Contact: " + R_CONTACT + ';expires=3600;pub-gruu="sip:dave@example.org;gr=%s";'
        'temp-gruu="sip:tgruu.7hs3jd7vnzga5w7fgr@example.org;gr"' % R_INSTANCE,
        'Contact: <sip:dave@203.0.113.90:50611;transport=tls>;expires=1712;'
        '+sip.instance="<urn:uuid:6c85a7cd-1dfa-4b07-92b1-e93b51693e0e>";reg-id=1',
        "Require: outbound",
        "Supported: outbound, path, gruu",
        "Date: Tue, 21 Nov 2023 03:12:47 GMT",
        "Server: " + KAMAILIO,
        "Content-Length: 0",
    ],
))

# 19: attended transfer: REFER inside dialog A with an escaped Replaces.
add("19-refer.sip", message(
    "REFER %s SIP/2.0" % B_CONTACT_URI,
    ["Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK.Vw2~kR8yT;rport"] + A_ROUTE + [
        "From: " + A_FROM,
        "To: " + A_TO_TAGGED,
        "CSeq: 21 REFER",
        "Call-ID: " + A_CALLID,
        "Max-Forwards: 70",
        A_SUPPORTED,
        "Refer-To: <sip:carol@example.com?Replaces=3c2f8e1a-9b7d-4e6a%40198.51.100.200"
        "%3Bto-tag%3Dq8Kp2Lm0%3Bfrom-tag%3DTz5~wE3rY>",
        'Referred-By: "Alice Martin" <sip:alice@example.com>',
        A_CONTACT,
        A_UA,
        "Content-Length: 0",
    ],
))

# 20 / 21: FreeSWITCH calls out through a carrier trunk that answers with a
# reliable 183 (100rel); FreeSWITCH PRACKs it.
T_CALLID = "6f1d2a9e-4c7b-4b8e-9f3a-2d5c8e1b7a40"
T_FROM = '"Example Support" <sip:+12025550100@198.51.100.60>;tag=Fp3Ky8Q1mB2vH'
T_TO_TAGGED = "<sip:+12025550177@trunk.example.org;user=phone>;tag=as7c4e2f1d-3a9b"
T_RR = "<sip:203.0.113.49;lr;ftag=Fp3Ky8Q1mB2vH>"
T_CONTACT_URI = "sip:+12025550177@203.0.113.50:5060;transport=udp"

add("20-prack.sip", message(
    "PRACK %s SIP/2.0" % T_CONTACT_URI,
    [
        "Via: SIP/2.0/UDP 198.51.100.60;rport;branch=z9hG4bKa7tFmZ0pS3rXc",
        "Route: " + T_RR,
        "Max-Forwards: 70",
        "From: " + T_FROM,
        "To: " + T_TO_TAGGED,
        "Call-ID: " + T_CALLID,
        "CSeq: 130564121 PRACK",
        "User-Agent: FreeSWITCH-mod_sofia/1.10.10-release~64bit",
        "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE, INFO, UPDATE, REGISTER, REFER, "
        "NOTIFY, PUBLISH, SUBSCRIBE",
        "Supported: timer, path, replaces",
        "RAck: 1 130564120 INVITE",
        "Content-Length: 0",
    ],
))

add("21-183-session-progress.sip", message(
    "SIP/2.0 183 Session Progress",
    [
        "Via: SIP/2.0/UDP 198.51.100.60;rport=5060;branch=z9hG4bK8gXc2N4yD1mQe",
        "Record-Route: " + T_RR,
        "From: " + T_FROM,
        "To: " + T_TO_TAGGED,
        "Call-ID: " + T_CALLID,
        "CSeq: 130564120 INVITE",
        "Contact: <%s>" % T_CONTACT_URI,
        "Require: 100rel",
        "RSeq: 1",
        "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, PRACK, UPDATE, INFO",
        "Supported: timer",
        "P-Early-Media: sendrecv",
        "Server: ExampleSBC/9.2.1",
        "Content-Type: application/sdp",
        "Content-Length: {CL}",
    ],
    body_lines(
        "v=0",
        "o=ExampleSBC 31458 31459 IN IP4 203.0.113.50",
        "s=SIP Call",
        "c=IN IP4 203.0.113.50",
        "t=0 0",
        "m=audio 40128 RTP/AVP 0 101",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-15",
        "a=ptime:20",
        "a=sendrecv",
    ),
))


def main():
    for name, data in sorted(CORPUS.items()):
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        print("%6d  %s" % (len(data), name))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A minimal SIP-over-WebSocket UA (RFC 7118), standard library only.

Used by run.sh to prove kamailio's WebSocket listener before the sansip
phone exists: registers USER over ws://HOST:PORT (answering a digest
challenge, qop=auth), prints `registered expires=N`, then optionally waits
for one MESSAGE, prints `message from=URI body=TEXT` and answers 200.
Exits 0 on success, 1 otherwise.
"""
import argparse
import base64
import hashlib
import os
import re
import socket
import struct
import sys


def ws_connect(host, port):
    s = socket.create_connection((host, port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(
        (
            f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            raise SystemExit("websocket: connection closed during handshake")
        head += chunk
    if not head.startswith(b"HTTP/1.1 101"):
        raise SystemExit("websocket: handshake refused: " + head.split(b"\r\n")[0].decode())
    return s


def ws_send(s, text):
    data = text.encode()
    mask = os.urandom(4)
    n = len(data)
    if n < 126:
        hdr = struct.pack("!BB", 0x81, 0x80 | n)
    else:
        hdr = struct.pack("!BBH", 0x81, 0x80 | 126, n)
    s.sendall(hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise SystemExit("websocket: connection closed")
        buf += chunk
    return buf


def ws_recv(s):
    while True:
        b0, b1 = recv_exact(s, 2)
        n = b1 & 0x7F
        if n == 126:
            (n,) = struct.unpack("!H", recv_exact(s, 2))
        elif n == 127:
            (n,) = struct.unpack("!Q", recv_exact(s, 8))
        mask = recv_exact(s, 4) if b1 & 0x80 else None
        data = recv_exact(s, n)
        if mask:
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        op = b0 & 0x0F
        if op in (1, 2):
            return data.decode()
        if op == 8:
            raise SystemExit("websocket: closed by peer")
        if op == 9:  # ping -> pong
            s.sendall(struct.pack("!BB", 0x8A, 0x80 | len(data)) + b"\0\0\0\0" + data)


def header(msg, name):
    m = re.search(r"^" + name + r"\s*:\s*(.*?)\r?$", msg, re.M | re.I)
    return m.group(1) if m else None


def digest(challenge, user, password, method, uri):
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge))
    md5 = lambda x: hashlib.md5(x.encode()).hexdigest()  # noqa: E731
    ha1 = md5(f"{user}:{params['realm']}:{password}")
    ha2 = md5(f"{method}:{uri}")
    out = f'Digest username="{user}", realm="{params["realm"]}", nonce="{params["nonce"]}", uri="{uri}", algorithm=MD5'
    if "qop" in params:
        cnonce, nc = os.urandom(8).hex(), "00000001"
        resp = md5(f"{ha1}:{params['nonce']}:{nc}:{cnonce}:auth:{ha2}")
        out += f', qop=auth, nc={nc}, cnonce="{cnonce}"'
    else:
        resp = md5(f"{ha1}:{params['nonce']}:{ha2}")
    return out + f', response="{resp}"'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", default="secret")
    ap.add_argument("--domain", default="127.0.0.1")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--expires", type=int, default=300)
    ap.add_argument("--wait-message", action="store_true")
    a = ap.parse_args()

    s = ws_connect(a.host, a.port)
    s.settimeout(10)
    local = os.urandom(4).hex() + ".invalid"
    callid = os.urandom(8).hex()
    tag = os.urandom(4).hex()
    ruri = f"sip:{a.domain}"
    auth = None
    for cseq in (1, 2):
        lines = [
            f"REGISTER {ruri} SIP/2.0",
            f"Via: SIP/2.0/WS {local};branch=z9hG4bK{os.urandom(6).hex()}",
            "Max-Forwards: 70",
            f"From: <sip:{a.user}@{a.domain}>;tag={tag}",
            f"To: <sip:{a.user}@{a.domain}>",
            f"Call-ID: {callid}",
            f"CSeq: {cseq} REGISTER",
            f"Contact: <sip:{a.user}@{local};transport=ws>;expires={a.expires}",
            "User-Agent: sansip-interop-ws-client",
        ]
        if auth:
            lines.append(f"Authorization: {auth}")
        ws_send(s, "\r\n".join(lines + ["Content-Length: 0", "", ""]))
        while True:
            resp = ws_recv(s)
            status = int(resp.split(" ", 2)[1])
            if status >= 200:
                break
        if status == 401 and auth is None:
            auth = digest(header(resp, "WWW-Authenticate"), a.user, a.password, "REGISTER", ruri)
            continue
        if status != 200:
            print(f"register-failed status={status}", flush=True)
            return 1
        print(f"registered expires={a.expires}", flush=True)
        break
    else:
        return 1

    if not a.wait_message:
        return 0
    s.settimeout(None)
    while True:
        req = ws_recv(s)
        if not req.startswith("MESSAGE "):
            continue
        body = req.split("\r\n\r\n", 1)[1] if "\r\n\r\n" in req else ""
        frm = re.search(r"<([^>]*)>", header(req, "From") or "")
        print(f"message from={frm.group(1) if frm else '?'} body={body.strip()}", flush=True)
        reply = [
            "SIP/2.0 200 OK",
            *[line for line in req.split("\r\n") if re.match(r"(?i)^(via|from|call-id|cseq)\s*:", line)],
            f"To: {header(req, 'To')};tag={os.urandom(4).hex()}",
            "Content-Length: 0",
            "",
            "",
        ]
        ws_send(s, "\r\n".join(reply))
        return 0


if __name__ == "__main__":
    sys.exit(main())

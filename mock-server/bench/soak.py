#!/usr/bin/env python3
"""Soak benchmark of a running mock server: mixed traffic for a bounded time, then a
table of its resident memory (RSS) at start, at each sample and at the end, and its
/_mock/stats. A benchmark (it prints numbers), not a test.

Usage: soak.py BASE_URL PID [--seconds 60]

Traffic, all at once, for --seconds:
  * readers: contact pages (plain, filtered and sorted, paged with nextLink);
  * keyed POSTs: a new Idempotency-Key on every POST of a conversation;
  * clock jumps: the mock clock moves 6 hours every 2 seconds (records expire);
  * slow consumers: 16 live-event sockets that never read, fed 4 KB events;
  * huge URLs: requests with 30 KB query strings (the journal must stay bounded).
Python standard library only.
"""

import argparse
import base64
import http.client
import json
import os
import socket
import threading
import time
import urllib.parse


def rss(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class Conn:
    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.c = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def call(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        for attempt in range(2):
            try:
                self.c.request(method, path, body=data, headers=h)
                r = self.c.getresponse()
                text = r.read()
                return r.status, (json.loads(text) if text[:1] in (b"{", b"[") else None)
            except (http.client.HTTPException, OSError):
                self.c.close()
                self.c = http.client.HTTPConnection(self.host, self.port, timeout=30)
        return 0, None


def stalled_socket(host, port, user):
    """A WebSocket handshake, then never a read."""
    s = socket.create_connection((host, port), timeout=30)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(
        (
            f"GET /_mock/act-as/{user}/events HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(1)
        if not chunk:
            raise RuntimeError("the handshake failed")
        head += chunk
    if b" 101 " not in head.split(b"\r\n", 1)[0]:
        raise RuntimeError(head.decode(errors="replace"))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base_url")
    ap.add_argument("pid", type=int)
    ap.add_argument("--seconds", type=float, default=60)
    a = ap.parse_args()
    base, pid = a.base_url.rstrip("/"), a.pid
    ctl = Conn(base)
    _, users = ctl.call("GET", "/_mock/users")
    ids = [u["id"] for u in users["users"]]
    _, app = ctl.call("POST", "/_mock/clients", {"name": "soak"})
    _, tok = ctl.call(
        "POST",
        "/_mock/tokens",
        {"userId": ids[0], "clientId": app["clientId"], "scopes": ["contacts.read", "chat"],
         "expiresIn": 31536000},
    )
    auth = {"Authorization": "Bearer " + tok["access_token"]}
    stop = time.monotonic() + a.seconds
    counts = {k: 0 for k in ("reads", "keyed POSTs", "clock jumps", "events", "huge URLs", "errors")}
    lock = threading.Lock()

    def bump(k, n=1):
        with lock:
            counts[k] += n

    def readers():
        c = Conn(base)
        q = urllib.parse.quote("startswith(displayName,'A') and isFriend eq false")
        paths = ["/v1/me/contacts?$top=100",
                 f"/v1/me/contacts?$filter={q}&$orderby=displayName%20desc&$top=50"]
        i = 0
        while time.monotonic() < stop:
            st, body = c.call("GET", paths[i % 2], headers=auth)
            i += 1
            bump("reads" if st == 200 else "errors")
            nxt = body and body.get("@odata.nextLink")
            if nxt:
                st, _ = c.call("GET", urllib.parse.urlsplit(nxt)._replace(scheme="", netloc="").geturl(), headers=auth)
                bump("reads" if st == 200 else "errors")

    def keyed():
        c = Conn(base)
        n = 0
        while time.monotonic() < stop:
            n += 1
            st, _ = c.call("POST", "/v1/me/conversations", {"members": [ids[1]]},
                           {**auth, "Idempotency-Key": f"soak-{threading.get_ident()}-{n}-" + "k" * 180})
            bump("keyed POSTs" if st in (200, 201) else "errors")

    def clock():
        c = Conn(base)
        while time.monotonic() < stop:
            st, _ = c.call("POST", "/_mock/clock", {"advanceSeconds": 6 * 3600})
            bump("clock jumps" if st == 200 else "errors")
            time.sleep(2)

    def events():
        c = Conn(base)
        pad = "x" * 4096
        while time.monotonic() < stop:
            for u in ids:
                st, _ = c.call("POST", f"/_mock/events/{u}", {"type": "soak", "data": {"pad": pad}})
                bump("events" if st == 201 else "errors")

    def huge():
        c = Conn(base)
        long = "a" * 30000
        while time.monotonic() < stop:
            st, _ = c.call("GET", f"/health?q={long}")
            bump("huge URLs" if st == 200 else "errors")

    u = urllib.parse.urlsplit(base)
    stalled = [stalled_socket(u.hostname, u.port, ids[i % len(ids)]) for i in range(16)]
    samples = [(0.0, rss(pid))]
    t0 = time.monotonic()
    threads = [threading.Thread(target=f, daemon=True)
               for f in (readers, readers, keyed, keyed, clock, events, huge)]
    for t in threads:
        t.start()
    while time.monotonic() < stop:
        time.sleep(min(5, max(0.1, stop - time.monotonic())))
        samples.append((time.monotonic() - t0, rss(pid)))
    for t in threads:
        t.join(timeout=60)
    samples.append((time.monotonic() - t0, rss(pid)))
    _, stats = ctl.call("GET", "/_mock/stats")
    for s in stalled:
        s.close()

    mib = lambda b: f"{b / 1048576:.1f}"
    print(f"| second | RSS MiB |")
    print("|---:|---:|")
    for t, r in samples:
        print(f"| {t:.0f} | {mib(r)} |")
    print()
    print("| traffic | count |")
    print("|---|---:|")
    for k, v in counts.items():
        print(f"| {k} | {v} |")
    print()
    start, end, peak = samples[0][1], samples[-1][1], max(r for _, r in samples)
    print(f"RSS start {mib(start)} MiB, end {mib(end)} MiB, peak {mib(peak)} MiB")
    print("stats: " + json.dumps(stats))


if __name__ == "__main__":
    main()

"""Full contacts sync through messenger_connect vs a plain-Python client (httpx + json)
doing the same requests, and vs the Rust core (its time passed in by bench.sh); a
program that prints Markdown tables, not a timed test. Run it through bench.sh:

    bash bindings-python/bench/bench.sh

    python bench/bench_sync.py --url URL --mode compare [--contacts 100000] [--runs 3]
        [--core-seconds S]
    python bench/bench_sync.py --url URL --mode rss [--contacts 1000000]

The mock server is another process (started by bench.sh), reset here to 1 user × N
contacts. Every variant makes the same requests: GET /v1/me/contacts/delta?$top=1000,
then each @odata.nextLink until the page with @odata.deltaLink; every change is touched
the same way (removed? id, ETag, display name: what a sync job stores). Variants run
interleaved after a warm-up each; the table shows medians, the spread (min–max) and the
CPU time of this (client) process per run (``resource.getrusage``: user + system, all
threads, the binding's Rust runtime included; the mock's CPU is not in it).

`rss` streams the whole round through ``contacts.delta()`` keeping nothing and prints
this process's peak RSS (VmHWM) before, after 100,000 contacts and at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import time
import urllib.request
from typing import Any, Callable, Dict, List, Optional, Tuple

import httpx

from messenger_connect import AsyncClient, Client

PAGE = 1000


def control(url: str, path: str, body: Dict[str, Any]) -> Any:
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=600) as resp:
        return json.loads(resp.read())


def setup(url: str, contacts: int) -> Tuple[str, Dict[str, Any]]:
    """Test setup through the mock's control plane: reset to 1 user × `contacts`, an app,
    a day-long token. Returns the app's client id and the token set."""
    reset = control(url, "/_mock/reset", {"seed": 1, "users": 1, "contactsPerUser": contacts,
                                          "rateLimit": {"limit": 1_000_000_000, "windowSeconds": 60}})
    user = reset["users"][0]["id"]
    app = control(url, "/_mock/clients", {"name": "bench", "public": False, "scopes": ["contacts.read"]})
    minted = control(url, "/_mock/tokens", {"userId": user, "clientId": app["clientId"],
                                            "scopes": ["contacts.read"], "expiresIn": 86400})
    return app["clientId"], {"accessToken": minted["access_token"], "tokenType": "Bearer",
                             "scopes": ["contacts.read"]}


def peak_rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds() -> float:
    """CPU time (user + system) of this process so far, every thread included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def binding(client: Client) -> int:
    """The binding's delta stream (native Contact objects, next page prefetched)."""
    n = 0
    for change in client.contacts.delta(page_size=PAGE):
        if change.removed:
            continue
        c = change.item
        assert c is not None
        if c.id and c.etag and c.display_name:
            n += 1
    return n


def binding_async(client: AsyncClient) -> int:
    async def go() -> int:
        n = 0
        async for change in client.contacts.delta(page_size=PAGE):
            if change.removed:
                continue
            c = change.item
            assert c is not None
            if c.id and c.etag and c.display_name:
                n += 1
        return n

    return asyncio.run(go())


def plain(http: httpx.Client, url: str) -> int:
    """The plain-Python client: httpx, json, the same requests and the same touches."""
    n = 0
    link: Optional[str] = f"{url}/v1/me/contacts/delta?$top={PAGE}"
    while link:
        page = json.loads(http.get(link).raise_for_status().content)
        for item in page["value"]:
            if "@removed" in item:
                continue
            if item["id"] and item.get("@odata.etag") and item["displayName"]:
                n += 1
        link = page.get("@odata.nextLink")
        if link is None:
            assert page["@odata.deltaLink"]
    return n


def compare(args: argparse.Namespace) -> None:
    client_id, tokens = setup(args.url, args.contacts)
    client = Client(args.url, client_id=client_id, tokens=tokens)
    aclient = AsyncClient(args.url, client_id=client_id, tokens=tokens)
    http = httpx.Client(headers={"Authorization": f"Bearer {tokens['accessToken']}"}, timeout=600)
    variants: Dict[str, Callable[[], int]] = {
        "binding: `for ch in client.contacts.delta(page_size=1000)`": lambda: binding(client),
        "binding: `async for` over `AsyncClient.contacts.delta(...)`": lambda: binding_async(aclient),
        "plain Python: httpx + json.loads, follow @odata.nextLink": lambda: plain(http, args.url),
    }
    times: Dict[str, List[float]] = {k: [] for k in variants}
    cpu: Dict[str, List[float]] = {k: [] for k in variants}
    for run in range(args.runs + 1):  # run 0: warm-up
        for name, fn in variants.items():
            c0 = cpu_seconds()
            t0 = time.perf_counter()
            n = fn()
            elapsed = time.perf_counter() - t0
            used = cpu_seconds() - c0
            assert n == args.contacts, f"{name}: {n} contacts"
            if run:
                times[name].append(elapsed)
                cpu[name].append(used)
            print(f"{'warm-up' if run == 0 else 'run'} {name}: {elapsed:.2f} s", flush=True)
    baseline = "plain Python: httpx + json.loads, follow @odata.nextLink"
    plain_s, plain_cpu = statistics.median(times[baseline]), statistics.median(cpu[baseline])
    core = args.core_seconds
    print(f"\n1 user × {args.contacts:,} contacts, pages of {PAGE}, median of {args.runs} runs\n")
    print(
        "| variant | median s | spread s (min–max) | contacts/s | speed-up vs plain Python"
        " | time vs Rust core | client CPU s | CPU vs plain Python |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    rows = [(k, ts, cpu[k]) for k, ts in times.items()]
    if core:
        rows.append(("Rust core: `Client::contacts_delta` (core/examples/bench_sync.rs)", [core], []))
    for name, ts, cs in rows:
        m = statistics.median(ts)
        vs_core = f"{m / core:.2f}×" if core else "n/a"
        c = statistics.median(cs) if cs else None
        cpu_cols = f"{c:.2f} | {plain_cpu / c:.2f}× less" if c else "(own process) | n/a"
        print(
            f"| {name} | {m:.3f} | {min(ts):.2f}–{max(ts):.2f} | {args.contacts / m:,.0f}"
            f" | {plain_s / m:.2f}× | {vs_core} | {cpu_cols} |"
        )
    http.close()
    client.close()
    aclient.close()


def rss(args: argparse.Namespace) -> None:
    client_id, tokens = setup(args.url, args.contacts)
    with Client(args.url, client_id=client_id, tokens=tokens) as client:
        before = peak_rss_mib()
        at_100k = float("nan")
        n = 0
        t0 = time.perf_counter()
        for change in client.contacts.delta(page_size=PAGE):
            if not change.removed:
                c = change.item
                assert c is not None and c.id
            n += 1
            if n == 100_000:
                at_100k = peak_rss_mib()
        elapsed = time.perf_counter() - t0
    assert n == args.contacts, n
    print(f"\nstreamed {n:,} contacts in {elapsed:.1f} s ({n / elapsed:,.0f} contacts/s), nothing kept\n")
    print("| streamed | peak RSS of the Python process (VmHWM) |")
    print("|---:|---:|")
    print(f"| 0 (before) | {before:.1f} MiB |")
    print(f"| 100,000 | {at_100k:.1f} MiB |")
    print(f"| {n:,} | {peak_rss_mib():.1f} MiB |")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--mode", choices=("compare", "rss"), default="compare")
    p.add_argument("--contacts", type=int, default=0)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--core-seconds", type=float, default=0.0,
                   help="the Rust core's median for the same sync, measured in the same run")
    args = p.parse_args()
    args.url = args.url.rstrip("/")
    if not args.contacts:
        args.contacts = 1_000_000 if args.mode == "rss" else 100_000
    compare(args) if args.mode == "compare" else rss(args)


if __name__ == "__main__":
    main()

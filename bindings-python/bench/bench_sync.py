"""Full contacts sync: messenger_connect vs a bare httpx loop (the floor of a pure-Python
client), against an in-process mock server (its own Rust threads, no GIL).

    .venv/bin/pip install httpx==0.28.1
    .venv/bin/python bindings-python/bench/bench_sync.py [--contacts 20000] [--runs 3]

Variants, each run after a warm-up, interleaved, median of the runs:
- client.contacts.sync(): typed Contact models, prefetching delta stream (Rust);
- client.contacts.delta(): the same, iterated item by item;
- httpx: GET the delta endpoint, follow @odata.nextLink, json() each page into dicts.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable, Dict, List

import httpx

from messenger_connect.testing import MockServer


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--contacts", type=int, default=20000)
    p.add_argument("--page", type=int, default=1000)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()

    print(f"seeding 1 user x {args.contacts} contacts ...", flush=True)
    with MockServer(users=1, contacts_per_user=args.contacts) as mock:
        client = mock.client()
        token = mock.mint_token(0).access_token
        http = httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60)

        def sync_helper() -> int:
            return len(client.contacts.sync().upserts)

        def delta_iter() -> int:
            return sum(1 for _ in client.contacts.delta(page_size=args.page))

        def httpx_floor() -> int:
            n = 0
            url: str | None = f"{mock.url}/v1/me/contacts/delta?$top={args.page}"
            while url:
                page = http.get(url).raise_for_status().json()
                n += len(page["value"])
                url = page.get("@odata.nextLink")
            return n

        # sync() uses the server's default page size; compare at the same size.
        variants: Dict[str, Callable[[], int]] = {
            "client.contacts.delta() (typed, prefetch)": delta_iter,
            "client.contacts.sync() (typed)": sync_helper,
            "httpx + json() (floor)": httpx_floor,
        }
        times: Dict[str, List[float]] = {k: [] for k in variants}
        for name, fn in variants.items():  # warm-up
            assert fn() == args.contacts, name
        for _ in range(args.runs):
            for name, fn in variants.items():
                t0 = time.perf_counter()
                n = fn()
                times[name].append(time.perf_counter() - t0)
                assert n == args.contacts
        floor = statistics.median(times["httpx + json() (floor)"])
        print(f"\n| variant | median s | contacts/s | vs httpx |\n|---|---:|---:|---:|")
        for name, ts in times.items():
            m = statistics.median(ts)
            print(f"| {name} | {m:.2f} | {args.contacts / m:,.0f} | {m / floor:.2f}x |")
        http.close()
        client.close()


if __name__ == "__main__":
    main()

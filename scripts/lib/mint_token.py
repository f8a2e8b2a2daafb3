#!/usr/bin/env python3
"""Mints a bearer token with every scope through the mock's control plane.

Usage: mint_token.py BASE_URL [--user-index N]

Creates a confidential OAuth client allowed every scope of the discovery document
(POST /_mock/clients), picks a user (GET /_mock/users) and mints a token for it
(POST /_mock/tokens). Prints the access token, and nothing else, on stdout.
Python standard library only.
"""

import argparse
import json
import sys
import urllib.request


def call(method, url, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("--user-index", type=int, default=0)
    parser.add_argument("--name", default="contract")
    args = parser.parse_args()
    base = args.base_url.rstrip("/")

    scopes = call("GET", base + "/.well-known/openid-configuration")["scopes_supported"]
    client = call(
        "POST",
        base + "/_mock/clients",
        {
            "name": args.name,
            "redirectUris": ["http://127.0.0.1/cb"],
            "public": False,
            "scopes": scopes,
        },
    )
    users = call("GET", base + "/_mock/users")["users"]
    if not users:
        sys.exit("mint_token.py: the mock server has no users")
    user = users[args.user_index]
    token = call(
        "POST",
        base + "/_mock/tokens",
        {"userId": user["id"], "clientId": client["clientId"], "scopes": scopes},
    )
    print(
        f"minted a token for user {user['id']}, client {client['clientId']}, "
        f"{len(scopes)} scopes: {' '.join(scopes)}",
        file=sys.stderr,
    )
    print(token["access_token"])


if __name__ == "__main__":
    main()

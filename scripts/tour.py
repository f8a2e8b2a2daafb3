#!/usr/bin/env python3
"""A scripted tour of a running Messenger Connect mock server.

Usage: tour.py BASE_URL

Walks through what an app does: discovery, a client, sign-in by the authorization-code
flow with PKCE, the profile, an OData contacts query with paging, delta sync, changes seen
through the delta link, refresh-token rotation, and the request journal with its secrets
redacted. Prints what happens; exits non-zero as soon as the server does not behave as the
contract says. Python standard library only. Secrets are printed as their first 6
characters and an ellipsis.
"""

import base64
import hashlib
import json
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE = ""
REDIRECT_URI = "http://127.0.0.1/cb"
SEEN_SECRETS = {}  # label -> value, checked against the journal at the end


class TourError(Exception):
    pass


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # hand the 3xx back to the caller


OPENER = urllib.request.build_opener(NoRedirect)


class Response:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw

    def json(self):
        return json.loads(self.raw) if self.raw else None


def url_of(path_or_url):
    return urllib.parse.urljoin(BASE + "/", path_or_url)


def call(method, path_or_url, *, token=None, body=None, form=None, basic=None, headers=None):
    """One HTTP request; returns a Response whatever the status."""
    req = urllib.request.Request(url_of(path_or_url), method=method)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if basic:
        # RFC 6749 §2.3.1: form-encode id and secret, then Basic.
        pair = ":".join(urllib.parse.quote(x, safe="") for x in basic)
        req.add_header("Authorization", "Basic " + base64.b64encode(pair.encode()).decode())
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with OPENER.open(req, data=data, timeout=30) as resp:
            return Response(resp.status, resp.headers, resp.read())
    except urllib.error.HTTPError as e:
        return Response(e.code, e.headers, e.read())


def expect(resp, *statuses, what):
    if resp.status not in statuses:
        raise TourError(f"{what}: expected {statuses}, got {resp.status}: {resp.raw[:500]!r}")
    return resp


def short(secret):
    return (secret or "")[:6] + "…"


def keep(label, value):
    if value:
        SEEN_SECRETS[label] = value
    return value


def step(n, title):
    print(f"\n--- {n}. {title}")


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jwt_claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def names(items):
    return ", ".join(c.get("displayName", "?") for c in items)


def tour():
    step(1, "discovery: GET /.well-known/openid-configuration")
    disco = expect(call("GET", "/.well-known/openid-configuration"), 200, what="discovery").json()
    for key in ("issuer", "authorization_endpoint", "token_endpoint", "userinfo_endpoint",
                "jwks_uri", "code_challenge_methods_supported"):
        print(f"  {key}: {disco.get(key)}")
    scopes = disco["scopes_supported"]
    print(f"  scopes_supported ({len(scopes)}): {' '.join(scopes)}")

    step(2, "register an app: POST /_mock/clients")
    client = expect(call("POST", "/_mock/clients", body={
        "name": "Tour", "redirectUris": [REDIRECT_URI], "public": False, "scopes": scopes,
    }), 201, 200, what="create client").json()
    client_id = client["clientId"]
    client_secret = keep("client secret", client["clientSecret"])
    print(f"  clientId {client_id}, clientSecret {short(client_secret)}")

    step(3, "sign a user in: consent, then authorization code + PKCE (prompt=none)")
    user = expect(call("GET", "/_mock/users"), 200, what="users").json()["users"][0]
    print(f"  user {user['id']} ({user['displayName']}, {user['email']})")
    want = ["openid", "profile", "email", "offline_access", "contacts.read", "contacts.write"]
    expect(call("POST", "/_mock/consents", body={
        "userId": user["id"], "clientId": client_id, "scopes": want,
    }), 204, 200, 201, what="consent")
    print(f"  POST /_mock/consents: the user has consented to {' '.join(want)}")
    verifier = keep("PKCE verifier", b64url(secrets.token_bytes(32)))
    challenge = b64url(hashlib.sha256(verifier.encode()).digest())
    state, nonce = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT_URI,
        "scope": " ".join(want), "state": state, "nonce": nonce, "code_challenge": challenge,
        "code_challenge_method": "S256", "prompt": "none", "login_hint": user["id"],
    })
    resp = expect(call("GET", "/oauth/authorize?" + query), 302, 303, what="authorize")
    location = resp.headers["Location"]
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    if "code" not in params:
        raise TourError(f"authorize redirected without a code: {params}")
    if params.get("state") != state:
        raise TourError("authorize returned another state")
    code = keep("authorization code", params["code"])
    print(f"  GET /oauth/authorize -> {resp.status}, Location {location.split('?')[0]}"
          f"?code={short(code)}&state=<ours>")

    step(4, "exchange the code: POST /oauth/token (client_secret_basic)")
    tokens = expect(call("POST", "/oauth/token", basic=(client_id, client_secret), form={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
    }), 200, what="code exchange").json()
    access = keep("access token", tokens["access_token"])
    refresh = keep("refresh token", tokens.get("refresh_token"))
    keep("id token", tokens.get("id_token"))
    print(f"  token_type {tokens['token_type']}, expires_in {tokens['expires_in']}, "
          f"scope {tokens['scope']!r}")
    print(f"  access_token {short(access)}, refresh_token {short(refresh)}")
    if tokens.get("id_token"):
        claims = jwt_claims(tokens["id_token"])
        print(f"  id_token claims: iss {claims.get('iss')}, sub {claims.get('sub')}, "
              f"aud {claims.get('aud')}, nonce matches: {claims.get('nonce') == nonce}")
    if not refresh:
        raise TourError("offline_access was granted but no refresh token came back")

    step(5, "who am I: GET /v1/me")
    me = expect(call("GET", "/v1/me", token=access), 200, what="me").json()
    emails = ", ".join(e.get("value", "?") for e in me.get("emails", []))
    print(f"  {me['id']}: {me['displayName']} <{emails}>, locale {me.get('locale')}, "
          f"presence {me.get('presence')}")

    step(6, "an OData query: contacts starting with A, by name, 5 a page, with the count")
    query = urllib.parse.urlencode({
        "$filter": "startswith(displayName,'A')", "$orderby": "displayName",
        "$top": "5", "$count": "true",
    })
    page = expect(call("GET", "/v1/me/contacts?" + query, token=access), 200,
                  what="contacts").json()
    print(f"  GET /v1/me/contacts?{urllib.parse.unquote(query)}")
    print(f"  @odata.count {page.get('@odata.count')}; page 1: {names(page['value'])}")
    next_link = page.get("@odata.nextLink")
    if next_link:
        page2 = expect(call("GET", next_link, token=access), 200, what="next page").json()
        print(f"  @odata.nextLink {next_link[:70]}…")
        print(f"  page 2: {names(page2['value'])}")
    else:
        print("  (no @odata.nextLink: everything fitted on one page)")

    step(7, "delta sync: GET /v1/me/contacts/delta, following nextLinks to the deltaLink")
    link, pages, items = "/v1/me/contacts/delta", 0, 0
    delta_link = None
    while link:
        body = expect(call("GET", link, token=access), 200, what="delta page").json()
        pages += 1
        items += len(body["value"])
        delta_link = body.get("@odata.deltaLink")
        link = body.get("@odata.nextLink")
    if not delta_link:
        raise TourError("the last delta page carries no @odata.deltaLink")
    print(f"  {items} contacts in {pages} page(s); deltaLink {delta_link[:70]}…")

    step(8, "change the address book: create, update (If-Match), delete")
    created = expect(call("POST", "/v1/me/contacts", token=access, body={
        "displayName": "Ada Tour", "name": {"givenName": "Ada", "familyName": "Tour"},
        "emails": [{"value": "ada.tour@example.com", "type": "home"}],
        "tags": ["tour"],
    }), 201, what="create contact").json()
    print(f"  POST   /v1/me/contacts -> 201 {created['id']} {created['displayName']}")
    firsts = expect(call("GET", "/v1/me/contacts?$top=3&$orderby=displayName",
                         token=access), 200, what="list").json()["value"]
    target, victim = [c for c in firsts if c["id"] != created["id"]][:2]
    resp = call("GET", f"/v1/me/contacts/{target['id']}", token=access)
    etag = expect(resp, 200, what="get contact").headers.get("ETag")
    resp = expect(call("PATCH", f"/v1/me/contacts/{target['id']}", token=access,
                       headers={"If-Match": etag}, body={"note": "met on the tour"}),
                  200, what="update contact")
    print(f"  PATCH  /v1/me/contacts/{target['id']} (If-Match {etag}) -> 200, "
          f"ETag now {resp.headers.get('ETag')}")
    stale = call("PATCH", f"/v1/me/contacts/{target['id']}", token=access,
                 headers={"If-Match": etag}, body={"note": "stale"})
    print(f"  PATCH  again with the old ETag -> {stale.status} "
          f"{(stale.json() or {}).get('error', {}).get('code')}")
    expect(stale, 412, what="stale If-Match")
    expect(call("DELETE", f"/v1/me/contacts/{victim['id']}", token=access), 204,
           what="delete contact")
    print(f"  DELETE /v1/me/contacts/{victim['id']} ({victim['displayName']}) -> 204")

    step(9, "what changed: GET the deltaLink")
    link, changes = delta_link, []
    while link:
        body = expect(call("GET", link, token=access), 200, what="delta changes").json()
        changes += body["value"]
        delta_link = body.get("@odata.deltaLink", delta_link)
        link = body.get("@odata.nextLink")
    for c in changes:
        if "@removed" in c:
            print(f"  removed {c['id']} ({c['@removed'].get('reason')})")
        else:
            print(f"  upsert  {c['id']} {c.get('displayName')!r} note={c.get('note')!r}")
    got = {c["id"] for c in changes}
    missing = {created["id"], target["id"], victim["id"]} - got
    if missing:
        raise TourError(f"the delta link did not report {missing}")

    step(10, "refresh the token (rotation): POST /oauth/token grant_type=refresh_token")
    renewed = expect(call("POST", "/oauth/token", basic=(client_id, client_secret), form={
        "grant_type": "refresh_token", "refresh_token": refresh,
    }), 200, what="refresh").json()
    access2 = keep("access token 2", renewed["access_token"])
    refresh2 = keep("refresh token 2", renewed.get("refresh_token"))
    print(f"  new access_token {short(access2)}, new refresh_token {short(refresh2)} "
          f"(rotated: {refresh2 != refresh})")
    if not refresh2 or refresh2 == refresh:
        raise TourError("the refresh token was not rotated")
    expect(call("GET", "/v1/me", token=access2), 200, what="me with the new token")
    print("  GET /v1/me with the new access token -> 200")
    replay = call("POST", "/oauth/token", basic=(client_id, client_secret), form={
        "grant_type": "refresh_token", "refresh_token": refresh,
    })
    print(f"  replaying the retired refresh token -> {replay.status} "
          f"{(replay.json() or {}).get('error')}")
    expect(replay, 400, 401, what="refresh token reuse")
    after = call("GET", "/v1/me", token=access2)
    print(f"  ...which revokes the whole grant: GET /v1/me with the new token -> {after.status}")
    expect(after, 401, what="token after family revocation")

    step(11, "the request journal: GET /_mock/requests")
    # A client that wrongly puts a secret in a query string: the journal must redact it.
    call("GET", "/oauth/userinfo?" + urllib.parse.urlencode({"access_token": access}))
    journal = expect(call("GET", "/_mock/requests"), 200, what="journal")
    entries = journal.json()["requests"]
    print(f"  {len(entries)} requests recorded; the OAuth ones:")
    for e in entries:
        if e["path"].startswith("/oauth/"):
            extra = {k: e[k] for k in ("grantType", "clientId", "userId") if e.get(k)}
            q = {k: v for k, v in e["query"].items() if k in ("access_token", "code",
                                                               "client_id", "prompt")}
            print(f"    {e['method']:4} {e['path']:18} {e['status']} {q} {extra}")
    text = journal.raw.decode()
    leaked = [label for label, value in SEEN_SECRETS.items() if value in text]
    if leaked:
        raise TourError(f"secrets leaked into the journal: {leaked}")
    print(f"  none of the {len(SEEN_SECRETS)} secrets of this tour "
          f"({', '.join(SEEN_SECRETS)}) appears in the journal; "
          f"[REDACTED] appears {text.count('[REDACTED]')} time(s)")


def main():
    global BASE
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    BASE = sys.argv[1].rstrip("/")
    print(f"Messenger Connect tour of {BASE}")
    try:
        tour()
    except (TourError, KeyError, IndexError, urllib.error.URLError) as e:
        print(f"\ntour FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
    print("\ntour OK")


if __name__ == "__main__":
    main()

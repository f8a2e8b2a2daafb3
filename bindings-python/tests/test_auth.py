from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from typing import List

import pytest

from messenger_connect import AuthError, Client, OAuthError, TokenSet
from messenger_connect.testing import MockServer

from .conftest import api_requests, fp

REDIRECT = "http://127.0.0.1:9/callback"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _location(url: str) -> str:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(url, timeout=30)
    except urllib.error.HTTPError as e:
        assert e.code in (302, 303)
        return str(e.headers["Location"])
    raise AssertionError("no redirect")


def test_code_flow_with_prior_consent(mock_server: MockServer) -> None:
    app = mock_server.app
    user = mock_server.users[1]
    scopes = ["openid", "profile", "offline_access", "contacts.read"]
    mock_server.grant_consent(user, scopes, app=app)
    seen: List[TokenSet] = []
    with Client(mock_server.url, client_id=app.client_id, client_secret=app.client_secret,
                redirect_uri=REDIRECT, on_tokens=seen.append) as c:
        mock_server.clear_requests()
        request = c.authorization_url(scopes, prompt="none", login_hint=user.id)
        assert api_requests(mock_server) == []
        assert request.url.startswith(mock_server.url + "/oauth/authorize?")
        assert "code_challenge=" in request.url and request.state in request.url
        assert request.to_dict()["codeVerifier"] not in repr(request)
        tokens = c.exchange_code(request, _location(request.url))
        assert tokens.refresh_token and "openid" in tokens.scopes
        assert [fp(t.access_token) for t in seen] == [fp(tokens.access_token)]
        assert c.me().id == user.id
        assert c.userinfo().sub == user.id
        info = c.introspect_token(tokens.access_token, hint="access_token")
        assert info.active
        perms = c.permissions()
        assert perms.client_id == app.client_id and "contacts.read" in perms.scopes


def test_state_mismatch_is_oauth_error(mock_server: MockServer) -> None:
    with mock_server.client(redirect_uri=REDIRECT) as c:
        request = c.authorization_url(["profile"])
        with pytest.raises(OAuthError) as info:
            c.exchange_code(request, REDIRECT + "?code=abc&state=wrong")
    assert info.value.code == "state_mismatch"
    assert isinstance(info.value, AuthError)


def test_revoke_token(mock_server: MockServer) -> None:
    with mock_server.client(scopes=["profile"]) as c:
        tokens = c.tokens
        assert tokens is not None
        c.revoke_token(tokens.access_token)
        assert not c.introspect_token(tokens.access_token).active
        with pytest.raises(AuthError):
            c.me()


def test_revoke_permissions_disconnects(mock_server: MockServer) -> None:
    with mock_server.client() as c:
        c.drop_scope("contacts.write")
        assert "contacts.write" not in c.permissions().scopes
        c.revoke_permissions()
        with pytest.raises(AuthError):
            c.me()


def test_device_flow_pending(mock_server: MockServer) -> None:
    app = mock_server.app
    with Client(mock_server.url, client_id=app.client_id, client_secret=app.client_secret) as c:
        device = c.start_device_authorization(["profile"])
        assert device.user_code and device.verification_uri
        assert device.to_dict()["device_code"] not in repr(device)
        poll = c.poll_device_token_once(device)
        assert poll.status == "pending" and poll.tokens is None


def test_client_credentials(mock_server: MockServer) -> None:
    app = mock_server.app
    with Client(mock_server.url, client_id=app.client_id, client_secret=app.client_secret) as c:
        tokens = c.client_credentials([])
        assert tokens.access_token and tokens.refresh_token is None


def test_batch(client: Client) -> None:
    responses = client.batch([
        {"id": "me", "method": "GET", "url": "/me"},
        {"id": "few", "method": "GET", "url": "/me/contacts?$top=2", "depends_on": ["me"]},
        {"id": "missing", "method": "GET", "url": "/me/contacts/c_none"},
    ])
    assert [r.id for r in responses] == ["me", "few", "missing"]
    assert [r.status for r in responses] == [200, 200, 404]
    assert len(responses[1].body["value"]) == 2
    assert not responses[2].ok
    with pytest.raises(ValueError):
        client.batch([{"id": str(i), "method": "GET", "url": "/me"} for i in range(21)])


def test_async_auth(mock_server: MockServer) -> None:
    async def main() -> None:
        async with mock_server.async_client() as c:
            assert (await c.userinfo()).sub == mock_server.users[0].id
            assert (await c.permissions()).scopes
            out = await c.batch([{"id": "1", "method": "GET", "url": "/me/status"}])
            assert out[0].status == 200

    asyncio.run(main())

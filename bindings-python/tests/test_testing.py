"""``messenger_connect.testing.MockServer``'s control plane: a thin layer over the mock
crate's ``Control::call`` (the same operations, by name, as every binding's testing
module), checked through what each operation changes on the real server."""

from __future__ import annotations

import pytest

from messenger_connect import AuthError, Client, NotFoundError
from messenger_connect.testing import MockControlError, MockServer


def test_call_refusals_are_mock_control_errors(mock_server: MockServer) -> None:
    with pytest.raises(MockControlError) as info:
        mock_server.call("noSuchOperation")
    assert info.value.status == 400 and info.value.target == "op"
    with pytest.raises(MockControlError) as info:
        mock_server.remove_fault("f_missing")
    assert info.value.status == 404


def test_faults_listed_removed_and_cleared(mock_server: MockServer) -> None:
    first = mock_server.add_fault(status=404, path="/v1/me", method="GET")
    second = mock_server.add_fault(status=503, path="/v1/me/status", method="GET")
    assert {f["id"] for f in mock_server.faults()} == {first, second}
    with mock_server.client() as c:
        with pytest.raises(NotFoundError):
            c.me()
        mock_server.remove_fault(first)
        assert [f["id"] for f in mock_server.faults()] == [second]
        assert c.me().id == mock_server.users[0].id
    mock_server.clear_faults()
    assert mock_server.faults() == []


def test_reset_clock_stats_and_journal(mock_server: MockServer) -> None:
    with mock_server.client() as c:
        c.contacts.create("Made Before Reset")
        assert c.me().id
    assert mock_server.requests(method="GET", path="/v1/me")
    before = mock_server.clock()
    mock_server.advance_clock(3600)
    assert mock_server.clock() > before
    assert mock_server.stats()["journal"]["entries"] > 0
    users = mock_server.reset()
    assert [u.id for u in users] == [u.id for u in mock_server.users]
    with mock_server.client() as c:  # a new default app after the reset
        names = [x.display_name for x in c.contacts.list()]
    assert "Made Before Reset" not in names and len(names) == 50


def test_device_approved_and_denied(mock_server: MockServer) -> None:
    app = mock_server.app
    with Client(mock_server.url, client_id=app.client_id, client_secret=app.client_secret) as c:
        device = c.start_device_authorization(["profile"])
        mock_server.approve_device(device.user_code, 1)
        poll = c.poll_device_token_once(device)
        assert poll.status == "complete" and poll.tokens is not None and poll.tokens.access_token
        assert c.me().id == mock_server.users[1].id
        denied = c.start_device_authorization(["profile"])
        mock_server.deny_device(denied.user_code, 1)
        with pytest.raises(AuthError) as info:
            c.poll_device_token_once(denied)
        assert info.value.code == "access_denied"


def test_invitation_accepted_makes_friends(mock_server: MockServer) -> None:
    invitee = mock_server.users[1]
    with mock_server.client(0) as c:
        assert invitee.id not in [f.id for f in c.friends.list()]
        invitation = c.invitations.create(email=invitee.email)
        mock_server.accept_invitation(invitation.id)
        assert invitee.id in [f.id for f in c.friends.list()]


def test_consent_lets_prompt_none_authorize(mock_server: MockServer) -> None:
    with pytest.raises(MockControlError) as info:
        mock_server.grant_consent("u_missing", ["profile"])
    assert info.value.status in (400, 404)
    mock_server.grant_consent(0, ["openid", "profile"])
    app = mock_server.app
    with Client(mock_server.url, client_id=app.client_id, client_secret=app.client_secret,
                redirect_uri="http://127.0.0.1:9/callback") as c:
        request = c.authorization_url(["openid", "profile"], prompt="none",
                                      login_hint=mock_server.users[0].email)
        landed = mock_server.authorize(request.url)
        assert "code=" in landed
        tokens = c.exchange_code(request, landed)
        assert tokens.access_token and c.me().id == mock_server.users[0].id


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def test_a_helper_for_every_control_operation(mock_server: MockServer) -> None:
    with pytest.raises(MockControlError) as info:
        mock_server.call("noSuchOperation")
    known = str(info.value).split("known:", 1)[1].split("(", 1)[0]
    ops = [op.strip() for op in known.split(",")]
    assert len(ops) >= 20, ops
    missing = [op for op in ops if not hasattr(mock_server, _snake(op))]
    assert missing == [], f"operations without a helper: {missing}"


def test_users_settings_and_events(mock_server: MockServer) -> None:
    added = mock_server.create_user("Ada Test", "ada@test.example", "pw-123456")
    assert added.id in [u.id for u in mock_server.users]
    grace = mock_server.settings().get("refreshTokenReuseGraceSeconds") or 0
    assert mock_server.update_settings(refreshTokenReuseGraceSeconds=grace + 7)["refreshTokenReuseGraceSeconds"] == grace + 7
    frame = mock_server.publish_event(0, "custom.test", {"n": 1})
    log = mock_server.events(0)
    assert log["seq"] == frame["seq"] and log["events"][-1]["type"] == "custom.test"
    assert mock_server.events(0, since=frame["seq"])["events"] == []

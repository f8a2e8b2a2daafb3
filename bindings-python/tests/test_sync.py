from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, List

import pytest

from messenger_connect import (
    ApiError,
    AuthError,
    Client,
    Contact,
    Filter,
    InternalError,
    InvalidArgumentError,
    Me,
    MessengerConnectError,
    NotFoundError,
    PreconditionFailedError,
    ResyncRequiredError,
    TokenSet,
    ValidationError,
    _native,
)
from messenger_connect.testing import MockServer

from .conftest import api_requests, fp


# ----------------------------------------------------------------- profile, status


def test_me(mock_server: MockServer, client: Client) -> None:
    me = client.me()
    assert isinstance(me, Me)
    user = mock_server.users[0]
    assert me.id == user.id
    assert me.display_name == user.display_name
    assert me.to_dict()["displayName"] == user.display_name
    assert [e.value for e in me.emails] == [user.email]


def test_update_me(client: Client) -> None:
    me = client.update_me(display_name="Renamed Person", given_name="Renamed")
    assert me.display_name == "Renamed Person"
    assert me.name.given_name == "Renamed"
    assert client.me().display_name == "Renamed Person"


def test_status_round_trip(client: Client) -> None:
    status = client.set_status("Out for lunch", presence="away")
    assert status.message == "Out for lunch"
    assert status.presence == "away"
    assert status.updated is not None
    again = client.status()
    assert again.message == "Out for lunch"


def test_user_public_profile(mock_server: MockServer, client: Client) -> None:
    other = mock_server.users[1]
    profile = client.user(other.id)
    assert profile.id == other.id
    assert profile.display_name == other.display_name


# ----------------------------------------------------------------------- errors


def test_not_found_has_fields(client: Client) -> None:
    with pytest.raises(NotFoundError) as info:
        client.contacts.get("c_does_not_exist")
    e = info.value
    assert isinstance(e, ApiError) and isinstance(e, MessengerConnectError)
    assert e.status == 404
    assert e.code == "notFound"
    assert e.request_id
    assert e.message


def test_bad_token_is_auth_error_without_secret(mock_server: MockServer) -> None:
    with Client(mock_server.url, access_token="at_not_a_real_token_123") as c:
        with pytest.raises(AuthError) as info:
            c.me()
    assert info.value.status == 401
    assert "at_not_a_real_token_123" not in str(info.value)
    assert "at_not_a_real_token_123" not in repr(info.value)


def test_missing_scope_is_auth_error(mock_server: MockServer) -> None:
    with mock_server.client(scopes=["profile"]) as c:
        with pytest.raises(AuthError) as info:
            list(c.contacts.list())
    assert info.value.status == 403


def test_validation_error_names_target(client: Client) -> None:
    with pytest.raises(ValidationError) as info:
        client.update_me(display_name="")
    assert info.value.status == 400
    assert info.value.code == "validationFailed"
    assert info.value.target == "displayName"


def test_core_checks_are_value_errors(mock_server: MockServer, client: Client) -> None:
    mock_server.clear_requests()
    with pytest.raises(InvalidArgumentError) as info:
        client.activities.create("Note", content="x", url="ftp://example.com/file")
    assert isinstance(info.value, ValueError)
    assert info.value.target == "url"
    assert api_requests(mock_server) == []


def test_panic_becomes_exception() -> None:
    with pytest.raises(InternalError) as info:
        _native._debug_panic()
    assert "debug panic" in str(info.value)
    assert isinstance(info.value, MessengerConnectError)


def test_closed_client_refuses_calls(mock_server: MockServer) -> None:
    c = mock_server.client()
    with c:
        assert c.me().id
    with pytest.raises(MessengerConnectError):
        c.me()


# ------------------------------------------------------------------- invalid args


def test_invalid_arguments_fail_before_any_request(mock_server: MockServer, client: Client) -> None:
    mock_server.clear_requests()
    with pytest.raises(ValueError):
        client.contacts.list(top=0)
    with pytest.raises(ValueError):
        client.contacts.list(top=1001)
    with pytest.raises(TypeError):
        client.contacts.list(top="10")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.contacts.list(filter="displayName eq 'x'")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        client.contacts.list(orderby="displayName sideways")
    with pytest.raises(ValueError):
        client.contacts.list(select=["not a field"])
    with pytest.raises(TypeError):
        client.contacts.get(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        client.contacts.get("")
    with pytest.raises(ValueError):
        client.contacts.create("   ")
    with pytest.raises(TypeError):
        client.contacts.create("Ann", emails=[42])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        client.set_status(presence="sleepy")
    with pytest.raises(ValueError):
        client.set_status()
    with pytest.raises(TypeError):
        Filter.eq("displayName", object())  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        client.contacts.sync(delta_link="https://elsewhere.example.com/v1/me/contacts/delta")
    with pytest.raises(ValueError):
        client.conversations.send("conv", "")
    with pytest.raises(InvalidArgumentError):
        client.contacts.list(search=" ")
    with pytest.raises(ValueError):
        Client("ftp://example.com")
    assert api_requests(mock_server) == []


# ---------------------------------------------------------------- contacts, paging


def test_pagination_yields_every_item_once(client: Client) -> None:
    listing = client.contacts.list(top=7)
    ids = [c.id for c in listing]
    assert len(ids) == 50
    assert len(set(ids)) == 50
    assert listing.next_link is None
    assert all(isinstance(c, Contact) for c in client.contacts.list(top=50))


def test_pages(client: Client) -> None:
    pages = list(client.contacts.list(top=20).pages())
    assert [len(p.items) for p in pages] == [20, 20, 10]
    assert pages[0].next_link is not None
    assert pages[-1].next_link is None
    assert all(isinstance(c, Contact) for p in pages for c in p.items)


def test_resume_from_next_link(client: Client) -> None:
    pages = client.contacts.pages(top=10, orderby="displayName")
    first = next(pages)
    link = first.next_link
    assert link is not None
    rest = [c.id for c in client.contacts.resume(link)]
    all_ids = [c.id for c in client.contacts.list(top=10, orderby="displayName")]
    assert [c.id for c in first.items] + rest == all_ids


def test_filter_orderby_select(client: Client) -> None:
    everyone = list(client.contacts.list(orderby="displayName"))
    names = [c.display_name for c in everyone]
    assert names == sorted(names, key=str.lower) or names == sorted(names)
    prefix = names[0][:2]
    matching = list(client.contacts.list(filter=Filter.startswith("displayName", prefix)))
    assert matching
    assert all(c.display_name.lower().startswith(prefix.lower()) for c in matching)
    target = everyone[3]
    exact = list(client.contacts.list(filter=Filter.eq("displayName", target.display_name) & ~Filter.eq("id", "x")))
    assert target.id in [c.id for c in exact]
    slim = next(iter(client.contacts.list(select=["displayName"], top=1)))
    assert slim.display_name


def test_filter_escapes_quotes(client: Client) -> None:
    created = client.contacts.create("Miles O'Brien")
    found = list(client.contacts.list(filter=Filter.eq("displayName", "Miles O'Brien")))
    assert [c.id for c in found] == [created.id]


def test_contact_crud_with_etag(client: Client) -> None:
    created = client.contacts.create(
        "Ada Lovelace", given_name="Ada", family_name="Lovelace",
        emails=["ada@example.com"], tags=["math"], note="first",
    )
    assert created.display_name == "Ada Lovelace"
    assert created.name.family_name == "Lovelace"
    assert [e.value for e in created.emails] == ["ada@example.com"]
    got = client.contacts.get(created.id)
    assert got.id == created.id and got.etag
    updated = client.contacts.update(created.id, note="second", if_match=got.etag)
    assert updated.note == "second"
    with pytest.raises(PreconditionFailedError) as info:
        client.contacts.update(created.id, note="third", if_match=got.etag)
    assert info.value.status == 412
    client.contacts.delete(created.id)
    with pytest.raises(NotFoundError):
        client.contacts.get(created.id)


# ---------------------------------------------------------------------- delta sync


def test_delta_sync_and_resume(mock_server: MockServer, client: Client) -> None:
    first = client.contacts.sync()
    assert len(first.upserts) == 50
    assert first.removed == []
    link = first.delta_link
    assert link

    added = client.contacts.create("New Person")
    gone = first.upserts[0].id
    client.contacts.delete(gone)

    # Resume from the stored link with another client (as a job would after a restart).
    with mock_server.client() as later:
        second = later.contacts.sync(link)
    assert [c.id for c in second.upserts] == [added.id]
    assert second.removed == [gone]
    third = client.contacts.sync(second.delta_link)
    assert third.upserts == [] and third.removed == []


def test_delta_iterator(client: Client) -> None:
    changes = client.contacts.delta(page_size=15)
    items = list(changes)
    assert len(items) == 50 and not any(ch.removed for ch in items)
    assert all(ch.item is not None for ch in items)
    assert changes.delta_link is not None
    client.contacts.delete(items[0].id)
    again = list(client.contacts.delta(changes.delta_link))
    assert [(ch.id, ch.removed) for ch in again] == [(items[0].id, True)]


def test_resync_required_after_retention(mock_server: MockServer, client: Client) -> None:
    link = client.contacts.sync().delta_link
    client.contacts.create("Someone")
    mock_server.advance_clock(8 * 24 * 3600)
    # The access token expired too; the client refreshes it by itself.
    with pytest.raises(ResyncRequiredError) as info:
        client.contacts.sync(link)
    assert info.value.status == 410
    assert info.value.code == "resyncRequired"
    assert len(client.contacts.sync().upserts) == 51


# -------------------------------------------------------------------------- faults


@pytest.mark.parametrize("status,retry_after", [(503, None), (429, 0)])
def test_fault_is_retried(mock_server: MockServer, client: Client, status: int, retry_after: Any) -> None:
    mock_server.clear_requests()
    mock_server.add_fault("status", status=status, path="/v1/me", count=1, retry_after=retry_after)
    assert client.me().id == mock_server.users[0].id
    calls = [r for r in api_requests(mock_server) if r.get("path") == "/v1/me"]
    assert len(calls) == 2


def test_persistent_fault_surfaces(mock_server: MockServer) -> None:
    with mock_server.client(max_attempts=2) as c:
        mock_server.add_fault("status", status=503, path="/v1/me/status")
        with pytest.raises(ApiError) as info:
            c.status()
    assert info.value.status == 503


# ------------------------------------------------------------------------- tokens


def test_token_callback_receives_rotated_tokens(mock_server: MockServer) -> None:
    seen: List[TokenSet] = []
    with mock_server.client(on_tokens=seen.append) as c:
        before = c.tokens
        assert before is not None and before.refresh_token
        c.me()
        assert seen == []
        mock_server.advance_clock(2 * 3600)  # the access token expired
        assert c.me().id
        after = c.tokens
    assert len(seen) == 1
    assert after is not None
    assert fp(seen[0].access_token) == fp(after.access_token)
    assert fp(seen[0].access_token) != fp(before.access_token)
    assert seen[0].refresh_token and fp(seen[0].refresh_token) != fp(before.refresh_token)
    assert before.access_token not in repr(before)


def test_saved_tokens_restore(mock_server: MockServer) -> None:
    tokens = mock_server.mint_token(1)
    with Client(mock_server.url, tokens=tokens.to_dict()) as c:
        assert c.me().id == mock_server.users[1].id
    with Client(mock_server.url, access_token=tokens.access_token) as c:
        assert c.me().id == mock_server.users[1].id


def test_threads_share_a_client(client: Client) -> None:
    results: List[str] = []
    errors: List[BaseException] = []

    def work() -> None:
        try:
            results.append(client.me().id)
        except BaseException as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 8 and len(set(results)) == 1


# --------------------------------------------------------- friends, feed, chat, events


def test_friends(social_server: MockServer) -> None:
    with social_server.client() as c:
        friends = list(c.friends.list())
        assert len(friends) >= 2
        assert all(f.id and f.display_name for f in friends)
        assert sum(len(p.items) for p in c.friends.list(top=1).pages()) == len(friends)


def test_activities_and_feed(social_server: MockServer) -> None:
    with social_server.client() as c:
        posted = c.activities.create("Note", content="Hello from Python")
        assert posted.type == "Note" and posted.content == "Hello from Python"
        assert posted.actor.id == social_server.users[0].id
        feed = list(c.feed.list())
        assert feed[0].id == posted.id
        assert posted.id in [a.id for a in c.activities.list()]
        assert c.activities.get(posted.id).content == "Hello from Python"
        c.activities.delete(posted.id)
        with pytest.raises(NotFoundError):
            c.activities.get(posted.id)


def test_chat(social_server: MockServer) -> None:
    with social_server.client() as c:
        friend = next(iter(c.friends.list()))
        conv = c.conversations.create([friend.id])
        assert friend.id in [m.id for m in conv.members]
        again = c.conversations.create([friend.id])
        assert again.id == conv.id
        sent = c.conversations.send(conv.id, "hi there", client_message_id="m-1")
        replay = c.conversations.send(conv.id, "hi there", client_message_id="m-1")
        assert replay.id == sent.id
        msgs = list(c.conversations.messages(conv.id))
        assert [m.text for m in msgs] == ["hi there"]
        assert conv.id in [x.id for x in c.conversations.list()]


def test_chat_with_stranger_is_forbidden(mock_server: MockServer) -> None:
    with mock_server.client() as c:
        stranger = mock_server.users[1].id  # no friends in the default seed
        with pytest.raises(AuthError) as info:
            c.conversations.create([stranger])
    assert info.value.status == 403


def test_events(social_server: MockServer) -> None:
    with social_server.client() as c:
        with c.events() as events:
            c.set_status("Now live", presence="online")
            seen = []
            for event in events:
                seen.append(event.type)
                if event.type == "status.changed":
                    assert event.data["message"] == "Now live"
                    break
            assert events.last_seq is not None and events.last_seq >= 1
        assert "status.changed" in seen


def test_invitations(client: Client) -> None:
    inv = client.invitations.create(email="friend@example.com", message="join me")
    assert inv.status == "pending" and inv.email == "friend@example.com"
    assert inv.id in [i.id for i in client.invitations.list()]
    client.invitations.cancel(inv.id)


def test_blocking_call_inside_token_callback_raises_not_aborts(mock_server: MockServer) -> None:
    outcome: List[str] = []
    holder: List[Client] = []

    def callback(tokens: TokenSet) -> None:
        try:
            holder[0].me()
            outcome.append("returned")
        except InternalError:
            outcome.append("internal error")

    with mock_server.client(on_tokens=callback) as c:
        holder.append(c)
        mock_server.advance_clock(2 * 3600)
        assert c.me().id == mock_server.users[0].id
    assert outcome == ["internal error"]

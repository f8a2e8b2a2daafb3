"""``Client`` (blocking; the GIL is released while it waits) and ``AsyncClient``
(asyncio). Both wrap the same native client; all protocol logic is in the Rust core."""

from __future__ import annotations

from datetime import date, datetime
from types import TracebackType
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple, Type, TypeVar, Union

from . import _native
from ._args import EmailArg, check_id, check_str, contact_body
from ._iter import AsyncEventStream, AsyncIterator, EventStream, SyncIterator
from .errors import ConfigError, invalid_argument
from .models import (
    Activity,
    AuthorizationRequest,
    BatchResponse,
    DeviceAuthorization,
    DevicePoll,
    IdTokenClaims,
    Introspection,
    Permissions,
    PocoPage,
    UserInfo,
    Contact,
    Conversation,
    DeltaChange,
    DeltaResult,
    Event,
    Friend,
    Invitation,
    Me,
    Message,
    Model,
    Page,
    PublicProfile,
    Status,
    TokenSet,
)
from .query import Filter, query_dict

M = TypeVar("M", bound=Model)
TokensArg = Union[TokenSet, Mapping[str, Any]]
OrderBy = Union[str, Iterable[str], None]
Select = Union[str, Iterable[str], None]

_PRESENCE = ("online", "away", "busy", "invisible", "offline")
_HINTS = ("access_token", "refresh_token")
BatchItemArg = Mapping[str, Any]


def _scopes(scopes: Iterable[str]) -> list[str]:
    if isinstance(scopes, str):
        return scopes.split()
    out = list(scopes)
    for s in out:
        check_str("scopes[]", s, optional=False)
    return out


def _hint(hint: Optional[str]) -> Optional[str]:
    check_str("hint", hint)
    if hint is not None and hint not in _HINTS:
        raise invalid_argument("hint", "`hint` must be access_token or refresh_token")
    return hint


def _batch_items(items: Iterable[BatchItemArg]) -> list[Dict[str, Any]]:
    """``{"id", "method", "url", "headers"?, "body"?, "depends_on"?}`` → wire form."""
    out: list[Dict[str, Any]] = []
    for item in items:
        if not isinstance(item, Mapping):
            raise TypeError("each batch item must be a dict")
        wire = {k: v for k, v in item.items() if k != "depends_on"}
        if "depends_on" in item:
            wire["dependsOn"] = list(item["depends_on"])
        out.append(wire)
    return out


def _token_or_redirect(value: Any, name: str) -> None:
    check_str(name, value, optional=False)


def _model(cls: Type[M]) -> Callable[[Any], M]:
    return lambda raw: cls(raw)


def _page(cls: Type[M]) -> Callable[[Any], Page[M]]:
    return lambda raw: Page(raw, cls)


def _contact_page(raw: Any) -> Page[Contact]:
    # The items are native Contact objects already.
    return Page(raw, None)


def _change_page(raw: Any) -> Page[DeltaChange[Contact]]:
    # The items are native DeltaChange objects already.
    return Page(raw, None)


# Contacts and delta changes come out of the extension as native objects: no wrapping.
_CONTACT: Optional[Callable[[Any], Contact]] = None
_CHANGE: Optional[Callable[[Any], DeltaChange[Contact]]] = None


def _page_size(page_size: Optional[int]) -> None:
    if page_size is not None and (isinstance(page_size, bool) or not isinstance(page_size, int)):
        raise TypeError("`page_size` must be an int")
    if page_size is not None and not 1 <= page_size <= 1000:
        raise invalid_argument("page_size", "`page_size` must be 1 to 1000")


def _tokens_dict(tokens: Optional[TokensArg], access_token: Optional[str]) -> Optional[Dict[str, Any]]:
    if tokens is not None and access_token is not None:
        raise invalid_argument("tokens", "give `tokens` or `access_token`, not both")
    if access_token is not None:
        check_str("access_token", access_token)
        return TokenSet.bearer(access_token).to_dict()
    if tokens is None:
        return None
    if isinstance(tokens, TokenSet):
        return tokens.to_dict()
    if isinstance(tokens, Mapping):
        return dict(tokens)
    raise TypeError("`tokens` must be a TokenSet or a dict")


def _status_body(message: Optional[str], presence: Optional[str]) -> Dict[str, Any]:
    check_str("message", message)
    check_str("presence", presence)
    if message is None and presence is None:
        raise invalid_argument("message", "set_status needs `message` or `presence`")
    if presence is not None and presence not in _PRESENCE:
        raise invalid_argument("presence", f"`presence` must be one of {', '.join(_PRESENCE)}")
    body: Dict[str, Any] = {}
    if message is not None:
        body["message"] = message
    if presence is not None:
        body["presence"] = presence
    return body


def _me_body(
    display_name: Optional[str],
    given_name: Optional[str],
    family_name: Optional[str],
    photo: Optional[str],
    locale: Optional[str],
) -> Dict[str, Any]:
    body: Dict[str, Any] = {}
    for key, name, value in (
        ("displayName", "display_name", display_name),
        ("photo", "photo", photo),
        ("locale", "locale", locale),
    ):
        check_str(name, value)
        if value is not None:
            body[key] = value
    names: Dict[str, Any] = {}
    for key, name, value in (("givenName", "given_name", given_name), ("familyName", "family_name", family_name)):
        check_str(name, value)
        if value is not None:
            names[key] = value
    if names:
        body["name"] = names
    if not body:
        raise invalid_argument(None, "update_me needs at least one field to change")
    return body


def _activity_body(
    type: str, content: Optional[str], name: Optional[str], url: Optional[str], image_url: Optional[str]
) -> Dict[str, Any]:
    check_str("type", type, optional=False)
    body: Dict[str, Any] = {"type": type}
    for key, value in (("content", content), ("name", name), ("url", url)):
        check_str(key, value)
        if value is not None:
            body[key] = value
    check_str("image_url", image_url)
    if image_url is not None:
        body["image"] = {"url": image_url}
    return body


def _token_callback(on_tokens: Optional[Callable[[TokenSet], None]]) -> Optional[Callable[[Dict[str, Any]], None]]:
    """The native callback for an ``on_tokens`` argument (checked to be callable)."""
    if on_tokens is None:
        return None
    if not callable(on_tokens):
        raise TypeError("`on_tokens` must be callable")
    user_callback = on_tokens

    def callback(raw: Dict[str, Any]) -> None:
        user_callback(TokenSet(raw))

    return callback


C = TypeVar("C", bound="_Base")


class _Base:
    def __init__(
        self,
        base_url: str,
        *,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        redirect_uri: Optional[str] = None,
        access_token: Optional[str] = None,
        tokens: Optional[TokensArg] = None,
        on_tokens: Optional[Callable[[TokenSet], None]] = None,
        user_agent: Optional[str] = None,
        connect_timeout: Optional[float] = None,
        request_timeout: Optional[float] = None,
        total_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        initial_backoff: Optional[float] = None,
        max_backoff: Optional[float] = None,
        max_retry_after: Optional[float] = None,
        page_prefetch: bool = True,
        allow_insecure_http: bool = False,
    ) -> None:
        check_str("base_url", base_url, optional=False)
        self._native: Optional[Any] = _native.NativeClient(
            base_url,
            client_id=client_id,
            client_secret=client_secret,
            redirect_uri=redirect_uri,
            tokens=_tokens_dict(tokens, access_token),
            on_tokens=_token_callback(on_tokens),
            user_agent=user_agent,
            connect_timeout=connect_timeout,
            request_timeout=request_timeout,
            total_timeout=total_timeout,
            max_attempts=max_attempts,
            initial_backoff=initial_backoff,
            max_backoff=max_backoff,
            max_retry_after=max_retry_after,
            page_prefetch=page_prefetch,
            allow_insecure_http=allow_insecure_http,
        )
        self._attach()

    def _attach(self) -> None:
        """Sets up the resource objects (``contacts``, ``feed``, ...)."""

    def with_tokens(self: C, tokens: TokensArg, *,
                    on_tokens: Optional[Callable[[TokenSet], None]] = None) -> C:
        """A client for another user on this client's connection pool and options: its own
        tokens, and its rotated tokens go to its own ``on_tokens`` only (none if not
        given). A job that serves many users makes one client and one of these per user.
        Closing either client does not close the other."""
        native = self._n.with_tokens(_tokens_dict(tokens, None), _token_callback(on_tokens))
        other = object.__new__(type(self))
        other._native = native
        other._attach()
        return other

    def with_options(
        self: C,
        *,
        request_timeout: Optional[float] = None,
        total_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        initial_backoff: Optional[float] = None,
        max_backoff: Optional[float] = None,
        max_retry_after: Optional[float] = None,
    ) -> C:
        """A view of this client for some calls: the same user, tokens and connection pool,
        with these options (seconds, attempts) over the client's; those not given keep the
        client's. ``client.with_options(max_attempts=1).me()``. Closing the view closes
        only the view."""
        native = self._n.with_options(
            request_timeout=request_timeout,
            total_timeout=total_timeout,
            max_attempts=max_attempts,
            initial_backoff=initial_backoff,
            max_backoff=max_backoff,
            max_retry_after=max_retry_after,
        )
        other = object.__new__(type(self))
        other._native = native
        other._attach()
        return other

    @property
    def _n(self) -> Any:
        if self._native is None:
            raise ConfigError("this client is closed (close() or aclose() was called): make a new client")
        return self._native

    @property
    def base_url(self) -> str:
        url: str = self._n.base_url
        return url

    @property
    def tokens(self) -> Optional[TokenSet]:
        """The tokens in use (persist ``to_dict()``), or None."""
        raw = self._n.tokens()
        return TokenSet(raw) if raw is not None else None

    def set_tokens(self, tokens: TokensArg) -> None:
        """Replaces the tokens (e.g. loaded from storage); ``on_tokens`` is not called."""
        data = _tokens_dict(tokens, None)
        self._n.set_tokens(data)

    def __repr__(self) -> str:
        state = "closed" if self._native is None else self._native.base_url
        return f"{type(self).__name__}({state!r})"

    def close(self) -> None:
        """Releases the client (its connection pool, once its streams are gone too)."""
        self._native = None


# ------------------------------------------------------------------------------ sync


class Contacts:
    """``client.contacts``: list (OData), get, create, update, delete, delta sync."""

    def __init__(self, client: "Client") -> None:
        self._c = client

    def list(
        self,
        *,
        filter: Optional[Filter] = None,
        orderby: OrderBy = None,
        select: Select = None,
        top: Optional[int] = None,
        search: Optional[str] = None,
    ) -> "Listing[Contact]":
        """Every matching contact, page after page (the next page prefetched)."""
        q = query_dict(filter, orderby, select, top, search=search)
        n = self._c._n
        return Listing(n.contacts(q), _CONTACT, lambda: n.contact_pages(q))

    def pages(
        self,
        *,
        filter: Optional[Filter] = None,
        orderby: OrderBy = None,
        select: Select = None,
        top: Optional[int] = None,
    ) -> SyncIterator[Page[Contact]]:
        q = query_dict(filter, orderby, select, top)
        return SyncIterator(self._c._n.contact_pages(q), _contact_page, 1)

    def resume(self, link: str) -> SyncIterator[Contact]:
        """Every contact from a stored ``next_link`` on."""
        check_str("link", link, optional=False)
        return SyncIterator(self._c._n.contacts_from(link), _CONTACT)

    def get(self, id: str) -> Contact:
        check_id("id", id)
        contact: Contact = self._c._n.get_contact(id)
        return contact

    def create(
        self,
        display_name: str,
        *,
        given_name: Optional[str] = None,
        family_name: Optional[str] = None,
        nickname: Optional[str] = None,
        emails: Optional[Iterable[EmailArg]] = None,
        phone_numbers: Optional[Iterable[Union[str, Mapping[str, Any]]]] = None,
        birthday: Optional[date] = None,
        note: Optional[str] = None,
        tags: Optional[Iterable[str]] = None,
    ) -> Contact:
        check_id("display_name", display_name)
        body = contact_body(
            display_name=display_name, given_name=given_name, family_name=family_name,
            nickname=nickname, emails=emails, phone_numbers=phone_numbers,
            birthday=birthday, note=note, tags=tags,
        )
        contact: Contact = self._c._n.create_contact(body)
        return contact

    def update(
        self,
        id: str,
        *,
        if_match: Optional[str] = None,
        display_name: Optional[str] = None,
        given_name: Optional[str] = None,
        family_name: Optional[str] = None,
        nickname: Optional[str] = None,
        emails: Optional[Iterable[EmailArg]] = None,
        note: Optional[str] = None,
        tags: Optional[Iterable[str]] = None,
    ) -> Contact:
        """Changes the given fields. With ``if_match`` (a contact's ``etag``) a contact
        changed since is not overwritten: PreconditionFailedError."""
        check_id("id", id)
        check_str("if_match", if_match)
        body = contact_body(
            display_name=display_name, given_name=given_name, family_name=family_name,
            nickname=nickname, emails=emails, note=note, tags=tags,
        )
        if not body:
            raise invalid_argument(None, "update needs at least one field to change")
        contact: Contact = self._c._n.update_contact(id, body, if_match)
        return contact

    def delete(self, id: str, *, if_match: Optional[str] = None) -> None:
        check_id("id", id)
        check_str("if_match", if_match)
        self._c._n.delete_contact(id, if_match)

    def delta(self, delta_link: Optional[str] = None, *, page_size: Optional[int] = None) -> SyncIterator[DeltaChange[Contact]]:
        """The changes of a delta round one by one; after the end, ``delta_link`` of
        the iterator is the link for the next round."""
        check_str("delta_link", delta_link)
        _page_size(page_size)
        return SyncIterator(self._c._n.contacts_delta(delta_link, page_size), _CHANGE)

    def delta_pages(self, delta_link: Optional[str] = None, *,
                    page_size: Optional[int] = None) -> SyncIterator[Page[DeltaChange[Contact]]]:
        """The changes of a delta round page by page: commit each page with its
        ``next_link`` (resume a killed job from it with ``delta_pages(next_link)``); the
        last page has ``delta_link``, the link for the next round."""
        check_str("delta_link", delta_link)
        _page_size(page_size)
        return SyncIterator(self._c._n.contacts_delta_pages(delta_link, page_size), _change_page, 1)

    def sync(self, delta_link: Optional[str] = None, *, page_size: Optional[int] = None) -> DeltaResult[Contact]:
        """A whole delta round: upserts, removed ids, and the next ``delta_link``.
        ResyncRequiredError: the link is too old, call ``sync()`` without it.
        ``page_size`` (1-1000) applies to a first round; later rounds keep it."""
        check_str("delta_link", delta_link)
        _page_size(page_size)
        return DeltaResult(self._c._n.sync_contacts(delta_link, page_size), Contact)


class Listing(SyncIterator[M]):
    """Items of a collection; ``pages()`` gives the same listing page by page."""

    __slots__ = ("_pages",)

    def __init__(self, stream: Any, wrap: Optional[Callable[[Any], M]], pages: Callable[[], Any]) -> None:
        super().__init__(stream, wrap)
        self._pages = pages

    def pages(self) -> SyncIterator[Page[M]]:
        wrap = self._wrap
        return SyncIterator(self._pages(), lambda raw: Page(raw, wrap), 1)


class _Simple:
    def __init__(self, client: "Client") -> None:
        self._c = client


def _poco_query(filter_by: Optional[str], filter_op: Optional[str], filter_value: Optional[str],
                sort_by: Optional[str], sort_order: Optional[str], start_index: Optional[int],
                count: Optional[int], updated_since: Optional[datetime],
                fields: Optional[Iterable[str]]) -> Dict[str, Any]:
    """The query in core's JSON form of a Portable Contacts query, which core reads and
    checks (operators, pairs, ranges: ``InvalidArgumentError`` naming the argument). Only
    the Python types are checked here (``TypeError``)."""
    for name, value in (("filter_by", filter_by), ("filter_op", filter_op), ("filter_value", filter_value),
                        ("sort_by", sort_by), ("sort_order", sort_order)):
        check_str(name, value)
    for name, n in (("start_index", start_index), ("count", count)):
        if n is not None and (isinstance(n, bool) or not isinstance(n, int)):
            raise TypeError(f"`{name}` must be an int")
    since: Optional[str] = None
    if updated_since is not None:
        if not isinstance(updated_since, datetime):
            raise TypeError("`updated_since` must be a datetime")
        if updated_since.utcoffset() is None:
            raise invalid_argument("updated_since", "`updated_since` needs a timezone (e.g. timezone.utc)")
        since = updated_since.isoformat()
    if isinstance(fields, str):
        fields = fields.split(",")
    return {
        "filterBy": filter_by, "filterOp": filter_op, "filterValue": filter_value,
        "sortBy": sort_by, "sortOrder": sort_order, "startIndex": start_index, "count": count,
        "updatedSince": since, "fields": None if fields is None else [f.strip() for f in fields],
    }


class Poco(_Simple):
    """``client.poco``: the Portable Contacts 1.0 query form of the contacts."""

    def list(self, *, filter_by: Optional[str] = None, filter_op: Optional[str] = None,
             filter_value: Optional[str] = None, sort_by: Optional[str] = None,
             sort_order: Optional[str] = None, start_index: Optional[int] = None,
             count: Optional[int] = None, updated_since: Optional[datetime] = None,
             fields: Optional[Iterable[str]] = None) -> PocoPage:
        """One response: ``filter_op`` equals, contains, startswith or present;
        ``sort_order`` ascending or descending; ``start_index`` 1-based; ``count`` ≤ 1000."""
        query = _poco_query(filter_by, filter_op, filter_value, sort_by, sort_order, start_index, count,
                            updated_since, fields)
        return PocoPage(self._c._n.poco_contacts(query))

    def get(self, id: str) -> Contact:
        check_id("id", id)
        contact: Contact = self._c._n.poco_contact(id)
        return contact


class Friends(_Simple):
    def list(self, *, filter: Optional[Filter] = None, orderby: OrderBy = None,
             select: Select = None, top: Optional[int] = None) -> Listing[Friend]:
        q = query_dict(filter, orderby, select, top)
        n = self._c._n
        return Listing(n.friends(q), _model(Friend), lambda: n.friend_pages(q))


class Invitations(_Simple):
    def list(self, *, filter: Optional[Filter] = None, top: Optional[int] = None) -> SyncIterator[Invitation]:
        return SyncIterator(self._c._n.invitations(query_dict(filter, None, None, top)), _model(Invitation))

    def create(self, *, email: Optional[str] = None, contact_id: Optional[str] = None,
               message: Optional[str] = None) -> Invitation:
        check_str("email", email)
        check_str("contact_id", contact_id)
        check_str("message", message)
        if (email is None) == (contact_id is None):
            raise invalid_argument("email", "give exactly one of `email` and `contact_id`")
        body = {k: v for k, v in (("email", email), ("contactId", contact_id), ("message", message)) if v is not None}
        return Invitation(self._c._n.invite(body))

    def cancel(self, id: str) -> None:
        check_id("id", id)
        self._c._n.cancel_invitation(id)


class Feed(_Simple):
    def list(self, *, filter: Optional[Filter] = None, top: Optional[int] = None) -> Listing[Activity]:
        q = query_dict(filter, None, None, top)
        n = self._c._n
        return Listing(n.feed(q), _model(Activity), lambda: n.feed_pages(q))


class Activities(_Simple):
    def list(self, *, filter: Optional[Filter] = None, top: Optional[int] = None) -> SyncIterator[Activity]:
        return SyncIterator(self._c._n.activities(query_dict(filter, None, None, top)), _model(Activity))

    def get(self, id: str) -> Activity:
        check_id("id", id)
        return Activity(self._c._n.get_activity(id))

    def create(self, type: str = "Note", *, content: Optional[str] = None, name: Optional[str] = None,
               url: Optional[str] = None, image_url: Optional[str] = None,
               idempotency_key: Optional[str] = None) -> Activity:
        """Posts an activity. Retries are safe: one ``Idempotency-Key`` per call, or the
        caller's own ``idempotency_key`` (1-255 visible ASCII characters), so a job run
        again with the same key never posts twice."""
        check_str("idempotency_key", idempotency_key)
        body = _activity_body(type, content, name, url, image_url)
        return Activity(self._c._n.create_activity(body, idempotency_key))

    def delete(self, id: str) -> None:
        check_id("id", id)
        self._c._n.delete_activity(id)


class Conversations(_Simple):
    def list(self, *, top: Optional[int] = None) -> SyncIterator[Conversation]:
        return SyncIterator(self._c._n.conversations(query_dict(None, None, None, top)), _model(Conversation))

    def create(self, members: Iterable[str]) -> Conversation:
        if isinstance(members, str):
            raise TypeError("`members` must be a list of user ids")
        ids = list(members)
        for m in ids:
            check_id("members[]", m)
        return Conversation(self._c._n.create_conversation(ids))

    def messages(self, conversation_id: str, *, top: Optional[int] = None) -> SyncIterator[Message]:
        check_id("conversation_id", conversation_id)
        return SyncIterator(self._c._n.messages(conversation_id, query_dict(None, None, None, top)), _model(Message))

    def send(self, conversation_id: str, text: str, *, client_message_id: Optional[str] = None) -> Message:
        """Sends a message; idempotent (a ``client_message_id`` is made if none is given
        and reused by retries)."""
        check_id("conversation_id", conversation_id)
        check_str("text", text, optional=False)
        check_str("client_message_id", client_message_id)
        return Message(self._c._n.send_message(conversation_id, text, client_message_id))


class Client(_Base):
    """The blocking client. Thread-safe; use one per process (or per user).

    >>> with Client(url, access_token=token) as client:
    ...     for contact in client.contacts.list(filter=Filter.startswith("displayName", "A")):
    ...         print(contact.display_name)
    """

    def _attach(self) -> None:
        self.contacts = Contacts(self)
        self.friends = Friends(self)
        self.invitations = Invitations(self)
        self.feed = Feed(self)
        self.activities = Activities(self)
        self.conversations = Conversations(self)
        self.poco = Poco(self)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        self.close()

    def me(self) -> Me:
        return Me(self._n.me())

    def update_me(self, *, display_name: Optional[str] = None, given_name: Optional[str] = None,
                  family_name: Optional[str] = None, photo: Optional[str] = None,
                  locale: Optional[str] = None) -> Me:
        return Me(self._n.update_me(_me_body(display_name, given_name, family_name, photo, locale)))

    def status(self) -> Status:
        return Status(self._n.status())

    def set_status(self, message: Optional[str] = None, *, presence: Optional[str] = None) -> Status:
        return Status(self._n.set_status(_status_body(message, presence)))

    def user(self, id: str) -> PublicProfile:
        check_id("id", id)
        return PublicProfile(self._n.user(id))

    # ---------------------------------------------------------------- auth flows

    def authorization_url(self, scopes: Iterable[str], *, prompt: Optional[str] = None,
                          login_hint: Optional[str] = None) -> AuthorizationRequest:
        """Starts the authorization-code flow (PKCE S256, state, nonce); needs
        ``client_id`` and ``redirect_uri``. Sends no request."""
        check_str("prompt", prompt)
        check_str("login_hint", login_hint)
        return AuthorizationRequest(self._n.authorization_url(_scopes(scopes), prompt, login_hint))

    def exchange_code(self, request: Union[AuthorizationRequest, Mapping[str, Any]], redirect_url: str) -> TokenSet:
        """Completes the flow from the URL the browser came back to (checks state,
        validates the id token); the tokens are installed and returned."""
        _token_or_redirect(redirect_url, "redirect_url")
        return TokenSet(self._n.exchange_code(request, redirect_url))

    def client_credentials(self, scopes: Iterable[str]) -> TokenSet:
        return TokenSet(self._n.client_credentials(_scopes(scopes)))

    def start_device_authorization(self, scopes: Iterable[str]) -> DeviceAuthorization:
        return DeviceAuthorization(self._n.start_device_authorization(_scopes(scopes)))

    def poll_device_token_once(self, device: DeviceAuthorization) -> DevicePoll:
        return DevicePoll(self._n.poll_device_token_once(device))

    def poll_device_token(self, device: DeviceAuthorization) -> TokenSet:
        """Polls until the user answers (AuthError/OAuthError if denied or expired)."""
        return TokenSet(self._n.poll_device_token(device))

    def revoke_token(self, token: str, *, hint: Optional[str] = None) -> None:
        _token_or_redirect(token, "token")
        self._n.revoke_token(token, _hint(hint))

    def introspect_token(self, token: str, *, hint: Optional[str] = None) -> Introspection:
        _token_or_redirect(token, "token")
        return Introspection(self._n.introspect_token(token, _hint(hint)))

    def refresh_tokens(self) -> TokenSet:
        """Renews the tokens now (one refresh even if other calls renew at the same
        time); ``on_tokens`` receives them. Raises ``TokenStoreError`` if it fails."""
        return TokenSet(self._n.refresh_tokens())

    def userinfo(self) -> UserInfo:
        return UserInfo(self._n.userinfo())

    def permissions(self) -> Permissions:
        return Permissions(self._n.permissions())

    def revoke_permissions(self) -> None:
        """Disconnects the app: every token of its grant is revoked."""
        self._n.revoke_permissions()

    def drop_scope(self, scope: str) -> None:
        check_id("scope", scope)
        self._n.drop_scope(scope)

    def batch(self, items: Iterable[BatchItemArg]) -> list[BatchResponse]:
        """A JSON batch (≤ 20 items): ``[{"id", "method", "url", "body"?, "depends_on"?}]``
        with ``url`` relative to ``/v1``; the responses in request order."""
        return [BatchResponse(r) for r in self._n.batch(_batch_items(items))]

    def events(self, *, since: Optional[int] = None, ping_interval: Optional[float] = 30.0) -> EventStream[Event]:
        """Live events (connects now); reconnects and resumes by itself. Store
        ``last_seq`` to resume later with ``since``; ``reconnects`` counts the
        reconnections so far. Close it (or use ``with``).
        ``typing(conversation_id)`` on the stream sends a typing notification."""
        if since is not None and (isinstance(since, bool) or not isinstance(since, int) or since < 0):
            raise invalid_argument("since", "`since` must be an int ≥ 0")
        return EventStream(self._n.events(since, ping_interval), _model(Event), 1)

    def validate_id_token(self, id_token: str, *, nonce: Optional[str] = None) -> IdTokenClaims:
        """Validates an id_token (RS256 signature against the issuer's keys, issuer,
        audience = this client's id, expiry, and ``nonce`` when given); its claims.
        AuthError (or OAuthError) when it is not valid."""
        check_id("id_token", id_token)
        check_str("nonce", nonce)
        return IdTokenClaims(self._n.validate_id_token(id_token, nonce))


# ----------------------------------------------------------------------------- async


class AsyncContacts:
    def __init__(self, client: "AsyncClient") -> None:
        self._c = client

    def list(self, *, filter: Optional[Filter] = None, orderby: OrderBy = None, select: Select = None,
             top: Optional[int] = None, search: Optional[str] = None) -> "AsyncListing[Contact]":
        q = query_dict(filter, orderby, select, top, search=search)
        n = self._c._n
        return AsyncListing(n.contacts(q), _CONTACT, lambda: n.contact_pages(q))

    def pages(self, *, filter: Optional[Filter] = None, orderby: OrderBy = None, select: Select = None,
              top: Optional[int] = None) -> AsyncIterator[Page[Contact]]:
        q = query_dict(filter, orderby, select, top)
        return AsyncIterator(self._c._n.contact_pages(q), _contact_page, 1)

    def resume(self, link: str) -> AsyncIterator[Contact]:
        check_str("link", link, optional=False)
        return AsyncIterator(self._c._n.contacts_from(link), _CONTACT)

    async def get(self, id: str) -> Contact:
        check_id("id", id)
        contact: Contact = await self._c._n.get_contact(id, aio=True)
        return contact

    async def create(self, display_name: str, *, given_name: Optional[str] = None,
                     family_name: Optional[str] = None, nickname: Optional[str] = None,
                     emails: Optional[Iterable[EmailArg]] = None,
                     phone_numbers: Optional[Iterable[Union[str, Mapping[str, Any]]]] = None,
                     birthday: Optional[date] = None, note: Optional[str] = None,
                     tags: Optional[Iterable[str]] = None) -> Contact:
        check_id("display_name", display_name)
        body = contact_body(display_name=display_name, given_name=given_name, family_name=family_name,
                            nickname=nickname, emails=emails, phone_numbers=phone_numbers,
                            birthday=birthday, note=note, tags=tags)
        contact: Contact = await self._c._n.create_contact(body, aio=True)
        return contact

    async def update(self, id: str, *, if_match: Optional[str] = None, display_name: Optional[str] = None,
                     given_name: Optional[str] = None, family_name: Optional[str] = None,
                     nickname: Optional[str] = None, emails: Optional[Iterable[EmailArg]] = None,
                     note: Optional[str] = None, tags: Optional[Iterable[str]] = None) -> Contact:
        """Changes the given fields (see ``Client.contacts.update``)."""
        check_id("id", id)
        check_str("if_match", if_match)
        body = contact_body(display_name=display_name, given_name=given_name, family_name=family_name,
                            nickname=nickname, emails=emails, note=note, tags=tags)
        if not body:
            raise invalid_argument(None, "update needs at least one field to change")
        contact: Contact = await self._c._n.update_contact(id, body, if_match, aio=True)
        return contact

    async def delete(self, id: str, *, if_match: Optional[str] = None) -> None:
        check_id("id", id)
        check_str("if_match", if_match)
        await self._c._n.delete_contact(id, if_match, aio=True)

    def delta(self, delta_link: Optional[str] = None, *, page_size: Optional[int] = None) -> AsyncIterator[DeltaChange[Contact]]:
        check_str("delta_link", delta_link)
        _page_size(page_size)
        return AsyncIterator(self._c._n.contacts_delta(delta_link, page_size), _CHANGE)

    def delta_pages(self, delta_link: Optional[str] = None, *,
                    page_size: Optional[int] = None) -> AsyncIterator[Page[DeltaChange[Contact]]]:
        """The changes of a delta round page by page (see ``Client.contacts.delta_pages``)."""
        check_str("delta_link", delta_link)
        _page_size(page_size)
        return AsyncIterator(self._c._n.contacts_delta_pages(delta_link, page_size), _change_page, 1)

    async def sync(self, delta_link: Optional[str] = None, *, page_size: Optional[int] = None) -> DeltaResult[Contact]:
        check_str("delta_link", delta_link)
        _page_size(page_size)
        return DeltaResult(await self._c._n.sync_contacts(delta_link, page_size, aio=True), Contact)


class AsyncListing(AsyncIterator[M]):
    __slots__ = ("_pages",)

    def __init__(self, stream: Any, wrap: Optional[Callable[[Any], M]], pages: Callable[[], Any]) -> None:
        super().__init__(stream, wrap)
        self._pages = pages

    def pages(self) -> AsyncIterator[Page[M]]:
        wrap = self._wrap
        return AsyncIterator(self._pages(), lambda raw: Page(raw, wrap), 1)


class _AsyncSimple:
    def __init__(self, client: "AsyncClient") -> None:
        self._c = client


class AsyncPoco(_AsyncSimple):
    """``client.poco``: the Portable Contacts 1.0 query form (see ``Poco``)."""

    async def list(self, *, filter_by: Optional[str] = None, filter_op: Optional[str] = None,
                   filter_value: Optional[str] = None, sort_by: Optional[str] = None,
                   sort_order: Optional[str] = None, start_index: Optional[int] = None,
                   count: Optional[int] = None, updated_since: Optional[datetime] = None,
                   fields: Optional[Iterable[str]] = None) -> PocoPage:
        query = _poco_query(filter_by, filter_op, filter_value, sort_by, sort_order, start_index, count,
                            updated_since, fields)
        return PocoPage(await self._c._n.poco_contacts(query, aio=True))

    async def get(self, id: str) -> Contact:
        check_id("id", id)
        contact: Contact = await self._c._n.poco_contact(id, aio=True)
        return contact


class AsyncFriends(_AsyncSimple):
    def list(self, *, filter: Optional[Filter] = None, orderby: OrderBy = None,
             select: Select = None, top: Optional[int] = None) -> AsyncListing[Friend]:
        q = query_dict(filter, orderby, select, top)
        n = self._c._n
        return AsyncListing(n.friends(q), _model(Friend), lambda: n.friend_pages(q))


class AsyncInvitations(_AsyncSimple):
    def list(self, *, filter: Optional[Filter] = None, top: Optional[int] = None) -> AsyncIterator[Invitation]:
        return AsyncIterator(self._c._n.invitations(query_dict(filter, None, None, top)), _model(Invitation))

    async def create(self, *, email: Optional[str] = None, contact_id: Optional[str] = None,
                     message: Optional[str] = None) -> Invitation:
        check_str("email", email)
        check_str("contact_id", contact_id)
        check_str("message", message)
        if (email is None) == (contact_id is None):
            raise invalid_argument("email", "give exactly one of `email` and `contact_id`")
        body = {k: v for k, v in (("email", email), ("contactId", contact_id), ("message", message)) if v is not None}
        return Invitation(await self._c._n.invite(body, aio=True))

    async def cancel(self, id: str) -> None:
        check_id("id", id)
        await self._c._n.cancel_invitation(id, aio=True)


class AsyncFeed(_AsyncSimple):
    def list(self, *, filter: Optional[Filter] = None, top: Optional[int] = None) -> AsyncListing[Activity]:
        q = query_dict(filter, None, None, top)
        n = self._c._n
        return AsyncListing(n.feed(q), _model(Activity), lambda: n.feed_pages(q))


class AsyncActivities(_AsyncSimple):
    def list(self, *, filter: Optional[Filter] = None, top: Optional[int] = None) -> AsyncIterator[Activity]:
        return AsyncIterator(self._c._n.activities(query_dict(filter, None, None, top)), _model(Activity))

    async def get(self, id: str) -> Activity:
        check_id("id", id)
        return Activity(await self._c._n.get_activity(id, aio=True))

    async def create(self, type: str = "Note", *, content: Optional[str] = None, name: Optional[str] = None,
                     url: Optional[str] = None, image_url: Optional[str] = None,
                     idempotency_key: Optional[str] = None) -> Activity:
        check_str("idempotency_key", idempotency_key)
        body = _activity_body(type, content, name, url, image_url)
        return Activity(await self._c._n.create_activity(body, idempotency_key, aio=True))

    async def delete(self, id: str) -> None:
        check_id("id", id)
        await self._c._n.delete_activity(id, aio=True)


class AsyncConversations(_AsyncSimple):
    def list(self, *, top: Optional[int] = None) -> AsyncIterator[Conversation]:
        return AsyncIterator(self._c._n.conversations(query_dict(None, None, None, top)), _model(Conversation))

    async def create(self, members: Iterable[str]) -> Conversation:
        if isinstance(members, str):
            raise TypeError("`members` must be a list of user ids")
        ids = list(members)
        for m in ids:
            check_id("members[]", m)
        return Conversation(await self._c._n.create_conversation(ids, aio=True))

    def messages(self, conversation_id: str, *, top: Optional[int] = None) -> AsyncIterator[Message]:
        check_id("conversation_id", conversation_id)
        return AsyncIterator(self._c._n.messages(conversation_id, query_dict(None, None, None, top)), _model(Message))

    async def send(self, conversation_id: str, text: str, *, client_message_id: Optional[str] = None) -> Message:
        check_id("conversation_id", conversation_id)
        check_str("text", text, optional=False)
        check_str("client_message_id", client_message_id)
        return Message(await self._c._n.send_message(conversation_id, text, client_message_id, aio=True))


class AsyncClient(_Base):
    """The asyncio client: every call is awaitable, listings are ``async for``."""

    def _attach(self) -> None:
        self.contacts = AsyncContacts(self)
        self.friends = AsyncFriends(self)
        self.invitations = AsyncInvitations(self)
        self.feed = AsyncFeed(self)
        self.activities = AsyncActivities(self)
        self.conversations = AsyncConversations(self)
        self.poco = AsyncPoco(self)

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                        tb: Optional[TracebackType]) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Releases the client (as ``close()``; the asyncio spelling, for ``async with``
        and ``contextlib.aclosing``). Later calls raise ``ConfigError``."""
        self.close()

    async def me(self) -> Me:
        return Me(await self._n.me(aio=True))

    async def update_me(self, *, display_name: Optional[str] = None, given_name: Optional[str] = None,
                        family_name: Optional[str] = None, photo: Optional[str] = None,
                        locale: Optional[str] = None) -> Me:
        body = _me_body(display_name, given_name, family_name, photo, locale)
        return Me(await self._n.update_me(body, aio=True))

    async def status(self) -> Status:
        return Status(await self._n.status(aio=True))

    async def set_status(self, message: Optional[str] = None, *, presence: Optional[str] = None) -> Status:
        body = _status_body(message, presence)
        return Status(await self._n.set_status(body, aio=True))

    async def user(self, id: str) -> PublicProfile:
        check_id("id", id)
        return PublicProfile(await self._n.user(id, aio=True))

    def authorization_url(self, scopes: Iterable[str], *, prompt: Optional[str] = None,
                          login_hint: Optional[str] = None) -> AuthorizationRequest:
        check_str("prompt", prompt)
        check_str("login_hint", login_hint)
        return AuthorizationRequest(self._n.authorization_url(_scopes(scopes), prompt, login_hint))

    async def exchange_code(self, request: Union[AuthorizationRequest, Mapping[str, Any]],
                            redirect_url: str) -> TokenSet:
        _token_or_redirect(redirect_url, "redirect_url")
        return TokenSet(await self._n.exchange_code(request, redirect_url, aio=True))

    async def client_credentials(self, scopes: Iterable[str]) -> TokenSet:
        return TokenSet(await self._n.client_credentials(_scopes(scopes), aio=True))

    async def start_device_authorization(self, scopes: Iterable[str]) -> DeviceAuthorization:
        return DeviceAuthorization(await self._n.start_device_authorization(_scopes(scopes), aio=True))

    async def poll_device_token_once(self, device: DeviceAuthorization) -> DevicePoll:
        return DevicePoll(await self._n.poll_device_token_once(device, aio=True))

    async def poll_device_token(self, device: DeviceAuthorization) -> TokenSet:
        return TokenSet(await self._n.poll_device_token(device, aio=True))

    async def revoke_token(self, token: str, *, hint: Optional[str] = None) -> None:
        _token_or_redirect(token, "token")
        await self._n.revoke_token(token, _hint(hint), aio=True)

    async def introspect_token(self, token: str, *, hint: Optional[str] = None) -> Introspection:
        _token_or_redirect(token, "token")
        return Introspection(await self._n.introspect_token(token, _hint(hint), aio=True))

    async def refresh_tokens(self) -> TokenSet:
        """Renews the tokens now (see ``Client.refresh_tokens``)."""
        return TokenSet(await self._n.refresh_tokens(aio=True))

    async def userinfo(self) -> UserInfo:
        return UserInfo(await self._n.userinfo(aio=True))

    async def permissions(self) -> Permissions:
        return Permissions(await self._n.permissions(aio=True))

    async def revoke_permissions(self) -> None:
        await self._n.revoke_permissions(aio=True)

    async def drop_scope(self, scope: str) -> None:
        check_id("scope", scope)
        await self._n.drop_scope(scope, aio=True)

    async def batch(self, items: Iterable[BatchItemArg]) -> list[BatchResponse]:
        return [BatchResponse(r) for r in await self._n.batch(_batch_items(items), aio=True)]

    async def events(self, *, since: Optional[int] = None, ping_interval: Optional[float] = 30.0) -> AsyncEventStream[Event]:
        """Live events (connects now): ``async for event in await client.events()``;
        ``typing(conversation_id)`` works while another task awaits the stream."""
        if since is not None and (isinstance(since, bool) or not isinstance(since, int) or since < 0):
            raise invalid_argument("since", "`since` must be an int ≥ 0")
        stream = await self._n.events(since, ping_interval, aio=True)
        return AsyncEventStream(stream, _model(Event), 1)

    async def validate_id_token(self, id_token: str, *, nonce: Optional[str] = None) -> IdTokenClaims:
        """Validates an id_token (see ``Client.validate_id_token``); its claims."""
        check_id("id_token", id_token)
        check_str("nonce", nonce)
        return IdTokenClaims(await self._n.validate_id_token(id_token, nonce, aio=True))

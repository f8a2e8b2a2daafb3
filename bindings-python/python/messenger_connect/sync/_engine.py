"""The engine of :mod:`messenger_connect.sync` and the store protocol it runs on."""

from __future__ import annotations

import logging
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Protocol, Tuple

from .._client import Client
from ..errors import ResyncRequiredError, TokenStoreError
from ..models import Contact, DeltaChange, TokenSet

log = logging.getLogger("messenger_connect.sync")

#: How often a round restarts from the store after the token store failed, per user run.
MAX_TOKEN_STORE_RETRIES = 3


@dataclass(frozen=True)
class UserState:
    """What a store keeps per user between runs."""

    tokens: Dict[str, Any] = field(repr=False)  # secrets: never in repr
    next_link: Optional[str] = None  # the page to fetch next within a round (resume point)
    delta_link: Optional[str] = None  # the link of the next round, once a round completed


@dataclass
class PageChanges:
    """One page of a delta round, as rows: ``upserts`` (contact id, etag, display name,
    first email, wire form) and ``removed`` ids."""

    upserts: List[Tuple[str, Optional[str], str, Optional[str], Dict[str, Any]]] = field(default_factory=list)
    removed: List[str] = field(default_factory=list)

    @classmethod
    def of(cls, items: List[DeltaChange[Contact]]) -> "PageChanges":
        out = cls()
        for change in items:
            if change.removed:
                out.removed.append(change.id)
                continue
            c = change.item
            assert c is not None
            out.upserts.append((c.id, c.etag, c.display_name, c.emails[0].value if c.emails else None,
                                c.to_dict()))
        return out


class SyncStore(Protocol):
    """Where :class:`ContactSync` keeps users, tokens, links and contacts.

    ``save_tokens`` may be called from another thread than the others (the client's), at
    any time, also while a page is being committed: it must use its own transaction."""

    def users(self) -> List[str]:
        """Every user, in a stable order."""
        ...

    def add_user(self, user: str, tokens: Dict[str, Any]) -> None:
        """Adds a user unless known (a known user keeps its rotated tokens)."""
        ...

    def lock(self, user: str) -> AbstractContextManager[bool]:
        """Holds the user's sync lock for the ``with`` block; yields False if another
        worker holds it (after waiting a bounded time)."""
        ...

    def state(self, user: str) -> UserState:
        """The user's tokens and links."""
        ...

    def save_tokens(self, user: str, tokens: Dict[str, Any]) -> None:
        """Saves rotated tokens at once (own transaction); raises if it cannot."""
        ...

    def commit_page(self, user: str, changes: PageChanges, *, next_link: Optional[str],
                    delta_link: Optional[str], tokens: Dict[str, Any], full: bool) -> int:
        """In one transaction: clears the user's rows first when ``full``, applies the
        changes, stores the links (``next_link`` set: mid-round; else ``delta_link``
        ends the round) and the tokens. Returns the user's row count."""
        ...

    def restart(self, user: str) -> None:
        """Forgets the user's links (the next round is a full one)."""
        ...

    def contacts(self, user: str) -> Dict[str, Optional[str]]:
        """The stored contacts of a user: id → etag."""
        ...


@dataclass(frozen=True)
class Progress:
    """Reported after each committed page."""

    user: str
    pages: int
    changes: int
    rows: int
    full: bool


@dataclass
class UserResult:
    """The outcome of one user's run. ``status``: ``synced``, or ``locked`` when another
    worker held the user's lock."""

    user: str
    status: str = "synced"
    pages: int = 0
    upserts: int = 0
    removed: int = 0
    full: bool = False
    resyncs: int = 0
    seconds: float = 0.0


class ContactSync:
    """Syncs the contacts of the users of ``store`` with ``client``'s connection pool and
    options (each user gets ``client.with_tokens`` with their own tokens)."""

    def __init__(self, client: Client, store: SyncStore, *, page_size: int = 500,
                 progress: Optional[Callable[[Progress], None]] = None) -> None:
        if not 1 <= page_size <= 1000:
            raise ValueError("`page_size` must be 1 to 1000")
        self.client = client
        self.store = store
        self.page_size = page_size
        self.progress = progress

    def sync_all(self) -> Dict[str, UserResult]:
        """Syncs every user of the store, one after the other."""
        return {user: self.sync_user(user) for user in self.store.users()}

    def sync_user(self, user: str) -> UserResult:
        """One run for one user under their lock: the round in progress (and a catch-up
        round after it) or the next one. Raises what the client raises after its own
        retries (the store is consistent; run again later)."""
        started = time.monotonic()
        with self.store.lock(user) as held:
            if not held:
                log.info("user %s is being synced by another worker: skipped", user, extra={"user": user})
                return UserResult(user, status="locked")
            result = UserResult(user)
            token_failures = 0
            while True:
                try:
                    self._run(user, result)
                    break
                except TokenStoreError as e:
                    # The new tokens are in use but not saved, and the page in flight was not
                    # committed: save them (again) and resume from the store.
                    token_failures += 1
                    log.error("saving the rotated tokens of %s failed (%s); saving them again",
                              user, e.__cause__, extra={"user": user})
                    self.store.save_tokens(user, e.tokens.to_dict())
                    if token_failures >= MAX_TOKEN_STORE_RETRIES:
                        raise
            result.seconds = time.monotonic() - started
            log.info("synced %s: %d pages, %d upserts, %d removed%s", user, result.pages, result.upserts,
                     result.removed, " (full)" if result.full else "",
                     extra={"user": user, "pages": result.pages, "upserts": result.upserts,
                            "removed": result.removed})
            return result

    def _run(self, user: str, result: UserResult) -> None:
        state = self.store.state(user)

        def save(tokens: TokenSet) -> None:
            self.store.save_tokens(user, tokens.to_dict())

        with self.client.with_tokens(state.tokens, on_tokens=save) as client:
            link = state.next_link or state.delta_link
            full = link is None
            catch_up = state.next_link is not None
            while True:
                try:
                    pages = client.contacts.delta_pages(link, page_size=self.page_size)
                    for page in pages:
                        tokens = client.tokens
                        assert tokens is not None
                        changes = PageChanges.of(page.items)
                        rows = self.store.commit_page(user, changes, next_link=page.next_link,
                                                      delta_link=page.delta_link, tokens=tokens.to_dict(), full=full)
                        result.full |= full
                        full = False
                        result.pages += 1
                        result.upserts += len(changes.upserts)
                        result.removed += len(changes.removed)
                        log.debug("committed a page of %s: %d changes, %d rows", user, len(page.items), rows,
                                  extra={"user": user, "rows": rows})
                        if self.progress is not None:
                            self.progress(Progress(user, result.pages, len(page.items), rows, result.full))
                    if not catch_up:
                        return
                    catch_up = False
                    link = pages.delta_link
                except ResyncRequiredError:
                    log.warning("the stored link of %s is too old: a full resync", user, extra={"user": user})
                    self.store.restart(user)
                    result.resyncs += 1
                    link, full, catch_up = None, True, False

"""Iterators over the extension's streams (sync and async)."""

from __future__ import annotations

from collections import deque
from types import TracebackType
from typing import Any, Callable, Deque, Generic, Iterator, Optional, Type, TypeVar

T = TypeVar("T")


class _Base(Generic[T]):
    __slots__ = ("_stream", "_wrap", "_batch")

    def __init__(self, stream: Any, wrap: Optional[Callable[[Any], T]] = None, batch: int = 1000) -> None:
        self._stream = stream
        # ``wrap`` (a model class) is applied by the stream to each item; None when the
        # items are model objects already (native contacts). Items are fetched a page at
        # a time (``batch`` at most); pages and events one by one, so ``next_link`` /
        # ``last_seq`` match what the caller has received.
        self._wrap = wrap
        self._batch = batch
        stream.configure(wrap, batch)

    @property
    def next_link(self) -> Optional[str]:
        """The link of the next page to fetch (store it to resume), or None at the end."""
        link: Optional[str] = self._stream.next_link
        return link

    @property
    def delta_link(self) -> Optional[str]:
        """Delta sync: the link for the next round, once the last page was reached."""
        link: Optional[str] = self._stream.delta_link
        return link

    @property
    def last_seq(self) -> Optional[int]:
        """Events: the sequence number to resume after (``events(since=...)``)."""
        seq: Optional[int] = self._stream.last_seq
        return seq

    def close(self) -> None:
        """Stops the stream (cancels a prefetch; closes an event socket)."""
        self._stream.close()


class SyncIterator(_Base[T]):
    """Items one by one; the next page is fetched while the caller works on this one.
    ``for x in it`` runs on the native stream itself (a page per crossing, the GIL
    released while waiting)."""

    __slots__ = ()

    def __iter__(self) -> Iterator[T]:
        it: Iterator[T] = self._stream
        return it

    def __next__(self) -> T:
        item: T = next(self._stream)
        return item

    def __enter__(self) -> "SyncIterator[T]":
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()


class AsyncIterator(_Base[T]):
    """``async for`` over items; the next page is prefetched."""

    __slots__ = ("_buffer", "_done")

    def __init__(self, stream: Any, wrap: Optional[Callable[[Any], T]] = None, batch: int = 1000) -> None:
        super().__init__(stream, wrap, batch)
        # Items of the current page, received in one crossing into the extension.
        self._buffer: Deque[T] = deque()
        self._done = False

    def __aiter__(self) -> "AsyncIterator[T]":
        return self

    async def __anext__(self) -> T:
        if not self._buffer:
            if self._done:
                raise StopAsyncIteration
            batch = await self._stream.next_batch(self._batch, aio=True)
            if not batch:
                self._done = True
                raise StopAsyncIteration
            self._buffer.extend(batch)
        return self._buffer.popleft()

    async def __aenter__(self) -> "AsyncIterator[T]":
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()


class EventStream(SyncIterator[T]):
    """Live events (``for event in stream``); ``typing()`` works while another thread
    waits on the stream."""

    __slots__ = ()

    def typing(self, conversation_id: str) -> None:
        """Tells the other members of a conversation that the user is typing (sent on
        the stream's socket; dropped while it reconnects)."""
        if not isinstance(conversation_id, str) or not conversation_id:
            raise (TypeError if not isinstance(conversation_id, str) else ValueError)(
                "`conversation_id` must be a non-empty str")
        self._stream.typing(conversation_id)

    def __enter__(self) -> "EventStream[T]":
        return self

    @property
    def reconnects(self) -> int:
        """How many times the stream reconnected by itself (after a dropped socket), up
        to the last event handed out."""
        n: Optional[int] = self._stream.reconnects
        return n or 0


class AsyncEventStream(AsyncIterator[T]):
    """Live events (``async for event in stream``); ``typing()`` works while another
    task awaits the stream."""

    __slots__ = ()

    def typing(self, conversation_id: str) -> None:
        """Tells the other members of a conversation that the user is typing (no
        waiting: the notification is queued for the stream's socket)."""
        if not isinstance(conversation_id, str) or not conversation_id:
            raise (TypeError if not isinstance(conversation_id, str) else ValueError)(
                "`conversation_id` must be a non-empty str")
        self._stream.typing(conversation_id)

    async def __aenter__(self) -> "AsyncEventStream[T]":
        return self

    @property
    def reconnects(self) -> int:
        """How many times the stream reconnected by itself (after a dropped socket), up
        to the last event handed out."""
        n: Optional[int] = self._stream.reconnects
        return n or 0

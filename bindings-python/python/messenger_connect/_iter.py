"""Iterators over the extension's streams (sync and async)."""

from __future__ import annotations

from collections import deque
from types import TracebackType
from typing import Any, Callable, Deque, Generic, Optional, Type, TypeVar

T = TypeVar("T")


class _Base(Generic[T]):
    __slots__ = ("_stream", "_wrap", "_buffer", "_done", "_batch")

    def __init__(self, stream: Any, wrap: Callable[[Any], T], batch: int = 1000) -> None:
        self._stream = stream
        self._wrap = wrap
        # Items are fetched from the extension a page at a time (``batch`` at most);
        # pages and events one by one, so ``next_link`` / ``last_seq`` match what the
        # caller has received.
        self._batch = batch
        # Items of the current page, received in one crossing into the extension.
        self._buffer: Deque[Any] = deque()
        self._done = False

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
    """Items one by one; the next page is fetched while the caller works on this one."""

    __slots__ = ()

    def __iter__(self) -> "SyncIterator[T]":
        return self

    def __next__(self) -> T:
        if not self._buffer:
            if self._done:
                raise StopIteration
            batch = self._stream.next_batch(self._batch)
            if not batch:
                self._done = True
                raise StopIteration
            self._buffer.extend(batch)
        return self._wrap(self._buffer.popleft())

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

    __slots__ = ()

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
        return self._wrap(self._buffer.popleft())

    async def __aenter__(self) -> "AsyncIterator[T]":
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

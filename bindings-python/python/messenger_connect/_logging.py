"""Routes the Rust core's ``tracing`` events to :mod:`logging`, under the
``messenger_connect`` logger (``messenger_connect.http``, ``.auth``, ``.sync``,
``.events``); see the README's "Logging".

The extension caches each logger's effective level so that a disabled event costs
nothing; the cache is refreshed here at import and whenever :mod:`logging` clears its own
level cache, which every level change does (``Logger.setLevel``, ``logging.disable``,
``basicConfig``, ``dictConfig``, pytest's ``caplog.set_level``). A level assigned to
``Logger.level`` directly is seen after the next such change, or after
:func:`refresh_levels`.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from . import _native

__all__ = ["refresh_levels"]


def refresh_levels() -> None:
    """Re-reads the levels of the ``messenger_connect`` loggers."""
    _native._refresh_log_levels()


def _install() -> None:
    manager_cls: Any = logging.Manager
    original: Callable[[Any], None] = getattr(manager_cls, "_clear_cache", None)  # type: ignore[assignment]
    if original is not None and not getattr(original, "_messenger_connect", False):

        def _clear_cache(self: Any) -> None:
            original(self)
            try:
                refresh_levels()
            except Exception:  # never break logging configuration
                pass

        setattr(_clear_cache, "_messenger_connect", True)
        manager_cls._clear_cache = _clear_cache
    refresh_levels()


_install()

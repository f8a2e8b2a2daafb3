"""``Filter``: an OData ``$filter`` builder whose literals are always escaped by the
client (``Filter.eq("displayName", "O'Brien")`` → ``displayName eq 'O''Brien'``).
Combine with ``&``, ``|`` and ``~``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Iterable, Union

Literal = Union[str, int, float, bool, None, datetime]

__all__ = ["Filter", "Literal"]


class Filter:
    __slots__ = ("_node",)

    def __init__(self, node: Dict[str, Any]) -> None:
        self._node = node

    def to_node(self) -> Dict[str, Any]:
        """The tree handed to the extension (which renders and escapes it)."""
        return self._node

    @staticmethod
    def _cmp(op: str, field: str, value: Literal) -> "Filter":
        if not isinstance(field, str):
            raise TypeError("a filter field must be a str")
        if not isinstance(value, (str, int, float, bool, datetime)) and value is not None:
            raise TypeError(f"unsupported filter value type {type(value).__name__}")
        return Filter({"op": op, "field": field, "value": value})

    @staticmethod
    def eq(field: str, value: Literal) -> "Filter":
        return Filter._cmp("eq", field, value)

    @staticmethod
    def ne(field: str, value: Literal) -> "Filter":
        return Filter._cmp("ne", field, value)

    @staticmethod
    def gt(field: str, value: Literal) -> "Filter":
        return Filter._cmp("gt", field, value)

    @staticmethod
    def ge(field: str, value: Literal) -> "Filter":
        return Filter._cmp("ge", field, value)

    @staticmethod
    def lt(field: str, value: Literal) -> "Filter":
        return Filter._cmp("lt", field, value)

    @staticmethod
    def le(field: str, value: Literal) -> "Filter":
        return Filter._cmp("le", field, value)

    @staticmethod
    def startswith(field: str, prefix: str) -> "Filter":
        if not isinstance(prefix, str):
            raise TypeError("startswith needs a str")
        return Filter._cmp("startswith", field, prefix)

    @staticmethod
    def endswith(field: str, suffix: str) -> "Filter":
        if not isinstance(suffix, str):
            raise TypeError("endswith needs a str")
        return Filter._cmp("endswith", field, suffix)

    @staticmethod
    def contains(field: str, text: str) -> "Filter":
        if not isinstance(text, str):
            raise TypeError("contains needs a str")
        return Filter._cmp("contains", field, text)

    @staticmethod
    def is_in(field: str, values: Iterable[Literal]) -> "Filter":
        return Filter({"op": "in", "field": field, "values": list(values)})

    @staticmethod
    def any(collection: str, inner: "Filter") -> "Filter":
        """``collection/any(x: inner)``; the inner filter's fields are the element's."""
        return Filter({"op": "any", "field": collection, "inner": inner._node})

    def __and__(self, other: "Filter") -> "Filter":
        return Filter({"op": "and", "left": self._node, "right": _node(other)})

    def __or__(self, other: "Filter") -> "Filter":
        return Filter({"op": "or", "left": self._node, "right": _node(other)})

    def __invert__(self) -> "Filter":
        return Filter({"op": "not", "inner": self._node})

    def __repr__(self) -> str:
        return f"Filter({self._node!r})"


def _node(f: object) -> Dict[str, Any]:
    if not isinstance(f, Filter):
        raise TypeError(f"expected a Filter, not {type(f).__name__}")
    return f._node


def query_dict(
    filter: "Filter | None",
    orderby: "str | Iterable[str] | None",
    select: "Iterable[str] | None",
    top: "int | None",
    skip: "int | None" = None,
    count: bool = False,
    search: "str | None" = None,
) -> Dict[str, Any]:
    """Keyword arguments of a listing → the dict the extension checks and converts."""
    if filter is not None and not isinstance(filter, Filter):
        raise TypeError("`filter` must be a messenger_connect.Filter")
    for name, n in (("top", top), ("skip", skip)):
        if n is not None and (isinstance(n, bool) or not isinstance(n, int)):
            raise TypeError(f"`{name}` must be an int")
    if isinstance(orderby, str):
        orderby = [k.strip() for k in orderby.split(",")]
    if isinstance(select, str):
        select = [s.strip() for s in select.split(",")]
    return {
        "filter": filter.to_node() if filter is not None else None,
        "orderby": list(orderby) if orderby is not None else None,
        "select": list(select) if select is not None else None,
        "top": top,
        "skip": skip,
        "count": bool(count),
        "search": search,
    }

"""``Filter``: an OData ``$filter`` builder whose literals are always escaped by the
client (``Filter.eq("displayName", "O'Brien")`` → ``displayName eq 'O''Brien'``).
Combine with ``&``, ``|`` and ``~``.

A filter is core's JSON form of a filter (``spec/query.schema.json``): ``to_node()``
gives it, ``Filter(node)`` takes one (e.g. stored, or from another binding); the
extension checks it (errors name the path, e.g. ``filter.filters[1].value``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Iterable, List, Union

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
        return Filter({"op": op, "property": field, "value": _literal(value)})

    @staticmethod
    def raw(text: str) -> "Filter":
        """A ``$filter`` text as is (the caller escapes its literals)."""
        if not isinstance(text, str):
            raise TypeError("a raw filter needs a str")
        return Filter({"op": "raw", "text": text})

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
        return Filter({"op": "in", "property": field, "values": [_literal(v) for v in values]})

    @staticmethod
    def any(collection: str, inner: "Filter") -> "Filter":
        """``collection/any(x: inner)``; the inner filter's fields are the element's."""
        return Filter({"op": "any", "property": collection, "filter": _node(inner)})

    def __and__(self, other: "Filter") -> "Filter":
        return self._join("and", other)

    def __or__(self, other: "Filter") -> "Filter":
        return self._join("or", other)

    def __invert__(self) -> "Filter":
        return Filter({"op": "not", "filter": self._node})

    def _join(self, op: str, other: "Filter") -> "Filter":
        # a & b & c is one "and" of three (not nested ones), so chains stay shallow.
        parts: List[Dict[str, Any]] = []
        for node in (self._node, _node(other)):
            parts.extend(node["filters"] if node.get("op") == op else [node])
        return Filter({"op": op, "filters": parts})

    def __repr__(self) -> str:
        return f"Filter({self._node!r})"


def _literal(value: Literal) -> Any:
    if isinstance(value, datetime):
        return {"dateTime": value.isoformat()}
    if not isinstance(value, (str, int, float, bool)) and value is not None:
        raise TypeError(f"unsupported filter value type {type(value).__name__}")
    return value


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
    """Keyword arguments of a listing → core's JSON form of a query (checked by the
    extension, before any request). ``orderby`` keys are ``"field"`` or ``"field desc"``."""
    if filter is not None and not isinstance(filter, Filter):
        raise TypeError("`filter` must be a messenger_connect.Filter")
    for name, n in (("top", top), ("skip", skip)):
        if n is not None and (isinstance(n, bool) or not isinstance(n, int)):
            raise TypeError(f"`{name}` must be an int")
    if isinstance(orderby, str):
        orderby = orderby.split(",")
    if isinstance(select, str):
        select = [s.strip() for s in select.split(",")]
    q: Dict[str, Any] = {
        "filter": filter.to_node() if filter is not None else None,
        "orderBy": [_order_key(k) for k in orderby] if orderby is not None else None,
        "select": list(select) if select is not None else None,
        "top": top,
        "skip": skip,
        "count": True if count else None,
        "search": search,
    }
    return {k: v for k, v in q.items() if v is not None}


def _order_key(key: str) -> Dict[str, Any]:
    parts = key.split() if isinstance(key, str) else []
    if len(parts) == 2 and parts[1] in ("asc", "desc"):
        return {"property": parts[0], "desc": parts[1] == "desc"}
    return {"property": key.strip() if isinstance(key, str) else key, "desc": False}

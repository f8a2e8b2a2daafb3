"""Keyword arguments → the wire-form bodies core decodes (camelCase). Wrong types raise
TypeError here, before any request."""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, Iterable, Mapping, Optional, Union

from .errors import invalid_argument

EmailArg = Union[str, Mapping[str, Any]]


def check_str(name: str, value: Any, *, optional: bool = True) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise TypeError(f"`{name}` must be a str, not {type(value).__name__}")


def check_id(name: str, value: Any) -> None:
    check_str(name, value, optional=False)
    if not value.strip():
        raise invalid_argument(name, f"`{name}` must not be empty")


def _emails(emails: Iterable[EmailArg]) -> list[Dict[str, Any]]:
    out: list[Dict[str, Any]] = []
    if isinstance(emails, (str, bytes)):
        raise TypeError("`emails` must be a list of addresses or dicts")
    for e in emails:
        if isinstance(e, str):
            out.append({"value": e})
        elif isinstance(e, Mapping):
            out.append(dict(e))
        else:
            raise TypeError("each email must be a str or a dict")
    return out


def contact_body(
    *,
    display_name: Optional[str] = None,
    given_name: Optional[str] = None,
    family_name: Optional[str] = None,
    nickname: Optional[str] = None,
    emails: Optional[Iterable[EmailArg]] = None,
    phone_numbers: Optional[Iterable[Union[str, Mapping[str, Any]]]] = None,
    birthday: Optional[date] = None,
    note: Optional[str] = None,
    tags: Optional[Iterable[str]] = None,
) -> Dict[str, Any]:
    body: Dict[str, Any] = {}
    for key, name, value in (
        ("displayName", "display_name", display_name),
        ("nickname", "nickname", nickname),
        ("note", "note", note),
    ):
        check_str(name, value)
        if value is not None:
            body[key] = value
    name_part: Dict[str, Any] = {}
    for key, arg, value in (("givenName", "given_name", given_name), ("familyName", "family_name", family_name)):
        check_str(arg, value)
        if value is not None:
            name_part[key] = value
    if name_part:
        body["name"] = name_part
    if emails is not None:
        body["emails"] = _emails(emails)
    if phone_numbers is not None:
        body["phoneNumbers"] = [
            {"value": p} if isinstance(p, str) else dict(p) for p in phone_numbers
        ]
    if birthday is not None:
        if not isinstance(birthday, date):
            raise TypeError("`birthday` must be a datetime.date")
        body["birthday"] = birthday.isoformat()
    if tags is not None:
        if isinstance(tags, str):
            raise TypeError("`tags` must be a list of str")
        body["tags"] = list(tags)
        for t in body["tags"]:
            check_str("tags[]", t, optional=False)
    return body

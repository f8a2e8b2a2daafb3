"""The shared fault scenarios (``spec/scenarios/*.json``; format in its README) run by
this package: each scenario is a test case of its own, ``<file>::<scenario name>``, run
with the blocking ``Client`` (``test_scenario``) and with ``AsyncClient``
(``test_scenario_async``). A case passes, fails with every unmet expectation of the
first step that went wrong, or is skipped with the reason its file gives for the
``python`` runner. Mirrors core's runner (``core/tests/scenarios.rs``).

Every scenario gets a fresh in-process mock server (``testing.MockServer``); its setup
and faults go through the mock's typed control plane (``MockServer.call``, the mock
crate's ``Control::call``); its expectations are checked against the scenario file, the
control plane and the request journal, never against the client itself. Each client
call is bounded (``STEP_DEADLINE``) and each scenario too (pytest-timeout), so a hung
wait fails with the scenario's name.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import re
import signal
import threading
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import FrameType
from typing import Any, Dict, Iterator, List, Mapping, Optional, Union

import pytest

from messenger_connect import AsyncClient, Client, MessengerConnectError, TokenSet
from messenger_connect.testing import ALL_SCOPES, MockApp, MockControlError, MockServer

#: This runner's key in a scenario's ``skip``.
RUNNER = "python"
#: The folder of the scenario files.
DIR = Path(__file__).resolve().parents[2] / "spec" / "scenarios"
#: The longest a client call of a step may take (a hung wait fails the step by name).
STEP_DEADLINE = 20.0
#: The longest a whole scenario may take (pytest-timeout; fails the case by name).
SCENARIO_DEADLINE = 90
#: The redirect URI of the scenario's app (never visited).
REDIRECT_URI = "http://127.0.0.1:9/callback"

Json = Any


def _load(name: str) -> Json:
    return json.loads((DIR / name).read_text())


def scenario_files() -> List[str]:
    """The scenario files: the ``*.json`` files of the folder with a ``scenarios`` list
    (not the schema, not fixtures such as ``error-kinds.json``)."""
    return sorted(p.name for p in DIR.glob("*.json") if "scenarios" in _load(p.name))


def _cases() -> List[Any]:
    return [
        pytest.param(file, scenario, id=f"{file}::{scenario['name']}")
        for file in scenario_files()
        for scenario in _load(file)["scenarios"]
    ]


CASES = _cases()


# ------------------------------------------------------------------------ the files


def test_every_file_fits_the_schema_and_names_are_unique() -> None:
    schema = _load("scenario.schema.json")
    files = scenario_files()
    assert files, f"no scenario file in {DIR}"
    names: List[str] = []
    for file in files:
        doc = _load(file)
        errors = validate(schema, schema, doc)
        assert not errors, f"{file} does not fit the schema:\n" + "\n".join(errors)
        names += [s["name"] for s in doc["scenarios"]]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert not duplicates, f"scenario names used twice: {duplicates}"


# ------------------------------------------------------------------------ the cases


@pytest.mark.timeout(SCENARIO_DEADLINE)
@pytest.mark.parametrize(("file", "scenario"), CASES)
def test_scenario(file: str, scenario: Json) -> None:
    """One scenario with the blocking ``Client``."""
    _run(scenario, asynchronous=False)


@pytest.mark.timeout(SCENARIO_DEADLINE)
@pytest.mark.parametrize(("file", "scenario"), CASES)
def test_scenario_async(file: str, scenario: Json) -> None:
    """One scenario with ``AsyncClient``."""
    _run(scenario, asynchronous=True)


def _run(scenario: Json, *, asynchronous: bool) -> None:
    reason = (scenario.get("skip") or {}).get(RUNNER)
    if reason:
        pytest.skip(str(reason))
    why = asyncio.run(run_scenario(scenario, asynchronous))
    if why is not None:
        pytest.fail(f"scenario {scenario['name']}: FAILED\n    " + why.replace("\n", "\n    "), pytrace=False)


async def run_scenario(scenario: Json, asynchronous: bool) -> Optional[str]:
    """Runs the scenario's steps in order: None when every expectation held, else why
    not (the first failing step, with every unmet expectation of it)."""
    world = World(scenario, asynchronous)
    try:
        for i, step in enumerate(scenario["steps"], 1):
            problems = await world.step(step)
            if problems:
                return f"step {i} ({_step_name(step)}): " + "\n".join(problems)
        return None
    finally:
        await world.close()


def _step_name(step: Json) -> str:
    return str(step.get("call") or step.get("control") or "?")


class ScenarioError(Exception):
    """A scenario this runner cannot map onto the binding (an unknown call, a body
    field without an argument): always a failure, whatever the step expects."""


class StepTimeout(Exception):
    """A client call of a step took longer than ``STEP_DEADLINE``."""


# ----------------------------------------------------------------------- the world


class World:
    """A scenario's world: its mock server, the client under test, the saved values."""

    def __init__(self, scenario: Json, asynchronous: bool) -> None:
        self.asynchronous = asynchronous
        # The default configuration (3 users with 50 contacts, seed 1), as `reset {}` keeps it.
        self.mock = MockServer()
        self.client: Union[Client, AsyncClient, None] = None
        self.device: Any = None
        try:
            self._setup(scenario)
        except BaseException:
            self.mock.close()
            raise

    def _setup(self, scenario: Json) -> None:
        spec: Mapping[str, Any] = scenario.get("client") or {}
        reset = self.mock.call("reset", scenario.get("mock") or {})
        out = self.mock.call("createApp", {"name": "Scenario App", "redirectUris": [REDIRECT_URI],
                                           "scopes": list(ALL_SCOPES)})
        app = MockApp(out["clientId"], out.get("clientSecret"))
        self.vars: Dict[str, Json] = {"users": reset["users"], "app": {"clientId": app.client_id}}

        retry: Mapping[str, Any] = spec.get("retry") or {}
        options: Dict[str, Any] = {
            "max_attempts": retry.get("maxAttempts", 4),
            "initial_backoff": retry.get("initialBackoffMs", 10) / 1000,
            "max_backoff": retry.get("maxBackoffMs", 100) / 1000,
            "max_retry_after": retry.get("maxRetryAfterMs", 60000) / 1000,
            # `contacts.list` is one page (core's `list_contacts`): no request for the
            # next page in the background, which the step's journal would see.
            "page_prefetch": False,
        }
        if spec.get("clientId", True):
            options["client_id"] = app.client_id
            options["client_secret"] = app.client_secret
        if "requestTimeoutMs" in spec:
            options["request_timeout"] = spec["requestTimeoutMs"] / 1000
        if "totalTimeoutMs" in spec:
            options["total_timeout"] = spec["totalTimeoutMs"] / 1000
        if spec.get("signedIn", True):
            user = int(spec.get("user", 0))
            users = self.vars["users"]
            if user >= len(users):
                raise ScenarioError(f"no seeded user {user}")
            options["tokens"] = self.mock.mint_token(
                users[user]["id"], spec.get("scopes", ALL_SCOPES), app=app, expires_in=spec.get("expiresIn"))
        store = spec.get("tokenStore", "none")
        if store == "failing":
            # A store that cannot save (a full disk): the call that obtained new tokens
            # must fail with a TokenStoreError.
            options["on_tokens"] = _failing_store
        elif store != "none":
            raise ScenarioError(f"unknown tokenStore {store!r}")
        cls = AsyncClient if self.asynchronous else Client
        self.client = cls(self.mock.url, **options)

    async def close(self) -> None:
        client, self.client = self.client, None
        try:
            if isinstance(client, AsyncClient):
                await client.aclose()
            elif client is not None:
                client.close()
        finally:
            self.mock.close()

    async def step(self, step: Json) -> List[str]:
        """Runs one step; its unmet expectations (empty when it went as expected)."""
        problems: List[str] = []
        try:
            args = interpolate(step.get("args") or {}, self.vars)
        except ScenarioError as e:
            return [str(e)]
        expect: Mapping[str, Any] = step.get("expect") or {}
        result: Json = None
        error: Optional[BaseException] = None
        started = time.monotonic()
        if "control" in step:
            try:
                result = self.mock.call(step["control"], args)
            except MockControlError as e:
                problems.append(f"control call failed: {e}")
        else:
            self.mock.call("clearRequests")
            try:
                result = await self._bounded(self.call(step["call"], args))
            except StepTimeout:
                problems.append(f"no answer within {STEP_DEADLINE:g} s")
            except ScenarioError as e:
                problems.append(f"cannot run: {e}")
            except Exception as e:  # checked against `expect.error` below
                error = e
        elapsed_ms = (time.monotonic() - started) * 1000
        want_error = expect.get("error")
        if problems:
            pass
        elif error is None and want_error is None:
            if "result" in expect:
                try:
                    matches(interpolate(expect["result"], self.vars), result, "result", problems)
                except ScenarioError as e:
                    problems.append(str(e))
        elif error is None:
            problems.append(f"succeeded, expected an error: {json.dumps(result, default=str)}")
        elif want_error is None:
            problems.append(f"failed: {_describe(error)}")
        else:
            check_error(want_error, error, problems)
        if "journal" in expect:
            try:
                journal = interpolate(expect["journal"], self.vars)
            except ScenarioError as e:
                problems.append(str(e))
            else:
                check_journal(journal, self.mock.call("requests", {})["requests"], problems)
        bounds: Mapping[str, Any] = expect.get("elapsedMs") or {}
        if "min" in bounds and elapsed_ms < bounds["min"]:
            problems.append(f"took {elapsed_ms:.0f} ms, less than {bounds['min']} ms")
        if "max" in bounds and elapsed_ms > bounds["max"]:
            problems.append(f"took {elapsed_ms:.0f} ms, more than {bounds['max']} ms")
        if not problems and "save" in step and error is None:
            self.vars[step["save"]] = result
        return problems

    async def _bounded(self, call: Any) -> Json:
        """Awaits a client call under ``STEP_DEADLINE``: ``asyncio.wait_for`` for
        ``AsyncClient``; for the blocking ``Client``, a timer that interrupts the main
        thread with a signal (a blocking native call checks for signals while it waits,
        then gives up its wait)."""
        if self.asynchronous:
            try:
                return await asyncio.wait_for(call, STEP_DEADLINE)
            except asyncio.TimeoutError:
                raise StepTimeout() from None
        with _deadline(STEP_DEADLINE):
            return await call

    async def call(self, op: str, args: Mapping[str, Any]) -> Json:
        """Runs a client operation of the scenario vocabulary (README's table) with the
        binding's public API; its result as wire JSON (camelCase, as the server sends)."""
        c: Any = self.client
        if op == "me.get":
            return (await _done(c.me())).to_dict()
        if op == "users.get":
            return (await _done(c.user(args.get("id")))).to_dict()
        if op == "status.set":
            _known(op, args, {"message", "presence"})
            return (await _done(c.set_status(args.get("message"), presence=args.get("presence")))).to_dict()
        if op == "contacts.list":
            _known(op, args, {"top"})
            pages = c.contacts.pages(top=args.get("top"))
            try:
                page = await _next(pages)
            finally:
                pages.close()
            if page is None:
                return {"items": [], "nextLink": None}
            return {"items": [x.to_dict() for x in page.items], "nextLink": page.next_link}
        if op == "contacts.get":
            return (await _done(c.contacts.get(args.get("id")))).to_dict()
        if op == "contacts.create":
            return (await _done(c.contacts.create(**_contact_kwargs(op, args.get("body", {}))))).to_dict()
        if op == "contacts.update":
            kwargs = _contact_kwargs(op, args.get("body", {}))
            return (await _done(c.contacts.update(args.get("id"), if_match=args.get("ifMatch"), **kwargs))).to_dict()
        if op == "contacts.delete":
            await _done(c.contacts.delete(args.get("id"), if_match=args.get("ifMatch")))
            return None
        if op == "contacts.sync":
            round_ = await _done(c.contacts.sync(args.get("deltaLink")))
            return {"upserted": [u.id for u in round_.upserts], "removed": list(round_.removed),
                    "deltaLink": round_.delta_link}
        if op == "activities.create":
            kwargs = _activity_kwargs(args.get("body", {}))
            return (await _done(c.activities.create(idempotency_key=args.get("idempotencyKey"), **kwargs))).to_dict()
        if op == "invitations.create":
            _known(op, args, {"email", "contactId", "message"})
            made = c.invitations.create(email=args.get("email"), contact_id=args.get("contactId"),
                                        message=args.get("message"))
            return (await _done(made)).to_dict()
        if op == "events.collect":
            return await self._collect(args.get("since"), int(args.get("count", 1)))
        if op == "auth.device.start":
            self.device = await _done(c.start_device_authorization(args.get("scopes", [])))
            return {"userCode": self.device.user_code, "verificationUri": self.device.verification_uri,
                    "expiresIn": self.device.expires_in, "interval": self.device.interval}
        if op == "auth.device.poll":
            if self.device is None:
                raise ScenarioError("auth.device.poll before auth.device.start")
            poll = await _done(c.poll_device_token_once(self.device))
            state = {"pending": "pending", "slow_down": "slowDown", "complete": "complete"}.get(poll.status)
            if state is None:
                raise ScenarioError(f"a device poll of unknown status {poll.status!r}")
            return {"state": state, "interval": poll.interval} if state == "slowDown" else {"state": state}
        if op == "auth.refresh":
            tokens: TokenSet = await _done(c.refresh_tokens())
            return {"scopes": list(tokens.scopes)}
        raise ScenarioError(f"unknown call `{op}`")

    async def _collect(self, since: Optional[int], count: int) -> Json:
        """``events.collect``: opens the live events (from ``since``), takes ``count``
        events (each with the stream's ``last_seq`` after it), closes."""
        c: Any = self.client
        stream = await _done(c.events(since=since))
        events: List[Json] = []
        try:
            for _ in range(count):
                event = await _next(stream)
                if event is None:
                    break
                events.append({"seq": stream.last_seq, "type": event.type})
            return {"events": events, "lastSeq": stream.last_seq, "reconnects": stream.reconnects}
        finally:
            stream.close()


def _failing_store(tokens: TokenSet) -> None:
    raise OSError("disk full")


async def _done(value: Any) -> Any:
    """The value of a call of either client: awaited for ``AsyncClient``."""
    if inspect.isawaitable(value):
        return await value
    return value


async def _next(stream: Any) -> Any:
    """The next item of a stream of either client, or None at its end."""
    if hasattr(stream, "__anext__"):
        try:
            return await stream.__anext__()
        except StopAsyncIteration:
            return None
    return next(stream, None)


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raises ``StepTimeout`` in the main thread after ``seconds`` (SIGUSR1 from a timer
    thread); nothing once the block has ended. Outside the main thread: no bound here
    (pytest-timeout still ends the case)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    armed = [True]
    main = threading.main_thread().ident
    assert main is not None

    def on_signal(signum: int, frame: Optional[FrameType]) -> None:
        if armed[0]:
            raise StepTimeout()

    previous = signal.signal(signal.SIGUSR1, on_signal)
    timer = threading.Timer(seconds, signal.pthread_kill, (main, signal.SIGUSR1))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        armed[0] = False
        timer.cancel()
        timer.join()
        signal.signal(signal.SIGUSR1, previous)


def _known(op: str, args: Mapping[str, Any], names: set[str]) -> None:
    unknown = set(args) - names
    if unknown:
        raise ScenarioError(f"{op}: arguments this runner does not map: {sorted(unknown)}")


_CONTACT_ARGS = {
    "displayName": "display_name",
    "nickname": "nickname",
    "note": "note",
    "emails": "emails",
    "phoneNumbers": "phone_numbers",
    "tags": "tags",
}
_NAME_ARGS = {"givenName": "given_name", "familyName": "family_name"}


def _contact_kwargs(op: str, body: Mapping[str, Any]) -> Dict[str, Any]:
    """A ``ContactCreate`` / ``ContactUpdate`` body (wire form) as the keyword arguments
    of ``contacts.create`` / ``contacts.update``."""
    out: Dict[str, Any] = {}
    for key, value in body.items():
        if key == "name":
            for part, v in dict(value).items():
                if part not in _NAME_ARGS:
                    raise ScenarioError(f"{op}: no argument for `name.{part}`")
                out[_NAME_ARGS[part]] = v
        elif key == "birthday":
            out["birthday"] = date.fromisoformat(value)
        elif key in _CONTACT_ARGS:
            out[_CONTACT_ARGS[key]] = value
        else:
            raise ScenarioError(f"{op}: no argument for the body field `{key}`")
    return out


def _activity_kwargs(body: Mapping[str, Any]) -> Dict[str, Any]:
    """An ``ActivityCreate`` body (wire form) as the arguments of ``activities.create``."""
    out: Dict[str, Any] = {}
    for key, value in body.items():
        if key in ("type", "content", "name", "url"):
            out[key] = value
        elif key == "image" and set(dict(value)) <= {"url"}:
            out["image_url"] = value.get("url")
        else:
            raise ScenarioError(f"activities.create: no argument for the body field `{key}`")
    return out


def _describe(e: BaseException) -> str:
    return f"{type(e).__module__}.{type(e).__qualname__}: {e!r}"


# ----------------------------------------------------------------- expectations


def check_error(want: Mapping[str, Any], e: BaseException, problems: List[str]) -> None:
    """The error against ``expect.error``: its own class (core's class name, which is
    this package's class name), status, code, target, Retry-After."""
    if not isinstance(e, MessengerConnectError):
        problems.append(f"raised {_describe(e)}, not an error of messenger_connect (expected {want['class']})")
        return
    cls = type(e).__name__
    if cls != want["class"]:
        problems.append(f"error class {cls}, expected {want['class']}: {e}")
    if "status" in want and e.status != want["status"]:
        problems.append(f"status {e.status}, expected {want['status']}: {e}")
    if "code" in want and e.code != want["code"]:
        problems.append(f"code {e.code!r}, expected {want['code']}: {e}")
    if "target" in want and e.target != want["target"]:
        problems.append(f"target {e.target!r}, expected {want['target']}")
    if "retryAfterSeconds" in want and e.retry_after != want["retryAfterSeconds"]:
        problems.append(f"retry-after {e.retry_after!r}, expected {want['retryAfterSeconds']} s")


def path_matches(pattern: str, path: str) -> bool:
    """A journal path pattern: exact, or a prefix ending with ``*``."""
    return path.startswith(pattern[:-1]) if pattern.endswith("*") else pattern == path


def check_journal(want: List[Json], entries: List[Json], problems: List[str]) -> None:
    """Each journal matcher against the entries with its path and method."""
    for w in want:
        pattern = w.get("path", "*")
        method = w.get("method")
        label = f"journal {method or '*'} {pattern}"
        seen = [e for e in entries if path_matches(pattern, e["path"])
                and (method is None or str(e["method"]).upper() == method.upper())]
        statuses = [e["status"] for e in seen]
        if "count" in w and len(seen) != w["count"]:
            problems.append(f"{label}: {len(seen)} requests {statuses}, expected {w['count']}")
        if "statuses" in w:
            matches(w["statuses"], statuses, f"{label} statuses", problems)
        if w.get("sameIdempotencyKey") is True:
            keys = [e.get("idempotencyKey") for e in seen]
            if not keys or not keys[0] or any(k != keys[0] for k in keys):
                problems.append(f"{label}: idempotency keys {keys} are not one key")
        if "entries" in w:
            matches(w["entries"], seen, f"{label} entries", problems)


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def matches(expected: Json, actual: Json, path: str, problems: List[str]) -> None:
    """``expected`` against ``actual``: objects as subsets, arrays item by item (same
    length), other values equal; ``{"$len": n}``, ``{"$exists": bool}``, ``{"$gte": n}``,
    ``{"$lte": n}``."""
    if isinstance(expected, dict) and expected and next(iter(expected)).startswith("$"):
        op, arg = next(iter(expected.items()))
        if op == "$len":
            ok = isinstance(actual, (list, str)) and len(actual) == arg
        elif op == "$exists":
            ok = arg is (actual is not None)
        elif op in ("$gte", "$lte"):
            ok = _number(actual) and _number(arg) and (actual >= arg if op == "$gte" else actual <= arg)
        else:
            problems.append(f"{path}: unknown matcher {op}")
            return
        if not ok:
            problems.append(f"{path}: {json.dumps(actual)} does not satisfy {op} {json.dumps(arg)}")
        return
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k, v in expected.items():
            matches(v, actual.get(k), f"{path}.{k}", problems)
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            problems.append(f"{path}: {len(actual)} items, expected {len(expected)}: {json.dumps(actual)}")
            return
        for i, (w, h) in enumerate(zip(expected, actual)):
            matches(w, h, f"{path}.{i}", problems)
    elif _number(expected) and _number(actual):
        if expected != actual:
            problems.append(f"{path}: {actual}, expected {expected}")
    elif type(expected) is not type(actual) or expected != actual:
        problems.append(f"{path}: {json.dumps(actual)}, expected {json.dumps(expected)}")


# -------------------------------------------------------------------- references


_REF = re.compile(r"\$\{([^}]*)\}")


def interpolate(value: Json, vars: Mapping[str, Json]) -> Json:
    """``"${a.b.0.c}"`` replaced by the value it names; a reference inside a longer
    string substituted as text."""
    if isinstance(value, str):
        whole = _REF.fullmatch(value)
        if whole:
            return lookup(whole.group(1), vars)
        if "${" in value and value.count("${") != len(_REF.findall(value)):
            raise ScenarioError(f"unclosed reference in {value}")

        def text(m: "re.Match[str]") -> str:
            v = lookup(m.group(1), vars)
            return v if isinstance(v, str) else json.dumps(v)

        return _REF.sub(text, value)
    if isinstance(value, list):
        return [interpolate(v, vars) for v in value]
    if isinstance(value, dict):
        return {k: interpolate(v, vars) for k, v in value.items()}
    return value


def lookup(path: str, vars: Mapping[str, Json]) -> Json:
    first, *rest = path.split(".")
    if first not in vars:
        raise ScenarioError(f"no saved value `{first}`")
    at: Json = vars[first]
    for part in rest:
        if isinstance(at, list) and part.isdigit() and int(part) < len(at):
            at = at[int(part)]
        elif isinstance(at, dict) and part in at:
            at = at[part]
        else:
            raise ScenarioError(f"`{path}` names nothing")
    return at


# ---------------------------------------------------------------------- the schema


def _type_ok(t: str, v: Json) -> bool:
    return {
        "object": isinstance(v, dict),
        "array": isinstance(v, list),
        "string": isinstance(v, str),
        "integer": isinstance(v, int) and not isinstance(v, bool),
        "number": _number(v),
        "boolean": isinstance(v, bool),
        "null": v is None,
    }.get(t, True)


def validate(root: Json, schema: Json, value: Json, path: str = "$", depth: int = 0) -> List[str]:
    """Errors of ``value`` against ``schema`` (the subset of JSON Schema the scenario
    schema uses, as core's runner checks it, plus ``pattern`` and ``propertyNames``),
    each with its JSON path."""
    errors: List[str] = []
    if depth > 64:
        return [f"{path}: schema nested too deeply"]
    if schema is False:
        return [f"{path}: not allowed"]
    if not isinstance(schema, dict):
        return []
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target: Json = root
        for part in ref.lstrip("#").strip("/").split("/") if ref != "#" else []:
            target = target.get(part) if isinstance(target, dict) else None
        if target is None:
            errors.append(f"{path}: unresolved $ref {ref}")
        else:
            errors += validate(root, target, value, path, depth + 1)
    t = schema.get("type")
    if t is not None:
        types = [t] if isinstance(t, str) else list(t)
        if not any(_type_ok(x, value) for x in types):
            return errors + [f"{path}: {json.dumps(value)} is not of type {t}"]
    if "enum" in schema and not any(value == e and type(value) is type(e) for e in schema["enum"]):
        errors.append(f"{path}: {json.dumps(value)} is not one of {json.dumps(schema['enum'])}")
    for key in ("allOf", "anyOf", "oneOf"):
        if key not in schema:
            continue
        results = [validate(root, sub, value, path, depth + 1) for sub in schema[key]]
        passing = sum(1 for r in results if not r)
        if key == "allOf":
            errors += [e for r in results for e in r]
        elif key == "anyOf" and passing == 0:
            errors.append(f"{path}: matches none of anyOf: {results}")
        elif key == "oneOf" and passing != 1:
            errors.append(f"{path}: matches {passing} of oneOf")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{path}: missing required `{name}`")
        props = schema.get("properties", {})
        for k, item in value.items():
            if "propertyNames" in schema:
                errors += validate(root, schema["propertyNames"], k, f"{path}.{k} (name)", depth + 1)
            if k in props:
                errors += validate(root, props[k], item, f"{path}.{k}", depth + 1)
            elif "additionalProperties" in schema:
                errors += validate(root, schema["additionalProperties"], item, f"{path}.{k}", depth + 1)
    elif isinstance(value, list):
        if "items" in schema:
            for i, item in enumerate(value):
                errors += validate(root, schema["items"], item, f"{path}[{i}]", depth + 1)
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: fewer than minItems")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{path}: more than maxItems")
    elif isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{path}: shorter than minLength")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{path}: longer than maxLength")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{path}: `{value}` does not match {schema['pattern']}")
    elif _number(value):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: below minimum")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: above maximum")
    return errors


def test_the_validator_refuses_what_the_schema_forbids() -> None:
    """The validator above is not a no-op: a scenario with an unknown call, a bad name
    and a skip for an unknown runner is refused."""
    schema = _load("scenario.schema.json")
    bad = {"area": "x", "scenarios": [{"name": "Bad Name", "description": "d",
                                       "steps": [{"call": "me.fly"}], "skip": {"cobol": "no"}}]}
    errors = validate(schema, schema, bad)
    assert any("Bad Name" in e for e in errors), errors
    assert any("me.fly" in e for e in errors), errors
    assert any("cobol" in e for e in errors), errors

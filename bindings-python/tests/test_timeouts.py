"""The suite's per-test timeout (pytest-timeout, ``timeout`` in pyproject.toml) ends a
test that hangs inside a blocking native call, fails it by name, and lets the run go on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HUNG = '''
from messenger_connect.testing import MockServer


def test_hangs_waiting_for_an_event(mock_server: MockServer) -> None:
    with mock_server.client() as c, c.events(ping_interval=None) as events:
        next(iter(events))  # no event ever comes


def test_after_the_hung_one() -> None:
    assert 1 + 1 == 2
'''


def test_a_hung_native_call_fails_by_name_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "test_hung.py").write_text(HUNG)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--timeout=2",
         "--timeout-method=signal", "test_hung.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert "FAILED test_hung.py::test_hangs_waiting_for_an_event" in out, out
    assert "Timeout" in out, out
    assert "1 failed, 1 passed" in out, out

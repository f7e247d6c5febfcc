"""Secrets in account mode (issue #12, the leak checks of test_secrets.py
extended): ``suno-tui tasks`` and ``suno-tui balance``, with --json, run with
a distinctive API key and access token (``access_token``,
``access_token_command``, ``SUNO_TUI_ACCESS_TOKEN``) against the simulator on
loopback; then neither credential (nor a recognisable part) may be in
stdout, stderr or any file the command wrote. Error paths too: a refused
access token (HTTP 200, ``success: false``), a refused key, refusals that
echo the credential they got (as HTTP 200 and 401), and a base URL with
``user:password`` in it (answering, and unreachable).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from suno_tui.cli import main
from suno_tui.simulator import ManualClock, Simulator, SimulatorThread, seed_demo
from tests.reliability.cli import clean_env
from tests.reliability.gateway import Answer, ScriptedGateway, Seen

KEY = "sk-LEAKCHECK-0123456789abcdef"
ACCESS = "acc-LEAKACCESS-fedcba9876543210"
PASSWORD = "pw-LEAKPASS-13579"
MARKERS = (KEY, KEY[3:], "LEAKCHECK", ACCESS, ACCESS[4:], "LEAKACCESS", PASSWORD, "LEAKPASS")


@pytest.fixture(params=["new-api", "one-hub"])
def sim(request: pytest.FixtureRequest) -> Iterator[tuple[Simulator, str]]:
    simulator = Simulator(
        seed=5,
        token=KEY,
        access_token=ACCESS,
        clock=ManualClock(time.time()),
        account_flavour=request.param,
    )
    seed_demo(simulator)
    with SimulatorThread(simulator) as base_url:
        yield simulator, base_url
    assert not simulator.errors


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in list(os.environ):
        if key.startswith("SUNO_TUI_"):
            monkeypatch.delenv(key)
    for key, value in clean_env(tmp_path).items():
        if key.startswith(("SUNO_TUI_", "XDG_")) or key == "HOME":
            monkeypatch.setenv(key, value)
    return tmp_path


def invoke(capfdbinary: pytest.CaptureFixture[bytes], argv: list[str]) -> tuple[int, bytes]:
    try:
        code = main(argv)
    except BaseException as error:  # nothing may escape; if it does, not with a secret
        for marker in MARKERS:
            assert marker not in repr(error) and marker not in str(error)
        raise
    out, err = capfdbinary.readouterr()
    return code, out + err


def assert_no_secret_anywhere(output: bytes, home: Path) -> None:
    for marker in MARKERS:
        assert marker.encode() not in output, output.decode("utf-8", "replace")
    allowed = {home / "config.toml", home / "print-access.py"}
    for path in (p for p in home.rglob("*") if p.is_file() and p not in allowed):
        data = path.read_bytes()
        for marker in MARKERS:
            assert marker.encode() not in data, path


def _config(home: Path, body: str) -> Path:
    path = home / "config.toml"
    path.write_text(body, encoding="utf-8")
    path.chmod(0o600)
    return path


def give_access_token(source: str, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if source == "env":
        monkeypatch.setenv("SUNO_TUI_ACCESS_TOKEN", ACCESS)
        return
    if source == "config":
        body = f'access_token = "{ACCESS}"\n'
    else:  # access_token_command
        script = home / "print-access.py"
        script.write_text(f"print({ACCESS!r})\n", encoding="utf-8")
        body = f"access_token_command = {json.dumps(f'{sys.executable} {script}')}\n"
    monkeypatch.setenv("SUNO_TUI_CONFIG", str(_config(home, body)))


COMMANDS = {
    "tasks": ["tasks"],
    "tasks-json": ["tasks", "--json"],
    "balance": ["balance"],
    "balance-json": ["balance", "--json"],
    "config-show": ["config", "show"],
}


@pytest.mark.parametrize("source", ["env", "config", "access_token_command"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_tasks_and_balance_show_no_credential(
    command: str,
    source: str,
    sim: tuple[Simulator, str],
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfdbinary: pytest.CaptureFixture[bytes],
) -> None:
    simulator, base_url = sim
    monkeypatch.setenv("SUNO_TUI_BASE_URL", base_url)
    monkeypatch.setenv("SUNO_TUI_TOKEN", KEY)
    monkeypatch.setenv("SUNO_TUI_USER_ID", str(simulator.user_id))
    give_access_token(source, home, monkeypatch)
    code, output = invoke(capfdbinary, COMMANDS[command])
    assert code == 0, output.decode("utf-8", "replace")
    assert_no_secret_anywhere(output, home)
    if command.startswith("tasks"):  # the access token was really in play
        assert simulator.stats.requests["account_task_self"] > 0
    if command.startswith("balance"):
        assert simulator.stats.requests["account_billing_subscription"] > 0
    if command == "config-show" and source != "access_token_command":
        assert b'access_token = "***"' in output


def test_a_refused_access_token(
    sim: tuple[Simulator, str],
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfdbinary: pytest.CaptureFixture[bytes],
) -> None:
    """Refused with HTTP 200 and success false: exit 3, naming the credential, not showing it."""
    simulator, base_url = sim
    monkeypatch.setenv("SUNO_TUI_BASE_URL", base_url)
    monkeypatch.setenv("SUNO_TUI_TOKEN", KEY)
    monkeypatch.setenv("SUNO_TUI_USER_ID", str(simulator.user_id))
    monkeypatch.setenv("SUNO_TUI_ACCESS_TOKEN", ACCESS + "-wrong")
    for argv in (["tasks"], ["tasks", "--json"]):
        code, output = invoke(capfdbinary, argv)
        assert code == 3, output
        assert b"access token" in output.lower()
        assert_no_secret_anywhere(output, home)


def test_a_refused_key_for_the_balance(
    sim: tuple[Simulator, str],
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfdbinary: pytest.CaptureFixture[bytes],
) -> None:
    _, base_url = sim
    monkeypatch.setenv("SUNO_TUI_BASE_URL", base_url)
    monkeypatch.setenv("SUNO_TUI_TOKEN", KEY + "-wrong")
    for argv in (["balance"], ["balance", "--json"]):
        code, output = invoke(capfdbinary, argv)
        assert code == 3, output
        assert_no_secret_anywhere(output, home)


# -- refusals that echo the credential ---------------------------------------------------


def _echo(seen: Seen) -> Answer:
    """A gateway that refuses everything and repeats what it was sent."""
    said = f"invalid token {seen.headers.get('authorization', '')}"
    if seen.path.startswith("/api/task/self"):  # new-api: HTTP 200, success false
        body = {"success": False, "message": f"Unauthorized, {said}"}
        return Answer(200, {"content-type": "application/json"}, json.dumps(body).encode())
    if seen.path.startswith("/api/usage/token"):
        body = {"success": False, "message": said, "data": None}
        return Answer(200, {"content-type": "application/json"}, json.dumps(body).encode())
    if seen.path == "/dashboard/billing/subscription":  # an OpenAI-style error with a 200
        body = {"error": {"message": said, "type": "new_api_error"}}
        return Answer(200, {"content-type": "application/json"}, json.dumps(body).encode())
    body = {"error": {"message": said, "type": "new_api_error"}}
    return Answer(401, {"content-type": "application/json"}, json.dumps(body).encode())


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    server = ScriptedGateway(_echo)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.mark.parametrize("argv", [["tasks"], ["tasks", "--json"], ["balance", "--json"]])
def test_refusals_that_echo_the_credential(
    argv: list[str],
    echo_url: str,
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfdbinary: pytest.CaptureFixture[bytes],
) -> None:
    monkeypatch.setenv("SUNO_TUI_BASE_URL", echo_url)
    monkeypatch.setenv("SUNO_TUI_TOKEN", KEY)
    monkeypatch.setenv("SUNO_TUI_ACCESS_TOKEN", ACCESS)
    monkeypatch.setenv("SUNO_TUI_USER_ID", "7")
    code, output = invoke(capfdbinary, argv)
    assert code in (3, 4), output
    assert_no_secret_anywhere(output, home)
    assert b"invalid token" in output  # redacted, not dropped


def test_a_base_url_with_a_password(
    sim: tuple[Simulator, str],
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfdbinary: pytest.CaptureFixture[bytes],
) -> None:
    simulator, base_url = sim
    monkeypatch.setenv("SUNO_TUI_TOKEN", KEY)
    monkeypatch.setenv("SUNO_TUI_ACCESS_TOKEN", ACCESS)
    monkeypatch.setenv("SUNO_TUI_USER_ID", str(simulator.user_id))
    answering = base_url.replace("://", f"://leakuser:{PASSWORD}@")
    unreachable = f"http://leakuser:{PASSWORD}@127.0.0.1:9"  # discard: nobody listens
    for url in (answering, unreachable):
        monkeypatch.setenv("SUNO_TUI_BASE_URL", url)
        for argv in (["tasks"], ["tasks", "--json"], ["balance"], ["balance", "--json"]):
            code, output = invoke(capfdbinary, argv)
            assert code in (0, 2, 4), output
            assert_no_secret_anywhere(output, home)

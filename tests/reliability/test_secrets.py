"""Secrets (issue #8, item 5): the token appears nowhere but where the user
put it.

Every headless command (fetch, fetch --json, watch --json, download, submit
--json, config show) runs with a distinctive token given by environment
variable, flag, config file and token_command, against a scripted gateway
that checks the token arrived. Then the token (and its distinctive middle
part) must not be in stdout, stderr, the state file (and its WAL), the
download folder (the JSON sidecars included), any other file the command
wrote, or the message of an exception; the asset requests must not carry it
(a CDN is not the gateway). Error paths too: a 401 and a 500 whose messages
echo the token (also cut at the 300-character limit mid-token), a network
error, broken config files, a failing token_command, a token that cannot go
in a header. Config files that hold it are 0600 after ``config init`` and
``config set``, and an existing one readable by others draws a warning.
The TUI screenshots (screenshots/*.svg) must not hold the simulator's token.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from suno_tui.cli import main
from suno_tui.simulator import Simulator
from tests.fixtures import shapes
from tests.reliability.cli import REPO, clean_env, run
from tests.reliability.gateway import Answer, ScriptedGateway, Seen

TOKEN = "sk-LEAKCHECK-0123456789abcdef"
MARKERS = (TOKEN, TOKEN[3:], "LEAKCHECK")  # the token, or any recognisable part of it
TASK = "leak-task-1"
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 400
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 400


class Gateway:
    """Answers like a gateway that only accepts TOKEN; ``mode`` makes it hostile."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.server = ScriptedGateway(self.answer)
        self.base_url = ""

    def task(self) -> dict[str, Any]:
        task = shapes.success_task(TASK)
        for clip in task["data"]:
            clip["audio_url"] = f"{self.base_url}/assets/{clip['id']}.mp3?sig=abc"
            clip["image_large_url"] = f"{self.base_url}/assets/{clip['id']}.jpeg"
            clip["video_url"] = ""
        return task

    def answer(self, seen: Seen) -> Answer:
        if seen.path.startswith("/assets/"):
            if seen.path.split("?")[0].endswith(".mp3"):
                return Answer(200, {"content-type": "audio/mpeg"}, MP3)
            return Answer(200, {"content-type": "image/jpeg"}, JPEG)
        presented = seen.headers.get("authorization", "")
        echo = f"无效的令牌 {presented}"
        if self.mode == "refuse" or presented != f"Bearer {TOKEN}":
            body = {"error": {"message": echo, "type": "new_api_error"}}
            return Answer(401, {"content-type": "application/json"}, json.dumps(body).encode())
        if self.mode == "error":
            body = {"code": "get_tasks_failed", "message": echo, "data": None}
            return Answer(500, {"content-type": "application/json"}, json.dumps(body).encode())
        if self.mode == "cut":  # the 300-character cut lands inside the token
            message = "x" * 277 + echo  # 9 characters of the token before the cut
            body = {"code": "get_tasks_failed", "message": message, "data": None}
            return Answer(500, {"content-type": "application/json"}, json.dumps(body).encode())
        if self.mode == "html":
            page = f"<html><title>401 {presented}</title></html>".encode()
            return Answer(401, {"content-type": "text/html"}, page)
        if seen.path == "/suno/fetch":
            return Answer(200, {}, json.dumps(shapes.envelope([self.task()])).encode())
        if seen.path.startswith("/suno/fetch/"):
            return Answer(200, {}, json.dumps(shapes.envelope(self.task())).encode())
        if seen.path.startswith("/suno/submit/"):
            return Answer(200, {}, json.dumps(shapes.envelope(TASK)).encode())
        return Answer(404, {}, b"{}")


@pytest.fixture(scope="module")
def gateway() -> Iterator[Gateway]:
    gw = Gateway()
    gw.base_url = gw.server.start()
    try:
        yield gw
    finally:
        gw.server.stop()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gateway: Gateway) -> Path:
    """An environment of nothing but tmp_path, pointed at the gateway."""
    gateway.mode = "ok"
    gateway.server.seen.clear()
    for key in list(os.environ):
        if key.startswith("SUNO_TUI_"):
            monkeypatch.delenv(key)
    for key, value in clean_env(tmp_path, SUNO_TUI_BASE_URL=gateway.base_url).items():
        if key.startswith(("SUNO_TUI_", "XDG_")) or key == "HOME":
            monkeypatch.setenv(key, value)
    return tmp_path


def _config(home: Path, body: str) -> Path:
    path = home / "config.toml"
    path.write_text(body, encoding="utf-8")
    path.chmod(0o600)
    return path


def _token_script(home: Path, *, output: str, status: int = 0, stderr: str = "") -> str:
    script = home / "print-token.py"
    script.write_text(
        "import sys\n"
        f"sys.stdout.write({output!r})\n"
        f"sys.stderr.write({stderr!r})\n"
        f"sys.exit({status})\n",
        encoding="utf-8",
    )
    return f"{sys.executable} {script}"


def give_token(source: str, home: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Put the token where ``source`` says; returns the flags to add."""
    if source == "env":
        monkeypatch.setenv("SUNO_TUI_TOKEN", TOKEN)
    elif source == "config":
        monkeypatch.setenv("SUNO_TUI_CONFIG", str(_config(home, f'token = "{TOKEN}"\n')))
    elif source == "token_command":
        command = _token_script(home, output=TOKEN + "\n")
        config = _config(home, f"token_command = {json.dumps(command)}\n")
        monkeypatch.setenv("SUNO_TUI_CONFIG", str(config))
    elif source == "flag":
        return ["--token", TOKEN]
    return []


def invoke(
    capfdbinary: pytest.CaptureFixture[bytes], argv: list[str], *, stdin: str = ""
) -> tuple[int, bytes]:
    """Run the command in this process; (exit code, stdout + stderr bytes)."""
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(argv)
    except BaseException as error:  # nothing may escape; if it does, not with the token
        for marker in MARKERS:
            assert marker not in repr(error) and marker not in str(error)
        raise
    finally:
        sys.stdin = old_stdin
    out, err = capfdbinary.readouterr()
    return code, out + err


def assert_no_token_anywhere(output: bytes, home: Path, *, allowed: set[Path]) -> None:
    for marker in MARKERS:
        assert marker.encode() not in output, output.decode("utf-8", "replace")
    written = [p for p in home.rglob("*") if p.is_file() and p not in allowed]
    for path in written:  # state.db, -wal, -shm, music/*, sidecars, .part.meta...
        data = path.read_bytes()
        for marker in MARKERS:
            assert marker.encode() not in data, path


def _allowed(home: Path) -> set[Path]:
    return {home / "config.toml", home / "print-token.py"}


COMMANDS = {
    "fetch": ["fetch", TASK],
    "fetch-json": ["fetch", "--json", TASK],
    "watch-json": ["watch", "--json", "--interval", "2", TASK],
    "download": ["download", "--concurrency", "1", TASK],
    "submit-json": ["submit", "--json", "--prompt", "la la", "--title", "t"],
    "config-show": ["config", "show"],
}


@pytest.mark.parametrize("source", ["env", "flag", "config", "token_command"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_command_shows_the_token(
    command: str,
    source: str,
    home: Path,
    gateway: Gateway,
    monkeypatch: pytest.MonkeyPatch,
    capfdbinary: pytest.CaptureFixture[bytes],
) -> None:
    argv = COMMANDS[command]
    flags = give_token(source, home, monkeypatch)
    argv = [*argv, *flags] if command == "config-show" else [argv[0], *flags, *argv[1:]]
    code, output = invoke(capfdbinary, argv)
    assert code == 0, output.decode("utf-8", "replace")
    assert_no_token_anywhere(output, home, allowed=_allowed(home))
    api = [s for s in gateway.server.seen if not s.path.startswith("/assets/")]
    assets = [s for s in gateway.server.seen if s.path.startswith("/assets/")]
    if command == "config-show":
        assert not gateway.server.seen
        if source != "token_command":  # a command is shown, never run
            assert b'token = "***"' in output
    else:  # the token was really in play, in the header and nowhere else
        assert api and all(s.headers["authorization"] == f"Bearer {TOKEN}" for s in api)
    if command == "download":
        assert {s.path.rsplit(".", 1)[-1][:4] for s in assets} == {"mp3?", "jpeg"}
        assert all("authorization" not in s.headers for s in assets)  # not sent to a CDN
        assert (home / "music").is_dir() and any((home / "music").glob("*.json"))


@pytest.mark.parametrize("mode", ["refuse", "error", "cut", "html"])
@pytest.mark.parametrize("command", ["fetch-json", "watch-json", "download", "submit-json"])
def test_errors_that_echo_the_token(
    command: str,
    mode: str,
    home: Path,
    gateway: Gateway,
    monkeypatch: pytest.MonkeyPatch,
    capfdbinary: pytest.CaptureFixture[bytes],
) -> None:
    gateway.mode = mode
    monkeypatch.setenv("SUNO_TUI_TOKEN", TOKEN)
    argv = COMMANDS[command]
    if command == "watch-json":
        argv = [*argv[:1], "--unreachable-after", "0", *argv[1:]]
    code, output = invoke(capfdbinary, argv)
    assert code == (3 if mode in ("refuse", "html") else 4), output
    assert_no_token_anywhere(output, home, allowed=_allowed(home))
    text = output.decode("utf-8")
    if mode in ("refuse", "error"):
        assert "无效的令牌 Bearer ***" in text  # redacted, not dropped
    for size in range(4, len(TOKEN)):  # a message cut short keeps at most 3 characters
        assert TOKEN[:size] + "…" not in text


def test_network_error(
    home: Path, monkeypatch: pytest.MonkeyPatch, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.setenv("SUNO_TUI_TOKEN", TOKEN)
    monkeypatch.setenv("SUNO_TUI_BASE_URL", "http://127.0.0.1:9")  # discard: nobody listens
    for argv in (
        ["fetch", TASK],
        ["watch", "--unreachable-after", "0", TASK],
        ["download", TASK],
        ["submit", "--prompt", "x"],
    ):
        code, output = invoke(capfdbinary, argv)
        assert code == 4, output
        assert_no_token_anywhere(output, home, allowed=_allowed(home))


BAD_CONFIGS = {
    "unterminated-string": f'token = "{TOKEN}\nbase_url = "https://x"\n',
    "token-with-space": f'token = "{TOKEN} extra"\n',
    "token-with-control": f'token = "{TOKEN}\\u0001"\n',
    "token-wrong-type": f'token = ["{TOKEN}"]\n',
    "profile-typo": f'[profiles.work]\ntokn = "{TOKEN}"\n',
    "duplicate-key": f'token = "{TOKEN}"\ntoken = "{TOKEN}"\n',
}


@pytest.mark.parametrize("name", sorted(BAD_CONFIGS))
def test_broken_config_files(
    name: str,
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfdbinary: pytest.CaptureFixture[bytes],
) -> None:
    config = _config(home, BAD_CONFIGS[name])
    for argv in (
        ["fetch", "--config", str(config), TASK],
        ["config", "show", "--config", str(config)],
    ):
        code, output = invoke(capfdbinary, argv)
        assert code == 2, output
        assert b"error" in output
        assert_no_token_anywhere(output, home, allowed=_allowed(home))


TOKEN_COMMANDS = {
    "fails-after-printing": {"output": TOKEN + "\n", "status": 1, "stderr": f"oops {TOKEN}\n"},
    "prints-junk-after-it": {"output": f"{TOKEN} and more\n"},
    "prints-nothing": {"output": "", "stderr": f"no token; last one was {TOKEN}\n"},
}


@pytest.mark.parametrize("name", sorted(TOKEN_COMMANDS))
def test_failing_token_command(
    name: str,
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfdbinary: pytest.CaptureFixture[bytes],
) -> None:
    command = _token_script(home, **TOKEN_COMMANDS[name])  # type: ignore[arg-type]
    config = _config(home, f"token_command = {json.dumps(command)}\n")
    code, output = invoke(capfdbinary, ["fetch", "--config", str(config), TASK])
    assert code == 2, output
    assert b"token_command" in output
    assert_no_token_anywhere(output, home, allowed=_allowed(home))


def test_a_token_that_cannot_go_in_a_header(
    home: Path, monkeypatch: pytest.MonkeyPatch, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    for bad in (f"{TOKEN}\x01", f"{TOKEN}\nX-Evil: 1", f"{TOKEN}é"):
        code, output = invoke(capfdbinary, ["fetch", "--token", bad, TASK])
        assert code == 2, output
        assert_no_token_anywhere(output, home, allowed=_allowed(home))


def test_errors_in_a_real_process_hold_no_token(home: Path, gateway: Gateway) -> None:
    """The same in a subprocess: nothing printed at exit (warnings, tracebacks)."""
    gateway.mode = "refuse"
    env = clean_env(
        home,
        SUNO_TUI_BASE_URL=gateway.base_url,
        SUNO_TUI_TOKEN=TOKEN,
        PYTHONWARNINGS="always",
        PYTHONDEVMODE="1",
    )
    for argv in (["fetch", TASK], ["watch", TASK], ["download", TASK]):
        ran = run(argv, env)
        assert ran.code == 3, ran.stderr
        assert b"Traceback" not in ran.stderr
        assert_no_token_anywhere(ran.output, home, allowed=_allowed(home))


# -- config files holding the token ------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_config_init_and_set_write_0600(
    home: Path, monkeypatch: pytest.MonkeyPatch, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.setattr(os, "umask", os.umask)  # restored either way
    old = os.umask(0o022)  # a usual umask: new files would be 0644
    try:
        first = home / "a" / "config.toml"
        code, output = invoke(
            capfdbinary,
            ["config", "init", "--config", str(first), "--token-stdin"],
            stdin=TOKEN + "\n",
        )
        assert code == 0 and _mode(first) == 0o600
        assert TOKEN in first.read_text()
        assert_no_token_anywhere(output, home, allowed={first})

        second = home / "b" / "config.toml"
        code, output = invoke(
            capfdbinary, ["config", "set", "--config", str(second), "token", TOKEN]
        )
        assert code == 0 and _mode(second) == 0o600
        assert_no_token_anywhere(output, home, allowed={first, second})

        code, output = invoke(
            capfdbinary,
            ["config", "set", "--config", str(second), "profiles.work.token", "-"],
            stdin=TOKEN,
        )
        assert code == 0 and _mode(second) == 0o600
        assert re.search(r"\[profiles\.work\]\s*\ntoken = ", second.read_text())
        assert_no_token_anywhere(output, home, allowed={first, second})
    finally:
        os.umask(old)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_readable_config_holding_the_token_draws_a_warning(
    mode: int,
    home: Path,
    gateway: Gateway,
    monkeypatch: pytest.MonkeyPatch,
    capfdbinary: pytest.CaptureFixture[bytes],
) -> None:
    config = _config(home, f'token = "{TOKEN}"\n')
    config.chmod(mode)
    code, output = invoke(capfdbinary, ["fetch", "--config", str(config), TASK])
    assert code == 0
    assert b"readable by other users" in output and b"chmod 600" in output
    assert _mode(config) == mode  # warned about, not changed behind the user's back
    code, output = invoke(capfdbinary, ["config", "set", "--config", str(config), "bell", "false"])
    assert code == 0 and _mode(config) == 0o600
    assert b"now has mode 0600" in output
    assert_no_token_anywhere(output, home, allowed=_allowed(home))


def test_a_readable_config_without_a_token_is_fine(
    home: Path, monkeypatch: pytest.MonkeyPatch, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.setenv("SUNO_TUI_TOKEN", TOKEN)
    config = _config(home, "bell = false\n")
    config.chmod(0o644)
    code, output = invoke(capfdbinary, ["fetch", "--config", str(config), TASK])
    assert code == 0 and b"readable by other users" not in output


# -- screenshots -----------------------------------------------------------------------------


def test_screenshots_hold_no_token() -> None:
    shots = sorted((REPO / "screenshots").glob("*.svg"))
    assert shots, "the committed screenshots (screenshots/*.svg) are missing"
    token = Simulator(seed=0).token  # scripts/screenshots.py draws with seed 0
    for shot in shots:
        text = shot.read_text(encoding="utf-8")
        assert token not in text and token[4:] not in text, shot
        assert "Bearer" not in text, shot

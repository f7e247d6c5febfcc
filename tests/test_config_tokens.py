"""token_command: running it, and failing without ever showing the token."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from suno_tui.config import ConfigError, Gateway, load_settings, run_token_command

TOKEN = "sk-DISTINCTIVE-7f3a9c0e"


def python_command(code: str) -> str:
    return shlex.join([sys.executable, "-c", code])


def test_token_command_output_is_the_token() -> None:
    gateway = Gateway("default", token_command=python_command("print('tok')"))
    assert gateway.resolve_token() == "tok"


def test_token_command_output_is_stripped_and_first_line_used() -> None:
    command = python_command(f"print('  {TOKEN}  '); print('login: me')")
    assert run_token_command(command, label="token_command") == TOKEN


def test_token_wins_over_token_command() -> None:
    gateway = Gateway("default", token="direct", token_command=python_command("print('tok')"))
    assert gateway.resolve_token() == "direct"


def test_no_token_at_all() -> None:
    assert Gateway("default").resolve_token() is None


def test_token_command_from_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    config = tmp_path / "config.toml"
    command = python_command("print('tok')").replace("\\", "\\\\").replace('"', '\\"')
    config.write_text(f'[profiles.work]\ntoken_command = "{command}"\n')
    settings = load_settings(config, env={}, overrides={"profile": "work"})
    assert settings.gateway.token is None
    assert settings.gateway.resolve_token() == "tok"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import sys; sys.exit(3)", "failed with exit status 3"),
        ("import sys; sys.stderr.write('vault locked\\n'); sys.exit(1)", "status 1: vault locked"),
        ("pass", "printed no token"),
        (f"print('{TOKEN} two words')", "printed something that is not a token"),
        (f"print('{TOKEN}\\x1b[2J')", "printed something that is not a token"),
    ],
)
def test_failing_token_command(code: str, expected: str) -> None:
    gateway = Gateway("work", token_command=python_command(code))
    with pytest.raises(ConfigError) as caught:
        gateway.resolve_token()
    message = str(caught.value)
    assert expected in message
    assert message.startswith("profile 'work': token_command")
    assert TOKEN not in message


def test_token_echoed_on_stderr_is_redacted() -> None:
    code = f"import sys; print('{TOKEN}'); sys.stderr.write('bad token {TOKEN}\\n'); sys.exit(2)"
    with pytest.raises(ConfigError) as caught:
        run_token_command(python_command(code), label="token_command")
    assert TOKEN not in str(caught.value)
    assert "bad token ***" in str(caught.value)


@pytest.mark.parametrize("hider", ["\u200b", "\u202e", "\x7f", "\x1b[31m", "\x9b0m", "\U000e0041"])
def test_token_split_by_what_the_cleaner_removes_is_redacted(hider: str) -> None:
    """Issue #21 item 5: the stderr was redacted, then cleaned, joining the halves again."""
    said = f"bad token {TOKEN[:6]}{hider}{TOKEN[6:]}\n"
    code = f"import sys; print('{TOKEN}'); sys.stderr.write({said!r}); sys.exit(2)"
    with pytest.raises(ConfigError) as caught:
        run_token_command(python_command(code), label="token_command")
    assert TOKEN not in str(caught.value)
    assert "bad token ***" in str(caught.value)


def test_missing_program() -> None:
    with pytest.raises(ConfigError, match="program not found: 'no-such-program-xyz'"):
        run_token_command("no-such-program-xyz --flag", label="token_command")


def test_timeout() -> None:
    command = python_command("import time; time.sleep(5)")
    with pytest.raises(ConfigError, match=r"did not finish within 0\.2 s"):
        run_token_command(command, label="token_command", timeout=0.2)


def test_command_is_not_run_through_a_shell(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    command = python_command("print('tok')") + f" ; touch {shlex.quote(str(marker))}"
    # With a shell this would print "tok" and create the marker; without one, python
    # gets the extra words as arguments and still prints "tok".
    assert run_token_command(command, label="token_command") == "tok"
    assert not marker.exists()

"""Completion hooks: JSON on stdin, facts in the environment, never a shell."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from suno_tui.engine.hooks import HookError, hook_argv, hook_environment, run_finish_hook

RECORDER = """
import json, os, sys
out = sys.argv[1]
data = sys.stdin.read()
env = {k: v for k, v in os.environ.items() if k.startswith("SUNO_TUI_")}
with open(out, "w", encoding="utf-8") as f:
    json.dump({"stdin": data, "env": env, "argv": sys.argv[1:]}, f)
"""


def recorder_command(tmp_path: Path) -> tuple[str, Path]:
    script = tmp_path / "record.py"
    script.write_text(RECORDER)
    out = tmp_path / "out.json"
    return shlex.join([sys.executable, str(script), str(out)]), out


async def test_hook_gets_task_on_stdin_and_facts_in_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUNO_TUI_TOKEN", "sk-SECRET-hook")
    command, out = recorder_command(tmp_path)
    marker = tmp_path / "pwned"
    title = f'"; touch {marker}; echo $(touch {marker}) `touch {marker}` #'
    task = {"task_id": "t-1", "status": "SUCCESS", "kind": "music", "title": title}

    await run_finish_hook(command, task, ["/music/a b.mp3", "/music/c.jpeg"])

    seen = json.loads(out.read_text())
    assert json.loads(seen["stdin"])["title"] == title
    assert seen["env"]["SUNO_TUI_TASK_ID"] == "t-1"
    assert seen["env"]["SUNO_TUI_STATUS"] == "SUCCESS"
    assert seen["env"]["SUNO_TUI_DOWNLOADS"].split("\n") == ["/music/a b.mp3", "/music/c.jpeg"]
    assert "SUNO_TUI_TOKEN" not in seen["env"]
    assert seen["argv"] == [str(out)]
    assert not marker.exists()


async def test_hook_stdin_escapes_what_a_terminal_could_obey(tmp_path: Path) -> None:
    """Issue #14 item 13b: like --json, not raw U+202E, C1 controls or surrogates."""
    command, out = recorder_command(tmp_path)
    title = "evil\u202egnp.exe \x9b31m \x9d0;x\x9c \u2066 \ud800 ok"
    task = {"task_id": "t-1", "status": "SUCCESS", "kind": "music", "title": title}

    await run_finish_hook(command, task)

    stdin = json.loads(out.read_text(encoding="utf-8"))["stdin"]
    for raw in ("\u202e", "\x9b", "\x9d", "\x9c", "\u2066", "\ud800"):
        assert raw not in stdin
    assert "\\u202e" in stdin and "\\u009b" in stdin
    assert json.loads(stdin)["title"] == title


async def test_failing_hook_raises_with_its_status(tmp_path: Path) -> None:
    command = shlex.join([sys.executable, "-c", "import sys; sys.exit(3)"])
    with pytest.raises(HookError, match="status 3"):
        await run_finish_hook(command, {"task_id": "t"})


async def test_missing_program_is_a_clear_error() -> None:
    with pytest.raises(HookError, match="cannot run 'no-such-program-xyz'"):
        await run_finish_hook("no-such-program-xyz --flag", {"task_id": "t"})


async def test_hook_that_hangs_is_killed() -> None:
    command = shlex.join([sys.executable, "-c", "import time; time.sleep(30)"])
    with pytest.raises(HookError, match="did not finish"):
        await run_finish_hook(command, {"task_id": "t"}, timeout=0.5)


def test_unbalanced_quotes_and_empty_commands_are_rejected() -> None:
    with pytest.raises(HookError, match="cannot split"):
        hook_argv('notify-send "oops')
    with pytest.raises(HookError, match="empty"):
        hook_argv("   ")


def test_environment_drops_the_token() -> None:
    env = hook_environment({"task_id": "x"}, [], base={"SUNO_TUI_TOKEN": "s", "HOME": "/h"})
    assert env["HOME"] == "/h"
    assert "SUNO_TUI_TOKEN" not in env


ENV_DUMP = """
import json, os, sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    json.dump(dict(os.environ), f)
"""


def _credential_variables() -> list[str]:
    """Every environment variable the configuration reads a secret from."""
    from suno_tui.config import ENV_VARS
    from suno_tui.config.schema import KEYS

    return sorted(var for var, key in ENV_VARS.items() if KEYS[key].secret)


async def test_a_real_hook_sees_no_credential_in_its_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #21 item 6: the access token reached the hook (only the API key was removed)."""
    credentials = _credential_variables()
    assert {"SUNO_TUI_TOKEN", "SUNO_TUI_ACCESS_TOKEN"} <= set(credentials)
    values = {var: f"SECRET-{index}-{var.lower()}" for index, var in enumerate(credentials)}
    for var, value in values.items():
        monkeypatch.setenv(var, value)
    monkeypatch.setenv("SUNO_TUI_PROFILE", "work")  # not a secret: it stays
    script = tmp_path / "dump_env.py"
    script.write_text(ENV_DUMP)
    out = tmp_path / "env.json"

    await run_finish_hook(shlex.join([sys.executable, str(script), str(out)]), {"task_id": "t"})

    seen = json.loads(out.read_text(encoding="utf-8"))
    assert seen["SUNO_TUI_TASK_ID"] == "t" and seen["SUNO_TUI_PROFILE"] == "work"
    assert not set(credentials) & set(seen)
    dumped = json.dumps(seen)
    for value in values.values():
        assert value not in dumped

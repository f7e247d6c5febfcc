"""The monitor's ``--account`` and ``--since`` reach the engine it opens.

The app is replaced by a stand-in (``build_app`` is the command's seam): what
is checked is the engine the command wired, not what Textual draws.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from suno_tui.cli import main
from suno_tui.engine.engine import Engine


class StandInApp:
    """What the command needs of the app: it runs, then says how it ended."""

    unknown_keys: tuple[str, ...] = ()
    crash_message = ""
    return_code = 0

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def run(self, **_: Any) -> None:
        asyncio.run(self.engine.aclose())  # closes the state file it opened


@pytest.fixture
def opened(isolated_user: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Engine]:
    """Run the monitor command with a stand-in app; the engines it opened."""
    engines: list[Engine] = []

    def build_app(settings: Any, engine: Engine, ids: list[str], **_: Any) -> StandInApp:
        engines.append(engine)
        return StandInApp(engine)

    monkeypatch.setattr("suno_tui.cli.monitor_cmd.build_app", build_app)
    monkeypatch.setattr("suno_tui.cli.monitor_cmd._is_terminal", lambda fd: True)
    monkeypatch.setenv("SUNO_TUI_BASE_URL", "http://127.0.0.1:9")  # nothing listens
    monkeypatch.setenv("SUNO_TUI_TOKEN", "sk-monitor-flags-1")
    monkeypatch.setenv("SUNO_TUI_STATE", str(tmp_path / "state.sqlite3"))
    return engines


def account_options(engines: list[Engine]) -> Any:
    assert len(engines) == 1, "the command opened no engine (or more than one)"
    feed = engines[0].account
    assert feed is not None, "the monitor's engine has no account feed"
    return feed.options


def test_account_follows_the_account(opened: list[Engine]) -> None:
    assert main(["--account"]) == 0
    assert account_options(opened).follow is True


def test_without_account_the_profile_decides(opened: list[Engine]) -> None:
    # follow_account is off in a fresh profile: discovery is by hand (A)
    assert main([]) == 0
    assert account_options(opened).follow is False


@pytest.mark.parametrize(
    ("since", "window"),
    [("2h", timedelta(hours=2)), ("7d", timedelta(days=7))],
)
def test_since_sets_how_far_back_the_first_look_goes(
    opened: list[Engine], since: str, window: timedelta
) -> None:
    assert main(["--account", "--since", since]) == 0
    assert account_options(opened).window == window


def test_the_window_is_a_day_by_default(opened: list[Engine]) -> None:
    assert main(["--account"]) == 0
    assert account_options(opened).window == timedelta(hours=24)

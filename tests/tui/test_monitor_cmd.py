"""``suno-tui [IDS...]``: the monitor command's wiring (the app runs headless)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from suno_tui.cli import main
from suno_tui.tracking.store import Store
from suno_tui.tui.app import MonitorApp

TOKEN = "sk-SECRET-monitor-4242"


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in (
        "SUNO_TUI_BASE_URL",
        "SUNO_TUI_PROFILE",
        "SUNO_TUI_CONFIG",
        "SUNO_TUI_STATE",
        "SUNO_TUI_TOKEN",
        "SUNO_TUI_DOWNLOAD_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("SUNO_TUI_BASE_URL", "http://127.0.0.1:9")  # nothing listens
    # The app runs headless here; the command itself asks for a terminal.
    monkeypatch.setattr("suno_tui.cli.monitor_cmd._is_terminal", lambda fd: True)
    yield


@pytest.fixture
def headless(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Run the app headless for one frame, note what it showed, then quit."""
    seen: dict[str, Any] = {}

    def run(self: MonitorApp, **kwargs: Any) -> Any:
        seen["mouse"] = kwargs.get("mouse")

        async def pilot(pilot: Any) -> None:
            await pilot.pause()
            seen["screen"] = self.export_screenshot()
            seen["order"] = self.task_list.order
            seen["status"] = self.query_one("#status").text  # type: ignore[attr-defined]
            seen["banner"] = str(self.query_one("#banner").render())
            seen["downloads"] = self.engine.downloads
            seen["clients"] = self.engine.clients
            await pilot.press("q")

        return App.run(self, headless=True, size=(120, 40), auto_pilot=pilot)

    monkeypatch.setattr(MonitorApp, "run", run)
    return seen


def test_importing_the_command_does_not_import_textual() -> None:
    code = (
        "import sys, suno_tui.cli.monitor_cmd;"
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules),"
        " 'httpx' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_help_lists_the_monitor_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for option in ("--ids-file", "--state", "--download-dir", "--no-mouse", "--interval", "--demo"):
        assert option in out


def test_without_a_token_it_opens_and_says_how_to_set_one(
    headless: dict[str, Any], tmp_path: Path
) -> None:
    code = main(["--state", str(tmp_path / "s.sqlite3")])
    assert code == 0
    assert "no token configured" in headless["banner"]
    assert "SUNO_TUI_TOKEN" in headless["banner"] and "config set token" in headless["banner"]
    assert "not polling" in headless["status"]
    assert headless["mouse"] is True


def test_ids_from_the_command_line_and_a_file_are_watched_and_saved(
    headless: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUNO_TUI_TOKEN", TOKEN)
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("file-1  # a comment\nfile-2,file-3\n")
    state = tmp_path / "s.sqlite3"
    code = main(
        [
            "cli-1",
            "cli-2",
            "--ids-file",
            str(ids_file),
            "--state",
            str(state),
            "--no-mouse",
            "--interval",
            "30",
        ]
    )
    assert code == 0
    assert sorted(headless["order"]) == ["cli-1", "cli-2", "file-1", "file-2", "file-3"]
    assert headless["mouse"] is False
    assert "every 30s" in headless["status"]
    assert TOKEN not in headless["screen"]
    with Store.open(state) as store:
        assert len(store.load_summaries()) == 5


def test_a_bad_id_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(["good-1", "bad/id", "--state", str(tmp_path / "s.sqlite3")])
    assert code == 2
    assert "not a valid task id" in capsys.readouterr().err


def test_demo_watches_simulated_tasks_and_prints_its_temp_paths(
    headless: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--demo"])
    assert code == 0
    assert len(headless["order"]) >= 10
    out = capsys.readouterr().out
    assert "demo state:" in out and "demo downloads:" in out
    state_dir = Path(out.split("demo state:")[1].split()[0])
    assert (state_dir / "state.sqlite3").exists()
    sim_token = "sim-" + hashlib.sha256(b"suno-tui-simulator:0").hexdigest()[:32]
    assert sim_token not in headless["screen"]
    # the top bar names the simulator (the screenshot is SVG: its spaces are &#160;)
    assert "demo: simulated gateway at 127.0.0.1:" in headless["screen"].replace("&#160;", " ")


def test_download_dir_and_profiles_reach_the_monitor(
    headless: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUNO_TUI_TOKEN", TOKEN)
    config = tmp_path / "config.toml"
    config.write_text(
        '[profiles.work]\nbase_url = "http://127.0.0.1:9"\ntoken = "sk-work-token-77"\n'
    )
    monkeypatch.setenv("SUNO_TUI_CONFIG", str(config))
    code = main(
        ["--state", str(tmp_path / "s.sqlite3"), "--download-dir", str(tmp_path / "dl"), "x-1"]
    )
    assert code == 0
    downloads = headless["downloads"]
    assert downloads is not None and downloads.directory == (tmp_path / "dl").resolve()
    assert headless["clients"].profiles() == ["default", "work"]
    assert "sk-work-token-77" not in headless["screen"] and TOKEN not in headless["screen"]


def test_a_bad_name_template_is_refused_at_start(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('name_template = "{nonsense}"\n')
    monkeypatch.setenv("SUNO_TUI_CONFIG", str(config))
    code = main(["--state", str(tmp_path / "s.sqlite3")])
    assert code == 2

"""The monitor's way to its first frame loads what that frame needs and no
more (issue #22, item 7): in a fresh interpreter, the monitor command's
start-up (the download settings check, the engine opened over a state file,
the app built) must not load httpx, the relay client, the download manager or
the transfer (nor the stats of ``i``, the player of ``l``, orjson, or tomllib
without a config file). They load when polling starts, right after the first
frame, on the first download, or when asked for. The time itself is the
benchmark row ``first-frame``.

The pattern, for whatever a new key needs: import its module inside the
method that first uses it (or build the object on first use, as
``PlayerControls.listening`` does), and name the module below.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: modules that may load only after the first frame
LATER = (
    "httpx",
    "suno_tui.relay.client",
    "suno_tui.relay.transport",
    "suno_tui.downloads.manager",
    "suno_tui.downloads.transfer.writer",
    "suno_tui.downloads.transfer.job",
    "suno_tui.downloads.files",
    "hashlib",
    "pathvalidate",
    "suno_tui.tracking.stats",
    "suno_tui.relay.account",
    "suno_tui.relay.envelope",
    "suno_tui.player",
    "suno_tui.engine.listening",
    "orjson",
    "tomllib",
    "suno_tui.engine.clip_commands",
    "suno_tui.engine.clip_extras",
    "suno_tui.downloads.timed_lyrics",
    "suno_tui.tui.detail.lineage_lines",
    "suno_tui.tui.clips.extend_form",
)

#: modules that load only when a key asks for them: not even the app's
#: mount, its first frame and the start of polling load them
ON_DEMAND = ("suno_tui.player", "suno_tui.engine.listening", "tomllib")

START_UP = """
import json, sys
from datetime import UTC, datetime
from pathlib import Path

from suno_tui.cli import monitor_cmd
from suno_tui.config import Gateway, Settings
from suno_tui.engine.compose import Wiring, open_engine

folder = Path(sys.argv[1])
settings = Settings(state_path=folder / "state.sqlite3", download_dir=folder / "songs")
settings = settings.with_gateway(Gateway(base_url="http://127.0.0.1:9", token="sk-test"))
monitor_cmd.check_download_settings(settings)
engine = open_engine(settings, Wiring())
app = monitor_cmd.build_app(
    settings, engine, [], clock=lambda: datetime.now(UTC), label="test", bell=False
)
assert engine.clients is not None and engine.clients.prepared() == ["default"]
later = json.loads(sys.argv[2])
print(json.dumps(sorted(name for name in later if name in sys.modules)))
"""


def _loaded_by_start_up(folder: Path) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", START_UP, str(folder), json.dumps(LATER)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout)
    return loaded


def test_the_monitor_start_up_leaves_the_network_and_downloads_for_later(
    tmp_path: Path,
) -> None:
    assert _loaded_by_start_up(tmp_path) == []


UNDOCUMENTED_DATACLASSES = """
import dataclasses, json, sys

from suno_tui.cli import monitor_cmd
from suno_tui.engine.compose import open_engine
from suno_tui.tui.app import MonitorApp

found = []
for name, module in list(sys.modules.items()):
    if name.startswith("suno_tui"):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and value.__module__ == name
                and dataclasses.is_dataclass(value)
                and (value.__doc__ or "").startswith(value.__name__ + "(")
            ):
                found.append(f"{name}.{value.__qualname__}")
print(json.dumps(sorted(found)))
"""


def test_the_dataclasses_on_the_way_to_the_first_frame_have_docstrings() -> None:
    """Without one, ``@dataclass`` writes one from ``inspect.signature`` of the
    class: ~0.4 ms each at start (a dozen made ~5 ms of the first frame)."""
    result = subprocess.run(
        [sys.executable, "-c", UNDOCUMENTED_DATACLASSES],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


RUN_TO_FIRST_FRAME = """
import asyncio, json, sys
from datetime import UTC, datetime
from pathlib import Path

from suno_tui.cli import monitor_cmd
from suno_tui.config import Gateway, Settings
from suno_tui.engine.compose import Wiring, open_engine
from tests.fixtures.notifications import RecordingApp, notes

folder = Path(sys.argv[1])
settings = Settings(state_path=folder / "state.sqlite3", download_dir=folder / "songs")
settings = settings.with_gateway(Gateway(base_url="http://127.0.0.1:9", token="sk-test"))
engine = open_engine(settings, Wiring(account=False))
app = monitor_cmd.build_app(
    settings, engine, [], clock=lambda: datetime.now(UTC), label="test", bell=False,
    env={"PATH": str(folder)},  # no player program on it
    app_class=RecordingApp,
)
on_demand = json.loads(sys.argv[2])
seen = {}


async def main():
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        for _ in range(200):  # bounded: polling starts right after the first frame
            if list(engine.clients.ready()):
                break
            await pilot.pause(0.05)
        assert list(engine.clients.ready()), "polling never started"
        seen["before"] = sorted(name for name in on_demand if name in sys.modules)
        await pilot.press("l")  # the first key: the player loads now, and answers
        seen["after"] = sorted(name for name in on_demand if name in sys.modules)
        seen["toasts"] = [note.message for note in notes(app)]


asyncio.run(main())
print(json.dumps(seen))
"""


def test_the_player_loads_at_the_first_l_and_that_l_does_its_job(tmp_path: Path) -> None:
    """After the first frame and the start of polling the player is still not
    loaded; the first ``l`` loads it and is answered (here: no player program
    is installed, which a toast says), not lost."""
    result = subprocess.run(
        [sys.executable, "-c", RUN_TO_FIRST_FRAME, str(tmp_path), json.dumps(ON_DEMAND)],
        cwd=ROOT,  # where the script imports tests.fixtures from
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["before"] == []
    assert seen["after"] == ["suno_tui.engine.listening", "suno_tui.player"]
    assert len(seen["toasts"]) == 1 and "looked for mpv and ffplay" in seen["toasts"][0]


class _Client:
    """A relay client that is never asked anything (the watch list is empty)."""

    batch_size = 50

    async def aclose(self) -> None:
        return None


async def test_the_poller_is_made_at_once_and_its_clients_when_polling_starts(
    tmp_path: Path,
) -> None:
    """The monitor shows the poller's status in its first frame (prepare_polling)
    and builds the clients after it (start)."""
    from suno_tui.config import Gateway, Settings
    from suno_tui.engine.compose import Wiring, open_engine

    built: list[str] = []

    def build(settings: Settings, gateway: Gateway) -> _Client:
        built.append(gateway.name)
        return _Client()

    settings = Settings(state_path=tmp_path / "state.sqlite3", download_dir=tmp_path / "songs")
    settings = settings.with_gateway(Gateway(base_url="http://127.0.0.1:9", token="sk-test"))
    engine = open_engine(settings, Wiring(build_client=build, account=False))
    try:
        engine.prepare_polling()
        assert engine.status is not None and engine.status.last_success_at is None
        assert built == []
        engine.start()
        assert built == ["default"]
        assert engine.clients is not None and list(engine.clients.ready()) == ["default"]
    finally:
        await engine.aclose()


async def test_the_stats_of_i_are_read_when_asked_for(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from suno_tui.cli import monitor_cmd
    from suno_tui.config import Gateway, Settings
    from suno_tui.engine.compose import Wiring, open_engine

    settings = Settings(state_path=tmp_path / "state.sqlite3", download_dir=tmp_path / "songs")
    settings = settings.with_gateway(Gateway(base_url="http://127.0.0.1:9", token="sk-test"))
    engine = open_engine(settings, Wiring(account=False))
    try:
        engine.add(["task-0001"])
        stats = monitor_cmd._stats(settings, lambda: datetime.now(UTC))
        assert stats.total == 1
    finally:
        await engine.aclose()

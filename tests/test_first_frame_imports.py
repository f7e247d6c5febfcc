"""The monitor's way to its first frame loads what that frame needs and no
more (issue #22, item 7): in a fresh interpreter, the monitor command's
start-up (the download settings check, the engine opened over a state file,
the app built) must not load httpx, the relay client, the download manager or
the transfer (nor the stats of ``i``). They load when polling starts, right
after the first frame, on the first download, or when asked for. The time
itself is the benchmark row ``first-frame``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

#: modules that may load only after the first frame
LATER = (
    "httpx",
    "suno_tui.relay.client",
    "suno_tui.relay.transport",
    "suno_tui.downloads.manager",
    "suno_tui.downloads.transfer.writer",
    "pathvalidate",
    "suno_tui.tracking.stats",
    "suno_tui.relay.account",
)

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

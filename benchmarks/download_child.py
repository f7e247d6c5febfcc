"""Row 9's child process: ``D`` through the engine, headless.

    python -m benchmarks.download_child BASE_URL TOKEN FOLDER TAGS ID [ID ...]

The tasks are watched in a fresh state file and fetched once (as a poll
would), then the engine is asked which are worth downloading (``D``'s
command) and downloads them with the monitor's settings, concurrency 4
(as curl's ``--parallel-max 4``); TAGS is ``tags`` or ``no-tags``
(``tag_mp3``: where the time goes), or ``wav`` (tags, and ``wav = true``:
each clip's WAV from a hosted gateway too). Prints JSON: the seconds from ``D`` to
the last task's end, the files in the folder, and the peak RSS
(VmHWM) after a quarter of the tasks and at the end.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from suno_tui.config import Gateway, Settings
from suno_tui.engine.clients import client_for
from suno_tui.engine.compose import Wiring, open_engine
from suno_tui.engine.events import DownloadEnded, EngineEvent
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import Tracker


def _peak_rss() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


async def main(
    base_url: str, token: str, folder: Path, tags: bool, ids: list[str], *, wav: bool = False
) -> dict[str, float]:
    settings = Settings(
        download_dir=folder / "downloads",
        state_path=folder / "state.sqlite3",
        poll_interval=3600.0,
        download_concurrency=4,
        bell=False,
        tag_mp3=tags,
        wav=wav,
        gateways={"default": Gateway("default", base_url, token)},
    )
    tracker = Tracker(Store.open(settings.state_path), clock=lambda: datetime.now(UTC))
    tracker.add(ids)
    async with client_for(settings) as client:
        tracker.apply(await client.fetch(ids))  # the poll that saw them finish
    engine = open_engine(settings, Wiring(account=False), tracker=tracker)
    ended: list[DownloadEnded] = []
    quarter: list[int] = []
    all_done = asyncio.Event()

    def listen(event: EngineEvent) -> None:
        if isinstance(event, DownloadEnded):
            ended.append(event)
            if len(ended) == max(1, len(ids) // 4):
                quarter.append(_peak_rss())
            if len(ended) == len(ids):
                all_done.set()

    engine.subscribe(listen)
    try:
        start = time.perf_counter()
        wanted = engine.worth_downloading()
        if sorted(wanted) != sorted(ids):
            raise SystemExit(f"D wanted {len(wanted)} of {len(ids)} tasks")
        engine.download(wanted)
        await asyncio.wait_for(all_done.wait(), 600)
        seconds = time.perf_counter() - start
    finally:
        await engine.aclose()
    failed = [e.outcome.task_id for e in ended if not e.outcome.complete]
    if failed:
        raise SystemExit(f"{len(failed)} task(s) not complete: {failed[:3]}")
    files = sum(1 for path in (folder / "downloads").rglob("*") if path.is_file())
    return {
        "seconds": seconds,
        "files": float(files),
        "peak_quarter": float(quarter[0]),
        "peak_end": float(_peak_rss()),
    }


if __name__ == "__main__":
    base_url, token, folder, tags, *ids = sys.argv[1:]
    figures = asyncio.run(
        main(base_url, token, Path(folder), tags != "no-tags", ids, wav=tags == "wav")
    )
    print(json.dumps(figures))

"""``W`` and ``L`` in the monitor (issue 19, items 5 and 6) against the
simulator in both gateway families: the WAV saved beside the mp3, the timed
lyrics as a ``.lrc`` and a SYLT frame, the detail showing the timed lines, and
on a stock gateway a refusal remembered, the key greyed and saying why."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from suno_tui.simulator import ManualClock, Simulator
from tests.fixtures.notifications import notes
from tests.fixtures.waiting import wait_until_async

from .sim_app import SMALL_ASSETS, WAIT, SimApp, downloads_done, next_round, open_app, settings_for

WAV_BYTES = 200_000
ACTS = ("act_wav", "act_timing", "act_mp4")


async def started(sim: Simulator) -> AsyncIterator[Simulator]:
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()
    assert not sim.errors


@pytest.fixture
async def hosted_sim() -> AsyncIterator[Simulator]:
    sim = Simulator(seed=3, clock=ManualClock(), family="hosted", wav_delay=0,
                    asset_sizes={**SMALL_ASSETS, "wav": WAV_BYTES})  # fmt: skip
    async for running in started(sim):
        yield running


@pytest.fixture
async def stock_sim() -> AsyncIterator[Simulator]:
    async for running in started(Simulator(seed=3, clock=ManualClock(), asset_sizes=SMALL_ASSETS)):
        yield running


def act_requests(sim: Simulator) -> int:
    return sum(sim.stats.requests[route] for route in ACTS)


def first_clip(sim: Simulator, task_id: str) -> str:
    return str(sim.render(task_id)["data"][0]["id"])


async def worked(app: SimApp, pilot: object) -> None:
    """Wait (bounded) for the key's work after its download ended (L's SYLT step)."""
    await asyncio.wait_for(app.workers.wait_for_complete(), WAIT)
    await pilot.pause()  # type: ignore[attr-defined]


def messages(app: SimApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in notes(app)]


async def test_w_saves_the_clips_wav_beside_its_mp3(hosted_sim: Simulator, tmp_path: Path) -> None:
    task_id = hosted_sim.add_task("success", title="Salt Wind", elapsed=1000)
    app = open_app(settings_for(hosted_sim, tmp_path), hosted_sim, [task_id])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await next_round(app, pilot)
        app.task_list.select(task_id)
        await downloads_done(app, pilot, "d")
        [result] = await downloads_done(app, pilot, "W")
        await worked(app, pilot)

        assert hosted_sim.stats.requests["act_wav"] == 1  # the clip in view only
        folder = tmp_path / "downloads"
        [wav] = sorted(folder.glob("*.wav"))
        assert wav.read_bytes()[:4] == b"RIFF" and wav.read_bytes()[8:12] == b"WAVE"
        mp3s = {p.stem: p for p in folder.glob("*.mp3")}
        assert wav.stem in mp3s and wav.parent == mp3s[wav.stem].parent
        [event] = [e for e in result.files if e.asset == "wav"]
        assert event.clip_id == first_clip(hosted_sim, task_id) and event.path == wav
        assert app.has_class("-show-downloads")
        # the pane learns of the saved file by a message of its own
        await wait_until_async(
            lambda: any(line.path == wav for line in app.download_pane.shown_lines),
            "the WAV never showed in the downloads pane",
        )
        assert not list(folder.glob("*.part"))


async def test_l_writes_the_lrc_and_the_sylt_frame_and_the_detail_shows_the_times(
    hosted_sim: Simulator, tmp_path: Path
) -> None:
    task_id = hosted_sim.add_task("success", title="Tin Roof", elapsed=1000)
    app = open_app(settings_for(hosted_sim, tmp_path), hosted_sim, [task_id])
    async with app.run_test(size=(140, 50), notifications=True) as pilot:
        await next_round(app, pilot)
        app.task_list.select(task_id)
        await downloads_done(app, pilot, "d")
        await pilot.press("enter")  # the detail beside the list
        before = app.side.document.plain
        assert "[Verse" in before  # the plain lyrics show their section tags

        await downloads_done(app, pilot, "L")
        await worked(app, pilot)

        assert hosted_sim.stats.requests["act_timing"] == 1
        folder = tmp_path / "downloads"
        [lrc] = sorted(folder.glob("*.lrc"))
        mp3 = lrc.with_suffix(".mp3")
        timed = [line for line in lrc.read_text(encoding="utf-8").splitlines()
                 if line.startswith("[0")]  # fmt: skip
        assert timed and not any("[Verse" in line for line in timed)
        (sylt,) = ID3(mp3).getall("SYLT")
        assert [text for text, _ in sylt.text] == [line[10:] for line in timed]
        assert any("SYLT" in text for text in messages(app))
        # the state file's record follows the mp3 changed in place
        with sqlite3.connect(tmp_path / "state.sqlite3") as conn:
            [(size, sha)] = conn.execute(
                "SELECT size, sha256 FROM downloads WHERE asset = 'audio' AND path = ?",
                (str(mp3),),
            ).fetchall()
        assert (size, sha) == (mp3.stat().st_size, hashlib.sha256(mp3.read_bytes()).hexdigest())
        [again] = await downloads_done(app, pilot, "d")
        assert not again.saved and all(e.present for e in again.files)
        # the detail: the first clip's lyrics with their times, no section tag as a lyric
        document = app.side.document.plain
        first_line = timed[0][10:]
        minutes, rest = timed[0][1:9].split(":")
        assert f"{int(minutes)}:{rest}  {first_line}" in document
        section = document.split("timed", 1)[1].split("Clip 2", 1)[0]
        assert "[Verse" not in section and "[Chorus" not in section


async def test_stock_refusal_is_remembered_and_the_key_greyed(
    stock_sim: Simulator, tmp_path: Path
) -> None:
    task_id = stock_sim.add_task("success", title="Dry Creek", elapsed=1000)
    settings = settings_for(stock_sim, tmp_path)
    app = open_app(settings, stock_sim, [task_id])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await next_round(app, pilot)
        app.task_list.select(task_id)
        assert app.check_action("fetch_wav", ()) is True  # nothing known before it is asked
        [result] = await downloads_done(app, pilot, "W")
        await worked(app, pilot)

        assert act_requests(stock_sim) == 1
        [skip] = [e for e in result.files if e.asset == "wav"]
        assert "this gateway does not offer WAV" in skip.message
        assert "remembered" in skip.message
        with sqlite3.connect(tmp_path / "state.sqlite3") as conn:
            rows = conn.execute("SELECT action FROM not_offered").fetchall()
        assert rows == [("wav",)]
        # greyed: check_action answers None, and the binding is disabled
        assert app.check_action("fetch_wav", ()) is None
        assert app.check_action("timed_lyrics", ()) is True  # not asked: not known
        assert app.screen.active_bindings["W"].enabled is False
        # pressing it says why, and asks nothing
        app.clear_notifications()
        await pilot.press("W")
        await pilot.pause()
        assert act_requests(stock_sim) == 1
        said = messages(app)
        assert len(said) == 1 and "does not offer WAV" in said[0], said
        assert "not asked again" in said[0]
        assert not list((tmp_path / "downloads").glob("*.wav"))

"""A gateway that does not offer WAVs or timed lyrics, as downloads meet it
(issue 19, item 6): the first refusal is remembered per base URL in the
state file and said once; later downloads from that gateway skip them
without a request and save the rest, in ``download``, ``watch --download``
and the engine's downloads."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from suno_tui.config import Gateway, Settings
from suno_tui.engine.offer_memory import OfferMemory
from suno_tui.engine.watch import WatchEnd, WatchOptions, run_watch
from suno_tui.relay.action_errors import ActionNotOffered, ActionRefused, ClipAction, RefusalReason
from suno_tui.relay.clip_answers import FileReady
from suno_tui.simulator import ManualClock, Simulator
from suno_tui.tracking.offers import GatewayOffers
from suno_tui.tracking.store import Store
from tests.fixtures.waiting import wait_until_async
from tests.test_download_wav_lrc import download, serve

T0 = datetime(2026, 12, 6, 4, 0, tzinfo=UTC)
ACTS = ("act_wav", "act_timing", "act_mp4")


def act_requests(sim: Simulator) -> int:
    return sum(sim.stats.requests[route] for route in ACTS)


@pytest.fixture
def served_stock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Simulator]:
    yield from serve(Simulator(seed=5, clock=ManualClock()), tmp_path, monkeypatch)


def remembered(state: Path, base_url: str) -> dict[str, str]:
    with Store.open(state) as store:
        return dict(GatewayOffers(store.connection).not_offered(base_url))


def test_stock_refusal_is_remembered_and_the_next_download_asks_nothing(
    served_stock: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sim = served_stock
    first = sim.add_task("success", elapsed=3600, title="First Road")
    clips = len(sim.render(first)["data"])
    assert clips > 1  # the clips of one run find out with one request, not one each

    code, out, err = download(capsys, first, "--wav", "--lrc")

    assert code == 0, out + err
    assert sim.stats.requests["act_wav"] == 1 and sim.stats.requests["act_timing"] == 1
    assert set(remembered(tmp_path / "state.db", sim.base_url)) == {"wav", "timing"}
    skipped = [line for line in out.splitlines() if line.startswith("skipped")]
    told = [line for line in skipped if "remembered: it will not be asked again" in line]
    assert len(told) == 2  # said once per action, in words
    assert sum("this gateway does not offer WAV" in line for line in skipped) == clips
    assert "this gateway does not offer WAV or timed lyrics: the other files" in err

    second = sim.add_task("success", elapsed=3600, title="Second Road")
    asked = act_requests(sim)
    code, out, err = download(capsys, second, "--wav", "--lrc")

    assert code == 0, out + err
    assert act_requests(sim) == asked  # no request to a route it does not have
    skipped = [line for line in out.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 2 * clips
    assert all("it said so before; nothing was sent" in line for line in skipped)
    music = tmp_path / "music"
    assert len(list(music.glob("*Second Road*.mp3"))) == clips
    assert len(list(music.glob("*Second Road*.txt"))) == clips  # the lyrics
    assert not list(music.glob("*.wav")) and not list(music.glob("*.lrc"))
    assert "not offer WAV or timed lyrics" in err


def test_the_memory_is_per_base_url(
    served_stock: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    state = tmp_path / "state.db"
    with Store.open(state) as store:  # another gateway said so, not this one
        GatewayOffers(store.connection).mark_not_offered("http://127.0.0.1:1", "wav", "", T0)
    task_id = served_stock.add_task("success", elapsed=3600, title="Own Road")

    download(capsys, task_id, "--wav")

    assert served_stock.stats.requests["act_wav"] == 1  # this gateway was asked


async def test_watch_download_remembers_it_in_the_state_file(
    simulator: Simulator, tmp_path: Path
) -> None:
    settings = Settings(
        state_path=tmp_path / "state.db", download_dir=tmp_path / "music", wav=True
    ).with_gateway(Gateway(base_url=simulator.base_url, token=simulator.token))
    listener = SimpleNamespace(
        transition=lambda _t: None, finished=lambda *_a: None, problem=lambda _p: None
    )

    async def watch(title: str) -> None:
        task_id = simulator.add_task("success", elapsed=3600, title=title)
        outcome = await asyncio.wait_for(
            run_watch(settings, [task_id], WatchOptions(download=True), listener),
            timeout=30,  # a guard against a hang, not a measurement
        )
        assert outcome.end is WatchEnd.ALL_SUCCEEDED

    await watch("Once")
    assert simulator.stats.requests["act_wav"] == 1
    await watch("Twice")
    assert simulator.stats.requests["act_wav"] == 1
    assert len(list((tmp_path / "music").glob("*.mp3"))) == 4


# -- the memory itself ----------------------------------------------------------------


class Gateway404:
    """Clip actions that refuse, count, and can be held on a gate."""

    def __init__(self, error: Exception | None = None) -> None:
        self.asked = 0
        self.error = error if error is not None else ActionNotOffered(ClipAction.WAV, "HTTP 404")
        self.gate = asyncio.Event()

    async def wav(self, clip_id: str) -> FileReady:
        self.asked += 1
        await self.gate.wait()
        raise self.error

    async def timing(self, clip_id: str) -> object:
        raise AssertionError("not asked")


async def test_concurrent_asks_wait_for_the_first_answer() -> None:
    memory = OfferMemory(None)
    gateway = Gateway404()
    actions = memory.actions(gateway, "https://relay.example")  # type: ignore[arg-type]
    asks = [asyncio.ensure_future(actions.wav(f"clip-{n}")) for n in range(3)]
    await wait_until_async(lambda: gateway.asked, "no ask reached the gateway")
    gateway.gate.set()
    results = await asyncio.gather(*asks, return_exceptions=True)

    assert gateway.asked == 1
    assert all(isinstance(result, ActionNotOffered) for result in results)
    words = [str(result) for result in results]
    assert sum("remembered: it will not be asked again" in text for text in words) == 1
    assert sum("it said so before; nothing was sent" in text for text in words) == 2


async def test_a_refused_clip_is_not_a_gateway_without_the_action() -> None:
    memory = OfferMemory(None)
    gateway = Gateway404(ActionRefused(ClipAction.WAV, RefusalReason.CLIP_NOT_READY, "not ready"))
    gateway.gate.set()
    actions = memory.actions(gateway, "https://relay.example")  # type: ignore[arg-type]
    for _ in range(2):
        with pytest.raises(ActionRefused):
            await actions.wav("clip")
    assert gateway.asked == 2
    assert memory.not_offered("https://relay.example") == {}


async def test_a_state_file_that_cannot_be_written_keeps_it_for_the_session(
    tmp_path: Path,
) -> None:
    store = Store.open(tmp_path / "state.db")
    store.close()
    memory = OfferMemory(GatewayOffers(store.connection))
    gateway = Gateway404()
    gateway.gate.set()
    actions = memory.actions(gateway, "https://relay.example")  # type: ignore[arg-type]
    with pytest.raises(ActionNotOffered, match="not remembered"):
        await actions.wav("a")
    with pytest.raises(ActionNotOffered, match="nothing was sent"):
        await actions.wav("b")
    assert gateway.asked == 1
    with sqlite3.connect(tmp_path / "state.db") as conn:
        assert conn.execute("SELECT count(*) FROM not_offered").fetchone() == (0,)

"""WAV and timed lyrics as part of a download (issue 19, item 5), end to end
against the simulator in both gateway families: the WAV asked of the
gateway (waited for while it is being made, on a fake clock) and downloaded
through the mp3's transfer path; the ``.lrc`` and the mp3's SYLT frame from
one timing answer; a stock gateway's missing routes as skips that leave the
other files alone."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from mutagen.id3 import ID3

from suno_tui.cli import main
from suno_tui.config import Gateway, Settings
from suno_tui.config.errors import ConfigError
from suno_tui.downloads import (
    DownloadManager,
    DownloadOptions,
    DownloadProgress,
    FileState,
    KnownDownload,
    SkipKind,
    TaskOutcome,
)
from suno_tui.downloads.act_files import PENDING_WAITS
from suno_tui.downloads.magic import media_problem, sniff
from suno_tui.downloads.transfer.writer import WriterConfig
from suno_tui.engine.downloads import options_from_settings
from suno_tui.engine.watch import WatchEnd, WatchOptions, run_watch
from suno_tui.relay.action_errors import (
    ActionNotOffered,
    ActionRefused,
    ClipAction,
    RefusalReason,
)
from suno_tui.relay.client import RelayClient
from suno_tui.relay.clip_actions import ClipActions
from suno_tui.relay.clip_answers import FileInline, FileReady
from suno_tui.relay.errors import NetworkError
from suno_tui.simulator import Fault, ManualClock, Simulator, SimulatorThread
from tests.fixtures.simulators import advance

WITH_ACTS = ("audio", "image", "lyrics", "wav", "lrc")
WAV_BYTES = 300_000  # the simulator's real WAV is ~30 MB for 3 minutes: kept small here
LRC_LINE = re.compile(r"^\[\d{2}:\d{2}\.\d{2}\][^\[\]]+$")


async def no_sleep(delay: float) -> None:
    return None


class Run:
    """A manager with clip actions, on a simulator whose clock its sleep moves."""

    def __init__(self, sim: Simulator, client: RelayClient, directory: Path) -> None:
        self.sim = sim
        self.client = client
        self.directory = directory
        self.events: list[DownloadProgress] = []
        self.slept: list[float] = []
        self.clock_moves = True
        self.known: dict[tuple[str, str, str], KnownDownload] = {}  # the state store's part

    def record(self, task_id: str, clip_id: str, asset: str, path: Path, size: int, sha: str
               ) -> None:  # fmt: skip
        self.known[(task_id, clip_id, asset)] = KnownDownload(path, size, sha)

    def lookup(self, task_id: str, clip_id: str, asset: str) -> KnownDownload | None:
        return self.known.get((task_id, clip_id, asset))

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        if self.clock_moves:
            advance(self.sim, seconds)

    async def actions(self, task_id: str) -> ClipActions:
        return ClipActions(self.client)

    async def download(
        self, task_id: str, assets: tuple[str, ...] = WITH_ACTS, artist: str | None = None
    ) -> TaskOutcome:
        options = DownloadOptions(
            self.directory, assets=assets, writer=WriterConfig(sleep=no_sleep), artist=artist
        )
        async with DownloadManager(
            self.client.fetch_one,
            options,
            on_progress=self.events.append,
            actions=self.actions,
            sleep=self.sleep,
            record=self.record,
            lookup=self.lookup,
        ) as manager:
            return await manager.download(task_id)

    def files(self, ext: str) -> list[Path]:
        return sorted(self.directory.glob(f"*.{ext}"))


@pytest.fixture
async def hosted_run(hosted: Simulator, tmp_path: Path) -> AsyncIterator[Run]:
    hosted.asset_sizes = {"wav": WAV_BYTES}
    async with RelayClient(hosted.base_url, hosted.token, timeout=10) as client:
        yield Run(hosted, client, tmp_path / "music")


@pytest.fixture
async def stock_run(simulator: Simulator, tmp_path: Path) -> AsyncIterator[Run]:
    async with RelayClient(simulator.base_url, simulator.token, timeout=10) as client:
        yield Run(simulator, client, tmp_path / "music")


def finals(events: list[DownloadProgress], asset: str) -> list[DownloadProgress]:
    return [e for e in events if e.asset == asset and e.state.final]


def check_lrc(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    timed = [line for line in lines if LRC_LINE.match(line)]
    assert timed, lines
    assert not any("[Verse" in line or "[Chorus" in line for line in lines)
    stamps = [line[1:9] for line in timed]
    assert stamps == sorted(stamps)  # times never go back
    return timed


# -- a hosted gateway ------------------------------------------------------------------


async def test_hosted_wav_waited_for_then_downloaded_beside_the_mp3(hosted_run: Run) -> None:
    sim = hosted_run.sim
    task_id = sim.add_task("success", elapsed=3600, title="Harbour Lights")
    clips = [clip["id"] for clip in sim.render(task_id)["data"]]

    outcome = await hosted_run.download(task_id)

    assert outcome.ok and outcome.complete, outcome
    wavs = hosted_run.files("wav")
    mp3s = hosted_run.files("mp3")
    assert [p.stem for p in wavs] == [p.stem for p in mp3s] and len(wavs) == len(clips)
    for wav in wavs:
        head = wav.read_bytes()[:16]
        assert head[:4] == b"RIFF" and head[8:12] == b"WAVE"
        assert wav.stat().st_size >= WAV_BYTES - 4096
    assert not list(hosted_run.directory.glob("*.part"))
    # The simulator makes a WAV in 8 s of its clock: asked, waited for, asked again.
    asks = sim.stats.requests["act_wav"]
    assert len(clips) * 2 <= asks <= len(clips) * (len(PENDING_WAITS) + 1)
    assert hosted_run.slept and all(s in PENDING_WAITS for s in hosted_run.slept)
    done = finals(hosted_run.events, "wav")
    assert [e.state for e in done] == [FileState.DONE] * len(clips)


async def test_hosted_lrc_and_sylt_from_one_timing_ask_per_clip(hosted_run: Run) -> None:
    sim = hosted_run.sim
    task_id = sim.add_task("success", elapsed=3600, title="Paper Moon")
    clips = [clip["id"] for clip in sim.render(task_id)["data"]]

    outcome = await hosted_run.download(task_id, ("audio", "lyrics", "lrc"), artist="Me")

    assert outcome.ok, outcome
    # one ask per clip serves the .lrc and the mp3's SYLT
    assert sim.stats.requests["act_timing"] == len(clips)
    lrcs = hosted_run.files("lrc")
    assert [p.stem for p in lrcs] == [p.stem for p in hosted_run.files("mp3")]
    for lrc, mp3 in zip(lrcs, hosted_run.files("mp3"), strict=True):
        timed = check_lrc(lrc)
        head = lrc.read_text(encoding="utf-8").splitlines()[:2]
        assert head == ["[ti:Paper Moon]", "[ar:Me]"]  # as in the mp3's tags
        tags = ID3(mp3)
        (sylt,) = tags.getall("SYLT")
        assert sylt.format == 2 and sylt.type == 1
        assert [text for text, _ in sylt.text] == [line[10:] for line in timed]
        ms = [stamp for _, stamp in sylt.text]
        assert ms == sorted(ms) and ms[-1] > 0
        assert tags.getall("USLT")  # the plain lyrics, as before
        assert tags.getall("TIT2")[0].text == ["Paper Moon"]
        assert tags.getall("TPE1")[0].text == ["Me"]


async def test_a_wav_still_being_made_is_skipped_after_a_bounded_wait(hosted_run: Run) -> None:
    sim = hosted_run.sim
    hosted_run.clock_moves = False  # the gateway never finishes it
    task_id = sim.add_task("success", elapsed=3600, title="Slow Burn")
    clips = [clip["id"] for clip in sim.render(task_id)["data"]]

    outcome = await hosted_run.download(task_id, ("audio", "wav"))

    skipped = finals(hosted_run.events, "wav")
    assert [e.skip_kind for e in skipped] == [SkipKind.NOT_READY] * len(clips)
    assert "still making the WAV" in skipped[0].message
    assert sim.stats.requests["act_wav"] == len(clips) * (len(PENDING_WAITS) + 1)
    assert len(hosted_run.files("mp3")) == len(clips)  # the rest is unaffected
    assert not hosted_run.files("wav")
    assert not outcome.ok  # try again later, as for a clip not finished


async def test_a_second_run_asks_the_gateway_nothing(hosted_run: Run) -> None:
    """What the store says is on disk is not asked for again (each ask may be billed)."""
    sim = hosted_run.sim
    task_id = sim.add_task("success", elapsed=3600, title="Twice")
    await hosted_run.download(task_id, ("audio", "wav", "lrc"))
    asked = (sim.stats.requests["act_wav"], sim.stats.requests["act_timing"])
    hosted_run.events.clear()

    outcome = await hosted_run.download(task_id, ("audio", "wav", "lrc"))

    assert outcome.ok
    assert all(e.present for e in outcome.files), outcome.files
    assert (sim.stats.requests["act_wav"], sim.stats.requests["act_timing"]) == asked


# -- a stock gateway ------------------------------------------------------------------


async def test_stock_gateway_does_not_offer_them_and_the_rest_is_saved(stock_run: Run) -> None:
    sim = stock_run.sim
    task_id = sim.add_task("success", elapsed=3600, title="Plain Road")
    clips = [clip["id"] for clip in sim.render(task_id)["data"]]

    outcome = await stock_run.download(task_id)

    assert outcome.ok  # as for an asset a clip simply lacks
    for asset, words in (("wav", "WAV"), ("lrc", "timed lyrics")):
        skipped = finals(stock_run.events, asset)
        assert [e.skip_kind for e in skipped] == [SkipKind.UNAVAILABLE] * len(clips)
        assert all(f"this gateway does not offer {words}" in e.message for e in skipped)
    assert len(stock_run.files("mp3")) == len(clips) and len(stock_run.files("txt")) == len(clips)
    assert not stock_run.files("wav") and not stock_run.files("lrc")
    for mp3 in stock_run.files("mp3"):
        tags = ID3(mp3)
        assert not tags.getall("SYLT") and tags.getall("USLT")
    assert not stock_run.slept


# -- the pieces -----------------------------------------------------------------------


def test_magic_bytes_of_a_wav() -> None:
    wav = b"RIFF\x24\x00\x00\x00WAVEfmt "
    assert sniff(wav) == "wav"
    assert media_problem("wav", wav) is None
    webp = b"RIFF\x24\x00\x00\x00WEBPVP8 "
    assert media_problem("wav", webp) == "the server sent webp data, not a WAV file"
    assert media_problem("wav", b"<html><body>") == "the server sent an HTML page, not a WAV file"
    assert media_problem("audio", wav) is not None  # a WAV is not the mp3


def test_options_add_wav_and_lrc_from_the_config_or_the_flags(tmp_path: Path) -> None:
    plain = Settings(download_dir=tmp_path)
    assert "wav" not in options_from_settings(plain).assets  # never asked unless configured
    configured = Settings(download_dir=tmp_path, wav=True, lrc=True)
    assert options_from_settings(configured).assets[-2:] == ("wav", "lrc")
    flagged = options_from_settings(plain, assets="audio", lrc=True)
    assert flagged.assets == ("audio", "lrc")
    with pytest.raises(ConfigError, match="--wav"):
        options_from_settings(plain, assets="audio,wav")


# -- the command ----------------------------------------------------------------------


def serve(
    sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str = ""
) -> Iterator[Simulator]:
    with SimulatorThread(sim) as base_url:
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
        monkeypatch.setenv("SUNO_TUI_BASE_URL", base_url)
        monkeypatch.setenv("SUNO_TUI_TOKEN", sim.token)
        monkeypatch.setenv("SUNO_TUI_STATE", str(tmp_path / "state.db"))
        monkeypatch.setenv("SUNO_TUI_DOWNLOAD_DIR", str(tmp_path / "music"))
        for name in ("SUNO_TUI_PROFILE", "SSH_CONNECTION"):
            monkeypatch.delenv(name, raising=False)
        path = tmp_path / "config.toml"
        path.write_text(config)
        monkeypatch.setenv("SUNO_TUI_CONFIG", str(path))
        yield sim
    assert not sim.errors, sim.errors


def hosted_sim(**kw: Any) -> Simulator:
    # The command sleeps for real between asks: here the WAV is made at once.
    return Simulator(seed=11, clock=ManualClock(), family="hosted", wav_delay=0, **kw)


@pytest.fixture
def served_hosted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Simulator]:
    yield from serve(hosted_sim(asset_sizes={"wav": WAV_BYTES}), tmp_path, monkeypatch)


@pytest.fixture
def served_stock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Simulator]:
    yield from serve(Simulator(seed=11, clock=ManualClock()), tmp_path, monkeypatch)


def download(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["download", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_download_wav_lrc_on_a_hosted_gateway(
    served_hosted: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    task_id = served_hosted.add_task("success", elapsed=3600, title="Glass Coast")
    clips = len(served_hosted.render(task_id)["data"])

    code, out, err = download(capsys, task_id, "--wav", "--lrc")

    assert code == 0, out + err
    music = tmp_path / "music"
    wavs, lrcs, mp3s = (sorted(music.glob(f"*.{ext}")) for ext in ("wav", "lrc", "mp3"))
    assert len(wavs) == len(lrcs) == len(mp3s) == clips
    for wav, lrc, mp3 in zip(wavs, lrcs, mp3s, strict=True):
        head = wav.read_bytes()[:12]
        assert head[:4] == b"RIFF" and head[8:12] == b"WAVE"
        assert wav.stem == lrc.stem == mp3.stem
        check_lrc(lrc)
        assert ID3(mp3).getall("SYLT")
        assert f"done       {wav}" in out and f"done       {lrc}" in out
    assert served_hosted.token not in out + err


def test_download_on_a_stock_gateway_says_they_are_not_offered(
    served_stock: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    task_id = served_stock.add_task("success", elapsed=3600, title="Old Road")
    clips = len(served_stock.render(task_id)["data"])

    code, out, err = download(capsys, task_id, "--wav", "--lrc")

    assert code == 0, out + err  # as for an asset a clip lacks: the rest is all there
    skipped = [line for line in out.splitlines() if line.startswith("skipped")]
    assert sum("this gateway does not offer WAV" in line for line in skipped) == clips
    assert sum("this gateway does not offer timed lyrics" in line for line in skipped) == clips
    music = tmp_path / "music"
    assert len(list(music.glob("*.mp3"))) == clips and not list(music.glob("*.wav"))
    assert f"{clips * 2} skipped, 0 failed" in err


def test_config_wav_and_lrc_make_them_part_of_every_download(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for sim in serve(hosted_sim(asset_sizes={"wav": WAV_BYTES}), tmp_path, monkeypatch,
                     "wav = true\nlrc = true\n"):  # fmt: skip
        task_id = sim.add_task("success", elapsed=3600, title="Every Time")
        clips = len(sim.render(task_id)["data"])
        code, out, err = download(capsys, task_id)
        assert code == 0, out + err
        music = tmp_path / "music"
        assert len(list(music.glob("*.wav"))) == len(list(music.glob("*.lrc"))) == clips


# -- watch --download ----------------------------------------------------------------


async def test_watch_download_with_config_wav_waits_on_the_engines_sleep(
    hosted: Simulator, tmp_path: Path
) -> None:
    hosted.asset_sizes = {"wav": WAV_BYTES}
    task_id = hosted.add_task("success", elapsed=3600, title="Night Ferry")
    clips = len(hosted.render(task_id)["data"])
    settings = Settings(
        state_path=tmp_path / "state.db", download_dir=tmp_path / "music", wav=True, lrc=True
    ).with_gateway(Gateway(base_url=hosted.base_url, token=hosted.token))
    slept: list[float] = []

    async def sleep(seconds: float) -> None:  # the engine's: moves the simulator's clock
        slept.append(seconds)
        advance(hosted, seconds)
        await asyncio.sleep(0)

    def now() -> datetime:
        return datetime.fromtimestamp(hosted.clock.now(), UTC)

    problems: list[str] = []
    listener = SimpleNamespace(
        transition=lambda _t: None, finished=lambda *_a: None, problem=problems.append
    )
    outcome = await asyncio.wait_for(
        run_watch(settings, [task_id], WatchOptions(download=True), listener, clock=now,
                  sleep=sleep),
        timeout=30,  # a guard against a hang, not a measurement
    )  # fmt: skip

    assert outcome.end is WatchEnd.ALL_SUCCEEDED, problems
    music = tmp_path / "music"
    wavs = sorted(music.glob("*.wav"))
    assert len(wavs) == len(list(music.glob("*.lrc"))) == clips
    assert all(wav.read_bytes()[8:12] == b"WAVE" for wav in wavs)
    assert any(s in PENDING_WAITS for s in slept)  # the WAV was waited for on it


# -- answers a gateway may give -------------------------------------------------------


class Answering:
    """Clip actions that answer the WAV with ``answer`` (a fake gateway's words)."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.asked = 0

    async def wav(self, clip_id: str) -> Any:
        self.asked += 1
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    async def timing(self, clip_id: str) -> Any:
        raise AssertionError("not asked in these tests")


async def download_wav_with(run: Run, answer: Any) -> tuple[TaskOutcome, Answering]:
    fake = Answering(answer)

    async def actions(task_id: str) -> Answering:
        return fake

    run.actions = actions  # type: ignore[method-assign,assignment]
    task_id = run.sim.add_task("success", elapsed=3600, title="Answers")
    outcome = await run.download(task_id, ("audio", "wav"))
    return outcome, fake


async def test_a_link_to_something_else_fails_its_magic_bytes(hosted_run: Run) -> None:
    # The gateway's "WAV" link serves the mp3: caught before the file gets its name.
    task_id = hosted_run.sim.add_task("success", elapsed=3600, title="Wrong File")
    mp3_url = hosted_run.sim.render(task_id)["data"][0]["audio_url"]
    outcome, _ = await download_wav_with(hosted_run, FileReady(mp3_url))

    failed = [e for e in outcome.failed if e.asset == "wav"]
    assert failed and all(e.error_kind == "content" for e in failed)
    assert "not a WAV file" in failed[0].message
    assert not hosted_run.files("wav") and hosted_run.files("mp3")


@pytest.mark.parametrize(
    ("answer", "category", "words"),
    [
        (FileInline("http://127.0.0.1:1/suno/act/wav/x"), SkipKind.UNAVAILABLE, "links only"),
        (FileReady("http://cdn.example/None.wav"), SkipKind.FAILED, "placeholder"),
        (
            ActionRefused(ClipAction.WAV, RefusalReason.CLIP_NOT_READY, "clip not complete"),
            SkipKind.NOT_READY,
            "not finished yet",
        ),
        (ActionNotOffered(ClipAction.WAV, "HTTP 404 on its route"), SkipKind.UNAVAILABLE,
         "this gateway does not offer WAV"),
    ],
)  # fmt: skip
async def test_answers_that_give_no_wav_are_skips_with_their_reason(
    hosted_run: Run, answer: Any, category: SkipKind, words: str
) -> None:
    outcome, fake = await download_wav_with(hosted_run, answer)

    skipped = finals(hosted_run.events, "wav")
    assert skipped and all(e.skip_kind is category for e in skipped)
    assert words in skipped[0].message
    assert fake.asked == len(skipped)  # asked once each: no retry of a clear answer
    assert outcome.ok is (category is SkipKind.UNAVAILABLE)  # the exit status follows
    assert not hosted_run.files("wav") and hosted_run.files("mp3")


async def test_a_network_failure_asking_fails_the_wav_alone(hosted_run: Run) -> None:
    outcome, _ = await download_wav_with(hosted_run, NetworkError("connection reset"))

    failed = [e for e in outcome.failed if e.asset == "wav"]
    assert failed and all(e.error_kind == "network" for e in failed)
    assert "asking for the WAV" in failed[0].message
    assert hosted_run.files("mp3")


async def test_a_refused_wav_link_is_asked_of_the_gateway_again(hosted_run: Run) -> None:
    sim = hosted_run.sim
    sim.faults.add(Fault.ASSET_STALE_403, times=None)  # a link no longer the newest: 403
    real = ClipActions(hosted_run.client)
    stale: list[str] = []

    class StaleFirst:
        """Answers the first ask of each clip with a link the gateway has since replaced."""

        async def wav(self, clip_id: str) -> Any:
            answer = await real.wav(clip_id)
            if isinstance(answer, FileReady) and answer.url not in stale and len(stale) < 2:
                stale.append(answer.url)
                await real.wav(clip_id)  # a newer link is handed out: this one is stale now
            return answer

        async def timing(self, clip_id: str) -> Any:
            return await real.timing(clip_id)

    async def actions(task_id: str) -> StaleFirst:
        return StaleFirst()

    hosted_run.actions = actions  # type: ignore[method-assign,assignment]
    task_id = sim.add_task("success", elapsed=3600, title="Second Link")
    clips = len(sim.render(task_id)["data"])

    outcome = await hosted_run.download(task_id, ("audio", "wav"))

    assert outcome.ok, outcome
    assert len(stale) == clips
    assert len(hosted_run.files("wav")) == clips
    assert any("link refused" in e.message for e in hosted_run.events if e.asset == "wav")


async def test_a_clip_without_lyrics_has_none_to_time_and_is_not_asked(hosted_run: Run) -> None:
    sim = hosted_run.sim
    task_id = sim.add_task("success", elapsed=3600, title="No Words")
    task = await hosted_run.client.fetch_one(task_id)
    (first, *rest) = task.clips
    task = dataclasses.replace(task, clips=(dataclasses.replace(first, lyrics=""), *rest))

    options = DownloadOptions(hosted_run.directory, assets=("audio", "lrc"))
    async with DownloadManager(
        hosted_run.client.fetch_one,
        options,
        on_progress=hosted_run.events.append,
        actions=hosted_run.actions,
        sleep=hosted_run.sleep,
    ) as manager:
        outcome = await manager.download(task, fetched_at=time.monotonic())

    skipped = [e for e in finals(hosted_run.events, "lrc") if e.state is FileState.SKIPPED]
    assert [e.clip_id for e in skipped] == [first.id]
    assert skipped[0].skip_kind is SkipKind.UNAVAILABLE
    assert "no lyrics to time" in skipped[0].message
    assert sim.stats.requests["act_timing"] == len(rest)  # not asked for the first clip
    assert outcome.ok and len(hosted_run.files("lrc")) == len(rest)

"""Pure parts of the monitor's downloads and profiles: the board, the choice
of tasks for D, the toasts, sizes, and the client pool's reasons."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from suno_tui.config import Gateway, Settings
from suno_tui.downloads.assets import SkipKind
from suno_tui.downloads.events import DownloadProgress, FileState, TaskOutcome
from suno_tui.engine.clients import ClientPool, ProfileUnavailable
from suno_tui.relay.models import TaskKind, TaskStatus
from suno_tui.tracking.wanted import download_problem, wants_download
from suno_tui.tui.downloads.board import DownloadBoard, human_size
from suno_tui.tui.downloads.download_toasts import download_toast
from suno_tui.tui.downloads.pane import fit_name, fit_path

from .factories import summary, with_status

ASSETS = ("audio", "image", "lyrics", "json")
HOSTILE = "[@click=app.quit]x \x1b]52;c;QUJD\x07 [/b] \u202eevil"


def event(
    state: FileState, asset: str = "audio", name: str | None = "a.mp3", **kw: Any
) -> DownloadProgress:
    values: dict[str, Any] = {"received": 0, "total": None, "speed_bps": 0.0}
    values.update(kw)
    path = Path("/dl") / name if name else None
    return DownloadProgress("t1", "clip-1" if asset else "", asset, path, state=state, **values)


def label(e: DownloadProgress) -> str:
    return e.path.name if e.path else "task t1"


def test_the_board_keeps_running_lines_first_and_finished_newest_first() -> None:
    board = DownloadBoard(keep_finished=2)
    board.apply(event(FileState.RUNNING, "audio", "a.mp3", received=10, total=100), label)
    board.apply(event(FileState.DONE, "image", "a.jpeg", received=5, total=5), label)
    board.apply(event(FileState.DONE, "lyrics", "a.txt", received=1, total=1), label)
    keys = [line.key[2] for line in board.lines()]
    assert keys == ["audio", "lyrics", "image"]
    board.apply(event(FileState.DONE, "json", "a.json", received=1, total=1), label)
    assert [line.key[2] for line in board.lines()] == ["audio", "json", "lyrics"]  # bounded
    running = board.get(("t1", "clip-1", "audio"))
    assert running is not None and running.fraction == 0.1
    assert board.counts() == {FileState.RUNNING: 1, FileState.DONE: 2}


def test_task_lines_show_while_they_matter() -> None:
    board = DownloadBoard()
    board.apply(event(FileState.QUEUED, "", None, message="waiting for a slot"), label)
    assert [line.message for line in board.lines()] == ["waiting for a slot"]
    board.apply(event(FileState.DONE, "audio"), label)
    board.apply(event(FileState.DONE, "", None, message="1 done"), label)
    assert [line.key[2] for line in board.lines()] == ["audio"]  # its files speak for it
    board.started("t1")
    board.apply(event(FileState.FAILED, "", None, message="task not found"), label)
    [line] = board.lines()
    assert line.is_task_line and line.state is FileState.FAILED


def test_board_text_is_clean() -> None:
    board = DownloadBoard()
    board.apply(event(FileState.FAILED, message=HOSTILE), lambda e: HOSTILE)
    [line] = board.lines()
    assert "\x1b" not in line.message and "\x07" not in line.message
    assert "\u202e" not in line.message and "[@click=app.quit]" in line.message


@pytest.mark.parametrize(
    ("status", "clips", "downloaded", "wanted"),
    [
        (TaskStatus.SUCCESS, (2, 2), 0, True),
        (TaskStatus.SUCCESS, (2, 2), 5, True),  # 2 clips x 3 assets expected (video optional)
        (TaskStatus.SUCCESS, (2, 2), 8, False),
        (TaskStatus.FAILURE, (1, 2), 0, True),  # the complete clip of a partial failure
        (TaskStatus.FAILURE, (0, 2), 0, False),
        (TaskStatus.IN_PROGRESS, (1, 2), 0, False),  # D waits for the task to finish
    ],
)
def test_what_D_downloads(
    status: TaskStatus, clips: tuple[int, int], downloaded: int, wanted: bool
) -> None:
    item = with_status(summary("t1", clips=clips), status, clips_done=clips[0])
    item = dataclasses.replace(item, downloaded=downloaded)
    assert wants_download(item, ASSETS) is wanted


def test_a_missing_wav_or_lrc_alone_is_not_worth_a_d() -> None:
    # Two clips with their mp3, cover, lyrics and JSON on disk: a stock gateway
    # has no WAV or timed lyrics to give, and a hosted one may bill each ask.
    item = with_status(summary("t1", clips=(2, 2)), TaskStatus.SUCCESS, clips_done=2)
    item = dataclasses.replace(item, downloaded=8)
    assert not wants_download(item, (*ASSETS, "wav", "lrc"))
    assert wants_download(dataclasses.replace(item, downloaded=7), (*ASSETS, "wav", "lrc"))


def test_lyrics_tasks_and_not_found_tasks() -> None:
    lyrics = summary("l1", status=TaskStatus.SUCCESS, kind=TaskKind.LYRICS, clips=(0, 0))
    assert wants_download(lyrics, ASSETS)
    assert not wants_download(dataclasses.replace(lyrics, downloaded=2), ASSETS)
    gone = summary("g1", status=TaskStatus.UNKNOWN, label="NOT_FOUND")
    assert "does not know this task" in (download_problem(gone) or "")
    failed = summary("f1", status=TaskStatus.FAILURE, fail_reason="moderation", clips=(0, 2))
    assert "moderation" in (download_problem(failed) or "")


def done(path: Path, *, present: bool = False) -> DownloadProgress:
    values: dict[str, Any] = {"received": 1, "total": 1, "speed_bps": 0.0, "present": present}
    return DownloadProgress("t1", "clip-1", "audio", path, state=FileState.DONE, **values)


def test_download_toasts_say_where_and_why() -> None:
    where = Path("/home/me/Music")
    saved = TaskOutcome("t1", files=[done(where / "a.mp3"), done(where / "a.jpeg")])
    toast = download_toast(saved, "Song", where, label)
    assert toast.title == "↓ Downloaded" and "2 files in /home/me/Music" in toast.message
    streaming = event(FileState.SKIPPED, "clip", None, message="still streaming",
                      skip_kind=SkipKind.NOT_READY)  # fmt: skip
    toast = download_toast(TaskOutcome("t1", files=[streaming]), HOSTILE, where, label)
    assert toast.title == "Nothing downloaded" and "still streaming" in toast.message
    assert "\x1b" not in toast.message and "\x07" not in toast.message
    failed = TaskOutcome("t1", error="task not found on the gateway")
    assert download_toast(failed, "Song", where, label).severity == "error"
    present = TaskOutcome("t1", files=[done(where / "a.mp3", present=True)])
    assert download_toast(present, "Song", where, label).title == "Already downloaded"


def test_sizes_and_names() -> None:
    assert [human_size(n) for n in (0, 999, 1000, 1_234_567, 5e9)] == [
        "0 B",
        "999 B",
        "1.0 kB",
        "1.2 MB",
        "5.0 GB",
    ]
    assert fit_name("Midnight Rain over Neon Streets [clip-aaa].mp3", 30).endswith("[clip-aaa].mp3")
    assert fit_path("/home/me/Music/suno-tui", 12) == "…ic/suno-tui"
    assert fit_path("/short", 12) == "/short"


async def test_the_client_pool_explains_missing_profiles() -> None:
    settings = Settings(
        gateways={
            "default": Gateway(base_url="http://127.0.0.1:9", token="sk-main"),
            "notoken": Gateway("notoken", "http://127.0.0.1:9"),
            "broken": Gateway("broken", "http://127.0.0.1:9", token_command="false"),
        },
    )
    pool = ClientPool(settings)
    assert pool.profiles() == ["default", "broken", "notoken"]
    assert pool.prepare(["default", "notoken", "broken", "gone"]) == ["default"]
    assert pool.ready() == {}  # tokens resolved; no client built before first use
    assert "no token configured for profile 'notoken'" in (pool.problem("notoken") or "")
    assert "token_command" in (pool.problem("broken") or "")
    assert "not in the configuration any more" in (pool.problem("gone") or "")
    with pytest.raises(ProfileUnavailable, match="notoken"):
        await pool.client("notoken")
    built = await pool.client("default")
    assert pool.ready() == {"default": built}
    assert "sk-main" not in repr(pool.problem("notoken"))
    await pool.aclose()

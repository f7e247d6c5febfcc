"""``l`` plays the clip in view through a real child process standing in for
the player (tests/fixtures/player_standin.py); ``space`` pauses it; ``l``
again, or the app's end, stops it."""

from __future__ import annotations

from pathlib import Path

from suno_tui.downloads.existing import KnownDownload
from suno_tui.engine.downloads import DownloadService
from suno_tui.tui.app import MonitorApp
from tests.fixtures.notifications import notes

from ..fixtures.player_standin import StandIn, alive
from ..fixtures.waiting import wait_until, wait_until_async
from .conftest import build_app
from .factories import sample_summaries

FIRST = sample_summaries()[0].task_id  # has a full task with clips


def saved_song(tmp_path: Path) -> tuple[DownloadService, Path]:
    """A download service whose state recorded the first clip's mp3 on disk."""
    song = tmp_path / "music" / "Midnight Rain [clip-aaa].mp3"
    song.parent.mkdir()
    song.write_bytes(b"ID3" + bytes(1000))

    def lookup(task_id: str, clip_id: str, asset: str) -> KnownDownload | None:
        if (task_id, clip_id, asset) == (FIRST, "clip-aaaa-1111", "audio"):
            return KnownDownload(song, song.stat().st_size)
        return None

    def no_manager(*_: object) -> None:
        raise AssertionError("nothing is downloaded")

    service = DownloadService(no_manager, song.parent, ("audio",), lookup)  # type: ignore[arg-type]
    return service, song


def toasts(app: MonitorApp) -> list[str]:
    return [note.message for note in notes(app)]


async def test_l_plays_the_saved_file_space_pauses_and_l_stops(tmp_path: Path) -> None:
    standin = StandIn(tmp_path / "bin", "mpv")
    service, song = saved_song(tmp_path)
    app, _ = build_app(downloads=service, env={"PATH": str(standin.path.parent)})
    async with app.run_test(size=(120, 30)) as pilot:
        app.task_list.select(FIRST)
        await pilot.press("l")
        # what the key shows at once, before the once-a-second tick asks the
        # player where it is (a slow start of the stand-in lets the tick come)
        title = app.player.listening.track.title  # type: ignore[union-attr]
        assert app.status_bar.player == f"▶ {title} playing"
        started = await wait_until_async(standin.started, "the player never started")
        assert started["argv"][-1] == str(song)  # from disk, not the URL
        await app.player.show()  # what the once-a-second tick does
        assert app.status_bar.player == f"▶ {title} 0:42 / 2:56"
        assert f"▶ {title} 0:42 / 2:56" in app.status_bar.text

        await pilot.press("space")
        assert standin.requests()[-3:] == [
            ["set_property", "pause", True],
            ["get_property", "time-pos"],
            ["get_property", "duration"],
        ]
        assert app.status_bar.player == f"⏸ {title} 0:42 / 2:56"

        await pilot.press("l")
        assert not alive(started["pid"])
        assert app.status_bar.player == "" and "▶" not in app.status_bar.text


async def test_esc_in_the_list_stops_the_player_but_first_clears_a_filter(tmp_path: Path) -> None:
    standin = StandIn(tmp_path / "bin", "ffplay")
    app, _ = build_app(env={"PATH": str(standin.path.parent)})
    async with app.run_test(size=(120, 30)) as pilot:
        app.task_list.select(FIRST)
        await pilot.press("l")
        pid = (await wait_until_async(standin.started, "the player never started"))["pid"]
        app.task_list.set_filter("midnight")
        await pilot.press("escape")
        assert app.task_list.filter_text == "" and alive(pid)  # Esc cleared the filter
        await pilot.press("escape")
        assert not alive(pid) and app.status_bar.player == ""


async def test_space_pages_the_detail_when_nothing_plays(tmp_path: Path) -> None:
    app, _ = build_app(env={"PATH": str(tmp_path)})
    async with app.run_test(size=(80, 24)) as pilot:
        app.task_list.select(FIRST)
        await pilot.press("enter")
        view = app.details.views()[-1]
        await pilot.press("space")
        await pilot.pause()
        assert view.scroll_y > 0 and toasts(app) == []


async def test_the_url_streams_when_nothing_is_saved(tmp_path: Path) -> None:
    standin = StandIn(tmp_path / "bin", "ffplay")
    app, _ = build_app(env={"PATH": str(standin.path.parent)})
    async with app.run_test(size=(120, 30)) as pilot:
        app.task_list.select(FIRST)
        await pilot.press("l")
        started = await wait_until_async(standin.started, "the player never started")
        assert started["argv"][-1] == "https://cdn1.suno.ai/clip-aaaa-1111.mp3"
        await app.player.show()
        assert app.status_bar.player.endswith(" playing")  # ffplay tells no position
        await pilot.press("l")
        assert not alive(started["pid"])


async def test_quitting_the_app_kills_the_player(tmp_path: Path) -> None:
    standin = StandIn(tmp_path / "bin", "mpv")
    app, _ = build_app(env={"PATH": str(standin.path.parent)})
    async with app.run_test(size=(120, 30)) as pilot:
        app.task_list.select(FIRST)
        await pilot.press("l")
        pid = (await wait_until_async(standin.started, "the player never started"))["pid"]
        assert alive(pid)
        await pilot.press("q")
    wait_until(lambda: not alive(pid), "the player outlived the app")


async def test_no_player_found_says_so_and_changes_nothing(tmp_path: Path) -> None:
    app, _ = build_app(env={"PATH": str(tmp_path)})
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        app.task_list.select(FIRST)
        bar = app.status_bar.text
        await pilot.press("l")
        assert len(toasts(app)) == 1 and "looked for mpv and ffplay" in toasts(app)[0]
        assert app.status_bar.text == bar and app.player.listening.process is None


async def test_over_ssh_it_plays_only_a_configured_player(tmp_path: Path) -> None:
    standin = StandIn(tmp_path / "bin", "mpv")
    env = {"PATH": str(standin.path.parent), "SSH_CONNECTION": "10.0.0.2 50000 10.0.0.1 22"}
    app, _ = build_app(env=env)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        app.task_list.select(FIRST)
        await pilot.press("l")
        assert "over SSH" in toasts(app)[0] and standin.started() is None
    app, _ = build_app(env=env, player="mpv --no-video")
    async with app.run_test(size=(120, 30)) as pilot:
        app.task_list.select(FIRST)
        await pilot.press("l")
        started = await wait_until_async(standin.started, "the configured player never started")
        assert started["argv"][0] == "--no-video"
        await pilot.press("l")


async def test_when_the_clip_ends_the_bar_clears_and_l_plays_again(tmp_path: Path) -> None:
    import os
    import signal

    standin = StandIn(tmp_path / "bin", "ffplay")
    app, _ = build_app(env={"PATH": str(standin.path.parent)})
    async with app.run_test(size=(120, 30)) as pilot:
        app.task_list.select(FIRST)
        await pilot.press("l")
        pid = (await wait_until_async(standin.started, "the player never started"))["pid"]
        os.kill(pid, signal.SIGTERM)  # the player ends on its own, as at the clip's end
        process = app.player.listening.process
        assert process is not None
        await wait_until_async(lambda: not process.running, "the player did not end")
        await pilot.press("l")  # before the tick: plays again instead of "stopping"
        assert app.player.playing and app.player.listening.process is not process
        app.player.listening.kill()
        await app.player.show()  # the tick finds it gone: the bar says nothing
        assert app.status_bar.player == "" and not app.player.playing

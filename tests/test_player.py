"""The player package and the engine's Listening, with real child processes
standing in for mpv and for a plain player (tests/fixtures/player_standin.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from suno_tui.engine.listening import Listening, NothingToPlay, track_for
from suno_tui.player import NoPlayer, PlayerProcess, choose_player, reaper
from suno_tui.relay.models import Task, parse_task

from .fixtures.player_standin import StandIn, alive
from .fixtures.waiting import wait_until, wait_until_async
from .tui.factories import raw_music_task

TASK_ID = "3f2a9c1e-0b7d-4c55-9e1a-7a6b5c4d3e2f"


def task() -> Task:
    return parse_task(raw_music_task(TASK_ID, title="Midnight Rain"))


class Tasks:
    def __init__(self, *tasks: Task) -> None:
        self._tasks = {t.task_id: t for t in tasks}

    def task(self, task_id: str) -> Task | None:
        return self._tasks.get(task_id)


def no_file(task_id: str, clip_id: str) -> Path | None:
    return None


# -- which program ----------------------------------------------------------


def test_mpv_is_preferred_then_ffplay(tmp_path: Path) -> None:
    both, only_ffplay = tmp_path / "both", tmp_path / "ffplay-only"
    StandIn(both, "mpv"), StandIn(both, "ffplay"), StandIn(only_ffplay, "ffplay")
    mpv = choose_player(None, {"PATH": str(both)})
    assert mpv.kind == "mpv" and mpv.argv[0] == str(both / "mpv")
    ffplay = choose_player(None, {"PATH": str(only_ffplay)})
    assert ffplay.kind == "plain" and ffplay.argv[:3] == (
        str(only_ffplay / "ffplay"),
        "-nodisp",
        "-autoexit",
    )
    assert ffplay.command("/music/a.mp3", None)[-1] == "/music/a.mp3"


def test_no_player_says_which_programs_it_looked_for(tmp_path: Path) -> None:
    with pytest.raises(NoPlayer, match="looked for mpv and ffplay"):
        choose_player(None, {"PATH": str(tmp_path)})


def test_over_ssh_only_an_explicit_player_plays(tmp_path: Path) -> None:
    StandIn(tmp_path, "mpv")
    env = {"PATH": str(tmp_path), "SSH_CONNECTION": "10.0.0.2 50000 10.0.0.1 22"}
    with pytest.raises(NoPlayer, match="over SSH: the sound would come out of the remote"):
        choose_player(None, env)
    chosen = choose_player("mpv --volume=50", env)
    assert chosen.argv == (str(tmp_path / "mpv"), "--volume=50") and chosen.kind == "mpv"


def test_a_configured_player_is_split_and_gets_the_source_last(tmp_path: Path) -> None:
    StandIn(tmp_path, "vlc")
    chosen = choose_player("vlc --intf dummy 'two words'", {"PATH": str(tmp_path)})
    assert chosen.kind == "plain"
    assert chosen.command("https://cdn.example/a.mp3", None) == [
        str(tmp_path / "vlc"),
        "--intf",
        "dummy",
        "two words",
        "https://cdn.example/a.mp3",
    ]
    with pytest.raises(NoPlayer, match=r"'nosuchplayer' \(config: player\) was not found"):
        choose_player("nosuchplayer -x", {"PATH": str(tmp_path)})


# -- what plays -------------------------------------------------------------


def test_the_saved_file_plays_before_the_url(tmp_path: Path) -> None:
    saved = tmp_path / "Midnight Rain.mp3"
    on_disk = track_for(task(), lambda t, c: saved if c == "clip-aaaa-1111" else None)
    assert on_disk.source == str(saved) and on_disk.from_disk
    relative = track_for(task(), lambda t, c: Path("--script=evil.lua"))
    assert relative.source.startswith("https://")  # a tampered record is not played
    streamed = track_for(task(), no_file)
    assert streamed.source == "https://cdn1.suno.ai/clip-aaaa-1111.mp3"
    assert not streamed.from_disk and streamed.title == "Midnight Rain"


def test_a_streaming_clip_is_heard_and_non_web_addresses_are_not() -> None:
    raw = raw_music_task(TASK_ID)
    raw["data"][0]["audio_url"] = "--script=/tmp/evil.lua"  # never an option or a local file
    streaming = track_for(parse_task(raw), no_file)
    assert streaming.clip_id == "clip-bbbb-2222"
    assert streaming.source == "https://audiopipe.suno.ai/?item_id=clip-bbbb-2222"
    for clip in raw["data"]:
        clip["audio_url"] = ""
    with pytest.raises(NothingToPlay, match="no clip of this task has audio"):
        track_for(parse_task(raw), no_file)
    with pytest.raises(NothingToPlay, match="no task is selected"):
        track_for(None, no_file)


# -- the process ------------------------------------------------------------


async def test_mpv_plays_the_file_pauses_over_ipc_and_stops(tmp_path: Path) -> None:
    standin = StandIn(tmp_path / "bin", "mpv")
    saved = tmp_path / "song.mp3"
    listening = Listening(
        Tasks(task()),
        lambda t, c: saved,
        player=None,
        env={"PATH": str(standin.path.parent)},
    )
    track = listening.play(TASK_ID)
    started = await wait_until_async(standin.started, "the stand-in never started")
    assert started["argv"][-2:] == ["--", str(saved)] and track.from_disk
    process = listening.process
    assert process is not None and process.pid == started["pid"]
    assert os.getpgid(process.pid) == process.pid  # its own process group

    position = await listening.position()
    assert (position.seconds, position.duration, position.paused) == (42.4, 176.0, False)
    assert await listening.toggle_pause() is True
    assert await listening.toggle_pause() is False
    assert ["set_property", "pause", True] in standin.requests()
    assert standin.requests()[-1] == ["set_property", "pause", False]

    await listening.stop()
    assert not alive(started["pid"]) and listening.process is None


async def test_a_plain_player_plays_the_url_and_cannot_pause(tmp_path: Path) -> None:
    standin = StandIn(tmp_path, "ffplay")
    listening = Listening(Tasks(task()), no_file, player=None, env={"PATH": str(tmp_path)})
    listening.play(TASK_ID)
    started = await wait_until_async(standin.started, "the stand-in never started")
    assert started["argv"][-1] == "https://cdn1.suno.ai/clip-aaaa-1111.mp3"
    assert "-nodisp" in started["argv"]
    assert await listening.toggle_pause() is None
    assert (await listening.position()).seconds is None
    listening.kill()
    assert not alive(started["pid"])


def test_playing_another_clip_stops_the_first(tmp_path: Path) -> None:
    standin = StandIn(tmp_path, "ffplay")
    listening = Listening(Tasks(task()), no_file, player=None, env={"PATH": str(tmp_path)})
    listening.play(TASK_ID)
    first = wait_until(standin.started, "the stand-in never started")["pid"]
    listening.play(TASK_ID)
    assert not alive(first)
    listening.kill()


def test_the_reaper_kills_players_when_the_process_exits_or_gets_sighup(
    tmp_path: Path,
) -> None:
    """A process that plays and then ends (atexit), crashes, is hung up on
    (SIGHUP, a closed terminal) or terminated (SIGTERM) leaves no player behind."""
    for how in ("exit", "sighup", "sigterm", "crash"):
        standin = StandIn(tmp_path / how, "ffplay")
        program = textwrap.dedent(
            f"""
            import os, signal, sys, time
            from suno_tui.player import PlayerProcess, choose_player
            program = choose_player(None, {{"PATH": {str(standin.path.parent)!r}}})
            PlayerProcess.start(program, "/music/a.mp3")
            # until the stand-in has written its start line (the file exists
            # a moment before the line is in it)
            log = {str(standin.log)!r}
            while not (os.path.exists(log) and open(log).read().endswith("\\n")):
                time.sleep(0.01)
            if {how!r} in ("sighup", "sigterm"):
                os.kill(os.getpid(), getattr(signal, {how.upper()!r}))
                time.sleep(30)
            if {how!r} == "crash":
                raise RuntimeError("the app crashed")
            """
        )
        result = subprocess.run(
            [sys.executable, "-c", program], capture_output=True, timeout=30, check=False
        )
        ends = {"exit": 0, "crash": 1, "sighup": -signal.SIGHUP, "sigterm": -signal.SIGTERM}
        expected = ends[how]
        assert result.returncode == expected, result.stderr
        pid = wait_until(standin.started, f"{how}: the stand-in never started")["pid"]
        wait_until(lambda pid=pid: not alive(pid), f"{how}: the player outlived its parent")


def test_the_reaper_forgets_stopped_players(tmp_path: Path) -> None:
    standin = StandIn(tmp_path, "ffplay")
    process = PlayerProcess.start(choose_player(None, {"PATH": str(tmp_path)}), "/a.mp3")
    wait_until(standin.started, "the stand-in never started")
    process.kill()
    reaper.kill_all()  # nothing left to kill: no error, no stray signal
    assert not process.running


def test_the_player_key_is_read_from_the_config(tmp_path: Path) -> None:
    from suno_tui.config import load_settings

    config = tmp_path / "config.toml"
    config.write_text('player = "mpv --no-video --volume=50"\n')
    settings = load_settings(config, env={})
    assert settings.player == "mpv --no-video --volume=50"

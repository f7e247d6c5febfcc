"""``suno-tui download`` against the simulator: files, plain-line output, exit
codes, the state store, the terminal display, and a process killed or
interrupted mid-download and run again."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from suno_tui.cli import main
from suno_tui.cli.download import Reporter, fit
from suno_tui.downloads import DownloadProgress, FileState, SkipKind
from suno_tui.simulator import Fault, ManualClock, Simulator, SimulatorThread
from suno_tui.tracking.store import Store


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Simulator]:
    sim = Simulator(seed=7, clock=ManualClock())
    with SimulatorThread(sim) as base_url:
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
        monkeypatch.setenv("SUNO_TUI_BASE_URL", base_url)
        monkeypatch.setenv("SUNO_TUI_TOKEN", sim.token)
        monkeypatch.setenv("SUNO_TUI_STATE", str(tmp_path / "state.db"))
        monkeypatch.setenv("SUNO_TUI_DOWNLOAD_DIR", str(tmp_path / "music"))
        for name in ("SUNO_TUI_PROFILE", "SUNO_TUI_CONFIG", "SSH_CONNECTION"):
            monkeypatch.delenv(name, raising=False)
        yield sim


def download(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["download", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def music(tmp_path: Path) -> Path:
    return (tmp_path / "music").resolve()


def test_downloads_and_prints_full_paths(
    served: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    task_id = served.add_task("success", elapsed=3600, title="Night Bus")
    code, out, err = download(capsys, task_id)

    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 8 and all(line.startswith("done ") for line in lines)
    for line in lines:
        path = Path(line.split(maxsplit=1)[1].rsplit("  (", 1)[0])
        assert path.is_absolute() and path.is_file() and path.parent == music(tmp_path)
    assert "8 downloaded, 0 already there, 0 skipped, 0 failed" in err
    assert str(music(tmp_path)) in err
    assert "\x1b" not in out  # not a terminal: no cursor movement
    assert served.token not in out + err

    # recorded in the state store, so the monitor shows them as downloaded
    with Store.open(tmp_path / "state.db") as store:
        records = store.downloads_for(task_id)
    assert len(records) == 8
    for record in records:
        data = Path(record.path).read_bytes()
        assert record.size == len(data) and record.sha256 == hashlib.sha256(data).hexdigest()

    # second run: nothing fetched again
    code, out, err = download(capsys, task_id)
    assert code == 0
    assert all(line.startswith("present ") for line in out.splitlines())
    assert "0 downloaded, 8 already there" in err


def test_assets_template_dir_and_no_tags_options(
    served: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    task_id = served.add_task("success", elapsed=3600, title="Night Bus")
    target = tmp_path / "elsewhere"
    code, _out, err = download(
        capsys, task_id, "--assets", "audio,lyrics", "--template", "{index} {title}.{ext}",
        "--download-dir", str(target), "--no-tags",
    )  # fmt: skip
    assert code == 0, err
    assert sorted(p.name for p in target.iterdir()) == [
        "1 Night Bus.mp3",
        "1 Night Bus.txt",
        "2 Night Bus.mp3",
        "2 Night Bus.txt",
    ]
    assert ID3(target / "1 Night Bus.mp3").getall("TXXX:SUNO_CLIP_ID") == []  # not tagged by us
    clip = served.render(task_id)["data"][0]
    assert (target / "1 Night Bus.mp3").read_bytes() == served.asset(clip["id"], "mp3").read()


def test_tags_use_the_artist_option(
    served: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    task_id = served.add_task("success", elapsed=3600)
    code, _, err = download(capsys, task_id, "--assets", "audio", "--artist", "DJ Test")
    assert code == 0, err
    for mp3 in music(tmp_path).glob("*.mp3"):
        assert str(ID3(mp3)["TPE1"]) == "DJ Test"


def test_partial_failure_downloads_one_clip_and_exits_1(
    served: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    task_id = served.add_task("partial", elapsed=3600)
    code, out, _err = download(capsys, task_id, "--assets", "audio")
    assert code == 1
    assert sum(line.startswith("done ") for line in out.splitlines()) == 1
    skipped = [line for line in out.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == 1 and "generation failed" in skipped[0] and task_id in skipped[0]


def test_unknown_id_and_unfinished_task_exit_1(
    served: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    done = served.add_task("success", elapsed=3600)
    streaming = served.add_task("stuck", elapsed=100)
    code, out, _ = download(capsys, done, "no-such-task")
    assert code == 1
    assert "failed     task no-such-task  (task not found on the gateway)" in out

    code, out, _ = download(capsys, streaming)
    assert code == 1
    assert "streaming" in out or "not generated yet" in out


def test_html_instead_of_audio_exits_1(
    served: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    task_id = served.add_task("success", elapsed=3600)
    served.faults.add(Fault.ASSET_WRONG_CONTENT, times=1)
    code, out, _ = download(capsys, task_id, "--assets", "audio")
    assert code == 1
    assert "the server sent an HTML page, not audio" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--assets", "audio,flac"], "unknown asset 'flac'"),
        (["--assets", "audio,wav"], "--assets: use --wav for wav"),
        (["--template", "{title.__class__}"], "--template"),
        (["--concurrency", "99"], "between 1 and 16"),
        (["bad id!"], "not a valid task id"),
    ],
)
def test_usage_errors_exit_2(
    served: Simulator, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = download(capsys, *(argv if argv[0] == "bad id!" else ["task-1", *argv]))
    assert code == 2
    assert message in err


def test_no_ids_exit_2(served: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = download(capsys)
    assert code == 2 and "no task ids" in err


def test_refused_token_exit_3(
    served: Simulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUNO_TUI_TOKEN", "sk-wrong-token-123")
    code, _, err = download(capsys, "task-1")
    assert code == 3
    assert "sk-wrong-token-123" not in err


def test_gateway_failure_exit_4(served: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    served.faults.add(Fault.HTTP_503, times=None)
    code, _, err = download(capsys, "task-1")
    assert code == 4
    assert "503" in err


def test_unreachable_gateway_exit_4(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("SUNO_TUI_STATE", str(tmp_path / "state.db"))
    monkeypatch.setenv("SUNO_TUI_BASE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("SUNO_TUI_TOKEN", "sk-x")
    code, _, _ = download(capsys, "task-1")
    assert code == 4


def test_dropped_asset_connections_that_never_recover_exit_4(
    served: Simulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from suno_tui.downloads.transfer import writer

    async def no_sleep(delay: float) -> None:
        return None

    monkeypatch.setattr(writer.WriterConfig, "__init__", _config_without_sleep(no_sleep))
    task_id = served.add_task("success", elapsed=3600)
    served.faults.add(Fault.ASSET_DROP, times=None, after_bytes=10_000)
    code, out, _ = download(capsys, task_id, "--assets", "audio")
    assert code == 4
    assert all(line.startswith("failed ") for line in out.splitlines())


def _config_without_sleep(sleep: object) -> object:
    from suno_tui.downloads.transfer.writer import WriterConfig

    original = WriterConfig.__init__

    def init(self: WriterConfig, *args: object, **kwargs: object) -> None:
        kwargs["sleep"] = sleep
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    return init


# -- the terminal display ----------------------------------------------------------------


def event(
    state: FileState, received: int = 0, total: int | None = None, **kw: object
) -> DownloadProgress:
    values: dict[str, object] = {
        "task_id": "t1", "clip_id": "c1234567890", "asset": "audio",
        "path": Path("/music/月光 [c1234567].mp3"), "received": received, "total": total,
        "speed_bps": 2_000_000.0, "state": state,
    }  # fmt: skip
    values.update(kw)
    return DownloadProgress(**values)  # type: ignore[arg-type]


def test_terminal_display_updates_a_line_in_place() -> None:
    stream = io.StringIO()
    reporter = Reporter(stream, tty=True)
    reporter.event(event(FileState.QUEUED))
    reporter.event(event(FileState.RUNNING, 500_000, 1_000_000))
    reporter.event(event(FileState.DONE, 1_000_000, 1_000_000))
    reporter.close()
    text = stream.getvalue()
    assert "\x1b[1F\x1b[J" in text  # the live line was erased before the final one
    assert text.rstrip().endswith("done       /music/月光 [c1234567].mp3  (1.0 MB)")


def test_plain_output_has_one_line_per_finished_file() -> None:
    stream = io.StringIO()
    reporter = Reporter(stream, tty=False)
    reporter.event(event(FileState.QUEUED))
    reporter.event(event(FileState.RUNNING, 500_000, 1_000_000))
    reporter.event(event(FileState.FAILED, message="the disk is full\x1b[2J"))
    reporter.event(
        event(FileState.SKIPPED, path=None, asset="clip", message="still streaming",
              skip_kind=SkipKind.NOT_READY)
    )  # fmt: skip
    reporter.close()
    assert stream.getvalue().splitlines() == [
        "failed     /music/月光 [c1234567].mp3  (the disk is full)",
        "skipped    task t1 clip c1234567  (still streaming)",
    ]


def test_terminal_display_never_taller_than_the_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    import os as os_module

    monkeypatch.setattr(
        "shutil.get_terminal_size", lambda fallback: os_module.terminal_size((60, 6))
    )
    stream = io.StringIO()
    reporter = Reporter(stream, tty=True)
    for n in range(9):
        reporter.event(event(FileState.RUNNING, 10, 100, clip_id=f"clip{n}"))
        reporter._last_draw = 0.0  # redraw every event
    for n in range(5):
        reporter.event(event(FileState.QUEUED, clip_id=f"queued{n}"))
        reporter._last_draw = 0.0
    last = stream.getvalue().rsplit("\x1b[J", 1)[1].splitlines()
    assert len(last) == 4
    assert last[-1] == "  ... 6 more running, 5 queued"
    assert all(len(line) <= 59 for line in last)


def test_fit_counts_wide_characters() -> None:
    assert fit("月光下的城市", 5) == "月光"
    assert fit("abc", 5) == "abc"


# -- a process interrupted or killed mid-download, then run again -------------------------

BIG = 400_000_000  # large enough that the signal lands mid-file


def _spawn(tmp_path: Path, sim: Simulator, base_url: str, task_id: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "SUNO_TUI_BASE_URL": base_url,
        "SUNO_TUI_TOKEN": sim.token,
        "SUNO_TUI_STATE": str(tmp_path / "state.db"),
        "SUNO_TUI_DOWNLOAD_DIR": str(tmp_path / "music"),
    }
    code = "import sys; from suno_tui.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen(
        [sys.executable, "-c", code, "download", task_id, "--assets", "audio", "--no-tags",
         "--concurrency", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


#: a guard against a download that never starts (not a measurement)
PART_GUARD = 120.0


def _wait_for_part(folder: Path, proc: subprocess.Popen[str]) -> None:
    """Until the first .part holds some data (polling, no timed assertion);
    fails if the download ends first, or never gets that far."""
    deadline = time.monotonic() + PART_GUARD
    while proc.poll() is None:
        parts = list(folder.glob("*.part")) if folder.exists() else []
        if parts and parts[0].stat().st_size > 4_000_000:
            return
        if time.monotonic() >= deadline:  # the caller kills the process
            raise AssertionError(f"no .part of 4 MB after {PART_GUARD:g} s")
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(0.01)
    raise AssertionError(f"the download ended before it could be interrupted: {proc.returncode}")


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_process_stopped_mid_download_resumes_next_run(tmp_path: Path, sig: signal.Signals) -> None:
    sim = Simulator(seed=9, clock=ManualClock())
    with SimulatorThread(sim) as base_url:
        task_id = sim.add_task("success", elapsed=3600, asset_sizes={"mp3": BIG})
        folder = tmp_path / "music"
        proc = _spawn(tmp_path, sim, base_url, task_id)
        try:
            _wait_for_part(folder, proc)
            proc.send_signal(sig)
            _, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if sig == signal.SIGINT:
            assert proc.returncode == 130
            assert "partial downloads are kept" in err and "Traceback" not in err
        assert not list(folder.glob("*.mp3"))
        kept = sum(p.stat().st_size for p in folder.glob("*.part"))
        assert kept > 0

        served_before = sim.stats.asset_bytes
        proc = _spawn(tmp_path, sim, base_url, task_id)
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert not list(folder.glob("*.part*"))
        for clip in sim.render(task_id)["data"]:
            path = next(folder.glob(f"*[[]{clip['id'][:8]}].mp3"))
            expected = hashlib.sha256()
            for chunk in sim.asset(clip["id"], "mp3").chunks():
                expected.update(chunk)
            actual = hashlib.sha256()
            with open(path, "rb") as handle:
                while block := handle.read(1 << 20):
                    actual.update(block)
            assert actual.hexdigest() == expected.hexdigest()
        # the second run did not fetch the kept bytes again
        assert sim.stats.asset_bytes - served_before <= 2 * BIG - kept


def test_imports_stay_light() -> None:
    code = (
        "import sys\n"
        "import suno_tui.cli.download\n"
        "early = [m for m in ('httpx', 'suno_tui.downloads', 'asyncio') if m in sys.modules]\n"
        "assert not early, early\n"
        "import suno_tui.downloads\n"
        "heavy = [m for m in ('textual', 'httpx', 'mutagen', 'suno_tui.tracking.store')\n"
        "         if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)

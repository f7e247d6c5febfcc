"""``suno-tui sync DIR`` end to end against the simulator: a fresh mirror,
a second run that asks for no file, filters, JSON lines, failures with
their reasons, the watch list without an access token. (A run killed
mid-transfer and ``--watch`` are in test_sync_processes.py.)"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from suno_tui.cli import main
from suno_tui.cli.sync_output import SyncPrinter
from suno_tui.downloads import DownloadProgress, FileState
from suno_tui.simulator import Fault, ManualClock, Simulator, SimulatorThread
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import Tracker
from tests.fixtures.simulators import advance

#: each finished clip's files with the default assets: mp3, cover, lyrics, JSON
FILES_PER_CLIP = 4


@pytest.fixture
def account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Simulator]:
    """A new-api simulator in a thread; the environment holds its key, access
    token and user id. Its clock starts at the real time (``--since``)."""
    sim = Simulator(seed=11, clock=ManualClock(time.time()))
    for var in ("SUNO_TUI_PROFILE", "SUNO_TUI_CONFIG", "SSH_CONNECTION", "SUNO_TUI_DOWNLOAD_DIR"):
        monkeypatch.delenv(var, raising=False)
    with SimulatorThread(sim) as base_url:
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
        monkeypatch.setenv("SUNO_TUI_BASE_URL", base_url)
        monkeypatch.setenv("SUNO_TUI_TOKEN", sim.token)
        monkeypatch.setenv("SUNO_TUI_ACCESS_TOKEN", sim.access_token)
        monkeypatch.setenv("SUNO_TUI_USER_ID", str(sim.user_id))
        monkeypatch.setenv("SUNO_TUI_STATE", str(tmp_path / "state.db"))
        yield sim
    assert not sim.errors, sim.errors


def sync(capsys: pytest.CaptureFixture[str], sim: Simulator, *argv: str) -> tuple[int, str, str]:
    code = main(["sync", *argv])
    out, err = capsys.readouterr()
    for secret in (sim.token, sim.access_token):
        assert secret not in out and secret not in err
    return code, out, err


def json_lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def test_fresh_sync_then_a_second_one_asks_for_no_file(
    account: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    done = [account.add_task("success", elapsed=3600, title=f"Song {n}") for n in range(3)]
    account.add_task("failure", elapsed=3600)
    account.add_task("stuck", elapsed=60)  # still streaming: not finished
    folder = tmp_path / "library"

    code, out, err = sync(capsys, account, str(folder))
    assert code == 0, err
    assert err == ""  # no progress when stderr is not a terminal
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 3 * 2 * FILES_PER_CLIP and not any(".part" in f for f in files)
    summary = out.splitlines()[0]
    assert summary.startswith("4 tasks found in the account (1 not finished yet): 24 new files")
    assert "0 already there" in summary and "0 failed" in summary
    assert str(folder.resolve()) in summary
    with Store.open(tmp_path / "state.db") as store:
        assert sum(len(store.downloads_for(task_id)) for task_id in done) == 24

    assets_before = account.stats.requests["asset"]
    fetches_before = account.stats.requests["fetch"] + account.stats.requests["fetch_one"]
    code, out, err = sync(capsys, account, str(folder))
    assert code == 0, err
    assert account.stats.requests["asset"] == assets_before  # not one file asked for
    fetches_after = account.stats.requests["fetch"] + account.stats.requests["fetch_one"]
    assert fetches_after == fetches_before  # nor a task's fresh links
    assert "0 new files, 24 already there" in out
    assert "nothing to download: every file is already there" in out


def test_a_file_gone_from_disk_is_fetched_again_and_only_it(
    account: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    account.add_task("success", elapsed=3600)
    other = account.add_task("success", elapsed=3600)
    folder = tmp_path / "library"
    assert sync(capsys, account, str(folder))[0] == 0
    clip = account.render(other)["data"][0]["id"]
    gone = next(folder.glob(f"*{clip[:8]}*.mp3"))
    gone.unlink()
    fetch_one_before = account.stats.requests["fetch_one"]
    assets_before = account.stats.requests["asset"]

    code, out, err = sync(capsys, account, "--json", str(folder))
    assert code == 0, err
    assert gone.is_file()
    documents = json_lines(out)
    done = [d for d in documents if d.get("state") == "done"]
    assert [(d["task_id"], d["clip_id"], d["asset"]) for d in done] == [(other, clip, "audio")]
    # the task list's own links were used: no fetch of the task
    assert account.stats.requests["fetch_one"] == fetch_one_before
    assert account.stats.requests["asset"] - assets_before == 1
    assert documents[-1]["new"] == 1 and documents[-1]["present"] == 2 * FILES_PER_CLIP * 2 - 1


def test_json_lines_one_object_per_file_and_a_summary(
    account: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    task_id = account.add_task("partial", elapsed=3600)  # one clip failed
    folder = tmp_path / "library"
    code, out, err = sync(capsys, account, str(folder), "--json")
    assert code == 0, err
    documents = json_lines(out)
    files, summary = documents[:-1], documents[-1]
    assert {d["event"] for d in files} == {"file"}
    done = [d for d in files if d["state"] == "done"]
    assert len(done) == FILES_PER_CLIP
    for document in done:
        assert Path(document["path"]).stat().st_size == document["size"]
        assert document["task_id"] == task_id and document["error_kind"] is None
    skipped = [d for d in files if d["state"] == "skipped"]
    assert len(skipped) == 1 and skipped[0]["skip_kind"] == "failed"
    assert skipped[0]["asset"] == "clip" and "generation failed" in skipped[0]["reason"]
    assert summary == {
        "event": "summary", "source": "account", "directory": str(folder.resolve()),
        "tasks": 1, "complete": 0, "unfinished": 0, "new": FILES_PER_CLIP, "present": 0,
        "skipped": 1, "failed": 0, "cancelled": 0, "failures": [], "truncated": False,
    }  # fmt: skip

    code, out, _ = sync(capsys, account, str(folder), "--json")
    documents = json_lines(out)
    assert code == 0
    assert [d["state"] for d in documents[:-1]].count("present") == FILES_PER_CLIP
    # everything the task offers is there (its failed clip offers nothing)
    assert documents[-1]["complete"] == 1 and documents[-1]["new"] == 0


def test_status_and_since_choose_the_tasks(
    account: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    recent = account.add_task("success", elapsed=3600)
    old = account.add_task("success", elapsed=3 * 86400)
    account.add_task("failure", elapsed=3600)
    folder = tmp_path / "library"

    code, out, _ = sync(capsys, account, str(folder), "--since", "1d", "--json")
    assert code == 0
    summary = json_lines(out)[-1]
    assert summary["tasks"] == 2 and summary["new"] == 2 * FILES_PER_CLIP
    assert {d["task_id"] for d in json_lines(out)[:-1] if d["state"] == "done"} == {recent}

    code, out, _ = sync(capsys, account, str(folder), "--status", "failure", "--json")
    documents = json_lines(out)
    assert code == 0 and documents[-1]["tasks"] == 1 and documents[-1]["new"] == 0
    assert old not in {d["task_id"] for d in documents[:-1]}

    code, out, _ = sync(capsys, account, str(folder), "--status", "SUCCESS,FAILURE", "--json")
    assert json_lines(out)[-1]["tasks"] == 3 and json_lines(out)[-1]["new"] == 2 * FILES_PER_CLIP

    code, _, err = sync(capsys, account, str(folder), "--status", "DONE")
    assert code == 2 and "--status: choose from" in err
    code, _, err = sync(capsys, account, str(folder), "--since", "soon")
    assert code == 2 and "--since" in err


def test_failures_are_reported_with_reasons_and_exit_non_zero(
    account: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    account.add_task("success", elapsed=3600)
    account.faults.add(Fault.ASSET_WRONG_CONTENT, times=1)
    folder = tmp_path / "library"
    code, out, err = sync(capsys, account, str(folder))
    assert code == 1, err
    lines = out.splitlines()
    assert "1 failed" in lines[0]
    failed = [line for line in lines if line.startswith("failed ")]
    assert len(failed) == 1 and "the server sent an HTML page" in failed[0]

    code, out, _ = sync(capsys, account, str(folder), "--json")  # the fault is spent: fixed
    assert code == 0 and json_lines(out)[-1]["new"] == 1


def test_a_refused_access_token_is_exit_3_and_a_dead_gateway_exit_4(
    account: Simulator,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    account.add_task("success", elapsed=3600)
    monkeypatch.setenv("SUNO_TUI_ACCESS_TOKEN", "not-the-token")
    code, out, err = sync(capsys, account, str(tmp_path / "library"))
    assert code == 3 and out == "" and "access token refused" in err
    monkeypatch.setenv("SUNO_TUI_ACCESS_TOKEN", account.access_token)
    monkeypatch.setenv("SUNO_TUI_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    code, _, err = sync(capsys, account, str(tmp_path / "library"), "--request-timeout", "2")
    assert code == 4, err


def test_without_an_access_token_the_watch_list_is_mirrored(
    account: Simulator,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SUNO_TUI_ACCESS_TOKEN")
    watched = account.add_task("success", elapsed=3600)
    account.add_task("success", elapsed=3600)  # in the account, not watched
    running = account.add_task("success", elapsed=10)  # watched before it finished
    assert main(["watch", watched]) == 0  # finished: watched, its snapshot stored
    tracker = Tracker(Store.open(tmp_path / "state.db"), clock=lambda: datetime.now(UTC))
    tracker.add([running])  # watched, never fetched yet
    tracker.store.close()
    capsys.readouterr()
    advance(account, 3600)

    folder = tmp_path / "library"
    code, out, err = sync(capsys, account, str(folder), "--json")
    assert code == 0, err
    documents = json_lines(out)
    assert documents[-1]["source"] == "watch list" and documents[-1]["tasks"] == 2
    assert {d["task_id"] for d in documents[:-1]} == {watched, running}
    assert account.stats.requests["account_task_self"] == 0

    fetches = account.stats.requests["fetch"] + account.stats.requests["fetch_one"]
    assets = account.stats.requests["asset"]
    code, out, _ = sync(capsys, account, str(folder))
    assert code == 0 and "0 new files, 16 already there" in out
    assert account.stats.requests["fetch"] + account.stats.requests["fetch_one"] == fetches
    assert account.stats.requests["asset"] == assets


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _event(state: FileState, asset: str, **fields: Any) -> DownloadProgress:
    path = Path(f"/music/Song [{asset}].mp3")
    return DownloadProgress("task-1", "clip-1", asset, path, 10, 10, 0.0, state, **fields)


def test_progress_on_a_terminal_leaves_out_the_files_already_there() -> None:
    out, err = io.StringIO(), _Terminal()
    printer = SyncPrinter(out, err, as_json=False)
    printer.event(_event(FileState.RUNNING, "audio", message="connecting"))
    printer.event(_event(FileState.DONE, "audio"))
    printer.event(_event(FileState.DONE, "image", present=True))
    printer.event(_event(FileState.FAILED, "video", message="\x1b[2Jrefused", error_kind="http"))
    printer.close()
    shown = err.getvalue()
    assert "done       /music/Song [audio].mp3" in shown
    assert "[image]" not in shown  # already there: no line of its own
    assert "failed     /music/Song [video].mp3" in shown and "\x1b[2J" not in shown
    assert out.getvalue() == ""  # the summary comes at the end, on stdout
    assert printer.exit_code() == 4  # an HTTP failure: network or gateway

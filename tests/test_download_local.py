"""Downloads against a hostile or changed download folder (issue #14, items 3
and 12): nothing is written through a symlink it did not make, and a run
saves what was asked where it was asked, printing only what is true."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from suno_tui.cli import main
from suno_tui.simulator import ManualClock, Simulator, SimulatorThread
from suno_tui.tracking.store import Store

TEMPLATE = "{clip_id}.{ext}"
PRECIOUS = b"precious: not the program's to change\n"


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Simulator]:
    sim = Simulator(seed=7, clock=ManualClock())
    with SimulatorThread(sim) as base_url:
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
        monkeypatch.setenv("SUNO_TUI_BASE_URL", base_url)
        monkeypatch.setenv("SUNO_TUI_TOKEN", sim.token)
        monkeypatch.setenv("SUNO_TUI_STATE", str(tmp_path / "state.db"))
        for name in (
            "SUNO_TUI_PROFILE",
            "SUNO_TUI_CONFIG",
            "SSH_CONNECTION",
            "SUNO_TUI_DOWNLOAD_DIR",
        ):
            monkeypatch.delenv(name, raising=False)
        yield sim


def download(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["download", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _first_clip(sim: Simulator, task_id: str) -> str:
    return str(sim.render(task_id)["data"][0]["id"])


# -- item 3: symlinks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asset", "ext", "links"),
    [
        ("lyrics", "txt", [".part"]),
        ("json", "json", [".part"]),
        ("audio", "mp3", [".part"]),
        ("audio", "mp3", [".part", ".part.meta"]),
        ("audio", "mp3", [".part.meta"]),
        ("image", "jpeg", [".part"]),
    ],
)
def test_a_symlinked_part_is_never_written_through(
    asset: str,
    ext: str,
    links: list[str],
    served: Simulator,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    task_id = served.add_task("success", elapsed=3600, title="Night Bus")
    clip = _first_clip(served, task_id)
    folder = tmp_path / "dl"
    folder.mkdir()
    victims = []
    for suffix in links:
        victim = tmp_path / f"victim{suffix}"
        victim.write_bytes(PRECIOUS)
        (folder / f"{clip}.{ext}{suffix}").symlink_to(victim)
        victims.append(victim)

    code, out, err = download(
        capsys, task_id, "-o", str(folder), "--assets", asset, "--template", TEMPLATE, "--no-tags"
    )

    assert code == 0, out + err
    for victim in victims:
        assert victim.read_bytes() == PRECIOUS  # was overwritten with the download
    final = folder / f"{clip}.{ext}"
    assert not final.is_symlink()  # was left as a symlink to the victim
    assert final.is_file() and final.stat().st_size > 0
    assert not any(path.is_symlink() for path in folder.iterdir())


@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_a_linked_part_with_a_valid_meta_is_not_resumed_into(
    link: str, served: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    task_id = served.add_task("success", elapsed=3600)
    clip = _first_clip(served, task_id)
    folder = tmp_path / "dl"
    folder.mkdir()
    victim = tmp_path / "victim"
    victim.write_bytes(PRECIOUS)
    if link == "hard":
        os.link(victim, folder / f"{clip}.mp3.part")
    else:
        (folder / f"{clip}.mp3.part").symlink_to(victim)
    (folder / f"{clip}.mp3.part.meta").write_text('{"etag": "\\"x\\"", "total": 99999999}')

    code, out, err = download(
        capsys, task_id, "-o", str(folder), "--assets", "audio", "--template", TEMPLATE, "--no-tags"
    )
    assert code == 0, out + err
    assert victim.read_bytes() == PRECIOUS
    assert not (folder / f"{clip}.mp3").is_symlink()


# -- item 12: another folder or template --------------------------------------------------------


@pytest.mark.parametrize("change", ["folder", "template"])
def test_a_second_run_elsewhere_saves_the_files_there(
    change: str, served: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    task_id = served.add_task("success", elapsed=3600, title="Night Bus")
    first = tmp_path / "dl"
    code, _, err = download(capsys, task_id, "-o", str(first))
    assert code == 0, err
    before = {path.name: path.read_bytes() for path in first.iterdir()}

    if change == "folder":
        second, argv = tmp_path / "dl2", ["-o", str(tmp_path / "dl2")]
    else:
        second, argv = first, ["-o", str(first), "--template", "{index} - {clip_id}.{ext}"]
    code, out, err = download(capsys, task_id, *argv)

    assert code == 0, err
    printed = [Path(line.split(maxsplit=1)[1].rsplit("  (", 1)[0]) for line in out.splitlines()]
    assert len(printed) == len(before) == 8
    for path in printed:
        assert path.parent == second.resolve(), out  # every printed path is in the place asked
        assert path.is_file()
    if change == "folder":
        assert sorted(p.name for p in second.iterdir()) == sorted(before)
        for name, data in before.items():
            assert (second / name).read_bytes() == data
    else:
        assert all(" - " in path.name for path in printed)
    assert "already downloaded" not in out  # nothing was where it was asked
    assert f"files in {second.resolve()}" in err
    # the store follows the latest copy
    with Store.open(tmp_path / "state.db") as store:
        assert {Path(r.path) for r in store.downloads_for(task_id)} == set(printed)

    # and a third run, same as the second, finds them all there
    code, out, err = download(capsys, task_id, *argv)
    assert code == 0, err
    assert all(line.startswith("present ") for line in out.splitlines()), out

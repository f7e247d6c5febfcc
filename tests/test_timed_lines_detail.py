"""Timed lyrics read back from an ``.lrc`` for the detail (issue 19, item 5):
the parser takes this program's files and hostile ones alike, and the lines
are shown as text, never markup; an mp3 on disk gets them as its SYLT frame."""

from __future__ import annotations

from pathlib import Path

from mutagen.id3 import ID3

from suno_tui.downloads.timed_lyrics import TimedLine, lrc_text, read_lrc
from suno_tui.engine.clip_extras import read_timed_file
from suno_tui.relay.models import parse_task
from suno_tui.tui.detail.timed_lines import TimedLyrics, timed_block, timed_stamp


def test_an_lrc_this_program_wrote_reads_back_as_its_lines() -> None:
    lines = [TimedLine("Winter comes", 8.38), TimedLine("deep and slow", 12.4)]
    text = lrc_text(lines, title="Snow", artist="Me", length=190.0)
    assert read_lrc(text) == lines  # the [ti:], [ar:] and [length:] tags are not lines


def test_hostile_lrc_text_is_cleaned_and_bounded() -> None:
    text = "\n".join(
        [
            "[00:01.00]\x1b[31mred\x1b[0m [b]bold[/b]\u202eevil",
            "[00:02]no fraction",
            "[1:03.5]short minutes",
            "[xx:01.00]not a time",
            "[00:99.00]not a second",
            "plain words without a time",
            *(f"[00:03.00]line {n}" for n in range(5000)),
        ]
    )
    lines = read_lrc(text)
    assert len(lines) == 2000
    first = lines[0].text
    assert "\x1b" not in first and "\u202e" not in first and "[b]bold[/b]" in first
    assert (lines[1].text, lines[1].start) == ("no fraction", 2.0)
    assert (lines[2].text, lines[2].start) == ("short minutes", 63.5)
    assert all(line.text.startswith("line ") for line in lines[3:])


def test_the_block_is_text_not_markup() -> None:
    block = timed_block([TimedLine("[bold red]loud[/]", 12.4), TimedLine("late", 75.0)])
    assert block.plain == "    0:12.40  [bold red]loud[/]\n    1:15.00  late\n"
    assert timed_stamp(3600.0) == "60:00.00"


def test_lines_are_read_once_per_task_until_it_changes(tmp_path: Path) -> None:
    lrc = tmp_path / "a.lrc"
    lrc.write_text("[00:05.00]hello\n", encoding="utf-8")
    asked: list[tuple[str, str, str]] = []

    def saved_file(task_id: str, clip_id: str, asset: str) -> Path | None:
        asked.append((task_id, clip_id, asset))
        return lrc if clip_id == "c1" else None

    task = parse_task(
        {"task_id": "t1", "status": "SUCCESS", "data": [
            {"id": "c1", "status": "complete", "metadata": {"prompt": "hello"}},
            {"id": "c2", "status": "complete", "metadata": {"prompt": "hello"}},
        ]}
    )  # fmt: skip
    timed = TimedLyrics(saved_file, read_timed_file)
    assert timed.for_task(task) == {"c1": [TimedLine("hello", 5.0)]}
    assert timed.for_task(task) == {"c1": [TimedLine("hello", 5.0)]}
    assert len(asked) == 2  # one look per clip, then kept
    lrc.unlink()
    timed.forget({"t1"})
    assert timed.for_task(task) == {}


def test_an_mp3_on_disk_gets_its_sylt_frame(tmp_path: Path) -> None:
    from mutagen.id3 import TIT2

    from suno_tui.downloads.sylt_update import set_timed_lyrics

    mp3 = tmp_path / "song.mp3"
    tags = ID3()
    tags.add(TIT2(encoding=3, text="Song"))
    tags.save(mp3)
    with mp3.open("ab") as file:
        file.write(b"\xff\xfb" + b"\x00" * 2000)
    size, sha = set_timed_lyrics(mp3, [TimedLine("one", 1.0), TimedLine("two", 2.5)])
    saved = ID3(mp3)
    assert [frame.text for frame in saved.getall("SYLT")] == [[("one", 1000), ("two", 2500)]]
    assert saved.getall("TIT2")[0].text == ["Song"]  # the rest kept
    assert size == mp3.stat().st_size and len(sha) == 64
    assert sorted(p.name for p in tmp_path.iterdir()) == ["song.mp3"]  # no copy left

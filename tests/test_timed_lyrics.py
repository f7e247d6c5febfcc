"""Timed lyrics: lines from aligned words (tags out, breaks inside words
respected), LRC text, and a SYLT frame that survives a round trip through
an mp3 file read back by mutagen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from suno_tui.downloads.timed_lyrics import (
    TimedLine,
    lrc_text,
    lrc_time,
    lyric_lines,
    sylt_entries,
    sylt_frame,
)
from suno_tui.relay.clip_answers import TimedWord

SONG = [
    TimedWord("[Verse]\nWinter ", 8.38, 8.78),
    TimedWord("comes\n", 8.9, 9.3),
    TimedWord("slow ", 10.0, 10.2),
    TimedWord("and ", 10.3, 10.4),
    TimedWord("deep\n\n", 10.5, 11.0),
    TimedWord("[Chorus]\nLet ", 61.0, 61.2),
    TimedWord("it ", 61.3, 61.4),
    TimedWord("go\n", 61.5, 62.0),
]


def test_lines_from_words_with_tags_and_breaks_inside() -> None:
    assert lyric_lines(SONG) == [
        TimedLine("Winter comes", 8.38, "Verse"),
        TimedLine("slow and deep", 10.0, "Verse"),
        TimedLine("Let it go", 61.0, "Chorus"),
    ]


def test_a_line_starts_at_its_first_timed_word_and_tags_without_breaks_go_too() -> None:
    words = [
        TimedWord("[Intro] [Verse 2] ", 1.0, 1.5),  # tags only, no break after them
        TimedWord("Hold ", None, None),
        TimedWord("on\n", 3.25, 3.5),
        TimedWord("[Outro]\n", 9.0, 9.1),
        TimedWord("bye", 9.5, 9.9),  # the last line needs no break
    ]
    assert lyric_lines(words) == [
        TimedLine("Hold on", 3.25, "Verse 2"),
        TimedLine("bye", 9.5, "Outro"),
    ]


def test_lrc() -> None:
    text = lrc_text(lyric_lines(SONG), title="Neon [Harbor]", artist="lumen", length=187.4)
    assert text == (
        "[ti:Neon (Harbor)]\n"
        "[ar:lumen]\n"
        "[length:03:07]\n"
        "[00:08.38]Winter comes\n"
        "[00:10.00]slow and deep\n"
        "[01:01.00]Let it go\n"
    )


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "[00:00.00]"),
        (59.994, "[00:59.99]"),
        (59.996, "[01:00.00]"),
        (61.005, "[01:01.00]"),  # 6100.5 rounds to even hundredths
        (6000.0, "[100:00.00]"),
        (-1.0, "[00:00.00]"),
    ],
)
def test_lrc_time(seconds: float, shown: str) -> None:
    assert lrc_time(seconds) == shown


def test_untimed_and_backwards_lines_keep_time_in_order() -> None:
    lines = [
        TimedLine("a", None),
        TimedLine("b", 5.0),
        TimedLine("c", None),
        TimedLine("d", 4.0),  # an aligner's slip: never before the line above
        TimedLine("e", 7.5),
    ]
    assert sylt_entries(lines) == [("a", 0), ("b", 5000), ("c", 5000), ("d", 5000), ("e", 7500)]
    assert lrc_text(lines).splitlines() == [
        "[00:00.00]a",
        "[00:05.00]b",
        "[00:05.00]c",
        "[00:05.00]d",
        "[00:07.50]e",
    ]


def test_nothing_to_write() -> None:
    assert lyric_lines([TimedWord("[Instrumental]\n", 0.5, 1.0)]) == []
    assert lrc_text([]) == ""
    assert sylt_frame([]) is None


def _silent_mp3(path: Path) -> None:
    # MPEG-1 Layer III frames, 128 kbit/s, 44.1 kHz: enough for mutagen.mp3
    frame = b"\xff\xfb\x90\x64" + b"\x00" * 413
    path.write_bytes(frame * 200)


@pytest.mark.parametrize("version", [3, 4])
def test_sylt_frame_round_trips_through_an_mp3(tmp_path: Path, version: int) -> None:
    path = tmp_path / "song.mp3"
    _silent_mp3(path)
    lines = lyric_lines([*SONG, TimedWord("[Bridge]\n月光下的城市\n", 90.125, 92.0)])
    tags = ID3()
    tags.add(sylt_frame(lines))
    if version == 3:
        tags.update_to_v23()  # as downloads/tagging.py saves them
    tags.save(path, v2_version=version)

    audio = MP3(path)
    assert audio.tags is not None
    (frame,) = audio.tags.getall("SYLT")
    assert frame.format == 2 and frame.type == 1 and frame.lang == "eng"
    assert list(frame.text) == [
        ("Winter comes", 8380),
        ("slow and deep", 10000),
        ("Let it go", 61000),
        ("月光下的城市", 90125),
    ]
    assert audio.info.length > 0  # still an mp3


# -- properties -----------------------------------------------------------------------

_TEXT = st.text(alphabet="ab \n[]V1", max_size=12)
_WORDS = st.lists(
    st.builds(
        TimedWord,
        text=_TEXT,
        start=st.none() | st.floats(0, 600, allow_nan=False),
        end=st.none(),
    ),
    max_size=40,
)
_LRC_LINE = re.compile(r"^\[\d{2,}:[0-5]\d\.\d{2}\][^\n]+$")


def _reference(words: list[TimedWord]) -> list[str]:
    """The lines by another road: the whole text, split, tags cut from the front."""
    out = []
    for raw in "".join(w.text for w in words).split("\n"):
        text = re.sub(r"^(?:\s*\[[^\[\]\n]*\])+", "", raw)
        if text.strip():
            out.append(" ".join(text.split()))
    return out


@settings(max_examples=300, deadline=None)
@given(_WORDS)
def test_lines_are_the_lyrics_without_tags_in_order(words: list[TimedWord]) -> None:
    lines = lyric_lines(words)
    assert [line.text for line in lines] == _reference(words)
    starts = {w.start for w in words}
    assert all(line.start is None or line.start in starts for line in lines)
    lrc = lrc_text(lines).splitlines()
    assert len(lrc) == len(lines)
    assert all(_LRC_LINE.match(line) for line in lrc)
    times = [ms for _, ms in sylt_entries(lines)]
    assert times == sorted(times) and all(0 <= ms < 2**32 for ms in times)

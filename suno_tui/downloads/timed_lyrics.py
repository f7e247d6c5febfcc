"""Timed lyrics from a clip's aligned words (``GET /suno/act/timing``): the
lyric lines with their start times, an LRC file's text, and the entries of
an ID3 synchronised-lyrics frame (SYLT). Pure functions: no I/O.

Suno's aligner gives words, not lines, and a word carries what stands around
it on the page: a section tag before it and the line break after it
(``"[Verse]\\nWinter "``, ``"deep\\n"``). The lines are rebuilt from those
breaks; a line that is only section tags (``[Verse]``, ``[Chorus]``) is not a
lyric: it names the section of the lines after it. A line starts when its
first sung word starts; a line none of whose words has a time takes the
time of the line before it in LRC and SYLT (times never go back), since
players expect them in order.

LRC: ``[mm:ss.xx]text`` a line (minutes grow past 99 if need be). SYLT:
``(text, milliseconds)`` pairs for ``mutagen.id3.SYLT`` with ``format=2``
(milliseconds) and ``type=1`` (lyrics), which foobar2000 and MusicBee show.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from suno_tui.safe_text import clean_line

__all__ = [
    "SYLT_FORMAT_MILLISECONDS",
    "SYLT_TYPE_LYRICS",
    "TimedLine",
    "WordLike",
    "lrc_text",
    "lrc_time",
    "lyric_lines",
    "read_lrc",
    "sylt_entries",
    "sylt_frame",
]

SYLT_FORMAT_MILLISECONDS = 2
SYLT_TYPE_LYRICS = 1
_MAX_MS = 2**32 - 1  # SYLT stores a 32-bit time stamp
# Section tags at the start of a line: "[Verse]", "[Chorus 2]", several in a row.
_LEADING_TAGS = re.compile(r"^(?:\s*\[[^\[\]\n]*\])+")


class WordLike(Protocol):
    """A sung word (``relay.clip_answers.TimedWord`` is one)."""

    @property
    def text(self) -> str: ...

    @property
    def start(self) -> float | None: ...


@dataclass(frozen=True, slots=True)
class TimedLine:
    """One lyric line; ``start`` is None when none of its words has a time."""

    text: str
    start: float | None
    section: str = ""  # the tag of its section, "Verse" for "[Verse]", "" if none


@dataclass(slots=True)
class _Building:
    """A lyric line being put together from the words' pieces, and when it starts."""

    pieces: list[str]
    start: float | None = None


def lyric_lines(words: Iterable[WordLike]) -> list[TimedLine]:
    """The lyric lines sung in ``words``, section tags left out."""
    lines: list[TimedLine] = []
    section = ""
    current = _Building([])

    def finish() -> None:
        nonlocal section, current
        raw = "".join(current.pieces)
        tags = _LEADING_TAGS.match(raw)
        text = " ".join(raw[tags.end() :].split()) if tags else " ".join(raw.split())
        if tags:
            section = _last_tag(tags.group(0))
        text = clean_line(text).strip()
        if text:
            lines.append(TimedLine(text, current.start, section))
        current = _Building([])

    for word in words:
        segments = word.text.split("\n")
        for index, segment in enumerate(segments):
            if index:
                finish()
            if not segment:
                continue
            if current.start is None and _sung(current.pieces, segment):
                current.start = word.start
            current.pieces.append(segment)
    finish()
    return lines


def _sung(before: list[str], segment: str) -> bool:
    """Whether ``segment`` adds the first sung (not tag, not blank) text to a line."""
    text = "".join(before) + segment
    tags = _LEADING_TAGS.match(text)
    rest = text[tags.end() :] if tags else text
    return bool(rest.strip())


def _last_tag(tags: str) -> str:
    names = re.findall(r"\[([^\[\]\n]*)\]", tags)
    return clean_line(names[-1]).strip() if names else ""


def _times(lines: Sequence[TimedLine]) -> list[float]:
    """Each line's time for LRC and SYLT: known, or the previous one's; never
    earlier than the line before."""
    times: list[float] = []
    last = 0.0
    for line in lines:
        if line.start is not None and line.start > last:
            last = line.start
        times.append(last)
    return times


def lrc_time(seconds: float) -> str:
    """``[mm:ss.xx]`` for ``seconds`` (rounded to the hundredth)."""
    hundredths = max(0, round(seconds * 100))
    minutes, rest = divmod(hundredths, 6000)
    return f"[{minutes:02d}:{rest // 100:02d}.{rest % 100:02d}]"


def lrc_text(
    lines: Sequence[TimedLine], *, title: str = "", artist: str = "", length: float | None = None
) -> str:
    """The text of an ``.lrc`` file: optional ``[ti:]``, ``[ar:]`` and
    ``[length:]`` tags, then ``[mm:ss.xx]text`` for each line."""
    out: list[str] = []
    for tag, value in (("ti", title), ("ar", artist)):
        shown = _tag_value(value)
        if shown:
            out.append(f"[{tag}:{shown}]")
    if length is not None and length > 0:
        whole = int(length)
        out.append(f"[length:{whole // 60:02d}:{whole % 60:02d}]")
    for line, start in zip(lines, _times(lines), strict=True):
        out.append(f"{lrc_time(start)}{line.text}")
    return "\n".join(out) + "\n" if out else ""


#: a timed line of an ``.lrc`` file: ``[mm:ss.xx]text`` (also ``[m:ss]``, ``[mm:ss.xxx]``)
_LRC_LINE = re.compile(r"^\[(\d{1,4}):([0-5]\d)(?:[.:](\d{1,3}))?\](.*)$")
#: lines read back from an ``.lrc`` at most (a song has tens)
MAX_LRC_LINES = 2000


def read_lrc(text: str) -> list[TimedLine]:
    """The timed lines of an ``.lrc`` file's text (this program's, or one a
    person edited: untrusted, cleaned); its ``[ti:]``-style tags and any
    line without a time are left out."""
    lines: list[TimedLine] = []
    for raw in text.splitlines():
        match = _LRC_LINE.match(raw.strip())
        if match is None:
            continue
        minutes, seconds, fraction, words = match.groups()
        start = (
            int(minutes) * 60
            + int(seconds)
            + (int(fraction) / 10 ** len(fraction) if fraction else 0)
        )
        shown = clean_line(words).strip()
        if shown:
            lines.append(TimedLine(shown, start))
        if len(lines) >= MAX_LRC_LINES:
            break
    return lines


def _tag_value(value: str) -> str:
    # brackets would end the tag early
    return clean_line(value).replace("[", "(").replace("]", ")").strip()


def sylt_entries(lines: Sequence[TimedLine]) -> list[tuple[str, int]]:
    """``(text, milliseconds)`` for each line, as ``mutagen.id3.SYLT`` takes them."""
    return [
        (line.text, min(_MAX_MS, round(start * 1000)))
        for line, start in zip(lines, _times(lines), strict=True)
    ]


def sylt_frame(lines: Sequence[TimedLine], *, lang: str = "eng") -> Any:
    """A ``mutagen.id3.SYLT`` frame of ``lines`` (milliseconds, lyrics); None
    when there is no line. mutagen is imported here, not with the module."""
    entries = sylt_entries(lines)
    if not entries:
        return None
    id3: Any = importlib.import_module("mutagen.id3")
    return id3.SYLT(
        encoding=id3.Encoding.UTF8,
        lang=lang,
        format=SYLT_FORMAT_MILLISECONDS,
        type=SYLT_TYPE_LYRICS,
        desc="",
        text=entries,
    )

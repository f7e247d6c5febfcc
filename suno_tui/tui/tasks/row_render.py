"""Turn one TaskSummary into one line of cells (pure functions, no widgets).

The task list calls :func:`render_row` only for rows on screen and caches the
result, so this is where the per-row cost lives. Server text (titles, status
labels, ids) is display-safe already (the tracker cleaned it), and is written
as plain segments: nothing here is ever parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style

from suno_tui.relay.models import TaskKind, TaskStatus
from suno_tui.safe_text import clean_line
from suno_tui.tracking.model import NEW, NOT_FOUND, Progress, TaskSummary
from suno_tui.tui.timefmt import short_clock, short_duration

#: whether a task looks stuck at a moment (the list flags it)
StuckTest = Callable[[TaskSummary, datetime], bool]
#: the summary's progress re-estimated for a later moment (a growing estimate)
LiveProgress = Callable[[TaskSummary, datetime], Progress]


def never_stuck(summary: TaskSummary, now: datetime) -> bool:
    return False


def as_reported(summary: TaskSummary, now: datetime) -> Progress:
    return summary.progress


class Tone(StrEnum):
    """The colour family of a status (a component class suffix of the list)."""

    WAITING = "waiting"
    RUNNING = "running"
    SUCCESS = "success"
    FAILURE = "failure"
    UNKNOWN = "unknown"


_SYMBOLS: dict[TaskStatus, tuple[str, Tone]] = {
    TaskStatus.NOT_START: ("·", Tone.WAITING),
    TaskStatus.SUBMITTED: ("○", Tone.WAITING),
    TaskStatus.QUEUED: ("◔", Tone.WAITING),
    TaskStatus.IN_PROGRESS: ("◑", Tone.RUNNING),
    TaskStatus.SUCCESS: ("✓", Tone.SUCCESS),
    TaskStatus.FAILURE: ("✗", Tone.FAILURE),
    TaskStatus.UNKNOWN: ("?", Tone.UNKNOWN),
}
_NOT_FOUND = ("⊘", Tone.FAILURE)
_NEW = ("+", Tone.WAITING)

#: (symbol, meaning) pairs for the help screen's legend
LEGEND: tuple[tuple[str, str], ...] = (
    ("+", "added, not fetched yet"),
    ("·", "not started"),
    ("○", "submitted"),
    ("◔", "queued"),
    ("◑", "in progress"),
    ("✓", "succeeded"),
    ("✗", "failed"),
    ("⊘", "not found on the gateway"),
    ("?", "unknown status"),
    ("~", "estimate: the gateway reports only 0% or 100%"),
    ("!", "stuck: in this state far longer than usual"),
    ("16:42", "(state of a finished task) when it finished"),
    ("↓", "files of the task are downloaded (d, D)"),
)

_KIND_WORD = {TaskKind.MUSIC: "music", TaskKind.LYRICS: "lyrics", TaskKind.UNKNOWN: "?"}
_KIND_GLYPH = {TaskKind.MUSIC: "♪", TaskKind.LYRICS: "¶", TaskKind.UNKNOWN: "?"}
_ID_PREFIXES = ("task_", "task-", "lyrics-", "lyrics_")


def status_look(summary: TaskSummary) -> tuple[str, Tone]:
    if summary.status_label == NOT_FOUND:
        return _NOT_FOUND
    if summary.status_label == NEW:
        return _NEW
    return _SYMBOLS.get(summary.status, ("?", Tone.UNKNOWN))


def short_id(task_id: str, width: int) -> str:
    """The distinctive start of an id (a common ``task_`` prefix skipped)."""
    if len(task_id) <= width:
        return task_id
    for prefix in _ID_PREFIXES:
        if task_id.startswith(prefix) and len(task_id) > len(prefix):
            task_id = task_id[len(prefix) :]
            break
    return task_id[:width]


def fit(text: str, width: int) -> str:
    """``text`` padded or cut (with an ellipsis) to exactly ``width`` cells."""
    if width <= 0:
        return ""
    if text.isascii():
        if len(text) <= width:
            return text.ljust(width)
        return text[: width - 1] + "…"
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def fit_right(text: str, width: int) -> str:
    if len(text) >= width:
        return text[:width]
    return text.rjust(width)


@dataclass(frozen=True, slots=True)
class Palette:
    """Rich styles of the row parts, read from the list's component classes."""

    tones: dict[Tone, Style]
    muted: Style
    title: Style
    bar_exact: Style
    bar_estimate: Style
    bar_empty: Style
    stuck: Style
    header: Style
    header_sorted: Style


class Column(StrEnum):
    SYMBOL = "symbol"
    STATUS = "status"
    KIND = "kind"
    ID = "id"
    TITLE = "title"
    CLIPS = "clips"
    DOWNLOADED = "downloaded"
    PROGRESS = "progress"
    STATE = "in state"
    AGE = "age"


@dataclass(frozen=True, slots=True)
class Layout:
    """Column widths for one list width (0 = column hidden)."""

    width: int
    status: int
    kind: int
    id: int
    title: int
    clips: int
    downloaded: int  # the ↓ mark (1) or nothing (0)
    bar: int
    state: int
    age: int

    @property
    def kind_as_word(self) -> bool:
        return self.kind > 1


_PCT = 4  # "~42%", " 100%" is cut to "100%"


def _fixed_cells(
    status: int, kind: int, ident: int, clips: int, bar: int, state: int, age: int, dl: int = 1
) -> int:
    """Cells used by everything but the title (its trailing space included)."""
    pct = _PCT if bar else 0
    cells = 3  # " ◑ "
    cells += sum(w + 1 for w in (status, kind, ident, clips, dl, bar, pct) if w)
    cells += state + 1 + (age + 1 if age else 0)
    return cells + 1  # the title's own trailing space


_MIN_TITLE = 10
#: the status column: the longest label the list shows, and a space after it
#: (the column's own separator alone made ``IN_PROGRESS music`` read as one word)
STATUS_WIDTH = max(len(label) for label in (*TaskStatus, NOT_FOUND, NEW)) + 1


def layout_for(width: int) -> Layout:
    """Share ``width`` cells between the columns; the title takes what is left.

    On very narrow widths the bar shrinks, then clips, age and the bar go.
    """
    status = STATUS_WIDTH if width >= 104 else 0
    kind = 6 if width >= 96 else 1
    ident = 13 if width >= 170 else 8
    bar = 24 if width >= 170 else 16 if width >= 110 else 10 if width >= 84 else 8
    clips = 5 if width >= 96 else 3
    dl = 1
    state = 5
    age = 4

    def title_cells() -> int:
        return width - _fixed_cells(status, kind, ident, clips, bar, state, age, dl)

    for shrink in ("bar", "clips", "age", "downloaded", "no-bar"):
        if title_cells() >= _MIN_TITLE:
            break
        if shrink == "bar":
            bar = min(bar, 4)
        elif shrink == "clips":
            clips = 0
        elif shrink == "age":
            age = 0
        elif shrink == "downloaded":
            dl = 0
        else:
            bar = 0
    return Layout(width, status, kind, ident, max(title_cells(), 0), clips, dl, bar, state, age)


def progress_x(layout: Layout) -> int:
    """The first cell of the progress bar (where a re-estimate starts to differ)."""
    x = 3 + sum(w + 1 for w in (layout.status, layout.kind, layout.id, layout.title) if w)
    return x + sum(w + 1 for w in (layout.clips, layout.downloaded) if w)


def state_x(layout: Layout) -> int:
    """The first cell of the time-in-state column (then the age)."""
    return progress_x(layout) + (layout.bar + 1 + _PCT + 1 if layout.bar else 0)


@dataclass(frozen=True, slots=True)
class TimeTexts:
    """The parts of a row that change with the clock alone."""

    in_state: str  # "3m" in the state so far, or "16:42" when a finished task finished
    stuck: bool
    age: str
    progress: Progress


def time_texts(
    summary: TaskSummary,
    now: datetime,
    *,
    stuck: bool,
    progress: Progress | None = None,
    tz: tzinfo | None = None,
) -> TimeTexts:
    """The clock-driven texts of a row at ``now`` (``progress``: re-estimated for now).

    A finished task shows when it finished (a clock time that never changes)
    instead of a growing "time in state": an idle list of finished tasks then
    changes only when an age crosses a step.
    """
    since = summary.submitted_at or summary.added_at
    if summary.finished:
        in_state = short_clock(summary.state_since, now, tz)
    else:
        in_state = short_duration((now - summary.state_since).total_seconds())
    return TimeTexts(
        in_state=in_state,
        stuck=stuck and not summary.finished,
        age=short_duration((now - since).total_seconds()),
        progress=summary.progress if progress is None else progress,
    )


def bar_cells(fraction: float, width: int) -> tuple[str, str]:
    """(filled part, empty part) of a ``width``-cell bar, in half-cell steps."""
    fraction = min(max(fraction, 0.0), 1.0)
    halves = round(fraction * width * 2)
    full, half = divmod(halves, 2)
    filled = "━" * full + ("╸" if half else "")
    return filled, "─" * (width - len(filled))


def percent_text(fraction: float, estimated: bool) -> str:
    pct = min(max(round(fraction * 100), 0), 100)
    if pct >= 100:
        return "100%"
    return f"~{pct:>2d}%" if estimated else f"{pct:>3d}%"


def render_row(
    summary: TaskSummary, layout: Layout, palette: Palette, times: TimeTexts
) -> list[Segment]:
    """The segments of one row, exactly ``layout.width`` cells wide.

    The tracker cleans summaries already; cleaning again here (a no-op on
    printable text) keeps the terminal safe whatever the source of a row.
    """
    symbol, tone = status_look(summary)
    tone_style = palette.tones[tone]
    muted = palette.muted
    space = Segment(" ", muted)  # same style as its neighbours: merges into their runs
    segments: list[Segment] = [space, Segment(symbol, tone_style), space]
    if layout.status:
        label = clean_line(summary.status_label)
        segments += [Segment(fit(label, layout.status), tone_style), space]
    if layout.kind_as_word:
        kind = fit(_KIND_WORD[summary.kind], layout.kind)
    else:
        kind = _KIND_GLYPH[summary.kind]
    segments += [Segment(kind, muted), space]
    shown_id = short_id(clean_line(summary.task_id), layout.id)
    segments += [Segment(fit(shown_id, layout.id), muted), space]
    title = clean_line(summary.title or summary.fail_reason) or "—"
    title_style = palette.title if summary.title else muted
    segments += [Segment(fit(title, layout.title), title_style), space]
    if layout.clips:
        clips = f"{summary.clips_done}/{summary.clips_total}" if summary.clips_total else "-"
        segments += [Segment(fit_right(clips, layout.clips), muted), space]
    if layout.downloaded:
        if summary.downloaded:
            segments += [Segment("↓", palette.tones[Tone.SUCCESS]), space]
        else:
            segments += [space, space]

    if layout.bar:
        progress = times.progress
        filled, empty = bar_cells(progress.fraction, layout.bar)
        if tone in (Tone.SUCCESS, Tone.FAILURE):
            bar_style = tone_style
        else:
            bar_style = palette.bar_estimate if progress.estimated else palette.bar_exact
        segments += [Segment(filled, bar_style), Segment(empty, palette.bar_empty), space]
        if summary.status_label == NOT_FOUND:
            segments += [Segment("  ? ", tone_style), space]
        elif tone is Tone.FAILURE:
            segments += [Segment("fail", tone_style), space]
        else:
            pct = percent_text(progress.fraction, progress.estimated and not summary.finished)
            segments += [Segment(pct, muted if progress.estimated else palette.title), space]

    if len(times.in_state) >= layout.state:  # a clock time: no stuck flag
        segments.append(Segment(times.in_state[: layout.state], muted))
    else:
        segments.append(Segment(fit_right(times.in_state, layout.state - 1), muted))
        segments.append(Segment("!", palette.stuck) if times.stuck else space)
    segments.append(space)
    if layout.age:
        segments += [Segment(fit_right(times.age, layout.age), muted), space]
    return segments


def header_row(layout: Layout, palette: Palette, sort_column: Column) -> list[Segment]:
    """The column titles, the sorted column marked with ▼."""

    def cell(column: Column, text: str, width: int, right: bool = False) -> list[Segment]:
        if column is sort_column:
            text = text + "▼"
        shown = fit_right(text, width) if right else fit(text, width)
        style = palette.header_sorted if column is sort_column else palette.header
        return [Segment(shown, style), Segment(" ", palette.header)]

    if sort_column is Column.STATUS and not layout.status:
        sort_column = Column.SYMBOL
    mark = "▼" if sort_column is Column.SYMBOL else " "
    segments: list[Segment] = [
        Segment(" " + mark, palette.header_sorted),
        Segment(" ", palette.header),
    ]
    if layout.status:
        segments += cell(Column.STATUS, "STATUS", layout.status)
    segments += cell(Column.KIND, "KIND" if layout.kind_as_word else " ", layout.kind)
    segments += cell(Column.ID, "ID", layout.id)
    segments += cell(Column.TITLE, "TITLE", layout.title)
    if layout.clips:
        segments += cell(Column.CLIPS, "CLIPS" if layout.clips > 3 else "CL", layout.clips, True)
    if layout.downloaded:
        segments += cell(Column.DOWNLOADED, "↓", layout.downloaded)
    if layout.bar:
        segments += cell(Column.PROGRESS, "PROGRESS", layout.bar + 1 + _PCT)
    segments += cell(Column.STATE, "STATE", layout.state, True)
    if layout.age:
        segments += cell(Column.AGE, "AGE", layout.age, True)
    return segments

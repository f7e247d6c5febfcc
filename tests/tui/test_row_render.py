"""Row layout and formatting: pure functions, exact widths."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rich.cells import cell_len
from rich.style import Style

from suno_tui.relay.models import TaskStatus
from suno_tui.tui.tasks.row_render import (
    Column,
    Palette,
    Tone,
    bar_cells,
    fit,
    header_row,
    layout_for,
    percent_text,
    render_row,
    short_id,
    time_texts,
)
from suno_tui.tui.timefmt import clock_time, precise_duration, short_duration

from .factories import NOW, sample_summaries, summary

PALETTE = Palette(
    tones={tone: Style() for tone in Tone},
    muted=Style(),
    title=Style(),
    bar_exact=Style(),
    bar_estimate=Style(),
    bar_empty=Style(),
    stuck=Style(),
    header=Style(),
    header_sorted=Style(),
)


def _text(segments) -> str:  # type: ignore[no-untyped-def]
    return "".join(segment.text for segment in segments)


@pytest.mark.parametrize("width", [40, 60, 79, 80, 96, 104, 119, 120, 160, 199, 200])
def test_rows_and_header_fill_the_width_exactly(width: int) -> None:
    layout = layout_for(width)
    for item in sample_summaries():
        times = time_texts(item, NOW, stuck=True)
        assert cell_len(_text(render_row(item, layout, PALETTE, times))) == width
    for column in Column:
        assert cell_len(_text(header_row(layout, PALETTE, column))) == width


def test_narrow_layout_uses_glyphs_and_hides_the_status_word() -> None:
    narrow = layout_for(79)
    assert narrow.status == 0 and not narrow.kind_as_word
    wide = layout_for(120)
    assert wide.status > 0 and wide.kind_as_word


@pytest.mark.parametrize("width", range(80, 261))
def test_the_longest_status_label_has_a_space_after_it_in_its_column(width: int) -> None:
    layout = layout_for(width)
    if not layout.status:
        assert width < 104  # the column is shown from 104 cells on
        return
    for status in TaskStatus:
        item = summary("abc", status=status, title="Song")
        text = _text(render_row(item, layout, PALETTE, time_texts(item, NOW, stuck=False)))
        # the label whole, a space of its own, then the column separator
        assert text[3 : 3 + layout.status + 1] == status.value.ljust(layout.status) + " "
        assert text[3 + len(status.value) : 3 + len(status.value) + 2] == "  "
    item = summary("abc", status=TaskStatus.IN_PROGRESS, title="Song")
    text = _text(render_row(item, layout, PALETTE, time_texts(item, NOW, stuck=False)))
    assert "IN_PROGRESS  music" in text


def test_row_shows_symbol_title_clips_and_estimate_mark() -> None:
    item = summary("abc", status=TaskStatus.IN_PROGRESS, title="Song", fraction=0.46, clips=(1, 2))
    text = _text(render_row(item, layout_for(120), PALETTE, time_texts(item, NOW, stuck=False)))
    assert "◑" in text and "IN_PROGRESS" in text and "Song" in text and "1/2" in text
    assert "~46%" in text


def test_exact_progress_has_no_estimate_mark() -> None:
    item = summary("abc", fraction=0.72, estimated=False)
    text = _text(render_row(item, layout_for(120), PALETTE, time_texts(item, NOW, stuck=False)))
    assert " 72%" in text and "~" not in text


def test_failed_row_says_fail_and_stuck_row_is_flagged() -> None:
    failed = summary("f", status=TaskStatus.FAILURE, title="x", state_minutes=30)
    text = _text(render_row(failed, layout_for(80), PALETTE, time_texts(failed, NOW, stuck=True)))
    assert "fail" in text and "✗" in text and "!" not in text  # finished: never stuck
    assert "11:30" in text  # when it finished, not for how long: a finished row never ticks
    stuck = summary("s", state_minutes=45)
    text = _text(render_row(stuck, layout_for(80), PALETTE, time_texts(stuck, NOW, stuck=True)))
    assert "45m!" in text


def test_sorted_column_is_marked() -> None:
    text = _text(header_row(layout_for(120), PALETTE, Column.TITLE))
    assert "TITLE▼" in text
    # the status column is hidden at 80: the mark moves to the symbol column
    text = _text(header_row(layout_for(80), PALETTE, Column.STATUS))
    assert text.startswith(" ▼")


@pytest.mark.parametrize(
    ("fraction", "width", "filled"),
    [(0.0, 10, ""), (1.0, 10, "━" * 10), (0.5, 10, "━" * 5), (0.05, 10, "╸"), (0.46, 8, "━━━╸")],
)
def test_bar_cells(fraction: float, width: int, filled: str) -> None:
    full, empty = bar_cells(fraction, width)
    assert full == filled
    assert len(full) + len(empty) == width


def test_percent_text() -> None:
    assert percent_text(0.46, True) == "~46%"
    assert percent_text(0.46, False) == " 46%"
    assert percent_text(1.0, True) == "100%"
    assert percent_text(0.05, True) == "~ 5%"


def test_short_id_skips_common_prefixes() -> None:
    assert short_id("3f2a9c1e-0b7d", 8) == "3f2a9c1e"
    assert short_id("task_0123456789", 8) == "01234567"
    assert short_id("abc", 8) == "abc"


def test_fit_handles_wide_characters() -> None:
    assert cell_len(fit("长城之歌长城之歌", 7)) == 7
    assert fit("长城之歌长城之歌", 7).endswith("…")
    assert fit("abc", 5) == "abc  "
    assert fit("abcdef", 4) == "abc…"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (9.9, "9s"),
        (10, "10s"),
        (59, "50s"),
        (60, "1m"),
        (3599, "55m"),
        (599, "9m"),
        (600, "10m"),
        (899, "10m"),
        (900, "15m"),
        (3600, "1h"),
        (47 * 3600, "47h"),
        (48 * 3600, "2d"),
        (-5, "0s"),
    ],
)
def test_short_duration(seconds: float, text: str) -> None:
    assert short_duration(seconds) == text


def test_precise_duration() -> None:
    assert precise_duration(45) == "45s"
    assert precise_duration(192) == "3m12s"
    assert precise_duration(2 * 3600 + 5 * 60) == "2h05m"
    assert precise_duration(3 * 86400 + 4 * 3600) == "3d04h"
    assert precise_duration(-5) == "0s"  # a clock step back


def test_clock_time_shows_the_day_only_when_needed() -> None:
    from datetime import UTC

    assert clock_time(NOW, NOW, UTC) == "12:00:00"
    assert clock_time(NOW - timedelta(days=1), NOW, UTC) == "06-14 12:00"
    assert clock_time(NOW - timedelta(days=400), NOW, UTC) == "2024-05-11"


@pytest.mark.parametrize("width", [40, 80, 120, 200])
def test_column_offsets_point_at_the_bar_and_the_state(width: int) -> None:
    from suno_tui.tui.tasks.row_render import progress_x, state_x

    layout = layout_for(width)
    item = summary("abc", title="T", fraction=0.5, state_minutes=7)
    text = _text(render_row(item, layout, PALETTE, time_texts(item, NOW, stuck=False)))
    if layout.bar:
        assert text[progress_x(layout)] == "━"
    assert text[state_x(layout) :].lstrip().startswith("7m")

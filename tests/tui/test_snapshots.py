"""SVG snapshots of the monitor at 80x24 and 120x40 (fixed data, frozen clock).

Update after an intended change with ``pytest tests/tui/test_snapshots.py
--snapshot-update`` and look at the report before committing.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import build_app
from .factories import sample_summaries

SIZES = [(80, 24), (120, 40)]
FIRST = sample_summaries()[0].task_id


def _app() -> Any:
    app, _ = build_app(show_events=None)
    return app


async def _select_first(pilot: Any) -> None:
    pilot.app.task_list.select(FIRST)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_list(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(_app(), terminal_size=size, press=["j"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_detail(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(_app(), terminal_size=size, press=["enter"], run_before=_select_first)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(_app(), terminal_size=size, press=["question_mark"])


def test_wide_detail_beside_the_list(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=(200, 60), run_before=_select_first)

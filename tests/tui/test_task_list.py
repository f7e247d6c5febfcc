"""The task list: cursor keys, sorting, filtering, and drawing only what changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from typing import Any, Self

from textual.app import App, ComposeResult
from textual.geometry import Region

from suno_tui.relay.models import TaskStatus
from suno_tui.tracking.model import TaskSummary
from suno_tui.tui.tasks.list_messages import ListView
from suno_tui.tui.tasks.row_render import short_id
from suno_tui.tui.tasks.task_list import SortKey, TaskList

from .conftest import FrozenClock, build_app
from .factories import sample_summaries, summary, with_status


def lines(task_list: TaskList) -> list[str]:
    return [task_list.render_line(y).text for y in range(task_list.size.height)]


def many(count: int) -> list[Any]:
    return [
        summary(f"task-{index:05d}", title=f"Song {index:05d}", minutes_ago=index % 997 + 1)
        for index in range(count)
    ]


async def test_first_frame_shows_every_stored_task() -> None:
    app, _ = build_app()
    async with app.run_test(size=(120, 30)):
        task_list = app.task_list
        assert task_list.total == len(sample_summaries())
        shown = "\n".join(lines(task_list))
        for item in sample_summaries():
            assert short_id(item.task_id, 8) in shown


async def test_cursor_keys() -> None:
    app, _ = build_app()
    async with app.run_test(size=(120, 30)) as pilot:
        task_list = app.task_list
        order = task_list.order
        assert task_list.cursor_task_id == order[0]
        await pilot.press("j")
        assert task_list.cursor_row == 1
        await pilot.press("down", "down")
        assert task_list.cursor_row == 3
        await pilot.press("k")
        assert task_list.cursor_row == 2
        await pilot.press("up")
        assert task_list.cursor_row == 1
        await pilot.press("G")
        assert task_list.cursor_row == len(order) - 1
        await pilot.press("g")
        assert task_list.cursor_row == 0
        await pilot.press("end")
        assert task_list.cursor_task_id == order[-1]
        await pilot.press("home")
        assert task_list.cursor_task_id == order[0]
        await pilot.press("k")  # stays at the top
        assert task_list.cursor_row == 0


async def test_page_keys_move_by_a_screenful_and_scroll() -> None:
    app, _ = build_app(many(200))
    async with app.run_test(size=(100, 24)) as pilot:
        task_list = app.task_list
        rows = task_list.scrollable_content_region.height - 1
        await pilot.press("pagedown")
        assert task_list.cursor_row == rows - 1
        await pilot.press("pagedown", "pagedown")
        assert task_list.cursor_row == 3 * (rows - 1)
        top = int(task_list.scroll_offset.y)
        assert top <= task_list.cursor_row < top + rows
        await pilot.press("pageup")
        assert task_list.cursor_row == 2 * (rows - 1)
        await pilot.press("end")
        assert task_list.cursor_row == 199
        assert int(task_list.scroll_offset.y) == 200 - rows
        assert lines(task_list)[-1].strip()  # the last row is on screen


async def test_sort_cycles_status_title_age() -> None:
    app, _ = build_app()
    async with app.run_test(size=(120, 30)) as pilot:
        task_list = app.task_list
        assert task_list.sort is SortKey.AGE
        ages = [task_list.summary(t).added_at for t in task_list.order]  # type: ignore[union-attr]
        assert ages == sorted(ages, reverse=True)
        await pilot.press("s")
        assert task_list.sort is SortKey.STATUS
        first = task_list.summary(task_list.order[0])
        assert first is not None and first.status is TaskStatus.IN_PROGRESS
        last = task_list.summary(task_list.order[-1])
        assert last is not None and last.status is TaskStatus.SUCCESS
        assert "sort: status" in app.query_one("#top-bar").render().plain  # type: ignore[attr-defined]
        await pilot.press("s")
        assert task_list.sort is SortKey.TITLE
        titles = [task_list.summary(t).title for t in task_list.order]  # type: ignore[union-attr]
        named = [title for title in titles if title]
        assert named == sorted(named, key=str.casefold)
        assert titles[-1] == ""  # untitled last
        await pilot.press("s")
        assert task_list.sort is SortKey.AGE


async def test_cursor_stays_on_its_task_when_the_order_changes() -> None:
    app, _ = build_app()
    async with app.run_test(size=(120, 30)) as pilot:
        task_list = app.task_list
        await pilot.press("j", "j")
        chosen = task_list.cursor_task_id
        await pilot.press("s")
        assert task_list.cursor_task_id == chosen


async def test_filter_by_title_tags_status_and_id_then_escape_clears() -> None:
    app, _ = build_app()
    async with app.run_test(size=(120, 30)) as pilot:
        task_list = app.task_list
        await pilot.press("slash")
        assert app.focused is not None and app.focused.id == "filter"
        await pilot.press(*"coff")
        assert task_list.order == ["a81c44d0-5e6f-4a1b-8c2d-3e4f5a6b7c8d"]
        assert "filter: coff" in app.query_one("#top-bar").render().plain  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert app.focused is task_list
        assert task_list.shown == 1
        await pilot.press("escape")  # Esc in the list clears the filter
        assert task_list.shown == task_list.total
        assert task_list.filter_text == ""

        await pilot.press("slash", *"orch")  # a tag
        assert len(task_list.order) == 1 and task_list.order[0].startswith("9b8a7c6d")
        await pilot.press("escape")  # Esc in the input clears it too
        assert task_list.shown == task_list.total
        assert app.focused is task_list

        await pilot.press("slash", *"fail")  # a status
        assert [task_list.summary(t).status for t in task_list.order] == [  # type: ignore[union-attr]
            TaskStatus.FAILURE
        ]
        await pilot.press("escape")
        await pilot.press("slash", *"cs-7")  # an id
        assert task_list.order == ["lyrics-7d9e2b"]


async def test_filter_with_no_match_shows_an_empty_list() -> None:
    app, _ = build_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("slash", *"zzz")
        assert app.task_list.shown == 0
        assert app.task_list.cursor_task_id is None
        assert "0 shown" in app.query_one("#status").text  # type: ignore[attr-defined]


async def test_mouse_click_moves_the_cursor_and_double_click_opens() -> None:
    app, _ = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.click("#tasks", offset=(20, 3))
        assert app.task_list.cursor_row == 2
        await pilot.double_click("#tasks", offset=(20, 3))
        await pilot.pause()
        assert app.screen.__class__.__name__ == "DetailScreen"


class RepaintedList(TaskList):
    """The task list, keeping the regions each refresh asks to repaint (None:
    the whole list), through an override of Textual's public Widget.refresh."""

    def __init__(self, **options: Any) -> None:
        self.regions: list[Region | None] = []  # before Widget.__init__, which may refresh
        super().__init__(**options)

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        self.regions.extend(regions or [None])
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    @property
    def whole(self) -> bool:
        return None in self.regions


class ListApp(App[None]):
    """The task list on a screen of its own, over a frozen clock, holding ``rows``."""

    def __init__(self, rows: list[TaskSummary]) -> None:
        super().__init__()
        self.clock = FrozenClock()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield RepaintedList(clock=self.clock, tz=UTC, id="tasks")

    def on_mount(self) -> None:
        self.task_list.set_rows(self.rows)  # as the monitor loads it from the store

    @property
    def task_list(self) -> RepaintedList:
        return self.query_one(RepaintedList)


async def test_an_update_repaints_only_the_changed_rows() -> None:
    app = ListApp(sample_summaries())
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        task_list = app.task_list
        task_list.regions.clear()
        before = task_list.rows_rendered
        target = task_list.order[3]
        old = task_list.summary(target)
        assert old is not None
        task_list.upsert([replace(old, title="Renamed", clips_done=1)])
        await pilot.pause()
        assert not task_list.whole
        [region] = task_list.regions
        assert region is not None
        assert region.height == 1 and region.y == 3 + 1  # header is line 0
        assert task_list.rows_rendered - before == 1
        assert "Renamed" in lines(task_list)[4]
        task_list.regions.clear()
        task_list.upsert([replace(old, title="Renamed", clips_done=1)])  # no change: no paint
        await pilot.pause()
        assert task_list.regions == []


async def test_a_status_change_under_status_sort_moves_only_affected_lines() -> None:
    app = ListApp(sample_summaries())
    async with app.run_test(size=(120, 30)) as pilot:
        task_list = app.task_list
        await pilot.press("s")  # by status
        running = task_list.order[0]
        task_list.regions.clear()
        old = task_list.summary(running)
        assert old is not None
        task_list.upsert([with_status(old, TaskStatus.SUCCESS)])
        await pilot.pause()
        assert not task_list.whole
        assert running in task_list.order
        assert task_list.order[0] != running
        # the rows that moved (all shown rows here) are repainted one line at a time
        assert all(region is not None and region.height == 1 for region in task_list.regions)


async def test_ten_thousand_rows_render_only_the_visible_ones() -> None:
    rows = many(10_000)
    app = ListApp(rows)
    async with app.run_test(size=(120, 40)) as pilot:
        task_list = app.task_list
        assert task_list.total == 10_000
        visible = task_list.scrollable_content_region.height - 1
        assert task_list.rows_rendered <= visible
        # a poll changes 1,000 rows without touching their sort order
        task_list.regions.clear()
        before = task_list.rows_rendered
        changed = [replace(rows[i], clips_done=1) for i in range(0, 10_000, 10)]
        task_list.upsert(changed)
        await pilot.pause()
        assert not task_list.whole
        assert len(task_list.regions) <= visible
        assert task_list.rows_rendered - before <= visible
        # scrolling to the end renders one screenful, not the table
        before = task_list.rows_rendered
        await pilot.press("end")
        await pilot.pause()
        assert task_list.rows_rendered - before <= visible
        assert task_list.cursor_row == 9_999


async def test_tick_repaints_only_rows_whose_time_text_changed() -> None:
    app = ListApp(sample_summaries())
    async with app.run_test(size=(120, 30)) as pilot:
        task_list = app.task_list
        await pilot.pause()
        task_list.regions.clear()
        assert task_list.tick() == 0  # same moment: nothing changes
        clock = app.clock
        clock.now = clock.now.replace(second=4)  # type: ignore[attr-defined]
        assert task_list.tick() == 0  # 4 s later every coarse text is the same
        assert task_list.regions == []
        clock.now = clock.now.replace(second=40)  # type: ignore[attr-defined]
        repainted = task_list.tick()
        # the queued task (in state 30 s -> 1m, age 1m -> 1m) and the running ones change
        assert 0 < repainted < task_list.total
        assert len(task_list.regions) == repainted
        assert all(region is not None and region.height == 1 for region in task_list.regions)


async def test_rows_are_shared_with_their_owner_and_the_rest_comes_later() -> None:
    app, _ = build_app()
    async with app.run_test(size=(120, 30)) as pilot:
        task_list = app.task_list
        rows = {s.task_id: s for s in many(10)}
        first = dict(list(rows.items())[:4])
        task_list.set_rows(first, unloaded=6)
        assert task_list._index.rows is first  # held once: the owner's mapping, not a copy
        assert (task_list.total, task_list.shown, task_list.loading_rows) == (10, 4, True)
        rest = [rows[i] for i in list(rows)[4:]]
        first.update((s.task_id, s) for s in rest[:3])
        task_list.add_loaded(rest[:3], 3)
        assert task_list.shown == 4  # no rebuild until the last page
        first.update((s.task_id, s) for s in rest[3:])
        task_list.add_loaded(rest[3:], 0)
        await pilot.pause()
        assert (task_list.total, task_list.shown, task_list.loading_rows) == (10, 10, False)
        changed = replace(first["task-00003"], title="Renamed")
        first["task-00003"] = changed
        task_list.upsert([changed])
        assert task_list.summary("task-00003") is changed
        del first["task-00003"]
        task_list.discard("task-00003")
        assert task_list.total == 9 and "task-00003" not in task_list.order


async def test_a_row_update_tells_the_view_only_when_it_changed() -> None:
    """Rows that only move do not set the view again (the bars would be
    redrawn for nothing); a new row, a sort or a filter still does."""
    app, _ = build_app()
    async with app.run_test(size=(120, 30)) as pilot:
        task_list = app.task_list
        await pilot.press("s")  # by status: a status change moves the row
        await pilot.pause()
        told: list[ListView] = []
        task_list.watch(task_list, "view", lambda view: told.append(view), init=False)
        running = task_list.order[0]
        old = task_list.summary(running)
        assert old is not None
        task_list.upsert([with_status(old, TaskStatus.SUCCESS)])
        assert task_list.order[0] != running and told == []
        task_list.upsert([summary("task-new", title="Brand new", minutes_ago=1)])
        assert [(m.shown, m.total) for m in told] == [(task_list.total, task_list.total)]
        task_list.set_sort(SortKey.TITLE)
        task_list.set_filter("brand")
        await pilot.pause()
        assert [m.filter_text for m in told[1:]] == ["", "brand"]

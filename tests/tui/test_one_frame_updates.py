"""A sort change, a filter keystroke or new rows reach the screen in one
frame: the bars follow the list at once (a watcher, not a message a frame
later), and a list that only grows or shrinks does not ask for a layout
pass (which costs a frame, and the scrollbar another)."""

from __future__ import annotations

from textual.message import Message
from textual.messages import Layout
from textual.widget import Widget
from textual.widgets import Static

from suno_tui.tracking.model import TaskSummary
from suno_tui.tui.tasks.filter_input import FilterInput
from suno_tui.tui.tasks.task_list import SortKey

from .conftest import build_app
from .factories import summary


class Layouts:
    """The layout passes asked for, seen through run_test's public message_hook:
    a widget that needs one sends the screen Textual's Layout message."""

    def __init__(self) -> None:
        self.asked: list[Widget] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, Layout):
            self.asked.append(message.widget)


def many(count: int, prefix: str = "task") -> list[TaskSummary]:
    return [
        summary(f"{prefix}-{i:05d}", title=f"Song {i}", minutes_ago=i + 1) for i in range(count)
    ]


async def test_the_top_bar_shows_a_new_sort_before_the_loop_runs_again() -> None:
    app, _ = build_app(many(30))
    layouts = Layouts()
    async with app.run_test(size=(100, 30), message_hook=layouts) as pilot:
        await pilot.pause()
        top = app.query_one("#top-bar", Static)
        assert "age" in str(top.render())
        layouts.asked.clear()
        app.task_list.set_sort(SortKey.TITLE)  # no await: nothing else has run
        assert "title" in str(top.render())
        await pilot.pause()
        assert layouts.asked == []  # one line whatever it says


async def test_rows_added_to_a_scrolling_list_move_the_thumb_without_a_layout() -> None:
    app, _ = build_app(many(60))
    layouts = Layouts()
    async with app.run_test(size=(100, 30), message_hook=layouts) as pilot:
        await pilot.pause()
        task_list = app.task_list
        assert task_list.show_vertical_scrollbar
        layouts.asked.clear()
        task_list.upsert(many(40, prefix="more"))
        assert task_list.virtual_size.height == 101  # a header and 100 rows
        assert task_list.vertical_scrollbar.window_virtual_size == 101
        await pilot.pause()
        assert layouts.asked == []
        assert task_list.max_scroll_y == 101 - task_list.scrollable_content_region.height


async def test_a_filter_that_leaves_a_few_rows_takes_the_scrollbar_away() -> None:
    app, _ = build_app(many(60))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        task_list = app.task_list
        task_list.action_last()
        await pilot.pause()
        assert task_list.scroll_y > 0 and task_list.show_vertical_scrollbar
        task_list.set_filter("song 42")  # one row left: the bar must go
        await pilot.pause()
        assert task_list.order == ["task-00042"]
        assert not task_list.show_vertical_scrollbar and task_list.scroll_y == 0
        task_list.set_filter("")
        await pilot.pause()
        assert task_list.show_vertical_scrollbar
        assert task_list.vertical_scrollbar.window_virtual_size == 61


async def test_a_list_that_shrinks_but_still_scrolls_keeps_its_offset_in_range() -> None:
    rows = many(60, prefix="alpha") + [
        summary(f"beta-{i:05d}", title=f"Other {i}", minutes_ago=100 + i) for i in range(60)
    ]
    app, _ = build_app(rows)
    layouts = Layouts()
    async with app.run_test(size=(100, 30), message_hook=layouts) as pilot:
        await pilot.pause()
        task_list = app.task_list
        task_list.action_last()
        await pilot.pause()
        high = task_list.scrollable_content_region.height
        assert task_list.scroll_y == 121 - high  # at the bottom of 120 rows
        layouts.asked.clear()
        task_list.set_filter("alpha")  # 60 rows: still more than a screen
        await pilot.pause()
        assert layouts.asked == []
        assert len(task_list.order) == 60 and task_list.show_vertical_scrollbar
        assert task_list.vertical_scrollbar.window_virtual_size == 61
        assert 0 <= task_list.scroll_y <= 61 - high


async def test_the_list_is_filtered_as_the_filter_line_changes_not_a_message_later() -> None:
    app, _ = build_app(many(30))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash")
        line = app.query_one("#filter", FilterInput)
        line.value = "song 7"  # no await: nothing else has run
        assert app.task_list.filter_text == "song 7"
        assert app.task_list.order == ["task-00007", "task-00017", "task-00027"]

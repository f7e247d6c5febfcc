"""The top bar: the sort, the filter (and how many rows it leaves), the gateway."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from suno_tui.safe_text import clean_line
from suno_tui.tui.bars.status_words import MUTED
from suno_tui.tui.tasks.list_messages import ListView


def top_bar_content(sort: str, filter_text: str, shown: int, total: int, gateway: str) -> Content:
    parts: list[str | tuple[str, str]] = [(" suno-tui", "bold")]
    parts += [("  ·  sort: ", MUTED), sort]
    if filter_text:
        parts += [
            ("  ·  filter: ", MUTED),
            (clean_line(filter_text), "$text-accent"),
            (f" ({shown} of {total})", MUTED),
        ]
    if gateway:  # last: the first thing to go on a narrow screen
        parts += [("  ·  ", MUTED), clean_line(gateway)]
    return Content.assemble(*parts)


class TopBar(Static):
    """Follows the task list's view: set :attr:`view` when it changes."""

    #: the list's sort, filter and counts (None: not known yet)
    view: var[ListView | None] = var(None)

    def __init__(self, gateway: str, *, id: str | None = None) -> None:
        super().__init__(Content(""), id=id)
        self._gateway = gateway

    def watch_view(self, view: ListView | None) -> None:
        if view is None:
            return
        content = top_bar_content(view.sort.value, view.filter_text, view.shown, view.total,
                                  self._gateway)  # fmt: skip
        # One line high whatever it says: no layout pass, no second frame.
        self.update(content, layout=False)

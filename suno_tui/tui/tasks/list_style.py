"""How the task list looks: its component classes, default CSS, the palette
built from them, and a row's last touches (:mod:`suno_tui.tui.tasks.task_list`)."""

from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from suno_tui.tui.tasks.row_render import Palette, Tone

__all__ = ["COMPONENT_CLASSES", "DEFAULT_CSS", "empty_text", "finish", "palette"]

COMPONENT_CLASSES: set[str] = {
    "task-list--header",
    "task-list--header-sorted",
    "task-list--cursor",
    "task-list--cursor-blurred",
    "task-list--muted",
    "task-list--title",
    "task-list--bar-exact",
    "task-list--bar-estimate",
    "task-list--bar-empty",
    "task-list--stuck",
    *(f"task-list--{tone.value}" for tone in Tone),
}

DEFAULT_CSS = """
TaskList {
    overflow-x: hidden;
    overflow-y: auto;
    scrollbar-size-vertical: 1;
    background: $surface;
    & > .task-list--header { color: $text-muted; text-style: bold; }
    & > .task-list--header-sorted { color: $text; text-style: bold; }
    & > .task-list--cursor { background: $primary 45%; }
    & > .task-list--cursor-blurred { background: $primary 20%; }
    & > .task-list--muted { color: $text-muted; }
    & > .task-list--title { color: $text; }
    & > .task-list--bar-exact { color: $primary; }
    & > .task-list--bar-estimate { color: $primary 55%; }
    & > .task-list--bar-empty { color: $text-disabled; }
    & > .task-list--stuck { color: $warning; text-style: bold; }
    & > .task-list--waiting { color: $text-muted; }
    & > .task-list--running { color: $accent; }
    & > .task-list--success { color: $success; }
    & > .task-list--failure { color: $error; }
    & > .task-list--unknown { color: $warning; }
}
"""


def palette(style: Callable[[str], Style]) -> Palette:
    """The row palette from the widget's component styles (``style(name)``
    for ``task-list--name``)."""
    return Palette(
        tones={tone: style(tone.value) for tone in Tone},
        muted=style("muted"),
        title=style("title"),
        bar_exact=style("bar-exact"),
        bar_estimate=style("bar-estimate"),
        bar_empty=style("bar-empty"),
        stuck=style("stuck"),
        header=style("header"),
        header_sorted=style("header-sorted"),
    )


def finish(segments: list[Segment], width: int, base: Style) -> Strip:
    """A row's segments as a strip ``width`` cells wide, in the base style."""
    strip = Strip(segments)
    if strip.cell_length != width:
        strip = strip.crop_extend(0, width, None)
    # One segment per run of equal style: fewer escape codes per row on the wire.
    return strip.apply_style(base).simplify()


def empty_text(has_rows: bool, filter_text: str) -> str:
    """What an empty list says: nothing matches the filter, or nothing is watched."""
    if has_rows:
        return f"  No task matches {filter_text!r}. Esc clears the filter."
    return "  No tasks watched yet. Press a to add task ids, or start suno-tui ID ID..."

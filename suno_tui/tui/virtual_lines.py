"""Set the height of a line-API scroll view without a layout pass.

Assigning ``virtual_size`` asks Textual for a layout of the whole screen:
one frame for it and, since the layout refreshes the scrollbars, a second.
A list that gains or loses rows (a poll, a filter keystroke) only needs its
scrollbar's thumb redrawn, unless the scrollbar appears or goes, which
changes the widths and so does need the layout.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget

__all__ = ["set_virtual_lines"]


def set_virtual_lines(view: ScrollView, lines: int) -> None:
    """Make ``view`` ``lines`` high (vertical overflow ``auto``, no width)."""
    old, high = view.virtual_size.height, view.container_size.height
    if not view.is_mounted or (lines > high) != (old > high):
        view.virtual_size = Size(0, lines)  # the scrollbar comes or goes: lay out
        return
    if lines == old:
        return
    view.set_reactive(Widget.virtual_size, Size(0, lines))
    if view.show_vertical_scrollbar:
        bar = view.vertical_scrollbar
        bar.window_virtual_size = lines
        bar.refresh()
    view.scroll_y = view.validate_scroll_y(view.scroll_y)

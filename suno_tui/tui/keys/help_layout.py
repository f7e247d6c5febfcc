"""Where the help screen puts its sections, as plain arithmetic (no Textual).

The keys of the screen the user came from come first, then the keys that work
everywhere; both tops are visible without scrolling whenever they fit. The
other scopes and the symbol legend follow, each put into the shorter column.
When two columns do not fit with the binding ids (for remapping), they are
tried without the ids; below that the help is one column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from suno_tui.tui.keys.bindings import COMMANDS, Scope

#: the legend's pseudo-section name
LEGEND = "legend"
#: border, horizontal padding and scroll bar of the help frame
FRAME_CHROME = 6
#: blank columns between two columns
COLUMN_GAP = 3
#: width the legend wraps to when it sits in a column
LEGEND_MIN_WIDTH = 30
#: what the current screen's section title carries
CURRENT_MARK = "  (this screen)"

Section = Scope | str


@dataclass(frozen=True, slots=True)
class Widths:
    """Column widths inside one section (each section aligns its own lines)."""

    key: int
    description: int
    ident: int

    def line(self, *, ids: bool) -> int:
        """Columns one binding line takes (two leading spaces included)."""
        return 2 + self.key + self.description + (1 + self.ident if ids else 0)


@dataclass(frozen=True, slots=True)
class HelpLayout:
    columns: tuple[tuple[Section, ...], ...]
    show_ids: bool
    column_widths: tuple[int, ...]


def widths(scope: Scope, keys_of: Mapping[str, str]) -> Widths:
    commands = [c for c in COMMANDS if c.scope is scope]
    return Widths(
        key=max(len(keys_of[c.id]) for c in commands) + 2,
        description=max(len(c.description) for c in commands) + 1,
        ident=max(len(c.id) for c in commands),
    )


def section_width(section: Section, keys_of: Mapping[str, str], *, ids: bool) -> int:
    if section == LEGEND:
        return LEGEND_MIN_WIDTH  # the legend wraps to its column
    assert isinstance(section, Scope)
    title = len(section.value) + len(CURRENT_MARK)
    return max(widths(section, keys_of).line(ids=ids), title)


def section_height(section: Section, legend_lines: int) -> int:
    """Lines a section takes: its title, its lines, one blank after."""
    if section == LEGEND:
        return legend_lines + 1
    return 1 + sum(1 for c in COMMANDS if c.scope is section) + 1


def section_order(current: Scope) -> list[Section]:
    """The current scope, everything else the app answers to, then the rest."""
    order: list[Section] = [current]
    if current is not Scope.APP:
        order.append(Scope.APP)
    order += [s for s in Scope if s not in order]
    order.append(LEGEND)
    return order


def plan(
    current: Scope,
    width: int,
    keys_of: Mapping[str, str],
    *,
    legend_lines: int,
) -> HelpLayout:
    """Columns for a terminal ``width`` wide, the current scope first."""
    order = section_order(current)
    two = _balance(order, legend_lines)
    one = (tuple(order),)
    for columns, show_ids in ((two, True), (two, False), (one, True), (one, False)):
        column_widths = tuple(
            max(section_width(s, keys_of, ids=show_ids) for s in column) for column in columns
        )
        total = sum(column_widths) + COLUMN_GAP * (len(columns) - 1) + FRAME_CHROME
        if total <= width:
            return HelpLayout(columns, show_ids, column_widths)
    return HelpLayout(one, False, column_widths)


def _balance(order: Sequence[Section], legend_lines: int) -> tuple[tuple[Section, ...], ...]:
    left: list[Section] = [order[0]]
    right: list[Section] = [order[1]]
    heights = [section_height(order[0], legend_lines), section_height(order[1], legend_lines)]
    for section in order[2:]:
        target = 0 if heights[0] <= heights[1] else 1
        (left, right)[target].append(section)
        heights[target] += section_height(section, legend_lines)
    return (tuple(left), tuple(right))

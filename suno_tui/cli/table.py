"""Plain-text tables for the headless commands, aligned by terminal cells
(CJK titles are two cells per character) and cut to the terminal's width."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size

GAP = "  "


def _fit(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    return set_cell_size(text, max(width - 1, 0)) + "…"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, width: int) -> str:
    """Columns sized to their content; the last column takes what is left."""
    widths = [cell_len(header) for header in headers]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], cell_len(cell))
    fixed = sum(widths[:-1]) + len(GAP) * (len(headers) - 1)
    widths[-1] = max(min(widths[-1], width - fixed), 8)
    lines = []
    for row in [list(headers), *rows]:
        cells = [_fit(cell, widths[index]) for index, cell in enumerate(row)]
        lines.append(GAP.join(cells).rstrip())
    return "\n".join(lines)

"""A cover drawn with half-block characters: two pixels per cell, any terminal.

``▀`` takes the upper pixel's colour as foreground and the lower one's as
background, so a cell carries two square-ish pixels and the picture works
over SSH in every terminal with colour. Under ``NO_COLOR`` the picture is
greyscale by shading instead (`` ░▒▓█``), since no colour is sent at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

if TYPE_CHECKING:
    from PIL.Image import Image

UPPER_HALF = "▀"
_PLAIN = Style()
SHADES = " ░▒▓█"


def cover_size(width: int, height: int, *, max_cells: int = 40) -> tuple[int, int]:
    """(columns, rows) of a square cover that fits ``width`` x ``height`` cells."""
    columns = max(0, min(width, height * 2, max_cells))
    return columns, columns // 2


def cover_strips(image: Image, columns: int, rows: int, *, colour: bool = True) -> list[Strip]:
    """``image`` scaled to ``columns`` x ``rows`` cells, one Strip per row."""
    if columns <= 0 or rows <= 0:
        return []
    from PIL import Image as PILImage

    scaled = image.convert("RGB").resize((columns, rows * 2), PILImage.Resampling.BOX)
    pixels = scaled.load()
    assert pixels is not None
    strips = []
    for row in range(rows):
        segments = []
        for column in range(columns):
            top = pixels[column, row * 2]
            bottom = pixels[column, row * 2 + 1]
            assert isinstance(top, tuple) and isinstance(bottom, tuple)
            if colour:
                style = Style(color=Color.from_rgb(*top[:3]), bgcolor=Color.from_rgb(*bottom[:3]))
                segments.append(Segment(UPPER_HALF, style))
            else:
                # an empty Style, never None: Textual's NO_COLOR filter reads it
                segments.append(Segment(_shade(top, bottom), _PLAIN))
        strips.append(Strip(Segment.simplify(segments), columns))
    return strips


def _shade(top: tuple[int, ...], bottom: tuple[int, ...]) -> str:
    def luma(pixel: tuple[int, ...]) -> float:
        red, green, blue = pixel[:3]
        return 0.299 * red + 0.587 * green + 0.114 * blue

    level = (luma(top) + luma(bottom)) / 2 / 255
    return SHADES[min(len(SHADES) - 1, int(level * len(SHADES)))]


def placeholder_strips(columns: int, rows: int, reason: str) -> list[Strip]:
    """A dotted frame with a short reason in the middle (server text is not used)."""
    if columns <= 0 or rows <= 0:
        return []
    dim = Style(dim=True)
    strips = []
    label = reason[: max(0, columns - 2)]
    for row in range(rows):
        if row == rows // 2 and label:
            pad = columns - len(label)
            text = "·" * (pad // 2) + label + "·" * (pad - pad // 2)
            strips.append(Strip([Segment(text, dim)], columns))
        else:
            strips.append(Strip([Segment("·" * columns, dim)], columns))
    return strips

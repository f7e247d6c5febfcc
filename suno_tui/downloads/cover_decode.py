"""Decoding a cover into a thumbnail, bounded in CPU and memory whatever the file says.

The bytes come from a CDN and are untrusted. Before anything is decoded:

- the declared size must be under :data:`MAX_PIXELS` (Pillow's own limit is set
  to the same, with its decompression-bomb warning raised as an error), and
  only JPEG, PNG, WebP and GIF are opened;
- a JPEG is decoded at an eighth of its size (``Image.draft``), but a
  progressive JPEG is decoded scan by scan over the whole image, so one with
  more than :data:`MAX_SCANS` scans (counted as start-of-scan markers in the
  bytes, before decoding) is refused: 70,000 empty scans in 4 MiB cost
  minutes of CPU;
- the other formats cannot be decoded smaller, so they are refused above
  :data:`DECODE_PIXELS` (16 MiB of RGBA at most);
- at most :data:`DECODE_SLOTS` decodes run at once in the process, however
  many threads ask, so the memory a decode takes is bounded by that and not
  by the number of covers in flight.

A broken, truncated, oversized or hostile image is a :class:`CoverError`
(one line, for the placeholder).
"""

from __future__ import annotations

import io
import threading
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = [
    "DECODE_PIXELS",
    "DECODE_SLOTS",
    "MAX_PIXELS",
    "MAX_SCANS",
    "THUMBNAIL",
    "CoverError",
    "decode_cover",
    "jpeg_scans",
]

#: pixels an image may declare (width x height) before it is refused undecoded
MAX_PIXELS = 4096 * 4096
#: pixels of a format decoded at full size (all but JPEG) before it is refused
DECODE_PIXELS = 2048 * 2048
#: start-of-scan markers a JPEG may hold (libjpeg's progressive files have ~10)
MAX_SCANS = 32
#: decodes running at once in the whole process
DECODE_SLOTS = 1
#: side of the thumbnail, in pixels
THUMBNAIL = 96
_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
_START_OF_SCAN = b"\xff\xda"
_decoding = threading.BoundedSemaphore(DECODE_SLOTS)


class CoverError(Exception):
    """Why there is no cover (one line, safe to show)."""


def jpeg_scans(data: bytes) -> int:
    """Start-of-scan markers in ``data``: an upper bound on the scans a decoder runs.

    Entropy-coded data never holds ``FF DA`` (an ``FF`` byte there is stuffed
    with ``00``), so only a marker or bytes inside another segment (an EXIF
    thumbnail) count: never fewer than the real scans.
    """
    return data.count(_START_OF_SCAN)


def decode_cover(
    data: bytes,
    *,
    max_pixels: int = MAX_PIXELS,
    decode_pixels: int = DECODE_PIXELS,
    max_scans: int = MAX_SCANS,
) -> Image:
    """A small RGB thumbnail of ``data``, or CoverError. Never trusts the header."""
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    PILImage.MAX_IMAGE_PIXELS = max_pixels
    try:
        with _decoding, warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data), formats=_FORMATS) as image:
                _check_before_decoding(image, data, max_pixels, decode_pixels, max_scans)
                image.draft("RGB", (THUMBNAIL * 2, THUMBNAIL * 2))  # JPEG: decode smaller
                image.load()
                thumbnail = image.convert("RGB")
            thumbnail.thumbnail((THUMBNAIL, THUMBNAIL))
    except CoverError:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as error:
        raise CoverError("image too large") from error
    except UnidentifiedImageError as error:
        raise CoverError("not an image") from error
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise CoverError("broken image") from error
    return thumbnail


def _check_before_decoding(
    image: Image, data: bytes, max_pixels: int, decode_pixels: int, max_scans: int
) -> None:
    width, height = image.size
    if width <= 0 or height <= 0 or width * height > max_pixels:
        raise CoverError(f"image too large ({width}x{height})")
    if image.format == "JPEG":
        scans = jpeg_scans(data)
        if scans > max_scans:
            raise CoverError(f"too many JPEG scans ({scans:,})")
    elif width * height > decode_pixels:
        raise CoverError(f"image too large to decode ({width}x{height} {image.format})")

"""Deterministic media files that can be served at any size with flat memory.

A file is ``prefix + pattern repeated + suffix``: a real-looking header (ID3v2
then MPEG frames for mp3, JFIF for jpeg, an ``ftyp`` box for mp4, RIFF/WAVE
for wav, see wav.py), a
per-clip pseudo-random pattern, and a trailer (``FF D9`` for jpeg). The bytes
at any offset are computable without building the file, so a 256 MB asset is
served from one precomputed buffer of a few hundred KiB, in large zero-copy
slices.
"""

from __future__ import annotations

import hashlib
import random
import re
import struct
from collections.abc import Iterator, Mapping
from enum import StrEnum

from suno_tui.simulator import wav


class AssetKind(StrEnum):
    MP3 = "mp3"
    MP4 = "mp4"
    JPEG = "jpeg"  # image_url
    JPEG_LARGE = "jpeg_large"  # image_large_url
    WAV = "wav"  # made on request by a hosted gateway (GET /suno/act/wav/{clip_id})

    @property
    def content_type(self) -> str:
        return {
            AssetKind.MP3: "audio/mpeg",
            AssetKind.MP4: "video/mp4",
            AssetKind.JPEG: "image/jpeg",
            AssetKind.JPEG_LARGE: "image/jpeg",
            AssetKind.WAV: "audio/wav",
        }[self]


# Default sizes in bytes; mp3 defaults to the clip's duration at 128 kbit/s.
DEFAULT_SIZES: Mapping[str, int] = {
    AssetKind.MP4: 3_000_000,
    AssetKind.JPEG: 60_000,
    AssetKind.JPEG_LARGE: 250_000,
}
CHUNK_SIZE = 256 * 1024

# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, joint stereo, no CRC, no padding.
_MP3_FRAME_HEADER = b"\xff\xfb\x90\x64"
_MP3_FRAME_LEN = 417  # 144 * 128000 // 44100
_MP3_FRAMES_PER_PATTERN = 160
_SAMPLES_PER_FRAME = 1152
_PATTERN_LEN = 64 * 1024

_NAME_RE = re.compile(
    r"^(?:(image_large_|image_)(?P<img>[^/]+)\.jpeg|(?P<media>[^/]+)\.(?P<ext>mp3|mp4|wav))$"
)


def asset_name(clip_id: str, kind: AssetKind) -> str:
    """The file name under ``/assets/`` (mirrors cdn1/cdn2.suno.ai naming)."""
    match kind:
        case AssetKind.MP3 | AssetKind.MP4 | AssetKind.WAV:
            return f"{clip_id}.{kind.value}"
        case AssetKind.JPEG:
            return f"image_{clip_id}.jpeg"
        case AssetKind.JPEG_LARGE:
            return f"image_large_{clip_id}.jpeg"


def parse_asset_name(name: str) -> tuple[str, AssetKind] | None:
    match = _NAME_RE.match(name)
    if match is None:
        return None
    if match["img"] is not None:
        prefix = match.group(1)
        return match["img"], AssetKind.JPEG_LARGE if prefix == "image_large_" else AssetKind.JPEG
    return match["media"], AssetKind(match["ext"])


def mp3_size_for(duration: float) -> int:
    """Bytes of MPEG audio (without the ID3 tag) that play for ``duration`` seconds."""
    frames = max(1, round(duration * 44_100 / _SAMPLES_PER_FRAME))
    return frames * _MP3_FRAME_LEN


class AssetBody:
    """The content of one asset file, readable at any offset."""

    def __init__(self, prefix: bytes, pattern: bytes, suffix: bytes, size: int, etag: str) -> None:
        if not pattern:
            raise ValueError("empty pattern")
        self.prefix = prefix
        self.suffix = suffix
        # Never smaller than header + trailer, so magic bytes are always present.
        self.size = max(size, len(prefix) + len(suffix))
        self.etag = etag
        self._period = len(pattern)
        self._middle = self.size - len(prefix) - len(suffix)
        # pattern repeated so that any window [phase, phase + CHUNK_SIZE) is one slice.
        reps = -(-(self._period + min(CHUNK_SIZE, max(self._middle, 1))) // self._period)
        self._buffer = memoryview(pattern * reps)

    def chunks(
        self, start: int = 0, stop: int | None = None, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[bytes | memoryview]:
        """The bytes ``[start, stop)`` as slices of at most ``chunk_size`` bytes."""
        stop = self.size if stop is None else min(stop, self.size)
        chunk_size = max(1, min(chunk_size, CHUNK_SIZE))
        pos = max(0, start)
        head, tail = len(self.prefix), self.size - len(self.suffix)
        while pos < stop:
            if pos < head:
                end = min(stop, head)
                yield self.prefix[pos:end]
            elif pos < tail:
                end = min(stop, tail, pos + chunk_size)
                phase = (pos - head) % self._period
                yield self._buffer[phase : phase + (end - pos)]
            else:
                end = stop
                yield self.suffix[pos - tail : end - tail]
            pos = end

    def read(self, offset: int = 0, length: int | None = None) -> bytes:
        """Bytes from ``offset``; for tests and small answers (builds the slice in memory)."""
        stop = self.size if length is None else offset + length
        return b"".join(bytes(c) for c in self.chunks(offset, stop))


def _rng(seed: int, clip_id: str, kind: AssetKind, version: int) -> random.Random:
    digest = hashlib.sha256(f"{seed}:{clip_id}:{kind.value}:{version}".encode()).digest()
    # seeded for repeatable content, not for secrecy
    return random.Random(int.from_bytes(digest[:16], "big"))  # noqa: S311


def _syncsafe(n: int) -> bytes:
    return bytes(((n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F))


def _id3_frame(frame_id: str, text: str) -> bytes:
    payload = b"\x03" + text.encode("utf-8")  # encoding 3 = UTF-8 (ID3v2.4)
    return frame_id.encode("ascii") + _syncsafe(len(payload)) + b"\x00\x00" + payload


def id3v2_tag(title: str, artist: str) -> bytes:
    frames = _id3_frame("TIT2", title) + _id3_frame("TPE1", artist) + _id3_frame("TSSE", "Suno")
    return b"ID3\x04\x00\x00" + _syncsafe(len(frames)) + frames


_JFIF = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


def cover_jpeg(rng: random.Random, side: int = 48) -> bytes:
    """A small JFIF picture for one clip: a diagonal blend of two colours and a disc."""
    import io

    from PIL import Image, ImageDraw

    start = [rng.randrange(256) for _ in range(3)]
    end = [rng.randrange(256) for _ in range(3)]
    image = Image.new("RGB", (side, side))
    span = 2 * (side - 1) or 1
    image.putdata(
        [
            tuple(a + (b - a) * (x + y) // span for a, b in zip(start, end, strict=True))
            for y in range(side)
            for x in range(side)
        ]
    )
    centre, radius = rng.randrange(side // 4, 3 * side // 4), rng.randrange(side // 8, side // 3)
    disc = tuple(255 - c for c in start)
    ImageDraw.Draw(image).ellipse(
        (centre - radius, centre - radius, centre + radius, centre + radius), fill=disc
    )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _mp4_prefix(size: int) -> bytes:
    ftyp = struct.pack(">I4s4sI", 32, b"ftyp", b"isom", 0x200) + b"isomiso2avc1mp41"
    rest = size - len(ftyp)
    if rest - 8 < 2**32:
        return ftyp + struct.pack(">I4s", max(rest, 8), b"mdat")
    return ftyp + struct.pack(">I4sQ", 1, b"mdat", rest)  # 64-bit largesize


def build_asset(
    *,
    seed: int,
    clip_id: str,
    kind: AssetKind,
    size: int | None,
    duration: float,
    title: str,
    artist: str,
    version: int = 0,
) -> AssetBody:
    """The file for ``clip_id``; ``version`` > 0 gives different bytes and ETag."""
    rng = _rng(seed, clip_id, kind, version)
    suffix = b""
    if kind is AssetKind.MP3:
        prefix = id3v2_tag(title, artist)
        frames = [
            _MP3_FRAME_HEADER + rng.randbytes(_MP3_FRAME_LEN - len(_MP3_FRAME_HEADER))
            for _ in range(_MP3_FRAMES_PER_PATTERN)
        ]
        pattern = b"".join(frames)
        if size is None:
            size = len(prefix) + mp3_size_for(duration)
    elif kind is AssetKind.WAV:
        # the header states the data size: whatever size was asked, it stays true
        data = wav.data_size_for(duration) if size is None else size - wav.HEADER_SIZE
        data = max(wav.BLOCK_ALIGN, data - data % wav.BLOCK_ALIGN)
        prefix = wav.header(data)
        pattern = wav.pattern(rng)
        size = len(prefix) + data
    elif kind is AssetKind.MP4:
        size = DEFAULT_SIZES[kind] if size is None else size
        prefix = _mp4_prefix(size)
        pattern = rng.randbytes(_PATTERN_LEN)
    else:
        size = DEFAULT_SIZES[kind] if size is None else size
        # A real (small) picture, so the monitor can draw the cover. Its own
        # end-of-image marker moves to the very end: decoders skip the filler
        # between the last scan and it, and the file has one EOI, as usual.
        prefix = cover_jpeg(rng).removesuffix(b"\xff\xd9")
        suffix = b"\xff\xd9"
        # No 0xFF in entropy-coded data, so no stray markers (like an early EOI).
        pattern = rng.randbytes(_PATTERN_LEN).replace(b"\xff", b"\xfe")
    fingerprint = f"{seed}:{clip_id}:{kind.value}:{version}:{size}:{title}:{artist}"
    etag = '"' + hashlib.sha1(fingerprint.encode(), usedforsecurity=False).hexdigest() + '"'
    return AssetBody(prefix, pattern, suffix, size, etag)


# -- Range ------------------------------------------------------------------------

_RANGE_RE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class Unsatisfiable(Exception):
    """The Range cannot be served (answer 416)."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``(start, stop)`` for a single-range ``Range`` header, None to send it all.

    Malformed and multi-range headers are ignored (RFC 9110 allows that);
    a range that starts beyond the end raises ``Unsatisfiable``.
    """
    if not header:
        return None
    match = _RANGE_RE.match(header)
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        length = int(last)
        if length == 0:
            raise Unsatisfiable
        return max(0, size - length), size
    start = int(first)
    stop = size if not last else int(last) + 1
    if last and stop <= start:
        return None  # invalid range: ignore
    if start >= size:
        raise Unsatisfiable
    return start, min(stop, size)

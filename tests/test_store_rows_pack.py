"""Stored snapshots: compressed, any size read back exactly."""

from __future__ import annotations

import zlib

from suno_tui.tracking.store_rows import pack_raw, unpack_raw


def test_snapshots_of_any_size_read_back_exactly() -> None:
    for size in (0, 1, 100, 2_000, 4_096, 5_000, 40_000, 300_000):
        text = ("é" + "".join(chr(33 + i % 90) for i in range(size)))[:size]
        packed = pack_raw(text)
        assert isinstance(packed, bytes)
        assert unpack_raw(packed) == text
        assert zlib.decompress(packed).decode() == text  # plain zlib, any reader

"""Hostile bodies built cheaply: a gzip stream of many zeros, stacked.

``gzip_of_zeros(n)`` is a valid gzip member holding ``n`` MiB of zero bytes,
made by repeating one fully flushed deflate block instead of compressing
gigabytes (about 1 KB per MiB). ``layered_bomb(n, layers)`` gzips that again
``layers - 1`` times: ``Content-Encoding: gzip, gzip`` with a 3.5 KB body
that decodes to 2 GiB is ``layered_bomb(2048, 2)``.
"""

from __future__ import annotations

import gzip
import struct
import zlib

_MIB = 1 << 20


def gzip_of_zeros(mebibytes: int) -> bytes:
    zeros = bytes(_MIB)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    # After a full flush the compressor starts afresh: every MiB of zeros
    # compresses to the same bytes, so one block repeated is a valid stream.
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    end = deflate.flush()
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (mebibytes * _MIB) & 0xFFFFFFFF)
    return header + block * mebibytes + end + trailer


def layered_bomb(mebibytes: int, layers: int = 2) -> bytes:
    body = gzip_of_zeros(mebibytes)
    for _ in range(layers - 1):
        body = gzip.compress(body, 9, mtime=0)
    return body

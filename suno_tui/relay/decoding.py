"""Undo a Content-Encoding piece by piece, never past a byte limit.

httpx decodes a whole network chunk in one call, so a 3.5 KB answer with
``Content-Encoding: gzip, gzip`` expands to gigabytes before anyone can count
it. :class:`BoundedDecoder` takes the raw bytes instead and lets no step
produce more than 64 KiB; every layer's output (and the raw input) is counted
against the limit, so memory stays near the limit whatever the ratio, and a
layer that expands to nothing but padding cannot spin for ever either.

Supported: ``gzip`` (several members too), ``deflate`` (zlib-wrapped, or raw
as some servers send it), ``identity``, stacked up to four layers. Anything
else (``br``, ``zstd``, unknown names) is refused: the client advertises only
``gzip, deflate``, so a server sending another encoding broke the rules.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

__all__ = ["ACCEPT_ENCODING", "BoundedDecoder", "DecodeFailed", "TooLarge"]

#: what the client sends as Accept-Encoding
ACCEPT_ENCODING = "gzip, deflate"
_STEP = 64 * 1024  # the most one decompression call may produce
_MAX_LAYERS = 4
_GZIP_NAMES = frozenset({"gzip", "x-gzip"})


class DecodeFailed(Exception):
    """The body does not match its Content-Encoding, or the encoding is refused."""


class TooLarge(Exception):
    """More bytes than the limit, raw or decoded."""


class _Inflate:
    """One gzip or deflate layer."""

    def __init__(self, gzip: bool) -> None:
        self.gzip = gzip
        self._head = b""  # deflate: the first bytes, until zlib or raw is known
        self._engine: zlib._Decompress | None = (
            zlib.decompressobj(16 + zlib.MAX_WBITS) if gzip else None
        )
        self.started = False

    def _choose(self, data: bytes) -> bytes:
        """deflate: zlib-wrapped (RFC 9110) or raw, decided on the first 2 bytes."""
        self._head += data
        if len(self._head) < 2:
            return b""
        first, second = self._head[0], self._head[1]
        wrapped = first & 0x0F == 8 and (first * 256 + second) % 31 == 0
        self._engine = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        data, self._head = self._head, b""
        return data

    def feed(self, data: bytes) -> Iterator[bytes]:
        if data:
            self.started = True
        if self._engine is None:
            data = self._choose(data)
            if self._engine is None:
                return
        engine = self._engine
        while True:
            if engine.eof:
                rest = engine.unused_data + data
                if not rest:
                    return
                if not self.gzip:
                    raise DecodeFailed("data after the end of the deflate stream")
                # Another gzip member follows (RFC 1952 allows several).
                engine = self._engine = zlib.decompressobj(16 + zlib.MAX_WBITS)
                data = rest
            try:
                piece = engine.decompress(data, _STEP)
            except zlib.error as error:
                raise DecodeFailed(f"{'gzip' if self.gzip else 'deflate'}: {error}") from None
            data = engine.unconsumed_tail
            if piece:
                yield piece
            # A full piece may leave output pending even with no input left;
            # a member that ended may be followed by another.
            if not data and len(piece) < _STEP and not (engine.eof and engine.unused_data):
                return

    def close(self) -> None:
        if not self.started:
            return  # an empty body: nothing was encoded
        if self._engine is None or not self._engine.eof:
            name = "gzip" if self.gzip else "deflate"
            raise DecodeFailed(f"the {name} stream ends early")


def _layers(content_encoding: str) -> list[_Inflate]:
    """The decoders to apply, outermost (last applied by the server) first."""
    names = [name.strip().lower() for name in content_encoding.split(",")]
    names = [name for name in names if name and name != "identity"]
    if len(names) > _MAX_LAYERS:
        raise DecodeFailed(f"{len(names)} stacked content encodings (at most {_MAX_LAYERS})")
    layers: list[_Inflate] = []
    for name in reversed(names):
        if name in _GZIP_NAMES:
            layers.append(_Inflate(gzip=True))
        elif name == "deflate":
            layers.append(_Inflate(gzip=False))
        else:
            shown = name if name.isascii() and name.isprintable() and len(name) <= 20 else "?"
            raise DecodeFailed(f"unsupported Content-Encoding {shown!r} (not asked for)")
    return layers


class BoundedDecoder:
    """``feed`` raw bytes, get decoded pieces; raises TooLarge past ``limit``."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        self.limit = limit
        self._layers = _layers(content_encoding)
        self._counts = [0] * (len(self._layers) + 1)

    def _count(self, level: int, size: int) -> None:
        self._counts[level] += size
        if self._counts[level] > self.limit:
            raise TooLarge(self.limit)

    def feed(self, raw: bytes) -> Iterator[bytes]:
        self._count(0, len(raw))
        yield from self._through(0, raw)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._layers):
            if data:
                yield data
            return
        for piece in self._layers[index].feed(data):
            self._count(index + 1, len(piece))
            yield from self._through(index + 1, piece)

    def close(self) -> None:
        """The body ended: every layer must have ended too."""
        for layer in self._layers:
            layer.close()

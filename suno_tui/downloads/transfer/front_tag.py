"""The mp3's tag written in front of its audio while the body streams.

Tagging a downloaded mp3 afterwards makes mutagen insert a bigger tag at the
start of the file: the whole file is copied again, then read again to hash
it. Instead, the body's own ID3v2 tag (at its start, a few hundred bytes
usually) is held back until it is complete, merged with ours, and the merged
tag is written first; the audio after it streams on, hashed once.

The ``.part`` then differs from the server's bytes by its first bytes: the
meta remembers both tags' lengths (``front``, ``body_tag``) so that a resume
asks for the right byte. A body whose tag is unreadable or too big to hold
is written as it came (``state`` OFF): the writer tags it afterwards, as
before, and that path words the failure.
"""

from __future__ import annotations

from enum import Enum

# (the body's own ID3v2 tag or b"", the audio's size or None) -> our tag, or
# None to write the body as it came (and tag it afterwards)
from suno_tui.downloads.transfer.job import RenderTag

__all__ = ["MAX_HELD", "FrontTag", "RenderTag", "id3_length"]

#: a tag is held in memory until complete; a bigger one is tagged afterwards
MAX_HELD = 1 << 20
_HEADER = 10


def id3_length(head: bytes) -> int | None:
    """The length of the ID3v2 tag at the start of ``head`` (0: none, or not
    a valid header); None: more bytes are needed to tell."""
    if len(head) < 3:
        return None if b"ID3".startswith(head) else 0
    if not head.startswith(b"ID3"):
        return 0
    if len(head) < _HEADER:
        return None
    size_bytes = head[6:10]
    if any(byte & 0x80 for byte in size_bytes):
        return 0  # not a syncsafe size: not a tag mutagen would read either
    size = 0
    for byte in size_bytes:
        size = (size << 7) | byte
    footer = _HEADER if head[5] & 0x10 else 0
    return _HEADER + size + footer


class _State(Enum):
    PENDING = "pending"
    ON = "on"
    OFF = "off"


class FrontTag:
    """Turns the body's first chunks into what the ``.part`` gets."""

    def __init__(self, render: RenderTag, total: int | None) -> None:
        self._render = render
        self._total = total
        self._held = b""
        self._state = _State.PENDING
        #: the body's own tag's length, and ours, once written (ON)
        self.body_tag = 0
        self.front = 0

    @property
    def deciding(self) -> bool:
        return self._state is _State.PENDING

    @property
    def tagged(self) -> bool:
        return self._state is _State.ON

    def feed(self, chunk: bytes) -> bytes:
        """What to write for ``chunk`` (b"" while the body's tag is incomplete)."""
        if self._state is not _State.PENDING:
            return chunk
        self._held += chunk
        length = id3_length(self._held)
        if length is None:
            return b""
        if length > MAX_HELD:
            return self._give_up()
        if len(self._held) < length:
            return b""
        audio = None if self._total is None else self._total - length
        try:
            ours = self._render(self._held[:length], audio)
        except Exception:  # untrusted bytes: the afterwards path words the failure
            ours = None
        if ours is None:
            return self._give_up()
        self._state = _State.ON
        self.body_tag, self.front = length, len(ours)
        rest = self._held[length:]
        self._held = b""
        return ours + rest

    def finish(self) -> bytes:
        """The body ended: what is still held (a body shorter than its tag)."""
        return self._give_up() if self._state is _State.PENDING else b""

    def _give_up(self) -> bytes:
        self._state = _State.OFF
        held, self._held = self._held, b""
        return held

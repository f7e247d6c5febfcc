"""The WAV a hosted gateway makes of a clip: 16-bit stereo PCM at 44.1 kHz
(176,400 bytes a second: a 3-minute song is about 32 MB), with the canonical
44-byte RIFF/WAVE header. The samples are a quiet chord that repeats every
pattern, so the file can be served at any size from one small buffer."""

from __future__ import annotations

import math
import random
import struct

SAMPLE_RATE = 44_100
CHANNELS = 2
BYTES_PER_SAMPLE = 2
BLOCK_ALIGN = CHANNELS * BYTES_PER_SAMPLE
BYTE_RATE = SAMPLE_RATE * BLOCK_ALIGN
HEADER_SIZE = 44
# frames in one pattern; each tone makes a whole number of cycles in it, so the
# repeats join without a click
_PATTERN_FRAMES = 16_384
_AMPLITUDE = 2_000  # of 32,767: quiet


def data_size_for(duration: float) -> int:
    """Bytes of PCM that play for ``duration`` seconds."""
    return max(1, round(duration * SAMPLE_RATE)) * BLOCK_ALIGN


def header(data_size: int) -> bytes:
    """The RIFF/WAVE header of a file with ``data_size`` bytes of samples."""
    return (
        struct.pack("<4sI4s", b"RIFF", 36 + data_size, b"WAVE")
        + struct.pack(
            "<4sIHHIIHH",
            b"fmt ",
            16,  # the size of a PCM fmt chunk
            1,  # PCM
            CHANNELS,
            SAMPLE_RATE,
            BYTE_RATE,
            BLOCK_ALIGN,
            BYTES_PER_SAMPLE * 8,
        )
        + struct.pack("<4sI", b"data", data_size)
    )


def pattern(rng: random.Random) -> bytes:
    """One repeat of the samples: two or three soft tones, per clip."""
    cycles = rng.sample((40, 48, 60, 64, 72, 80, 96), k=rng.choice((2, 3)))
    share = _AMPLITUDE / len(cycles)
    # one period of a sine, read at each tone's own step: no sin() per sample
    table = [share * math.sin(2 * math.pi * i / _PATTERN_FRAMES) for i in range(_PATTERN_FRAMES)]
    mono = [
        int(sum(table[(index * c) % _PATTERN_FRAMES] for c in cycles))
        for index in range(_PATTERN_FRAMES)
    ]
    stereo = [value for value in mono for _ in range(CHANNELS)]
    return struct.pack(f"<{len(stereo)}h", *stereo)

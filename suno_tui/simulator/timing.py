"""The answer of ``GET /suno/act/timing/{clip_id}``: the clip's lyrics aligned
to its audio, as Suno's aligner gives them.

Each word carries what stands before it on the page: a section tag and the
line break after it (``"[Verse]\\nWinter "``), and the line breaks after the
last word of a line (``"deep\\n"``, ``"go\\n\\n"`` at the end of a section).
Words are spread over the clip after a short intro; a few are marked as not
aligned (``success: false``), as real answers have.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from typing import Any

_TAG = re.compile(r"^\s*\[[^\]\n]*\]\s*$")
_INTRO_SHARE = 0.06  # the first words start after this share of the clip
_OUTRO_SHARE = 0.08
_WAVEFORM_POINTS_PER_SECOND = 5


def aligned_words(lyrics: str, duration: float, seed: str) -> list[dict[str, Any]]:
    """``lyrics`` as aligned words over ``duration`` seconds (repeatable per ``seed``)."""
    tokens = _tokens(lyrics)
    if not tokens or duration <= 0:
        return []
    rng = random.Random(_seed(seed, "timing"))  # noqa: S311 (repeatable, not secret)
    start = duration * _INTRO_SHARE
    span = duration * (1 - _INTRO_SHARE - _OUTRO_SHARE)
    step = span / len(tokens)
    words = []
    for index, text in enumerate(tokens):
        begin = start + index * step + rng.uniform(0, step * 0.1)
        end = begin + step * rng.uniform(0.55, 0.9)
        aligned = rng.random() > 0.03
        words.append(
            {
                "word": text,
                "success": aligned,
                "start_s": round(begin, 2),
                "end_s": round(end, 2),
                "p_align": round(rng.uniform(0.82, 0.999) if aligned else rng.uniform(0, 0.3), 3),
            }
        )
    return words


def waveform(duration: float, seed: str) -> list[float]:
    """Loudness over time, 0..1, a few points per second."""
    rng = random.Random(_seed(seed, "waveform"))  # noqa: S311
    count = max(1, int(duration * _WAVEFORM_POINTS_PER_SECOND))
    return [
        round(0.35 + 0.3 * math.sin(i / 9.0) ** 2 + rng.uniform(0, 0.3), 4) for i in range(count)
    ]


def timing_answer(lyrics: str, duration: float, seed: str) -> dict[str, Any]:
    rng = random.Random(_seed(seed, "cer"))  # noqa: S311
    return {
        "aligned_words": aligned_words(lyrics, duration, seed),
        "waveform_data": waveform(duration, seed),
        "hoot_cer": round(rng.uniform(0.01, 0.12), 3),
        "is_streamed": False,
    }


def _tokens(lyrics: str) -> list[str]:
    """The words with the tags and line breaks that go with them."""
    tokens: list[str] = []
    pending = ""  # tags (and their line breaks) waiting for the next word
    for line in lyrics.replace("\r\n", "\n").split("\n"):
        if _TAG.match(line):
            pending += line.strip() + "\n"
            continue
        words = line.split()
        if not words:  # a blank line: one more break after the last word
            if tokens and not pending:
                tokens[-1] += "\n"
            continue
        for index, word in enumerate(words):
            last = index == len(words) - 1
            tokens.append(pending + word + ("\n" if last else " "))
            pending = ""
    return tokens


def _seed(seed: str, what: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{what}".encode()).digest()[:8], "big")

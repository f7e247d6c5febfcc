"""Reading the answers of the hosted clip routes into typed results (no I/O).

Published answers differ from gateway to gateway (docs/gateway.md, "Acting on
a clip"), so every shape is read:

- the envelope: bare (``{"aligned_words": ...}``), ``{"success": true,
  "data": ...}``, or the task layer's ``{"code": "success", "data": ...}``;
- a file (WAV, MP4): ``data`` a URL, ``data.wav_file_url`` /
  ``data.mp4_file_url`` / ``data.url``, or an id while it is being made;
- timed lyrics: ``aligned_words`` of ``{word, start_s, end_s, success,
  p_align}``, with section tags and line breaks inside the words.

Everything here is untrusted: links are kept only when they are http(s),
words are cleaned of control characters (line breaks kept), times that are
missing, NaN or negative become "not known", and counts and lengths are
bounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from suno_tui.ids import InvalidTaskId, validate_id
from suno_tui.relay.envelope import short_text, unwrap
from suno_tui.relay.errors import GatewayError, MalformedResponse
from suno_tui.relay.numbers import to_float
from suno_tui.safe_text import clean_line, clean_text

MAX_WORDS = 5_000  # a long song has a few hundred
MAX_WORD_CHARS = 200
MAX_WAVEFORM_POINTS = 20_000
MAX_URL_CHARS = 4_096
_MAX_SECONDS = 24 * 3600.0  # a time past this is noise
_ID_KEYS = ("id", "task_id", "job_id")


@dataclass(frozen=True, slots=True)
class FileReady:
    """The file is made: download it from ``url`` (an http(s) link)."""

    url: str


@dataclass(frozen=True, slots=True)
class FilePending:
    """The file is being made: ask again later. ``job_id`` may be ""."""

    job_id: str


@dataclass(frozen=True, slots=True)
class FileInline:
    """The route answered with the file itself: download it from ``url``
    (the route's own URL, with the API key), never into memory."""

    url: str


FileAnswer = FileReady | FilePending | FileInline


@dataclass(frozen=True, slots=True)
class TimedWord:
    """One word as sung. ``text`` may carry a section tag before the word
    (``"[Verse]\\nWinter "``) and line breaks after it (``"deep\\n"``).
    ``start`` and ``end`` are seconds into the clip, None when not known."""

    text: str
    start: float | None
    end: float | None
    aligned: bool = True  # the aligner's ``success``
    confidence: float | None = None  # ``p_align``, 0..1


@dataclass(frozen=True, slots=True)
class TimedLyrics:
    words: tuple[TimedWord, ...]
    waveform: tuple[float, ...] = ()
    #: more words (or waveform points) came than are kept
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class TimingPending:
    """Not aligned yet: ask again later."""

    job_id: str


TimingAnswer = TimedLyrics | TimingPending


def act_data(payload: object, status: int) -> Any:
    """The ``data`` of a 2xx answer of a clip route, whichever envelope it
    came in; an answer that says it failed raises GatewayError."""
    if isinstance(payload, dict):
        if "aligned_words" in payload:
            return payload  # timing, bare
        if isinstance(payload.get("success"), bool) and "code" not in payload:
            if not payload["success"]:
                message = payload.get("message") or payload.get("msg") or ""
                raise GatewayError(short_text(message), status=status)
            if "data" not in payload:
                raise MalformedResponse("no 'data' in the answer", status=status)
            return payload["data"]
    return unwrap(payload, status)


def safe_url(value: object) -> str | None:
    """``value`` if it is an http(s) link that can be used as it is, else None."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > MAX_URL_CHARS or clean_line(url) != url or " " in url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def file_answer(data: object, url_keys: tuple[str, ...]) -> FileAnswer:
    """A WAV or MP4 answer's ``data``: a link, or an id while it is made."""
    if data is None:
        return FilePending("")
    if isinstance(data, str):
        return _link_or_pending(data)
    if isinstance(data, dict):
        for key in (*url_keys, "url"):
            if data.get(key):
                url = safe_url(data[key])
                if url is None:
                    raise MalformedResponse(f"'{key}' is not an http(s) link")
                return FileReady(url)
        for key in _ID_KEYS:
            if isinstance(data.get(key), str):
                return _link_or_pending(data[key])
        raise MalformedResponse("the answer holds no link and no id")
    raise MalformedResponse(f"expected a link, got {type(data).__name__}")


def _link_or_pending(text: str) -> FileAnswer:
    url = safe_url(text)
    if url is not None:
        return FileReady(url)
    return FilePending(_job_id(text, "a link that is not http(s), or an id that is not one"))


def _job_id(text: str, what: str) -> str:
    try:
        return validate_id(text.strip())
    except InvalidTaskId:
        raise MalformedResponse(f"{what}: {clean_line(text)[:80]!r}") from None


def timing_answer(data: object) -> TimingAnswer:
    """The aligned lyrics in a timing answer's ``data``."""
    if data is None:
        return TimingPending("")
    if isinstance(data, str):
        return TimingPending(_job_id(data, "not an id"))
    if not isinstance(data, dict):
        raise MalformedResponse(f"expected the aligned lyrics, got {type(data).__name__}")
    raw_words = data.get("aligned_words")
    if not isinstance(raw_words, list):
        raise MalformedResponse("the answer holds no 'aligned_words' list")
    words: list[TimedWord] = []
    truncated = False
    for item in raw_words:
        word = _word(item)
        if word is None:
            continue
        if len(words) == MAX_WORDS:
            truncated = True
            break
        words.append(word)
    waveform, cut = _waveform(data.get("waveform_data"))
    return TimedLyrics(tuple(words), waveform, truncated or cut)


def _word(item: object) -> TimedWord | None:
    if not isinstance(item, dict) or not isinstance(item.get("word"), str):
        return None
    text = clean_text(item["word"], multiline=True)[:MAX_WORD_CHARS]
    if not text:
        return None
    start = _seconds(item.get("start_s"))
    end = _seconds(item.get("end_s"))
    if start is not None and end is not None and end < start:
        end = None
    confidence = to_float(item.get("p_align"))
    if confidence is not None and not 0 <= confidence <= 1:
        confidence = None
    return TimedWord(text, start, end, item.get("success") is not False, confidence)


def _seconds(value: object) -> float | None:
    number = to_float(value)
    if number is None or not 0 <= number <= _MAX_SECONDS:
        return None
    return number


def _waveform(value: object) -> tuple[tuple[float, ...], bool]:
    if not isinstance(value, list):
        return (), False
    points = [n for n in map(to_float, value[:MAX_WAVEFORM_POINTS]) if n is not None]
    return tuple(points), len(value) > MAX_WAVEFORM_POINTS

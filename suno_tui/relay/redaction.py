"""Scrubbing secrets (the API key, the access token) from error messages.

A gateway may echo a credential back in its error text, and the envelope
code shortens long texts with an ellipsis, which can leave the first part of
a secret just before it: both are replaced with ``***``.

The text is cleaned for the terminal first (``safe_text.clean_text``): a
gateway that splits a secret with a character the cleaner removes (U+200B, a
bidi control, an escape sequence) would otherwise hide it from the search,
and the cleaning done before display would join the halves again.
"""

from __future__ import annotations

from collections.abc import Iterable

from suno_tui.relay.errors import RelayError
from suno_tui.safe_text import clean_text

__all__ = ["redact", "redact_error"]

_ELLIPSIS = "…"
# A cut secret keeps at most this many of its first characters.
_KEEP = 3


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text``, cleaned (line breaks kept), with every secret (and a secret cut
    short by an ellipsis) replaced."""
    secrets = {s for s in secrets if s}
    if not secrets:
        return text
    text = clean_text(text, multiline=True)  # first: what is shown is what is searched
    # a secret as the cleaning would show it, too (a token holds none of that)
    for secret in sorted(secrets | {clean_text(s) for s in secrets} - {""}, key=len, reverse=True):
        text = _redact_one(text, secret)
    return text


def _redact_one(text: str, secret: str) -> str:
    text = text.replace(secret, "***")
    if _ELLIPSIS not in text:
        return text
    parts = text.split(_ELLIPSIS)
    for index, part in enumerate(parts[:-1]):
        for size in range(min(len(secret) - 1, len(part)), _KEEP, -1):
            if part.endswith(secret[:size]):
                parts[index] = part[:-size] + "***"
                break
    return _ELLIPSIS.join(parts)


def redact_error(error: RelayError, secrets: Iterable[str]) -> RelayError:
    """The same error with the secrets scrubbed from its message and fields."""
    secrets = [s for s in secrets if s]
    if not secrets or redact(str(error), secrets) == str(error):
        return error
    error.args = (redact(str(error), secrets),)
    for name in ("message", "detail"):
        value = getattr(error, name, None)
        if isinstance(value, str):
            setattr(error, name, redact(value, secrets))
    return error

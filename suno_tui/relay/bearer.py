"""The token as it goes in the ``Authorization`` header, or why it cannot.

Its own module, without httpx: the client pool checks a profile's token when
it resolves it, before the client (and httpx) is built.
"""

from __future__ import annotations

__all__ = ["bearer_token"]


def bearer_token(token: str | None) -> str:
    """``token`` stripped, without a pasted ``Bearer`` scheme; ValueError if it
    holds characters an HTTP header cannot carry."""
    # A token read from a file often ends in a newline; one that is sent
    # with it fails in h11 with the header value (token and all) quoted in
    # the error, escaped so that redaction cannot find it.
    token = (token or "").strip()
    if token[:7].lower() == "bearer ":  # pasted with its scheme: send it once
        token = token[7:].strip()
    if any(not " " <= char <= "~" for char in token):
        raise ValueError(
            "the token contains control or non-ASCII characters "
            "and cannot be sent in an HTTP header"
        )
    return token

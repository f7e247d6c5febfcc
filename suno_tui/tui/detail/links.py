"""Which URLs in the detail become links a person can click (OSC 8).

Textual writes a link as ``ESC ] 8 ; id=N ; URL ESC \\ text ESC ] 8 ; ; ESC \\``
and puts the URL in as it is: it escapes nothing. A URL is untrusted (the
gateway sent it), so only one that cannot end or change that sequence
becomes a link: ``http``/``https`` with a host, printable ASCII only (no ESC,
BEL, C1 such as ``\\x9c``, space or other control), no ``;`` (the OSC 8
field separator, which some terminals and tmux split on), no user info
(``https://cdn.example@evil.example/``), and no longer than terminals take.
Anything else stays plain text, exactly as it is shown today.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from textual.style import Style

#: terminals cap OSC 8 URLs (2083 bytes is the recommended limit); keep clear of it
MAX_LINK_LENGTH = 2048
_SCHEMES = frozenset({"http", "https"})
# printable ASCII from "!" to "~": no space, no control, no DEL, nothing 8-bit
_LINKABLE = re.compile(r"[!-~]+")


def link_target(url: str) -> str | None:
    """The URL a link to ``url`` may open, or None to show it as plain text.

    Spaces around the URL are ignored (the detail shows it stripped); the
    answer is then exactly the text the detail shows.
    """
    url = url.strip(" ")
    if len(url) > MAX_LINK_LENGTH or not _LINKABLE.fullmatch(url) or ";" in url:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises ValueError for a port that is not one
    except ValueError:
        return None
    if parts.scheme.lower() not in _SCHEMES or not host or "@" in parts.netloc:
        return None
    return url


def links_wanted(environ: Mapping[str, str]) -> bool:
    """Whether the terminal gets links at all: not under ``NO_COLOR`` (set to
    anything, as Textual reads it: plain text, no escape sequences beyond the
    screen's own) nor on a dumb terminal."""
    return "NO_COLOR" not in environ and environ.get("TERM", "") != "dumb"


def link_style(target: str) -> Style:
    """The style that makes text a link to ``target`` (from :func:`link_target`)."""
    return Style(link=target)

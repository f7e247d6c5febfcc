"""Desktop notifications through the terminal: OSC 9 and OSC 777.

``ESC ] 9 ; text BEL`` is understood by iTerm2, WezTerm, Windows Terminal,
ConEmu and kitty; ``ESC ] 777 ; notify ; title ; body BEL`` by urxvt, foot,
kitty and others. Inside tmux, an escape sequence reaches the outer terminal
only wrapped in a DCS passthrough (``ESC P tmux; ... ESC \\``, every inner ESC
doubled; tmux 3.3+ also needs ``set -g allow-passthrough on``).

The text comes from the gateway: it is cleaned of every control character
(so BEL or ESC cannot end the sequence early and smuggle another one in),
``;`` is kept out of the OSC 777 title (it separates the fields), and both
are cut to a bounded length.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum

from suno_tui.safe_text import clean_line

MAX_TITLE = 60
MAX_BODY = 200


class Flavour(StrEnum):
    OSC9 = "osc9"
    OSC777 = "osc777"


def _short(text: str, limit: int) -> str:
    text = clean_line(text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def osc_notification(title: str, body: str, flavour: Flavour) -> str:
    """The escape sequence of one notification (text cleaned)."""
    title = _short(title, MAX_TITLE)
    body = _short(body, MAX_BODY)
    if flavour is Flavour.OSC777:
        return f"\x1b]777;notify;{title.replace(';', ',')};{body}\x07"
    text = f"{title}: {body}" if title and body else title or body
    return f"\x1b]9;{text}\x07"


def tmux_wrap(sequence: str) -> str:
    """``sequence`` in a tmux DCS passthrough (ESC doubled inside)."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


def flavour_for(env: Mapping[str, str]) -> Flavour:
    """OSC 777 for terminals known to want it, OSC 9 otherwise."""
    term = env.get("TERM", "").lower()
    if term.startswith(("rxvt", "foot")) or env.get("TERM_PROGRAM", "").lower() == "foot":
        return Flavour.OSC777
    return Flavour.OSC9


class TerminalNotifier:
    """Writes notifications with ``write`` (the app's driver)."""

    def __init__(self, write: Callable[[str], None], env: Mapping[str, str]) -> None:
        self._write = write
        self.flavour = flavour_for(env)
        self.in_tmux = bool(env.get("TMUX"))

    def sequence(self, title: str, body: str) -> str:
        sequence = osc_notification(title, body, self.flavour)
        return tmux_wrap(sequence) if self.in_tmux else sequence

    def send(self, title: str, body: str) -> None:
        self._write(self.sequence(title, body))

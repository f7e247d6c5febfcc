"""Run ``python -m suno_tui ...`` as a real subprocess and keep every byte it
writes: what a terminal (or a log) would receive."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Ran:
    argv: tuple[str, ...]
    code: int
    stdout: bytes
    stderr: bytes

    @property
    def output(self) -> bytes:
        return self.stdout + self.stderr

    def text(self) -> str:
        """stdout + stderr as text; raises if either is not valid UTF-8."""
        return self.stdout.decode("utf-8") + self.stderr.decode("utf-8")


def clean_env(tmp: Path, **extra: str) -> dict[str, str]:
    """The environment with no suno-tui settings of the user's, everything in ``tmp``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SUNO_TUI_") and key not in ("SSH_CONNECTION", "COLUMNS")
    }
    env.update(
        XDG_CONFIG_HOME=str(tmp / "config"),
        XDG_STATE_HOME=str(tmp / "state-home"),
        XDG_DATA_HOME=str(tmp / "data-home"),
        XDG_CACHE_HOME=str(tmp / "cache-home"),
        HOME=str(tmp / "home"),
        SUNO_TUI_STATE=str(tmp / "state.db"),
        SUNO_TUI_DOWNLOAD_DIR=str(tmp / "music"),
        COLUMNS="400",  # no title cut short by the table's width
        PYTHONPATH=str(REPO),
        PYTHONIOENCODING="utf-8",
    )
    env.update(extra)
    return env


def run(argv: list[str], env: dict[str, str], *, stdin: bytes = b"", timeout: float = 120) -> Ran:
    done = subprocess.run(
        [sys.executable, "-m", "suno_tui", *argv],
        input=stdin,
        capture_output=True,
        env=env,
        cwd=REPO,
        timeout=timeout,
        check=False,
    )
    return Ran(tuple(argv), done.returncode, done.stdout, done.stderr)


# What a terminal could obey or hide: ESC (every CSI/OSC/DCS starts with it in
# 7-bit form), other C0 controls but newline (and tab), DEL, the C1 controls
# (U+0080-U+009F: 8-bit CSI, OSC, DCS, ST), bidi overrides and isolates, and
# invisible format characters.
_BIDI_AND_FORMAT = set(
    "\u061c\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2066\u2067\u2068\u2069\u2028\u2029\u2060\ufeff"
)


def terminal_hazards(ran: Ran) -> list[str]:
    """Every byte or character of ``ran``'s output a terminal could obey, named."""
    found = []
    for name, data in (("stdout", ran.stdout), ("stderr", ran.stderr)):
        for byte in (0x1B, 0x07, 0x00, 0x7F):
            if byte in data:
                found.append(f"{name}: raw byte 0x{byte:02x}")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:  # a lone 8-bit C1 byte is not UTF-8
            found.append(f"{name}: not UTF-8 ({error})")
            continue
        for char in set(text):
            code = ord(char)
            if (code < 0x20 and char not in "\n\t") or 0x7F <= code <= 0x9F:
                found.append(f"{name}: control U+{code:04X}")
            elif char in _BIDI_AND_FORMAT or unicodedata.category(char) == "Cs":
                found.append(f"{name}: U+{code:04X} {unicodedata.name(char, '?')}")
            elif 0xE0000 <= code <= 0xE007F:
                found.append(f"{name}: tag character U+{code:04X}")
    return found

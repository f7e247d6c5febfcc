"""Secrets split by what the cleaner removes (issue #21 item 5).

A gateway that echoes a credential with an invisible character (U+200B, a
bidi control, a C0 or C1 control...) or an escape sequence in its middle:
the redaction looked for the secret before the text was cleaned, did not
find it, and the cleaning then joined the two halves, so the bare secret was
printed. The characters come from the cleaner itself (every code point it
removes, found by asking it), the escape sequences are checked to be removed
whole; the refusals go through the commands a user runs (``submit``,
``fetch``, ``tasks``, ``balance``) against a scripted gateway on loopback.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from suno_tui.cli import main
from suno_tui.relay.redaction import redact
from suno_tui.safe_text import clean_line, clean_text
from tests.reliability.cli import clean_env
from tests.reliability.gateway import Answer, ScriptedGateway, Seen

KEY = "sk-APIKEYSECRET123456"
ACCESS = "ACCESSTOKENSECRET987"
# the halves a gateway splits each secret into, and what must never be shown
HALVES = {KEY: ("sk-APIKEY", "SECRET123456"), ACCESS: ("ACCESS", "TOKENSECRET987")}
MARKERS = (KEY, ACCESS, "APIKEYSECRET", "ACCESSTOKEN", "SECRET123456", "TOKENSECRET987")


def _what_the_cleaner_removes() -> tuple[list[str], list[str]]:
    """Every character the cleaner removes outright, and every character that
    starts a sequence it removes (the character after it goes too), in code
    point order: asked of the cleaner itself, one pass over all of Unicode
    (~1 s)."""
    removed: list[str] = []
    introducers: list[str] = []
    for char in map(chr, range(0x110000)):
        if char.isascii() and char.isprintable():
            continue
        shown = clean_line(f"a{char}b")
        if shown == "ab":
            removed.append(char)
        elif shown == "a":
            introducers.append(char)
    return removed, introducers


REMOVED, INTRODUCERS = _what_the_cleaner_removes()
# Each kind of sequence the cleaner removes whole, 7-bit and 8-bit.
SEQUENCES = [
    "\x1b[31m",  # CSI
    "\x1b[?25l",
    "\x1b]0;title\x07",  # OSC ended by BEL
    "\x1b]52;c;aGk=\x1b\\",  # OSC 52 ended by ST
    "\x1bP1$r\x1b\\",  # DCS
    "\x1bXsos\x1b\\",  # SOS
    "\x1b^pm\x1b\\",  # PM
    "\x1b_apc\x1b\\",  # APC
    "\x1b7",  # ESC + one character
    "\x9b31m",  # 8-bit CSI
    "\x9d0;x\x9c",  # 8-bit OSC ended by 8-bit ST
    "\x90dcs\x9c",  # 8-bit DCS
    "\x98sos\x07",  # 8-bit SOS ended by BEL
    "\x9epm\x9c",
    "\x9fapc\x9c",
]


def _runs(characters: list[str]) -> list[str]:
    """The first and the last character of each run of consecutive code points."""
    picked: list[str] = []
    for index, char in enumerate(characters):
        first = index == 0 or ord(characters[index - 1]) != ord(char) - 1
        last = index == len(characters) - 1 or ord(characters[index + 1]) != ord(char) + 1
        if first or last:
            picked.append(char)
    return picked


def test_the_tables_are_what_the_cleaner_does() -> None:
    assert {"\u200b", "\u202e", "\x00", "\x7f", "\ufeff", "\U000e0041"} <= set(REMOVED)
    for sequence in SEQUENCES:
        assert clean_line(f"a{sequence}b") == "ab", repr(sequence)
    # every character that starts a sequence is tried by at least one of them
    assert set(INTRODUCERS) <= {sequence[0] for sequence in SEQUENCES}


HIDERS = REMOVED + SEQUENCES


@pytest.mark.parametrize("multiline", [False, True])
def test_redaction_finds_a_secret_split_by_anything_the_cleaner_removes(multiline: bool) -> None:
    leaked = []
    for hider in HIDERS:
        for secret, (head, tail) in HALVES.items():
            shown = clean_text(
                redact(f"invalid token {head}{hider}{tail}", [secret]), multiline=multiline
            )
            if any(marker in shown for marker in MARKERS) or "***" not in shown:
                leaked.append(repr(hider))
    assert not leaked, f"{len(leaked)} of {2 * len(HIDERS)}: {', '.join(leaked[:20])}"


def test_a_secret_split_and_cut_short_by_the_ellipsis_is_redacted() -> None:
    text = redact("invalid token sk-API\u200bKEYSEC…", [KEY])
    assert clean_line(text) == "invalid token ***…"


# -- end to end: what the commands print ---------------------------------------------------


class EchoingGateway:
    """Refuses every request, saying the credential it got with ``hider`` in its middle."""

    def __init__(self) -> None:
        self.hider = "\u200b"
        self.server = ScriptedGateway(self.answer)
        self.base_url = ""

    def _split(self, seen: Seen) -> str:
        presented = seen.headers.get("authorization", "").removeprefix("Bearer ").strip()
        head, tail = HALVES.get(presented, (presented, ""))
        return f"invalid token {head}{self.hider}{tail}"

    def answer(self, seen: Seen) -> Answer:
        said = self._split(seen)
        json_type = {"content-type": "application/json"}
        if seen.path.startswith("/api/task/self"):  # new-api: HTTP 200, success false
            body: dict[str, object] = {"success": False, "message": f"Unauthorized, {said}"}
            return Answer(200, json_type, json.dumps(body).encode())
        if seen.path.startswith("/dashboard/billing/"):  # an OpenAI-style error with a 200
            body = {"error": {"message": said, "type": "new_api_error"}}
            return Answer(200, json_type, json.dumps(body).encode())
        body = {"error": {"message": said, "type": "new_api_error"}}
        return Answer(401, json_type, json.dumps(body).encode())


@pytest.fixture(scope="module")
def gateway() -> Iterator[EchoingGateway]:
    echoing = EchoingGateway()
    echoing.base_url = echoing.server.start()
    try:
        yield echoing
    finally:
        echoing.server.stop()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gateway: EchoingGateway) -> Path:
    for key in list(os.environ):
        if key.startswith("SUNO_TUI_"):
            monkeypatch.delenv(key)
    env = clean_env(
        tmp_path,
        SUNO_TUI_BASE_URL=gateway.base_url,
        SUNO_TUI_TOKEN=KEY,
        SUNO_TUI_ACCESS_TOKEN=ACCESS,
        SUNO_TUI_USER_ID="7",
    )
    for key, value in env.items():
        if key.startswith(("SUNO_TUI_", "XDG_")) or key == "HOME":
            monkeypatch.setenv(key, value)
    return tmp_path


COMMANDS = {
    "submit": ["submit", "--prompt", "la la"],
    "fetch": ["fetch", "task-1"],
    "tasks": ["tasks"],
    "balance": ["balance"],
}


@pytest.mark.parametrize("hider", _runs(REMOVED) + SEQUENCES, ids=ascii)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_command_prints_a_secret_rejoined_by_cleaning(
    command: str,
    hider: str,
    gateway: EchoingGateway,
    home: Path,
    capfdbinary: pytest.CaptureFixture[bytes],
) -> None:
    gateway.hider = hider
    code = main(COMMANDS[command])
    out, err = capfdbinary.readouterr()
    assert code in (3, 4), err  # refused (a 401, or a 200 that says no), or a gateway error
    text = (out + err).decode("utf-8", "replace")
    assert KEY not in text and ACCESS not in text, text
    assert "invalid token" in text  # the message is kept
    if _reaches_the_cleaner(hider):
        assert "invalid token ***" in text, text  # redacted, not dropped
        assert not any(marker in text for marker in MARKERS), text


def _reaches_the_cleaner(hider: str) -> bool:
    """Whether ``hider`` is still in the message when it is cleaned: a lone
    surrogate is U+FFFD once the JSON is read, and the message is one line
    (Python's whitespace, U+001C-U+001F among it, is a space): those show the
    two halves apart, never joined."""
    return not (hider.isspace() or "\ud800" <= hider <= "\udfff")


# -- the monitor: what its toasts say (the engine's events) --------------------------------


@pytest.mark.parametrize("hider", ["\u200b", "\u202e", "\x1b[31m", "\x9d0;x\x9c"], ids=ascii)
async def test_the_monitors_messages_hold_no_rejoined_secret(
    hider: str, gateway: EchoingGateway, tmp_path: Path, isolated_user: object
) -> None:
    """The reasons of DiscoveryFailed and BalanceUnavailable, which the monitor
    shows as toasts and in its status bar."""
    import asyncio
    from datetime import UTC, datetime

    from suno_tui.config import Gateway, Settings
    from suno_tui.engine.compose import Wiring, open_engine
    from suno_tui.engine.events import BalanceUnavailable, DiscoveryFailed, EngineEvent
    from suno_tui.simulator import ManualClock

    gateway.hider = hider
    clock = ManualClock()
    settings = Settings(
        download_dir=tmp_path / "downloads", state_path=tmp_path / "state.sqlite3"
    ).with_gateway(
        Gateway(
            base_url=gateway.base_url,
            token=KEY,
            access_token=ACCESS,
            user_id=7,
            follow_account=True,
        )
    )
    engine = open_engine(
        settings,
        Wiring(clock=lambda: datetime.fromtimestamp(clock.now(), UTC), sleep=clock.sleep),
    )
    events: list[EngineEvent] = []
    both = asyncio.Event()

    def take(event: EngineEvent) -> None:
        events.append(event)
        kinds = {type(seen) for seen in events}
        if {DiscoveryFailed, BalanceUnavailable} <= kinds:
            both.set()

    engine.subscribe(take)
    try:
        engine.start()
        async with asyncio.timeout(30):  # a safety net for a hung test, not a timing
            await both.wait()
    finally:
        await engine.aclose()
    reasons = [e.reason for e in events if isinstance(e, DiscoveryFailed | BalanceUnavailable)]
    for reason in reasons:
        assert not any(marker in reason for marker in MARKERS), reason
        assert "invalid token ***" in reason, reason

"""The banner above the list: why polling stopped, or which tasks cannot be
polled, and how to fix it; hidden when all is well."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from suno_tui.engine.ports import PollStatusLike
from suno_tui.safe_text import clean_line

TOKEN_HELP = "set SUNO_TUI_TOKEN, or run: suno-tui config set token YOUR_TOKEN"  # noqa: S105


def auth_banner(message: str | None) -> Content:
    """Polling stopped on a refused token: why (the gateway's words) and the fix."""
    why = clean_line(message or "the gateway refused the token")
    return Content.assemble(
        ("Polling stopped: the gateway refused the token. ", "bold"),
        why,
        "\nTo fix it: ",
        (TOKEN_HELP, "bold"),
        ", then restart suno-tui. p retries with the same token.",
    )


def polling_off_banner(reason: str) -> Content:
    return Content.assemble(("Not polling: ", "bold"), clean_line(reason))


def profiles_banner(problems: dict[str, tuple[int, str]]) -> Content:
    """Watched tasks that cannot be polled: their profile has no client."""
    parts: list[str | tuple[str, str]] = []
    for index, (profile, (count, why)) in enumerate(sorted(problems.items())):
        if index:
            parts.append("\n")
        tasks = f"{count} task{'s' if count != 1 else ''}"
        parts += [
            (f"Not polled: {tasks} of profile {clean_line(profile)!r}. ", "bold"),
            clean_line(why),
        ]
    return Content.assemble(*parts)


def crash_banner(error: str) -> Content:
    return Content.assemble(
        ("Polling stopped after an internal error. ", "bold"),
        error,
        "  Restart suno-tui; the watch list is saved.",
    )


@dataclass(frozen=True)
class Notice:
    """What the banner shows; ``warning`` tones it as one (else an error)."""

    content: Content
    warning: bool


class PollingState(Protocol):
    """What the banner reads of the engine."""

    @property
    def status(self) -> PollStatusLike | None: ...
    @property
    def polling(self) -> bool: ...
    @property
    def polling_off(self) -> str: ...
    def profile_problems(self) -> dict[str, tuple[int, str]]: ...


def notice_for(engine: PollingState) -> Notice | None:
    """The banner the engine's state calls for, or none."""
    status = engine.status
    if status is not None and status.auth_failed:
        return Notice(auth_banner(status.auth_message), warning=False)
    if not engine.polling and engine.polling_off:
        return Notice(polling_off_banner(engine.polling_off), warning=True)
    if problems := engine.profile_problems():
        return Notice(profiles_banner(problems), warning=True)
    return None


class Banner(Static):
    """Shown (class ``-shown``) while it has a :class:`Notice`."""

    #: set by whoever learns something the banner must say (None: hidden)
    notice: var[Notice | None] = var(None, always_update=True)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Content(""), id=id)
        self._shown: Notice | None = None

    def watch_notice(self, notice: Notice | None) -> None:
        if notice is None:
            self._shown = None
            self.remove_class("-shown")
            return
        if self._shown is not None and notice.content.is_same(self._shown.content):
            return
        self._shown = notice
        self.update(notice.content)
        self.set_class(notice.warning, "-warning")
        self.add_class("-shown")

"""The bars around the list: the status bar (counts and the state of polling,
in absolute times), the top bar (sort, filter, gateway) and the banner (why
polling stopped and how to fix it).

Times are clock times (``polled 16:42:10``, ``next 16:42:20``), never "3 s
ago", so an idle bar does not change from one second to the next and writes
nothing to the terminal. The widget repaints only when its text changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from textual.content import Content
from textual.widgets import Static

from suno_tui.engine.ports import PollStatusLike
from suno_tui.relay.balance import Balance
from suno_tui.safe_text import clean_line
from suno_tui.tui.timefmt import clock_time

MUTED = "$text-muted"
SEP = ("  │  ", MUTED)
_MAX_ERROR = 160


@dataclass(frozen=True, slots=True)
class Counts:
    watched: int
    unfinished: int
    shown: int  # after the filter


def interval_text(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:g}s"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}m{secs:02d}s" if secs else f"{minutes}m"


def error_text(error: object) -> str:
    """The poller's last error as one clean, bounded line."""
    if error is None:
        return ""
    text = clean_line(str(error)).strip() or type(error).__name__
    return text if len(text) <= _MAX_ERROR else text[: _MAX_ERROR - 1] + "…"


def balance_text(balance: Balance | None) -> str:
    """What the API key has left, short: ``key $12.34 left`` only when the unit
    is known to be USD; ``key 12.34 CNY left``, ``key 6,170,000 tokens left``;
    ``key 12.34 credit left`` when the unit is not known (the billing
    endpoints answer in the site's display unit without naming it);
    ``key unlimited`` ("" when nothing is known)."""
    if balance is None:
        return ""
    if balance.unlimited:
        return "key unlimited"
    if balance.remaining is None:
        return ""
    amount = balance.remaining
    unit = clean_line(balance.unit or "")[:8]
    if unit == "USD":
        money = f"${amount:,.2f}"
    elif unit == "tokens":
        money = f"{amount:,.0f} tokens"
    elif unit:
        money = f"{amount:,.2f} {unit}"
    else:
        money = f"{amount:,.2f} credit"
    return f"key {money} left"


def status_content(
    counts: Counts,
    status: PollStatusLike | None,
    now: datetime,
    tz: tzinfo | None,
    *,
    polling_off: str = "",
    balance: str = "",
) -> Content:
    """The bar's text for these counts and this poll status (and the key's
    balance, after the counts: it must not be the first thing cut off)."""
    parts: list[str | tuple[str, str]] = [" "]
    parts.append((f"{counts.watched}", "bold"))
    parts.append(" watched · ")
    parts.append((f"{counts.unfinished}", "bold"))
    parts.append(" active")
    if counts.shown != counts.watched:
        parts += [" · ", (f"{counts.shown} shown", "$text-accent")]
    if balance:
        parts += [SEP, (balance, "$text-success")]
    if status is None:
        # why, and how to fix it, is in the banner above the list
        parts += [SEP, ("■ not polling" if polling_off else "not polling", "$text-warning")]
        return Content.assemble(*parts)
    parts.append(SEP)
    if status.last_success_at is not None:
        parts += [("polled ", MUTED), clock_time(status.last_success_at, now, tz)]
    else:
        parts.append(("not polled yet", MUTED))
    parts += [SEP, ("every ", MUTED), interval_text(status.interval)]
    if status.auth_failed:
        parts += [SEP, ("■ stopped: token refused", "bold $text-error")]
        return Content.assemble(*parts)
    if status.paused:
        parts += [SEP, ("⏸ paused", "bold $text-warning")]
    elif status.in_flight:
        parts += [SEP, ("↻ polling", "$text-accent")]
    elif counts.unfinished == 0 or getattr(status, "idle", False):
        # The poller's last status may still name a round it will not run:
        # with nothing unfinished there is nothing to poll.
        parts += [SEP, ("idle: every task has finished" if counts.watched else "idle", MUTED)]
    elif status.next_poll_at is not None:
        parts += [SEP, ("next ", MUTED), clock_time(status.next_poll_at, now, tz)]
    error = error_text(status.last_error)
    if error:
        parts += [SEP, (f"✗ {error}", "$text-error")]
    ignored = getattr(status, "problems", 0)
    if ignored:  # rows of answers that could not be used: say so, never drop them silently
        parts += [
            SEP,
            (f"⚠ {ignored} odd row{'s' if ignored != 1 else ''} ignored", "$text-warning"),
        ]
    return Content.assemble(*parts)


TOKEN_HELP = "set SUNO_TUI_TOKEN, or run: suno-tui config set token YOUR_TOKEN"  # noqa: S105


def top_bar_content(sort: str, filter_text: str, shown: int, total: int, gateway: str) -> Content:
    parts: list[str | tuple[str, str]] = [(" suno-tui", "bold")]
    parts += [("  ·  sort: ", MUTED), sort]
    if filter_text:
        parts += [
            ("  ·  filter: ", MUTED),
            (clean_line(filter_text), "$text-accent"),
            (f" ({shown} of {total})", MUTED),
        ]
    if gateway:  # last: the first thing to go on a narrow screen
        parts += [("  ·  ", MUTED), clean_line(gateway)]
    return Content.assemble(*parts)


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


class StatusBar(Static):
    """One line at the bottom; repaints only when the text changes."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $text;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Content(""), id=id)
        self._content = Content("")

    @property
    def text(self) -> str:
        return self._content.plain

    def show(self, content: Content) -> None:
        if content.is_same(self._content):
            return
        self._content = content
        self.update(content)


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

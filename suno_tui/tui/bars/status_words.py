"""What the status bar says: the counts, the key's balance and the state of
polling, in absolute times, worded for the bar's width (pure functions).

Times are clock times (``polled 16:42:10``, ``next 16:42:20``), never "3 s
ago", so an idle bar does not change from one second to the next and writes
nothing to the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from textual.content import Content

from suno_tui.engine.ports import PollStatusLike
from suno_tui.relay.balance import Balance
from suno_tui.safe_text import clean_line
from suno_tui.tui.timefmt import clock_time

MUTED = "$text-muted"
_MAX_ERROR = 160


@dataclass(frozen=True, slots=True)
class Counts:
    """The status bar's task counts."""

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
    amount = balance.remaining  # None: not said, or not a possible balance
    if amount is None:
        return ""
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


@dataclass(frozen=True, slots=True)
class _Fit:
    """How tightly the status line is worded (see _FITS)."""

    narrow: bool = False  # " │ " between the parts instead of "  │  "
    short_words: bool = False  # "10s" for "every 10s", "idle" for the long idle text
    balance: bool = True
    short_counts: bool = False  # "2/4 active" for "4 watched · 2 active"
    interval: bool = True
    polled: bool = True


# From the widest wording to the narrowest, each one giving up the next least
# useful thing: the state of polling (next time, paused, stopped) and the
# error's reason go last of all, the balance before the poll state.
_FITS = (
    _Fit(),
    _Fit(narrow=True),
    _Fit(narrow=True, short_words=True),
    _Fit(narrow=True, short_words=True, balance=False),
    _Fit(narrow=True, short_words=True, balance=False, short_counts=True),
    _Fit(narrow=True, short_words=True, balance=False, short_counts=True, interval=False),
    _Fit(True, True, balance=False, short_counts=True, interval=False, polled=False),
)
# Cells of the error part ("✗ reason") a wording must leave room for to fit.
_ERROR_ROOM = 48

Part = str | tuple[str, str]


def status_content(
    counts: Counts,
    status: PollStatusLike | None,
    now: datetime,
    tz: tzinfo | None,
    *,
    polling_off: str = "",
    balance: str = "",
    player: str = "",
    width: int | None = None,
) -> Content:
    """The bar's text for these counts and this poll status (and the key's
    balance and what plays, after the counts). With a ``width``, the widest wording that fits
    it (the tail may still be cut with an ellipsis: the error's reason, or the
    ignored rows)."""
    extras = (balance, clean_line(player))
    content, _ = _worded(counts, status, now, tz, polling_off, extras, _FITS[0])
    if width is None:
        return content
    for fit in _FITS:
        content, needed = _worded(counts, status, now, tz, polling_off, extras, fit)
        if needed <= width:
            break
    return content


def _worded(
    counts: Counts,
    status: PollStatusLike | None,
    now: datetime,
    tz: tzinfo | None,
    polling_off: str,
    extras: tuple[str, str],
    fit: _Fit,
) -> tuple[Content, int]:
    """The line in this wording, and the cells it needs (the error counted up
    to _ERROR_ROOM, the ignored rows not at all: they may be cut)."""
    groups: list[list[Part]] = [_counts(counts, fit)]
    balance, player = extras
    if balance and fit.balance:
        groups.append([(balance, "$text-success")])
    if player and fit.balance:  # the player line goes with the balance
        groups.append([player])
    cut: list[Part] = []  # the tail that may be cut
    if status is None:
        # why, and how to fix it, is in the banner above the list
        groups.append([("■ not polling" if polling_off else "not polling", "$text-warning")])
    else:
        groups += _polling(counts, status, now, tz, fit)
        error = error_text(status.last_error) if not status.auth_failed else ""
        if error:
            cut.append((f"✗ {error}", "$text-error"))
        ignored = status.problems
        if ignored and not status.auth_failed:
            # rows of answers that could not be used: say so, never drop them silently
            plural = "s" if ignored != 1 else ""
            cut.append((f"⚠ {ignored} odd row{plural} ignored", "$text-warning"))
    sep = (" │ " if fit.narrow else "  │  ", MUTED)
    parts: list[Part] = [" "]
    for index, group in enumerate(groups):
        parts += ([sep] if index else []) + group
    needed = Content.assemble(*parts).cell_length
    if cut:
        needed += len(sep[0]) + min(Content.assemble(cut[0]).cell_length, _ERROR_ROOM)
    for part in cut:
        parts += [sep, part]
    return Content.assemble(*parts), needed


def _counts(counts: Counts, fit: _Fit) -> list[Part]:
    if fit.short_counts:
        parts: list[Part] = [(f"{counts.unfinished}/{counts.watched}", "bold"), " active"]
    else:
        parts = [(f"{counts.watched}", "bold"), " watched · ", (f"{counts.unfinished}", "bold")]
        parts.append(" active")
    if counts.shown != counts.watched:
        parts += [" · ", (f"{counts.shown} shown", "$text-accent")]
    return parts


def _polling(
    counts: Counts, status: PollStatusLike, now: datetime, tz: tzinfo | None, fit: _Fit
) -> list[list[Part]]:
    """The poll's groups: last success, interval, and its state."""
    groups: list[list[Part]] = []
    if fit.polled:
        if status.last_success_at is not None:
            groups.append([("polled ", MUTED), clock_time(status.last_success_at, now, tz)])
        else:
            groups.append([("not polled yet", MUTED)])
    if fit.interval:
        every = interval_text(status.interval)
        groups.append([every] if fit.short_words else [("every ", MUTED), every])
    if status.auth_failed:
        groups.append([("■ stopped: token refused", "bold $text-error")])
    elif status.paused:
        groups.append([("⏸ paused", "bold $text-warning")])
    elif status.in_flight:
        groups.append([("↻ polling", "$text-accent")])
    elif counts.unfinished == 0 or status.idle:
        # The poller's last status may still name a round it will not run:
        # with nothing unfinished there is nothing to poll.
        long = "idle: every task has finished" if counts.watched else "idle"
        groups.append([("idle" if fit.short_words else long, MUTED)])
    elif status.next_poll_at is not None:
        groups.append([("next ", MUTED), clock_time(status.next_poll_at, now, tz)])
    return groups

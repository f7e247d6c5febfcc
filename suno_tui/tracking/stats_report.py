"""The stats as plain text lines (``suno-tui stats`` and the stats view)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from suno_tui.safe_text import clean_line

if TYPE_CHECKING:  # the monitor's rows use duration_text: the stats load on 'i'
    from suno_tui.tracking.stats import Stats

#: a status or kind name as shown (the state file may hold any text there)
_MAX_NAME = 40


def duration_text(seconds: float) -> str:
    """``45s``, ``3m05s``, ``2h04m``, ``3d04h``."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h"


def _name(text: str) -> str:
    """A word read back from the state file, safe and short enough to show."""
    name = clean_line(text).strip() or "?"
    return name if len(name) <= _MAX_NAME else name[: _MAX_NAME - 1] + "…"


def _counts(counts: dict[str, int]) -> str:
    return "  ".join(f"{_name(name)} {count:,}" for name, count in counts.items()) or "-"


def report_sections(stats: Stats) -> list[tuple[str, list[str]]]:
    """(heading, lines) pairs; the stats view styles the headings."""
    from suno_tui.tracking.stats import HOURS, sparkline

    rate = stats.failure_rate
    failure = "-" if rate is None else f"{rate:.1%}"
    overview = [
        f"{stats.total:,} tasks, {stats.finished:,} finished, {stats.failed:,} failed "
        f"(failure rate {failure})",
        f"by status  {_counts(stats.by_status)}",
        f"by kind    {_counts(stats.by_kind)}",
    ]
    if stats.times:
        width = max(len(t.model) for t in stats.times)
        times = [
            f"{t.model:<{width}}  {t.count:>6,} tasks  median {duration_text(t.median):>7}"
            f"  p90 {duration_text(t.p90):>7}"
            for t in stats.times
        ]
    else:
        times = ["no finished task yet"]
    per_hour = max(stats.hourly, default=0)
    throughput = [
        f"|{sparkline(stats.hourly)}|  {sum(stats.hourly):,} in {HOURS} h, at most {per_hour:,}/h",
        f" {'-' + str(HOURS - 1) + ' h':<{HOURS - 3}}now",
    ]
    if stats.slowest:
        width = max(len(s.task_id) for s in stats.slowest)
        slowest = [
            f"{s.task_id:<{width}}  {duration_text(s.running_seconds):>7}  "
            f"{s.status_label:<11}  {s.title}"
            for s in stats.slowest
        ]
    else:
        slowest = ["nothing running"]
    return [
        ("Tasks", overview),
        (f"Generation time, submitted to finished (last {stats.times_sample:,} done)", times),
        (f"Finished per hour, last {HOURS} h", throughput),
        ("Running longest", slowest),
    ]


def report_text(stats: Stats) -> str:
    blocks = [
        "\n".join([heading, *(f"  {line}" for line in lines)])
        for heading, lines in report_sections(stats)
    ]
    return "\n\n".join(blocks)

"""When to ask the gateway's account endpoints, within their limits.

Two paces (docs/gateway.md):

- discovery on ``/api/task/self``: every ``account_interval`` seconds (at
  least MIN_ACCOUNT_INTERVAL, see config/schema.py), sooner on demand (the
  monitor's ``A`` key) but never twice within MANUAL_GAP (a request within
  it runs when the gap ends);
- the balance: every BALANCE_INTERVAL (5 minutes), and after a task
  finishes (many finishes make one refresh, at most one a minute), never per
  poll: the balance endpoints are under the general API limit, and new-api's
  ``/api/usage/token/`` shares 20 requests per 20 minutes with logins.

After a 429 the next attempt waits for the server's Retry-After, else a
doubling backoff (capped); an endpoint the gateway does not have is never
asked again ("said once"). Time comes from the caller (a monotonic clock in
the app, a fake one in tests).
"""

from __future__ import annotations

from dataclasses import dataclass

from suno_tui.config.account_keys import DEFAULT_ACCOUNT_INTERVAL, MIN_ACCOUNT_INTERVAL

__all__ = [
    "BALANCE_INTERVAL",
    "BALANCE_MIN_GAP",
    "MANUAL_GAP",
    "MAX_BACKOFF",
    "Pacer",
    "balance_pacer",
    "discovery_pacer",
]

BALANCE_INTERVAL = 300.0
BALANCE_MIN_GAP = 60.0  # a refresh after a task finished: not sooner than this after the last
MANUAL_GAP = 10.0  # seconds between two runs asked for by hand
MAX_BACKOFF = 1800.0
_RATE_LIMIT_FLOOR = 60.0  # a 429 without Retry-After: wait at least this long


@dataclass
class Pacer:
    """The schedule of one kind of request. ``next_at`` is None once the
    endpoint is known to be missing (nothing more is asked)."""

    interval: float
    manual_gap: float = MANUAL_GAP
    max_backoff: float = MAX_BACKOFF
    next_at: float | None = 0.0  # due at once
    last_run: float | None = None
    failures: int = 0
    #: True while a run is in flight (a second one is not started)
    running: bool = False
    #: set once, when the endpoint turned out not to exist
    unsupported: bool = False
    #: the earliest time a rate limit allows the next request
    blocked_until: float = 0.0

    def due(self, now: float) -> bool:
        return not self.running and self.next_at is not None and now >= self.next_at

    def delay(self, now: float) -> float | None:
        """Seconds until the next run is due (0: now), or None: never."""
        if self.next_at is None:
            return None
        return max(self.next_at - now, 0.0)

    def request(self, now: float) -> float | None:
        """A run asked for by hand: the moment it is due (``now``, or as soon
        as ``manual_gap`` after the last run allows), or None: refused.

        Refused while one runs, during a rate-limit wait, or for a missing
        endpoint; a request within the gap is kept, not dropped."""
        if self.running or self.unsupported or now < self.blocked_until:
            return None
        earliest = now if self.last_run is None else max(now, self.last_run + self.manual_gap)
        self.next_at = earliest if self.next_at is None else min(self.next_at, earliest)
        return self.next_at

    def started(self, now: float) -> None:
        self.running = True
        self.last_run = now

    def succeeded(self, now: float) -> None:
        self.running = False
        self.failures = 0
        self.next_at = max(now + self.interval, self.blocked_until)

    def failed(self, now: float) -> None:
        """A network or gateway failure: try again after a doubling backoff."""
        self.running = False
        self.failures += 1
        wait = min(self.interval * 2 ** (self.failures - 1), self.max_backoff)
        self.next_at = max(now + max(wait, self.interval), self.blocked_until)

    def rate_limited(self, now: float, retry_after: float | None) -> None:
        """A 429: wait for Retry-After (or a backoff of at least a minute)."""
        self.running = False
        self.failures += 1
        backoff = min(
            max(self.interval, _RATE_LIMIT_FLOOR) * 2 ** (self.failures - 1), self.max_backoff
        )
        wait = max(retry_after if retry_after is not None else backoff, self.interval)
        self.blocked_until = now + wait
        self.next_at = self.blocked_until

    def not_supported(self) -> None:
        """The gateway has no such endpoint: never ask again."""
        self.running = False
        self.unsupported = True
        self.next_at = None

    def soon(self, now: float) -> None:
        """Something happened that makes a refresh worth it (a task finished):
        due now, or ``manual_gap`` after the last run; many such events in a
        row make one run."""
        if self.next_at is None or self.running:
            return
        earliest = now if self.last_run is None else max(now, self.last_run + self.manual_gap)
        self.next_at = max(min(self.next_at, earliest), self.blocked_until)


def discovery_pacer(interval: float = DEFAULT_ACCOUNT_INTERVAL) -> Pacer:
    """The discovery schedule; an interval under the minimum is raised to it."""
    return Pacer(interval=max(interval, MIN_ACCOUNT_INTERVAL))


def balance_pacer() -> Pacer:
    return Pacer(interval=BALANCE_INTERVAL, manual_gap=BALANCE_MIN_GAP)

"""The polling schedule: fetch unfinished tasks, merge them, wait, repeat.

A round fetches every unfinished task of every profile (the client splits
them into batches), merges the answers through the tracker (saved before
they are reported), then the next round is scheduled from the end of this
one, so rounds never overlap. With a client that reports batches (``RelayClient``
does), each batch is merged and reported (``on_update``) as soon as it is in:
with 5,000 new ids the first rows are on screen long before the round's
hundredth request ends. Waits are interruptible: ``poll_now``, ``pause``,
``set_interval``, ``notify_added`` and ``stop`` take effect at once.

Time comes from an injected ``clock`` and waits from an injected ``sleep``, so
tests drive rounds with a fake clock and no real waiting. Nothing here knows
about a front end: the app and the headless ``watch`` command both use it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import random
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from suno_tui.relay.errors import AuthError, RateLimited
from suno_tui.relay.fetch_result import FetchResult
from suno_tui.tracking.backoff import Backoff
from suno_tui.tracking.poll_status import PollStatus, one_line
from suno_tui.tracking.store import StoreError
from suno_tui.tracking.tracker import Tracker, Update
from suno_tui.tracking.waiting import sleep_or_wake

__all__ = ["MAX_INTERVAL", "FetchClient", "Poller"]

MAX_INTERVAL = 3600.0


class FetchClient(Protocol):
    """What the poller needs of a client (``RelayClient`` is one)."""

    async def fetch(self, ids: Iterable[str], *, raise_errors: bool = True) -> FetchResult: ...


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class _RoundErrors:
    """What went wrong in one round (successful batches are already applied)."""

    errors: list[str] = dataclasses.field(default_factory=list)
    retry_after: float | None = None
    fetched: bool = False  # some profile answered without an auth refusal


class Poller:
    def __init__(
        self,
        tracker: Tracker,
        clients: Mapping[str, FetchClient],
        *,
        interval: float = 10.0,
        min_interval: float = 2.0,
        max_backoff: float = 300.0,
        on_update: Callable[[Update, PollStatus], None] | None = None,
        on_status: Callable[[PollStatus], None] | None = None,
        clock: Callable[[], datetime] = _utc_now,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        rng: random.Random | None = None,
        scope: Collection[str] | None = None,
    ) -> None:
        self._tracker = tracker
        # Only these ids are polled (the headless ``watch`` follows a few tasks
        # of a state file that may hold thousands); None means every task.
        self._scope = frozenset(scope) if scope is not None else None
        self._clients: dict[str, FetchClient] = dict(clients)
        self.min_interval = max(0.0, min_interval)
        self.max_backoff = max(max_backoff, 1.0)
        self._on_update = on_update
        self._on_status = on_status
        self._clock = clock
        self._sleep = sleep or asyncio.sleep
        self._backoff = Backoff(
            base=min(max(self.min_interval, 1.0), self.max_backoff),
            maximum=self.max_backoff,
            rng=rng,
        )
        self._auth: dict[str, str] = {}  # profile -> why its gateway refused the token
        self._wake = asyncio.Event()
        self._stopping = False
        self._running = False
        self._last_end: datetime | None = None
        self._next_due: datetime | None = None  # None: as soon as allowed
        self._not_before: datetime | None = None  # min_interval gap and Retry-After
        self._rerun = False  # poll_now() came while a round was in flight
        self._status = PollStatus(interval=self._clamp(interval))
        self._emitted: PollStatus | None = None

    # -- controls -------------------------------------------------------------

    @property
    def status(self) -> PollStatus:
        return dataclasses.replace(self._status)

    @property
    def interval(self) -> float:
        return self._status.interval

    def set_interval(self, seconds: float) -> None:
        """Change the interval (clamped to min_interval..3600 s); applies at once."""
        interval = self._clamp(seconds)
        self._status.interval = interval
        if self._last_end is not None:
            due = self._last_end + timedelta(seconds=interval)
            in_backoff = self._status.consecutive_failures > 0 and self._next_due is not None
            self._next_due = max(due, self._next_due) if in_backoff and self._next_due else due
        self._poke()

    def poll_now(self) -> None:
        """Start a round as soon as allowed: skips an interval or backoff wait,
        but not min_interval after the last round, nor a server's Retry-After,
        nor a pause or an auth stop."""
        self._next_due = None
        if self._status.in_flight:
            self._rerun = True
        self._poke()

    def notify_added(self) -> None:
        """Tasks were added: poll soon (unless backing off after failures)."""
        if self._status.consecutive_failures == 0:
            self.poll_now()
        else:
            self._poke()

    def notify_fresh(self) -> None:
        """Tasks were added with a fresh snapshot (found by account discovery):
        they join the next regular round rather than starting one now. An idle
        poller (nothing was left to poll) schedules a round an interval away."""
        if self._status.idle:
            self._next_due = self._clock() + timedelta(seconds=self._status.interval)
            self._poke()

    def pause(self) -> None:
        """No more rounds until resume() (a round in flight still completes)."""
        self._status.paused = True
        self._poke()

    def resume(self) -> None:
        """Undo pause(), and retry profiles stopped by an auth refusal."""
        self._status.paused = False
        if self._auth:
            self._auth.clear()
            self._next_due = None
            self._sync_auth()
        self._poke()

    def set_client(self, profile: str, client: FetchClient) -> None:
        """Use a new client for ``profile`` (a fixed token): its auth stop is lifted."""
        self._clients[profile] = client
        if self._auth.pop(profile, None) is not None:
            self._next_due = None
            self._sync_auth()
        self._poke()

    def stop(self) -> None:
        """Make run() return (after the round in flight, if any). Final: a
        stopped poller does not start again (even if stop() came before run())."""
        self._stopping = True
        self._wake.set()

    # -- the loop -------------------------------------------------------------

    async def run(self) -> None:
        """Poll until stop() (or cancellation). Exceptions raised by the
        callbacks propagate and end the loop; gateway and store failures do not."""
        if self._running:
            raise RuntimeError("this poller is already running")
        self._running = True
        try:
            while not self._stopping:
                delay = self._until_next_round()
                if delay is None:
                    await self._wait(None)
                elif delay > 0:
                    await self._wait(delay)
                else:
                    await self.poll_once()
        finally:
            self._running = False
            self._update_status(next_poll_at=None, in_flight=False)

    async def poll_once(self) -> Update:
        """One round now, whatever the schedule says; returns what changed."""
        groups = self._groups()
        if not groups:
            return Update()
        self._rerun = False
        self._update_status(in_flight=True, idle=False)
        update = Update()  # everything this round changed
        unreported = Update()  # ... of which on_update has not been told yet
        errors = _RoundErrors()
        answers = await asyncio.gather(
            *(self._fetch(profile, ids, update, errors) for profile, ids in groups.items())
        )
        for (profile, ids), (fetched, applied) in zip(groups.items(), answers, strict=True):
            self._status.requests += self._requests_for(profile, len(ids))
            if isinstance(fetched, str):
                errors.errors.append(fetched)
                continue
            if not applied:
                changes = await self._apply(fetched, profile, errors)
                update.extend(changes)
                unreported.extend(changes)
            self._read_failures(profile, fetched, errors)
            for problem in fetched.problems:
                self._status.problems += 1
                self._status.last_problem = one_line(f"{profile}: {problem}")
        self._finish_round(errors)
        if self._on_update is not None:
            # The round carries its status: on_status is not told it again.
            self._emitted = self.status
            self._on_update(unreported, self._emitted)
        self._emit()
        return update

    # -- internals ------------------------------------------------------------

    def _clamp(self, seconds: float) -> float:
        if not math.isfinite(seconds):
            return MAX_INTERVAL
        return min(max(seconds, self.min_interval, 0.1), MAX_INTERVAL)

    def _poke(self) -> None:
        self._emit()
        self._wake.set()

    def _groups(self) -> dict[str, list[str]]:
        """Unfinished ids per profile that can be polled now."""
        groups = {
            profile: ids
            for profile, ids in self._tracker.unfinished_by_profile().items()
            if profile in self._clients and profile not in self._auth
        }
        if self._scope is None:
            return groups
        scoped = {profile: [i for i in ids if i in self._scope] for profile, ids in groups.items()}
        return {profile: ids for profile, ids in scoped.items() if ids}

    def _until_next_round(self) -> float | None:
        """Seconds until the next round is due, or None to wait for a wake-up."""
        if self._status.paused:
            self._update_status(next_poll_at=None)
            return None
        if not self._groups():
            self._update_status(next_poll_at=None, idle=True)
            return None
        now = self._clock()
        due = max(
            (moment for moment in (self._next_due, self._not_before) if moment is not None),
            default=now,
        )
        self._update_status(next_poll_at=max(due, now), idle=False)
        return max(0.0, (due - now).total_seconds())

    async def _wait(self, timeout: float | None) -> None:
        """Sleep up to ``timeout`` (forever if None), or until a wake-up."""
        await sleep_or_wake(self._wake, self._sleep, timeout)

    async def _fetch(
        self, profile: str, ids: list[str], update: Update, errors: _RoundErrors
    ) -> tuple[FetchResult | str, bool]:
        """The client's answer, or one line saying why there is none; and
        whether its batches were merged and reported already (into ``update``)."""
        client = self._clients[profile]
        by_batch = getattr(client, "reports_batches", False) is True

        # The receiver's own failure (e.g. a closed output pipe in ``watch``) is
        # not the gateway's: it propagates as it does at a round's end.
        receiver_failed: list[Exception] = []

        async def on_batch(part: FetchResult) -> None:
            changes = await self._apply(part, profile, errors)
            update.extend(changes)
            if self._on_update is not None and not changes.empty:
                try:
                    self._on_update(changes, self.status)
                except Exception as error:
                    receiver_failed.append(error)
                    raise

        try:
            if by_batch:
                fetch: Callable[..., Awaitable[FetchResult]] = client.fetch
                return await fetch(ids, raise_errors=False, on_batch=on_batch), True
            return await client.fetch(ids, raise_errors=False), False
        except Exception as error:  # a bug or an odd transport: report, keep polling
            if receiver_failed:
                raise receiver_failed[0] from None
            return one_line(f"{profile}: {type(error).__name__}: {error}"), by_batch

    async def _apply(self, result: FetchResult, profile: str, errors: _RoundErrors) -> Update:
        """Merge through the tracker; a store failure is said, not raised."""
        try:
            return await self._tracker.apply_async(result, profile=profile)
        except StoreError as error:  # e.g. disk full: keep polling, say why
            errors.errors.append(one_line(f"cannot save: {error}"))
            return Update()

    def _requests_for(self, profile: str, count: int) -> int:
        size = getattr(self._clients.get(profile), "batch_size", 50)
        return math.ceil(count / size) if isinstance(size, int) and size > 0 else 1

    def _read_failures(self, profile: str, result: FetchResult, outcome: _RoundErrors) -> None:
        refused = False
        for failure in result.failures:
            error = failure.error
            if isinstance(error, AuthError):
                refused = True
                self._auth[profile] = one_line(
                    f"profile {profile!r}: {error}. Fix the token in the configuration, "
                    "then resume polling"
                )
                continue
            if isinstance(error, RateLimited) and error.retry_after is not None:
                outcome.retry_after = max(outcome.retry_after or 0.0, error.retry_after)
            outcome.errors.append(one_line(f"{profile}: {error}"))
        if refused:
            self._sync_auth()
        else:
            outcome.fetched = True

    def _finish_round(self, outcome: _RoundErrors) -> None:
        end = self._clock()
        status = self._status
        status.rounds += 1
        status.in_flight = False
        if outcome.errors:
            status.consecutive_failures += 1
            more = len(outcome.errors) - 1
            status.last_error = outcome.errors[0] + (f" (+{more} more)" if more else "")
            delay = max(status.interval, self._backoff.next_delay(outcome.retry_after))
        else:
            status.consecutive_failures = 0
            status.last_error = None
            self._backoff.reset()
            if outcome.fetched:
                status.last_success_at = end
            delay = status.interval
        gap = self.min_interval
        if outcome.retry_after is not None and math.isfinite(outcome.retry_after):
            gap = max(gap, min(outcome.retry_after, self.max_backoff))
        self._last_end = end
        self._not_before = end + timedelta(seconds=gap)
        self._next_due = None if self._rerun else end + timedelta(seconds=delay)
        self._rerun = False
        status.next_poll_at = max(self._next_due or end, self._not_before)

    def _sync_auth(self) -> None:
        status = self._status
        status.auth_failed = bool(self._auth)
        status.auth_failed_profiles = tuple(self._auth)
        status.auth_message = "; ".join(self._auth.values()) if self._auth else None

    def _update_status(self, **changes: object) -> None:
        for name, value in changes.items():
            setattr(self._status, name, value)
        self._emit()

    def _emit(self) -> None:
        """Tell on_status, only when something changed."""
        if self._on_status is None or self._status == self._emitted:
            return
        self._emitted = self.status
        self._on_status(self._emitted)

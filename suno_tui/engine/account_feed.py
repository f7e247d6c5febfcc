"""Account mode inside the engine: the account's tasks and the key's balance,
in one background loop beside polling.

- **Discovery** (a profile that follows the account, or ``A`` by hand): the
  first look reads the task list back to the window's start (``--since``,
  24 h by default), later looks page only until they meet a task that is
  watched or was removed by the person (:func:`suno_tui.account.discovery.discover`).
  What a look finds goes to the engine (``found``), which watches it and
  applies the list's own data through the tracker, as a poll result: no
  ``/suno/fetch`` for it.
- **The balance** of the selected profile's API key: at start, every 5
  minutes and soon after a task finished, never per poll; a gateway without
  the billing endpoints is told once and not asked again.

What discovery adds is bounded, so that a gateway growing the account by
thousands of tasks a minute cannot grow the watch list for ever: the first
look adds up to ``limit`` (10,000), each later one up to ``later_limit``
(1,000), and one run of the monitor up to ``run_limit`` (20,000), after
which following stops until the monitor restarts; the look that meets a
bound says so (``TasksDiscovered.truncated``, the reason first in its
problems). Each look's walk has the task list's own bounds (requests, bytes).

Both are paced by :class:`~suno_tui.account.schedule.Pacer` (the gateway's
limits, ``Retry-After`` on a 429, a doubling backoff on failures). Time and
waiting come from the engine's wiring, so tests run it on a simulator's clock.
Failures are events, deduplicated: the same automatic failure is told once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Container
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from suno_tui.account.schedule import Pacer, balance_pacer, discovery_pacer
from suno_tui.config import ConfigError
from suno_tui.engine.events import (
    BalanceChanged,
    BalanceUnavailable,
    DiscoveryFailed,
    DiscoveryUnsupported,
    EngineEvent,
    TasksDiscovered,
)
from suno_tui.engine.ports import ClientsLike
from suno_tui.relay.balance import Balance, fetch_balance
from suno_tui.relay.errors import AccountAuthError, NotSupported, RateLimited, RelayError
from suno_tui.relay.models import Task
from suno_tui.safe_text import clean_line
from suno_tui.tracking.model import TaskSummary, Transition
from suno_tui.tracking.store import StoreError
from suno_tui.tracking.waiting import sleep_or_wake

if TYPE_CHECKING:  # the account client and its pages load when account mode first runs
    from suno_tui.relay.account import AccountClient

__all__ = ["AccountFeed", "AccountOptions", "DiscoveryRequest"]

DEFAULT_WINDOW = timedelta(hours=24)
#: the most the first look adds (the task list client's own default bound)
FIRST_LOOK_LIMIT = 10_000
#: the most a look after the first adds (a busy account makes a few a minute)
LATER_LOOK_LIMIT = 1_000
#: the most discovery adds in one run of the monitor
RUN_LIMIT = 20_000
_MAX_REASON = 300

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]
#: the relay client of the profile -> its account client (may run a command: called in a thread)
BuildAccount = Callable[[Any], "AccountClient"]
#: watch these tasks of a profile and show their data; the new rows and transitions
NewRows = tuple[tuple[TaskSummary, ...], tuple[Transition, ...]]
Found = Callable[[list[Task], str], Awaitable[NewRows]]
Emit = Callable[[EngineEvent], None]


@dataclass(frozen=True, slots=True)
class AccountOptions:
    """How account mode runs for the selected profile (from the settings)."""

    profile: str
    #: look for new tasks every ``interval`` seconds (``--account``, ``follow_account``)
    follow: bool = False
    #: account mode is on for the profile (``account_api`` is not "off"): ``A`` works
    discovery: bool = True
    #: the first look goes back this far
    window: timedelta = DEFAULT_WINDOW
    interval: float = 300.0
    #: the profile's ``account_api`` (which balance endpoints to try)
    api: str = "auto"
    #: the profile's ``balance_unit`` (the billing endpoints' unit; "auto": not known)
    unit: str = "auto"
    #: an access token (or its command) is configured
    configured: bool = False
    #: refresh the key's balance
    balance: bool = True
    #: the most the first look adds, each later look, and all looks of this run
    limit: int = FIRST_LOOK_LIMIT
    later_limit: int = LATER_LOOK_LIMIT
    run_limit: int = RUN_LIMIT


@dataclass(frozen=True, slots=True)
class DiscoveryRequest:
    """The answer to a discovery asked for by hand: started, or why not."""

    started: bool
    why: str = ""
    #: seconds until the look runs (0: now); a look asked for moments after
    #: the last one waits for the gap between two looks, it is not dropped
    wait: float = 0.0


def _reason(error: BaseException) -> str:
    text = clean_line(str(error)).strip() or type(error).__name__
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1] + "…"


class AccountFeed:
    """Runs discovery and balance refreshes for one profile (see the module)."""

    def __init__(
        self,
        options: AccountOptions,
        *,
        clients: ClientsLike,
        build_account: BuildAccount,
        known: Callable[[], Container[str]],
        clock: Clock,
        sleep: Sleep | None = None,
    ) -> None:
        self.options = options
        self._clients = clients
        self._build_account = build_account
        self._known = known
        self._clock = clock
        self._sleep = sleep or asyncio.sleep
        self.discovery_pacer: Pacer = discovery_pacer(options.interval)
        if not (options.follow and options.discovery):
            self.discovery_pacer.next_at = None  # only by hand
        self.balance_pacer: Pacer = balance_pacer()
        if not options.balance:
            self.balance_pacer.next_at = None
        self._wake = asyncio.Event()
        self._account: AccountClient | None = None
        self._since: datetime | None = None
        self._manual = False
        self._stopping = False
        self._said: dict[str, str] = {}  # what was last told, per kind: told once
        #: tasks discovery handed to the engine in this run
        self.discovered = 0
        self._looked = False  # a look succeeded: the next ones are "later" looks
        #: why discovery stopped for this run ("": it did not)
        self.run_limit_reached = ""
        #: the latest balance (None: not known)
        self.balance: Balance | None = None
        self.discovery_unsupported = ""
        #: the loop waits for the next run (nothing in flight): for tests and benchmarks
        self.waiting = False

    @property
    def ready(self) -> bool:
        """Discovery is set up: account mode on, and followed or an access token given."""
        options = self.options
        return options.discovery and (options.follow or options.configured)

    # -- commands -------------------------------------------------------------

    def request_discovery(self) -> DiscoveryRequest:
        """A look now (``A``), or as soon as the gap after the last look
        allows; refused while one runs or the gateway asked to wait."""
        profile = self.options.profile
        if not self.options.discovery:
            return DiscoveryRequest(
                False, f'account mode is off for profile {profile!r} (account_api = "off")'
            )
        pacer = self.discovery_pacer
        now = self._now()
        if pacer.unsupported:
            return DiscoveryRequest(False, self.discovery_unsupported or "no task list")
        if self.run_limit_reached:
            return DiscoveryRequest(False, self.run_limit_reached)
        if pacer.running:
            return DiscoveryRequest(False, "a look at the account is running already")
        if now < pacer.blocked_until:
            wait = pacer.blocked_until - now
            return DiscoveryRequest(
                False, f"the gateway limits requests: the next look is possible in {wait:.0f} s"
            )
        due = pacer.request(now)
        if due is None:  # not reached: the refusals are told above
            return DiscoveryRequest(False, "a look at the account is not possible now")
        self._manual = True
        self._wake.set()
        return DiscoveryRequest(True, wait=max(due - now, 0.0))

    def task_finished(self) -> None:
        """A task finished: the balance is worth a refresh soon (one for many)."""
        self.balance_pacer.soon(self._now())
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    # -- the loop -------------------------------------------------------------

    async def run(self, found: Found, emit: Emit) -> None:
        """Look and refresh when due, until :meth:`stop` (or cancellation)."""
        while not self._stopping:
            now = self._now()
            if self.discovery_pacer.due(now):
                await self._discover(found, emit)
            elif self.balance_pacer.due(now):
                await self._refresh_balance(emit)
            else:
                await self._wait(self._delay(now))

    def _now(self) -> float:
        return self._clock().timestamp()

    def _delay(self, now: float) -> float | None:
        delays = [
            delay
            for pacer in (self.discovery_pacer, self.balance_pacer)
            if (delay := pacer.delay(now)) is not None
        ]
        return min(delays, default=None)

    async def _wait(self, timeout: float | None) -> None:
        self.waiting = True
        try:
            await sleep_or_wake(self._wake, self._sleep, timeout)
        finally:
            self.waiting = False

    def _at(self, moment: float | None) -> datetime | None:
        return None if moment is None else datetime.fromtimestamp(moment, UTC)

    def _tell(self, kind: str, reason: str, *, always: bool) -> bool:
        """True when this reason should be told (new, or asked for by hand)."""
        if not always and self._said.get(kind) == reason:
            return False
        self._said[kind] = reason
        return True

    # -- discovery ------------------------------------------------------------

    async def _account_client(self) -> AccountClient:
        if self._account is None:
            relay = await self._clients.client(self.options.profile)
            self._account = await asyncio.to_thread(self._build_account, relay)
        return self._account

    async def _discover(self, found: Found, emit: Emit) -> None:
        from suno_tui.account.discovery import discover  # loads at account mode's first look

        options, pacer = self.options, self.discovery_pacer
        manual, self._manual = self._manual, False
        pacer.started(self._now())
        try:
            try:
                account = await self._account_client()
                if self._since is None:
                    self._since = self._clock() - options.window
                limit = self._look_limit()
                result = await discover(account, self._known(), self._since, limit=limit)
                added, transitions = await found(result.tasks, options.profile)
            except NotSupported as error:
                pacer.not_supported()
                self.discovery_unsupported = _reason(error)
                emit(DiscoveryUnsupported(options.profile, self.discovery_unsupported))
                return
            except RateLimited as error:
                pacer.rate_limited(self._now(), error.retry_after)
                self._failed(emit, error, manual=manual, credential=False)
                return
            except (RelayError, ConfigError, StoreError) as error:
                pacer.failed(self._now())
                credential = isinstance(error, AccountAuthError | ConfigError)
                self._failed(emit, error, manual=manual, credential=credential)
                return
            pacer.succeeded(self._now())
            self._said.pop("discovery", None)
            problems = [clean_line(problem) for problem in result.problems]
            bound = self._counted(len(result.tasks), limit, complete=result.complete)
            if bound:
                problems.insert(0, bound)
            emit(
                TasksDiscovered(
                    options.profile,
                    added,
                    transitions,
                    result.pages,
                    manual,
                    result.complete,
                    tuple(problems),
                    truncated=bool(bound),
                )
            )
        finally:
            pacer.running = False
            if (not options.follow and not pacer.unsupported) or self.run_limit_reached:
                pacer.next_at = None  # not following: the next look is by hand (or none)

    def _look_limit(self) -> int:
        options = self.options
        limit = options.later_limit if self._looked else options.limit
        return max(1, min(limit, options.run_limit - self.discovered))

    def _counted(self, count: int, limit: int, *, complete: bool) -> str:
        """Count a look's tasks; what bound it met, if any, said for a person."""
        self._looked = True
        self.discovered += count
        run_limit = self.options.run_limit
        if self.discovered >= run_limit:
            self.run_limit_reached = (
                f"stopped adding tasks from the account: {self.discovered:,} were added in "
                f"this run, the most one run adds ({run_limit:,}); restart the monitor to "
                "follow the account again"
            )
            return self.run_limit_reached
        if count >= limit and not complete:
            return (
                f"this look stopped at {limit:,} new tasks, the most one look adds; "
                "older new ones are not added"
            )
        return ""

    def _failed(self, emit: Emit, error: Exception, *, manual: bool, credential: bool) -> None:
        reason = _reason(error)
        if not self._tell("discovery", reason, always=manual):
            return
        retry_at = self._at(self.discovery_pacer.next_at) if self.options.follow else None
        emit(DiscoveryFailed(self.options.profile, reason, manual, credential, retry_at))

    # -- the balance ----------------------------------------------------------

    async def _refresh_balance(self, emit: Emit) -> None:
        profile, pacer = self.options.profile, self.balance_pacer
        pacer.started(self._now())
        try:
            relay = await self._clients.client(profile)
            balance = await fetch_balance(relay, api=self.options.api, unit=self.options.unit)
        except NotSupported as error:
            pacer.not_supported()
            self.balance = None
            emit(BalanceUnavailable(profile, _reason(error), final=True))
            return
        except RateLimited as error:
            pacer.rate_limited(self._now(), error.retry_after)
            self._balance_failed(emit, error)
            return
        except RelayError as error:
            pacer.failed(self._now())
            self._balance_failed(emit, error)
            return
        finally:
            pacer.running = False
        pacer.succeeded(self._now())
        self._said.pop("balance", None)
        self.balance = balance
        emit(BalanceChanged(profile, balance))

    def _balance_failed(self, emit: Emit, error: Exception) -> None:
        reason = _reason(error)
        if self._tell("balance", reason, always=False):
            emit(BalanceUnavailable(self.options.profile, reason, final=False))

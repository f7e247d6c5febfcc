"""Fault injection: rules that make the next N matching requests misbehave.

``sim.faults.add(Fault.RATE_LIMIT, times=2, retry_after=3)`` answers the next
two API requests with 429; ``path=`` restricts a rule to paths starting with
that prefix, ``after=`` lets that many matching requests through first and
``times=None`` keeps the rule until it is removed. ``set_rate`` adds a
seeded random fault to a share of all requests, for soak tests.

API kinds apply to ``/suno/...`` unless ``path`` says otherwise (then they can
hit assets too); ``ASSET_*`` kinds apply to ``/assets/...`` only.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

Scope = Literal["api", "asset", "other"]


class Fault(StrEnum):
    # gateway / proxy faults (default scope: the API)
    RATE_LIMIT = "rate_limit"  # 429, Retry-After: retry_after (None: no header)
    HTTP_500 = "http_500"  # body "json" (task envelope, default) or "html"
    HTTP_502 = "http_502"  # body "html" (nginx page, default) or "json"
    HTTP_503 = "http_503"  # body "json" (OpenAI-style "no channel", default) or "html"
    HTML_PAGE = "html_page"  # an HTML page where JSON was expected; status=200 by default
    TRUNCATED_JSON = "truncated_json"  # body cut at keep bytes (default half)
    SLOW = "slow"  # answer after delay seconds of clock time (or real_delay wall seconds)
    RESET = "reset"  # close the connection (RST) without answering
    # asset faults (scope: /assets/)
    ASSET_DROP = "asset_drop"  # connection drops after after_bytes of body
    # after after_bytes of body the answer stops, the connection open, for delay
    # seconds of clock time (under a ManualClock: until the test advances it)
    ASSET_STALL = "asset_stall"
    ASSET_STALE_403 = "asset_stale_403"  # 403 for a URL not from the latest fetch, or expired
    ASSET_NO_RANGE = "asset_no_range"  # ignore Range: always 200 with the whole file
    ASSET_WRONG_CONTENT = "asset_wrong_content"  # 200 text/html instead of the media
    ASSET_404 = "asset_404"
    ASSET_EMPTY = "asset_empty"  # 200 with Content-Length: 0
    ASSET_ETAG_CHANGED = "asset_etag_changed"  # the file is re-encoded: new bytes, new ETag

    @property
    def scope(self) -> Scope:
        return "asset" if self.value.startswith("asset_") else "api"

    @property
    def terminal(self) -> bool:
        """Replaces the answer (as opposed to modifying the real one)."""
        return self not in _MODIFIERS


_MODIFIERS = frozenset(
    {
        Fault.TRUNCATED_JSON,
        Fault.SLOW,
        Fault.ASSET_DROP,
        Fault.ASSET_STALL,
        Fault.ASSET_NO_RANGE,
        Fault.ASSET_ETAG_CHANGED,
    }
)

# Parameters each kind accepts, with their defaults.
DEFAULT_PARAMS: dict[Fault, dict[str, Any]] = {
    Fault.RATE_LIMIT: {"retry_after": 1},
    Fault.HTTP_500: {"body": "json"},
    Fault.HTTP_502: {"body": "html"},
    Fault.HTTP_503: {"body": "json"},
    Fault.HTML_PAGE: {"status": 200},
    Fault.TRUNCATED_JSON: {"keep": None, "cut_connection": False},
    Fault.SLOW: {"delay": 5.0, "real_delay": None},
    Fault.RESET: {},
    Fault.ASSET_DROP: {"after_bytes": 64 * 1024},
    Fault.ASSET_STALL: {"after_bytes": 64 * 1024, "delay": 3600.0},
    Fault.ASSET_STALE_403: {},
    Fault.ASSET_NO_RANGE: {},
    Fault.ASSET_WRONG_CONTENT: {},
    Fault.ASSET_404: {},
    Fault.ASSET_EMPTY: {},
    Fault.ASSET_ETAG_CHANGED: {},
}

# Kinds ``set_rate`` draws from by default. SLOW and ASSET_STALL would hang under a
# ManualClock and ETAG_CHANGED alters files for good, so they are drawn only when
# asked for.
DEFAULT_RANDOM_KINDS: tuple[Fault, ...] = tuple(
    k for k in Fault if k not in (Fault.SLOW, Fault.ASSET_STALL, Fault.ASSET_ETAG_CHANGED)
)


@dataclass(frozen=True, slots=True)
class Injection:
    """One fault applied to one request."""

    kind: Fault
    params: dict[str, Any]


@dataclass(slots=True)
class FaultRule:
    kind: Fault
    times: int | None = 1  # None: until removed
    path: str | None = None  # path prefix; None: the kind's own scope
    after: int = 0  # let this many matching requests through first
    params: dict[str, Any] = field(default_factory=dict)
    seen: int = 0  # matching requests so far
    fired: int = 0

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def matches(self, scope: Scope, path: str) -> bool:
        return _applies(self.kind, self.path, scope, path)


@dataclass(slots=True)
class _Random:
    rate: float
    kinds: tuple[Fault, ...]
    rng: random.Random
    path: str | None


class FaultInjector:
    """Holds the fault rules of one simulator. Thread-safe."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._random: _Random | None = None
        self._lock = threading.Lock()

    def add(
        self,
        kind: Fault | str,
        *,
        times: int | None = 1,
        path: str | None = None,
        after: int = 0,
        **params: Any,
    ) -> FaultRule:
        """Make the next ``times`` matching requests (after ``after``) fail as ``kind``."""
        kind = Fault(kind)
        if times is not None and times < 1:
            raise ValueError("times must be >= 1 (or None for unlimited)")
        rule = FaultRule(kind, times, path, after, _params(kind, params))
        with self._lock:
            self._rules.append(rule)
        return rule

    def remove(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules = [r for r in self._rules if r is not rule]

    def clear(self) -> None:
        """Remove every rule and the random mode."""
        with self._lock:
            self._rules.clear()
            self._random = None

    @property
    def rules(self) -> list[FaultRule]:
        with self._lock:
            return [r for r in self._rules if not r.exhausted]

    def set_rate(
        self,
        rate: float,
        *,
        kinds: Iterable[Fault | str] | None = None,
        seed: int = 0,
        path: str | None = None,
    ) -> None:
        """Give each request a ``rate`` chance of one random fault of ``kinds``.

        The draw is seeded, so a soak run is repeatable for a given request order.
        Kinds take their default parameters. ``rate=0`` switches the mode off.
        """
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be within [0, 1]")
        chosen = DEFAULT_RANDOM_KINDS if kinds is None else tuple(Fault(k) for k in kinds)
        with self._lock:
            self._random = _Random(rate, chosen, random.Random(seed), path) if rate else None  # noqa: S311

    def take(self, scope: Scope, path: str, *, stale: bool = False) -> list[Injection]:
        """The faults to apply to this request (consuming rule counts).

        At most one terminal fault (one that replaces the answer), plus any
        modifiers. ASSET_STALE_403 only applies to a stale URL.
        """
        fired: list[Injection] = []
        with self._lock:
            for rule in self._rules:
                if rule.exhausted or not rule.matches(scope, path):
                    continue
                if rule.kind is Fault.ASSET_STALE_403 and not stale:
                    continue
                if not _compatible(rule.kind, fired):
                    continue
                rule.seen += 1
                if rule.seen <= rule.after:
                    continue
                rule.fired += 1
                fired.append(Injection(rule.kind, dict(rule.params)))
            self._rules = [r for r in self._rules if not r.exhausted]
            rnd = self._random
            if rnd is not None:
                candidates = [
                    k
                    for k in rnd.kinds
                    if _applies(k, rnd.path, scope, path)
                    and (k is not Fault.ASSET_STALE_403 or stale)
                    and _compatible(k, fired)
                ]
                # Draw every time so the sequence does not depend on which kinds apply.
                roll = rnd.rng.random()
                pick = rnd.rng.random()
                if candidates and roll < rnd.rate:
                    kind = candidates[int(pick * len(candidates))]
                    fired.append(Injection(kind, dict(DEFAULT_PARAMS[kind])))
        return fired


def _applies(kind: Fault, prefix: str | None, scope: Scope, path: str) -> bool:
    if kind.scope == "asset" and scope != "asset":
        return False
    if prefix is None:
        return kind.scope == scope
    return path.startswith(prefix)


def _compatible(kind: Fault, fired: list[Injection]) -> bool:
    if any(i.kind is kind for i in fired):
        return False
    return not (kind.terminal and any(i.kind.terminal for i in fired))


def _params(kind: Fault, given: dict[str, Any]) -> dict[str, Any]:
    defaults = DEFAULT_PARAMS[kind]
    unknown = set(given) - set(defaults)
    if unknown:
        raise TypeError(
            f"{kind.value} takes {sorted(defaults) or 'no parameters'}, not {sorted(unknown)}"
        )
    return {**defaults, **given}

"""Counters of what the simulator served, for tests and soak-test reports."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Stats:
    """Requests, answers and injected faults, per route and per kind.

    Routes: ``fetch`` (POST /suno/fetch), ``fetch_one`` (GET /suno/fetch/{id}),
    ``submit_music``, ``submit_lyrics``, ``submit_concat``, ``submit_other``
    (any other action), ``act_wav``, ``act_timing``, ``act_mp4``, ``asset``,
    ``audiopipe``, ``forbidden`` and ``unknown``.
    """

    requests: Counter[str] = field(default_factory=Counter)  # by route
    paths: Counter[str] = field(default_factory=Counter)  # by path (no query)
    statuses: Counter[int] = field(default_factory=Counter)  # by HTTP status sent
    faults: Counter[str] = field(default_factory=Counter)  # by Fault value
    faults_by_route: Counter[tuple[str, str]] = field(default_factory=Counter)
    connections: int = 0
    asset_bytes: int = 0  # body bytes of assets written to sockets
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def request(self, route: str, path: str) -> None:
        with self._lock:
            self.requests[route] += 1
            self.paths[path] += 1

    def status(self, status: int) -> None:
        with self._lock:
            self.statuses[status] += 1

    def fault(self, route: str, kind: str) -> None:
        with self._lock:
            self.faults[kind] += 1
            self.faults_by_route[(route, kind)] += 1

    def connection(self) -> None:
        with self._lock:
            self.connections += 1

    def sent_asset_bytes(self, count: int) -> None:
        with self._lock:
            self.asset_bytes += count

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    @property
    def total_faults(self) -> int:
        return sum(self.faults.values())

    def snapshot(self) -> dict[str, Any]:
        """A JSON-friendly copy, e.g. for a soak test's report."""
        with self._lock:
            return {
                "requests": dict(self.requests),
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "faults": dict(self.faults),
                "faults_by_route": {f"{r}:{k}": v for (r, k), v in self.faults_by_route.items()},
                "connections": self.connections,
                "asset_bytes": self.asset_bytes,
            }

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.paths.clear()
            self.statuses.clear()
            self.faults.clear()
            self.faults_by_route.clear()
            self.connections = 0
            self.asset_bytes = 0

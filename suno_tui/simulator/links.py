"""The URLs clips point to: signed, time-limited asset links like a CDN's.

Each time a task is rendered (fetched) its asset URLs get a new signature and
expiry, and only the newest URL of an asset counts as fresh. With the
ASSET_STALE_403 fault on, a stale or expired URL is answered with 403, as
Suno's CDN does since 2026; otherwise the query is ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Mapping
from urllib.parse import quote

from suno_tui.simulator.clock import Clock


class SignedLinks:
    def __init__(self, secret: bytes, clock: Clock, ttl: float) -> None:
        self._secret = secret
        self._clock = clock
        self.ttl = ttl
        self.base_url = ""
        self._latest: dict[str, str] = {}
        self._counter = 0
        self._lock = threading.Lock()

    def asset(self, name: str) -> str:
        expires = int(self._clock.now() + self.ttl)
        with self._lock:
            self._counter += 1
            message = f"{name}:{self._counter}:{expires}".encode()
            signature = hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]
            self._latest[name] = signature
        return f"{self.base_url}/assets/{quote(name)}?exp={expires}&sig={signature}"

    def plain(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def is_fresh(self, name: str, query: Mapping[str, str]) -> bool:
        """Whether this is the newest URL handed out for ``name`` and not expired."""
        with self._lock:
            latest = self._latest.get(name)
        signature = query.get("sig", "")
        expires = query.get("exp", "")
        if latest is None or not hmac.compare_digest(signature.encode(), latest.encode()):
            return False
        return expires.isdigit() and int(expires) >= self._clock.now()

"""Relay clients for the configured gateways: the one place that builds them.

:func:`client_for` turns a configured gateway (URL, token or token command,
batch size, TLS options) into a :class:`~suno_tui.relay.client.RelayClient`;
:class:`ClientPool` keeps one per profile.

The pool builds clients when first needed.

Each watched task remembers the profile (gateway) it belongs to, so one
monitor can watch tasks of several gateways. The pool builds a
:class:`~suno_tui.relay.client.RelayClient` per profile: at start for the
selected profile and every profile in the watch list, later (in a worker
thread: a ``token_command`` may take a while) for a profile first used by a
submit or a download. A profile that cannot have a client (not in the
configuration any more, no token, a failing token command) is remembered
with a reason a user can act on; that reason never contains the token.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from suno_tui.config import ConfigError, Gateway, Settings
from suno_tui.relay.bearer import bearer_token
from suno_tui.relay.errors import RelayError
from suno_tui.safe_text import clean_line

if TYPE_CHECKING:
    import ssl

    from suno_tui.relay.client import RelayClient


def tls_verify(settings: Settings) -> bool | ssl.SSLContext:
    """httpx's ``verify``: off, a context trusting the CA bundle, or the system default.

    Raises ConfigError for a CA bundle that holds no certificate (httpx would
    raise ssl.SSLError from deep inside; and it deprecates a path string).
    """
    if not settings.verify_tls:
        return False
    if settings.ca_bundle is not None:
        import ssl

        try:
            return ssl.create_default_context(cafile=str(settings.ca_bundle))
        except (ssl.SSLError, OSError) as error:
            reason = getattr(error, "reason", None) or getattr(error, "strerror", None) or error
            raise ConfigError(
                f"ca_bundle {settings.ca_bundle}: cannot load certificates from it ({reason})"
            ) from None
    return True


def client_for(settings: Settings, gateway: Gateway | None = None) -> RelayClient:
    """A client for ``gateway`` (the selected one by default).

    May run the gateway's token_command; raises ConfigError if that fails.
    """
    # httpx loads with the first client, not with this module (the monitor's
    # first frame does without it)
    from suno_tui.relay.client import RelayClient

    gateway = gateway or settings.gateway
    try:
        return RelayClient(
            gateway.base_url,
            gateway.resolve_token(),
            batch_size=gateway.batch_size,
            timeout=settings.request_timeout,
            verify=tls_verify(settings),
        )
    except ValueError as error:  # e.g. a token that cannot go in a header
        raise ConfigError(f"profile '{gateway.name}': {error}") from None


__all__ = ["ClientPool", "ProfileUnavailable", "client_for", "tls_verify"]

BuildClient = Callable[[Settings, Gateway], "RelayClient"]


class ProfileUnavailable(RelayError):
    """No client for a task's profile; the message says why and how to fix it."""

    kind = "config"


def _build(settings: Settings, gateway: Gateway) -> RelayClient:
    return client_for(settings, gateway)


class ClientPool:
    """Clients by profile name; ``aclose()`` closes every one."""

    def __init__(
        self, settings: Settings, *, build: BuildClient = _build, require_token: bool = True
    ) -> None:
        self._settings = settings
        self._require_token = require_token
        self._build_client = build
        self._clients: dict[str, RelayClient] = {}
        self._problems: dict[str, str] = {}
        #: token resolved, client not built yet (see :meth:`prepare`)
        self._resolved: dict[str, Gateway] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    @property
    def selected(self) -> str:
        """The profile new tasks go to (``--profile``)."""
        return self._settings.profile

    def profiles(self) -> list[str]:
        """The configured profiles, the selected one first."""
        others = sorted(name for name in self._settings.gateways if name != self.selected)
        return [self.selected, *others]

    def ready(self) -> dict[str, RelayClient]:
        """The clients built so far (a copy)."""
        return dict(self._clients)

    def prepare(self, profiles: Iterable[str]) -> list[str]:
        """Resolve the tokens of ``profiles`` now (before the app runs: a failing
        ``token_command`` is a :meth:`problem` at once); returns the profiles
        that have a client, or will have one. The clients themselves are built
        by :meth:`build_prepared` or on first use: httpx loads with the first,
        after the monitor's first frame."""
        for profile in dict.fromkeys(profiles):
            if not self._tried(profile):
                self._resolve(profile)
        return self.prepared()

    def prepared(self) -> list[str]:
        """The profiles with a client, built or resolved and still to build."""
        return [*self._clients, *self._resolved]

    def build_prepared(self) -> dict[str, RelayClient]:
        """Build the clients of the prepared profiles now; the clients built so far."""
        for profile in list(self._resolved):
            self._build(profile)
        return self.ready()

    def problem(self, profile: str) -> str | None:
        """Why ``profile`` has no client (None: it has one, or was not tried yet)."""
        if profile in self._clients:
            return None
        if profile not in self._settings.gateways:
            return f"profile {profile!r} is not in the configuration any more"
        return self._problems.get(profile)

    async def client(self, profile: str) -> RelayClient:
        """The client of ``profile``, built on first use; ProfileUnavailable if none."""
        client = self._clients.get(profile)
        if client is not None:
            return client
        lock = self._locks.setdefault(profile, asyncio.Lock())
        async with lock:
            if profile not in self._clients and profile not in self._problems:
                await asyncio.to_thread(self._make, profile)
        client = self._clients.get(profile)
        if client is None:
            raise ProfileUnavailable(self.problem(profile) or f"no client for {profile!r}")
        return client

    def _tried(self, profile: str) -> bool:
        return profile in self._clients or profile in self._problems or profile in self._resolved

    def _make(self, profile: str) -> None:
        if not self._tried(profile):
            self._resolve(profile)
        if profile in self._resolved:
            self._build(profile)

    def _resolve(self, profile: str) -> None:
        """Run the profile's token command and check its token (no client yet)."""
        gateway = self._settings.gateways.get(profile)
        if gateway is None:
            self._problems[profile] = f"profile {profile!r} is not in the configuration any more"
            return
        try:
            token = gateway.resolve_token()
        except (ConfigError, ValueError) as error:
            self._problems[profile] = clean_line(str(error))
            return
        if not token and self._require_token:
            self._problems[profile] = (
                f"no token configured for profile {profile!r}: run "
                f"'suno-tui config set profiles.{profile}.token -'"
            )
            return
        try:
            bearer_token(token)  # refused now, in the words client_for would use
        except ValueError as error:
            self._problems[profile] = clean_line(f"profile '{gateway.name}': {error}")
            return
        self._resolved[profile] = dataclasses.replace(gateway, token=token, token_command=None)

    def _build(self, profile: str) -> None:
        gateway = self._resolved.pop(profile, None)
        if gateway is None:  # built meanwhile (by build_prepared or client())
            return
        try:
            self._clients[profile] = self._build_client(self._settings, gateway)
        except (ConfigError, ValueError) as error:
            self._problems[profile] = clean_line(str(error))

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()

"""Build relay clients from the settings: one place that turns a configured
gateway (URL, token or token command, batch size, TLS options) into a
:class:`~suno_tui.relay.client.RelayClient`."""

from __future__ import annotations

from suno_tui.config import ConfigError, Gateway, Settings
from suno_tui.relay.client import RelayClient


def tls_verify(settings: Settings) -> bool | str:
    """httpx's ``verify``: off, a CA bundle path, or the system default."""
    if not settings.verify_tls:
        return False
    if settings.ca_bundle is not None:
        return str(settings.ca_bundle)
    return True


def client_for(settings: Settings, gateway: Gateway | None = None) -> RelayClient:
    """A client for ``gateway`` (the selected one by default).

    May run the gateway's token_command; raises ConfigError if that fails.
    """
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

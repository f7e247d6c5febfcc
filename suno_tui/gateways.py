"""Build relay clients from the settings: one place that turns a configured
gateway (URL, token or token command, batch size, TLS options) into a
:class:`~suno_tui.relay.client.RelayClient`."""

from __future__ import annotations

import ssl

from suno_tui.config import ConfigError, Gateway, Settings
from suno_tui.relay.client import RelayClient


def tls_verify(settings: Settings) -> bool | ssl.SSLContext:
    """httpx's ``verify``: off, a context trusting the CA bundle, or the system default.

    Raises ConfigError for a CA bundle that holds no certificate (httpx would
    raise ssl.SSLError from deep inside; and it deprecates a path string).
    """
    if not settings.verify_tls:
        return False
    if settings.ca_bundle is not None:
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

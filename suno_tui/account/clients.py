"""An AccountClient for a configured gateway (its access token, user id,
header and API flavour), over that gateway's RelayClient."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from suno_tui.config import ConfigError, Gateway, Settings

if TYPE_CHECKING:  # annotations only: the clients load when account mode first runs
    from suno_tui.relay.account import AccountClient
    from suno_tui.relay.client import RelayClient

__all__ = ["account_client_for", "account_mode_on"]


def account_mode_on(gateway: Gateway) -> bool:
    return gateway.account_api != "off"


def account_client_for(
    settings: Settings, relay: RelayClient, gateway: Gateway | None = None
) -> AccountClient:
    """The account client of ``gateway`` (the selected one by default).

    May run access_token_command. Raises ConfigError when account mode is off
    for the gateway or the access token cannot be had (no token at all is left
    to the client, whose refusal says what to set).
    """
    from suno_tui.relay.account import AccountApi, AccountClient

    gateway = gateway or settings.gateway
    if not account_mode_on(gateway):
        raise ConfigError(f"profile '{gateway.name}': account mode is off (account_api = \"off\")")
    try:
        return AccountClient(
            relay,
            access_token=gateway.resolve_access_token(),
            user_id=gateway.user_id,
            user_header=gateway.user_header,
            api=cast(AccountApi, gateway.account_api),
        )
    except ValueError as error:  # an access token that cannot go in a header
        raise ConfigError(f"profile '{gateway.name}': {error}") from None

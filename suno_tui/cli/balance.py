"""``suno-tui balance``: what the API key has left, from the gateway's billing
endpoints (``/dashboard/billing/*``; on new-api without them, ``/api/usage/token/``)."""

from __future__ import annotations

import argparse

from suno_tui.cli import exit_codes
from suno_tui.cli.common import add_connection_options

TYPE_CHECKING = False
if TYPE_CHECKING:
    from suno_tui.relay.balance import Balance


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print what the API key has left: granted, used, remaining, unit and expiry "
        "(or 'unlimited'). Uses the API key, not the access token. Exit codes: 0 ok, "
        "2 usage or config error, 3 key refused (also a used-up or expired key), "
        "4 network or gateway failure, 5 the gateway has no balance endpoints."
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="one JSON object: granted, used, remaining, unit (null when not known), "
        "unit_basis (quota, config or unknown), unlimited, expires_at, source",
    )
    add_connection_options(parser)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from suno_tui.cli.common import fail, settings_from_args
    from suno_tui.cli.relay_errors import describe, exit_code_for
    from suno_tui.config import ConfigError
    from suno_tui.engine.oneshot import key_balance
    from suno_tui.relay.errors import RelayError

    try:
        settings = settings_from_args(args)
        balance = asyncio.run(key_balance(settings))
    except ConfigError as error:
        return fail(str(error), exit_codes.USAGE)
    except RelayError as error:
        return fail(describe(error), exit_code_for(error))
    print(as_json_text(balance) if args.json else as_text(balance))
    return exit_codes.OK


def as_json_text(balance: Balance) -> str:
    from suno_tui.relay.export import to_json_text
    from suno_tui.relay.timestamps import to_iso

    return to_json_text(
        {
            "granted": balance.granted,
            "used": balance.used,
            "remaining": balance.remaining,
            "unit": balance.unit,
            "unit_basis": balance.unit_basis,
            "unlimited": balance.unlimited,
            "expires_at": to_iso(balance.expires_at),
            "source": balance.source,
        }
    )


def _amount(value: float | None, unit: str | None) -> str:
    if value is None:  # not said, or not a possible balance (see Balance)
        return "-"
    if unit == "tokens":
        return f"{value:,.0f} tokens"
    return f"{value:,.2f} {unit or 'credit'}"


def unit_line(balance: Balance) -> str:
    """Which unit the amounts are in, and why that one is assumed (or that it is not known)."""
    if balance.unit_basis == "quota":
        return f"{balance.unit} (the gateway's raw quota at 500,000 per USD, its default)"
    if balance.unit_basis == "config" and balance.unit is not None:
        return f"{balance.unit} (as balance_unit in the config says)"
    return (
        "unknown: the gateway's display unit (USD, CNY or tokens) is not in its answer; "
        'set balance_unit = "USD", "CNY" or "tokens" in the profile'
    )


def as_text(balance: Balance) -> str:
    remaining = "unlimited" if balance.unlimited else _amount(balance.remaining, balance.unit)
    granted = "unlimited" if balance.unlimited else _amount(balance.granted, balance.unit)
    expires = (
        balance.expires_at.astimezone().strftime("%Y-%m-%d %H:%M")
        if balance.expires_at is not None
        else "never"
    )
    lines = [
        f"granted    {granted}",
        f"used       {_amount(balance.used, balance.unit)}",
        f"remaining  {remaining}",
        f"expires    {expires}",
        f"unit       {unit_line(balance)}",
    ]
    return "\n".join(lines)

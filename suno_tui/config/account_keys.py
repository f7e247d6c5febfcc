"""The account-mode keys of a gateway (docs/gateway.md): the access token and
its owner, which task-list API the gateway speaks, following the account, how
often to look for new tasks, and the unit of the key's balance.

``schema.py`` lists them among the other keys, in this order.
"""

from __future__ import annotations

from collections.abc import Iterable

from suno_tui.config import values as v
from suno_tui.config.key import EXPECTED_BOOL, EXPECTED_COMMAND, Key

__all__ = [
    "ACCOUNT_APIS",
    "BALANCE_UNITS",
    "DEFAULT_ACCOUNT_INTERVAL",
    "DEFAULT_USER_HEADER",
    "MIN_ACCOUNT_INTERVAL",
    "account_keys",
]

# Account mode (docs/gateway.md): which task-list API the gateway speaks.
ACCOUNT_APIS = ("auto", "new-api", "one-hub", "off")
# The unit of the billing endpoints' amounts (the site's display unit, which
# the answer does not name): "auto" = not known.
BALANCE_UNITS = ("auto", "USD", "CNY", "tokens")
DEFAULT_USER_HEADER = "New-Api-User"
DEFAULT_ACCOUNT_INTERVAL = 300.0
# One discovery is one request to /api/task/self when nothing is new (a page
# of 100 is read until a known task shows up). new-api allows 360 requests per
# 180 s per IP on /api/*, shared with the web console and anything else
# behind the same address; at one discovery a minute the monitor spends at
# most 3 of them per 180 s (under 1 %), which leaves room for the one burst a
# first discovery of a busy account costs (up to 100 pages). Polling faster
# would not show tasks sooner in practice: the gateway itself refreshes a
# task's row only every ~15 s.
MIN_ACCOUNT_INTERVAL = 60.0


def account_keys() -> Iterable[Key]:
    """The account-mode keys, in the order the starter file and ``config`` list them."""
    yield Key(
        "access_token",
        "a string of visible ASCII characters without spaces",
        v.token,
        secret=True,
        optional=True,
        parse_text=str.strip,
        example='"..."',
        summary="account mode: the access token from the gateway's web console "
        "(not the sk- key); prefer access_token_command or $SUNO_TUI_ACCESS_TOKEN",
    )
    yield Key(
        "access_token_command",
        EXPECTED_COMMAND,
        v.command,
        optional=True,
        example='"pass show suno/access-token"',
        summary="prints the access token; its first line is used; no shell",
    )
    yield Key(
        "user_id",
        "a positive integer (your user id on the gateway)",
        v.user_id,
        optional=True,
        parse_text=v.parse_int,
        example="1234",
        summary="account mode on new-api: the numeric id of the access token's owner",
    )
    yield Key(
        "user_header",
        "an HTTP header name",
        v.header_name,
        DEFAULT_USER_HEADER,
        summary="the header that carries user_id (some new-api forks rename it)",
    )
    yield Key(
        "account_api",
        "one of " + ", ".join(ACCOUNT_APIS),
        v.choice(ACCOUNT_APIS),
        "auto",
        summary="the gateway's task-list API: auto, new-api, one-hub, or off",
    )
    yield Key(
        "follow_account",
        EXPECTED_BOOL,
        v.boolean,
        False,
        v.parse_bool,
        summary="the monitor adds every task of the account and looks for new ones",
    )
    yield Key(
        "account_interval",
        f"a number of seconds from {MIN_ACCOUNT_INTERVAL:g} to 86400",
        v.number_range(MIN_ACCOUNT_INTERVAL, 86400),
        DEFAULT_ACCOUNT_INTERVAL,
        v.parse_number,
        summary="seconds between two looks for new tasks of the account",
    )
    yield Key(
        "balance_unit",
        "one of " + ", ".join(BALANCE_UNITS),
        v.canonical_choice(BALANCE_UNITS),
        "auto",
        summary="the unit of the key's balance on this gateway (its display unit: "
        "USD, CNY or tokens); auto = not known, shown without a currency",
    )

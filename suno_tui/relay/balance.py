"""What the API key has left, from the gateway's billing endpoints.

Two sources (docs/gateway.md), both with the API key (``sk-...``):

- ``GET /dashboard/billing/subscription`` + ``GET /dashboard/billing/usage``,
  the OpenAI-compatible pair that new-api and one-hub both answer, in the
  site's *display unit*: USD, CNY (quota times an exchange rate) or raw
  tokens, set by the site's admin and said nowhere in the answer. Its unit is
  unknown (None) unless the profile says it (``balance_unit``). An unlimited
  key shows 100,000,000.
- ``GET /api/usage/token/`` (new-api only; the trailing slash matters), in
  raw quota units (500,000 per USD by default), with an explicit unlimited
  flag: shown in USD (or raw, with ``balance_unit = "tokens"``). It shares a
  20-requests-per-20-minutes limit with logins, so it is only asked when the
  billing pair is missing (:func:`fetch_balance`).

A gateway without them (404, or a web page) raises NotSupported. A figure
that cannot be a balance (negative, not a finite number, or over
:data:`MAX_AMOUNT`) is None, as one the gateway did not give
(:func:`balance_figure`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from suno_tui.relay.errors import GatewayError, MalformedResponse, NotSupported, RelayError
from suno_tui.relay.numbers import to_float
from suno_tui.relay.redaction import redact_error
from suno_tui.relay.timestamps import from_epoch

if TYPE_CHECKING:  # only the annotations: the monitor's first frame does without httpx
    from suno_tui.relay.client import RelayClient

__all__ = [
    "MAX_AMOUNT",
    "QUOTA_PER_USD",
    "SUBSCRIPTION_PATH",
    "TOKEN_USAGE_PATH",
    "UNLIMITED_AMOUNT",
    "USAGE_PATH",
    "Balance",
    "balance_figure",
    "billing_balance",
    "fetch_balance",
    "token_usage_balance",
]

SUBSCRIPTION_PATH = "/dashboard/billing/subscription"
USAGE_PATH = "/dashboard/billing/usage"
TOKEN_USAGE_PATH = "/api/usage/token/"  # noqa: S105 - a path, not a password
UNLIMITED_AMOUNT = 100_000_000.0  # what new-api's billing shows for an unlimited key
QUOTA_PER_USD = 500_000.0  # new-api's and one-hub's default quota per display unit
#: the largest figure shown (a quadrillion: 2,000 times an unlimited key's
#: 100,000,000 as raw quota at 500,000 per USD); above it is not a balance
MAX_AMOUNT = 1e15


def balance_figure(value: object) -> float | None:
    """``value`` as an amount a key can hold, or None: what is not a finite
    number, a negative one (``granted -5, used -10`` is no balance of 5) or
    one over :data:`MAX_AMOUNT` (``total_usage: -1e308`` is no 300-digit sum)."""
    number = to_float(value)
    if number is None or not 0.0 <= number <= MAX_AMOUNT:
        return None
    return number


@dataclass(frozen=True, slots=True)
class Balance:
    """The key's credit. Amounts are in ``unit``; None where the gateway did not say.

    ``unit`` is "USD", "CNY" or "tokens", or None when it is not known (the
    billing pair answers in the site's display unit and does not say which);
    ``unit_basis`` says where the unit came from: "quota" (raw quota from
    ``/api/usage/token/``, 500,000 per USD assumed), "config" (the profile's
    ``balance_unit``) or "unknown".
    """

    granted: float | None
    used: float | None
    remaining: float | None
    unit: str | None = None
    unit_basis: str = "unknown"
    unlimited: bool = False
    expires_at: datetime | None = None
    #: "billing" or "usage-token"
    source: str = "billing"
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        # The one place figures are checked: a Balance never holds what cannot
        # be one, so nothing that words it has to check again.
        for name in ("granted", "used", "remaining"):
            object.__setattr__(self, name, balance_figure(getattr(self, name)))


async def fetch_balance(relay: RelayClient, *, api: str = "auto", unit: str = "auto") -> Balance:
    """The billing pair; on a gateway without it, new-api's ``/api/usage/token/``
    (unless ``api`` says one-hub, which has no such endpoint). ``unit`` is the
    profile's ``balance_unit``: "auto" (not known), "USD", "CNY" or "tokens"."""
    try:
        return await billing_balance(relay, unit=unit)
    except NotSupported:
        if api == "one-hub":
            raise
    try:
        return await token_usage_balance(relay, raw=unit == "tokens")
    except NotSupported:
        raise NotSupported(
            "the gateway has no balance endpoints (/dashboard/billing/subscription, "
            "/api/usage/token/)"
        ) from None


async def billing_balance(relay: RelayClient, *, unit: str = "auto") -> Balance:
    """The OpenAI-compatible subscription + usage pair (two requests), in the
    display unit ``unit`` says ("auto": not known)."""
    subscription = await _get_object(relay, SUBSCRIPTION_PATH)
    usage = await _get_object(relay, USAGE_PATH)
    limit = to_float(subscription.get("hard_limit_usd"))
    if limit is None:
        limit = to_float(subscription.get("soft_limit_usd"))
    total_usage = to_float(usage.get("total_usage"))
    used = None if total_usage is None else balance_figure(total_usage / 100.0)
    unlimited = limit is not None and limit >= UNLIMITED_AMOUNT
    granted = None if unlimited else balance_figure(limit)
    remaining = None
    if granted is not None and used is not None:
        remaining = max(granted - used, 0.0)  # used more than granted: nothing left
    return Balance(
        granted=granted,
        used=used,
        remaining=remaining,
        unit=None if unit == "auto" else unit,
        unit_basis="unknown" if unit == "auto" else "config",
        unlimited=unlimited,
        expires_at=_expiry(subscription.get("access_until")),
        source="billing",
    )


async def token_usage_balance(relay: RelayClient, *, raw: bool = False) -> Balance:
    """new-api's ``/api/usage/token/`` (one request; rate-limited to 20 per 20 min):
    raw quota, in USD at the default 500,000 per USD, or as tokens if ``raw``."""
    from suno_tui.relay.envelope import short_text

    document = await _get_object(relay, TOKEN_USAGE_PATH, exact_bearer=True)
    if document.get("code") is not True and document.get("success") is not True:
        # e.g. a key with a "-suffix": HTTP 200, success false
        said = short_text(document.get("message") or "no message")
        raise redact_error(GatewayError(said, status=200), (relay.api_key,))
    data = document.get("data")
    if not isinstance(data, dict):
        raise MalformedResponse("the token usage answer has no 'data' object", status=200)
    unlimited = data.get("unlimited_quota") is True
    per_unit = 1.0 if raw else QUOTA_PER_USD
    granted = _units(data.get("total_granted"), per_unit)
    used = _units(data.get("total_used"), per_unit)
    available = _units(data.get("total_available"), per_unit)
    return Balance(
        granted=None if unlimited else granted,
        used=used,
        remaining=None if unlimited else available,
        unit="tokens" if raw else "USD",
        unit_basis="config" if raw else "quota",
        unlimited=unlimited,
        expires_at=_expiry(data.get("expires_at")),
        source="usage-token",
    )


def _units(value: object, per_unit: float) -> float | None:
    number = to_float(value)
    return None if number is None else balance_figure(number / per_unit)


def _expiry(value: object) -> datetime | None:
    # 0 or -1: never expires
    number = to_float(value)
    if number is None or number <= 0:
        return None
    return from_epoch(number)


async def _get_object(
    relay: RelayClient, path: str, *, exact_bearer: bool = False
) -> Mapping[str, Any]:
    # the answers' decoding loads at the first look at the balance (after the
    # first frame), not with the Balance the engine's events carry
    from suno_tui.relay.envelope import decode_json, error_for_status, is_web_page, short_text

    headers = {"Authorization": f"Bearer {relay.api_key}"} if exact_bearer else None
    try:
        status, answer_headers, body = await relay.get_raw(path, headers=headers)
        if status in (404, 405) or is_web_page(body, answer_headers):
            raise NotSupported(f"the gateway has no {path} endpoint (HTTP {status})")
        if not 200 <= status < 300:
            raise error_for_status(status, body, answer_headers)
        payload = decode_json(body, status)
        if not isinstance(payload, dict):
            raise MalformedResponse(
                f"expected a JSON object from {path}, got {type(payload).__name__}",
                status=status,
            )
        error = payload.get("error")
        if isinstance(error, dict | str):  # an OpenAI-style error with a 200
            said = error.get("message") if isinstance(error, dict) else error
            raise GatewayError(short_text(said or "no message"), status=status)
        return payload
    except RelayError as error:
        raise redact_error(error, (relay.api_key,)) from None

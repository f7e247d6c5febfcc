"""Balance figures that cannot be a balance (issue #21 item 9, the balance
part): negative amounts, and amounts no key holds (``total_usage: -1e308``
printed 300 digits), are shown as ``-`` (``null`` in JSON), as NaN already
was; ``granted -5, used -10`` no longer makes ``remaining 5.00``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from suno_tui.cli import main
from suno_tui.cli.balance import as_json_text, as_text
from suno_tui.relay.balance import Balance, billing_balance, token_usage_balance
from suno_tui.relay.client import RelayClient
from suno_tui.tui.bars.status_words import balance_text
from tests.reliability.gateway import Answer, ScriptedGateway, Seen

BILLING = "/dashboard/billing/"


def _billing(limit: object, usage: object) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/subscription"):
            return httpx.Response(200, json={"hard_limit_usd": limit, "access_until": 0})
        return httpx.Response(200, json={"object": "list", "total_usage": usage})

    return handler


def _token_usage(granted: object, used: object, available: object) -> Callable[..., httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        data = {"total_granted": granted, "total_used": used, "total_available": available}
        return httpx.Response(200, json={"code": True, "message": "", "data": data})

    return handler


def _relay(handler: Callable[[httpx.Request], httpx.Response]) -> RelayClient:
    return RelayClient("https://gw.example", "sk-KEY-1234", transport=httpx.MockTransport(handler))


def _figures(balance: Balance) -> tuple[float | None, float | None, float | None]:
    return balance.granted, balance.used, balance.remaining


@pytest.mark.parametrize(
    ("limit", "usage", "expected"),
    [
        (-5, -1000, (None, None, None)),  # granted -5, used -10: not "remaining 5.00"
        (-5, 100, (None, 1.0, None)),
        (5, -1000, (5.0, None, None)),
        (5, -1e308, (5.0, None, None)),  # was a 300-digit "used"
        (5, 1e308, (5.0, None, None)),  # was a 300-digit "used", remaining 0
        (5, 1e20, (5.0, None, None)),
        (5, "nan", (5.0, None, None)),  # as before
        (5, 100, (5.0, 1.0, 4.0)),  # a real key
        (5, 1000, (5.0, 10.0, 0.0)),  # used more than granted: nothing left
    ],
)
async def test_billing_figures_that_cannot_be_a_balance(
    limit: object, usage: object, expected: tuple[float | None, ...]
) -> None:
    async with _relay(_billing(limit, usage)) as relay:
        balance = await billing_balance(relay)
    assert _figures(balance) == expected


@pytest.mark.parametrize(
    ("granted", "used", "available", "expected"),
    [
        (-2_500_000, -5_000_000, -1, (None, None, None)),
        (5_000_000, 500_000, -4_500_000, (10.0, 1.0, None)),
        (5_000_000, -1e308, 1e308, (10.0, None, None)),
        (5_000_000, 500_000, 4_500_000, (10.0, 1.0, 9.0)),
    ],
)
async def test_token_usage_figures_that_cannot_be_a_balance(
    granted: object, used: object, available: object, expected: tuple[float | None, ...]
) -> None:
    async with _relay(_token_usage(granted, used, available)) as relay:
        balance = await token_usage_balance(relay)
    assert _figures(balance) == expected


IMPOSSIBLE = [-5.0, -1e308, 1e308, 1e20, float("nan"), float("-inf")]


@pytest.mark.parametrize("figure", IMPOSSIBLE, ids=repr)
def test_the_wording_shows_a_dash_for_an_impossible_figure(figure: float) -> None:
    """Where a Balance is worded (``balance``, the status bar), whoever made it."""
    balance = Balance(granted=figure, used=figure, remaining=figure, unit="USD")
    assert as_text(balance).splitlines()[:3] == ["granted    -", "used       -", "remaining  -"]
    assert json.loads(as_json_text(balance))["remaining"] is None
    assert balance_text(balance) == ""


class _Gateway:
    def __init__(self) -> None:
        self.limit: object = -5
        self.usage: object = -1000
        self.server = ScriptedGateway(self.answer)

    def answer(self, seen: Seen) -> Answer:
        if seen.path.startswith(BILLING + "subscription"):
            body: dict[str, object] = {"hard_limit_usd": self.limit}
        else:
            body = {"object": "list", "total_usage": self.usage}
        return Answer(200, {"content-type": "application/json"}, json.dumps(body).encode())


@pytest.fixture
def gateway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[_Gateway]:
    scripted = _Gateway()
    base_url = scripted.server.start()
    monkeypatch.setenv("SUNO_TUI_BASE_URL", base_url)
    monkeypatch.setenv("SUNO_TUI_TOKEN", "sk-KEY-1234")
    monkeypatch.setenv("SUNO_TUI_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("SUNO_TUI_STATE", str(tmp_path / "state.db"))
    try:
        yield scripted
    finally:
        scripted.server.stop()


@pytest.mark.parametrize(("limit", "usage"), [(-5, -1000), (5, -1e308)])
def test_the_balance_command(
    limit: object, usage: object, gateway: _Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    gateway.limit, gateway.usage = limit, usage
    assert main(["balance"]) == 0
    out = capsys.readouterr().out
    assert "used       -\nremaining  -\n" in out, out
    assert max(len(line) for line in out.splitlines()[:3]) < 40
    assert main(["balance", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert (figures["used"], figures["remaining"]) == (None, None)

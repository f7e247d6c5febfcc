"""Account paging against hostile gateways (issue #21, item 2): the walk is
bounded in requests whatever page size the gateway says, in bytes per page
and per walk, ``tasks --json`` prints each page before asking for the next,
and discovery shares the walk's bounds. Memory is measured in the
benchmarks (``python -m benchmarks --only account-paging``), not here."""

from __future__ import annotations

import io
import math
import sys
from pathlib import Path

import httpx
import pytest

from suno_tui.account.discovery import discover
from suno_tui.cli import main
from suno_tui.relay.account import AccountClient, TaskQuery
from suno_tui.relay.client import RelayClient
from suno_tui.relay.errors import MalformedResponse
from tests.fixtures.account_pages import EndlessAccount
from tests.reliability.gateway import ScriptedGateway

MIB = 1024 * 1024


def relay_of(gateway: EndlessAccount) -> RelayClient:
    return RelayClient(
        "https://gw.example", "sk-KEY-1234", transport=httpx.MockTransport(gateway.handle)
    )


def account(relay: RelayClient) -> AccountClient:
    return AccountClient(relay, access_token="acc", user_id=1)


async def test_a_page_size_of_1_after_the_old_shape_cannot_multiply_the_requests() -> None:
    # Before: the old shape made the walk believe the later "page_size: 1"
    # (502 requests for --limit 500; 9,992 for the default limit).
    gateway = EndlessAccount(legacy=True)
    async with relay_of(gateway) as relay:
        listing = await account(relay).list_tasks(TaskQuery(), limit=500)
    assert len(gateway.requests) <= math.ceil(500 / 100) + 2
    assert gateway.requests[:3] == [1, 0, 1]  # the old build was detected: from page 0
    assert listing.stop == "bound" and not listing.complete
    assert "stopped after 7 requests" in listing.problems[0]


@pytest.mark.parametrize("said", [1, "1", 0, 1000, "100000"])
async def test_the_page_size_a_gateway_says_never_stretches_the_walk(said: object) -> None:
    gateway = EndlessAccount(said_page_size=said)
    async with relay_of(gateway) as relay:
        walk = await account(relay).walk(TaskQuery(), lambda _page: True, limit=1000)
    assert len(gateway.requests) == 12 and walk.stop == "bound"


async def test_a_page_over_8_mib_is_refused() -> None:
    gateway = EndlessAccount(prompt_bytes=90_000)  # ~9 MB a page: under the 16 MiB cap
    async with relay_of(gateway) as relay:
        with pytest.raises(MalformedResponse, match="exceeds the 8388608-byte limit"):
            await account(relay).list_tasks(TaskQuery())


async def test_a_walk_stops_at_its_byte_budget() -> None:
    # ~6 MB pages: 1,000 tasks may read 31.2 MiB (32 KiB a task), so six pages
    gateway = EndlessAccount(prompt_bytes=60_000)
    async with relay_of(gateway) as relay:
        listing = await account(relay).list_tasks(TaskQuery(), limit=1000)
    assert len(gateway.requests) == 6, "before: 10 pages, to the limit"
    assert listing.stop == "bytes" and not listing.complete and listing.count == 600
    problem = listing.problems[-1]
    assert "stopped after 6 pages: they came to 35." in problem
    assert "the most a listing of up to 1,000 tasks reads (31.2 MiB)" in problem


async def test_a_small_limit_still_reads_two_full_pages() -> None:
    gateway = EndlessAccount(prompt_bytes=60_000)
    async with relay_of(gateway) as relay:
        listing = await account(relay).list_tasks(TaskQuery(), limit=100)
    assert len(gateway.requests) == 1 and listing.stop == "limit"  # 16 MiB, at least


async def test_list_tasks_hands_each_page_on_and_keeps_none() -> None:
    gateway = EndlessAccount()
    pages: list[int] = []
    async with relay_of(gateway) as relay:
        listing = await account(relay).list_tasks(
            TaskQuery(), limit=250, on_tasks=lambda tasks: pages.append(len(tasks))
        )
    assert pages == [100, 100, 50] and listing.count == 250 and listing.tasks == []
    assert listing.stop == "limit"


async def test_discovery_shares_the_walks_bounds() -> None:
    gateway = EndlessAccount(prompt_bytes=60_000)
    async with relay_of(gateway) as relay:
        found = await discover(account(relay), set(), None, limit=500)
    assert len(gateway.requests) == 3, "before: 5 pages, to the limit"
    assert not found.complete and len(found.tasks) == 300
    assert "the most a listing of up to 500 tasks reads (16.0 MiB)" in found.problems[-1]
    legacy = EndlessAccount(legacy=True)
    async with relay_of(legacy) as relay:
        found = await discover(account(relay), set(), None, limit=500)
    assert len(legacy.requests) == 7 and not found.complete


class Recorder(io.StringIO):
    """Standard output that the gateway's thread can look at mid-run."""

    def lines(self) -> int:
        return self.getvalue().count("\n")


@pytest.fixture
def account_env(monkeypatch: pytest.MonkeyPatch, isolated_user: None, tmp_path: Path) -> None:
    monkeypatch.setenv("SUNO_TUI_TOKEN", "sk-bench-key")
    monkeypatch.setenv("SUNO_TUI_ACCESS_TOKEN", "access-bench")
    monkeypatch.setenv("SUNO_TUI_USER_ID", "1")
    monkeypatch.setenv("SUNO_TUI_CONFIG", str(tmp_path / "none.toml"))


@pytest.mark.usefixtures("account_env")
def test_tasks_json_prints_each_page_before_asking_for_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = Recorder()
    printed_at: dict[int, int] = {}
    gateway = EndlessAccount(on_request=lambda number: printed_at.setdefault(number, out.lines()))
    monkeypatch.setattr(sys, "stdout", out)
    with ScriptedGateway(gateway.answer) as base_url:
        code = main(["tasks", "--json", "--limit", "300", "--base-url", base_url])
    assert code == 0 and out.lines() == 300
    assert gateway.requests == [1, 2, 3]
    assert printed_at == {1: 0, 2: 100, 3: 200}, "before: nothing until the last page"


@pytest.mark.usefixtures("account_env")
def test_tasks_stops_at_the_byte_budget_with_a_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    gateway = EndlessAccount(prompt_bytes=60_000)
    with ScriptedGateway(gateway.answer) as base_url:
        code = main(["tasks", "--json", "--limit", "500", "--base-url", base_url])
    out, err = capsys.readouterr()
    assert len(gateway.requests) == 3, "before: 5 pages, to the limit"
    assert code == 0 and len(out.splitlines()) == 300
    assert "the most a listing of up to 500 tasks reads (16.0 MiB)" in err
    assert "--limit" not in err  # the budget stopped it, not the limit

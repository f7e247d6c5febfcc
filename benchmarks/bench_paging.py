"""Account paging against hostile gateways (issue #21, item 2), over loopback:

- ``account-paging``: peak resident memory of ``suno-tui tasks --json`` (the
  child's own VmHWM) against
  - 100 items a page with a 150 KB prompt each and ``total: 1e9`` (the
    default limit). Before: 5,884 MiB (the issue: 5.98 GB). A page is ~15 MB, over the 8 MiB cap
    for a page: refused at once (exit 4);
  - the old bare-list shape with 1.5 MB items at ``--limit 500``. Before:
    2,937 MiB (the issue: 2.28 GB). Ten items a page: refused at once as well;
  - pages just under the cap (100 x 78 KB) and a total of 1e9, at the default
    limit (read until the walk's 312 MiB budget, ~40 pages) beside
    ``--limit 1000`` (31 MiB, ~4 pages): memory flat in the number of pages.
    Before: 3,088 MiB for 100 pages, beside 357 MiB for 10.
- and the number of requests one ``tasks`` makes against an old build
  (bare arrays of 10) whose later pages say ``page_size: "1"`` and hold 10
  items or 1, at the default limit. Before: 1,001 and 9,992; the README
  promises ``limit / 100 + 2``.

``BENCH_PAGING_CODE=/path/to/an/old/checkout`` runs the commands from that
code (run from another folder: the current one comes first on the path).
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import Row
from tests.fixtures.account_pages import EndlessAccount
from tests.reliability.cli import REPO, clean_env
from tests.reliability.gateway import ScriptedGateway
from tests.reliability.measure import Measured, run_measured

KILL_AFTER = 600.0
DEFAULT_LIMIT = 10_000
#: a page of 100 such items stays just under the 8 MiB cap for a page
UNDER_CAP_PROMPT = 78_000


@dataclass(frozen=True)
class Listed:
    ran: Measured
    #: lines ``tasks --json`` printed (kept in a file, counted after)
    printed: int


def _tasks(gateway: EndlessAccount, *extra: str) -> Listed:
    folder = Path(tempfile.mkdtemp(prefix="bench-paging-"))
    env = clean_env(
        folder,
        SUNO_TUI_TOKEN="sk-bench",
        SUNO_TUI_ACCESS_TOKEN="access-bench",
        SUNO_TUI_USER_ID="1",
        PYTHONPATH=os.environ.get("BENCH_PAGING_CODE", str(REPO)),  # to measure "before"
    )
    output = folder / "stdout"
    with ScriptedGateway(gateway.answer) as base_url:
        argv = ["tasks", "--json", "--base-url", base_url, *extra]
        ran = run_measured(argv, env, timeout=KILL_AFTER, stdout_file=output)
    with output.open("rb") as lines:
        printed = sum(1 for _ in lines)
    shutil.rmtree(folder, ignore_errors=True)
    return Listed(ran, printed)


def _refused_row(name: str, gateway: EndlessAccount, before_mib: float, *extra: str) -> Row:
    ran = _tasks(gateway, *extra).ran
    refused = ran.code == 4 and "exceeds the 8388608-byte limit" in ran.stderr
    return Row(
        "account-paging",
        f"tasks --json peak RSS, {name} ({len(gateway.requests)} requests)",
        ran.peak_rss_mib,
        "MiB",
        "<= 128 MiB, refused (exit 4)",
        ok=refused and 0 < ran.peak_rss_mib <= 128,
        baseline="before (7c66d89, this gateway)",
        baseline_value=before_mib,
        note="" if refused else f"not refused! exit {ran.code}",
    )


def _flat_row(quick: bool) -> Row:
    few_limit = 1_000
    many_limit = 2_000 if quick else DEFAULT_LIMIT
    few = _tasks(EndlessAccount(prompt_bytes=UNDER_CAP_PROMPT), "--limit", str(few_limit)).ran
    gateway = EndlessAccount(prompt_bytes=UNDER_CAP_PROMPT)
    listed = _tasks(gateway, "--limit", str(many_limit))
    many = listed.ran
    pages = len(gateway.requests)
    stopped = many.code == 0 and "reads (" in many.stderr
    return Row(
        "account-paging",
        f"tasks --json --limit {many_limit:,} peak RSS, 7.7 MiB pages, total 1e9: "
        f"{pages} pages to the byte budget, {listed.printed:,} tasks printed",
        many.peak_rss_mib,
        "MiB",
        "<= baseline + 32 MiB; stopped by the budget",
        ok=stopped and 0 < many.peak_rss_mib <= few.peak_rss_mib + 32,
        baseline=f"--limit {few_limit:,} (~4 pages)",
        baseline_value=few.peak_rss_mib,
        note="" if stopped else f"exit {many.code}, not stopped by the budget",
    )


def _requests_row(quick: bool) -> Row:
    limit = 1_000 if quick else DEFAULT_LIMIT
    bound = math.ceil(limit / 100) + 2
    counts = []
    codes = []
    for later_size in (10, 1):  # before: 1,001 and 9,992 requests
        gateway = EndlessAccount(legacy=True, later_size=later_size)
        codes.append(_tasks(gateway, "--limit", str(limit)).ran.code)
        counts.append(len(gateway.requests))
    return Row(
        "account-paging",
        f"tasks --limit {limit:,} requests against an old build whose later pages "
        f'say page_size "1" (10 items a page: {counts[0]}; 1 item: {counts[1]})',
        max(counts),
        "requests",
        f"<= limit / 100 + 2 = {bound}",
        ok=codes == [0, 0] and max(counts) <= bound,
        baseline="before (7c66d89, default limit, 1-item pages)",
        baseline_value=9_992,
    )


def run(quick: bool) -> list[Row]:
    prompt = 150_000
    return [
        _refused_row(
            "100 x 150 KB items a page, total 1e9",
            EndlessAccount(prompt_bytes=prompt),
            5_884.2,
        ),
        _refused_row(
            "old bare-list shape, 10 x 1.5 MB items a page, --limit 500",
            EndlessAccount(prompt_bytes=1_500_000, legacy=True),
            2_937.4,
            "--limit",
            "500",
        ),
        _flat_row(quick),
        _requests_row(quick),
    ]

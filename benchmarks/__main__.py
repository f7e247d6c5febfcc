"""Run every benchmark, print the table and write JSON.

    python -m benchmarks            # the full run (a few minutes)
    python -m benchmarks --quick    # small sizes: checks the code, not the figures
    python -m benchmarks --only 3,6 # some rows
    python -m benchmarks --only fuzz  # the long fuzz run (~4 minutes), not in the default set

Figures are measured side by side with their baseline in the same run: this
machine is shared and noisy, ratios are what count.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import Row

# Run only when asked for by name (--only): too long for the default set,
# which must finish in under 5 minutes.
LONG_MODULES: dict[str, set[int | str]] = {"bench_fuzz": {"fuzz"}}

# module -> the issue #7 rows it measures
MODULES: dict[str, set[int | str]] = {
    "bench_parse": {3},
    "bench_startup": {6},
    "bench_poll_round": {8},
    "bench_soak": {"soak"},
    "bench_download": {9},
    "bench_monitor_start": {1, 7, 13, "13.1", "13.2", "13.6"},
    "bench_idle": {4},
    "bench_apply": {2},
    "bench_poll_output": {5},
    "bench_hostile": {"bomb", "drip"},
    "bench_covers": {"cover-bomb", "cover-png", "cover-drip", "cover-quit"},
    "bench_account": {"account-discovery", "account-idle"},
    "bench_paging": {"account-paging"},
    "bench_stats": {"stats", "stats-view"},
    "bench_history": {13, "13.3"},
    "bench_fetch": {13, "13.5"},
    "bench_cold_start": {13, "13.4"},
    "bench_first_frame": {22, "first-frame"},
    "bench_listen": {"listen"},
    "bench_clip_keys": {"extend-key"},
    "bench_sync": {"sync"},
}


def _format(rows: list[Row]) -> str:
    lines = [
        "| # | figure | value | baseline | ratio | target | ok |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in sorted(rows, key=lambda r: str(r.number).zfill(3)):
        base = (
            f"{row.baseline}: {row.baseline_value:,.1f} {row.unit}"
            if row.baseline_value is not None
            else row.baseline
        )
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else "-"
        note = f" ({row.note})" if row.note else ""
        lines.append(
            f"| {row.number} | {row.figure}{note} | {row.value:,.1f} {row.unit} | {base} "
            f"| {ratio} | {row.target} | {'yes' if row.ok else 'NO'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI smoke runs")
    parser.add_argument("--only", help="comma-separated row numbers")
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/latest.json"))
    args = parser.parse_args(argv)
    wanted = {n if not n.isdigit() else int(n) for n in args.only.split(",")} if args.only else None
    rows: list[Row] = []
    started = time.perf_counter()
    chosen = {**MODULES, **(LONG_MODULES if wanted is not None else {})}
    for name, numbers in chosen.items():
        if wanted is not None and not numbers & wanted:
            continue
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(module.run(args.quick))
    elapsed = time.perf_counter() - started
    table = _format(rows)
    machine = (
        f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    )
    quick = " (quick)" if args.quick else ""
    header = f"{datetime.now(UTC):%Y-%m-%d}, {machine}, {elapsed:.0f} s{quick}"
    print(header)
    print(table)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "date": datetime.now(UTC).isoformat(),
                "machine": machine,
                "quick": args.quick,
                "seconds": elapsed,
                "rows": [row.as_dict() for row in rows],
            },
            indent=2,
        )
    )
    return 0 if all(row.ok for row in rows) or args.quick else 1


if __name__ == "__main__":
    raise SystemExit(main())

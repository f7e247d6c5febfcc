"""Row 3: parsing a 10,000-task answer (2 clips each) into models,
against ``json.loads`` of the same bytes."""

from __future__ import annotations

import json

from benchmarks.common import Row, best_of
from suno_tui.relay.envelope import decode_json, unwrap
from suno_tui.relay.models import parse_task
from tests.fixtures import shapes


def answer_bytes(count: int) -> bytes:
    tasks = [shapes.success_task(f"task-{index:06d}") for index in range(count)]
    return json.dumps(shapes.envelope(tasks)).encode()


def run(quick: bool) -> list[Row]:
    count = 1_000 if quick else 10_000
    body = answer_bytes(count)
    repeat = 1 if quick else 5

    def baseline() -> None:
        json.loads(body)

    def ours() -> None:
        data = unwrap(decode_json(body, 200), 200)
        tasks = [parse_task(item) for item in data]
        assert len(tasks) == count

    base = best_of(repeat, baseline)
    value = best_of(repeat, ours)
    ratio = value / base
    return [
        Row(
            3,
            f"parse a {count:,}-task answer ({len(body) / 1e6:.1f} MB) into models",
            value * 1000,
            "ms",
            "<= 3x json.loads",
            ok=ratio <= 3.0,
            baseline="json.loads of the same bytes",
            baseline_value=base * 1000,
        )
    ]

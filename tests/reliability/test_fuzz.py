"""Fuzzing (issue #8, item 1): the CI run of every property in fuzz.py.

Each property runs twice: with structured Hypothesis strategies (shrinkable
examples) and with the seeded generators the long run uses, so both stay
working. ``SUNO_TUI_FUZZ_EXAMPLES`` sets the number of examples per run
(default 200; half that through the HTTP client). The 100,000-example run is
``python -m benchmarks --only fuzz`` (benchmarks/bench_fuzz.py).
"""

from __future__ import annotations

import os

import pytest

from tests.reliability.fuzz import COUNTS, PROPERTIES, Property, runnable

EXAMPLES = int(os.environ.get("SUNO_TUI_FUZZ_EXAMPLES", "200"))


@pytest.mark.parametrize("fast", [False, True], ids=["strategies", "seeded"])
@pytest.mark.parametrize("prop", PROPERTIES, ids=[p.check.__name__ for p in PROPERTIES])
def test_property(prop: Property, fast: bool) -> None:
    examples = EXAMPLES // 2 if prop.client else EXAMPLES
    before = COUNTS[prop.name]
    runnable(prop, examples, fast=fast)()
    # it really ran that often (Hypothesis stops early only on a tiny search space)
    assert COUNTS[prop.name] - before >= examples

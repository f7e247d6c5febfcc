"""Backoff: bounds over many draws, growth, Retry-After floor, cap, reset."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suno_tui.tracking.backoff import Backoff


def test_delays_stay_within_bounds_over_many_draws() -> None:
    backoff = Backoff(base=2.0, maximum=300.0, rng=random.Random(7))
    upper = 2.0
    for _ in range(10_000):
        delay = backoff.next_delay()
        upper = min(300.0, upper * 3)
        assert 2.0 <= delay <= 300.0
        assert delay <= upper  # never more than 3x per failure
    assert backoff.failures == 10_000


def test_delays_grow_while_failures_continue() -> None:
    averages = []
    for failures in (1, 3, 6):
        total = 0.0
        for seed in range(200):
            backoff = Backoff(base=2.0, maximum=300.0, rng=random.Random(seed))
            delays = [backoff.next_delay() for _ in range(failures)]
            total += delays[-1]
        averages.append(total / 200)
    assert averages[0] < averages[1] < averages[2]
    assert averages[2] > 30  # it really backs off


def test_reaches_and_respects_the_maximum() -> None:
    backoff = Backoff(base=1.0, maximum=10.0, rng=random.Random(1))
    delays = [backoff.next_delay() for _ in range(200)]
    assert max(delays) <= 10.0
    assert max(delays) > 9.0


def test_jitter_decorrelates_clients() -> None:
    delays = {Backoff(rng=random.Random(seed)).next_delay() for seed in range(20)}
    assert len(delays) == 20  # twenty clients failing together do not retry in step


def test_retry_after_is_a_floor() -> None:
    backoff = Backoff(base=2.0, maximum=300.0, rng=random.Random(3))
    assert backoff.next_delay(retry_after=120.0) == 120.0
    assert backoff.next_delay(retry_after=0.5) >= 2.0


def test_retry_after_is_capped_at_the_maximum() -> None:
    backoff = Backoff(base=2.0, maximum=300.0, rng=random.Random(3))
    assert backoff.next_delay(retry_after=86_400.0) == 300.0


@pytest.mark.parametrize("odd", [float("nan"), float("inf"), -5.0])
def test_odd_retry_after_values_are_ignored_or_capped(odd: float) -> None:
    delay = Backoff(base=2.0, maximum=300.0, rng=random.Random(3)).next_delay(retry_after=odd)
    assert 2.0 <= delay <= 6.0


def test_reset_starts_again_from_base() -> None:
    backoff = Backoff(base=2.0, maximum=300.0, rng=random.Random(5))
    for _ in range(20):
        backoff.next_delay()
    backoff.reset()
    assert backoff.failures == 0
    assert backoff.next_delay() <= 6.0


def test_invalid_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        Backoff(base=0)
    with pytest.raises(ValueError):
        Backoff(base=10, maximum=5)


@given(
    seed=st.integers(min_value=0, max_value=2**32),
    base=st.floats(min_value=0.1, max_value=10),
    maximum=st.floats(min_value=10, max_value=1000),
    hints=st.lists(st.none() | st.floats(min_value=0, max_value=5000), max_size=30),
)
def test_any_sequence_of_failures_is_bounded(
    seed: int, base: float, maximum: float, hints: list[float | None]
) -> None:
    backoff = Backoff(base=base, maximum=maximum, rng=random.Random(seed))
    for hint in hints:
        delay = backoff.next_delay(retry_after=hint)
        assert base <= delay <= maximum
        if hint is not None:
            assert delay >= min(hint, maximum)

"""Shared fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from suno_tui.simulator import ManualClock, Simulator


@pytest.fixture
async def simulator() -> AsyncIterator[Simulator]:
    """A gateway simulator on a free loopback port, driven by a ManualClock
    (``simulator.clock.advance(seconds)``). Fails the test if a request
    handler raised."""
    sim = Simulator(seed=0, clock=ManualClock())
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()
    assert not sim.errors, f"simulator handler errors: {sim.errors!r}"


@pytest.fixture
async def simulator_client(simulator: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client for ``simulator``, with its token."""
    async with httpx.AsyncClient(
        base_url=simulator.base_url,
        headers={"Authorization": f"Bearer {simulator.token}"},
        timeout=10.0,
        # plain HTTP on loopback: skip loading the CA bundle (~40 ms per client)
        verify=False,
    ) as client:
        yield client

"""Shared fixtures."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from suno_tui.simulator import ManualClock, Simulator, SimulatorThread
from tests.fixtures.simulators import running


@pytest.fixture
def isolated_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the real user's files or SUNO_TUI_* environment:
    HOME and the XDG folders point into the test's own folder."""
    for var in list(os.environ):
        if var.startswith("SUNO_TUI_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


@pytest.fixture
async def simulator() -> AsyncIterator[Simulator]:
    """A gateway simulator on a free loopback port, driven by a ManualClock
    (``simulator.clock.advance(seconds)``). Fails the test if a request
    handler raised."""
    async with running(Simulator(seed=0, clock=ManualClock())) as sim:
        yield sim


@pytest.fixture
async def hosted() -> AsyncIterator[Simulator]:
    """Like ``simulator``, as a hosted gateway (concat, WAV, timed lyrics, MP4)."""
    async with running(Simulator(seed=5, clock=ManualClock(), family="hosted")) as sim:
        yield sim


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


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Simulator]:
    """A simulator in its own thread (ManualClock), for commands run in-process
    with ``suno_tui.cli.main``: the environment points them at it, with its
    token, a state file and a config folder of the test's own."""
    sim = Simulator(seed=3, clock=ManualClock())
    with SimulatorThread(sim) as base_url:
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
        monkeypatch.setenv("SUNO_TUI_BASE_URL", base_url)
        monkeypatch.setenv("SUNO_TUI_TOKEN", sim.token)
        monkeypatch.setenv("SUNO_TUI_STATE", str(tmp_path / "state.db"))
        monkeypatch.delenv("SUNO_TUI_PROFILE", raising=False)
        monkeypatch.delenv("SUNO_TUI_CONFIG", raising=False)
        yield sim
    assert not sim.errors, f"simulator handler errors: {sim.errors!r}"

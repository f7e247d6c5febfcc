"""An embedded Suno task gateway for demos and end-to-end tests.

A real HTTP server on loopback that behaves like a new-api style gateway,
warts included (see docs/gateway.md), of either family (``family="stock"``:
music and lyrics only, as new-api and one-hub; ``"hosted"``: also concat,
WAV, timed lyrics and MP4, simulator/clip_actions.py), with task lifecycles driven by a
clock the caller controls, fault injection, and media assets of any size::

    sim = Simulator(seed=0, clock=ManualClock())
    async with sim:
        task_id = sim.add_task("success")
        sim.clock.advance(60)            # a ManualClock
        ...                              # httpx against sim.base_url, sim.token

No Textual here: the headless commands import this package.
"""

from suno_tui.simulator.assets import AssetBody, AssetKind
from suno_tui.simulator.clip_actions import FAMILIES, GatewayFamily
from suno_tui.simulator.clock import Clock, ManualClock, ScaledClock
from suno_tui.simulator.demo import seed_demo, seed_lineage
from suno_tui.simulator.faults import Fault, FaultInjector, FaultRule
from suno_tui.simulator.lifecycle import Delays, Scenario, SimTask, Status, Variant
from suno_tui.simulator.server import Simulator, loopback_bind_address
from suno_tui.simulator.stats import Stats
from suno_tui.simulator.tasks import FOREIGN_USER, MAIN_USER
from suno_tui.simulator.thread import SimulatorThread

__all__ = [
    "FAMILIES",
    "FOREIGN_USER",
    "MAIN_USER",
    "AssetBody",
    "AssetKind",
    "Clock",
    "Delays",
    "Fault",
    "FaultInjector",
    "FaultRule",
    "GatewayFamily",
    "ManualClock",
    "ScaledClock",
    "Scenario",
    "SimTask",
    "Simulator",
    "SimulatorThread",
    "Stats",
    "Status",
    "Variant",
    "loopback_bind_address",
    "seed_demo",
    "seed_lineage",
]

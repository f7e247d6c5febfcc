"""The simulator's link (``Simulator(link_rate=...)``): asset bodies share a
fixed rate, so benchmarks can compare downloaders over the same connection."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from suno_tui.simulator import ManualClock, Simulator
from suno_tui.simulator.link import Link


class FakeTime:
    """A wall clock that moves only when the link sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_a_lone_sender_waits_for_its_bytes_to_pass() -> None:
    fake = FakeTime()
    link = Link(1000.0, clock=fake.clock, sleep=fake.sleep)
    for _ in range(4):
        await link.send(250)
    assert fake.slept == pytest.approx([0.25, 0.25, 0.25, 0.25])
    assert fake.now == pytest.approx(101.0)  # 1,000 bytes at 1,000 bytes/s


async def test_senders_queue_behind_each_other() -> None:
    # Two chunks ready at the same moment: the second passes after the first,
    # so together they take as long as their bytes at the link's rate.
    fake = FakeTime()
    link = Link(1000.0, clock=fake.clock, sleep=lambda seconds: _record(fake, seconds))
    await link.send(500)
    await link.send(500)
    assert fake.slept == pytest.approx([0.5, 1.0])


async def _record(fake: FakeTime, seconds: float) -> None:
    fake.slept.append(seconds)  # the clock stands still: both were ready at once


async def test_an_idle_link_does_not_bank_time() -> None:
    fake = FakeTime()
    link = Link(1000.0, clock=fake.clock, sleep=fake.sleep)
    await link.send(100)
    fake.now += 60.0  # nothing sent for a minute
    await link.send(100)
    assert fake.slept == pytest.approx([0.1, 0.1])


def test_a_rate_must_be_positive() -> None:
    for rate in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="positive"):
            Link(rate)


async def test_asset_bodies_go_through_the_link_whole() -> None:
    # A fast link: the test waits for the body, not for time; the link must
    # have carried every byte of it, and the bytes must be the file's.
    sim = Simulator(seed=3, clock=ManualClock(), asset_sizes={"mp3": 300_000}, link_rate=1e9)
    assert sim.link is not None
    async with sim:
        task_id = sim.add_task("success", elapsed=3600)
        url = sim.render(task_id)["data"][0]["audio_url"]
        async with httpx.AsyncClient() as client:
            answer = await client.get(url)
    assert answer.status_code == 200
    assert sim.link.sent == len(answer.content) == 300_000
    expected = b"".join(bytes(c) for c in sim.asset(sim.task(task_id).clips[0].id, "mp3").chunks())
    assert hashlib.sha256(answer.content).digest() == hashlib.sha256(expected).digest()


async def test_without_a_link_nothing_is_paced() -> None:
    sim = Simulator(seed=3, clock=ManualClock(), asset_sizes={"mp3": 50_000})
    async with sim:
        task_id = sim.add_task("success", elapsed=3600)
        url = sim.render(task_id)["data"][0]["audio_url"]
        async with httpx.AsyncClient() as client:
            answer = await client.get(url)
    assert answer.status_code == 200 and len(answer.content) == 50_000
    assert sim.link is None

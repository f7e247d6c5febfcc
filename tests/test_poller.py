"""The poller, driven by a fake clock and a fake sleep: no real waiting.

Two fake sleeps: ``AutoTime`` advances the clock by each requested delay and
returns at once (the delays between rounds are recorded); ``HeldTime`` parks
each sleep until the test lets it end, to act while the poller waits.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from suno_tui.relay.client import BatchFailure, FetchResult, RelayClient, batches
from suno_tui.relay.errors import AuthError, GatewayError, RateLimited, RelayError
from suno_tui.relay.models import parse_task
from suno_tui.tracking.backoff import Backoff
from suno_tui.tracking.model import NOT_FOUND
from suno_tui.tracking.poll_status import PollStatus
from suno_tui.tracking.poller import Poller
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import Tracker, Update
from tests.fixtures import shapes

T0 = datetime(2026, 1, 1, tzinfo=UTC)
GUARD = 5.0  # seconds: only against a hang, never an assertion about time
TOKEN = "sk-poller-SECRET-0042"


class FakeClient:
    """Answers from ``server`` (id -> payload); ``plan`` fails batches in turn."""

    def __init__(self, server: dict[str, dict[str, Any]], *, batch_size: int = 50) -> None:
        self.server = server
        self.batch_size = batch_size
        self.calls: list[list[str]] = []
        self.plan: list[RelayError | None] = []  # per batch; None = answer normally
        self.gate: asyncio.Event | None = None  # when set: each fetch waits for it
        self.active = 0
        self.most_active = 0

    async def fetch(self, ids: Iterable[str], *, raise_errors: bool = True) -> FetchResult:
        assert raise_errors is False
        ids = list(ids)
        self.calls.append(ids)
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        try:
            if self.gate is not None:
                await self.gate.wait()
            result = FetchResult(requested=ids)
            for group in batches(ids, self.batch_size):
                error = self.plan.pop(0) if self.plan else None
                if error is not None:
                    result.failures.append(BatchFailure(tuple(group), error))
                    continue
                for task_id in group:
                    if task_id in self.server:
                        result.tasks[task_id] = parse_task(self.server[task_id])
                    else:
                        result.missing.append(task_id)
            return result
        finally:
            self.active -= 1


class AutoTime:
    def __init__(self) -> None:
        self.now = T0
        self.sleeps: list[float] = []

    def clock(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)
        await asyncio.sleep(0)


class HeldTime:
    def __init__(self) -> None:
        self.now = T0
        self.queue: asyncio.Queue[tuple[float, asyncio.Future[None]]] = asyncio.Queue()

    def clock(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        await self.queue.put((seconds, future))
        await future

    async def next_sleep(self) -> tuple[float, asyncio.Future[None]]:
        """The next sleep the poller is parked in (skipping ones it abandoned)."""
        while True:
            seconds, future = await asyncio.wait_for(self.queue.get(), GUARD)
            await asyncio.sleep(0)  # let a cancellation in flight land
            if not future.done():
                return seconds, future

    def elapse(self, sleep: tuple[float, asyncio.Future[None]]) -> None:
        seconds, future = sleep
        self.now += timedelta(seconds=seconds)
        future.set_result(None)

    def nothing_pending(self) -> bool:
        while not self.queue.empty():
            _, future = self.queue.get_nowait()
            if not future.done():
                return False
        return True


class Recorder:
    """on_update/on_status callbacks that can also stop the poller after N rounds."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.updates: list[Update] = []
        self.statuses: list[PollStatus] = []
        self.stop_after = stop_after
        self.poller: Poller | None = None
        self.changed = asyncio.Event()

    def on_update(self, update: Update, status: PollStatus) -> None:
        self.updates.append(update)
        self.on_status(status)  # a round's status comes with the round, once
        if self.stop_after is not None and len(self.updates) >= self.stop_after:
            assert self.poller is not None
            self.poller.stop()

    def on_status(self, status: PollStatus) -> None:
        self.statuses.append(status)
        self.changed.set()

    async def until(self, predicate: Any) -> PollStatus:
        while not (self.statuses and predicate(self.statuses[-1])):
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), GUARD)
        return self.statuses[-1]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "state.db") as opened:
        yield opened


def make_tracker(store: Store, time: AutoTime | HeldTime) -> Tracker:
    tracker = Tracker(store, clock=time.clock)
    tracker.load()
    return tracker


def streaming_server(*ids: str) -> dict[str, dict[str, Any]]:
    return {task_id: shapes.streaming_task(task_id) for task_id in ids}


def make_poller(
    tracker: Tracker,
    clients: dict[str, Any],
    time: AutoTime | HeldTime,
    recorder: Recorder,
    **options: Any,
) -> Poller:
    poller = Poller(
        tracker,
        clients,
        clock=time.clock,
        sleep=time.sleep,
        rng=random.Random(0),
        on_update=recorder.on_update,
        on_status=recorder.on_status,
        **options,
    )
    recorder.poller = poller
    return poller


async def run_to_end(poller: Poller) -> None:
    await asyncio.wait_for(poller.run(), GUARD)


# -- what is polled -----------------------------------------------------------


async def test_only_unfinished_tasks_are_polled_in_batches_of_50(store: Store) -> None:
    """120 unfinished + 500 finished, batch size 50: exactly 3 HTTP requests."""
    time = AutoTime()
    tracker = make_tracker(store, time)
    unfinished = [f"run-{i:03d}" for i in range(120)]
    finished = [f"done-{i:03d}" for i in range(500)]
    tracker.add(unfinished + finished)
    tracker.apply(
        FetchResult(
            requested=finished,
            tasks={task_id: parse_task(shapes.success_task(task_id)) for task_id in finished},
        )
    )
    asked: list[list[str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        ids = json.loads(request.content)["ids"]
        asked.append(ids)
        data = [shapes.streaming_task(task_id) for task_id in ids]
        return httpx.Response(200, json=shapes.envelope(data))

    recorder = Recorder()
    async with (
        respx.mock(base_url="https://gw.example", assert_all_called=True) as router,
        RelayClient("https://gw.example", TOKEN, batch_size=50) as client,
    ):
        router.post("/suno/fetch").mock(side_effect=answer)
        poller = make_poller(tracker, {"default": client}, time, recorder)
        update = await poller.poll_once()
    assert [len(ids) for ids in asked] == [50, 50, 20]
    assert sorted(task_id for ids in asked for task_id in ids) == unfinished
    assert poller.status.requests == 3 and poller.status.rounds == 1
    assert len(update.changed) == 120
    # each batch is reported as it comes in, then the round's end (nothing left)
    *per_batch, last = recorder.updates
    assert sorted(len(u.changed) for u in per_batch) == [20, 50, 50]
    assert [s for u in per_batch for s in u.changed] == update.changed
    assert last.empty


async def test_each_profile_is_polled_with_its_own_client(store: Store) -> None:
    time = AutoTime()
    tracker = make_tracker(store, time)
    tracker.add(["a1", "a2"], profile="a")
    tracker.add(["b1"], profile="b")
    tracker.add(["c1"], profile="no-client")
    one, two = FakeClient(streaming_server("a1", "a2")), FakeClient(streaming_server("b1"))
    recorder = Recorder()
    poller = make_poller(tracker, {"a": one, "b": two}, time, recorder)
    update = await poller.poll_once()
    assert (one.calls, two.calls) == ([["a1", "a2"]], [["b1"]])
    assert sorted(s.task_id for s in update.changed) == ["a1", "a2", "b1"]
    assert len(recorder.updates) == 1  # one callback per round, all profiles merged


async def test_finished_tasks_stop_being_polled(store: Store) -> None:
    time = AutoTime()
    tracker = make_tracker(store, time)
    tracker.add(["x", "y"])
    client = FakeClient(streaming_server("x", "y"))
    recorder = Recorder(stop_after=3)
    poller = make_poller(tracker, {"default": client}, time, recorder)

    def finish_x(update: Update, status: PollStatus) -> None:
        client.server["x"] = shapes.success_task("x")
        Recorder.on_update(recorder, update, status)

    poller._on_update = finish_x
    await run_to_end(poller)
    assert client.calls == [["x", "y"], ["x", "y"], ["y"]]


async def test_idle_without_unfinished_tasks_then_wakes_when_tasks_are_added(
    store: Store,
) -> None:
    time = HeldTime()
    tracker = make_tracker(store, time)
    client = FakeClient(streaming_server("new"))
    recorder = Recorder(stop_after=1)
    poller = make_poller(tracker, {"default": client}, time, recorder)
    running = asyncio.ensure_future(poller.run())
    status = await recorder.until(lambda s: s.idle)
    assert status.next_poll_at is None and client.calls == []
    assert time.nothing_pending()  # idle is not a timed wait either
    tracker.add(["new"])
    poller.notify_added()
    await asyncio.wait_for(running, GUARD)
    assert client.calls == [["new"]]


# -- schedule -------------------------------------------------------------------


async def test_next_round_is_interval_after_the_previous_ended(store: Store) -> None:
    time = AutoTime()
    tracker = make_tracker(store, time)
    tracker.add(["x"])
    client = FakeClient(streaming_server("x"))
    recorder = Recorder(stop_after=3)
    poller = make_poller(tracker, {"default": client}, time, recorder, interval=15)
    await run_to_end(poller)
    assert time.sleeps == [15.0, 15.0]
    assert len(client.calls) == 3
    assert [s.rounds for s in recorder.statuses if not s.in_flight][-1] == 3


async def test_rounds_never_overlap(store: Store) -> None:
    time = HeldTime()
    tracker = make_tracker(store, time)
    tracker.add(["x"])
    client = FakeClient(streaming_server("x"))
    client.gate = asyncio.Event()
    recorder = Recorder(stop_after=2)
    poller = make_poller(tracker, {"default": client}, time, recorder)
    running = asyncio.ensure_future(poller.run())
    await recorder.until(lambda s: s.in_flight)
    for _ in range(5):  # impatient user
        poller.poll_now()
        await asyncio.sleep(0)
    assert len(client.calls) == 1
    client.gate.set()
    # The request made during the round is honoured once, after it, min_interval apart.
    gap = await time.next_sleep()
    assert gap[0] == pytest.approx(2.0)
    time.elapse(gap)
    await asyncio.wait_for(running, GUARD)
    assert client.most_active == 1 and len(client.calls) == 2


async def test_set_interval_applies_to_the_wait_in_progress(store: Store) -> None:
    time = HeldTime()
    tracker = make_tracker(store, time)
    tracker.add(["x"])
    client = FakeClient(streaming_server("x"))
    recorder = Recorder(stop_after=2)
    poller = make_poller(tracker, {"default": client}, time, recorder, interval=60)
    running = asyncio.ensure_future(poller.run())
    first = await time.next_sleep()
    assert first[0] == 60.0
    time.now += timedelta(seconds=5)  # part of the wait went by
    poller.set_interval(20)
    second = await time.next_sleep()
    assert second[0] == pytest.approx(15.0)  # 20 s after the round ended
    assert poller.status.next_poll_at == T0 + timedelta(seconds=20)
    time.elapse(second)
    await asyncio.wait_for(running, GUARD)
    assert len(client.calls) == 2


def test_set_interval_is_clamped(store: Store) -> None:
    time = AutoTime()
    poller = Poller(make_tracker(store, time), {}, clock=time.clock, min_interval=2.0)
    poller.set_interval(0.1)
    assert poller.interval == 2.0
    poller.set_interval(10**9)
    assert poller.interval == 3600.0
    poller.set_interval(float("nan"))
    assert poller.interval == 3600.0


async def test_poll_now_cuts_the_wait_short(store: Store) -> None:
    time = HeldTime()
    tracker = make_tracker(store, time)
    tracker.add(["x"])
    client = FakeClient(streaming_server("x"))
    recorder = Recorder(stop_after=2)
    poller = make_poller(tracker, {"default": client}, time, recorder, interval=300)
    running = asyncio.ensure_future(poller.run())
    waiting = await time.next_sleep()
    assert waiting[0] == 300.0
    time.now += timedelta(seconds=10)  # past min_interval already
    poller.poll_now()
    await asyncio.wait_for(running, GUARD)
    assert len(client.calls) == 2
    assert time.now == T0 + timedelta(seconds=10)


async def test_pause_stops_polling_and_resume_continues(store: Store) -> None:
    time = HeldTime()
    tracker = make_tracker(store, time)
    tracker.add(["x"])
    client = FakeClient(streaming_server("x"))
    recorder = Recorder(stop_after=2)
    poller = make_poller(tracker, {"default": client}, time, recorder)
    running = asyncio.ensure_future(poller.run())
    await time.next_sleep()
    poller.pause()
    status = await recorder.until(lambda s: s.paused and s.next_poll_at is None)
    assert status.paused
    time.now += timedelta(hours=1)
    poller.poll_now()  # does not override a pause
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert len(client.calls) == 1 and time.nothing_pending()
    poller.resume()
    await asyncio.wait_for(running, GUARD)  # overdue: polls at once
    assert len(client.calls) == 2


async def test_stop_ends_an_idle_loop(store: Store) -> None:
    time = HeldTime()
    recorder = Recorder()
    poller = make_poller(make_tracker(store, time), {}, time, recorder)
    running = asyncio.ensure_future(poller.run())
    await recorder.until(lambda s: s.idle)
    poller.stop()
    await asyncio.wait_for(running, GUARD)


# -- failures ---------------------------------------------------------------------


async def test_rate_limit_delays_the_next_round_by_retry_after(store: Store) -> None:
    time = AutoTime()
    tracker = make_tracker(store, time)
    tracker.add(["x"])
    client = FakeClient(streaming_server("x"))
    client.plan = [RateLimited("slow down", retry_after=90)]
    recorder = Recorder(stop_after=3)
    poller = make_poller(tracker, {"default": client}, time, recorder, interval=10)
    await run_to_end(poller)
    assert time.sleeps == [90.0, 10.0]
    failed = [s for s in recorder.statuses if s.consecutive_failures]
    assert failed and "rate limited" in (failed[0].last_error or "")
    assert poller.status.consecutive_failures == 0 and poller.status.last_error is None


async def test_poll_now_does_not_override_retry_after(store: Store) -> None:
    time = HeldTime()
    tracker = make_tracker(store, time)
    tracker.add(["x"])
    client = FakeClient(streaming_server("x"))
    client.plan = [RateLimited("", retry_after=45)]
    recorder = Recorder(stop_after=2)
    poller = make_poller(tracker, {"default": client}, time, recorder)
    running = asyncio.ensure_future(poller.run())
    await time.next_sleep()
    poller.poll_now()
    waiting = await time.next_sleep()
    assert waiting[0] == pytest.approx(45.0)
    time.elapse(waiting)
    await asyncio.wait_for(running, GUARD)


async def test_server_errors_back_off_growing_then_reset_after_success(store: Store) -> None:
    time = AutoTime()
    tracker = make_tracker(store, time)
    tracker.add(["x"])
    client = FakeClient(streaming_server("x"))
    client.plan = [GatewayError("upstream", status=500) for _ in range(6)]
    recorder = Recorder(stop_after=8)
    poller = make_poller(tracker, {"default": client}, time, recorder, interval=10, max_backoff=120)
    await run_to_end(poller)
    # The same draws as a Backoff seeded alike, never shorter than the interval.
    twin = Backoff(base=2.0, maximum=120.0, rng=random.Random(0))
    expected = [max(10.0, twin.next_delay()) for _ in range(6)]
    assert time.sleeps == pytest.approx([*expected, 10.0], abs=1e-5)  # clock is in µs
    assert max(time.sleeps) > 10.0 and all(d <= 120.0 for d in time.sleeps)
    failures = [s.consecutive_failures for s in recorder.statuses if not s.in_flight]
    assert max(failures) == 6 and failures[-1] == 0
    assert recorder.statuses[-1].last_error is None


async def test_partial_failure_applies_the_good_batches(store: Store) -> None:
    time = AutoTime()
    tracker = make_tracker(store, time)
    ids = [f"t{i:02d}" for i in range(4)]
    tracker.add(ids)
    client = FakeClient(streaming_server(*ids), batch_size=2)
    client.plan = [GatewayError("boom", status=502), None]
    poller = make_poller(tracker, {"default": client}, time, Recorder())
    update = await poller.poll_once()
    assert sorted(s.task_id for s in update.changed) == ["t02", "t03"]
    assert tracker.get("t00").status_label == "NEW"  # type: ignore[union-attr]
    status = poller.status
    assert status.consecutive_failures == 1
    assert "HTTP 502" in (status.last_error or "")
    assert status.next_poll_at is not None and status.next_poll_at > time.now


async def test_missing_ids_are_not_found_through_the_poller(store: Store) -> None:
    time = AutoTime()
    tracker = make_tracker(store, time)
    tracker.add(["ghost"])
    client = FakeClient({})
    recorder = Recorder(stop_after=3)
    poller = make_poller(tracker, {"default": client}, time, recorder)
    await run_to_end(poller)
    assert tracker.get("ghost").status_label == NOT_FOUND  # type: ignore[union-attr]
    assert [s.task_id for s in recorder.updates[-1].finished] == ["ghost"]
    assert tracker.unfinished_ids() == []


async def test_auth_refusal_stops_that_profile_until_resume(store: Store) -> None:
    time = HeldTime()
    tracker = make_tracker(store, time)
    tracker.add(["a"], profile="bad")
    tracker.add(["b"], profile="good")
    bad, good = FakeClient(streaming_server("a")), FakeClient(streaming_server("b"))
    bad.plan = [AuthError("无效的令牌", status=401)]
    recorder = Recorder()
    poller = make_poller(tracker, {"bad": bad, "good": good}, time, recorder)
    running = asyncio.ensure_future(poller.run())
    waiting = await time.next_sleep()
    status = poller.status
    assert status.auth_failed and status.auth_failed_profiles == ("bad",)
    assert "'bad'" in (status.auth_message or "") and "token" in (status.auth_message or "")
    assert status.consecutive_failures == 0  # not a reason to back off the others
    time.elapse(waiting)
    await time.next_sleep()
    assert (len(bad.calls), len(good.calls)) == (1, 2)
    poller.resume()
    gap = await time.next_sleep()  # min_interval after the last round
    assert gap[0] == pytest.approx(2.0)
    time.elapse(gap)
    await recorder.until(lambda s: not s.auth_failed and s.rounds == 3)
    assert (len(bad.calls), len(good.calls)) == (2, 3)
    poller.stop()
    await asyncio.wait_for(running, GUARD)


async def test_auth_refusal_of_the_only_profile_idles_and_set_client_recovers(
    store: Store,
) -> None:
    time = HeldTime()
    tracker = make_tracker(store, time)
    tracker.add(["a"])
    bad = FakeClient(streaming_server("a"))
    bad.plan = [AuthError("expired", status=401)]
    recorder = Recorder(stop_after=2)
    poller = make_poller(tracker, {"default": bad}, time, recorder)
    running = asyncio.ensure_future(poller.run())
    status = await recorder.until(lambda s: s.idle)
    assert status.auth_failed and status.next_poll_at is None
    poller.poll_now()  # does not lift an auth stop
    await asyncio.sleep(0)
    assert len(bad.calls) == 1
    fixed = FakeClient(streaming_server("a"))
    poller.set_client("default", fixed)
    time.elapse(await time.next_sleep())  # min_interval after the last round
    await asyncio.wait_for(running, GUARD)
    assert len(fixed.calls) == 1 and not poller.status.auth_failed


async def test_the_token_never_appears_in_status(store: Store) -> None:
    time = AutoTime()
    tracker = make_tracker(store, time)
    tracker.add(["a", "b"])
    recorder = Recorder()
    async with (
        respx.mock(base_url="https://gw.example") as router,
        RelayClient("https://gw.example", TOKEN, batch_size=1) as client,
    ):
        router.post("/suno/fetch").mock(
            side_effect=[
                httpx.Response(401, json=shapes.openai_error(f"bad token {TOKEN}")),
                httpx.Response(500, json=shapes.task_error("get_tasks_failed", f"x {TOKEN}")),
            ]
        )
        poller = make_poller(tracker, {"default": client}, time, recorder)
        await poller.poll_once()
    status = poller.status
    assert status.auth_failed and status.auth_message
    texts = [str(s) for s in recorder.statuses] + [str(status)]
    assert not any(TOKEN in text for text in texts)
    assert all(s.last_error is None or "\x1b" not in s.last_error for s in recorder.statuses)


async def test_an_unexpected_client_exception_is_a_failed_round(store: Store) -> None:
    class Broken:
        async def fetch(self, ids: Iterable[str], *, raise_errors: bool = True) -> FetchResult:
            raise RuntimeError("bug\x1b[2J in the client")

    time = AutoTime()
    tracker = make_tracker(store, time)
    tracker.add(["a"])
    poller = make_poller(tracker, {"default": Broken()}, time, Recorder())
    await poller.poll_once()
    status = poller.status
    assert status.consecutive_failures == 1
    assert status.last_error == "default: RuntimeError: bug in the client"


async def test_a_store_that_cannot_save_is_a_failed_round(store: Store) -> None:
    time = AutoTime()
    tracker = make_tracker(store, time)
    tracker.add(["a"])
    poller = make_poller(tracker, {"default": FakeClient(streaming_server("a"))}, time, Recorder())
    store.close()
    update = await poller.poll_once()
    assert update.empty
    assert "cannot save" in (poller.status.last_error or "")
    assert tracker.get("a").status_label == "NEW"  # type: ignore[union-attr]


async def test_a_scope_limits_polling_to_those_ids(store: Store) -> None:
    """``watch`` follows a few tasks of a state file that holds many."""
    time = AutoTime()
    tracker = make_tracker(store, time)
    tracker.add(["mine-1", "mine-2", "other-1", "other-2"])
    client = FakeClient(streaming_server("mine-1", "mine-2", "other-1", "other-2"))
    poller = make_poller(tracker, {"default": client}, time, Recorder(), scope={"mine-2", "mine-1"})
    await poller.poll_once()
    assert client.calls == [["mine-1", "mine-2"]]


async def test_stop_before_run_is_honoured(store: Store) -> None:
    time = AutoTime()
    tracker = make_tracker(store, time)
    tracker.add(["a"])
    client = FakeClient(streaming_server("a"))
    poller = make_poller(tracker, {"default": client}, time, Recorder())
    poller.stop()
    await run_to_end(poller)
    assert client.calls == []


async def test_cancelling_run_mid_round_leaves_a_sane_status(store: Store) -> None:
    time = HeldTime()
    tracker = make_tracker(store, time)
    tracker.add(["a"])
    client = FakeClient(streaming_server("a"))
    client.gate = asyncio.Event()
    recorder = Recorder()
    poller = make_poller(tracker, {"default": client}, time, recorder)
    running = asyncio.ensure_future(poller.run())
    await recorder.until(lambda s: s.in_flight)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert not poller.status.in_flight and poller.status.next_poll_at is None


async def test_unusable_rows_are_counted_not_dropped_silently(store: Store) -> None:
    time = AutoTime()
    tracker = make_tracker(store, time)
    tracker.add(["t1"])

    class Odd:
        batch_size = 50

        async def fetch(self, ids: Iterable[str], *, raise_errors: bool = True) -> FetchResult:
            return FetchResult(
                requested=list(ids),
                tasks={"t1": parse_task(shapes.streaming_task("t1"))},
                problems=["row 1 of a batch ignored: task object without a task_id"],
            )

    recorder = Recorder()
    poller = make_poller(tracker, {"default": Odd()}, time, recorder)
    await poller.poll_once()
    assert poller.status.problems == 1
    assert poller.status.last_problem is not None
    assert "without a task_id" in poller.status.last_problem


class BatchClient:
    """Reports its batches one by one; the second waits for ``release``."""

    reports_batches = True
    batch_size = 2

    def __init__(self) -> None:
        self.release = asyncio.Event()

    async def fetch(
        self, ids: Any, *, raise_errors: bool = True, on_batch: Any = None
    ) -> FetchResult:
        ids = list(ids)
        whole = FetchResult(requested=ids)
        for start in range(0, len(ids), self.batch_size):
            if start:
                await self.release.wait()
            group = ids[start : start + self.batch_size]
            part = FetchResult(
                requested=group,
                tasks={i: parse_task(shapes.streaming_task(i)) for i in group},
            )
            whole.tasks.update(part.tasks)
            await on_batch(part)
        return whole


async def test_each_batch_is_merged_and_reported_before_the_round_ends(store: Store) -> None:
    time = AutoTime()
    tracker = make_tracker(store, time)
    first, second = ["a1", "a2"], ["b1", "b2"]
    tracker.add(first + second)
    recorder = Recorder()
    client = BatchClient()
    poller = make_poller(tracker, {"default": client}, time, recorder)
    round_ = asyncio.ensure_future(poller.poll_once())
    for _ in range(100):  # a few turns of the loop; never the second batch
        if recorder.updates:
            break
        await asyncio.sleep(0)
    assert [s.task_id for s in recorder.updates[0].changed] == first
    assert {tracker.get(i).status_label for i in first} == {"IN_PROGRESS"}  # type: ignore[union-attr]
    assert {tracker.get(i).status_label for i in second} == {"NEW"}  # type: ignore[union-attr]
    assert not round_.done() and poller.status.in_flight and poller.status.rounds == 0
    client.release.set()
    update = await asyncio.wait_for(round_, 5)
    assert [s.task_id for s in recorder.updates[1].changed] == second
    assert recorder.updates[-1].empty and len(recorder.updates) == 3  # no change told twice
    assert [s.task_id for s in update.changed] == first + second
    assert poller.status.rounds == 1 and not poller.status.in_flight


async def test_a_receiver_failing_on_a_batch_is_raised_not_called_a_gateway_problem(
    store: Store,
) -> None:
    """``watch`` printing into a closed pipe: the error leaves the round (the
    command exits 141), it is not logged as the gateway's and polled past."""
    time = AutoTime()
    tracker = make_tracker(store, time)
    tracker.add(["a1", "a2"])
    client = BatchClient()

    class ClosedPipe(Recorder):
        def on_update(self, update: Update, status: PollStatus) -> None:
            raise BrokenPipeError("the reader went away")

    poller = make_poller(tracker, {"default": client}, time, ClosedPipe())
    with pytest.raises(BrokenPipeError):
        await asyncio.wait_for(poller.poll_once(), 5)
    assert poller.status.last_error is None

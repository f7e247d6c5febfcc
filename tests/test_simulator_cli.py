"""``suno-tui simulate``, the thread runner, the clocks, and the import rules."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from suno_tui.cli import main
from suno_tui.simulator import Fault, ManualClock, ScaledClock, Simulator, SimulatorThread
from tests.fixtures.waiting import wait_until


@pytest.mark.parametrize(
    "argv",
    [
        ["--host", "0.0.0.0"],
        ["--host", "192.168.0.10"],
        ["--host", "example.com"],
        ["--speed", "0"],
        ["--port", "70000"],
    ],
)
def test_simulate_refuses_bad_arguments(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "suno-tui simulate:" in captured.err
    if argv[0] == "--host":
        assert "loopback" in captured.err


# The child restores the default SIGINT handler: a shell may have started the
# test run with SIGINT ignored, and that would be inherited.
_CHILD = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from suno_tui.cli import main; sys.exit(main(sys.argv[1:]))"
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("family", ["stock", "hosted"])
def test_simulate_serves_the_demo_and_stops_cleanly_on_ctrl_c(family: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, "simulate", "--speed=10", "--seed=3", f"--family={family}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stderr is not None and proc.stdout is not None
        info: dict[str, str] = {}
        banner = ""
        while "Ctrl-C stops" not in banner:
            line = proc.stderr.readline()
            assert line, "simulate exited early"
            banner += line
            key, _, value = line.partition(":")
            if key in ("base URL", "token"):
                info[key] = value.strip()
        assert "suno-tui fetch --base-url" in banner
        ids = [proc.stdout.readline().strip() for _ in range(12)]
        assert all(ids) and len(set(ids)) == 12
        headers = {"Authorization": f"Bearer {info['token']}"}
        response = httpx.post(
            f"{info['base URL']}/suno/fetch", json={"ids": ids}, headers=headers, timeout=10
        )
        assert response.status_code == 200
        tasks = response.json()["data"]
        assert {t["task_id"] for t in tasks} == set(ids)
        assert f"family:   {family}" in banner
        done = next(t for t in tasks if t["status"] == "SUCCESS" and t["action"] == "MUSIC")
        timing = httpx.get(
            f"{info['base URL']}/suno/act/timing/{done['data'][0]['id']}",
            headers=headers,
            timeout=10,
        )
        assert timing.status_code == (200 if family == "hosted" else 404)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert "Traceback" not in err
    assert "simulator stopped" in err


def test_imports_stay_light() -> None:
    code = (
        "import sys\n"
        "import suno_tui.cli.simulate\n"
        "assert 'suno_tui.simulator' not in sys.modules, 'simulate imports the simulator early'\n"
        "assert 'asyncio' not in sys.modules\n"
        "import suno_tui.simulator\n"
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# -- SimulatorThread ---------------------------------------------------------------


def test_thread_runner_for_sync_callers() -> None:
    sim = Simulator(seed=1, clock=ManualClock())
    runner = SimulatorThread(sim)
    with runner as base_url:
        assert base_url == sim.base_url
        tid = sim.add_task("success", delays={"not_start": 5})
        headers = {"Authorization": sim.token}
        with httpx.Client(base_url=base_url, headers=headers, timeout=10) as client:
            first = client.get(f"/suno/fetch/{tid}").json()["data"]
            assert first["status"] == "NOT_START"
            clock = sim.clock
            assert isinstance(clock, ManualClock)
            clock.advance(3600)
            assert client.get(f"/suno/fetch/{tid}").json()["data"]["status"] == "SUCCESS"

            # a clock-delayed answer, woken by advancing the clock from this thread
            sim.faults.add(Fault.SLOW, delay=10)
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                pending = pool.submit(client.post, "/suno/fetch", json={"ids": [tid]})
                wait_until(lambda: clock.sleepers == 1, "the request never waited for the clock")
                assert not pending.done()
                clock.advance(10)
                assert pending.result(timeout=10).status_code == 200

        assert runner.call(_answer(), timeout=10) == 42
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url}/suno/fetch/x", timeout=2)
    assert not sim.errors


async def _answer() -> int:
    await asyncio.sleep(0)
    return 42


def test_thread_runner_reports_start_errors() -> None:
    with pytest.raises(ValueError, match="loopback"), SimulatorThread(Simulator(), host="0.0.0.0"):
        pass


# -- clocks ------------------------------------------------------------------------


async def test_manual_clock() -> None:
    clock = ManualClock(start=1000)
    assert clock.now() == 1000
    assert clock.advance(5) == 1005
    assert clock.set(2000) == 2000
    with pytest.raises(ValueError):
        clock.advance(-1)
    await clock.sleep(0)  # returns at once
    sleeper = asyncio.create_task(clock.sleep(10))
    await asyncio.sleep(0)
    assert clock.sleepers == 1
    clock.advance(10)
    await sleeper
    assert clock.sleepers == 0
    cancelled = asyncio.create_task(clock.sleep(10))
    await asyncio.sleep(0)
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert clock.sleepers == 0


async def test_scaled_clock() -> None:
    clock = ScaledClock(speed=100_000, start=0)
    first = clock.now()
    await clock.sleep(100)  # a millisecond of real time
    assert clock.now() >= first + 100
    assert abs(ScaledClock().now() - time.time()) < 60
    with pytest.raises(ValueError):
        ScaledClock(speed=0)


def test_stats_snapshot_is_json() -> None:
    assert json.loads(json.dumps(Simulator().stats.snapshot()))["requests"] == {}

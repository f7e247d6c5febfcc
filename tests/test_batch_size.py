"""The configured ``batch_size`` reaches the relay client, within the gateways'
limit of 50 ids a request (relay-api.md: one gateway documents 50, another
cuts its answer at 100 rows, and a cut answer looks like unknown tasks)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from suno_tui.cli import main
from suno_tui.config import MAX_BATCH_SIZE, ConfigError, load_settings
from suno_tui.relay import client as relay_client
from suno_tui.relay.client import RelayClient
from suno_tui.simulator import Simulator


def write_config(tmp_path: Path, text: str) -> None:
    """The config file that the ``served`` fixture's XDG_CONFIG_HOME points at."""
    folder = tmp_path / "config" / "suno-tui"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text)


@pytest.mark.parametrize(("tasks", "batch_size"), [(20, 7), (12, 3), (5, 50)])
def test_a_poll_sends_the_configured_batch_size(
    served: Simulator,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    tasks: int,
    batch_size: int,
) -> None:
    """``watch`` polls through the engine's poller. The simulated gateway cuts
    every answer at ``batch_size`` rows: a bigger request would lose tasks."""
    write_config(tmp_path, f"batch_size = {batch_size}\n")
    served.max_rows = batch_size
    ids = [served.add_task("success", elapsed=10_000) for _ in range(tasks)]
    # bounded: with a bigger batch the cut answers leave tasks unfinished
    code = main(["watch", "--json", "--timeout", "10", *ids])
    out, err = capsys.readouterr()
    assert code == 0, err
    finished = {
        e["task"]["task_id"] for e in map(json.loads, out.splitlines()) if e["event"] == "finished"
    }
    assert finished == set(ids)
    assert served.stats.requests["fetch"] == math.ceil(tasks / batch_size)


def test_the_command_line_batch_size_wins(
    served: Simulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(tmp_path, "batch_size = 50\n")
    served.max_rows = 4
    ids = [served.add_task("success", elapsed=10_000) for _ in range(9)]
    code = main(["watch", "--batch-size", "4", "--timeout", "10", *ids])
    assert code == 0, capsys.readouterr().err
    assert served.stats.requests["fetch"] == 3


def test_a_batch_size_over_the_limit_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"batch_size = {MAX_BATCH_SIZE + 1}\n")
    with pytest.raises(ConfigError, match=r"'batch_size' must be an integer from 1 to 50, got 51"):
        load_settings(config, env={})
    config.write_text(f"batch_size = {MAX_BATCH_SIZE}\n")
    assert load_settings(config, env={}).gateway.batch_size == 50


def test_the_command_says_so_and_exits_2(
    served: Simulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(tmp_path, "batch_size = 100\n")
    code = main(["watch", served.add_task("success", elapsed=10_000)])
    err = capsys.readouterr().err
    assert code == 2
    assert "'batch_size' must be an integer from 1 to 50, got 100" in err
    assert served.stats.requests["fetch"] == 0


def test_the_client_refuses_more_than_the_limit() -> None:
    assert relay_client.MAX_BATCH_SIZE == MAX_BATCH_SIZE == 50
    with pytest.raises(ValueError, match="at most 50"):
        RelayClient("https://gw.example", "sk-x", batch_size=MAX_BATCH_SIZE + 1)
    assert RelayClient("https://gw.example", "sk-x", batch_size=MAX_BATCH_SIZE).batch_size == 50

"""``suno-tui tasks`` and ``suno-tui balance`` against the simulator over
loopback, in both gateway flavours: output, exit codes, secrets."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from suno_tui.cli import main
from suno_tui.simulator import (
    Fault,
    ManualClock,
    Scenario,
    Simulator,
    SimulatorThread,
    seed_demo,
)


@pytest.fixture(params=["new-api", "one-hub"])
def gateway(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Simulator]:
    """A simulator in a thread; the environment holds its key, access token and user id.
    Its clock starts at the real time: ``--since`` counts back from now."""
    sim = Simulator(seed=3, clock=ManualClock(time.time()), account_flavour=request.param)
    for var in ("SUNO_TUI_PROFILE", "SUNO_TUI_CONFIG", "SUNO_TUI_USER_ID"):
        monkeypatch.delenv(var, raising=False)
    with SimulatorThread(sim) as base_url:
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
        monkeypatch.setenv("SUNO_TUI_BASE_URL", base_url)
        monkeypatch.setenv("SUNO_TUI_TOKEN", sim.token)
        monkeypatch.setenv("SUNO_TUI_ACCESS_TOKEN", sim.access_token)
        if request.param == "new-api":
            monkeypatch.setenv("SUNO_TUI_USER_ID", str(sim.user_id))
        yield sim
    assert not sim.errors


def run(capsys: pytest.CaptureFixture[str], sim: Simulator, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    for secret in (sim.token, sim.access_token):
        assert secret not in out and secret not in err
    return code, out, err


def test_tasks_json_lists_the_demo_in_fetch_json_shape(
    gateway: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = seed_demo(gateway)
    gateway.add_task(elapsed=3 * 86400)  # outside the default 24 h
    code, out, err = run(capsys, gateway, "tasks", "--json")
    assert code == 0 and err == ""
    documents = [json.loads(line) for line in out.splitlines()]
    assert [d["task_id"] for d in documents] == demo[::-1]
    code, fetched, _ = run(capsys, gateway, "fetch", "--json", demo[0])
    assert json.loads(fetched)[0].keys() == documents[-1].keys()
    assert {d["kind"] for d in documents} == {"music", "lyrics"}


def test_tasks_table_and_filters(gateway: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    seed_demo(gateway)
    code, out, _ = run(capsys, gateway, "tasks")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["SUBMITTED", "TASK", "KIND", "STATUS", "PROGRESS", "TITLE"]
    assert lines[-1].startswith("12 tasks since ") and gateway.account_flavour in lines[-1]
    code, out, _ = run(capsys, gateway, "tasks", "--json", "--kind", "lyrics")
    assert [json.loads(line)["kind"] for line in out.splitlines()] == ["lyrics", "lyrics"]
    code, out, _ = run(capsys, gateway, "tasks", "--json", "--status", "failure")
    assert {json.loads(line)["status"] for line in out.splitlines()} == {"FAILURE"}
    code, out, _ = run(capsys, gateway, "tasks", "--json", "--since", "2m")
    assert len(out.splitlines()) == 5  # the demo tasks submitted 1, 8, 10, 25 and 40 s ago
    code, out, err = run(capsys, gateway, "tasks", "--json", "--limit", "3")
    assert len(out.splitlines()) == 3 and "stopped at --limit 3" in err


def test_hostile_titles_are_cleaned_in_the_table_and_escaped_in_json(
    gateway: Simulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    for i in range(100):
        gateway.add_task(title=f"\x1b]52;c;ZXZpbA==\x07[@click=app.quit]t{i}\x9b2J", elapsed=900)
    code, out, _ = run(capsys, gateway, "tasks")
    assert code == 0 and "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "[@click=app.quit]t0" in out
    code, out, _ = run(capsys, gateway, "tasks", "--json")
    assert len(out.splitlines()) == 100 and "\x1b" not in out and "\x9b" not in out
    assert json.loads(out.splitlines()[0])["clips"][0]["title"].startswith("\x1b]52")


def test_a_refused_access_token_is_exit_3_naming_it(
    gateway: Simulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUNO_TUI_ACCESS_TOKEN", gateway.token)  # the API key, by mistake
    code, out, err = run(capsys, gateway, "tasks")
    assert code == 3 and out == ""
    assert "access token refused (HTTP 200)" in err and "SUNO_TUI_ACCESS_TOKEN" in err
    assert "looks like the API key" not in err  # the simulator's key is not sk-...
    assert err.count("\n") == 1


def test_a_wrong_user_id_is_exit_3_naming_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    sim = Simulator(seed=3, clock=ManualClock())
    with SimulatorThread(sim) as base_url:
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
        monkeypatch.setenv("SUNO_TUI_BASE_URL", base_url)
        monkeypatch.setenv("SUNO_TUI_ACCESS_TOKEN", sim.access_token)
        monkeypatch.delenv("SUNO_TUI_USER_ID", raising=False)
        code, _, err = run(capsys, sim, "tasks")
        assert code == 3 and "SUNO_TUI_USER_ID" in err and "HTTP 401" in err
        code, _, err = run(capsys, sim, "tasks", "--user-id", "5")
        assert code == 3 and "check user_id (5" in err


def test_no_access_token_is_a_config_error(
    gateway: Simulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SUNO_TUI_ACCESS_TOKEN")
    code, _, err = run(capsys, gateway, "tasks")
    assert code == 2 and "no access token" in err


def test_missing_endpoints_are_exit_5(
    gateway: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    gateway.account_endpoints = False
    code, out, err = run(capsys, gateway, "tasks")
    assert code == 5 and out == "" and "has no task list" in err
    code, out, err = run(capsys, gateway, "balance")
    assert code == 5 and out == "" and "no balance endpoints" in err


def test_rate_limited_and_unreachable_are_exit_4(
    gateway: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    gateway.account.api_limit.limit = 0
    code, _, err = run(capsys, gateway, "tasks")
    assert code == 4 and "rate limited (HTTP 429" in err
    gateway.faults.add(Fault.HTTP_500, path="/dashboard/")
    code, _, err = run(capsys, gateway, "balance")
    assert code == 4


def test_bad_since(gateway: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, gateway, "tasks", "--since", "yesterday")
    assert code == 2 and "neither a span" in err


def test_balance_text_and_json(gateway: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, gateway, "submit", "--prompt", "la la")
    assert code == 0
    code, out, err = run(capsys, gateway, "balance")
    assert code == 0 and err == ""
    # the billing endpoints do not say their unit: no currency is claimed
    assert out.splitlines() == [
        "granted    25.00 credit",
        "used       0.10 credit",
        "remaining  24.90 credit",
        "expires    never",
        "unit       unknown: the gateway's display unit (USD, CNY or tokens) is not in its "
        'answer; set balance_unit = "USD", "CNY" or "tokens" in the profile',
    ]
    code, out, _ = run(capsys, gateway, "balance", "--json")
    assert json.loads(out) == {
        "granted": 25.0,
        "used": 0.1,
        "remaining": 24.9,
        "unit": None,
        "unit_basis": "unknown",
        "unlimited": False,
        "expires_at": None,
        "source": "billing",
    }


def test_balance_in_the_unit_the_profile_says(
    gateway: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "config" / "suno-tui" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('balance_unit = "cny"\n')
    code, out, err = run(capsys, gateway, "balance", "--config", str(config))
    assert code == 0 and err == ""
    assert "remaining  25.00 CNY" in out
    assert "unit       CNY (as balance_unit in the config says)" in out
    code, out, _ = run(capsys, gateway, "balance", "--json", "--config", str(config))
    said = json.loads(out)
    assert (said["unit"], said["unit_basis"]) == ("CNY", "config")


def test_balance_from_raw_quota_is_in_usd(
    gateway: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    if gateway.account_flavour != "new-api":
        pytest.skip("only new-api has /api/usage/token/")
    gateway.faults.add(Fault.HTML_PAGE, path="/dashboard/billing/subscription", status=404)
    code, out, _ = run(capsys, gateway, "balance")
    assert code == 0 and "remaining  25.00 USD" in out
    assert "unit       USD (the gateway's raw quota at 500,000 per USD, its default)" in out


def test_balance_unlimited_and_used_up(
    gateway: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    gateway.ledger.granted = None
    code, out, _ = run(capsys, gateway, "balance")
    if gateway.account_flavour == "new-api":
        assert "remaining  unlimited" in out
    else:  # one-hub shows the user's quota for an unlimited key
        assert "granted    40.00 credit" in out
    gateway.ledger.granted = gateway.ledger.used = 10
    code, out, err = run(capsys, gateway, "balance")
    assert code == 3 and "exhausted" in err and "SUNO_TUI_TOKEN" in err


def test_help_lists_the_new_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "tasks" in out and "balance" in out


def test_a_failing_lyrics_scenario_is_listed(
    gateway: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    gateway.add_task(Scenario.FAILURE, elapsed=600)
    code, out, _ = run(capsys, gateway, "tasks", "--json")
    assert code == 0 and json.loads(out)["status"] == "FAILURE"

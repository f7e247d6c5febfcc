"""Hostile local input (issue #14, items 4, 6, 7, 8, 10, 11): what the user's
own side can throw at the commands (closed pipes, odd numbers, deep config
files, option order, no terminal, endless input) ends in one clear line and
an exit code, never a traceback, a spinning process or a runaway memory use.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from suno_tui.cli import command_first, exit_codes, main
from tests.fixtures import shapes
from tests.reliability.cli import REPO, clean_env, run
from tests.reliability.gateway import Answer, ScriptedGateway, Seen

TOKEN = "sk-local-input-test"


def _success(request: Seen) -> Answer:
    body = json.dumps(shapes.envelope([shapes.success_task(shapes.TASK_ID)])).encode()
    return Answer(200, {"content-type": "application/json"}, body)


@pytest.fixture
def gateway() -> Iterator[str]:
    with ScriptedGateway(_success) as base_url:
        yield base_url


# -- item 8: a closed pipe, numbers, deep config --------------------------------------------


@pytest.mark.parametrize("command", ["fetch", "watch"])
def test_a_closed_output_pipe_ends_quietly_with_141(
    command: str, gateway: str, tmp_path: Path
) -> None:
    """``suno-tui fetch ... | head -1``: the reader is gone before the first line."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write now fails with EPIPE
    try:
        done = subprocess.run(
            [sys.executable, "-m", "suno_tui", command, shapes.TASK_ID, "--base-url", gateway],
            stdin=subprocess.DEVNULL,
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=clean_env(tmp_path, SUNO_TUI_TOKEN=TOKEN),
            cwd=REPO,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == exit_codes.CLOSED_PIPE == 141
    assert done.stderr == b"", done.stderr.decode(errors="replace")


@pytest.mark.parametrize(
    "argv",
    [
        ["watch", "--timeout", "nan", "x1"],
        ["watch", "--timeout", "inf", "x1"],
        ["watch", "--timeout", "1e400", "x1"],
        ["watch", "--interval", "nan", "x1"],
        ["watch", "--interval", "-1", "x1"],
        ["watch", "--unreachable-after", "inf", "x1"],
        ["fetch", "--request-timeout", "nan", "x1"],
        ["submit", "--continue-at", "nan", "--prompt", "p"],
        ["download", "--concurrency", "0", "x1"],
        ["download", "--concurrency", "-3", "x1"],
        ["--interval", "nan", "x1"],
    ],
)
def test_numbers_that_are_not_usable_are_usage_errors(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    isolated_user: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SUNO_TUI_BASE_URL", "http://127.0.0.1:9")  # nothing listens
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == exit_codes.USAGE
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("suno-tui")


@pytest.mark.parametrize("speed", ["inf", "nan", "0"])
def test_the_simulator_refuses_a_speed_that_is_not_finite(
    speed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", "--speed", speed]) == exit_codes.USAGE
    assert "--speed must be positive and finite" in capsys.readouterr().err


def test_a_config_nested_2000_levels_deep_is_one_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_user: None
) -> None:
    config = tmp_path / "deep.toml"
    config.write_text("a = " + "[" * 2000 + "]" * 2000 + "\n", encoding="utf-8")
    code = main(["fetch", "--config", str(config), "x1"])
    err = capsys.readouterr().err
    assert code == exit_codes.USAGE
    assert err.count("\n") == 1 and "nested too deeply" in err


def test_a_config_file_is_read_with_a_bound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_user: None
) -> None:
    config = tmp_path / "big.toml"
    config.write_text("# padding\n" * 200_000, encoding="utf-8")  # 2 MB of comments
    code = main(["fetch", "--config", str(config), "x1"])
    assert code == exit_codes.USAGE
    assert "larger than" in capsys.readouterr().err


# -- item 10: option order ------------------------------------------------------------------


def test_options_before_a_command_go_to_that_command(gateway: str, tmp_path: Path) -> None:
    ran = run(
        ["--base-url", gateway, "fetch", "--json", shapes.TASK_ID],
        clean_env(tmp_path, SUNO_TUI_TOKEN=TOKEN),
    )
    assert ran.code == 0, ran.stderr
    assert json.loads(ran.stdout)[0]["task_id"] == shapes.TASK_ID
    assert not (tmp_path / "state.db").exists()  # the monitor did not start


def test_command_first_moves_the_command_and_keeps_its_own_words_in_front() -> None:
    assert command_first(["--base-url", "U", "fetch", "ID"]) == ["fetch", "ID", "--base-url", "U"]
    assert command_first(["--base-url=U", "config", "show"]) == ["config", "show", "--base-url=U"]
    assert command_first(["--profile", "fetch", "x"]) == ["--profile", "fetch", "x"]  # a value
    assert command_first(["--base", "U", "watch", "-", "--", "y"]) == [
        "watch", "-", "--base", "U", "--", "y",
    ]  # fmt: skip
    assert command_first(["ID", "fetch"]) == ["ID", "fetch"]
    assert command_first(["--", "fetch"]) == ["--", "fetch"]


@pytest.mark.parametrize(
    "argv", [["abc", "fetch"], ["--", "watch"], ["--no-bell", "x", "download"]]
)
def test_a_command_name_is_never_taken_as_a_task_id(
    argv: list[str], capsys: pytest.CaptureFixture[str], isolated_user: None
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == exit_codes.USAGE
    assert "is a command, not a task id" in capsys.readouterr().err


# -- item 11: the monitor without a terminal ------------------------------------------------


@pytest.mark.parametrize("extra", [[], ["--demo"]])
def test_the_monitor_without_a_terminal_says_so_and_exits_2(
    extra: list[str], gateway: str, tmp_path: Path
) -> None:
    # stdout is a pipe here: before, the app started and spun at 100% CPU.
    ran = run(
        ["--base-url", gateway, *extra, shapes.TASK_ID],
        clean_env(tmp_path, SUNO_TUI_TOKEN=TOKEN),
        timeout=60,
    )
    assert ran.code == exit_codes.USAGE
    message = ran.stderr.decode()
    assert "needs a terminal" in message and "suno-tui watch" in message
    assert "suno-tui fetch" in message


# -- item 7: unbounded local input ------------------------------------------------------------

# Runs the command as its child under an address-space limit (so that a
# regression fails instead of eating the machine) and prints the child's
# peak RSS in KiB on the last line of its own stdout.
_PEAK_RSS = """
import resource, subprocess, sys
limit = 1 << 30
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
stdin = subprocess.Popen(["yes", "abc"], stdout=subprocess.PIPE) if sys.argv[1] == "yes" else None
done = subprocess.run(
    [sys.executable, "-m", "suno_tui", *sys.argv[2:]],
    stdin=stdin.stdout if stdin else subprocess.DEVNULL,
    capture_output=True, preexec_fn=cap, timeout=120,
)
if stdin:
    stdin.kill(); stdin.wait()
sys.stderr.buffer.write(done.stderr)
print(done.returncode)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
#: peak RSS allowed for a refused endless input (the interpreter alone is ~20 MB)
PEAK_RSS_LIMIT_KIB = 150 * 1024


def _peak_rss(tmp_path: Path, stdin: str, argv: list[str]) -> tuple[int, int, str]:
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS, stdin, *argv],
        capture_output=True,
        env=clean_env(tmp_path, SUNO_TUI_TOKEN=TOKEN),
        cwd=REPO,
        timeout=180,
        check=True,
    )
    code, peak = done.stdout.decode().split()[-2:]
    return int(code), int(peak), done.stderr.decode(errors="replace")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/dev/zero and RLIMIT_AS")
@pytest.mark.parametrize(
    ("stdin", "argv"),
    [
        ("none", ["fetch", "--ids-file", "/dev/zero"]),
        ("yes", ["fetch", "--ids-file", "-"]),
    ],
    ids=["ids-file-dev-zero", "yes-into-stdin"],
)
def test_endless_ids_are_refused_with_bounded_memory(
    stdin: str, argv: list[str], gateway: str, tmp_path: Path
) -> None:
    code, peak_kib, err = _peak_rss(tmp_path, stdin, [*argv, "--base-url", gateway])
    assert code == exit_codes.USAGE, err
    assert "MiB of ids" in err and "Traceback" not in err
    assert peak_kib < PEAK_RSS_LIMIT_KIB, f"peak RSS {peak_kib} KiB"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS, the yes command")
def test_a_token_command_that_never_stops_printing_is_killed_early(
    gateway: str, tmp_path: Path
) -> None:
    config = tmp_path / "config" / "suno-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('token_command = "yes"\n', encoding="utf-8")
    config.chmod(0o600)
    env_token = {"SUNO_TUI_TOKEN": ""}
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS, "none", "fetch", "x1", "--base-url", gateway],
        capture_output=True,
        env={**clean_env(tmp_path), **env_token},
        cwd=REPO,
        timeout=180,
        check=True,
    )
    code, peak_kib = (int(word) for word in done.stdout.decode().split()[-2:])
    err = done.stderr.decode(errors="replace")
    assert code == exit_codes.USAGE, err
    assert "token_command printed more than" in err
    assert peak_kib < PEAK_RSS_LIMIT_KIB, f"peak RSS {peak_kib} KiB"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_token_command_that_hangs_is_killed_with_its_children(tmp_path: Path) -> None:
    from suno_tui.config import ConfigError
    from suno_tui.config.tokens import run_token_command

    marker = tmp_path / "child.pid"
    # The shell starts a child that would keep the pipe open forever.
    script = f"sleep 300 & echo $! > {marker}; wait"
    with pytest.raises(ConfigError, match=r"did not finish within 0\.5 s"):
        run_token_command(f"sh -c '{script}'", label="token_command", timeout=0.5)
    child = int(marker.read_text())
    assert _dead(child)


def _dead(pid: int) -> bool:
    """Gone, or a zombie (in a container nobody may reap an orphan); polled a
    bounded number of times, since SIGKILL is delivered asynchronously."""
    for _ in range(10_000):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except FileNotFoundError:
            return True
        if state in ("Z", "X"):
            return True
        os.sched_yield()
    return False

"""Terminal safety of the headless outputs (issue #8, item 4 for the
commands; the monitor's pty test is separate).

Real subprocesses (``python -m suno_tui ...``) run against simulator tasks
whose titles, tags, lyrics and fail reasons carry OSC 52 clipboard writes,
OSC 0 title changes, CSI, 8-bit C1 controls, bidi overrides and Rich/Textual
markup, and against a scripted gateway whose error answers carry the same.
Every byte of stdout and stderr is checked: no ESC, BEL, NUL, DEL, C1 (as a
UTF-8 character or a lone byte), bidi or invisible format character; the
output is valid UTF-8; markup is printed literally; and the JSON outputs
decode to exactly what the gateway sent (escaped, not lost).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from suno_tui.simulator import ManualClock, Simulator, SimulatorThread
from tests.reliability.cli import Ran, clean_env, run, terminal_hazards
from tests.reliability.gateway import Answer, ScriptedGateway, Seen

OSC52 = "\x1b]52;c;UFdORUQ=\x07"
TITLE_CHANGE = "\x1b]0;PWNED\x07"
MARKUP = "[bold red]x[/] [@click=app.quit]q[/]"
HOSTILE = f"{OSC52}{TITLE_CHANGE}\x1b[2J\x9b31m\x9d0;PWNED\x9c\u202eevil\u202c{MARKUP}"

TITLE = f"Neon {HOSTILE} Rain"
TAGS = f"synthwave, {HOSTILE}"
PROMPT = f"[Verse]\nla {HOSTILE} la\n[Chorus]\noh"
FAIL_REASON = f"refused {HOSTILE} by moderation"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], dict]]:
    """A simulator with finished hostile tasks; the env of a command against it."""
    sim = Simulator(seed=11, clock=ManualClock(), asset_sizes={"mp3": 40_000, "mp4": 20_000})
    ids = {
        scenario: sim.add_task(
            scenario,
            title=TITLE,
            tags=TAGS,
            prompt=PROMPT,
            fail_reason=FAIL_REASON,
            elapsed=10_000,
        )
        for scenario in ("success", "failure", "partial", "lyrics")
    }
    with SimulatorThread(sim) as base_url:
        tmp = tmp_path_factory.mktemp("terminal")
        env = clean_env(tmp, SUNO_TUI_BASE_URL=base_url, SUNO_TUI_TOKEN=sim.token)
        yield env, ids


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def assert_terminal_safe(ran: Ran) -> str:
    assert "Traceback" not in ran.stderr.decode("utf-8", "replace"), ran.stderr
    assert terminal_hazards(ran) == [], (ran.argv, terminal_hazards(ran))
    return ran.text()


def test_fetch_table(hostile: tuple[dict[str, str], dict[str, str]]) -> None:
    env, ids = hostile
    ran = run(["fetch", *ids.values()], env)
    assert ran.code == 0
    text = assert_terminal_safe(ran)
    assert MARKUP in text  # literal, not interpreted
    assert "Neon" in text and "Rain" in text and "refused" in text
    assert "evil" in text  # the text survives; only the controls are gone
    assert "PWNED" not in text  # an OSC's payload goes with its sequence


def test_fetch_json(hostile: tuple[dict[str, str], dict[str, str]]) -> None:
    env, ids = hostile
    ran = run(["fetch", "--json", *ids.values()], env)
    assert ran.code == 0
    assert_terminal_safe(ran)
    documents = {d["task_id"]: d for d in json.loads(ran.stdout)}
    # escaped, not lost: what the gateway sent, exactly
    assert documents[ids["success"]]["clips"][0]["title"] == TITLE
    assert documents[ids["success"]]["clips"][0]["tags"][-1] == HOSTILE.strip()
    assert documents[ids["failure"]]["fail_reason"] == FAIL_REASON
    assert HOSTILE in documents[ids["lyrics"]]["lyrics"]["text"]
    assert b"\\u001b]52;c;UFdORUQ=\\u0007" in ran.stdout
    assert b"\\u009b31m" in ran.stdout and b"\\u202e" in ran.stdout
    assert MARKUP.encode() in ran.stdout


def test_watch_text(hostile: tuple[dict[str, str], dict[str, str]], tmp_path: Path) -> None:
    env, ids = hostile
    env = {**env, "SUNO_TUI_STATE": str(tmp_path / "state.db")}
    ran = run(["watch", "--interval", "2", *ids.values()], env)
    assert ran.code == 1  # failures among them
    text = assert_terminal_safe(ran)
    assert f"{ids['success']}  NEW -> SUCCESS" in text
    assert MARKUP in text


def test_watch_json(hostile: tuple[dict[str, str], dict[str, str]], tmp_path: Path) -> None:
    env, ids = hostile
    env = {**env, "SUNO_TUI_STATE": str(tmp_path / "state.db")}
    ran = run(["watch", "--json", "--interval", "2", *ids.values()], env)
    assert ran.code == 1
    assert_terminal_safe(ran)
    events = [json.loads(line) for line in ran.stdout.splitlines()]
    finished = {e["task_id"]: e for e in events if e["event"] == "finished"}
    assert finished[ids["success"]]["task"]["clips"][0]["title"] == TITLE
    assert finished[ids["failure"]]["task"]["fail_reason"] == FAIL_REASON
    transitions = [e for e in events if e["event"] == "transition"]
    assert {e["task_id"] for e in transitions} == set(ids.values())


def test_download_plain_lines(
    hostile: tuple[dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    env, ids = hostile
    folder = tmp_path / "music"
    env = {**env, "SUNO_TUI_STATE": str(tmp_path / "state.db")}
    ran = run(["download", "-o", str(folder), ids["success"], ids["partial"], ids["lyrics"]], env)
    assert ran.code == 1, ran.stderr  # the partial failure's error clip is skipped
    text = assert_terminal_safe(ran)
    assert str(folder.resolve()) in text
    names = sorted(path.name for path in folder.iterdir())
    assert names and all(path.parent == folder for path in folder.iterdir())
    for name in names:  # the names it printed are the cleaned ones
        assert "\x1b" not in name and "\u202e" not in name and "\x9b" not in name
    # the sidecar JSON keeps the gateway's text, escaped: safe to `cat`
    sidecar = next(p for p in folder.iterdir() if p.suffix == ".json")
    data = sidecar.read_bytes()
    assert terminal_hazards(Ran(("cat",), 0, data.replace(b"\n", b" "), b"")) == []
    assert TITLE in _strings(json.loads(data))
    lyrics = next(p for p in folder.iterdir() if p.suffix == ".txt")
    assert terminal_hazards(Ran(("cat",), 0, lyrics.read_bytes(), b"")) == []


def test_config_show_with_hostile_values(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        'artist = "\\u001b]0;PWNED\\u0007 \\u009b31m \\u202e [bold]x[/]"\n'
        'name_template = "{title} \\u001b[2J.{ext}"\n'
        'on_finish = "notify \\u001b]52;c;UFdORUQ=\\u0007"\n'
        "[profiles.evil]\n"
        'base_url = "https://gw.example/\\u202e"\n',
        encoding="utf-8",
    )
    config.chmod(0o600)
    ran = run(["config", "show", "--config", str(config)], clean_env(tmp_path))
    text = assert_terminal_safe(ran)
    if ran.code == 0:
        assert "[bold]x[/]" in text  # markup shown as it is
        assert "\\u001B]0;PWNED\\u0007" in text  # escaped, in TOML syntax
    else:  # refused as invalid: the message is as safe
        assert ran.code == 2


# -- error answers that carry escape sequences ----------------------------------------------

ERRORS = {
    "openai-401": Answer(
        401,
        {"content-type": "application/json"},
        json.dumps({"error": {"message": HOSTILE, "type": TITLE_CHANGE}}).encode(),
    ),
    "task-500": Answer(
        500,
        {"content-type": "application/json"},
        json.dumps({"code": TITLE_CHANGE, "message": HOSTILE, "data": None}).encode(),
    ),
    "html-502": Answer(
        502,
        {"content-type": "text/html"},
        f"<html><title>{HOSTILE}</title></html>".encode(),
    ),
    "redirect": Answer(
        302,
        {"location": "https://evil.example/\x1b]0;PWNED\x07".encode("latin-1").decode("latin-1")},
    ),
    "unknown-row": Answer(
        200,
        {"content-type": "application/json"},
        json.dumps({"code": "success", "data": [{"task_id": f"x{HOSTILE}"}]}).encode(),
    ),
}


# 3 auth refused, 4 gateway failure or unreachable, 1 not found, 0 fetch's report
CASES = [
    ("openai-401", "fetch", 3),
    ("openai-401", "watch", 3),
    ("openai-401", "download", 3),
    ("task-500", "fetch", 4),
    ("task-500", "watch", 4),
    ("html-502", "fetch", 4),
    ("html-502", "download", 4),
    ("redirect", "fetch", 4),
    ("unknown-row", "fetch", 0),
    ("unknown-row", "download", 1),
]


@pytest.mark.parametrize(("answer", "command", "code"), CASES)
def test_hostile_error_messages(answer: str, command: str, code: int, tmp_path: Path) -> None:
    def reply(seen: Seen) -> Answer:
        return ERRORS[answer]

    with ScriptedGateway(reply) as base_url:
        env = clean_env(tmp_path, SUNO_TUI_BASE_URL=base_url, SUNO_TUI_TOKEN="sk-x")
        extra = ["--unreachable-after", "0"] if command == "watch" else []
        ran = run([command, *extra, "task-1"], env)
    assert ran.code == code, ran.stderr
    text = assert_terminal_safe(ran)
    assert "error" in text or "warning" in text

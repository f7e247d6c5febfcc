"""Shell completion: the scripts are checked by the shells themselves.

bash is always there; zsh and fish tests skip (with the reason) where the
shell is not installed. The scripts call ``suno-tui _ids`` for task ids: a
small ``suno-tui`` on PATH runs this checkout's code.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from suno_tui.cli import COMMANDS, main
from suno_tui.cli.completion_scripts import SHELLS, script
from suno_tui.cli.completion_spec import command_specs, short_help
from suno_tui.cli.ids_cmd import watched_ids
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import new_summary

IDS = ["task_abc1", "task_abc2", "lyrics-9", "gen:abc:1", "gen:abc:2"]
PROFILES_TOML = (
    '[profiles.work]\nbase_url = "https://work.example"\n[profiles.backup]\nbatch_size = 5\n'
)


@pytest.fixture
def state(tmp_path: Path) -> Path:
    path = tmp_path / "state.db"
    with Store.open(path) as store:
        store.add_tasks([new_summary(i, "default", datetime.now(UTC)) for i in IDS])
    return path


@pytest.fixture
def profiles_config(tmp_path: Path) -> Path:
    path = tmp_path / "profiles.toml"
    path.write_text(PROFILES_TOML)
    return path


@pytest.fixture
def broken_config(tmp_path: Path) -> Path:
    path = tmp_path / "broken.toml"
    path.write_text("[profiles.work]\nbatch_size = 'many'\n")
    return path


@pytest.fixture
def shell_env(tmp_path: Path) -> dict[str, str]:
    """PATH with a suno-tui that runs this checkout; HOME and XDG in tmp_path."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "suno-tui"
    root = Path(__file__).resolve().parent.parent
    shim.write_text(f'#!/bin/sh\ncd "{root}" && exec "{sys.executable}" -m suno_tui "$@"\n')
    shim.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    return {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "ZDOTDIR": str(home),
        "LANG": "C.UTF-8",
    }


def _script_file(tmp_path: Path, shell: str) -> Path:
    path = tmp_path / f"completion.{shell}"
    path.write_text(script(shell, command_specs()))
    return path


def _run(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_spec_covers_every_command_and_their_flags() -> None:
    specs = {spec.path: spec for spec in command_specs()}
    assert set(COMMANDS) <= set(specs)
    assert [name for name, _ in specs[""].subcommands] == list(COMMANDS)
    assert "_ids" not in specs
    assert specs["fetch"].takes_ids and specs[""].takes_ids
    assert not specs["submit"].takes_ids
    assert "--json" in specs["fetch"].flags and "--demo" in specs[""].flags
    assert {"config/show", "config/set"} <= set(specs)
    assert specs["completion"].positional_choices == SHELLS
    state_option = next(o for o in specs["stats"].options if "--state" in o.flags)
    assert state_option.files and state_option.takes_value


def test_short_help_is_one_short_line() -> None:
    assert short_help("print a JSON array; one\nobject per id") == "print a JSON array"
    assert short_help("100%% sure") == "100% sure"
    long = short_help("word " * 40)
    assert len(long) <= 70 and long.endswith("...")


def test_the_command_prints_each_script(capsys: pytest.CaptureFixture[str]) -> None:
    for shell in SHELLS:
        assert main(["completion", shell]) == 0
        text = capsys.readouterr().out
        assert "suno-tui" in text and "_ids" in text


def test_ids_for_completion(state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert watched_ids(state) == sorted(IDS)
    assert watched_ids(state, "task_") == ["task_abc1", "task_abc2"]
    assert watched_ids(state.parent / "missing.db") == []
    with sqlite3.connect(state) as connection:
        connection.execute("UPDATE tasks SET task_id = 'x; rm -rf ~' WHERE task_id = 'lyrics-9'")
    assert watched_ids(state) == ["gen:abc:1", "gen:abc:2", "task_abc1", "task_abc2"]
    assert main(["_ids", "--state", str(state), "task_abc2"]) == 0
    assert capsys.readouterr().out == "task_abc2\n"


def test_ids_is_not_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "completion" in out and "_ids" not in out


def test_profiles_for_completion(
    profiles_config: Path, broken_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["_profiles", "--config", str(profiles_config)]) == 0
    assert capsys.readouterr().out.split() == ["backup", "default", "work"]
    assert main(["_profiles", "--config", str(profiles_config), "w"]) == 0
    assert capsys.readouterr().out == "work\n"
    assert main(["_profiles", "--config", str(profiles_config.parent / "none.toml")]) == 0
    assert capsys.readouterr().out == "default\n"
    for bad in (broken_config, profiles_config.parent):  # invalid; a folder, not a file
        assert main(["_profiles", "--config", str(bad)]) == 2
        assert capsys.readouterr() == ("", "")  # nothing a shell would mix into the line


# COMP_WORDS as bash makes them: ':' (in COMP_WORDBREAKS) is a word of its own.
BASH_PROBE = """
source "$1"
complete -p suno-tui
shift
for line in "$@"; do
    split="${line//:/ : }"
    read -ra COMP_WORDS <<< "$split"
    [[ $line == *' ' ]] && COMP_WORDS+=('')
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _suno_tui
    echo "$line=>${COMPREPLY[*]}"
done
"""


def test_bash_registers_and_completes(
    tmp_path: Path, state: Path, shell_env: dict[str, str]
) -> None:
    path = _script_file(tmp_path, "bash")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder.txt").write_text("")  # a file: not offered for sync's DIR
    lines = [
        "suno-tui fe",
        "suno-tui fetch --j",
        f"suno-tui fetch --config {tmp_path}/none.toml task_",
        f"suno-tui --state {state} task_abc",
        "suno-tui config s",
        "suno-tui completion ",
        f"suno-tui stats --state {tmp_path}/completion.b",
        f"suno-tui sync {tmp_path}/fold",
        "suno-tui sync --wa",
    ]
    out = _run(["bash", "-c", BASH_PROBE, "probe", str(path), *lines], shell_env)
    first, *answers = out.splitlines()
    assert first == "complete -F _suno_tui suno-tui"
    got = dict(answer.split("=>", 1) for answer in answers)
    assert got["suno-tui fe"] == "fetch"
    assert got["suno-tui fetch --j"] == "--json"
    assert got[lines[2]] == ""  # no state file in this HOME: no ids, no error
    assert got[lines[3]].split() == ["task_abc1", "task_abc2"]
    assert got["suno-tui config s"].split() == ["show", "set"]
    assert got["suno-tui completion "].split() == list(SHELLS)
    assert got[lines[6]] == str(path)
    assert got[lines[7]] == f"{tmp_path}/folder"  # sync DIR: folders only
    assert got["suno-tui sync --wa"].split() == ["--wav", "--watch"]


def test_bash_completes_ids_with_colons_and_profiles(
    tmp_path: Path,
    state: Path,
    profiles_config: Path,
    broken_config: Path,
    shell_env: dict[str, str],
) -> None:
    path = _script_file(tmp_path, "bash")
    default_config = Path(shell_env["XDG_CONFIG_HOME"]) / "suno-tui" / "config.toml"
    default_config.parent.mkdir(parents=True)
    default_config.write_text("[profiles.home]\n")
    lines = [
        f"suno-tui watch --state {state} gen",
        f"suno-tui watch --state {state} gen:a",
        f"suno-tui watch --state {state} gen:abc:",
        f"suno-tui watch --state {state} gen:abc:2 task_abc1 gen:abc:",
        f"suno-tui --state {state} gen:abc:1 --profile w",
        f"suno-tui fetch --config {profiles_config} --profile ",
        f"suno-tui --config {profiles_config} --profile w",
        f"suno-tui fetch --config {broken_config} --profile ",
        "suno-tui watch --profile ",
    ]
    out = _run(["bash", "-c", BASH_PROBE, "probe", str(path), *lines], shell_env)
    got = dict(answer.split("=>", 1) for answer in out.splitlines()[1:])
    assert got[lines[0]].split() == ["gen:abc:1", "gen:abc:2"]
    # readline replaces what follows the last ':': the replies start there
    assert got[lines[1]].split() == ["abc:1", "abc:2"]
    assert got[lines[2]].split() == ["1", "2"]
    assert got[lines[3]].split() == ["1", "2"]
    assert got[lines[4]] == ""  # no such profile in the (default) config
    assert got[lines[5]].split() == ["backup", "default", "work"]
    assert got[lines[6]] == "work"
    assert got[lines[7]] == ""  # a broken config completes nothing
    assert got[lines[8]].split() == ["default", "home"]  # the default config file


def test_bash_prints_nothing_for_a_broken_config(
    tmp_path: Path, broken_config: Path, shell_env: dict[str, str]
) -> None:
    path = _script_file(tmp_path, "bash")
    line = f"suno-tui fetch --config {broken_config} --profile "
    done = subprocess.run(
        ["bash", "-c", BASH_PROBE, "probe", str(path), line],
        capture_output=True,
        text=True,
        env=shell_env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.splitlines()[1:] == [f"{line}=>"]
    assert done.stderr == ""


ZSH_PROBE = """
autoload -U compinit && compinit -u -d "$HOME/.zcompdump"
source "$1"
print -r -- "registered=${_comps[suno-tui]}"
compadd() { [[ $1 == -- ]] && shift; print -r -- "compadd=$*" }
_describe() { print -r -- "describe=${(P)2}" }
_files() { print -r -- "files" }
words=(suno-tui fe); CURRENT=2; _suno_tui
words=(suno-tui --state "$2" task_); CURRENT=4; _suno_tui
words=(suno-tui stats --state ''); CURRENT=4; _suno_tui
words=(suno-tui completion ''); CURRENT=3; _suno_tui
words=(suno-tui fetch --config "$3" --profile ''); CURRENT=6; _suno_tui
words=(suno-tui --state "$2" gen:abc:); CURRENT=4; _suno_tui
"""


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_registers_and_completes(
    tmp_path: Path, state: Path, profiles_config: Path, shell_env: dict[str, str]
) -> None:
    path = _script_file(tmp_path, "zsh")
    _run(["zsh", "-n", str(path)], shell_env)
    argv = ["probe", str(path), str(state), str(profiles_config)]
    out = _run(["zsh", "-f", "-c", ZSH_PROBE, *argv], shell_env)
    lines = out.splitlines()
    assert lines[0] == "registered=_suno_tui"
    assert any(line.startswith("describe=") and "fetch:query tasks" in line for line in lines)
    assert "compadd=task_abc1 task_abc2" in lines
    assert "files" in lines
    assert "compadd=bash zsh fish" in lines
    assert "compadd=backup default work" in lines
    assert "compadd=gen:abc:1 gen:abc:2" in lines


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completes(
    tmp_path: Path, state: Path, profiles_config: Path, shell_env: dict[str, str]
) -> None:
    path = _script_file(tmp_path, "fish")
    _run(["fish", "--no-execute", str(path)], shell_env)
    probe = (
        f"source {path}; "
        "complete -C'suno-tui fe'; echo ---; "
        f"complete -C'suno-tui watch --state {state} task_'; echo ---; "
        "complete -C'suno-tui fetch --js'; echo ---; "
        "complete -C'suno-tui config s'; echo ---; "
        f"complete -C'suno-tui fetch --config {profiles_config} --profile '; echo ---; "
        f"complete -C'suno-tui watch --state {state} gen:abc:'"
    )
    out = _run(["fish", "--no-config", "-c", probe], shell_env)
    blocks = [block.strip().splitlines() for block in out.split("---")]
    fetch, ids, flags, config, profiles, colons = blocks
    assert fetch == ["fetch\tquery tasks once and print them"]
    assert [line.split("\t")[0] for line in ids] == ["task_abc1", "task_abc2"]
    assert flags[0].startswith("--json\t")
    assert sorted(line.split("\t")[0] for line in config) == ["set", "show"]
    assert [line.split("\t")[0] for line in profiles] == ["backup", "default", "work"]
    assert [line.split("\t")[0] for line in colons] == ["gen:abc:1", "gen:abc:2"]

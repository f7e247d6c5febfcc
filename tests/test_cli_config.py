"""``suno-tui config path|show|init|set``."""

from __future__ import annotations

import io
import os
import stat
import tomllib
from pathlib import Path

import pytest

from suno_tui.cli import main

TOKEN = "sk-DISTINCTIVE-7f3a9c0e"
posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


pytestmark = pytest.mark.usefixtures("isolated_user")


@pytest.fixture
def default_config(tmp_path: Path) -> Path:
    return tmp_path / "xdg-config" / "suno-tui" / "config.toml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["config", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_path_default(capsys: pytest.CaptureFixture[str], default_config: Path) -> None:
    assert run(capsys, "path") == (0, f"{default_config}\n", "")


def test_path_from_option_and_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUNO_TUI_CONFIG", str(tmp_path / "env.toml"))
    assert run(capsys, "path")[1] == f"{tmp_path / 'env.toml'}\n"
    explicit = tmp_path / "x.toml"
    assert run(capsys, "path", "--config", str(explicit))[1] == f"{explicit}\n"


def test_show_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show")
    assert code == 0 and err == ""
    assert "(not found; defaults in use)" in out
    assert 'base_url = "https://api.gpt.ge"  # default' in out
    assert "batch_size = 50  # default" in out
    assert "# token is not set" in out
    assert 'assets = ["audio", "image", "lyrics", "json"]' in out


def test_show_masks_the_token_and_names_sources(
    capsys: pytest.CaptureFixture[str], default_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default_config.parent.mkdir(parents=True)
    default_config.write_text(
        f'token = "{TOKEN}"\nbatch_size = 20\n[profiles.work]\ntoken = "{TOKEN}-work"\n'
    )
    default_config.chmod(0o600)
    monkeypatch.setenv("SUNO_TUI_TOKEN", TOKEN + "-env")
    code, out, err = run(capsys, "show", "--request-timeout", "4")
    assert code == 0
    assert TOKEN not in out and TOKEN not in err
    assert 'token = "***"  # from env SUNO_TUI_TOKEN' in out
    assert "batch_size = 20  # from file" in out
    assert "request_timeout = 4.0  # from command line" in out
    assert "[profiles.work]" in out and "[profiles.default]  # selected" in out
    assert "[gateways." not in out


def test_show_escapes_control_characters(
    capsys: pytest.CaptureFixture[str], default_config: Path
) -> None:
    default_config.parent.mkdir(parents=True)
    # Control characters are refused on loading; other invisible ones are escaped.
    default_config.write_text('artist = "a\\u200bb\\u2028c"\n')
    code, out, _ = run(capsys, "show")
    assert code == 0
    assert "\u200b" not in out and "\u2028" not in out
    assert r'artist = "a\u200Bb\u2028c"  # from file' in out


def test_show_bad_config_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], default_config: Path
) -> None:
    default_config.parent.mkdir(parents=True)
    default_config.write_text(f'batch_size = "fifty"\ntoken = "{TOKEN}"\n')
    code, out, err = run(capsys, "show")
    assert code == 2 and out == ""
    assert err == (
        f"suno-tui: error: {default_config}: key 'batch_size' must be an integer "
        "from 1 to 50, got 'fifty'\n"
    )


def test_show_unknown_profile(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "show", "--profile", "nope")
    assert code == 2 and "unknown profile 'nope'" in err


@posix_only
def test_init_creates_0600_file(capsys: pytest.CaptureFixture[str], default_config: Path) -> None:
    code, out, _ = run(capsys, "init", "--base-url", "https://x.example")
    assert code == 0 and out == f"created {default_config}\n"
    assert stat.S_IMODE(default_config.stat().st_mode) == 0o600
    assert tomllib.loads(default_config.read_text()) == {"base_url": "https://x.example"}


def test_init_refuses_to_overwrite_without_force(
    capsys: pytest.CaptureFixture[str], default_config: Path
) -> None:
    assert run(capsys, "init")[0] == 0
    default_config.write_text("batch_size = 3\n")
    code, _, err = run(capsys, "init")
    assert code == 2 and "already exists; use --force" in err
    assert default_config.read_text() == "batch_size = 3\n"
    assert run(capsys, "init", "--force")[0] == 0
    assert "batch_size = 3" not in default_config.read_text()


def test_init_token_from_stdin(
    capsys: pytest.CaptureFixture[str], default_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN + "\n"))
    code, out, err = run(capsys, "init", "--token-stdin")
    assert code == 0 and TOKEN not in out + err
    assert tomllib.loads(default_config.read_text())["token"] == TOKEN


def test_init_bad_base_url(capsys: pytest.CaptureFixture[str], default_config: Path) -> None:
    code, _, err = run(capsys, "init", "--base-url", "gpt.ge")
    assert code == 2 and "must be an http(s) URL" in err
    assert not default_config.exists()


@posix_only
def test_set_writes_and_keeps_other_keys(
    capsys: pytest.CaptureFixture[str], default_config: Path
) -> None:
    default_config.parent.mkdir(parents=True)
    default_config.write_text('artist = "Ann"\n[keys]\nquit = "q"\n')
    code, out, _ = run(capsys, "set", "batch_size", "25")
    assert code == 0 and out == f"set batch_size in {default_config}\n"
    assert tomllib.loads(default_config.read_text()) == {
        "artist": "Ann",
        "keys": {"quit": "q"},
        "batch_size": 25,
    }
    assert stat.S_IMODE(default_config.stat().st_mode) == 0o600


def test_set_token_from_stdin(
    capsys: pytest.CaptureFixture[str], default_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN + "\n"))
    code, out, err = run(capsys, "set", "profiles.work.token", "-")
    assert code == 0 and TOKEN not in out + err
    assert tomllib.loads(default_config.read_text()) == {"profiles": {"work": {"token": TOKEN}}}


def test_set_bad_value_exit_2(capsys: pytest.CaptureFixture[str], default_config: Path) -> None:
    code, out, err = run(capsys, "set", "batch_size", "fifty")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "must be an integer from 1 to 50, got 'fifty'" in err
    code, _, err = run(capsys, "set", "tokn", TOKEN)
    assert code == 2 and "did you mean 'token'" in err and TOKEN not in err
    code, _, err = run(capsys, "set", "token", TOKEN + " space")
    assert code == 2 and TOKEN not in err


@posix_only
def test_set_warns_about_a_readable_file_then_fixes_it(
    capsys: pytest.CaptureFixture[str], default_config: Path
) -> None:
    default_config.parent.mkdir(parents=True)
    default_config.write_text(f'token = "{TOKEN}"\n')
    default_config.chmod(0o644)
    code, _, err = run(capsys, "set", "batch_size", "10")
    assert code == 0
    assert "readable by other users" in err and "now has mode 0600" in err
    assert TOKEN not in err
    assert stat.S_IMODE(default_config.stat().st_mode) == 0o600


@posix_only
def test_path_and_show_warn_about_a_readable_file(
    capsys: pytest.CaptureFixture[str], default_config: Path
) -> None:
    default_config.parent.mkdir(parents=True)
    default_config.write_text(f'token = "{TOKEN}"\n')
    default_config.chmod(0o640)
    for action in ("path", "show"):
        code, out, err = run(capsys, action)
        assert code == 0 and "readable by other users" in err
        assert TOKEN not in out + err


def test_help_mentions_dropped_comments(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["config", "set", "--help"])
    assert "comments in it are\nnot kept" in capsys.readouterr().out


def test_action_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["config"])
    assert caught.value.code == 2

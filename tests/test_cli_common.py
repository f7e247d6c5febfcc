"""Shared CLI options and helpers."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from suno_tui.cli import exit_codes
from suno_tui.cli.common import (
    UsageError,
    add_connection_options,
    add_ids_options,
    collect_ids,
    fail,
    settings_from_args,
    warn,
)
from suno_tui.config import ConfigError

TOKEN = "sk-DISTINCTIVE-7f3a9c0e"


pytestmark = pytest.mark.usefixtures("isolated_user")


def parser() -> argparse.ArgumentParser:
    result = argparse.ArgumentParser(prog="test")
    add_connection_options(result)
    add_ids_options(result)
    return result


def parse(*argv: str) -> argparse.Namespace:
    return parser().parse_args(list(argv))


# --- import cost ---------------------------------------------------------------------------


def test_importing_common_stays_cheap() -> None:
    code = (
        "import sys, json; import suno_tui.cli.common, suno_tui.cli.config_cmd; "
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    modules = set(json.loads(out))
    heavy = {
        "tomllib",
        "tomli_w",
        "platformdirs",
        "httpx",
        "textual",
        "suno_tui.config",
        "suno_tui.safe_text",
    }
    assert not modules & heavy


def test_config_package_does_not_import_httpx_or_textual() -> None:
    code = "import sys, suno_tui.config; print(sorted(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "httpx" not in out and "textual" not in out


# --- options -----------------------------------------------------------------------------


def test_connection_options_defaults_are_none() -> None:
    args = parse()
    for name in (
        "config",
        "profile",
        "base_url",
        "token",
        "batch_size",
        "request_timeout",
        "insecure",
        "ca_bundle",
    ):
        assert getattr(args, name) is None


def test_connection_options_parse() -> None:
    args = parse(
        "--profile",
        "work",
        "--base-url",
        "https://x.example",
        "--token",
        "t",
        "--batch-size",
        "7",
        "--request-timeout",
        "2.5",
        "--insecure",
        "--ca-bundle",
        "c.pem",
    )
    assert (args.profile, args.base_url, args.token) == ("work", "https://x.example", "t")
    assert (args.batch_size, args.request_timeout, args.insecure, args.ca_bundle) == (
        7,
        2.5,
        True,
        "c.pem",
    )


def test_token_help_warns_about_argv() -> None:
    help_text = " ".join(parser().format_help().split())
    assert "SUNO_TUI_TOKEN" in help_text and "token_command" in help_text


def test_bad_number_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        parse("--batch-size", "fifty")
    assert caught.value.code == 2


# --- ids ------------------------------------------------------------------------------------


def test_collect_ids_from_arguments() -> None:
    assert collect_ids(parse("a,b", "c", "a")) == ["a", "b", "c"]


def test_collect_ids_from_stdin() -> None:
    stdin = io.StringIO("x1\n  x2, x3\n# a comment\nx1 # trailing comment\n\n")
    assert collect_ids(parse("a", "--ids-file", "-"), stdin=stdin) == ["a", "x1", "x2", "x3"]


def test_collect_ids_does_not_read_stdin_unless_asked() -> None:
    class Exploding(io.StringIO):
        def read(self, size: int | None = -1) -> str:
            raise AssertionError("stdin was read")

    assert collect_ids(parse("a"), stdin=Exploding()) == ["a"]
    assert collect_ids(parse(), stdin=Exploding()) == []


def test_collect_ids_from_files(tmp_path: Path) -> None:
    first = tmp_path / "one.txt"
    first.write_text("f1\nf2\n")
    second = tmp_path / "two.txt"
    second.write_text("f2,f3")
    args = parse("--ids-file", str(first), "z", "--ids-file", str(second))
    assert collect_ids(args) == ["z", "f1", "f2", "f3"]


def test_collect_ids_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"--ids-file .*nope\.txt"):
        collect_ids(parse("--ids-file", str(tmp_path / "nope.txt")))


@pytest.mark.parametrize("bad", ["a/b", "x\x1b]52;c;Zm9v\x07", "has\x00nul"])
def test_collect_ids_rejects_bad_ids(bad: str) -> None:
    with pytest.raises(UsageError) as caught:
        collect_ids(parse("ok", "--ids-file", "-"), stdin=io.StringIO(bad))
    message = str(caught.value)
    assert message.startswith("not a valid task id")
    assert "\x1b" not in message and "\x00" not in message and "\x07" not in message


def test_collect_ids_works_without_ids_options() -> None:
    assert collect_ids(argparse.Namespace()) == []


# --- settings -----------------------------------------------------------------------------


def test_settings_from_args_maps_flags(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-")
    config = tmp_path / "config.toml"
    config.write_text('[profiles.work]\nbase_url = "https://w.example"\n')
    args = parse(
        "--config",
        str(config),
        "--profile",
        "work",
        "--token",
        TOKEN,
        "--batch-size",
        "7",
        "--request-timeout",
        "3",
        "--ca-bundle",
        str(bundle),
    )
    settings = settings_from_args(args, stream=io.StringIO())
    assert settings.gateway.name == "work"
    assert settings.gateway.base_url == "https://w.example"
    assert settings.gateway.token == TOKEN
    assert settings.gateway.batch_size == 7
    assert settings.request_timeout == 3.0
    assert settings.ca_bundle == bundle
    assert settings.verify_tls is True


def test_settings_from_args_extra_overrides(tmp_path: Path) -> None:
    settings = settings_from_args(
        parse("--batch-size", "7"),
        state=tmp_path / "s.db",
        overrides={"poll_interval": 30, "batch_size": 9, "artist": None},
        stream=io.StringIO(),
    )
    assert settings.state_path == tmp_path / "s.db"
    assert settings.poll_interval == 30.0
    assert settings.gateway.batch_size == 9
    assert settings.artist is None


def test_settings_from_args_reads_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUNO_TUI_BASE_URL", "https://env.example")
    assert (
        settings_from_args(parse(), stream=io.StringIO()).gateway.base_url == "https://env.example"
    )


def test_insecure_warns(capsys: pytest.CaptureFixture[str]) -> None:
    settings = settings_from_args(parse("--insecure"))
    assert settings.verify_tls is False
    err = capsys.readouterr().err
    assert err.startswith("suno-tui: warning: TLS certificate verification is off")


def test_plain_http_with_token_warns(capsys: pytest.CaptureFixture[str]) -> None:
    settings_from_args(parse("--base-url", "http://gw.example", "--token", TOKEN))
    err = capsys.readouterr().err
    assert "plain http" in err and TOKEN not in err
    settings_from_args(parse("--base-url", "http://127.0.0.1:8000", "--token", TOKEN))
    assert capsys.readouterr().err == ""


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--config: no such file"):
        settings_from_args(parse("--config", str(tmp_path / "nope.toml")))


def test_bad_flag_value_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="'batch_size' must be an integer from 1 to 50"):
        settings_from_args(parse("--batch-size", "500"))


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_settings_from_args_warns_about_readable_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'token = "{TOKEN}"\n')
    config.chmod(0o644)
    settings_from_args(parse("--config", str(config)))
    err = capsys.readouterr().err
    assert "readable by other users" in err and TOKEN not in err


# --- output helpers -------------------------------------------------------------------------


def test_fail_prints_one_clean_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = fail("bad \x1b]52;c;Zm9v\x07thing\x1b[31m\nnext\x9b2J", exit_codes.USAGE)
    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "suno-tui: error: bad thing next\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("a\x1b[1;31mred\x1b[0m", "ared"),
        ("t\x1b]0;title\x07x", "tx"),
        ("t\x1b]8;;http://e\x1b\\link\x1b]8;;\x1b\\", "tlink"),
        ("\x9d52;c;x\x9cok", "ok"),
        ("tab\there", "tab here"),
        ("bidi\u202egnp.exe", "bidignp.exe"),
        ("del\x7f", "del"),
        ("中文 ok", "中文 ok"),
    ],
)
def test_fail_and_warn_strip_control_characters(
    text: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fail(text, 2)
    warn(text)
    err = capsys.readouterr().err
    assert err == f"suno-tui: error: {expected}\nsuno-tui: warning: {expected}\n"

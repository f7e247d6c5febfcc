"""Writing the config file: init, set, mode 0600, permissions warning."""

from __future__ import annotations

import os
import re
import stat
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suno_tui.config import (
    ConfigError,
    config_permissions_warning,
    init_config,
    load_settings,
    set_config_value,
)

TOKEN = "sk-DISTINCTIVE-7f3a9c0e"
posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


pytestmark = pytest.mark.usefixtures("isolated_user")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return tmp_path / "conf" / "config.toml"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def read(path: Path) -> dict[str, object]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


# --- init -------------------------------------------------------------------------------


@posix_only
def test_init_creates_a_private_file(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.umask(0o000)  # even with a permissive umask
    try:
        init_config(config, base_url="https://x.example/", token=TOKEN)
    finally:
        os.umask(0o022)
    assert mode(config) == 0o600
    assert read(config) == {"base_url": "https://x.example", "token": TOKEN}


def test_init_starter_file_loads_as_defaults(config: Path) -> None:
    init_config(config)
    assert read(config) == {}  # everything commented out
    assert load_settings(config, env={}).gateway.batch_size == 50
    text = config.read_text(encoding="utf-8")
    assert "# token_command" in text and "[profiles.work]" in text


def test_init_commented_examples_are_valid_toml(config: Path) -> None:
    # Uncommenting the example lines must give a valid file.
    init_config(config)
    top_part = config.read_text().split("# Other gateways")[0]
    lines = [line[2:] for line in top_part.splitlines() if re.match(r"# [a-z_]+ = ", line)]
    assert len(lines) > 15
    assert "token" in tomllib.loads("\n".join(lines))


def test_init_refuses_to_overwrite(config: Path) -> None:
    init_config(config)
    config.write_text("batch_size = 3\n")
    with pytest.raises(ConfigError, match="already exists"):
        init_config(config)
    assert config.read_text() == "batch_size = 3\n"
    init_config(config, overwrite=True)
    assert read(config) == {}


def test_init_checks_its_values(config: Path) -> None:
    with pytest.raises(ConfigError, match="base_url must be an http"):
        init_config(config, base_url="nope")
    with pytest.raises(ConfigError) as caught:
        init_config(config, token=TOKEN + " x")
    assert TOKEN not in str(caught.value)
    assert not config.exists()


# --- set ----------------------------------------------------------------------------------


@posix_only
def test_set_keeps_other_keys_and_writes_0600(config: Path) -> None:
    config.parent.mkdir()
    config.write_text(
        f'base_url = "https://x.example"\ntoken = "{TOKEN}"\n\n[profiles.work]\nbatch_size = 5\n'
        '\n[keys]\nquit = "q"\n'
    )
    config.chmod(0o644)
    set_config_value(config, "batch_size", "20")
    assert mode(config) == 0o600
    assert read(config) == {
        "base_url": "https://x.example",
        "token": TOKEN,
        "batch_size": 20,
        "profiles": {"work": {"batch_size": 5}},
        "keys": {"quit": "q"},
    }


def test_set_creates_the_file_and_folder(config: Path) -> None:
    set_config_value(config, "poll_interval", "15")
    assert read(config) == {"poll_interval": 15.0}


@pytest.mark.parametrize(
    ("key", "text", "stored"),
    [
        ("batch_size", " 7 ", 7),
        ("request_timeout", "2.5", 2.5),
        ("tag_mp3", "off", False),
        ("notify", "Yes", True),
        ("assets", "audio, video", ["audio", "video"]),
        ("assets", '["json"]', ["json"]),
        ("assets", "audio audio image", ["audio", "image"]),
        ("artist", "Ann", "Ann"),
        ("on_finish", "notify-send done", "notify-send done"),
        ("download_dir", "~/Music/x", "~/Music/x"),
        ("base_url", "https://y.example/", "https://y.example"),
    ],
)
def test_set_parses_text_to_the_key_type(config: Path, key: str, text: str, stored: object) -> None:
    set_config_value(config, key, text)
    assert read(config)[key] == stored


def test_set_relative_path_is_taken_from_cwd(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    set_config_value(config, "state_path", "s.db")
    assert read(config)["state_path"] == str(tmp_path / "s.db")


def test_set_dotted_keys(config: Path) -> None:
    set_config_value(config, "profiles.work.base_url", "https://w.example")
    set_config_value(config, "profiles.work.batch_size", "9")
    set_config_value(config, "keys.quit", "ctrl+q")
    set_config_value(config, "profile", "work")
    assert read(config) == {
        "profiles": {"work": {"base_url": "https://w.example", "batch_size": 9}},
        "keys": {"quit": "ctrl+q"},
        "profile": "work",
    }
    assert load_settings(config, env={}).gateway.base_url == "https://w.example"


def test_set_empty_value_removes_an_optional_key(config: Path) -> None:
    set_config_value(config, "artist", "Ann")
    set_config_value(config, "profiles.work.token", TOKEN)
    set_config_value(config, "keys.quit", "q")
    set_config_value(config, "artist", "")
    set_config_value(config, "profiles.work.token", "")
    set_config_value(config, "keys.quit", "")
    assert read(config) == {}


@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        ("batch_size", "fifty", "key 'batch_size' must be an integer from 1 to 50, got 'fifty'"),
        ("batch_size", "", "key 'batch_size' must be an integer from 1 to 50, got ''"),
        ("tag_mp3", "maybe", "key 'tag_mp3' must be true or false, got 'maybe'"),
        ("assets", "audio,mp4", "key 'assets' must be a list drawn from"),
        ("bach_size", "3", "unknown key 'bach_size' (did you mean 'batch_size'?)"),
        ("profiles.work.tokn", "x", "unknown key 'profiles.work.tokn' (did you mean 'token'?)"),
        ("profiles.work.poll_interval", "3", "(a profile may set base_url"),
        ("profiles.bad name.token", "x", "profile name"),
        ("keys", "x", "set entries as keys.BINDING"),
        ("profile", "nope", "key 'profile' names profile 'nope'"),
        ("profiles.default.batch_size", "3", "[profiles.default] is not allowed"),
        ("ca_bundle", "/no/such/file.pem", "must be the path of an existing file"),
    ],
)
def test_set_rejects_bad_values_and_keeps_the_file(
    config: Path, key: str, text: str, expected: str
) -> None:
    set_config_value(config, "artist", "Ann")
    before = config.read_bytes()
    with pytest.raises(ConfigError) as caught:
        set_config_value(config, key, text)
    assert expected in str(caught.value)
    assert config.read_bytes() == before


def test_set_token_value_not_in_errors(config: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        set_config_value(config, "token", TOKEN + " space")
    assert TOKEN not in str(caught.value)


def test_set_refuses_to_rewrite_an_invalid_file(config: Path) -> None:
    config.parent.mkdir()
    config.write_text("batch_size = \n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        set_config_value(config, "artist", "Ann")
    assert config.read_text() == "batch_size = \n"


@pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32", reason="symlinks")
def test_set_writes_through_a_symlink(config: Path, tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "suno.toml"
    real.parent.mkdir()
    real.write_text("batch_size = 3\n")
    config.parent.mkdir()
    config.symlink_to(real)
    set_config_value(config, "artist", "Ann")
    assert config.is_symlink()
    assert read(real) == {"batch_size": 3, "artist": "Ann"}


def test_set_leaves_no_temporary_files(config: Path) -> None:
    set_config_value(config, "artist", "Ann")
    with pytest.raises(ConfigError):
        set_config_value(config, "batch_size", "0")
    assert sorted(p.name for p in config.parent.iterdir()) == ["config.toml"]


# --- permissions warning ----------------------------------------------------------------


@posix_only
@pytest.mark.parametrize(
    ("text", "file_mode", "warns"),
    [
        (f'token = "{TOKEN}"\n', 0o644, True),
        (f'token = "{TOKEN}"\n', 0o640, True),
        (f'token = "{TOKEN}"\n', 0o600, False),
        (f'[profiles.w]\ntoken = "{TOKEN}"\n', 0o604, True),
        ('token_command = "pass x"\n', 0o644, False),
        ("batch_size = 3\n", 0o644, False),
        (f'token = "{TOKEN}"\nbroken =\n', 0o644, True),  # invalid TOML still holding a token
    ],
)
def test_permissions_warning(config: Path, text: str, file_mode: int, warns: bool) -> None:
    config.parent.mkdir()
    config.write_text(text)
    config.chmod(file_mode)
    message = config_permissions_warning(config)
    assert (message is not None) is warns
    if message is not None:
        assert str(config) in message and "chmod 600" in message
        assert TOKEN not in message


def test_permissions_warning_for_missing_file(config: Path) -> None:
    assert config_permissions_warning(config) is None


@given(st.integers(min_value=-1000, max_value=1000) | st.text(max_size=8))
@settings(max_examples=60, deadline=None)
def test_set_then_load_round_trips_or_refuses(value: int | str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        try:
            set_config_value(path, "batch_size", str(value))
        except ConfigError as exc:
            assert "\n" not in str(exc) and not path.exists()
            return
        assert load_settings(path, env={}).gateway.batch_size == int(str(value).strip())

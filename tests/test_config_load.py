"""Loading settings: defaults, layers and their precedence, profiles, errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from suno_tui.config import (
    DEFAULT_BASE_URL,
    ConfigError,
    Gateway,
    Settings,
    default_config_path,
    default_download_dir,
    default_state_path,
    load_settings,
    resolve_config_path,
)

TOKEN = "sk-DISTINCTIVE-7f3a9c0e"


pytestmark = pytest.mark.usefixtures("isolated_user")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return tmp_path / "config.toml"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path, env: dict[str, str] | None = None, **overrides: object) -> Settings:
    return load_settings(path, env=env or {}, overrides=overrides)


# --- defaults and paths -------------------------------------------------------------


def test_missing_file_gives_defaults(config: Path) -> None:
    settings = load(config)
    assert settings.gateway.base_url == DEFAULT_BASE_URL == "https://api.gpt.ge"
    assert settings.gateway.token is None and settings.gateway.token_command is None
    assert settings.gateway.batch_size == 50
    assert settings.request_timeout == 30.0
    assert settings.poll_interval == 10.0
    assert settings.max_backoff == 300.0
    assert settings.assets == ("audio", "image", "lyrics", "json")
    assert settings.name_template == "{title} [{clip_id:.8}].{ext}"
    assert settings.tag_mp3 and settings.bell and settings.mouse and settings.verify_tls
    assert not settings.notify
    assert settings.artist is None and settings.on_finish is None and settings.ca_bundle is None
    assert settings.download_concurrency == 3
    assert dict(settings.keys) == {}
    assert settings.profile == "default"
    assert set(settings.gateways) == {"default"}
    assert settings.gateway == Gateway("default", DEFAULT_BASE_URL, None, None, 50)
    assert settings.config_path == config
    assert settings.download_dir == default_download_dir()
    assert settings.state_path == default_state_path()
    assert set(settings.sources.values()) == {"default"}


def test_default_paths_follow_xdg(tmp_path: Path) -> None:
    assert default_config_path() == tmp_path / "xdg-config" / "suno-tui" / "config.toml"
    assert default_state_path() == tmp_path / "xdg-data" / "suno-tui" / "state.db"
    assert default_download_dir().name == "suno-tui"


def test_config_path_resolution(tmp_path: Path) -> None:
    named = tmp_path / "named.toml"
    assert resolve_config_path(None, {}) == default_config_path()
    assert resolve_config_path(None, {"SUNO_TUI_CONFIG": str(named)}) == named
    assert resolve_config_path(tmp_path / "x.toml", {"SUNO_TUI_CONFIG": str(named)}) == (
        tmp_path / "x.toml"
    )


def test_config_path_from_environment_is_read(tmp_path: Path) -> None:
    named = write(tmp_path / "named.toml", "batch_size = 7\n")
    settings = load_settings(None, env={"SUNO_TUI_CONFIG": str(named)})
    assert settings.gateway.batch_size == 7
    assert settings.config_path == named


def test_settings_constructed_directly_are_consistent() -> None:
    assert Settings().gateway == Gateway("default")
    settings = Settings(poll_interval=5.0).with_gateway(Gateway(base_url="http://x", token=TOKEN))
    assert settings.gateway is settings.gateways["default"]
    assert settings.gateway.base_url == "http://x" and settings.gateway.resolve_token() == TOKEN
    assert settings.profile == "default" and settings.poll_interval == 5.0
    work = settings.with_gateway(Gateway("work", "https://work.example"))
    assert work.profile == "work" and work.gateway is work.gateways["work"]
    assert list(work.gateways) == ["default", "work"]  # the default one is kept


def test_settings_refuse_an_unknown_or_misfiled_gateway() -> None:
    with pytest.raises(ValueError, match="'work' is not among the gateways"):
        Settings(profile="work")
    with pytest.raises(ValueError, match="filed under"):
        Settings(gateways={"work": Gateway("other")})


# --- precedence -----------------------------------------------------------------------


def test_file_beats_defaults(config: Path) -> None:
    write(config, 'base_url = "https://file.example/"\npoll_interval = 5\nassets = ["audio"]\n')
    settings = load(config)
    assert settings.gateway.base_url == "https://file.example"  # trailing slash dropped
    assert settings.poll_interval == 5.0 and isinstance(settings.poll_interval, float)
    assert settings.assets == ("audio",)
    assert settings.sources["base_url"] == "file"
    assert settings.sources["batch_size"] == "default"


def test_environment_beats_file(config: Path, tmp_path: Path) -> None:
    write(
        config,
        f'base_url = "https://file.example"\ntoken = "file-token"\n'
        f'download_dir = "{tmp_path / "file-dl"}"\nstate_path = "{tmp_path / "file.db"}"\n',
    )
    env = {
        "SUNO_TUI_BASE_URL": "https://env.example",
        "SUNO_TUI_TOKEN": TOKEN,
        "SUNO_TUI_DOWNLOAD_DIR": str(tmp_path / "env-dl"),
        "SUNO_TUI_STATE": str(tmp_path / "env.db"),
    }
    settings = load(config, env)
    assert settings.gateway.base_url == "https://env.example"
    assert settings.gateway.token == TOKEN
    assert settings.download_dir == tmp_path / "env-dl"
    assert settings.state_path == tmp_path / "env.db"
    assert settings.sources["token"] == "env SUNO_TUI_TOKEN"


def test_token_from_environment_is_stripped(config: Path) -> None:
    assert load(config, {"SUNO_TUI_TOKEN": f" {TOKEN}\n"}).gateway.token == TOKEN


def test_empty_environment_variable_counts_as_unset(config: Path) -> None:
    write(config, 'base_url = "https://file.example"\n')
    assert load(config, {"SUNO_TUI_BASE_URL": ""}).gateway.base_url == "https://file.example"


def test_command_line_beats_environment(config: Path) -> None:
    write(config, "batch_size = 20\nrequest_timeout = 5\n")
    env = {"SUNO_TUI_BASE_URL": "https://env.example", "SUNO_TUI_TOKEN": "env-token"}
    settings = load(
        config,
        env,
        base_url="https://flag.example",
        token=TOKEN,
        batch_size=30,
        request_timeout=7.5,
        verify_tls=False,
    )
    assert settings.gateway.base_url == "https://flag.example"
    assert settings.gateway.token == TOKEN
    assert settings.gateway.batch_size == 30
    assert settings.request_timeout == 7.5
    assert settings.verify_tls is False
    assert settings.sources["base_url"] == "command line"
    assert settings.gateway.base_url == "https://flag.example"


def test_none_overrides_are_ignored(config: Path) -> None:
    write(config, "batch_size = 20\n")
    assert load(config, base_url=None, batch_size=None).gateway.batch_size == 20


def test_string_overrides_are_parsed(config: Path) -> None:
    settings = load(config, batch_size="12", verify_tls="no", assets="audio,video")
    assert settings.gateway.batch_size == 12
    assert settings.verify_tls is False
    assert settings.assets == ("audio", "video")


def test_unknown_override_is_a_programming_error(config: Path) -> None:
    with pytest.raises(ValueError, match="bogus"):
        load(config, bogus=1)


def test_relative_paths_in_file_are_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    config = write(
        tmp_path / "sub" / "config.toml", 'download_dir = "music"\nstate_path = "~/s.db"\n'
    )
    settings = load(config)
    assert settings.download_dir == tmp_path / "sub" / "music"
    assert settings.state_path == Path.home() / "s.db"


def test_relative_paths_from_environment_are_relative_to_cwd(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load(config, {"SUNO_TUI_DOWNLOAD_DIR": "out"})
    assert settings.download_dir == tmp_path / "out"


def test_keys_table(config: Path) -> None:
    write(config, '[keys]\nquit = "ctrl+q"\n"app.refresh" = "f5"\n')
    settings = load(config)
    assert dict(settings.keys) == {"quit": "ctrl+q", "app.refresh": "f5"}


def test_settings_are_immutable(config: Path) -> None:
    write(config, '[keys]\nquit = "ctrl+q"\n')
    settings = load(config)
    with pytest.raises(AttributeError):
        settings.poll_interval = 3.0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        settings.gateway.batch_size = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        settings.gateways["x"] = Gateway("x")  # type: ignore[index]
    with pytest.raises(TypeError):
        settings.keys["quit"] = "x"  # type: ignore[index]


def test_ca_bundle_must_exist(config: Path, tmp_path: Path) -> None:
    bundle = write(tmp_path / "ca.pem", "---")
    assert load(config, ca_bundle=str(bundle)).ca_bundle == bundle
    with pytest.raises(ConfigError, match=r"ca_bundle.*existing file"):
        load(config, ca_bundle=str(tmp_path / "missing.pem"))


# --- profiles -----------------------------------------------------------------------

PROFILES = f"""
base_url = "https://main.example"
token = "{TOKEN}"
batch_size = 40
poll_interval = 20

[profiles.same]
batch_size = 10

[profiles.other]
base_url = "https://other.example"

[profiles.own]
base_url = "https://own.example"
token_command = "print-token"
"""


def test_default_gateway_comes_from_top_level(config: Path) -> None:
    write(config, PROFILES)
    settings = load(config)
    assert settings.profile == "default"
    assert settings.gateway == Gateway("default", "https://main.example", TOKEN, None, 40)
    assert set(settings.gateways) == {"default", "same", "other", "own"}


def test_profile_inherits_from_top_level(config: Path) -> None:
    write(config, PROFILES)
    settings = load(config, profile="same")
    assert settings.gateway == Gateway("same", "https://main.example", TOKEN, None, 10)
    assert settings.gateway.batch_size == 10 and settings.gateway.token == TOKEN
    assert settings.poll_interval == 20.0  # non-gateway keys are shared
    assert settings.sources["batch_size"] == "profile same"
    assert settings.sources["base_url"] == "file"


def test_profile_with_other_base_url_does_not_inherit_the_token(config: Path) -> None:
    write(config, PROFILES)
    gateway = load(config, profile="other").gateway
    assert gateway.base_url == "https://other.example"
    assert gateway.token is None and gateway.token_command is None
    assert gateway.batch_size == 40


def test_profile_with_own_credentials_does_not_inherit_the_token(config: Path) -> None:
    write(config, PROFILES)
    gateway = load(config, profile="own").gateway
    assert gateway.token is None
    assert gateway.token_command == "print-token"


def test_profile_selection_layers(config: Path) -> None:
    write(config, 'profile = "same"\n' + PROFILES)
    assert load(config).profile == "same"
    assert load(config, {"SUNO_TUI_PROFILE": "other"}).profile == "other"
    assert load(config, {"SUNO_TUI_PROFILE": "other"}, profile="own").profile == "own"
    assert load(config, profile="default").gateway.base_url == "https://main.example"


def test_environment_and_flags_apply_to_the_selected_gateway(config: Path) -> None:
    write(config, PROFILES)
    settings = load(config, {"SUNO_TUI_TOKEN": "env-token"}, profile="other", batch_size=5)
    assert settings.gateway == Gateway("other", "https://other.example", "env-token", None, 5)
    assert settings.gateways["other"] == settings.gateway
    # The other gateways keep their own values.
    assert settings.gateways["default"].token == TOKEN
    assert settings.gateways["default"].batch_size == 40


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("batch_size = \n", r"config\.toml line 1: invalid TOML \(Invalid value\)"),
        ("base_url = 'x'\nfoo\n", r"config\.toml line 2: invalid TOML \(Expected '=' after a key"),
        ('a = "unterminated', r"config\.toml: invalid TOML \(Unterminated string\)$"),
        ('a = "unterminated\n', r"config\.toml line 1: invalid TOML \(Illegal character '\\n'\)"),
    ],
)
def test_invalid_toml(config: Path, text: str, expected: str) -> None:
    write(config, text)
    with pytest.raises(ConfigError, match=expected):
        load(config)


def test_not_utf8(config: Path) -> None:
    config.write_bytes(b'artist = "ok"\nartist2 = "\xff"\n')
    with pytest.raises(ConfigError, match=r"config\.toml line 2: invalid TOML \(not UTF-8"):
        load(config)


def test_unreadable_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load(tmp_path)  # a directory


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('batch_size = "fifty"', "key 'batch_size' must be an integer from 1 to 50, got 'fifty'"),
        ("batch_size = 0", "key 'batch_size' must be an integer from 1 to 50, got 0"),
        ("batch_size = 51", "key 'batch_size' must be an integer from 1 to 50, got 51"),
        ("batch_size = 100", "key 'batch_size' must be an integer from 1 to 50, got 100"),
        ("batch_size = true", "must be an integer from 1 to 50, got true"),
        ("batch_size = 5.5", "must be an integer from 1 to 50, got 5.5"),
        ("poll_interval = 1", "key 'poll_interval' must be a number of seconds from 2 to 3600"),
        ("request_timeout = 0", "key 'request_timeout' must be a number of seconds"),
        ("max_backoff = nan", "key 'max_backoff' must be a number of seconds"),
        ("download_concurrency = 17", "key 'download_concurrency' must be an integer from 1 to 16"),
        ('tag_mp3 = "yes"', "key 'tag_mp3' must be true or false, got 'yes'"),
        ("artist = 3", "key 'artist' must be a non-empty single-line string, got 3"),
        ('artist = "a\\u001b[2Jb"', "key 'artist' must be a non-empty single-line string"),
        ('base_url = "ftp://x.example"', "key 'base_url' must be an http(s) URL"),
        ('base_url = "https://"', "key 'base_url' must be an http(s) URL"),
        ('base_url = "https://x.example/?a=1"', "without a query or fragment"),
        ('assets = ["audio", "mp4"]', "key 'assets' must be a list drawn from audio, image, video"),
        ("assets = []", "key 'assets' must be a list drawn from"),
        ('assets = "audio"', "key 'assets' must be a list drawn from"),
        ('name_template = "{title.__class__}"', "fields are plain names"),
        ('name_template = "{title"', "key 'name_template' must be a valid template"),
        ('on_finish = "echo \'unclosed"', "key 'on_finish' must be a valid command line"),
        ('player = "mpv \'unclosed"', "key 'player' must be a valid command line"),
        ('player = "   "', "key 'player' must be a command line"),
        ("player = 3", "key 'player' must be a command line"),
        ('token_command = "  "', "key 'token_command' must be a command line"),
        ('profile = "no spaces"', "key 'profile' must be a profile name"),
        ("keys = 3", "key 'keys' must be a table"),
        ("[keys]\nquit = 5", "key 'keys.quit' must be a key name"),
        ("profiles = 3", "key 'profiles' must be a table"),
        ("[profiles]\nwork = 3", "key 'profiles.work' must be a table"),
        ('[profiles."bad name"]\nbatch_size = 3', "profile name must be a profile name"),
        ("[profiles.default]\nbatch_size = 3", r"\[profiles.default\] is not allowed"),
        ("[profiles.work]\nbatch_size = 0", "key 'profiles.work.batch_size' must be an integer"),
        ("max_backoff = 5\npoll_interval = 10", "max_backoff .* must be at least poll_interval"),
    ],
)
def test_bad_values(config: Path, text: str, expected: str) -> None:
    write(config, text + "\n")
    with pytest.raises(ConfigError) as caught:
        load(config)
    message = str(caught.value)
    assert expected in message or re.search(expected, message), message
    assert "\n" not in message and "\x1b" not in message


def test_error_names_the_file(config: Path) -> None:
    write(config, 'batch_size = "fifty"\n')
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(config))}: key "):
        load(config)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bach_size = 3", "unknown key 'bach_size' (did you mean 'batch_size'?)"),
        ("tokn = 'x'", "unknown key 'tokn' (did you mean 'token'?)"),
        ("zzz = 1", "unknown key 'zzz'"),
        (
            "[profiles.work]\nbase_ur = 'x'",
            "unknown key 'profiles.work.base_ur' (did you mean 'base_url'?)",
        ),
        ("[profiles.work]\npoll_interval = 3", "(a profile may set base_url, token"),
    ],
)
def test_unknown_keys(config: Path, text: str, expected: str) -> None:
    write(config, text + "\n")
    with pytest.raises(ConfigError) as caught:
        load(config)
    assert expected in str(caught.value)


def test_unknown_key_without_close_match_has_no_suggestion(config: Path) -> None:
    write(config, "zzz = 1\n")
    with pytest.raises(ConfigError) as caught:
        load(config)
    assert "did you mean" not in str(caught.value)


def test_unknown_profile_selected(config: Path) -> None:
    write(config, PROFILES)
    with pytest.raises(ConfigError, match=r"unknown profile 'sme' .*did you mean 'same'"):
        load(config, profile="sme")
    with pytest.raises(ConfigError, match=r"unknown profile 'nope' .*SUNO_TUI_PROFILE"):
        load(config, {"SUNO_TUI_PROFILE": "nope"})


def test_unknown_profile_in_file(config: Path) -> None:
    write(config, 'profile = "work"\n')
    with pytest.raises(ConfigError, match=r"key 'profile' names profile 'work'"):
        load(config)


def test_bad_environment_value(config: Path) -> None:
    with pytest.raises(ConfigError, match="environment variable SUNO_TUI_BASE_URL must be"):
        load(config, {"SUNO_TUI_BASE_URL": "not a url"})


def test_bad_override_value(config: Path) -> None:
    with pytest.raises(ConfigError, match="command-line value for 'batch_size' must be"):
        load(config, batch_size=500)


# --- the token stays secret ------------------------------------------------------------


def test_token_not_in_repr_or_str(config: Path) -> None:
    write(config, f'token = "{TOKEN}"\n[profiles.same]\nbatch_size = 3\n')
    settings = load(config)
    for text in (
        repr(settings),
        str(settings),
        repr(settings.gateway),
        str(settings.gateway),
        repr(settings.gateways),
        repr(load(config, profile="same")),
    ):
        assert TOKEN not in text
    assert settings.gateway.token == TOKEN


def test_secrets_of_the_selected_gateway_not_in_repr_or_str(config: Path) -> None:
    """The selected gateway is only in ``gateways``: its secrets, from a file,
    the environment or built directly, stay out of the text of Settings."""
    access = "acc-DISTINCTIVE-55aa"
    built = Settings().with_gateway(Gateway("work", token=TOKEN, access_token=access))
    loaded = load(config, {"SUNO_TUI_TOKEN": TOKEN, "SUNO_TUI_ACCESS_TOKEN": access})
    for settings in (built, loaded):
        texts = [repr(settings), str(settings), repr(settings.gateways), str(settings.gateway)]
        assert not [text for text in texts if TOKEN in text or access in text]
        assert settings.gateway.token == TOKEN and settings.gateway.access_token == access


@pytest.mark.parametrize(
    "text",
    [
        f'token = "{TOKEN} with spaces"',
        f"token = ['{TOKEN}']",
        f'token = "{TOKEN}\\u0007"',
        f'[profiles.w]\ntoken = "{TOKEN} x"',
        f'base_url = "https://user:{TOKEN}@x.example"',
    ],
)
def test_token_not_in_errors(config: Path, text: str) -> None:
    write(config, text + "\n")
    with pytest.raises(ConfigError) as caught:
        load(config)
    assert TOKEN not in str(caught.value)


def test_token_override_not_in_errors(config: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load(config, {"SUNO_TUI_TOKEN": TOKEN + " space"})
    assert TOKEN not in str(caught.value)
    assert "SUNO_TUI_TOKEN" in str(caught.value)


def test_every_key_is_a_settings_or_gateway_field() -> None:
    import dataclasses

    from suno_tui.config.schema import GATEWAY_KEYS, KEYS

    fields = {f.name for f in dataclasses.fields(Settings)}
    gateway_fields = {f.name for f in dataclasses.fields(Gateway)}
    assert set(GATEWAY_KEYS) == gateway_fields - {"name"}
    assert set(KEYS) - set(GATEWAY_KEYS) <= fields
    assert fields - set(KEYS) == {"gateways", "config_path", "sources"}
    assert not fields & set(GATEWAY_KEYS)  # the selected gateway lives in gateways only

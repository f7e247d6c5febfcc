"""Account-mode keys: access token (secret like the API key), user id and header,
account_api, follow_account and account_interval; their environment variables,
profile inheritance, masking by ``config show`` and absence from errors."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from suno_tui.cli import main
from suno_tui.config import ConfigError, Settings, load_settings
from suno_tui.config.account_keys import MIN_ACCOUNT_INTERVAL

ACCESS = "acc-DISTINCTIVE-5e1b77d2"
TOKEN = "sk-DISTINCTIVE-7f3a9c0e"

pytestmark = pytest.mark.usefixtures("isolated_user")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return tmp_path / "config.toml"


def load(path: Path, env: dict[str, str] | None = None, **overrides: object) -> Settings:
    return load_settings(path, env=env or {}, overrides=overrides)


def test_defaults(config: Path) -> None:
    settings = load(config)
    assert settings.gateway.access_token is None and settings.gateway.access_token_command is None
    assert settings.gateway.user_id is None
    assert settings.gateway.user_header == "New-Api-User"
    assert settings.gateway.account_api == "auto"
    assert settings.gateway.follow_account is False
    assert settings.gateway.account_interval == 300.0
    assert settings.gateway.resolve_access_token() is None


def test_file_and_profiles(config: Path) -> None:
    config.write_text(
        f'access_token = "{ACCESS}"\nuser_id = 42\naccount_api = "New-API"\n'
        "follow_account = true\naccount_interval = 120\n"
        '[profiles.same]\nuser_header = "Veloera-User"\n'
        '[profiles.cmd]\naccess_token_command = "print-it"\n'
        '[profiles.other]\nbase_url = "https://other.example"\n'
        '[profiles.hub]\nbase_url = "https://hub.example"\naccount_api = "one-hub"\n'
        f'access_token = "{ACCESS}-hub"\n'
    )
    default = load(config).gateway
    assert (default.access_token, default.user_id, default.account_api) == (ACCESS, 42, "new-api")
    assert default.follow_account and default.account_interval == 120.0
    same = load(config, profile="same").gateway
    assert same.user_header == "Veloera-User" and same.access_token == ACCESS
    assert same.user_id == 42 and same.follow_account
    # naming the command drops the inherited access token (it would shadow it)
    cmd = load(config, profile="cmd").gateway
    assert cmd.access_token is None and cmd.access_token_command == "print-it"
    assert cmd.user_id == 42
    # another server: no credentials and no user id of the first one
    other = load(config, profile="other")
    assert other.gateway.access_token is None and other.gateway.user_id is None
    assert other.gateway.token is None
    assert other.sources["access_token"] == "profile other, not inherited"
    hub = load(config, profile="hub").gateway
    assert hub.access_token == f"{ACCESS}-hub" and hub.account_api == "one-hub"


def test_environment(config: Path) -> None:
    settings = load(config, {"SUNO_TUI_ACCESS_TOKEN": f" {ACCESS}\n", "SUNO_TUI_USER_ID": "7"})
    assert settings.gateway.access_token == ACCESS
    assert settings.gateway.user_id == 7
    assert settings.sources["access_token"] == "env SUNO_TUI_ACCESS_TOKEN"


def test_access_token_command(config: Path, tmp_path: Path) -> None:
    script = tmp_path / "print-access"
    script.write_text(f"#!/bin/sh\necho {ACCESS}\n")
    script.chmod(0o700)
    config.write_text(f'access_token_command = "{script}"\n')
    assert load(config).gateway.resolve_access_token() == ACCESS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("user_id = 0", "key 'user_id' must be a positive integer"),
        ("user_id = 'abc'", "key 'user_id' must be a positive integer"),
        ("user_id = true", "key 'user_id' must be a positive integer"),
        ("user_header = 'Bad Header'", "key 'user_header' must be an HTTP header name"),
        ("account_api = 'newapi'", "must be one of auto, new-api, one-hub, off"),
        ("follow_account = 'yes'", "key 'follow_account' must be true or false"),
        ("account_interval = 5", f"from {MIN_ACCOUNT_INTERVAL:g} to 86400"),
        ("balance_unit = 'EUR'", "key 'balance_unit' must be one of auto, USD, CNY, tokens"),
    ],
)
def test_bad_values(config: Path, text: str, expected: str) -> None:
    config.write_text(text + "\n")
    with pytest.raises(ConfigError, match=expected):
        load(config)


def test_balance_unit_per_profile(config: Path) -> None:
    """The billing endpoints' unit is not in their answer: the profile says it
    (any case, spelled back as listed), inherited like the other gateway keys."""
    assert load(config).gateway.balance_unit == "auto"
    config.write_text(
        'balance_unit = "usd"\n[profiles.cn]\nbase_url = "https://cn.example"\n'
        'balance_unit = "Cny"\n[profiles.raw]\nbalance_unit = "TOKENS"\n[profiles.same]\n'
    )
    settings = load(config)
    assert settings.gateway.balance_unit == "USD"
    assert settings.gateway is settings.gateways["default"]
    assert settings.gateways["cn"].balance_unit == "CNY"
    assert settings.gateways["raw"].balance_unit == "tokens"
    assert settings.gateways["same"].balance_unit == "USD"
    assert load(config, profile="cn").gateway.balance_unit == "CNY"


def test_user_id_as_digit_string(config: Path) -> None:
    config.write_text('user_id = "1234"\n')
    assert load(config).gateway.user_id == 1234


@pytest.mark.parametrize(
    "text",
    [
        f'access_token = "{ACCESS} with spaces"',
        f"access_token = ['{ACCESS}']",
        f'[profiles.w]\naccess_token = "{ACCESS}\\u0007"',
    ],
)
def test_access_token_not_in_errors(config: Path, text: str) -> None:
    config.write_text(text + "\n")
    with pytest.raises(ConfigError) as caught:
        load(config)
    assert ACCESS not in str(caught.value)


def test_access_token_not_in_env_errors_or_repr(config: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load(config, {"SUNO_TUI_ACCESS_TOKEN": ACCESS + " x"})
    assert ACCESS not in str(caught.value) and "SUNO_TUI_ACCESS_TOKEN" in str(caught.value)
    settings = load(config, {"SUNO_TUI_ACCESS_TOKEN": ACCESS})
    for text in (repr(settings), str(settings.gateway), repr(settings.gateways)):
        assert ACCESS not in text


def test_access_token_command_failure_hides_the_output(config: Path, tmp_path: Path) -> None:
    script = tmp_path / "fails"
    script.write_text(f"#!/bin/sh\necho {ACCESS}\necho 'bad: {ACCESS}' >&2\nexit 3\n")
    script.chmod(0o700)
    config.write_text(f'access_token_command = "{script}"\n')
    with pytest.raises(ConfigError) as caught:
        load(config).gateway.resolve_access_token()
    assert ACCESS not in str(caught.value)
    assert "access_token_command failed with exit status 3" in str(caught.value)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_show_masks_the_access_token(
    capsys: pytest.CaptureFixture[str], config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config.write_text(
        f'access_token = "{ACCESS}"\nuser_id = 9\n[profiles.w]\naccess_token = "{ACCESS}-w"\n'
    )
    config.chmod(0o600)
    monkeypatch.setenv("SUNO_TUI_ACCESS_TOKEN", ACCESS + "-env")
    code, out, err = run(capsys, "config", "show", "--config", str(config))
    assert code == 0
    assert ACCESS not in out and ACCESS not in err
    assert 'access_token = "***"  # from env SUNO_TUI_ACCESS_TOKEN' in out
    assert "user_id = 9  # from file" in out
    assert 'account_api = "auto"' in out
    assert 'balance_unit = "auto"' in out
    assert out.count('access_token = "***"') == 3  # selected, [gateways.default], [gateways.w]


def test_set_access_token_from_stdin_and_the_permission_warning(
    capsys: pytest.CaptureFixture[str], config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(ACCESS + "\n"))
    code, out, err = run(capsys, "config", "set", "--config", str(config), "access_token", "-")
    assert code == 0 and ACCESS not in out + err
    assert f'access_token = "{ACCESS}"' in config.read_text()
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    config.chmod(0o644)
    code, _, err = run(capsys, "config", "path", "--config", str(config))
    assert "holds a token and is readable by other users" in err


def test_a_profile_key_that_belongs_at_the_top_level_says_so(config: Path) -> None:
    config.write_text("[profiles.w]\npoll_interval = 20\n")
    with pytest.raises(ConfigError, match="poll_interval is set at the top level"):
        load(config)

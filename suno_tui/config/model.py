"""The settings objects handed to the rest of the program (immutable)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from suno_tui.config.account_keys import DEFAULT_ACCOUNT_INTERVAL, DEFAULT_USER_HEADER
from suno_tui.config.paths import default_config_path, default_download_dir, default_state_path
from suno_tui.config.schema import (
    DEFAULT_ASSETS,
    DEFAULT_BASE_URL,
    DEFAULT_BATCH_SIZE,
    DEFAULT_MIN_SPEED,
    DEFAULT_MIN_SPEED_TIME,
    DEFAULT_NAME_TEMPLATE,
    DEFAULT_PROFILE,
)
from suno_tui.config.tokens import TOKEN_COMMAND_TIMEOUT, run_token_command

__all__ = ["Gateway", "Settings"]


def _empty_mapping() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Gateway:
    """One API gateway: where to send requests and how to authenticate.

    The token and the access token are left out of ``repr()`` and ``str()``.
    The ``access_*``, ``user_*`` and ``account_*`` keys are for account mode
    (``/api/task/self``, docs/gateway.md); the API key (``token``) stays
    the only credential for fetches and submits.
    """

    name: str = DEFAULT_PROFILE
    base_url: str = DEFAULT_BASE_URL
    token: str | None = field(default=None, repr=False)
    token_command: str | None = None
    batch_size: int = DEFAULT_BATCH_SIZE
    access_token: str | None = field(default=None, repr=False)
    access_token_command: str | None = None
    user_id: int | None = None
    user_header: str = DEFAULT_USER_HEADER
    account_api: str = "auto"
    follow_account: bool = False
    account_interval: float = DEFAULT_ACCOUNT_INTERVAL
    balance_unit: str = "auto"

    def resolve_token(self, *, timeout: float = TOKEN_COMMAND_TIMEOUT) -> str | None:
        """The token: ``token`` if set, else the output of ``token_command``, else None.

        Raises ConfigError (without the token in it) if the command fails.
        """
        if self.token is not None:
            return self.token
        if self.token_command is None:
            return None
        label = f"profile '{self.name}': token_command"
        return run_token_command(self.token_command, label=label, timeout=timeout)

    def resolve_access_token(self, *, timeout: float = TOKEN_COMMAND_TIMEOUT) -> str | None:
        """The access token: ``access_token``, else ``access_token_command``'s output, else None.

        Raises ConfigError (without the access token in it) if the command fails.
        """
        if self.access_token is not None:
            return self.access_token
        if self.access_token_command is None:
            return None
        label = f"profile '{self.name}': access_token_command"
        return run_token_command(self.access_token_command, label=label, timeout=timeout)


def _empty_gateways() -> Mapping[str, Gateway]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Settings:
    """The effective configuration: defaults < file < environment < command line.

    ``gateways`` holds every configured gateway, "default" always among them;
    ``profile`` names the selected one, ``gateway``, whose values include the
    environment and command-line overrides. ``sources`` says where each value
    came from ("default", "file", "profile NAME", "env VAR", "command line"),
    the gateway keys' for the selected gateway. The tokens are left out of
    ``repr()``/``str()`` (Gateway hides them).

    Tests and scripts build one around a single gateway with
    ``Settings(...).with_gateway(Gateway(...))``.
    """

    request_timeout: float = 30.0
    poll_interval: float = 10.0
    max_backoff: float = 300.0
    download_dir: Path = field(default_factory=default_download_dir)
    state_path: Path = field(default_factory=default_state_path)
    assets: tuple[str, ...] = DEFAULT_ASSETS
    name_template: str = DEFAULT_NAME_TEMPLATE
    tag_mp3: bool = True
    artist: str | None = None
    download_concurrency: int = 3
    download_min_speed: int = DEFAULT_MIN_SPEED
    download_min_speed_time: float = DEFAULT_MIN_SPEED_TIME
    # asked of the gateway with every download (hosted gateways; may be billed)
    wav: bool = False
    lrc: bool = False
    on_finish: str | None = None
    player: str | None = None
    bell: bool = True
    images: bool = True
    notify: bool = False
    verify_tls: bool = True
    ca_bundle: Path | None = None
    mouse: bool = True
    keys: Mapping[str, str] = field(default_factory=_empty_mapping)
    profile: str = DEFAULT_PROFILE
    gateways: Mapping[str, Gateway] = field(default_factory=_empty_gateways)
    config_path: Path = field(default_factory=default_config_path)
    sources: Mapping[str, str] = field(default_factory=_empty_mapping, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Freeze the mappings; "default" is always there, the selected one must be.
        gateways = dict(self.gateways)
        gateways.setdefault(DEFAULT_PROFILE, Gateway(DEFAULT_PROFILE))
        for name, gateway in gateways.items():
            if gateway.name != name:
                raise ValueError(f"gateway {gateway.name!r} filed under {name!r}")
        if self.profile not in gateways:
            raise ValueError(f"the selected profile {self.profile!r} is not among the gateways")
        object.__setattr__(self, "gateways", MappingProxyType(gateways))
        object.__setattr__(self, "keys", MappingProxyType(dict(self.keys)))
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))

    @property
    def gateway(self) -> Gateway:
        """The selected gateway (``gateways[profile]``), overrides applied."""
        return self.gateways[self.profile]

    def with_gateway(self, gateway: Gateway) -> Settings:
        """These settings with ``gateway`` selected, put in ``gateways`` under its
        name (in place of one of that name); ``sources`` is kept as it is."""
        gateways = {**self.gateways, gateway.name: gateway}
        return replace(self, profile=gateway.name, gateways=gateways)

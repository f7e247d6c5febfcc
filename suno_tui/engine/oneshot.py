"""One request and done: ``suno-tui fetch`` (one batch query), ``suno-tui
submit`` (one job, then on the watch list), ``suno-tui tasks`` (the account's
task list) and ``suno-tui balance`` (what the key has left). The clients come
from the engine's one builder; the command only prints."""

from __future__ import annotations

from dataclasses import dataclass

from suno_tui.account.clients import account_client_for
from suno_tui.config import ConfigError, Settings
from suno_tui.engine.clients import client_for
from suno_tui.relay.account import TaskListing, TaskQuery, TaskSink
from suno_tui.relay.balance import Balance, fetch_balance
from suno_tui.relay.fetch_result import FetchResult
from suno_tui.relay.submit_requests import LyricsRequest, MusicRequest

NO_ACCESS_TOKEN = (
    "no access token: account mode needs the access token from the gateway's "  # noqa: S105
    "web console (access_token, access_token_command or SUNO_TUI_ACCESS_TOKEN)"
)


async def fetch_tasks(settings: Settings, ids: list[str]) -> FetchResult:
    """One batch query for ``ids``: RelayError if it fails, ConfigError if no
    client can be built."""
    async with client_for(settings) as client:
        return await client.fetch(ids)


@dataclass
class SubmitAttempt:
    """What a caller can still learn when the submit is interrupted (Ctrl-C)."""

    #: the request went out (or may have): the job may exist
    sent: bool = False


async def submit_job(
    settings: Settings,
    request: MusicRequest | LyricsRequest,
    attempt: SubmitAttempt | None = None,
) -> str:
    """Send one job to the selected profile's gateway (never retried); its task id."""
    async with client_for(settings) as client:
        try:
            if isinstance(request, LyricsRequest):
                return str(await client.submit_lyrics(request.prompt))
            return str(await client.submit_music(request.payload()))
        finally:  # on cancellation too
            if attempt is not None:
                attempt.sent = client.submit_sent


async def list_account_tasks(
    settings: Settings, query: TaskQuery, *, limit: int, on_tasks: TaskSink | None = None
) -> TaskListing:
    """The selected profile's account tasks matching ``query`` (pages of 100,
    newest first; with ``on_tasks``, handed on page by page and not kept).
    ConfigError for account mode off, no access token or a failing command;
    the relay's errors otherwise (AccountAuthError: refused)."""
    async with client_for(settings) as relay:
        account = account_client_for(settings, relay)
        if not account.has_access_token:
            raise ConfigError(NO_ACCESS_TOKEN)
        return await account.list_tasks(query, limit=limit, on_tasks=on_tasks)


async def key_balance(settings: Settings) -> Balance:
    """What the selected profile's API key has left (ConfigError, or the
    relay's errors: NotSupported for a gateway without the endpoints)."""
    gateway = settings.gateway
    async with client_for(settings) as relay:
        return await fetch_balance(relay, api=gateway.account_api, unit=gateway.balance_unit)

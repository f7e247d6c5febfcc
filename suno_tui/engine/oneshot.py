"""One request and done: ``suno-tui fetch`` (one batch query) and
``suno-tui submit`` (one job, then on the watch list). The client comes from
the engine's one builder; the command only prints."""

from __future__ import annotations

from dataclasses import dataclass

from suno_tui.config import Settings
from suno_tui.engine.clients import client_for
from suno_tui.relay.client import FetchResult
from suno_tui.relay.submit_requests import LyricsRequest, MusicRequest


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

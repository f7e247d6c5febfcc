"""The files a hosted gateway makes for a clip on request: its WAV and its
timed lyrics (``GET /suno/act/wav|timing/{clip_id}``, docs/gateway.md).

The manager hands an asset of kind ``wav`` or ``lrc`` to :meth:`ActFiles.prepare`
before it is written: a WAV gets the link the gateway answers (asked again,
a few times with growing waits, while the gateway says it is still making
it), then goes through the same transfer as the mp3 (``.part``, resume, magic
bytes); an ``.lrc`` gets its text, made from the aligned words. The same
timed lines go into the mp3's SYLT frame (:meth:`ActFiles.lines_for_tags`):
one ask per clip serves both, and the mp3 is tagged once.

Each ask may be billed: nothing is asked unless the asset was asked for, and
a file already downloaded is not asked for again. What the gateway does not
offer (stock new-api and one-hub have no such routes) or cannot give now
becomes an :class:`ActSkip` with words a person understands; the clip's
other files are not affected.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Protocol

from suno_tui.downloads.assets import ACT_KINDS, Asset, SkipKind, url_problem
from suno_tui.downloads.clip_files import find_clip, relay_error_kind
from suno_tui.downloads.errors import DownloadError
from suno_tui.downloads.runs import TaskRun
from suno_tui.downloads.timed_lyrics import TimedLine, lrc_text, lyric_lines
from suno_tui.relay.action_errors import ActionNotOffered, ActionRefused, RefusalReason
from suno_tui.relay.clip_answers import (
    FileAnswer,
    FileInline,
    FilePending,
    FileReady,
    TimedLyrics,
    TimingAnswer,
    TimingPending,
)
from suno_tui.relay.errors import RelayError
from suno_tui.safe_text import clean_line

__all__ = [
    "ACT_KINDS",
    "PENDING_WAITS",
    "ActFiles",
    "ActSkip",
    "ActionsFor",
    "ClipActionsLike",
    "GatewayAskFailed",
    "Sleep",
]

#: seconds between asks while the gateway is still making a file (~45 s in all)
PENDING_WAITS: tuple[float, ...] = (2.0, 4.0, 8.0, 15.0, 15.0)


class ClipActionsLike(Protocol):
    """What is used of ``relay.clip_actions.ClipActions``."""

    async def wav(self, clip_id: str) -> FileAnswer: ...
    async def timing(self, clip_id: str) -> TimingAnswer: ...


#: actions_for(task_id) -> the clip actions of the gateway that made the task
ActionsFor = Callable[[str], Awaitable[ClipActionsLike]]
Sleep = Callable[[float], Awaitable[None]]


class ActSkip(Exception):
    """The file is not made, for a reason that is not a failure of the download."""

    def __init__(self, reason: str, category: SkipKind) -> None:
        super().__init__(reason)
        self.reason = reason
        self.category = category


class GatewayAskFailed(DownloadError):
    """Asking the gateway for the file failed (network, auth, its own trouble)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class ActFiles:
    """Asks a task's gateway for WAVs and timed lyrics, with ``sleep`` (the
    manager's; tests pass a fake) between asks for a file being made."""

    def __init__(
        self,
        actions_for: ActionsFor | None,
        sleep: Sleep = asyncio.sleep,
        waits: tuple[float, ...] = PENDING_WAITS,
    ) -> None:
        self._actions_for = actions_for
        self._sleep = sleep
        self._waits = waits

    async def prepare(self, run: TaskRun, asset: Asset, artist: str | None = None) -> Asset:
        """``asset`` ready to be written: a WAV with its link, an LRC with its
        text (``artist`` for its ``[ar:]``, as for the mp3's tag: the clip's
        creator when None). ActSkip or GatewayAskFailed when it cannot be."""
        if asset.kind == "wav":
            return replace(asset, url=await self._wav_url(asset))
        lines = await self._timed_lines(run, asset)
        clip = find_clip(run.task, asset.clip_id)
        text = lrc_text(
            lines,
            title=clip.title if clip is not None else asset.title,
            artist=artist or ((clip.display_name or clip.handle) if clip is not None else ""),
            length=clip.duration if clip is not None else None,
        )
        return replace(asset, content=text.encode("utf-8"))

    async def lines_for_tags(
        self, run: TaskRun, audio: Asset, wanted: bool
    ) -> tuple[TimedLine, ...]:
        """The clip's timed lines for its mp3's SYLT frame when an ``.lrc`` is
        ``wanted`` too (the same ask serves both); () when not, or when the
        gateway cannot give them (the ``.lrc``'s event says why)."""
        if not wanted:
            return ()
        clip = find_clip(run.task, audio.clip_id)
        if clip is None or not clip.lyrics.strip():
            return ()
        try:
            return tuple(await self._timed_lines(run, audio))
        except (ActSkip, DownloadError):
            return ()

    # -- WAV ------------------------------------------------------------------------

    async def _wav_url(self, asset: Asset) -> str:
        actions = await self._actions(asset)
        answer = await self._ask("WAV", asset, lambda: actions.wav(asset.clip_id))
        if isinstance(answer, FileInline):
            raise ActSkip(
                "the gateway answers with the WAV's bytes instead of a link; "
                "this version downloads WAVs from links only",
                SkipKind.UNAVAILABLE,
            )
        if not isinstance(answer, FileReady):
            raise ActSkip("the gateway's answer holds no WAV link", SkipKind.FAILED)
        problem = url_problem(answer.url)
        if problem is not None:
            raise ActSkip(f"WAV: {problem}", SkipKind.FAILED)
        return answer.url

    # -- timed lyrics -------------------------------------------------------------

    async def _timed_lines(self, run: TaskRun, asset: Asset) -> list[TimedLine]:
        """One ask per clip: the ``.lrc`` and the mp3's tags share its answer."""
        lock = run.timing_locks.setdefault(asset.clip_id, asyncio.Lock())
        async with lock:
            if asset.clip_id not in run.timings:
                try:
                    run.timings[asset.clip_id] = await self._ask_timing(asset)
                except (ActSkip, DownloadError) as error:
                    run.timings[asset.clip_id] = error
            known = run.timings[asset.clip_id]
        if isinstance(known, Exception):
            raise known
        return list(known)

    async def _ask_timing(self, asset: Asset) -> list[TimedLine]:
        actions = await self._actions(asset)
        answer = await self._ask("timed lyrics", asset, lambda: actions.timing(asset.clip_id))
        if not isinstance(answer, TimedLyrics):
            raise ActSkip("the gateway's answer holds no timed lyrics", SkipKind.FAILED)
        lines = lyric_lines(answer.words)
        if not lines:
            raise ActSkip("the gateway's timed lyrics have no sung line", SkipKind.UNAVAILABLE)
        return lines

    # -- asking ---------------------------------------------------------------------

    async def _actions(self, asset: Asset) -> ClipActionsLike:
        if self._actions_for is None:
            raise ActSkip("this download cannot ask the gateway for it", SkipKind.UNAVAILABLE)
        try:
            return await self._actions_for(asset.task_id)
        except RelayError as error:
            raise GatewayAskFailed(clean_line(str(error)), relay_error_kind(error)) from None

    async def _ask(
        self, what: str, asset: Asset, ask: Callable[[], Awaitable[FileAnswer | TimingAnswer]]
    ) -> FileAnswer | TimingAnswer:
        """The gateway's answer once it is not "being made", asking again
        after each of the waits; ActSkip if it is still being made then."""
        for wait in (*self._waits, None):
            try:
                answer = await ask()
            except ActionNotOffered as error:
                raise ActSkip(clean_line(str(error)), SkipKind.UNAVAILABLE) from None
            except ActionRefused as error:
                category = (
                    SkipKind.NOT_READY
                    if error.reason is RefusalReason.CLIP_NOT_READY
                    else SkipKind.FAILED
                )
                raise ActSkip(clean_line(str(error)), category) from None
            except RelayError as error:
                message = f"asking for the {what}: {clean_line(str(error))}"
                raise GatewayAskFailed(message, relay_error_kind(error)) from None
            if not isinstance(answer, FilePending | TimingPending):
                return answer
            if wait is None:
                break
            await self._sleep(wait)
        raise ActSkip(
            f"the gateway is still making the {what}; ask again later", SkipKind.NOT_READY
        )

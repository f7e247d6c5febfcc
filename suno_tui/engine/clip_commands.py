"""Acting on a clip from the engine: extend it, join its extension chain into
the full song (concat), or run a task's job again. The CLI and the monitor are
thin over these; the requests go through relay/clip_actions.py.

    commands = engine.clip_commands()
    done = await commands.extend(ExtendOptions(clip_id, at=90))
    done.task_id   # watched at once, under the profile of the clip's task

What the commands promise:

- everything that can be checked is checked before a request goes out (the
  task that made the clip, the point to extend from, a job that cannot be
  told from its task's data): a refusal then is a ``SubmitError`` in words,
  and nothing was sent;
- a request goes out once: an unknown outcome (``OutcomeUnknown``) is
  reported, never retried;
- the first ``ActionNotOffered`` from a gateway is remembered in the state
  file under its base URL (engine/offer_memory.py, the downloads' memory
  too) and said once; a later
  attempt is refused here with the same words, without a request.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from suno_tui.engine.job_origin import first_described, refuse_lineage
from suno_tui.engine.offer_memory import OfferMemory
from suno_tui.engine.oneshot import SubmitAttempt
from suno_tui.relay.action_errors import ClipAction
from suno_tui.relay.clip_actions import ClipActions
from suno_tui.relay.clip_requests import ExtendRequest, checked_clip_id
from suno_tui.relay.lineage import CONCAT, EXTEND, Lineage
from suno_tui.relay.models import Clip, Task, TaskKind
from suno_tui.relay.submit_requests import MusicRequest, SubmitError
from suno_tui.safe_text import clean_line
from suno_tui.tracking.clip_lookup import tasks_mentioning
from suno_tui.tracking.lineage_book import LineageBook
from suno_tui.tracking.model import TaskSummary
from suno_tui.tracking.offers import GatewayOffers
from suno_tui.tracking.store import StoreError
from suno_tui.tracking.tracker import Tracker

__all__ = ["ClipCommands", "ClipOrigin", "Done", "ExtendOptions", "clip_commands_over"]

#: said when a remembered "not offered" stops a request before it is sent


class TasksLike(Protocol):
    """What the commands read of the watch list (the tracker)."""

    def summaries(self) -> Mapping[str, TaskSummary]: ...
    def get(self, task_id: str) -> TaskSummary | None: ...
    def task(self, task_id: str) -> Task | None: ...


class ClientSource(Protocol):
    async def client(self, profile: str) -> Any: ...
    def ready(self) -> Mapping[str, Any]: ...


Watch = Callable[[Iterable[str], str], Sequence[TaskSummary]]


@dataclass(frozen=True)
class ClipOrigin:
    """A clip of a watched task: the task's row, its snapshot, the clip."""

    summary: TaskSummary
    task: Task
    clip: Clip


@dataclass(frozen=True)
class ExtendOptions:
    """What the person asked of an extension; empty fields come from the parent clip."""

    clip_id: str
    at: float | None = None  # None: the clip's end
    prompt: str = ""
    tags: str | None = None
    title: str | None = None
    model: str | None = None
    task_id: str = ""  # the gateway task that made the clip, when not watched


@dataclass(frozen=True)
class Done:
    """A request the gateway accepted: the new task, watched under ``profile``."""

    task_id: str
    profile: str
    kind: str  # "extend", "concat" or "again"
    clip_id: str = ""
    from_task: str = ""
    at: float | None = None
    #: why the new task is not on the watch list (None: it is)
    watch_problem: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "kind": self.kind,
            "profile": self.profile,
            "clip_id": self.clip_id or None,
            "from_task": self.from_task or None,
            "at": self.at,
        }


class ClipCommands:
    """Extend, concat and run again over the watch list and the gateways."""

    def __init__(
        self,
        tasks: TasksLike,
        clients: ClientSource,
        watch: Watch,
        *,
        profile: str,
        memory: OfferMemory | None = None,
        locate: Callable[[str], Iterable[str]] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        lineage: LineageBook | None = None,
    ) -> None:
        self._tasks = tasks
        self._clients = clients
        self._watch = watch
        self._profile = profile
        self._memory = memory  # what gateways said they do not offer
        self._locate = locate
        self._now = now
        self._lineage = lineage  # where what a new task was made from is remembered

    # -- reading ------------------------------------------------------------------

    def find_clip(self, clip_id: str) -> ClipOrigin | None:
        """The watched task that made ``clip_id`` (its last snapshot)."""
        clip_id = clip_id.strip()
        for task_id in self._candidates(clip_id):
            summary = self._tasks.get(task_id)
            task = self._tasks.task(task_id) if summary is not None else None
            if summary is None or task is None or summary.kind is TaskKind.LYRICS:
                continue
            for clip in task.clips:
                if clip.id == clip_id:
                    return ClipOrigin(summary, task, clip)
        return None

    def _candidates(self, clip_id: str) -> Iterable[str]:
        """Tasks that may hold the clip: the state file's (tracking/clip_lookup.py),
        else every watched one, newest first."""
        if self._locate is not None:
            return self._locate(clip_id)
        rows = sorted(
            self._tasks.summaries().values(),
            key=lambda s: s.submitted_at or s.added_at,
            reverse=True,
        )
        return (summary.task_id for summary in rows)

    def not_offered(self, profile: str) -> dict[str, str]:
        """{action: the gateway's words} that ``profile``'s gateway is remembered
        not to offer; {} while its client is not built yet (its base URL is then
        not known here: a request is refused later, still without being sent)."""
        client = self._clients.ready().get(profile)
        if self._memory is None or client is None:
            return {}
        return dict(self._memory.not_offered(str(client.base_url)))

    def concat_problem(self, clip_id: str) -> str | None:
        """Why ``clip_id`` cannot be the last clip of a chain to join (None: it may be)."""
        origin = self.find_clip(clip_id)
        if origin is None:
            return None  # not watched: the gateway decides
        metadata = origin.clip.raw.get("metadata")
        if isinstance(metadata, dict) and metadata.get("history"):
            return None
        return (
            f"clip {clip_id} does not extend another clip: the full song joins an "
            "extension chain, from its last clip (extend this one first)"
        )

    def extend_request(self, options: ExtendOptions) -> tuple[ExtendRequest, str]:
        """The extension to send and the profile to send it to; SubmitError
        (nothing sent) when it cannot be right."""
        clip_id = checked_clip_id(options.clip_id)
        origin = self.find_clip(clip_id)
        task_id = options.task_id.strip() or (origin.summary.task_id if origin else "")
        if not task_id:
            raise SubmitError(
                f"clip {clip_id} is not in a watched task, so the task that made it is not "
                "known: give its gateway task id with --task"
            )
        clip = origin.clip if origin is not None else None
        duration = clip.duration if clip is not None else None
        at = options.at if options.at is not None else duration
        if at is None:
            raise SubmitError(
                f"the length of clip {clip_id} is not known: say where to continue with --at"
            )
        request = ExtendRequest(
            task_id=task_id,
            clip_id=clip_id,
            continue_at=at,
            prompt=options.prompt,
            title=_given(options.title, clip.title if clip else ""),
            tags=_given(options.tags, ", ".join(clip.tags) if clip else ""),
            model=_given(options.model, clip.model if clip else ""),
            clip_duration=duration,
        )
        request.validate()
        return request, origin.summary.profile if origin is not None else self._profile

    def again_request(self, task_id: str) -> tuple[MusicRequest, str]:
        """The job that made ``task_id`` (from its clips' metadata) and its
        profile; SubmitError (nothing sent) when the task's data cannot say."""
        task_id = task_id.strip()
        summary = self._tasks.get(task_id)
        task = self._tasks.task(task_id) if summary is not None else None
        if summary is None or task is None:
            raise SubmitError(
                f"task {task_id} is not on the watch list, or was never fetched: "
                "its data is needed to run it again"
            )
        if task.kind is TaskKind.LYRICS:
            raise SubmitError(
                f"task {task_id} is a lyrics task: the gateway does not return the idea it "
                "was given, so it cannot be run again; submit it anew with "
                "'suno-tui submit --lyrics-only --prompt ...'"
            )
        clip = first_described(task.clips)
        if clip is None:
            raise SubmitError(
                f"task {task_id} has no clip that says what made it (no prompt, description "
                "or instrumental flag in its data): nothing was sent"
            )
        metadata = clip.raw.get("metadata")
        meta = metadata if isinstance(metadata, dict) else {}
        refuse_lineage(task_id, meta)
        instrumental = meta.get("make_instrumental") is True
        description = clip.description_prompt
        request = MusicRequest(
            lyrics="" if description else clip.lyrics,
            description=description,
            title=clip.title,
            tags=", ".join(clip.tags),
            model=clip.model,
            instrumental=instrumental,
        )
        request.validate()
        return request, summary.profile

    # -- sending ------------------------------------------------------------------

    async def extend(self, options: ExtendOptions, attempt: SubmitAttempt | None = None) -> Done:
        request, profile = self.extend_request(options)
        client = await self._client(profile, ClipAction.EXTEND)
        new = await self._send(
            ClipAction.EXTEND, client, lambda actions: actions.extend(request), attempt
        )
        return self._watched(
            Done(new, profile, "extend", request.clip_id, request.task_id, request.continue_at)
        )

    async def concat(self, clip_id: str, attempt: SubmitAttempt | None = None) -> Done:
        """The full song from ``clip_id``, the last clip of an extension chain."""
        clip_id = checked_clip_id(clip_id)
        problem = self.concat_problem(clip_id)
        if problem is not None:
            raise SubmitError(problem)
        origin = self.find_clip(clip_id)
        profile = origin.summary.profile if origin is not None else self._profile
        client = await self._client(profile, ClipAction.CONCAT)
        new = await self._send(
            ClipAction.CONCAT, client, lambda actions: actions.concat(clip_id), attempt
        )
        from_task = origin.summary.task_id if origin is not None else ""
        return self._watched(Done(new, profile, "concat", clip_id, from_task))

    async def again(
        self,
        task_id: str,
        attempt: SubmitAttempt | None = None,
        *,
        change: Callable[[MusicRequest], MusicRequest] | None = None,
    ) -> Done:
        """The same job as ``task_id`` (``change`` edits it first), to its profile."""
        request, profile = self.again_request(task_id)
        if change is not None:
            request = change(request)
            request.validate()
        client = await self._clients.client(profile)
        try:
            new = str(await client.submit_music(request.payload()))
        finally:
            if attempt is not None:
                attempt.sent = bool(client.submit_sent)
        return self._watched(Done(new, profile, "again", from_task=task_id.strip()))

    # -- internals ------------------------------------------------------------------

    async def _client(self, profile: str, action: ClipAction) -> Any:
        """The profile's client, unless its gateway said it does not offer ``action``."""
        client = await self._clients.client(profile)
        if self._memory is not None:
            self._memory.refuse_if_known(str(client.base_url), action)
        return client

    async def _send(
        self,
        action: ClipAction,
        client: Any,
        send: Callable[[ClipActions], Awaitable[str]],
        attempt: SubmitAttempt | None,
    ) -> str:
        """One request (never retried); a "not offered" answer is remembered."""

        async def ask() -> str:
            return str(await send(ClipActions(client)))

        try:
            if self._memory is None:
                return await ask()
            return await self._memory.ask(str(client.base_url), action, ask)
        finally:
            if attempt is not None:
                attempt.sent = bool(client.submit_sent)

    def _watched(self, done: Done) -> Done:
        if self._lineage is not None and done.kind in (EXTEND, CONCAT):
            parent = Lineage(done.kind, done.clip_id, done.at, done.from_task or None)
            with contextlib.suppress(StoreError):  # the clips' metadata will tell it too
                self._lineage.record(done.task_id, parent, self._now())
        try:
            self._watch([done.task_id], done.profile)
        except (ValueError, StoreError) as error:
            return replace(done, watch_problem=clean_line(str(error)))
        return done


def _given(value: str | None, parent: str) -> str:
    return parent if value is None else value


class _NoGateway:
    async def client(self, profile: str) -> Any:
        raise RuntimeError("acting on a clip needs a gateway")

    def ready(self) -> Mapping[str, Any]:
        return {}


def clip_commands_over(
    tasks: TasksLike,
    clients: ClientSource | None,
    watch: Watch,
    profile: str,
    memory: OfferMemory | None = None,
) -> ClipCommands:
    """The commands over an engine's parts; the "not offered" memory is
    ``memory`` (the downloads' one, so that both know what a gateway said),
    else the state file's when ``tasks`` is the tracker over one."""
    source = clients if clients is not None else _NoGateway()
    if not isinstance(tasks, Tracker):
        return ClipCommands(tasks, source, watch, profile=profile, memory=memory)
    state = tasks.store.connection
    return ClipCommands(
        tasks,
        source,
        watch,
        profile=profile,
        memory=memory if memory is not None else OfferMemory(GatewayOffers(state)),
        locate=lambda clip_id: tasks_mentioning(state, clip_id),
        lineage=tasks.lineage,
    )

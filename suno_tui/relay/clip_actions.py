"""The clip actions over one gateway: extend, concat ("the full song"), and
the hosted routes for a clip's WAV, timed lyrics and MP4.

    actions = ClipActions(client)
    task_id = await actions.extend(ExtendRequest(task_id, clip_id, 90.0))
    wav = await actions.wav(clip_id)     # FileReady | FilePending | FileInline

Each call is one request the person asked for (they may be billed; nothing
is probed): concat alone may send a second one, to the other spelling of
its route, and only after the first was refused outright. A POST whose
outcome is unknown raises ``OutcomeUnknown`` and is never sent again.

Errors: :class:`ActionNotOffered` when the gateway has no such action
(``invalid_action``, a 404 that is not the gateway's JSON, a web page);
:class:`ActionRefused` when it refused this request, with the reason in
words (e.g. ``task_origin_not_exist``: "the gateway does not know the task
that made this clip"); otherwise the client's usual typed errors (auth, rate
limit, network, malformed). The API key is redacted from every message.
"""

from __future__ import annotations

from typing import Any

from suno_tui.relay.action_errors import (
    ActionNotOffered,
    ActionRefused,
    ClipAction,
    RefusalReason,
    is_invalid_action,
    reason_for,
)
from suno_tui.relay.client import RelayClient
from suno_tui.relay.clip_answers import (
    FileAnswer,
    FileInline,
    TimingAnswer,
    act_data,
    file_answer,
    timing_answer,
)
from suno_tui.relay.clip_requests import (
    CONCAT_PATHS,
    ActKind,
    ExtendRequest,
    act_path,
    concat_payload,
)
from suno_tui.relay.envelope import decode_json, error_for_status, is_web_page
from suno_tui.relay.errors import (
    AnswerTooLarge,
    AuthError,
    GatewayError,
    MalformedResponse,
    RateLimited,
    RelayError,
)
from suno_tui.relay.redaction import redact_error

__all__ = ["DEFAULT_MAX_ANSWER_BYTES", "ClipActions"]

#: a timing answer (words and waveform) is tens of KB; a file is never read here
DEFAULT_MAX_ANSWER_BYTES = 4 * 1024 * 1024
_NOT_A_ROUTE = frozenset({404, 405, 501})
_QUOTA_CODES = frozenset({"quota_not_enough", "insufficient_user_quota"})
_MEDIA_MAGIC = (b"RIFF", b"ID3", b"\xff\xfb", b"\xff\xf3")


class ClipActions:
    """The clip actions of the gateway behind ``client`` (its key, timeouts)."""

    def __init__(
        self, client: RelayClient, *, max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES
    ) -> None:
        self._client = client
        self._max_answer_bytes = max_answer_bytes

    async def extend(self, request: ExtendRequest) -> str:
        """Continue a clip; returns the new task's id. A request that cannot
        be right raises SubmitError before anything is sent."""
        payload = request.payload()
        try:
            return await self._client.submit_music(payload)
        except GatewayError as error:
            raise self._redacted(_submit_refusal(ClipAction.EXTEND, error)) from None

    async def concat(self, clip_id: str) -> str:
        """The whole song from the last clip of an extension chain; returns
        the new task's id (a task of one clip, fetched like any other)."""
        payload = concat_payload(clip_id)
        not_offered: ActionNotOffered | None = None
        for path in CONCAT_PATHS:
            try:
                return await self._client.submit_to(path, payload)
            except GatewayError as error:
                mapped = _submit_refusal(ClipAction.CONCAT, error)
                if not isinstance(mapped, ActionNotOffered):
                    raise self._redacted(mapped) from None
                not_offered = mapped  # refused outright: nothing was made
        assert not_offered is not None
        raise self._redacted(not_offered)

    async def wav(self, clip_id: str) -> FileAnswer:
        """The clip's WAV: its link, or "being made" (ask again later)."""
        return await self._file(ClipAction.WAV, "wav", clip_id, ("wav_file_url", "audio_url"))

    async def mp4(self, clip_id: str) -> FileAnswer:
        return await self._file(ClipAction.MP4, "mp4", clip_id, ("mp4_file_url", "video_url"))

    async def timing(self, clip_id: str) -> TimingAnswer:
        """The clip's lyrics aligned to its audio (hosted gateways answer only
        for a complete clip)."""
        status, headers, body = await self._get(act_path("timing", clip_id))
        data = self._data(ClipAction.TIMING, status, headers, body)
        try:
            return timing_answer(data)
        except MalformedResponse as error:
            error.status = status
            raise self._redacted(error) from None

    # -- internals -------------------------------------------------------------------

    async def _file(
        self, action: ClipAction, kind: ActKind, clip_id: str, url_keys: tuple[str, ...]
    ) -> FileAnswer:
        path = act_path(kind, clip_id)
        inline = FileInline(f"{self._client.base_url}{path}")
        try:
            status, headers, body = await self._get(path)
        except AnswerTooLarge as error:
            if _is_media(error.content_type) and (error.status or 0) < 300:
                return inline
            raise
        if 200 <= status < 300 and (
            _is_media(headers.get("content-type", "")) or body.startswith(_MEDIA_MAGIC)
        ):
            return inline
        data = self._data(action, status, headers, body)
        try:
            return file_answer(data, url_keys)
        except MalformedResponse as error:
            error.status = status
            raise self._redacted(error) from None

    async def _get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return await self._client.get_raw(path, max_bytes=self._max_answer_bytes)

    def _data(self, action: ClipAction, status: int, headers: dict[str, str], body: bytes) -> Any:
        """The answer's data, or the typed error it stands for."""
        try:
            return self._read(action, status, headers, body)
        except RelayError as error:
            raise self._redacted(error) from None

    @staticmethod
    def _read(action: ClipAction, status: int, headers: dict[str, str], body: bytes) -> Any:
        if status in _NOT_A_ROUTE and not _task_layer_json(body):
            raise ActionNotOffered(action, f"HTTP {status} on its route")
        if 200 <= status < 300 and is_web_page(body, headers):
            raise ActionNotOffered(action, "a web page on its route")  # a web app's catch-all
        if not 200 <= status < 300:
            error = error_for_status(status, body, headers)
            if isinstance(error, AuthError | RateLimited) or not isinstance(error, GatewayError):
                raise error
            if status >= 500 or error.code in _QUOTA_CODES:
                raise error  # the gateway's trouble or the quota, not a refusal of this clip
            raise _refused(action, error)
        try:
            return act_data(decode_json(body, status), status)
        except GatewayError as error:  # a 200 that says it failed
            raise _refused(action, error) from None

    def _redacted(self, error: RelayError) -> RelayError:
        return redact_error(error, (self._client.api_key,))


def _submit_refusal(action: ClipAction, error: GatewayError) -> RelayError:
    """What a refused submit (extend, concat) means."""
    if is_invalid_action(error.message):
        return ActionNotOffered(action, "the gateway answered invalid_action")
    known = reason_for(error.message, error.code) is not RefusalReason.OTHER
    if error.status in _NOT_A_ROUTE and not known:
        if action is ClipAction.EXTEND:
            return error  # no music route at all: the base URL is wrong, as it says
        return ActionNotOffered(action, f"HTTP {error.status} on its route")
    if error.code in _QUOTA_CODES:
        return error  # the account's quota, as for any submit: not this request's fault
    if error.status is not None and 400 <= error.status < 500:
        return _refused(action, error)
    return error  # 5xx and the like: the gateway's trouble, not a refusal


def _refused(action: ClipAction, error: GatewayError) -> ActionRefused:
    return ActionRefused(
        action,
        reason_for(error.message, error.code),
        error.message,
        status=error.status,
        code=error.code,
    )


def _task_layer_json(body: bytes) -> bool:
    """The body is the task layer's own JSON (``{"code": ..., ...}``): a
    gateway answering for a route it has, not a router that has none."""
    try:
        payload = decode_json(body, 404)
    except MalformedResponse:
        return False
    return isinstance(payload, dict) and "code" in payload and "error" not in payload


def _is_media(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind.startswith(("audio/", "video/")) or kind == "application/octet-stream"

"""Typed errors of the clip actions (extend, concat, WAV, timing, MP4), each
saying in words what happened (docs/gateway.md, "Acting on a clip").

Two kinds matter to the caller:

- :class:`ActionNotOffered`: the gateway has no such action at all (stock
  new-api and one-hub answer concat with ``invalid_action`` and have no
  ``/suno/act/`` routes). Remember it per gateway and do not ask again.
- :class:`ActionRefused`: the gateway has the action but said no to this
  request (the task that made the clip is unknown to it, the clip is not
  finished, ...). ``reason`` says which, when it is one we know.

Messages quote the gateway: pass ``str(error)`` through ``safe_text.clean_line``
before showing it, as for every relay error.
"""

from __future__ import annotations

from enum import StrEnum

from suno_tui.relay.errors import GatewayError, NotSupported


class ClipAction(StrEnum):
    EXTEND = "extend"
    CONCAT = "concat"
    WAV = "wav"
    TIMING = "timing"
    MP4 = "mp4"

    @property
    def label(self) -> str:
        """How a person calls it: "this gateway does not offer <label>"."""
        return _LABELS[self]


_LABELS = {
    ClipAction.EXTEND: "extending a clip",
    ClipAction.CONCAT: "the full song (concat)",
    ClipAction.WAV: "WAV",
    ClipAction.TIMING: "timed lyrics",
    ClipAction.MP4: "MP4 video",
}


class ActionNotOffered(NotSupported):
    """The gateway does not offer ``action`` (a route it does not have, or
    ``invalid_action``): a property of the gateway, not of this clip."""

    kind = "not-offered"

    def __init__(self, action: ClipAction, detail: str = "") -> None:
        self.action = action
        self.detail = detail
        text = f"this gateway does not offer {action.label}"
        super().__init__(f"{text} ({detail})" if detail else text)


class RefusalReason(StrEnum):
    ORIGIN_TASK_UNKNOWN = "origin-task-unknown"  # task_origin_not_exist
    TASK_ID_MISSING = "task-id-missing"  # "task id is empty"
    PROMPT_EMPTY = "prompt-empty"  # prompt_empty
    CLIP_NOT_READY = "clip-not-ready"  # the clip is not complete (yet)
    CLIP_UNKNOWN = "clip-unknown"  # no such clip, or another user's
    OTHER = "other"  # the gateway's own words only


#: the gateway's message or code -> what it means
_KNOWN: tuple[tuple[str, RefusalReason, str], ...] = (
    (
        "task_origin_not_exist",
        RefusalReason.ORIGIN_TASK_UNKNOWN,
        "the gateway does not know the task that made this clip (it was made under "
        "another account or gateway, or the task id is wrong)",
    ),
    (
        "task id is empty",
        RefusalReason.TASK_ID_MISSING,
        "the gateway needs the id of the task that made this clip, and none was sent",
    ),
    ("prompt_empty", RefusalReason.PROMPT_EMPTY, "the gateway needs a prompt for this"),
)
_NOT_READY_WORDS = ("not complete", "not ready", "not finished", "processing", "in progress")
_UNKNOWN_CLIP_WORDS = ("clip not found", "clip_not_found", "no such clip", "clip not exist")


class ActionRefused(GatewayError):
    """The gateway refused this request for ``action``; ``reason`` says why
    when the gateway's answer is one we know, and the message says it in words."""

    kind = "refused"

    def __init__(
        self,
        action: ClipAction,
        reason: RefusalReason,
        gateway_message: str,
        *,
        status: int | None = None,
        code: str = "",
    ) -> None:
        super().__init__(gateway_message, status=status, code=code)
        self.action = action
        self.reason = reason
        words = _words(reason)
        what = f"{action.value} refused"
        if words:
            shown = f" ({gateway_message})" if gateway_message else ""
            self.args = (f"{what}: {words}{shown}",)
        else:
            self.args = (f"{what} by the gateway: {gateway_message or 'no message'}",)


def _words(reason: RefusalReason) -> str:
    for _, known, words in _KNOWN:
        if known is reason:
            return words
    if reason is RefusalReason.CLIP_NOT_READY:
        return "the clip is not finished yet; try again once it is complete"
    if reason is RefusalReason.CLIP_UNKNOWN:
        return "the gateway does not know this clip (or it belongs to another account)"
    return ""


def reason_for(message: str, code: str = "") -> RefusalReason:
    """What a refusal's message (or code) means."""
    text = f"{message} {code}".lower()
    for marker, reason, _ in _KNOWN:
        if marker in text:
            return reason
    if any(words in text for words in _NOT_READY_WORDS):
        return RefusalReason.CLIP_NOT_READY
    if any(words in text for words in _UNKNOWN_CLIP_WORDS):
        return RefusalReason.CLIP_UNKNOWN
    return RefusalReason.OTHER


def is_invalid_action(message: str) -> bool:
    """new-api's answer to a submit action it does not relay."""
    return message.strip().lower() == "invalid_action"

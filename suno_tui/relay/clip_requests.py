"""The requests of the clip actions, checked before anything is sent: an
extension the gateway would refuse (or run from the wrong point) may still
be billed.

- :class:`ExtendRequest`: ``POST /suno/submit/music`` that continues a clip.
  Stock new-api drops ``continue_at`` when it is 0 and then continues from
  the clip's end, so 0 is refused here, as is a point past the clip's end.
- :func:`concat_payload`: ``POST /suno/submit/concat`` (hosted gateways).
- :func:`act_path`: ``GET /suno/act/{kind}/{clip_id}`` (hosted gateways).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from suno_tui.ids import InvalidTaskId, validate_id
from suno_tui.relay.submit_requests import SubmitError

ActKind = Literal["wav", "timing", "mp4"]

#: concat's two spellings, tried in this order (docs/gateway.md)
CONCAT_PATHS = ("/suno/submit/concat", "/suno/submit/music/concat")


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


@dataclass(frozen=True)
class ExtendRequest:
    """Continue ``clip_id`` from ``continue_at`` seconds.

    ``task_id`` is the gateway's id of the task that made the clip (new-api
    answers ``task id is empty`` without it). ``prompt`` is the lyrics of the
    new part (may be empty: an instrumental continuation); ``title``,
    ``tags`` and ``model`` (``mv``) usually repeat the parent's.
    ``clip_duration``, when known, bounds ``continue_at``.
    """

    task_id: str
    clip_id: str
    continue_at: float
    prompt: str = ""
    title: str = ""
    tags: str = ""
    model: str = ""
    clip_duration: float | None = None

    def validate(self) -> None:
        if not self.task_id.strip():
            raise SubmitError(
                "the task that made this clip is not known: give its gateway task id (--task)"
            )
        if not self.clip_id.strip():
            raise SubmitError("no clip to extend")
        for label, value in (("task", self.task_id), ("clip", self.clip_id)):
            try:
                validate_id(value.strip())
            except InvalidTaskId as error:
                raise SubmitError(f"the {label} id cannot be sent ({error})") from None
        at = self.continue_at
        if isinstance(at, bool) or not math.isfinite(at) or at <= 0:
            raise SubmitError(
                "the point to extend from must be after the start of the clip (a number of "
                "seconds > 0; the gateway drops 0 and would extend from the end)"
            )
        duration = self.clip_duration
        if duration is not None and math.isfinite(duration) and at > duration:
            raise SubmitError(
                f"the point to extend from ({_clock(at)}) is past the end of the clip "
                f"({_clock(duration)})"
            )

    def payload(self) -> dict[str, Any]:
        """The JSON body: the extension's fields, and the others only when given."""
        self.validate()
        body: dict[str, Any] = {
            "task_id": self.task_id.strip(),
            "continue_clip_id": self.clip_id.strip(),
            "continue_at": float(self.continue_at),
        }
        for name, value in (
            ("prompt", self.prompt),
            ("title", self.title),
            ("tags", self.tags),
            ("mv", self.model.strip()),
        ):
            if value:
                body[name] = value
        return body


def concat_payload(clip_id: str) -> dict[str, Any]:
    """The body of a concat of the extension chain ending with ``clip_id``."""
    return {"clip_id": checked_clip_id(clip_id), "is_infill": False}


def act_path(kind: ActKind, clip_id: str) -> str:
    return f"/suno/act/{kind}/{quote(checked_clip_id(clip_id), safe='')}"


def checked_clip_id(clip_id: str) -> str:
    """``clip_id`` stripped; SubmitError if it cannot be a clip id."""
    clip_id = clip_id.strip()
    try:
        return validate_id(clip_id)
    except InvalidTaskId as error:
        raise SubmitError(f"the clip id cannot be sent ({error})") from None

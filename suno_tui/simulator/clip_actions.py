"""What a hosted gateway adds to the stock routes (docs/gateway.md, "Acting
on a clip"): concat, and ``GET /suno/act/{wav,timing,mp4}/{clip_id}``.

- ``POST /suno/submit/concat`` (or ``/suno/submit/music/concat``) with
  ``{"clip_id", "is_infill"}``: a task of one clip, the whole song
  (simulator/lineage.py), quick to make.
- WAV: the first ask starts the conversion and answers an id ("still being
  made") unless ``wav_delay`` is 0; once ``wav_delay`` seconds of clock time
  have passed, the URL of ``/assets/<clip>.wav``, as a string or as
  ``{"wav_file_url": ...}`` (``act_shape``).
- timing: only for a complete clip; the aligned words (simulator/timing.py),
  bare or wrapped in ``{"success": true, "data": ...}`` (``timing_wrapped``).
- MP4: only for a complete clip of a v4 model or newer; the URL as for WAV
  (``{"mp4_file_url": ...}``); the file is then served even when the clip's
  own ``video_url`` is empty.

The stock family has none of this: the server answers these routes as
new-api does before they get here.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from typing import TYPE_CHECKING, Literal

from suno_tui.simulator import responses as r
from suno_tui.simulator.assets import AssetKind, asset_name
from suno_tui.simulator.http import Request, Response
from suno_tui.simulator.lifecycle import ClipSpec, SimTask, clip_status
from suno_tui.simulator.lineage import Parent, concat_parts
from suno_tui.simulator.task_api import json_object
from suno_tui.simulator.tasks import TaskRequest
from suno_tui.simulator.timing import timing_answer

if TYPE_CHECKING:
    from suno_tui.simulator.server import Simulator

GatewayFamily = Literal["stock", "hosted"]
FAMILIES: tuple[GatewayFamily, ...] = ("stock", "hosted")
ActShape = Literal["url", "object"]

#: a concat is quick: seconds, not minutes
CONCAT_DELAYS = {"not_start": 2.0, "submitted": 2.0, "queued": 3.0, "in_progress": 12.0}
_OLD_MODELS = ("chirp-v1", "chirp-v2", "chirp-v3")


class ClipActionEndpoints:
    """The hosted routes of one Simulator (it owns the switches; this answers)."""

    def __init__(self, sim: Simulator) -> None:
        self._sim = sim
        self._wav_asked: dict[str, float] = {}  # clip id -> when the WAV was first asked for
        self._mp4_made: set[str] = set()
        self._lock = threading.Lock()

    # -- concat -------------------------------------------------------------------

    def concat(self, request: Request, user: str) -> Response:
        sim = self._sim
        body = json_object(request.body)
        if body is None:
            return _invalid("invalid request body: expected a JSON object")
        clip_id = body.get("clip_id")
        if not isinstance(clip_id, str) or not clip_id:
            return _invalid("clip_id is required")
        found = self._users_clip(clip_id, user)
        if isinstance(found, Response):
            return found
        if sim.quota_exhausted or not sim.ledger.can_pay("concat"):
            return r.task_error(403, "quota_not_enough", "用户额度不足")
        task_id = sim.add_concat(clip_id, user=user)
        sim.ledger.charge("concat")
        return r.success(task_id)

    def concat_request(self, task: SimTask, clip: ClipSpec, user: str) -> TaskRequest:
        """The task a concat of ``clip`` makes: one clip, the whole chain."""
        music = task.music
        assert music is not None, "a clip without music parameters"
        parts, duration = concat_parts(Parent(task, clip))
        return TaskRequest(
            user=user,
            title=music.title,
            tags=music.tags,
            prompt=music.prompt,
            mv=music.mv,
            make_instrumental=music.make_instrumental,
            concat_history=parts,
            clip_type="concat",
            clip_count=1,
            duration=duration,
            delays=CONCAT_DELAYS,
        )

    # -- /suno/act/... --------------------------------------------------------------

    def act(self, route: str, request: Request, user: str) -> Response:
        clip_id = request.path.rsplit("/", 1)[-1]
        found = self._users_clip(clip_id, user)
        if isinstance(found, Response):
            return found
        task, clip = found
        if route == "act_wav":
            return self._wav(clip)
        if route == "act_timing":
            return self._timing(task, clip)
        return self._mp4(task, clip)

    def _wav(self, clip: ClipSpec) -> Response:
        sim = self._sim
        now = sim.clock.now()
        with self._lock:
            asked = self._wav_asked.setdefault(clip.id, now)
        if now < asked + sim.wav_delay:
            # the conversion's job id: ask again later
            return r.success(str(uuid.UUID(bytes=_digest(f"wav:{clip.id}")[:16], version=4)))
        url = sim.links.asset(asset_name(clip.id, AssetKind.WAV))
        return r.success(url if sim.act_shape == "url" else {"wav_file_url": url})

    def _timing(self, task: SimTask, clip: ClipSpec) -> Response:
        sim = self._sim
        music = task.music
        assert music is not None, "a clip without music parameters"
        answer = timing_answer(music.prompt, clip.duration, f"{sim.seed}:{clip.id}")
        if sim.timing_wrapped:
            return r.json_response(200, {"success": True, "data": answer})
        return r.json_response(200, answer)

    def _mp4(self, task: SimTask, clip: ClipSpec) -> Response:
        sim = self._sim
        music = task.music
        if music is None or music.mv.startswith(_OLD_MODELS):
            return _invalid("mp4 is only available for chirp-v4 and newer models")
        with self._lock:
            self._mp4_made.add(clip.id)
        url = sim.links.asset(asset_name(clip.id, AssetKind.MP4))
        return r.success(url if sim.act_shape == "url" else {"mp4_file_url": url})

    # -- what the asset server may serve ---------------------------------------------

    def wav_ready(self, clip_id: str) -> bool:
        """The WAV was asked for and has been made."""
        with self._lock:
            asked = self._wav_asked.get(clip_id)
        return asked is not None and self._sim.clock.now() >= asked + self._sim.wav_delay

    def mp4_made(self, clip_id: str) -> bool:
        with self._lock:
            return clip_id in self._mp4_made

    def _users_clip(self, clip_id: str, user: str) -> tuple[SimTask, ClipSpec] | Response:
        found = self._sim.tasks.clip(clip_id)
        if found is None or found[0].user != user or found[0].music is None:
            return _invalid("clip not found")
        task, clip = found
        if clip_status(task, clip, task.phase_at(self._sim.clock.now())) != "complete":
            return _invalid("the clip is not complete yet")
        return task, clip


def _invalid(message: str) -> Response:
    return r.task_error(400, "invalid_request", message)


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()

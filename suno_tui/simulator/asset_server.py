"""The simulated CDN: asset files (``/assets/...``, signed links checked by the
caller, Range, ETag, the asset faults) and the live ``/audiopipe/`` stream."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from suno_tui.simulator import responses as r
from suno_tui.simulator.assets import (
    AssetBody,
    AssetKind,
    Unsatisfiable,
    build_asset,
    parse_asset_name,
    parse_range,
)
from suno_tui.simulator.faults import Fault
from suno_tui.simulator.http import Request, Response
from suno_tui.simulator.lifecycle import ClipSpec, SimTask, clip_status
from suno_tui.simulator.routing import asset_path_name

if TYPE_CHECKING:
    from suno_tui.simulator.server import Simulator

_CACHE_SIZE = 32  # asset bodies kept (each holds a few hundred KiB of pattern)


class AssetServer:
    def __init__(self, sim: Simulator) -> None:
        self._sim = sim
        self._versions: dict[tuple[str, AssetKind], int] = {}
        self._cache: OrderedDict[tuple[str, AssetKind, int], AssetBody] = OrderedDict()
        self._lock = threading.Lock()  # tests read assets from other threads

    def body(self, task: SimTask, clip: ClipSpec, kind: AssetKind) -> AssetBody:
        with self._lock:
            version = self._versions.get((clip.id, kind), 0)
            key = (clip.id, kind, version)
            body = self._cache.get(key)
            if body is not None:
                self._cache.move_to_end(key)
                return body
        size = task.asset_sizes.get(kind.value, self._sim.asset_sizes.get(kind.value))
        title = task.music.title if task.music else ""
        body = build_asset(
            seed=self._sim.seed,
            clip_id=clip.id,
            kind=kind,
            size=size,
            duration=clip.duration,
            title=title,
            artist=clip.display_name,
            version=version,
        )
        with self._lock:
            self._cache[key] = body
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return body

    def serve(self, request: Request, applied: dict[Fault, dict[str, Any]]) -> Response:
        if Fault.ASSET_STALE_403 in applied:
            return r.cdn_error(403, "AccessDenied", "Request has expired")
        if Fault.ASSET_404 in applied:
            return r.cdn_error(404, "NoSuchKey", "The specified key does not exist.")
        parsed = parse_asset_name(asset_path_name(request.path))
        found = self._sim.tasks.clip(parsed[0]) if parsed else None
        if parsed is None or found is None:
            return r.cdn_error(404, "NoSuchKey", "The specified key does not exist.")
        kind = parsed[1]
        task, clip = found
        status = clip_status(task, clip, task.phase_at(self._sim.clock.now()))
        if status == "complete":
            available = self._made(task, clip, kind)
        else:
            available = status == "streaming" and kind in (AssetKind.JPEG, AssetKind.JPEG_LARGE)
        if not available:
            return r.cdn_error(404, "NoSuchKey", "The specified key does not exist.")
        if Fault.ASSET_ETAG_CHANGED in applied:
            with self._lock:
                key = (clip.id, kind)
                self._versions[key] = self._versions.get(key, 0) + 1
        body = self.body(task, clip, kind)
        if Fault.ASSET_WRONG_CONTENT in applied:
            return r.login_page()
        headers = {
            "Content-Type": kind.content_type,
            "ETag": body.etag,
            "Cache-Control": "public, max-age=31536000, immutable",
        }
        if Fault.ASSET_EMPTY in applied:
            return Response(200, headers)
        if request.header("if-none-match") == body.etag:
            return Response(304, headers)

        span: tuple[int, int] | None = None
        if Fault.ASSET_NO_RANGE not in applied:
            headers["Accept-Ranges"] = "bytes"
            if_range = request.header("if-range")
            if if_range is None or if_range == body.etag:
                try:
                    span = parse_range(request.header("range"), body.size)
                except Unsatisfiable:
                    headers["Content-Range"] = f"bytes */{body.size}"
                    return Response(416, headers)
        start, stop = span if span is not None else (0, body.size)
        status_code = 200
        if span is not None:
            status_code = 206
            headers["Content-Range"] = f"bytes {start}-{stop - 1}/{body.size}"
        drop = applied.get(Fault.ASSET_DROP)
        stall = applied.get(Fault.ASSET_STALL)
        return Response(
            status_code,
            headers,
            stream=body.chunks(start, stop),
            length=stop - start,
            drop_after=None if drop is None else int(drop["after_bytes"]),
            stall_after=None if stall is None else int(stall["after_bytes"]),
            stall=None
            if stall is None
            else functools.partial(self._sim.clock.sleep, float(stall["delay"])),
            on_sent=self._sim.stats.sent_asset_bytes,
            pace=None if self._sim.link is None else self._sim.link.send,
        )

    def _made(self, task: SimTask, clip: ClipSpec, kind: AssetKind) -> bool:
        """Whether the file of a complete clip exists: a video only for some
        clips (or once a hosted gateway made one), a WAV once it was made."""
        actions = self._sim.clip_actions
        if kind is AssetKind.MP4:
            return task.variant.video or actions.mp4_made(clip.id)
        if kind is AssetKind.WAV:
            return actions.wav_ready(clip.id)
        return True

    def audiopipe(self, request: Request) -> Response:
        """A live stream: audio generated so far, no length, no ranges."""
        found = self._sim.tasks.clip(request.query.get("item_id", ""))
        if found is None:
            return r.cdn_error(404, "NoSuchKey", "The specified key does not exist.")
        task, clip = found
        phase = task.phase_at(self._sim.clock.now())
        status = clip_status(task, clip, phase)
        if status not in ("streaming", "complete"):
            return r.cdn_error(404, "NoSuchKey", "The specified key does not exist.")
        body = self.body(task, clip, AssetKind.MP3)
        ready = body.size if status == "complete" else max(1, int(body.size * phase.fraction))
        return Response(
            200,
            {"Content-Type": "audio/mpeg", "Cache-Control": "no-cache"},
            stream=body.chunks(0, ready),
            length=None,
            on_sent=self._sim.stats.sent_asset_bytes,
        )

"""Which files a task offers, and why a clip or an asset is skipped.

Gateways hand out URLs that are not files: live streams while a clip is being
generated (``audiopipe.suno.ai``), placeholders on failed clips (``None.mp3``),
``.../api/forbidden`` for withheld files, and empty strings. Each of those
becomes a :class:`Skip` with a reason a user can read, never a download that
fails later with a confusing HTTP error.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from suno_tui.relay.export import to_json_text
from suno_tui.relay.models import Clip, ClipStatus, Task, TaskStatus
from suno_tui.safe_text import clean_line, clean_text

__all__ = [
    "ACT_KINDS",
    "ASSET_KINDS",
    "DEFAULT_ASSETS",
    "Asset",
    "Skip",
    "SkipKind",
    "check_assets",
    "clip_problem",
    "plan_task",
    "url_problem",
]

ASSET_KINDS: tuple[str, ...] = ("audio", "image", "video", "lyrics", "json", "wav", "lrc")
DEFAULT_ASSETS: tuple[str, ...] = ("audio", "image", "lyrics", "json")
#: made by the gateway on request (hosted gateways' ``/suno/act/`` routes), each
#: ask possibly billed: never in the defaults, only when configured or flagged
ACT_KINDS: tuple[str, ...] = ("wav", "lrc")
# Network assets in the order they are fetched: the image first so that it can
# be embedded as cover art in the mp3.
REMOTE_KINDS: tuple[str, ...] = ("image", "audio", "video")
LOCAL_KINDS: tuple[str, ...] = ("lyrics", "json")

_IMAGE_EXTENSIONS = {"jpg": "jpg", "jpeg": "jpeg", "png": "png", "webp": "webp"}
# Path stems gateways use for "there is no file".
_PLACEHOLDER_STEMS = frozenset({"none", "null", "undefined", "nan"})


class SkipKind(StrEnum):
    """Why something is not downloaded; decides the headless exit code."""

    #: the clip is not finished yet (queued, streaming): try again later
    NOT_READY = "not-ready"
    #: the clip failed, or the gateway withholds its file
    FAILED = "failed"
    #: the clip simply has no such asset (no video, instrumental without lyrics)
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class Asset:
    """One file to produce for a clip (or for a lyrics task)."""

    task_id: str
    clip_id: str
    kind: str  # one of ASSET_KINDS
    ext: str
    index: int  # the clip's place in its task, 1-based
    url: str = ""  # remote assets
    content: bytes | None = None  # local assets (lyrics, json), already encoded
    # naming fields (raw gateway text: naming.py cleans and sanitises it)
    title: str = ""
    tags: tuple[str, ...] = ()
    model: str = ""
    created_at: datetime | None = None

    @property
    def remote(self) -> bool:
        return self.content is None


@dataclass(frozen=True, slots=True)
class Skip:
    """Something of a clip not downloaded, and why (its category)."""

    task_id: str
    clip_id: str
    kind: str  # the asset kind, or "" for the whole clip
    reason: str
    category: SkipKind


def check_assets(names: Iterable[str]) -> tuple[str, ...]:
    """Validate an asset selection; keeps the order, drops repeats."""
    chosen: dict[str, None] = {}
    for name in names:
        name = name.strip().lower()
        if not name:
            continue
        if name not in ASSET_KINDS:
            raise ValueError(f"unknown asset {name!r}; choose from {', '.join(ASSET_KINDS)}")
        chosen.setdefault(name, None)
    if not chosen:
        raise ValueError("no assets selected")
    return tuple(chosen)


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a downloadable file, or None if it looks like one."""
    url = url.strip()
    if not url:
        return "no URL"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "a malformed URL"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "not an http(s) URL"
    host = parts.hostname.lower()
    path = parts.path
    if host.startswith("audiopipe.") or "/audiopipe" in path.lower():
        return "a live stream, not a file (the clip is still being generated)"
    if path.rstrip("/").lower().endswith("/api/forbidden"):
        return "the gateway withholds this file (/api/forbidden)"
    name = path.rsplit("/", 1)[-1]
    if not name:
        return "a URL without a file name"
    if name.split(".", 1)[0].lower() in _PLACEHOLDER_STEMS:
        return f"a placeholder URL ({clean_line(name)}): the clip has no file"
    return None


def clip_problem(clip: Clip, task: Task) -> tuple[str, SkipKind] | None:
    """Why a whole clip is not downloadable, or None when it is finished."""
    status = clip.status
    if status is ClipStatus.COMPLETE:
        return None
    if status is ClipStatus.ERROR:
        detail = clean_line(clip.error_message).strip()
        return ("generation failed" + (f": {detail}" if detail else ""), SkipKind.FAILED)
    if status is ClipStatus.STREAMING:
        return "still streaming: the file is not final yet", SkipKind.NOT_READY
    if status in (ClipStatus.SUBMITTED, ClipStatus.QUEUED):
        return f"not generated yet ({status.value})", SkipKind.NOT_READY
    # No usable clip status: trust a task the gateway calls a success.
    if task.status is TaskStatus.SUCCESS:
        return None
    label = clean_line(clip.status_label) or "unknown"
    return f"not finished (clip status {label})", SkipKind.NOT_READY


def _image_url(clip: Clip) -> tuple[str, str | None]:
    """The best cover URL and, if none is usable, why."""
    first_problem: str | None = None
    for url in (clip.image_large_url, clip.image_url):
        problem = url_problem(url)
        if problem is None:
            return url.strip(), None
        first_problem = first_problem or problem
    return "", first_problem


def _image_ext(url: str) -> str:
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return _IMAGE_EXTENSIONS.get(suffix, "jpeg")


def _without_data(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in raw.items() if key != "data"}


def _json_bytes(document: Mapping[str, Any]) -> bytes:
    # default=str: gateways only send JSON, but a raw mapping from a test or a
    # future field type must not make the sidecar unwritable. to_json_text:
    # someone will `cat` it; C1 controls and bidi overrides stay escaped.
    return (to_json_text(document, indent=2, default=str) + "\n").encode()


def _lyrics_bytes(text: str) -> bytes:
    cleaned = clean_text(text, multiline=True).strip("\n")
    return (cleaned + "\n").encode("utf-8")


def plan_task(
    task: Task, kinds: Iterable[str], clips: Collection[str] = ()
) -> tuple[list[Asset], list[Skip]]:
    """The files to produce for ``task`` and what is skipped, in a stable order;
    of the clips in ``clips`` alone when it is not empty (``W``, ``L``: one clip)."""
    wanted = check_assets(kinds)
    assets: list[Asset] = []
    skips: list[Skip] = []
    tid = task.task_id
    if task.lyrics is not None and not task.clips:
        _plan_lyrics_task(task, wanted, assets, skips)
        return assets, skips
    if not task.clips:
        reason = "the task has no clips yet" if not task.is_finished else "the task has no clips"
        category = SkipKind.NOT_READY if not task.is_finished else SkipKind.FAILED
        if task.status is TaskStatus.FAILURE and task.fail_reason:
            reason = f"the task failed: {clean_line(task.fail_reason)}"
        skips.append(Skip(tid, "", "", reason, category))
        return assets, skips
    for index, clip in enumerate(task.clips, start=1):
        cid = clip.id or f"clip{index}"
        if clips and cid not in clips:
            continue
        problem = clip_problem(clip, task)
        if problem is not None:
            skips.append(Skip(tid, cid, "", problem[0], problem[1]))
            continue
        for kind in _ordered(wanted):
            item = _clip_asset(task, clip, cid, index, kind)
            if isinstance(item, Asset):
                item = replace(
                    item,
                    title=clip.title,
                    tags=clip.tags,
                    model=clip.model,
                    created_at=clip.created_at or task.submitted_at,
                )
                assets.append(item)
            else:
                skips.append(item)
    return assets, skips


def _ordered(wanted: tuple[str, ...]) -> list[str]:
    order = (*REMOTE_KINDS, *ACT_KINDS, *LOCAL_KINDS)
    return [kind for kind in order if kind in wanted]


def _clip_asset(task: Task, clip: Clip, cid: str, index: int, kind: str) -> Asset | Skip:
    tid = task.task_id
    if kind == "audio":
        problem = url_problem(clip.audio_url)
        if problem is not None:
            return Skip(tid, cid, kind, f"audio: {problem}", SkipKind.FAILED)
        return Asset(tid, cid, kind, "mp3", index, url=clip.audio_url.strip())
    if kind == "image":
        url, problem = _image_url(clip)
        if problem is not None:
            category = SkipKind.UNAVAILABLE if problem == "no URL" else SkipKind.FAILED
            return Skip(tid, cid, kind, f"cover image: {problem}", category)
        return Asset(tid, cid, kind, _image_ext(url), index, url=url)
    if kind == "video":
        if not clip.video_url.strip():
            return Skip(tid, cid, kind, "no video for this clip", SkipKind.UNAVAILABLE)
        problem = url_problem(clip.video_url)
        if problem is not None:
            return Skip(tid, cid, kind, f"video: {problem}", SkipKind.FAILED)
        return Asset(tid, cid, kind, "mp4", index, url=clip.video_url.strip())
    if kind == "wav":  # its link is asked of the gateway when it is downloaded
        return Asset(tid, cid, kind, "wav", index)
    if kind == "lrc":  # its text is made from the gateway's timing when it is written
        if not clip.lyrics.strip():
            return Skip(tid, cid, kind, "no lyrics to time (instrumental?)", SkipKind.UNAVAILABLE)
        return Asset(tid, cid, kind, "lrc", index)
    if kind == "lyrics":
        if not clip.lyrics.strip():
            return Skip(tid, cid, kind, "no lyrics (instrumental?)", SkipKind.UNAVAILABLE)
        return Asset(tid, cid, kind, "txt", index, content=_lyrics_bytes(clip.lyrics))
    document = {"task_id": tid, "task": _without_data(task.raw), "clip": dict(clip.raw)}
    return Asset(tid, cid, "json", "json", index, content=_json_bytes(document))


def _plan_lyrics_task(
    task: Task, wanted: tuple[str, ...], assets: list[Asset], skips: list[Skip]
) -> None:
    lyrics = task.lyrics
    assert lyrics is not None
    tid = task.task_id
    cid = lyrics.id or tid  # the name template wants an id; lyrics often lack one
    status = lyrics.status
    if status in ("error", "failed", "failure") or (lyrics.error_message and not lyrics.text):
        detail = clean_line(lyrics.error_message) or clean_line(task.fail_reason)
        skips.append(
            Skip(tid, cid, "", "lyrics failed" + (f": {detail}" if detail else ""), SkipKind.FAILED)
        )
        return
    if not lyrics.text.strip():
        category = SkipKind.FAILED if task.is_finished else SkipKind.NOT_READY
        skips.append(Skip(tid, cid, "", "the lyrics are not written yet", category))
        return
    if "lyrics" in wanted:
        assets.append(Asset(tid, cid, "lyrics", "txt", 1, content=_lyrics_bytes(lyrics.text)))
    if "json" in wanted:
        document = {"task_id": tid, "task": _without_data(task.raw), "lyrics": dict(lyrics.raw)}
        assets.append(Asset(tid, cid, "json", "json", 1, content=_json_bytes(document)))
    assets[:] = [
        replace(asset, title=lyrics.title, tags=lyrics.tags, created_at=task.submitted_at)
        for asset in assets
    ]
    if not assets:
        reason = "a lyrics task has only lyrics and json to download"
        skips.append(Skip(tid, cid, "", reason, SkipKind.UNAVAILABLE))

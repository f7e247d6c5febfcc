"""ID3 tags for downloaded mp3s (mutagen), written to the ``.part`` before the
atomic rename so that a crash never leaves a half-tagged final file.

Tags are saved as ID3v2.3: Windows Explorer and many car stereos and older
players do not read v2.4. mutagen is imported when a file is tagged, not
when this module is.
"""

from __future__ import annotations

import importlib
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from suno_tui.downloads.magic import sniff
from suno_tui.downloads.timed_lyrics import TimedLine, sylt_frame
from suno_tui.safe_text import clean_line, clean_text

__all__ = [
    "CLIP_ID_KEY",
    "MAX_COVER_BYTES",
    "TASK_ID_KEY",
    "TagInfo",
    "read_clip_id",
    "render_tag",
    "tag_mp3",
]

CLIP_ID_KEY = "SUNO_CLIP_ID"
TASK_ID_KEY = "SUNO_TASK_ID"
#: covers bigger than this are not embedded (a few hundred KB is usual)
MAX_COVER_BYTES = 10 * 1024 * 1024
_MIME = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif"}


@dataclass(frozen=True, slots=True)
class TagInfo:
    """What goes into the tags; text is raw gateway text (cleaned here)."""

    title: str
    artist: str
    clip_id: str
    task_id: str
    tags: tuple[str, ...] = ()
    lyrics: str = ""
    created: datetime | None = None
    cover: Path | None = None  # an image file on disk
    #: lyric lines with their times (the gateway's timing): a SYLT frame
    timed: tuple[TimedLine, ...] = ()


def _id3() -> Any:
    """mutagen.id3, typed as Any: mutagen's functions carry no annotations."""
    return importlib.import_module("mutagen.id3")


def _cover(path: Path | None) -> tuple[bytes, str] | None:
    if path is None:
        return None
    try:
        if path.stat().st_size > MAX_COVER_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    mime = _MIME.get(sniff(data[:16]))
    return (data, mime) if mime else None


def tag_mp3(path: Path, info: TagInfo) -> bool:
    """Write the tags into ``path`` (an mp3, usually the .part); True on success.

    Raises ``mutagen.MutagenError`` or OSError for files it cannot tag.
    """
    id3 = _id3()
    try:
        tags = id3.ID3(path)
    except id3.ID3NoHeaderError:
        tags = id3.ID3()
    _set_frames(tags, info, id3)
    tags.save(path, v2_version=3)
    return True


def render_tag(body_tag: bytes, info: TagInfo, audio_size: int | None) -> bytes:
    """The ID3v2.3 tag that :func:`tag_mp3` would give an mp3 whose own tag
    is ``body_tag`` (its complete ID3v2 tag, or b"" for none), as bytes to
    write in front of the audio; padded as mutagen pads a file of
    ``audio_size`` bytes. Raises what mutagen raises for a tag it cannot read.
    """
    id3 = _id3()
    # load_v1=False: an ID3v1 tag sits at the end of a file, not in these bytes
    tags = id3.ID3(io.BytesIO(body_tag), load_v1=False) if body_tag else id3.ID3()
    _set_frames(tags, info, id3)
    mutagen = importlib.import_module("mutagen")

    def padding(pad: Any) -> int:
        return int(mutagen.PaddingInfo(pad.padding, audio_size or 0).get_default_padding())

    out = io.BytesIO()
    tags.save(out, v2_version=3, v1=0, padding=padding)  # v1=0: the BytesIO has no ID3v1
    return out.getvalue()


def _set_frames(tags: Any, info: TagInfo, id3: Any) -> None:
    """Our frames set on ``tags`` (the file's own kept), then made v2.3."""
    utf8 = id3.Encoding.UTF8  # converted to UTF-16 when saved as v2.3
    title = clean_line(info.title).strip()
    if title:
        tags.setall("TIT2", [id3.TIT2(encoding=utf8, text=title)])
    artist = clean_line(info.artist).strip()
    if artist:
        tags.setall("TPE1", [id3.TPE1(encoding=utf8, text=artist)])
    genre = clean_line(", ".join(info.tags)).strip()
    if genre:
        tags.setall("TCON", [id3.TCON(encoding=utf8, text=genre)])
        comment = f"Suno style: {genre}"
        tags.setall("COMM", [id3.COMM(encoding=utf8, lang="eng", desc="", text=comment)])
    lyrics = clean_text(info.lyrics, multiline=True).strip()
    if lyrics:
        tags.setall("USLT", [id3.USLT(encoding=utf8, lang="eng", desc="", text=lyrics)])
    synced = sylt_frame(info.timed)
    if synced is not None:
        tags.setall("SYLT", [synced])
    if info.created is not None:
        tags.setall("TDRC", [id3.TDRC(encoding=utf8, text=info.created.strftime("%Y-%m-%d"))])
    cover = _cover(info.cover)
    if cover is not None:
        data, mime = cover
        picture = id3.APIC(
            encoding=utf8, mime=mime, type=id3.PictureType.COVER_FRONT, desc="", data=data
        )
        tags.setall("APIC", [picture])
    for key, value in ((CLIP_ID_KEY, info.clip_id), (TASK_ID_KEY, info.task_id)):
        if value:
            tags.setall(f"TXXX:{key}", [id3.TXXX(encoding=utf8, desc=key, text=clean_line(value))])
    tags.update_to_v23()


def read_clip_id(path: Path) -> str | None:
    """The clip id this program wrote into an mp3, or None (no tag, not ours)."""
    id3 = _id3()
    try:
        frames = id3.ID3(path).getall(f"TXXX:{CLIP_ID_KEY}")
    except Exception:  # mutagen parses untrusted bytes: any failure means "not ours"
        return None
    for frame in frames:
        if frame.text:
            return str(frame.text[0])
    return None

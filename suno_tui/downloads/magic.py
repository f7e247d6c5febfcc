"""Recognise media files by their first bytes.

CDNs and proxies answer expired or blocked links with an HTML page, a JSON
error or an empty body, often with status 200. Checking the first bytes
catches all of these before a broken file gets a final name.
"""

from __future__ import annotations

__all__ = ["HEAD_BYTES", "media_problem", "sniff"]

#: bytes needed to tell every format below apart
HEAD_BYTES = 16

# What each asset kind may contain.
_ACCEPTED: dict[str, frozenset[str]] = {
    "audio": frozenset({"mp3"}),
    "image": frozenset({"jpeg", "png", "webp", "gif"}),
    "video": frozenset({"mp4"}),
    "wav": frozenset({"wav"}),
}
_NOUN = {"audio": "audio", "image": "an image", "video": "a video", "wav": "a WAV file"}
_HTML_STARTS = (b"<!doctype", b"<html", b"<head", b"<body", b"<?xml", b"<!--", b"<title", b"<h1")


def sniff(head: bytes) -> str:
    """The format of a file from its first bytes: mp3, jpeg, png, webp, gif,
    mp4, wav, html, json, text or "unknown"."""
    if head.startswith(b"ID3"):
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "mp3"  # MPEG audio frame sync (a JPEG's FF D8 does not match)
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[4:8] == b"ftyp":
        return "mp4"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(_HTML_STARTS):
        return "html"
    if text[:1] in (b"{", b"["):
        return "json"
    if text and all(32 <= byte < 127 or byte in b"\t\r\n" for byte in text):
        return "text"
    return "unknown"


def media_problem(kind: str, head: bytes, content_type: str = "") -> str | None:
    """Why ``head`` is not the start of a ``kind`` file, or None if it is.

    ``kind`` is an asset kind (audio, image, video, wav); other kinds are not checked.
    """
    accepted = _ACCEPTED.get(kind)
    if accepted is None:
        return None
    noun = _NOUN[kind]
    if not head:
        return "the server sent an empty file"
    found = sniff(head)
    if found in accepted:
        return None
    if found == "html" or (found in ("text", "unknown") and "html" in content_type.lower()):
        return f"the server sent an HTML page, not {noun}"
    if found == "json":
        return f"the server sent a JSON message, not {noun}"
    if found == "text":
        return f"the server sent text, not {noun}"
    if found == "unknown":
        return f"the file does not look like {noun} (unrecognised first bytes)"
    return f"the server sent {found} data, not {noun}"

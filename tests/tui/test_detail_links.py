"""The detail's URLs as links a person can click (OSC 8, issue #20 item 2):
which URLs may become links, and the detail's document carrying them.

Textual writes a link's URL into ``ESC ] 8 ; id ; URL ESC \\`` as it is, so a
URL that could end or change the sequence (ESC, BEL, C1 ST, ``;``), or that
is not http(s), must stay plain text. The bytes in a real terminal are
checked in tests/pty/test_detail_links.py.
"""

from __future__ import annotations

from datetime import UTC

import pytest
from textual.content import Content
from textual.style import Style

from suno_tui.relay.models import parse_task
from suno_tui.tui.detail.document import build_document
from suno_tui.tui.detail.links import MAX_LINK_LENGTH, link_target, links_wanted

from .factories import NOW, raw_music_task

GOOD = "https://cdn1.suno.ai/clip-aaaa-1111.mp3"

HOSTILE = {
    "javascript": "javascript:alert(1)//https://cdn1.suno.ai/a.mp3",
    "file": "file:///etc/passwd",
    "data": "data:text/html,<script>alert(1)</script>",
    "no scheme": "//cdn1.suno.ai/a.mp3",
    "no host": "https:///a.mp3",
    "other scheme": "ftp://cdn1.suno.ai/a.mp3",
    "ESC ends the OSC": "https://cdn1.suno.ai/a.mp3\x1b\\\x1b]8;;https://evil.example/\x1b\\",
    "BEL ends the OSC": "https://cdn1.suno.ai/a.mp3\x07",
    "C1 ST ends the OSC": "https://cdn1.suno.ai/a.mp3\x9c",
    "C1 OSC": "https://cdn1.suno.ai/\x9d8;;https://evil.example/\x9c",
    "semicolon": "https://cdn1.suno.ai/a.mp3;id=evil",
    "space inside": "https://cdn1.suno.ai/a b.mp3",
    "tab": "https://cdn1.suno.ai/a.mp3\t",
    "newline": "https://cdn1.suno.ai/a.mp3\nhttps://evil.example/",
    "NUL": "https://cdn1.suno.ai/\x00a.mp3",
    "DEL": "https://cdn1.suno.ai/\x7fa.mp3",
    "bidi override": "https://cdn1.suno.ai/\u202e3pm.exe",
    "non-ASCII host": "https://cdn1.sunо.ai/a.mp3",  # a Cyrillic "о"
    "zero-width space": "https://cdn1.suno.ai/\u200ba.mp3",
    "user info": "https://cdn1.suno.ai@evil.example/a.mp3",
    "bad port": "https://cdn1.suno.ai:99999/a.mp3",
    "bad IPv6": "https://[::1/a.mp3",
    "too long": "https://cdn1.suno.ai/" + "a" * MAX_LINK_LENGTH,
}


@pytest.mark.parametrize(
    "url",
    [
        GOOD,
        "http://127.0.0.1:8080/assets/x.mp3?exp=1796535862&sig=c7316747",
        "HTTPS://CDN1.SUNO.AI/A.MP3",
        "https://[::1]:8443/a.mp3",
        "https://cdn1.suno.ai/a%20b.mp3#t=10",
    ],
)
def test_http_and_https_urls_become_links_as_they_are(url: str) -> None:
    assert link_target(url) == url


def test_spaces_around_a_url_are_not_part_of_its_link() -> None:
    assert link_target(f"  {GOOD} ") == GOOD


@pytest.mark.parametrize("url", HOSTILE.values(), ids=HOSTILE.keys())
def test_anything_else_stays_plain_text(url: str) -> None:
    assert link_target(url) is None


@pytest.mark.parametrize(
    ("environ", "wanted"),
    [
        ({"TERM": "xterm-256color"}, True),
        ({}, True),
        ({"TERM": "xterm-256color", "NO_COLOR": "1"}, False),
        ({"TERM": "xterm-256color", "NO_COLOR": ""}, False),  # set at all, as Textual reads it
        ({"TERM": "dumb"}, False),
    ],
)
def test_no_color_and_dumb_terminals_get_no_links(environ: dict[str, str], wanted: bool) -> None:
    assert links_wanted(environ) is wanted


def _links(document: Content) -> dict[str, str]:
    """Each linked stretch of text in the document, mapped to where it leads."""
    found: dict[str, str] = {}
    for span in document.spans:
        if isinstance(span.style, Style) and span.style.link is not None:
            found[document.plain[span.start : span.end]] = span.style.link
    return found


def _document(links: bool, **urls: str) -> Content:
    raw = raw_music_task("t1", status="SUCCESS")
    raw["data"][0].update(urls)
    task = parse_task(raw)
    return build_document("t1", None, task, [], NOW, UTC, links=links)


def test_the_detail_links_each_clip_url_to_itself() -> None:
    video = "https://cdn1.suno.ai/clip-aaaa-1111.mp4"
    image = "https://cdn2.suno.ai/image_large_clip-aaaa-1111.jpeg"
    document = _document(True, video_url=video, image_large_url=image)
    assert _links(document) == {
        GOOD: GOOD,
        video: video,
        image: image,
        # the second clip's live stream is an http(s) URL too
        "https://audiopipe.suno.ai/?item_id=clip-bbbb-2222": (
            "https://audiopipe.suno.ai/?item_id=clip-bbbb-2222"
        ),
    }


def test_without_links_the_detail_is_the_same_text_with_no_link() -> None:
    with_links = _document(True)
    without = _document(False)
    assert _links(without) == {}
    assert with_links.plain == without.plain


def test_a_wrapped_url_links_every_line_of_it() -> None:
    raw = raw_music_task("t1", status="SUCCESS")
    task = parse_task(raw)
    document = build_document("t1", None, task, [], NOW, UTC, width=40, links=True)
    pieces = [
        (document.plain[span.start : span.end], span.style.link)
        for span in document.spans
        if isinstance(span.style, Style) and span.style.link == GOOD
    ]
    assert len(pieces) > 1  # the URL did wrap
    assert "".join(text for text, _ in pieces) == GOOD


@pytest.mark.parametrize("name", HOSTILE.keys())
def test_a_hostile_url_is_shown_cleaned_and_never_linked(name: str) -> None:
    document = _document(True, audio_url=HOSTILE[name])
    # the other URLs keep their links; the audio URL has none
    assert set(_links(document).values()) == {
        "https://cdn2.suno.ai/image_clip-aaaa-1111.jpeg",
        "https://audiopipe.suno.ai/?item_id=clip-bbbb-2222",
    }
    audio_line = next(line for line in document.plain.splitlines() if "audio" in line)
    assert audio_line.isprintable()  # cleaned as before: no control character left
    assert "\u202e" not in audio_line and "\u200b" not in audio_line

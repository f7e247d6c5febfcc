"""What a task offers for download, why things are skipped, and magic bytes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from suno_tui.downloads.assets import (
    DEFAULT_ASSETS,
    SkipKind,
    check_assets,
    plan_task,
    url_problem,
)
from suno_tui.downloads.magic import media_problem, sniff
from suno_tui.relay.models import parse_task
from tests.fixtures import shapes

ALL = ("audio", "image", "video", "lyrics", "json")


def plan(raw: dict[str, Any], kinds: tuple[str, ...] = ALL) -> tuple[list[Any], list[Any]]:
    return plan_task(parse_task(raw), kinds)


# -- URLs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("https://cdn1.suno.ai/None.mp3", "placeholder"),
        ("https://cdn2.suno.ai/None.jpeg", "placeholder"),
        ("https://cdn1.suno.ai/null.mp3", "placeholder"),
        ("https://studio-api.suno.ai/api/forbidden", "withholds"),
        ("https://gw.example/api/forbidden/", "withholds"),
        ("", "no URL"),
        ("   ", "no URL"),
        ("ftp://cdn1.suno.ai/a.mp3", "http(s)"),
        ("file:///etc/passwd", "http(s)"),
        ("javascript:alert(1)", "http(s)"),
        ("https://audiopipe.suno.ai/?item_id=abc", "live stream"),
        ("http://127.0.0.1:9/audiopipe/?item_id=abc", "live stream"),
        ("https://cdn1.suno.ai/", "without a file name"),
    ],
)
def test_sentinel_urls(url: str, fragment: str) -> None:
    problem = url_problem(url)
    assert problem is not None and fragment in problem


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn1.suno.ai/0f8a.mp3",
        "http://127.0.0.1:8000/assets/abc.mp3?exp=1&sig=2",
        "https://cdn2.suno.ai/image_large_x.jpeg",
    ],
)
def test_real_urls(url: str) -> None:
    assert url_problem(url) is None


# -- plans ------------------------------------------------------------------------


def test_success_task_default_selection() -> None:
    assets, skips = plan(shapes.success_task(), DEFAULT_ASSETS)
    kinds = [(a.clip_id, a.kind) for a in assets]
    assert kinds == [
        (shapes.CLIP_ID_1, "image"),
        (shapes.CLIP_ID_1, "audio"),
        (shapes.CLIP_ID_1, "lyrics"),
        (shapes.CLIP_ID_1, "json"),
        (shapes.CLIP_ID_2, "image"),
        (shapes.CLIP_ID_2, "audio"),
        (shapes.CLIP_ID_2, "lyrics"),
        (shapes.CLIP_ID_2, "json"),
    ]
    assert skips == []
    image = assets[0]
    assert image.url == shapes.image_large_url(shapes.CLIP_ID_1)  # the large one
    assert image.ext == "jpeg"
    assert assets[1].url == shapes.mp3_url(shapes.CLIP_ID_1) and assets[1].ext == "mp3"
    assert [a.index for a in assets] == [1, 1, 1, 1, 2, 2, 2, 2]
    assert assets[0].title == shapes.TITLE


def test_video_only_when_present() -> None:
    assets, skips = plan(shapes.success_task(), ("video",))
    assert [(a.clip_id, a.ext) for a in assets] == [(shapes.CLIP_ID_1, "mp4")]
    assert [(s.clip_id, s.category) for s in skips] == [(shapes.CLIP_ID_2, SkipKind.UNAVAILABLE)]


def test_image_falls_back_to_small_image() -> None:
    raw = shapes.success_task()
    raw["data"][0]["image_large_url"] = None
    assets, _ = plan(raw, ("image",))
    assert assets[0].url == shapes.image_url(shapes.CLIP_ID_1)


def test_lyrics_and_json_content() -> None:
    assets, _ = plan(shapes.success_task(), ("lyrics", "json"))
    lyrics, sidecar = assets[0], assets[1]
    assert lyrics.content is not None and lyrics.content.decode() == shapes.LYRICS_TEXT + "\n"
    assert sidecar.content is not None
    document = json.loads(sidecar.content)
    assert document["task_id"] == shapes.TASK_ID
    assert document["clip"] == shapes.success_task()["data"][0]  # everything the gateway sent
    assert document["task"]["status"] == "SUCCESS" and "data" not in document["task"]


def test_streaming_clips_skipped_with_reason() -> None:
    assets, skips = plan(shapes.streaming_task())
    assert assets == []
    assert len(skips) == 2
    assert all(s.category is SkipKind.NOT_READY and "streaming" in s.reason for s in skips)


def test_partial_failure_downloads_its_complete_clip() -> None:
    assets, skips = plan(shapes.partial_failure_task(), DEFAULT_ASSETS)
    assert {a.clip_id for a in assets} == {shapes.CLIP_ID_2}
    assert [a.kind for a in assets] == ["image", "audio", "lyrics", "json"]
    assert len(skips) == 1
    skip = skips[0]
    assert skip.clip_id == shapes.CLIP_ID_1 and skip.category is SkipKind.FAILED
    assert shapes.CLIP_ERROR_MESSAGE in skip.reason


def test_complete_clip_with_sentinel_audio_is_skipped() -> None:
    raw = shapes.success_task()
    raw["data"][0]["audio_url"] = "https://studio-api.suno.ai/api/forbidden"
    raw["data"][1]["audio_url"] = shapes.NONE_AUDIO_URL
    assets, skips = plan(raw, ("audio",))
    assert assets == []
    assert [s.category for s in skips] == [SkipKind.FAILED, SkipKind.FAILED]
    assert "forbidden" in skips[0].reason and "None.mp3" in skips[1].reason


def test_lyrics_task() -> None:
    assets, skips = plan(shapes.lyrics_task(action=""), DEFAULT_ASSETS)
    assert [a.kind for a in assets] == ["lyrics", "json"]
    assert skips == []
    assert assets[0].title == shapes.TITLE
    assert assets[0].content is not None and b"City lights" in assets[0].content


def test_lyrics_task_without_lyrics_assets_selected() -> None:
    assets, skips = plan(shapes.lyrics_task(), ("audio",))
    assert assets == [] and skips[0].category is SkipKind.UNAVAILABLE


def test_not_started_task() -> None:
    assets, skips = plan(shapes.not_started_task())
    assert assets == [] and skips[0].category is SkipKind.NOT_READY


def test_failed_task() -> None:
    assets, skips = plan(shapes.chinese_failure_task())
    assert assets == []
    assert all(s.category is SkipKind.FAILED for s in skips)
    assert shapes.CHINESE_FAIL_REASON in skips[0].reason


def test_instrumental_has_no_lyrics() -> None:
    raw = shapes.success_task()
    raw["data"][0]["metadata"]["prompt"] = ""
    assets, skips = plan(raw, ("lyrics",))
    assert [a.clip_id for a in assets] == [shapes.CLIP_ID_2]
    assert skips[0].category is SkipKind.UNAVAILABLE


def test_lyrics_text_cleaned_of_escape_sequences() -> None:
    raw = shapes.success_task()
    raw["data"][0]["metadata"]["prompt"] = "line one\x1b]52;c;ZXZpbA==\x07\r\nline two\x00"
    assets, _ = plan(raw, ("lyrics",))
    assert assets[0].content == b"line one\nline two\n"


def test_check_assets() -> None:
    assert check_assets(["Audio", " json", "audio"]) == ("audio", "json")
    with pytest.raises(ValueError, match="unknown asset"):
        check_assets(["flac"])
    assert check_assets(["audio", "wav", "lrc"]) == ("audio", "wav", "lrc")
    with pytest.raises(ValueError, match="no assets"):
        check_assets([])


# -- magic bytes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "found"),
    [
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "mp3"),
        (b"\xff\xfb\x90\x64\x00\x00", "mp3"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", "png"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "mp4"),
        (b"  <!DOCTYPE html><html>", "html"),
        (b"\xef\xbb\xbf<html><head>", "html"),
        (b'{"error": "expired"}', "json"),
        (b"AccessDenied", "text"),
        (b"\x00\x01\x02\x03", "unknown"),
    ],
)
def test_sniff(head: bytes, found: str) -> None:
    assert sniff(head) == found


def test_media_problem_messages() -> None:
    assert media_problem("audio", b"ID3\x03") is None
    assert media_problem("audio", b"<html><body>login") == (
        "the server sent an HTML page, not audio"
    )
    assert media_problem("audio", b"") == "the server sent an empty file"
    assert "JSON" in (media_problem("image", b'{"detail":"Forbidden"}') or "")
    assert "jpeg data, not a video" in (media_problem("video", b"\xff\xd8\xff\xe0") or "")
    assert media_problem("image", b"\x89PNG\r\n\x1a\n") is None
    assert "HTML" in (media_problem("audio", b"Access denied", "text/html; charset=utf-8") or "")
    assert media_problem("lyrics", b"anything") is None

"""File names from titles: one safe component, inside the folder, within 255 bytes."""

from __future__ import annotations

import os
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pathvalidate import validate_filename

from suno_tui.downloads.naming import (
    DEFAULT_TEMPLATE,
    MAX_NAME_BYTES,
    NameFields,
    TemplateError,
    UnsafePath,
    check_template,
    file_name,
    inside,
    numbered,
)

CLIP = "0123456789abcdef0123"


def name(title: str, *, template: str = DEFAULT_TEMPLATE, ext: str = "mp3", **kw: object) -> str:
    return file_name(template, NameFields(title=title, clip_id=CLIP, ext=ext, **kw))  # type: ignore[arg-type]


def test_default_template() -> None:
    assert name("Neon Rain") == "Neon Rain [01234567].mp3"


def test_path_traversal_title_stays_one_component() -> None:
    result = name("../../etc/passwd")
    assert "/" not in result and "\\" not in result
    assert not result.startswith(".")
    assert result.endswith("[01234567].mp3")


@pytest.mark.parametrize("title", ["..", ".", "...", "", "   ", "\x1b[2J", "/"])
def test_empty_or_dots_become_untitled_or_safe(title: str) -> None:
    result = name(title)
    assert result not in (".", "..")
    assert not result.startswith(".")
    validate_filename(result, platform="universal")


@pytest.mark.parametrize("title", ["", "  ", "\x07\x00"])
def test_empty_title_is_untitled(title: str) -> None:
    assert name(title) == "untitled [01234567].mp3"


@pytest.mark.parametrize("title", ["CON", "nul", "COM1", "LPT9", "con .x", "AUX.final"])
def test_reserved_device_names_are_defused(title: str) -> None:
    result = file_name("{title}.{ext}", NameFields(title=title, ext="mp3"))
    base = result.split(".", 1)[0].strip().upper()
    assert base not in {"CON", "NUL", "COM1", "LPT9", "AUX", "PRN"}
    validate_filename(result, platform="universal")


def test_300_characters_cut_to_the_byte_limit_keeping_id_and_extension() -> None:
    result = name("a" * 300)
    assert len(result.encode()) <= MAX_NAME_BYTES
    assert result.endswith(" [01234567].mp3")


@pytest.mark.parametrize("title", ["🎵" * 100, "月光下的城市" * 30, "é" * 200, "🇯🇵🎸" * 60])
def test_non_ascii_kept_and_cut_on_character_boundary(title: str) -> None:
    result = name(title)
    encoded = result.encode("utf-8")
    assert len(encoded) <= MAX_NAME_BYTES
    encoded.decode("utf-8")  # no broken character
    assert result.startswith(title[:5])
    assert result.endswith(" [01234567].mp3")


def test_cjk_and_emoji_titles_kept_whole_when_short() -> None:
    assert name("月光下的城市") == "月光下的城市 [01234567].mp3"
    assert name("Summer 🌞 Vibes") == "Summer 🌞 Vibes [01234567].mp3"


def test_control_and_escape_sequences_removed() -> None:
    result = name("A\x1b]52;c;ZXZpbA==\x07B\tC\nD\x7f")
    assert result == "AB C D [01234567].mp3"


def test_windows_forbidden_characters_removed() -> None:
    result = name('What? "Yes": <no> | *')
    validate_filename(result, platform="windows")


def test_separator_in_template_cannot_make_folders() -> None:
    result = file_name("{task_id}/{title}/../{ext}", NameFields(title="x", task_id="t", ext="mp3"))
    assert "/" not in result
    assert result.endswith(".mp3")


def test_every_field() -> None:
    fields = NameFields(
        title="Song",
        clip_id=CLIP,
        task_id="task-1",
        tags=("pop", "rock"),
        model="chirp-v4",
        created=datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
        index=2,
        ext="mp3",
    )
    template = "{created} {index:02d} {title} {model} {tags} {task_id} {clip_id:.4}.{ext}"
    assert file_name(template, fields) == "2026-01-02 02 Song chirp-v4 pop, rock task-1 0123.mp3"


def test_extension_added_when_template_lacks_it() -> None:
    assert file_name("{title}", NameFields(title="Song", ext="jpeg")) == "Song.jpeg"


@pytest.mark.parametrize(
    "template",
    ["{title.__class__}", "{0}", "{}", "{nope}", "{title!r}", "{title:>99999}", "{title", ""],
)
def test_bad_templates_refused(template: str) -> None:
    with pytest.raises(TemplateError):
        check_template(template)


def test_numbered_copies() -> None:
    assert numbered("Song.mp3", 1) == "Song.mp3"
    assert numbered("Song.mp3", 2) == "Song (2).mp3"
    long = name("x" * 300)
    assert len(numbered(long, 12).encode()) <= MAX_NAME_BYTES
    assert numbered(long, 12).endswith(" (12).mp3")


def test_inside_refuses_escapes_and_symlinks(tmp_path: Path) -> None:
    directory = tmp_path.resolve()
    assert inside(directory, "a.mp3") == directory / "a.mp3"
    for bad in ("..", "../x.mp3", "a/b.mp3", ""):
        with pytest.raises(UnsafePath):
            inside(directory, bad)
    outside = tmp_path.parent / "outside-target.mp3"
    (directory / "link.mp3").symlink_to(outside)
    with pytest.raises(UnsafePath):
        inside(directory, "link.mp3")


titles = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400
) | st.sampled_from(["..", "../../etc/passwd", "CON", "nul.txt", "/", "\\", "a/../b"])


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=titles, ext=st.sampled_from(["mp3", "jpeg", "mp4", "txt", "json"]))
def test_any_title_gives_one_safe_component(tmp_path: Path, title: str, ext: str) -> None:
    result = name(title, ext=ext)
    assert len(result.encode("utf-8")) <= MAX_NAME_BYTES
    assert "/" not in result and "\\" not in result and "\x00" not in result
    assert result not in (".", "..") and not result.startswith(".")
    assert result.endswith(f".{ext}")
    assert all(unicodedata.category(ch) not in ("Cc",) for ch in result)
    validate_filename(result, platform="universal")
    # and the OS agrees: it can be created inside the folder, and only there
    path = inside(tmp_path.resolve(), result)
    assert path.parent == tmp_path.resolve()
    part = path.with_name(path.name + ".part.meta")
    fd = os.open(part, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    part.unlink()

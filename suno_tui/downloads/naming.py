"""File names from a template, safe on every platform and inside one folder.

A title comes from the gateway, so it is untrusted: ``../../etc/passwd``,
``CON``, control characters, 300 emoji. The rendered name is always ONE path
component (a ``/`` in the template or a title cannot create a sub-folder),
passes pathvalidate's "universal" rules plus guards of our own (``..``,
reserved device names, leading dots), keeps non-ASCII text, and fits in
:data:`MAX_NAME_BYTES` of UTF-8 so that ``<name>.part.meta`` still fits the
255-byte limit of common file systems.
"""

from __future__ import annotations

import functools
import re
import string
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from suno_tui.safe_text import clean_line

__all__ = [
    "DEFAULT_TEMPLATE",
    "FIELDS",
    "MAX_NAME_BYTES",
    "NameFields",
    "TemplateError",
    "UnsafePath",
    "check_template",
    "file_name",
    "inside",
    "numbered",
    "render",
    "sanitize",
]

DEFAULT_TEMPLATE = "{title} [{clip_id:.8}].{ext}"
FIELDS: tuple[str, ...] = (
    "title",
    "clip_id",
    "task_id",
    "tags",
    "model",
    "created",
    "index",
    "ext",
)
#: 255 (ext4, APFS, NTFS...) minus room for ".part.meta"
MAX_NAME_BYTES = 240
UNTITLED = "untitled"
#: more of a title than a name can show, with room for what sanitising removes
_MAX_TITLE_BYTES = 16 * MAX_NAME_BYTES

_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"}
    | {f"{dev}{n}" for dev in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"]}
)
_SEPARATORS = re.compile(r"[/\\]+")
_SPACES = re.compile(r"\s+")
# Format specs may pad or cut ("{clip_id:.8}", "{index:02d}"), but not ask
# for a gigabyte of padding.
_BIG_NUMBER = re.compile(r"\d{4,}")


class TemplateError(ValueError):
    """A name template that cannot be used; ``str()`` says why."""


class UnsafePath(ValueError):
    """A path that would leave the download folder (or go through a link)."""


@dataclass(frozen=True, slots=True)
class NameFields:
    """What a file name template can use of a clip."""

    title: str = ""
    clip_id: str = ""
    task_id: str = ""
    tags: tuple[str, ...] = ()
    model: str = ""
    created: datetime | None = None
    index: int = 1
    ext: str = ""

    def values(self) -> dict[str, object]:
        """Template values, cleaned of control characters (not yet sanitised)."""
        title = clean_line(self.title).strip() or UNTITLED
        return {
            "title": title,
            "clip_id": clean_line(self.clip_id),
            "task_id": clean_line(self.task_id),
            "tags": clean_line(", ".join(self.tags)),
            "model": clean_line(self.model),
            "created": self.created.strftime("%Y-%m-%d") if self.created else "",
            "index": self.index,
            "ext": self.ext,
        }


def check_template(template: str) -> str:
    """Return ``template`` if usable, else raise TemplateError."""
    if not template.strip():
        raise TemplateError("the name template is empty")
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise TemplateError(f"bad name template: {error}") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in FIELDS:
            raise TemplateError(
                f"unknown field {{{name}}} in the name template; use {', '.join(FIELDS)}"
            )
        if conversion not in (None, "s"):
            raise TemplateError(f"conversion !{conversion} is not allowed in the name template")
        if spec and ("{" in spec or _BIG_NUMBER.search(spec)):
            raise TemplateError(f"format spec {spec!r} is not allowed in the name template")
    return template


def render(template: str, fields: NameFields) -> str:
    """The template filled in (not yet sanitised). Raises TemplateError."""
    check_template(template)
    try:
        return template.format_map(fields.values())
    except (ValueError, TypeError) as error:
        raise TemplateError(f"bad name template: {error}") from None


def _truncate(text: str, max_bytes: int) -> str:
    """``text`` cut to ``max_bytes`` of UTF-8 on a character boundary."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    cut = encoded[:max_bytes].decode("utf-8", errors="ignore")
    # Do not end on a joiner or combining mark left over from a cut cluster.
    while cut and (unicodedata.combining(cut[-1]) or cut[-1] in "\u200d\ufe0f"):
        cut = cut[:-1]
    return cut


@functools.lru_cache(maxsize=1024)
def _clean_stem(stem: str) -> str:
    # Cached: a clip's files share their stem, and pathvalidate is the dearest
    # part of a name (``sync`` names every file it finds already there).
    # pathvalidate loads with the first name made, not with the settings check
    from pathvalidate import sanitize_filename

    stem = unicodedata.normalize("NFC", clean_line(stem))
    stem = _SEPARATORS.sub("-", stem)
    stem = _SPACES.sub(" ", stem)
    stem = sanitize_filename(stem, platform="universal")
    # Leading dots hide files (and make "." or ".."); trailing dots and spaces
    # are dropped by Windows.
    return stem.strip(" .")


def _unreserved(stem: str) -> str:
    """``CON.x`` -> ``CON_.x``: Windows reserves device names before the first dot."""
    first = stem.split(".", 1)[0].rstrip()
    if first.upper() in _RESERVED:
        return first + "_" + stem[len(first) :]
    return stem


def sanitize(name: str, ext: str, *, suffix: str = "", max_bytes: int = MAX_NAME_BYTES) -> str:
    """A safe single file name ending in ``suffix + "." + ext``.

    ``name`` is a rendered template; its trailing ``.ext`` (if any) is split
    off, the rest is cleaned and cut so the whole fits in ``max_bytes``.
    """
    ext = re.sub(r"[^A-Za-z0-9]", "", ext)[:10]
    tail = f".{ext}" if ext else ""
    if tail and name.lower().endswith(tail.lower()):
        name = name[: -len(tail)]
    stem = _clean_stem(name)
    room = max_bytes - len((suffix + tail).encode("utf-8"))
    stem = _truncate(stem, room).rstrip(" .")
    stem = _unreserved(stem or UNTITLED)
    # "_" may have pushed us one byte over the limit.
    stem = _truncate(stem, room)
    return f"{stem}{suffix}{tail}"


def file_name(template: str, fields: NameFields, *, copy: int = 1) -> str:
    """The sanitised name of a file; ``copy`` > 1 adds `` (2)``, `` (3)``...

    A name that is too long loses the end of its title first, so that the
    other fields (the clip id in the default template) survive.
    """
    suffix = f" ({copy})" if copy > 1 else ""

    def build(values: NameFields, limit: int) -> str:
        return sanitize(render(template, values), values.ext, suffix=suffix, max_bytes=limit)

    def fits(values: NameFields) -> bool:
        return len(build(values, 1 << 20).encode("utf-8")) <= MAX_NAME_BYTES

    if fits(fields):
        return build(fields, MAX_NAME_BYTES)
    # Shorten the title until the uncut name fits; then sanitize cannot cut
    # elsewhere. Every try sanitises the whole title, so cap it first and
    # search (a hostile 30,000-character title took 15 s one step at a time).
    title = _truncate(str(fields.values()["title"]), _MAX_TITLE_BYTES)
    fitting, too_long = 0, len(title.encode("utf-8")) + 1
    while too_long - fitting > 1:  # the longest cut whose name fits
        budget = (fitting + too_long) // 2
        if fits(replace(fields, title=_truncate(title, budget).rstrip() or "_")):
            fitting = budget
        else:
            too_long = budget
    fields = replace(fields, title=_truncate(title, fitting).rstrip() or "_")
    return build(fields, MAX_NAME_BYTES)


def numbered(name: str, copy: int) -> str:
    """``"x.mp3"`` -> ``"x (2).mp3"`` for an already-sanitised name."""
    if copy <= 1:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    return sanitize(stem, ext, suffix=f" ({copy})")


def inside(directory: Path, name: str) -> Path:
    """``directory / name``, checked to stay inside ``directory``.

    ``directory`` should be resolved already. Symbolic links at the name are
    refused: replacing one would write wherever it points.
    """
    if not name or name in (".", "..") or _SEPARATORS.search(name) or "\x00" in name:
        raise UnsafePath(f"unsafe file name {name!r}")
    path = directory / name
    if path.is_symlink():
        raise UnsafePath(f"{path} is a symbolic link; refusing to write through it")
    resolved = path.resolve()
    if resolved.parent != directory.resolve():
        raise UnsafePath(f"{name!r} would be written outside {directory}")
    return path

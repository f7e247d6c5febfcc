"""Build the detail view's document for one task (pure functions).

Everything the gateway sent is untrusted: each string goes through
``safe_text`` and then into :class:`~textual.content.Content` as *text* (the
``(text, style)`` parts of ``Content.assemble``), never through a markup
parser. Styles name theme variables (``$error``), so the view follows the
theme and NO_COLOR.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from textual.content import Content

from suno_tui.relay.export import to_json_text
from suno_tui.relay.models import Clip, ClipStatus, Lyrics, Task
from suno_tui.safe_text import clean_line, clean_text
from suno_tui.tracking.model import TaskSummary, Transition
from suno_tui.tui.detail.links import link_style, link_target
from suno_tui.tui.tasks.row_render import percent_text, status_look
from suno_tui.tui.timefmt import full_time, precise_duration, short_duration

if TYPE_CHECKING:
    from suno_tui.downloads.timed_lyrics import TimedLine
    from suno_tui.tui.detail.lineage_lines import Family

LABEL = "$text-muted"
HEADING = "bold $text"
FAILURE = "bold $text-error on $error-muted"
ERROR = "$text-error"
URL = "$text-primary"

_TONE_STYLE = {
    "waiting": "$text-muted",
    "running": "$text-accent",
    "success": "$text-success",
    "failure": "$text-error",
    "unknown": "$text-warning",
}
_CLIP_SYMBOL = {
    ClipStatus.SUBMITTED: ("○", "waiting"),
    ClipStatus.QUEUED: ("◔", "waiting"),
    ClipStatus.STREAMING: ("◑", "running"),
    ClipStatus.COMPLETE: ("✓", "success"),
    ClipStatus.ERROR: ("✗", "failure"),
    ClipStatus.UNKNOWN: ("?", "unknown"),
}
_LABEL_WIDTH = 10


@dataclass(frozen=True, slots=True)
class CopyTarget:
    """Something in the detail view that ``u`` can copy."""

    label: str  # e.g. "clip 1 audio URL" (ours, not the server's)
    value: str  # cleaned


def _field(label: str, value: str | Content, style: str = "", width: int = 0) -> Content:
    """``  label     value``; a value wider than ``width`` wraps under itself."""
    body = value if isinstance(value, Content) else Content.styled(value or "—", style)
    head = Content.styled(f"  {label:<{_LABEL_WIDTH}}", LABEL)
    room = width - head.cell_length
    if width <= 0 or room < 16 or body.cell_length <= room:
        return Content.assemble(head, body, "\n")
    indent = " " * head.cell_length
    lines = [line.rstrip() for line in body.wrap(room, overflow="fold")]
    parts: list[Content | str] = [head, lines[0], "\n"]
    for line in lines[1:]:
        parts += [indent, line, "\n"]
    return Content.assemble(*parts)


def _when(moment: datetime | None, tz: tzinfo | None) -> str:
    return full_time(moment, tz) if moment is not None else "—"


def url_note(url: str) -> str:
    """A word on URLs that are not plain files yet (or never will be)."""
    if "audiopipe" in url:
        return "live stream, not a file yet"
    if url.rstrip("/").endswith("/None.mp3") or url.endswith("/None.mp4"):
        return "placeholder: no file"
    if url.rstrip("/").endswith("/api/forbidden"):
        return "forbidden: poll again for a fresh link"
    return ""


def _url_field(label: str, url: str, width: int, links: bool = False) -> Content:
    shown = clean_line(url).strip()
    if not shown:
        return _field(label, "—", LABEL)
    note = url_note(shown)
    text = Content.styled(shown, URL)
    target = link_target(url) if links else None
    if target is not None and target == shown:  # a link opens what it says, or is none
        text = text.stylize(link_style(target))
    body = Content.assemble(text, (f"  ({note})", LABEL) if note else "")
    return _field(label, body, width=width)


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def timeline(transitions: Sequence[Transition], now: datetime, tz: tzinfo | None) -> list[Content]:
    """One line per state: label, when it was entered, how long it lasted
    (``for 2m10s``: a word between the time and the duration, so that they
    never read as one number such as ``23:58:112m10s``)."""
    lines: list[Content] = []
    for index, transition in enumerate(transitions):
        following = transitions[index + 1].at if index + 1 < len(transitions) else None
        if following is None:  # coarse, so the view changes only once a minute
            stayed = short_duration((now - transition.at).total_seconds())
        else:
            stayed = precise_duration((following - transition.at).total_seconds())
        label = clean_line(transition.to_label)
        lines.append(
            Content.assemble(
                "  ",
                (f"{label:<13}", HEADING if following is None else ""),
                (full_time(transition.at, tz), LABEL),
                ("  for ", LABEL),
                stayed if following is not None else (f"{stayed} so far", "$text-accent"),
                "\n",
            )
        )
    return lines


def _clip_section(
    clip: Clip,
    number: int,
    total: int,
    earlier_lyrics: dict[str, int],
    tz: tzinfo | None,
    width: int,
    links: bool = False,
    timed: Sequence[TimedLine] = (),
) -> list[Content]:
    symbol, tone = _CLIP_SYMBOL.get(clip.status, ("?", "unknown"))
    parts: list[Content] = [
        Content.assemble(
            (f"Clip {number} of {total}", HEADING),
            "  ",
            (f"{symbol} {clean_line(clip.status_label)}", _TONE_STYLE[tone]),
            "\n",
        )
    ]
    if clip.failed or clip.error_message:
        reason = clean_line(clip.error_message) or "the clip failed (no reason given)"
        if clip.error_type:
            reason += f" [{clean_line(clip.error_type)}]"
        parts.append(Content.assemble("  ", (f" ✗ {reason} ", FAILURE), "\n"))
    parts.append(_field("title", clean_line(clip.title), width=width))
    parts.append(_field("id", clean_line(clip.id), width=width))
    parts.append(_field("duration", duration_text(clip.duration)))
    parts.append(_field("model", clean_line(clip.model), width=width))
    parts.append(_field("tags", ", ".join(clean_line(tag) for tag in clip.tags), width=width))
    parts.append(_field("created", _when(clip.created_at, tz)))
    if clip.handle or clip.display_name:
        parts.append(_field("by", clean_line(clip.display_name or clip.handle), width=width))
    parts.append(_url_field("audio", clip.audio_url, width, links))
    parts.append(_url_field("video", clip.video_url, width, links))
    parts.append(_url_field("image", clip.image_large_url or clip.image_url, width, links))
    if clip.description_prompt:
        parts.append(_field("prompt", clean_line(clip.description_prompt), width=width))
    lyrics = clean_text(clip.lyrics, multiline=True).strip()
    if timed:  # its .lrc (tui/detail/timed_lines.py): each line with its time
        parts.append(Content.assemble(("  lyrics", LABEL), ("  timed", LABEL), "\n"))
        from suno_tui.tui.detail.timed_lines import timed_block  # with the first timed lyrics

        parts.append(timed_block(timed))
    elif lyrics:
        same_as = earlier_lyrics.get(lyrics)
        if same_as is not None:
            parts.append(_field("lyrics", f"same as clip {same_as}", LABEL))
        else:
            earlier_lyrics[lyrics] = number
            parts.append(Content.assemble(("  lyrics", LABEL), "\n"))
            parts.append(_indent(lyrics))
    parts.append(Content("\n"))
    return parts


def _indent(text: str) -> Content:
    return Content("".join(f"    {line}\n" for line in text.split("\n")))


def _lyrics_section(lyrics: Lyrics, width: int) -> list[Content]:
    parts = [Content.assemble(("Lyrics", HEADING), "\n")]
    if lyrics.error_message:
        parts.append(Content.assemble("  ", (f" ✗ {clean_line(lyrics.error_message)} ", FAILURE)))
        parts.append(Content("\n"))
    parts.append(_field("title", clean_line(lyrics.title), width=width))
    parts.append(_field("status", clean_line(lyrics.status), width=width))
    parts.append(_field("tags", ", ".join(clean_line(tag) for tag in lyrics.tags), width=width))
    text = clean_text(lyrics.text, multiline=True).strip()
    if text:
        parts.append(Content("\n"))
        parts.append(_indent(text))
    return parts


def build_document(
    task_id: str,
    summary: TaskSummary | None,
    task: Task | None,
    transitions: Sequence[Transition],
    now: datetime,
    tz: tzinfo | None,
    width: int = 0,
    *,
    profile_note: str = "",
    links: bool = False,
    timed: Mapping[str, Sequence[TimedLine]] | None = None,
    family: Family | None = None,
) -> Content:
    """The whole detail view of one task, ready for a wrapping Static.

    ``width`` (the view's width in cells, 0 if unknown) lets long values wrap
    under themselves instead of under their label. ``links``: the clips'
    http(s) URLs are OSC 8 links (see :mod:`suno_tui.tui.detail.links`).
    """
    parts: list[Content] = []
    if summary is not None:
        symbol, tone = status_look(summary)
        progress = summary.progress
        parts.append(
            Content.assemble(
                (f"{symbol} {clean_line(summary.status_label)}", f"bold {_TONE_STYLE[tone]}"),
                ("  ·  ", LABEL),
                summary.kind.value,
                ("  ·  ", LABEL),
                progress.stage,
                " ",
                percent_text(progress.fraction, progress.estimated and not summary.finished),
                ("  (~ = estimate)" if progress.estimated and not summary.finished else "", LABEL),
                "\n",
            )
        )
        title = clean_line(summary.title)
        parts.append(Content.assemble((title or "untitled", HEADING if title else LABEL), "\n"))
    parts.append(Content("\n"))
    fail_reason = clean_line(task.fail_reason if task is not None else "") or (
        clean_line(summary.fail_reason) if summary is not None else ""
    )
    if fail_reason:
        parts.append(Content.assemble((f" ✗ FAILED: {fail_reason} ", FAILURE), "\n\n"))

    parts.append(_field("task id", clean_line(task_id), width=width))
    if summary is not None:
        profile: str | Content = clean_line(summary.profile)
        if profile_note:
            profile = Content.assemble(
                (str(profile), ERROR), (f"  (not polled: {clean_line(profile_note)})", ERROR)
            )
        parts.append(_field("profile", profile, width=width))
        if summary.downloaded:
            count = summary.downloaded
            parts.append(_field("downloaded", f"{count} file{'s' if count != 1 else ''}"))
        parts.append(_field("added", full_time(summary.added_at, tz)))
    if task is not None:
        parts.append(_field("submitted", _when(task.submitted_at, tz)))
        parts.append(_field("started", _when(task.started_at, tz)))
        parts.append(_field("finished", _when(task.finished_at, tz)))
        if task.progress_text:
            parts.append(_field("reported", clean_line(task.progress_text)))
        tags = ", ".join(clean_line(tag) for tag in task.tags)
        parts.append(_field("tags", tags, width=width))
    elif summary is not None:
        parts.append(_field("tags", clean_line(summary.tags), width=width))
    if summary is not None:
        in_state = short_duration((now - summary.state_since).total_seconds())
        parts.append(_field("in state", f"{in_state} (since {full_time(summary.state_since, tz)})"))
    if family is not None:  # what it was made from, what was made from it
        from suno_tui.tui.detail.lineage_lines import lineage_lines

        parts.extend(lineage_lines(family, width))

    parts.append(Content.assemble("\n", ("Timeline", HEADING), "\n"))
    if transitions:
        parts.extend(timeline(transitions, now, tz))
    else:
        parts.append(Content.assemble(("  no transitions recorded yet", LABEL), "\n"))
    parts.append(Content("\n"))

    if task is None:
        parts.append(Content.assemble(("Nothing fetched from the gateway yet.", LABEL), "\n"))
    else:
        seen_lyrics: dict[str, int] = {}
        for number, clip in enumerate(task.clips, 1):
            lines = (timed or {}).get(clip.id, ())
            parts.extend(
                _clip_section(
                    clip, number, len(task.clips), seen_lyrics, tz, width, links=links, timed=lines
                )
            )
        if task.lyrics is not None:
            parts.extend(_lyrics_section(task.lyrics, width))
        if not task.clips and task.lyrics is None:
            parts.append(Content.assemble(("No clips yet.", LABEL), "\n"))
    return Content.assemble(*parts).rstrip()


def raw_document(task: Task | None) -> Content:
    """Everything the gateway sent for the task, pretty-printed, as plain text."""
    if task is None:
        return Content("Nothing fetched from the gateway yet.")
    try:
        # to_json_text escapes what json.dumps leaves raw (DEL, C1, bidi,
        # invisible format characters), so the raw view shows them instead of
        # obeying them, and stays valid JSON.
        text = to_json_text(_plain(task.raw), indent=2, default=str)
    except RecursionError:  # a hostile gateway can nest deeper than Python recurses
        return Content("The gateway's answer is nested too deeply to show.")
    return Content(clean_text(text, multiline=True))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def copy_targets(task_id: str, task: Task | None) -> list[CopyTarget]:
    """Ids and URLs of a task, in the order the detail view shows them."""
    targets = [CopyTarget("task id", clean_line(task_id))]
    if task is None:
        return targets
    for number, clip in enumerate(task.clips, 1):
        for label, value in (
            ("id", clip.id),
            ("audio URL", clip.audio_url),
            ("video URL", clip.video_url),
            ("image URL", clip.image_large_url or clip.image_url),
        ):
            cleaned = clean_line(value).strip()
            if cleaned:
                targets.append(CopyTarget(f"clip {number} {label}", cleaned))
        lyrics = clean_text(clip.lyrics, multiline=True).strip()
        if lyrics and all(t.value != lyrics for t in targets):
            targets.append(CopyTarget(f"clip {number} lyrics", lyrics))
    if task.lyrics is not None:
        text = clean_text(task.lyrics.text, multiline=True).strip()
        if text:
            targets.append(CopyTarget("lyrics", text))
    return targets

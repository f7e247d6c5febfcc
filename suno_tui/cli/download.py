"""``suno-tui download ID [ID ...]``: download the assets of finished tasks.

Prints one line per file that is finished, skipped or failed (with its full
path: over SSH the files land on the remote host). On a terminal, each
running download also gets a line that updates in place.

Exit codes: 0 everything downloadable is on disk, 1 a task failed, was not
found, or had nothing to download, 2 usage or config error, 3 authentication
refused, 4 network or gateway failure, 130 interrupted (``.part`` files are
kept and resumed by the next run).
"""

from __future__ import annotations

import argparse
import sys

from suno_tui.cli import exit_codes
from suno_tui.cli.common import add_connection_options, add_ids_options, positive_int

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from suno_tui.config import Settings
    from suno_tui.downloads import DownloadOptions, DownloadProgress, TaskOutcome

_NETWORK_KINDS = frozenset({"network", "timeout", "gateway", "malformed", "http"})
# Live lines are redrawn at most this often: over SSH every byte is paid.
_REDRAW_INTERVAL = 0.25


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Download the audio, cover, video, lyrics and JSON of finished clips. "
        "Exit codes: 0 all downloaded (or already there), 1 a task failed, was not found "
        "or had nothing to download, 2 usage or config error, 3 authentication refused, "
        "4 network or gateway failure, 130 interrupted (partial files resume next time)."
    )
    add_ids_options(parser)
    group = parser.add_argument_group("downloads")
    group.add_argument(
        "--assets",
        metavar="LIST",
        help="what to fetch per clip, comma-separated from audio,image,video,lyrics,json "
        "(default from the config: audio,image,lyrics,json)",
    )
    group.add_argument(
        "--download-dir",
        "-o",
        metavar="DIR",
        help="folder for the files ($SUNO_TUI_DOWNLOAD_DIR, config download_dir)",
    )
    group.add_argument(
        "--template",
        metavar="T",
        help="file name template, e.g. '{title} [{clip_id:.8}].{ext}'; fields: title, "
        "clip_id, task_id, tags, model, created, index, ext",
    )
    group.add_argument(
        "--wav",
        action="store_true",
        help="also the WAV of each clip, asked of the gateway (hosted gateways; may be billed; "
        "config wav = true)",
    )
    group.add_argument(
        "--lrc",
        action="store_true",
        help="also timed lyrics: a .lrc beside the mp3 and a SYLT frame in it (hosted "
        "gateways; may be billed; config lrc = true)",
    )
    group.add_argument("--no-tags", action="store_true", help="do not write ID3 tags into mp3s")
    group.add_argument("--artist", metavar="NAME", help="artist tag (default: the display name)")
    group.add_argument(
        "--concurrency",
        metavar="N",
        type=positive_int,
        help="simultaneous downloads (1-16, default 3)",
    )
    add_connection_options(parser)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from suno_tui.cli.common import UsageError, fail, require_ids, settings_from_args
    from suno_tui.config import ConfigError

    try:
        ids = require_ids(args)
        settings = settings_from_args(args)
        options = download_options(args, settings)
    except (UsageError, ConfigError) as error:
        return fail(str(error), exit_codes.USAGE)
    try:
        return asyncio.run(_download(settings, ids, options))
    except ConfigError as error:
        return fail(str(error), exit_codes.USAGE)
    except KeyboardInterrupt:
        print(
            "interrupted: partial downloads are kept as .part files and resume on the next run",
            file=sys.stderr,
        )
        return exit_codes.INTERRUPTED


def download_options(args: argparse.Namespace, settings: Settings) -> DownloadOptions:
    """The settings with this command's options on top; ConfigError if invalid."""
    from suno_tui.engine.downloads import options_from_settings

    return options_from_settings(
        settings,
        assets=args.assets,
        template=args.template,
        concurrency=args.concurrency,
        download_dir=args.download_dir,
        no_tags=args.no_tags,
        artist=args.artist,
        wav=args.wav,
        lrc=args.lrc,
    )


async def _download(settings: Settings, ids: list[str], options: DownloadOptions) -> int:
    from suno_tui.cli.common import fail, warn
    from suno_tui.cli.relay_errors import describe, exit_code_for
    from suno_tui.engine.download_run import download_ids
    from suno_tui.relay.errors import RelayError

    reporter = Reporter(sys.stdout)
    try:
        run = await download_ids(
            settings,
            ids,
            options,
            on_progress=reporter.event,
            warn=warn,
            on_missing=lambda task_id: reporter.line(
                "failed", f"task {task_id}", "task not found on the gateway"
            ),
        )
    except RelayError as error:
        return fail(describe(error), exit_code_for(error))
    finally:
        reporter.close()
    print(_summary(run.outcomes, options, len(run.missing)), file=sys.stderr)
    return exit_code(run.outcomes, missing=len(run.missing))


def exit_code(outcomes: dict[str, TaskOutcome], *, missing: int = 0) -> int:
    """3 auth > 4 network/gateway > 1 a task not fully downloaded > 0."""
    from suno_tui.downloads import FileState

    kinds = {o.error_kind for o in outcomes.values() if o.error_kind}
    kinds |= {e.error_kind for o in outcomes.values() for e in o.files if e.error_kind}
    if "auth" in kinds:
        return exit_codes.AUTH
    if kinds & _NETWORK_KINDS:
        return exit_codes.UNREACHABLE
    if missing or not all(o.ok for o in outcomes.values()):
        return exit_codes.TASK_FAILED
    # A task whose every file was skipped as "unavailable" got nothing.
    if any(o.count(FileState.DONE) == 0 for o in outcomes.values()):
        return exit_codes.TASK_FAILED
    return exit_codes.OK


def _summary(outcomes: dict[str, TaskOutcome], options: DownloadOptions, missing: int) -> str:
    import os
    import socket

    from suno_tui.downloads import FileState

    files = [e for o in outcomes.values() for e in o.files]
    new = sum(1 for e in files if e.state is FileState.DONE and not e.present)
    present = sum(1 for e in files if e.state is FileState.DONE and e.present)
    skipped = sum(1 for e in files if e.state is FileState.SKIPPED)
    failed = sum(1 for e in files if e.state is FileState.FAILED)
    failed += missing + sum(1 for o in outcomes.values() if o.error and o.error_kind != "cancelled")
    where = str(options.directory.expanduser().resolve())
    if os.environ.get("SSH_CONNECTION"):
        where += f" on {socket.gethostname()}"
    summary = (
        f"{new} downloaded, {present} already there, {skipped} skipped, {failed} failed; "
        f"files in {where}"
    )
    return summary + _not_offered_note(files)


def _not_offered_note(files: list[DownloadProgress]) -> str:
    """A second line when the gateway does not offer a WAV or timed lyrics (the
    skips above say it per file; this says the rest was saved without them)."""
    from suno_tui.downloads import FileState

    words = {"wav": "WAV", "lrc": "timed lyrics"}
    missing = {
        words[e.asset]
        for e in files
        if e.state is FileState.SKIPPED
        and e.asset in words
        and e.message.startswith("this gateway does not offer")
    }
    if not missing:
        return ""
    shown = " or ".join(sorted(missing))
    return (
        f"\nthis gateway does not offer {shown}: the other files were saved without them "
        "(remembered: later downloads do not ask it again)"
    )


# -- terminal output -------------------------------------------------------------------


def _size(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(count) < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} GB"  # pragma: no cover


class Reporter:
    """Plain lines for finished/skipped/failed files; on a terminal, a live line
    per running download below them (and a count of queued ones), redrawn at
    most four times a second."""

    def __init__(self, stream: TextIO, *, tty: bool | None = None) -> None:
        import time

        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self._active: dict[tuple[str, str, str], DownloadProgress] = {}
        self._drawn = 0  # live lines currently on screen
        self._last_draw = 0.0
        self._clock = time.monotonic

    def line(self, label: str, subject: str, detail: str = "") -> None:
        from suno_tui.safe_text import clean_line

        text = f"{label:<10} {subject}" + (f"  ({detail})" if detail else "")
        self._erase()
        self.stream.write(clean_line(text) + "\n")
        self._draw()

    def event(self, event: DownloadProgress) -> None:
        from suno_tui.downloads import FileState

        key = (event.task_id, event.clip_id, event.asset)
        if event.is_task_event:
            if event.state is FileState.FAILED:
                self.line("failed", f"task {event.task_id}", event.message)
            return
        if not event.state.final:
            if self.tty:
                self._active[key] = event
                if self._clock() - self._last_draw >= _REDRAW_INTERVAL:
                    self._erase()
                    self._draw()
            return
        self._active.pop(key, None)
        self.line(*_final_line(event))

    def close(self) -> None:
        self._active.clear()
        self._erase()
        self.stream.flush()

    def _erase(self) -> None:
        if self._drawn:
            # cursor up to the first live line, then clear to the end of the screen
            self.stream.write(f"\x1b[{self._drawn}F\x1b[J")
            self._drawn = 0

    def _draw(self) -> None:
        if not self.tty or not self._active:
            self.stream.flush()
            return
        import shutil

        from suno_tui.downloads import FileState
        from suno_tui.safe_text import clean_line

        size = shutil.get_terminal_size((80, 24))
        width = max(20, size.columns - 1)
        running = [e for e in self._active.values() if e.state is FileState.RUNNING]
        waiting = len(self._active) - len(running)
        # Never taller than the screen, or the cursor could not come back up.
        room = max(1, size.lines - 2)
        shown = running[:room] if len(running) <= room else running[: room - 1]
        lines = [_live_line(event) for event in shown]
        hidden = len(running) - len(shown)
        if hidden or waiting:
            lines.append(f"  ... {hidden} more running, {waiting} queued")
        for line in lines:
            # One screen line each (no wrapping), or the erase would miss some.
            self.stream.write(fit(clean_line(line), width) + "\n")
        self._drawn = len(lines)
        self._last_draw = self._clock()
        self.stream.flush()


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells (CJK and emoji take two)."""
    import unicodedata

    used = 0
    for index, char in enumerate(text):
        used += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used > width:
            return text[:index]
    return text


def _name(event: DownloadProgress) -> str:
    return event.path.name if event.path is not None else f"{event.clip_id[:8]} {event.asset}"


def _live_line(event: DownloadProgress) -> str:
    if not event.total:
        return f"  {event.message or event.state.value:<24} {_name(event)}"
    percent = 100 * event.received / event.total
    filled = int(percent / 5)
    bar = "#" * filled + "-" * (20 - filled)
    speed = f"  {_size(event.speed_bps)}/s" if event.speed_bps else ""
    return (
        f"  [{bar}] {percent:5.1f}%  {_size(event.received)}/{_size(event.total)}{speed}"
        f"  {_name(event)}"
    )


def _final_line(event: DownloadProgress) -> tuple[str, str, str]:
    from suno_tui.downloads import FileState

    state = event.state
    path = str(event.path) if event.path is not None else ""
    if state is FileState.DONE:
        if event.present:
            return "present", path, "already downloaded"
        return "done", path, ", ".join(filter(None, [_size(event.received), event.message]))
    if state is FileState.SKIPPED:
        where = f"task {event.task_id}" + (f" clip {event.clip_id[:8]}" if event.clip_id else "")
        what = f" {event.asset}" if event.asset not in ("", "clip") else ""
        return "skipped", where + what, event.message
    label = "cancelled" if state is FileState.CANCELLED else "failed"
    return (
        label,
        path or f"task {event.task_id} clip {event.clip_id[:8]} {event.asset}",
        event.message,
    )

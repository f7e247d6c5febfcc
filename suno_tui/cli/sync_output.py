"""What ``suno-tui sync`` prints, and its exit code.

Text (stdout): the summary at the end, each failure with its reason.
Progress (stderr, only when it is a terminal): ``download``'s live lines,
without the files that were already there.

``--json`` (stdout), one object per line:

- each file: ``{"event": "file", "state": S, "task_id", "clip_id",
  "asset", "path", "size", "reason", "error_kind", "skip_kind"}`` where S
  is ``done`` (downloaded now), ``present`` (already there), ``skipped``
  (the clip has no such file, or is not finished: ``skip_kind`` says which,
  ``reason`` why), ``failed`` (``reason`` and ``error_kind``) or
  ``cancelled``; ``path`` and ``size`` are null when there is no file,
  ``asset`` is ``clip`` for a whole clip skipped;
- a task that could not be handled at all: ``{"event": "task", "state":
  "failed", "task_id", "reason", "error_kind"}``;
- with ``--watch``, once the first pass is done: ``{"event": "watching",
  "source": "account" | "watch list"}``;
- last: ``{"event": "summary", "source", "directory", "tasks", "complete",
  "unfinished", "new", "present", "skipped", "failed", "cancelled", "failures": [{"task_id",
  "clip_id", "asset", "path", "reason", "error_kind"}], "truncated"}``.

Every text from the gateway or the state file is cleaned of control
characters in text output and escaped in JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from suno_tui.cli import exit_codes
from suno_tui.cli.download import Reporter
from suno_tui.downloads.events import DownloadProgress, FileState
from suno_tui.relay.export import to_json_text
from suno_tui.safe_text import clean_line

if TYPE_CHECKING:
    from suno_tui.engine.sync_run import SyncReport

_NETWORK_KINDS = frozenset({"network", "timeout", "gateway", "malformed", "http"})


class SyncPrinter:
    """Takes the download events of a sync, tallies them and prints them."""

    def __init__(self, out: TextIO, err: TextIO, *, as_json: bool) -> None:
        self.out = out
        self.as_json = as_json
        self.progress = Reporter(err) if err.isatty() else None
        self.new = 0
        self.present = 0
        self.skipped = 0
        self.cancelled = 0
        self.failures: list[dict[str, Any]] = []
        self.kinds: set[str] = set()
        self._live: set[tuple[str, str, str]] = set()

    # -- events ----------------------------------------------------------------------

    def event(self, event: DownloadProgress) -> None:
        if event.is_task_event:
            # (a task's closing event says FAILED when one of its files did: told already)
            if event.state is FileState.FAILED and event.error_kind:
                self.task_failed(event.task_id, event.message, event.error_kind)
            return
        key = (event.task_id, event.clip_id, event.asset)
        if not event.state.final:
            if self.progress is not None:
                self._live.add(key)
                self.progress.event(event)
            return
        state = event.state.value
        if event.state is FileState.DONE:
            state = "present" if event.present else "done"
            self.present += event.present
            self.new += not event.present
        elif event.state is FileState.SKIPPED:
            self.skipped += 1
        elif event.state is FileState.CANCELLED:  # stopped: its .part resumes next time
            self.cancelled += 1
        else:
            self._failure(event)
        # A file already there gets no line of its own (a second sync would
        # print hundreds), unless it had a live line to end.
        if self.progress is not None and (not event.present or key in self._live):
            self.progress.event(event)
        self._live.discard(key)
        if self.as_json:
            on_disk = event.path is not None and state in ("done", "present")
            size = event.received if on_disk else None
            self._json({
                "event": "file", "state": state, "task_id": event.task_id,
                "clip_id": event.clip_id, "asset": event.asset,
                "path": str(event.path) if event.path is not None else None, "size": size,
                "reason": event.message or None, "error_kind": event.error_kind or None,
                "skip_kind": event.skip_kind.value if event.skip_kind is not None else None,
            })  # fmt: skip

    def task_failed(self, task_id: str, reason: str, kind: str) -> None:
        self.kinds.add(kind)
        self.failures.append({"task_id": task_id, "clip_id": "", "asset": "", "path": None,
                              "reason": reason, "error_kind": kind})  # fmt: skip
        if self.progress is not None:
            self.progress.line("failed", f"task {task_id}", reason)
        if self.as_json:
            self._json({"event": "task", "state": "failed", "task_id": task_id,
                        "reason": reason, "error_kind": kind})  # fmt: skip

    def _failure(self, event: DownloadProgress) -> None:
        kind = event.error_kind or "error"
        self.kinds.add(kind)
        self.failures.append({
            "task_id": event.task_id, "clip_id": event.clip_id, "asset": event.asset,
            "path": str(event.path) if event.path is not None else None,
            "reason": event.message, "error_kind": kind,
        })  # fmt: skip

    def tell_watching(self, source: str) -> None:
        if self.as_json:
            self._json({"event": "watching", "source": source})
        elif self.progress is not None:
            self.progress.line("watching", f"the {source}", "Ctrl-C to stop")

    # -- the end ------------------------------------------------------------------------

    def summary(self, report: SyncReport) -> None:
        self.close()
        directory = str(report.directory) if report.directory is not None else ""
        if self.as_json:
            self._json({
                "event": "summary", "source": report.source, "directory": directory,
                "tasks": report.found, "complete": report.complete,
                "unfinished": report.unfinished, "new": self.new, "present": self.present,
                "skipped": self.skipped, "failed": len(self.failures),
                "cancelled": self.cancelled,
                "failures": self.failures, "truncated": report.truncated,
            })  # fmt: skip
            return
        lines = [
            f"{report.found} task{'s' if report.found != 1 else ''} found in the {report.source}"
            + (f" ({report.unfinished} not finished yet)" if report.unfinished else "")
            + f": {self.new} new file{'s' if self.new != 1 else ''}, {self.present} already "
            f"there, {self.skipped} skipped, {len(self.failures)} failed; files in {directory}"
        ]
        if self.cancelled:
            lines.append(f"{self.cancelled} cut short: their .part files resume next time")
        if not self.new and not self.failures:
            lines.append("nothing to download: every file is already there")
        for failure in self.failures:
            parts = (f"task {failure['task_id']}", failure["clip_id"][:8], failure["asset"])
            subject = failure["path"] or " ".join(part for part in parts if part)
            lines.append(f"failed     {subject}  ({failure['reason']})")
        self.out.write("".join(clean_line(line) + "\n" for line in lines))
        self.out.flush()

    def exit_code(self) -> int:
        """3 auth > 4 network or gateway > 1 a failure > 0."""
        if "auth" in self.kinds:
            return exit_codes.AUTH
        if self.kinds & _NETWORK_KINDS:
            return exit_codes.UNREACHABLE
        return exit_codes.TASK_FAILED if self.failures else exit_codes.OK

    def close(self) -> None:
        if self.progress is not None:
            self.progress.close()

    def _json(self, document: dict[str, Any]) -> None:
        self.out.write(to_json_text(document) + "\n")
        self.out.flush()

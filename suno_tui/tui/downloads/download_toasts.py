"""What the monitor says when downloads end: a toast per task (or one for a
whole ``D`` run), and how a line without a file is named.

The engine's download service tallies each run into a
:class:`~suno_tui.downloads.TaskOutcome`; these turn one into display-safe
text. ``label`` names a file event (its path in the download folder, or the
task, clip and asset when there is no file yet).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from suno_tui.downloads.events import DownloadProgress, TaskOutcome
from suno_tui.safe_text import clean_line
from suno_tui.tui.news.finished import Toast

Label = Callable[[DownloadProgress], str]


def reasons(events: Sequence[DownloadProgress], label: Label) -> list[str]:
    """``label: message`` for each event (the reasons a toast lists)."""
    lines: list[str] = []
    for event in events:
        name, message = label(event), clean_line(event.message)
        lines.append(f"{name}: {message}" if message else name)
    return lines


def common_folder(paths: Sequence[Path], fallback: Path) -> Path:
    """The folder holding every path (the download folder if none)."""
    folders = {path.parent for path in paths}
    if not folders:
        return fallback
    if len(folders) == 1:
        return folders.pop()
    import os.path

    try:
        return Path(os.path.commonpath([str(folder) for folder in folders]))
    except ValueError:
        return fallback


def skip_label(event: DownloadProgress, title: str) -> str:
    """How a line without a file is named: the task's title, the clip, the asset."""
    title = clean_line(title) or clean_line(event.task_id)[:12]
    if event.is_task_event:
        return title
    clip = clean_line(event.clip_id)[:8]
    asset = "" if event.asset in ("", "clip") else f" {clean_line(event.asset)}"
    return f"{title} · clip {clip}{asset}" if clip else f"{title}{asset}"


def _more(items: Sequence[str], shown: int = 1) -> str:
    text = "\n".join(items[:shown])
    if len(items) > shown:
        text += f"\n(and {len(items) - shown} more: w shows them)"
    return text


def download_toast(result: TaskOutcome, name: str, directory: Path, label: Label) -> Toast:
    """What to say when a task's download run ends (display-safe text)."""
    name = clean_line(name) or clean_line(result.task_id)
    failed, skipped = reasons(result.failed, label), reasons(result.skipped, label)
    folder = clean_line(str(common_folder(result.paths, directory)))
    if result.cancelled:
        return Toast(f"{name}\nPartial files are kept; d resumes.", "Download cancelled")
    if result.error:
        return Toast(f"{name}\n{clean_line(result.error)}", "✗ Download failed", "error")
    if failed:
        saved = f"\n{len(result.paths)} saved in {folder}" if result.paths else ""
        return Toast(f"{name}\n{_more(failed)}{saved}", "✗ Some files failed", "error")
    if not result.paths:
        why = _more(skipped) if skipped else "the task offers no files"
        return Toast(f"{name}\n{why}", "Nothing downloaded", "warning")
    count = len(result.paths)
    files = f"{count} file{'s' if count != 1 else ''}"
    if not result.saved:
        text = f"{name}\nAll {files} already in {folder}"
        title = "Already downloaded"
    else:
        text = f"{name}\n{files} in {folder}"
        title = "↓ Downloaded"
    if skipped:
        text += f"\nSkipped: {_more(skipped)}"
    return Toast(text + "\nw, then y, copies the folder", title)


def bulk_toast(results: Sequence[TaskOutcome], directory: Path) -> Toast:
    """One toast for a whole ``D`` run: a toast per task would bury the screen."""
    saved = sum(len(result.saved) for result in results)
    present = sum(len(result.present) for result in results)
    # a cancelled task is not a failed one (its outcome says "cancelled")
    troubled = sum(
        1 for result in results if (result.error and not result.cancelled) or result.failed
    )
    folder = clean_line(str(directory))
    lines = [f"{saved} new file{'s' if saved != 1 else ''} in {folder}"]
    if present:
        lines.append(f"{present} already there")
    if troubled:
        lines.append(f"{troubled} task{'s' if troubled != 1 else ''} failed: w shows why")
    count = len(results)
    title = f"↓ {count} task{'s' if count != 1 else ''} done"
    return Toast("\n".join(lines), title, "error" if troubled else "information")

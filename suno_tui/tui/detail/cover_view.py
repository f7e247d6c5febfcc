"""The selected task's cover at the top of the detail view.

The thumbnail comes from the app's ``covers`` source (a
:class:`~suno_tui.downloads.cover_pool.CoverLoader`: cache folder, else one
fetch, on the covers' own threads) as a future that an async worker awaits:
the UI never waits for the network or Pillow, a poll never waits for a cover,
and no cover holds a thread of the default executor. Moving to another task
cancels the request still running or waiting (its thread is freed). No
source (``--no-images``, ``images = false``) means no cover and no request.
The picture is sized to the pane (a third of its width, a quarter of its
height at most, so the task's status and title stay on the first screen at
80x24; none when that is under MIN_ROWS) and redrawn from the thumbnail when the pane changes size.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Any, Protocol

from textual.strip import Strip
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from suno_tui.tui.detail.cover_art import cover_size, cover_strips, placeholder_strips

if TYPE_CHECKING:
    from concurrent.futures import Future

    from PIL.Image import Image

    from suno_tui.relay.models import Task

#: the largest cover, in columns (rows are half of it)
MAX_COLUMNS = 32
MIN_COLUMNS = 8
#: at most this share of the pane's height, so what is written below it shows
HEIGHT_SHARE = 4
#: a smaller cover is not drawn at all (it would show nothing recognisable)
MIN_ROWS = 4


class CoverSource(Protocol):
    def request(self, clip_id: str, url: str) -> Future[Image]: ...


def cover_link(task: Task | None) -> tuple[str, str] | None:
    """(clip id, image URL) of the first clip that has a cover."""
    if task is None:
        return None
    for clip in task.clips:
        url = clip.image_url or clip.image_large_url
        if clip.id and url:
            return clip.id, url
    return None


class CoverView(Widget):
    """A square picture of half-blocks; a dotted placeholder while loading or if none."""

    DEFAULT_CSS = """
    CoverView {
        width: 1fr;
        height: 0;
        margin-bottom: 1;
        display: none;
    }
    """

    def __init__(self, source: CoverSource | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: where thumbnails come from (None: no covers, nothing fetched)
        self._cover_source = source
        self.clip_id: str | None = None
        self.image: Image | None = None
        self.reason = ""
        self._strips: list[Strip] = []
        self._drawn: tuple[Any, ...] = ()
        self._pending: Future[Image] | None = None

    def show_task(self, task: Task | None, *, visible: bool = True) -> None:
        """Show the cover of ``task``'s first clip (or nothing)."""
        link = cover_link(task) if visible else None
        source = self._cover_source
        if link is None or source is None:
            self._cancel_pending()
            self.clip_id = None
            self.display = False
            return
        clip_id, url = link
        self.display = True
        if clip_id == self.clip_id:
            self.relayout()
            return
        self.clip_id, self.image, self.reason = clip_id, None, "cover…"
        self.relayout()
        self._cancel_pending()
        self._pending = source.request(clip_id, url)
        self.run_worker(
            _wait_for(self._pending),
            exclusive=True,
            group="cover",
            name=clip_id,
            exit_on_error=False,
        )

    def _cancel_pending(self) -> None:
        if self._pending is not None:
            self._pending.cancel()  # no-op once done
            self._pending = None

    def on_unmount(self) -> None:
        self._cancel_pending()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "cover":
            return
        event.stop()
        if event.worker.name != self.clip_id:
            return  # an answer for a task no longer shown
        if event.state is WorkerState.SUCCESS:
            self.image, self.reason = event.worker.result, ""
        elif event.state is WorkerState.ERROR:
            from suno_tui.downloads.covers import CoverError

            error = event.worker.error
            self.reason = str(error) if isinstance(error, CoverError) else "no cover"
        else:
            return
        self._drawn = ()
        self.relayout()

    def relayout(self) -> None:
        """Size the picture to the pane and draw it (only when something changed)."""
        pane = self.parent if isinstance(self.parent, Widget) else None
        if pane is None:
            return
        width = pane.scrollable_content_region.width
        height = pane.size.height // HEIGHT_SHARE
        columns, rows = cover_size(width // 3, height, max_cells=MAX_COLUMNS)
        if columns < MIN_COLUMNS or rows < MIN_ROWS:
            columns = rows = 0
        colour = "NO_COLOR" not in os.environ
        key = (columns, rows, id(self.image), self.reason, colour)
        if key == self._drawn:
            return
        self._drawn = key
        if self.image is not None:
            self._strips = cover_strips(self.image, columns, rows, colour=colour)
        else:
            self._strips = placeholder_strips(columns, rows, self.reason)
        self.styles.height = rows
        self.styles.width = columns
        self.refresh()

    def render_line(self, y: int) -> Strip:
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width)


async def _wait_for(future: Future[Image]) -> Image:
    # cancelling the worker cancels the wrapped future, and with it the request
    return await asyncio.wrap_future(future)

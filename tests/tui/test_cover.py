"""The cover in the detail: from the app's source in a worker, sized to the pane,
a placeholder on failure, greyscale by shading under NO_COLOR, off without a source."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import Any

import pytest
from PIL import Image

from suno_tui.downloads.covers import CoverError
from suno_tui.tui.detail.cover_art import SHADES, UPPER_HALF, cover_size, cover_strips
from suno_tui.tui.detail.cover_view import CoverView

from .conftest import build_app
from .factories import sample_summaries

FIRST = sample_summaries()[0].task_id


def gradient(size: int = 64) -> Image.Image:
    image = Image.new("RGB", (size, size))
    for x in range(size):
        for y in range(size):
            image.putpixel((x, y), (x * 4 % 256, 40 + y * 3 % 200, 160))
    return image


class FakeCovers:
    def __init__(self, image: Image.Image | None = None, error: str = "") -> None:
        self.image = image or gradient()
        self.error = error
        self.calls: list[tuple[str, str]] = []
        self.threads: list[str] = []
        self.closed = False

    def request(self, clip_id: str, url: str) -> Future[Image.Image]:
        """Answers from a thread of its own, as the real loader does."""
        future: Future[Image.Image] = Future()
        threading.Thread(target=self._answer, args=(clip_id, url, future)).start()
        return future

    def _answer(self, clip_id: str, url: str, future: Future[Image.Image]) -> None:
        self.calls.append((clip_id, url))
        self.threads.append(threading.current_thread().name)
        if self.error:
            future.set_exception(CoverError(self.error))
        else:
            future.set_result(self.image)

    def close(self) -> None:
        self.closed = True


async def _open_detail(app: Any, pilot: Any) -> CoverView:
    app.task_list.select(FIRST)
    await pilot.press("enter")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen.query_one(CoverView)


def _text(view: CoverView) -> str:
    return "\n".join(view.render_line(y).text for y in range(view.size.height))


async def test_the_detail_draws_the_first_clips_cover_in_a_worker() -> None:
    covers = FakeCovers()
    app, _ = build_app(covers=covers)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await _open_detail(app, pilot)
        assert covers.calls == [
            ("clip-aaaa-1111", "https://cdn2.suno.ai/image_clip-aaaa-1111.jpeg")
        ]
        assert covers.threads and covers.threads[0] != threading.main_thread().name
        assert view.display and view.image is covers.image
        assert view.size.height >= 4 and view.size.width == view.size.height * 2
        assert set(_text(view).replace("\n", "")) == {UPPER_HALF}
    assert covers.closed  # the cache's HTTP client is closed when the app ends


async def test_a_broken_cover_is_a_placeholder_with_the_reason() -> None:
    app, _ = build_app(covers=FakeCovers(error="not an image"))
    async with app.run_test(size=(120, 40)) as pilot:
        view = await _open_detail(app, pilot)
        assert view.display and view.image is None
        assert "not an image" in _text(view)


async def test_no_source_no_cover_and_no_request() -> None:
    app, _ = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        view = await _open_detail(app, pilot)
        assert not view.display


async def test_the_raw_view_hides_the_cover() -> None:
    app, _ = build_app(covers=FakeCovers())
    async with app.run_test(size=(120, 40)) as pilot:
        view = await _open_detail(app, pilot)
        await pilot.press("J")
        await pilot.pause()
        assert not view.display
        await pilot.press("J")
        await pilot.pause()
        assert view.display


def test_sizes_and_greyscale() -> None:
    assert cover_size(30, 40, max_cells=32) == (30, 15)
    assert cover_size(100, 6, max_cells=32) == (12, 6)
    strips = cover_strips(gradient(), 12, 6, colour=False)
    assert len(strips) == 6 and all(strip.cell_length == 12 for strip in strips)
    text = "".join(strip.text for strip in strips)
    assert set(text) <= set(SHADES) and len(set(text)) > 1
    for strip in strips:
        for segment in strip:
            assert segment.style is not None and segment.style.color is None
    coloured = cover_strips(gradient(), 12, 6)
    assert any(segment.style and segment.style.bgcolor for segment in coloured[0])


@pytest.mark.parametrize("columns", [0, -1])
def test_no_room_no_picture(columns: int) -> None:
    assert cover_strips(gradient(), columns, 3) == []


async def test_no_color_draws_shades_and_does_not_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app, _ = build_app(covers=FakeCovers())
    async with app.run_test(size=(120, 40)) as pilot:
        view = await _open_detail(app, pilot)
        assert view.image is not None
        assert set(_text(view).replace("\n", "")) <= set(SHADES)
        assert "░" in app.export_screenshot() or "▒" in app.export_screenshot()


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (100, 30)])
async def test_the_cover_leaves_the_status_and_title_on_the_first_screen(
    size: tuple[int, int],
) -> None:
    from textual.widget import Widget

    from suno_tui.tui.detail.cover_view import HEIGHT_SHARE, MIN_ROWS

    app, _ = build_app(covers=FakeCovers())
    async with app.run_test(size=size) as pilot:
        view = await _open_detail(app, pilot)
        pane = view.parent
        assert isinstance(pane, Widget)
        assert view.display and MIN_ROWS <= view.size.height <= pane.size.height // HEIGHT_SHARE
        body = app.screen.query_one("#detail-body", Widget)
        # the body's first lines (the task's title and status) are in the pane's first screen
        first_lines = body.region.y + 4
        assert first_lines <= pane.region.y + pane.size.height
        title = app.engine.get(FIRST).title  # type: ignore[union-attr]
        assert title and title in "\n".join(
            line.text for line in body.render_lines(body.region.reset_offset)[:4]
        )


async def test_no_cover_below_its_minimum_height() -> None:
    app, _ = build_app(covers=FakeCovers())
    async with app.run_test(size=(80, 16)) as pilot:
        view = await _open_detail(app, pilot)
        assert view.size.height == 0 and _text(view) == ""

"""Hostile text from the gateway shows literally and never drives the terminal.

Titles, lyrics, tags, reasons and URLs below hold markup (``[/x]``,
``[@click=app.quit]``, ``[$accent]``), escape sequences (an OSC 52 clipboard
write, SGR colours) and bidi controls. Every view must show the brackets as
typed, drop the control characters, not crash, and not run an action.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.content import Content
from textual.style import Style
from textual.widgets import Static

from suno_tui.relay.models import TaskStatus, parse_task
from suno_tui.tracking.model import Transition
from suno_tui.tui.detail.links import link_target
from suno_tui.tui.detail.view import DetailView
from suno_tui.tui.screens.confirm import ConfirmScreen
from suno_tui.tui.screens.copy_picker import CopyPickerScreen
from tests.fixtures.notifications import notes

from .conftest import FakeStatus, FakeUpdate, build_app
from .factories import NOW, raw_music_task, summary, with_status

MARKUP = "[/x] [@click=app.quit]hi[/] [$accent]accent[/] [bold]b"
ESCAPES = "\x1b]52;c;SGVsbG8=\x07\x1b[31mred\x1b[0m\u202eevil\u202c\x9b2J"
HOSTILE = MARKUP + " " + ESCAPES
LITERAL = "[/x] [@click=app.quit]hi[/] [$accent]accent[/] [bold]b"
CONTROL = ("\x1b", "\x07", "\u202e", "\u202c", "\x9b", "SGVsbG8")
TASK_ID = "evil-0001"


def assert_safe(text: str) -> None:
    assert LITERAL in text, text
    assert "redevil" in text.replace(" ", "")
    for char in CONTROL:
        assert char not in text, repr(char)


def assert_no_actions(content: Content) -> None:
    for span in content.spans:
        style = span.style
        assert "@click" not in str(style), style
        if isinstance(style, Style) and style.link is not None:
            # the one link allowed: a clean http(s) URL of the gateway's, on its own text
            # (the hostile audio URL, "https://cdn1.suno.ai/" + markup, is none)
            assert link_target(style.link) == style.link, style.link
            assert not style.link.startswith("https://cdn1.suno.ai/"), style.link
            assert content.plain[span.start : span.end] in style.link
        else:
            assert "link" not in str(style), style


def hostile_raw() -> dict[str, Any]:
    raw = raw_music_task(TASK_ID, title=HOSTILE, status="FAILURE")
    raw["fail_reason"] = HOSTILE
    clip = raw["data"][0]
    clip["metadata"]["tags"] = HOSTILE
    clip["metadata"]["prompt"] = HOSTILE + "\n[Chorus]\n" + HOSTILE
    clip["metadata"]["error_message"] = HOSTILE
    clip["model_name"] = HOSTILE
    clip["audio_url"] = "https://cdn1.suno.ai/" + HOSTILE
    raw["data"][1]["status"] = HOSTILE
    return raw


def hostile_app(**kwargs: Any):  # type: ignore[no-untyped-def]
    row = summary(
        TASK_ID,
        status=TaskStatus.FAILURE,
        title=HOSTILE,  # uncleaned on purpose: the view must not trust its source
        tags=HOSTILE,
        fail_reason=HOSTILE,
        label=HOSTILE,
    )
    transition = Transition(TASK_ID, HOSTILE, HOSTILE, NOW - timedelta(minutes=1), HOSTILE)
    return build_app(
        [row],
        tasks={TASK_ID: parse_task(hostile_raw())},
        transitions=[transition],
        **kwargs,
    )


async def test_task_list_row_is_literal() -> None:
    app, _ = hostile_app()
    async with app.run_test(size=(200, 20)) as pilot:
        await pilot.pause()
        row = app.task_list.render_line(1).text
        assert "[/x] [@click=app.quit]hi[/]" in row
        for char in CONTROL:
            assert char not in row
        await pilot.click("#tasks", offset=(40, 1))  # on the "[@click=...]" title
        await pilot.pause()
        assert app.is_running and app.return_code is None


async def test_detail_view_is_literal_and_clicks_do_nothing() -> None:
    app, _ = hostile_app()
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.press("enter")
        detail = app.screen.query_one(DetailView)
        document = detail.document
        assert_safe(document.plain)
        assert_no_actions(document)
        assert document.plain.count(LITERAL) >= 6  # title, reason, tags, model, lyrics...
        for y in range(2, 40, 3):
            await pilot.click(DetailView, offset=(12, y))
        assert app.is_running and app.return_code is None
        await pilot.press("J")  # raw JSON of the same payload: escapes shown, not obeyed
        raw = detail.document
        assert LITERAL in raw.plain
        assert "\\u001b]52;c;SGVsbG8=\\u0007" in raw.plain
        assert "\\u202e" in raw.plain
        for char in CONTROL[:-1]:
            assert char not in raw.plain
        assert_no_actions(raw)


async def test_toasts_are_literal() -> None:
    app, tracker = hostile_app(with_poller=True)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        poller = app.fake_pollers[0]  # type: ignore[attr-defined]
        old = tracker.get(TASK_ID)
        assert old is not None
        failed = with_status(old, TaskStatus.FAILURE)
        moved = Transition(TASK_ID, "IN_PROGRESS", "FAILURE", NOW, HOSTILE)
        poller.on_update(FakeUpdate([failed], [moved], [failed]), poller.status)
        await pilot.pause()
        shown = notes(app)
        assert shown, "a toast for the failed task"
        for note in shown:
            assert not note.markup
        message = shown[-1].message
        assert_safe(message)
        await pilot.pause()
        toasts = list(app.screen.query("Toast"))
        assert toasts
        rendered = toasts[-1].render()
        assert_safe(rendered.plain if isinstance(rendered, Content) else str(rendered))


async def test_event_log_is_literal() -> None:
    app, _ = hostile_app(show_events=True)
    async with app.run_test(size=(200, 40)) as pilot:
        await pilot.pause()
        log = app.event_log
        line = log.render_line(0).text
        assert "[/x] [@click=app.quit]hi[/]" in line
        for char in CONTROL:
            assert char not in line


async def test_status_bar_and_auth_banner_are_literal() -> None:
    app, _ = hostile_app(with_poller=True)
    async with app.run_test(size=(250, 30)) as pilot:
        poller = app.fake_pollers[0]  # type: ignore[attr-defined]
        poller.on_status(FakeStatus(last_error=HOSTILE))
        await pilot.pause()
        bar = app.query_one("#status").text  # type: ignore[attr-defined]
        assert "[/x] [@click=app.quit]hi[/]" in bar
        for char in CONTROL:
            assert char not in bar
        poller.on_status(FakeStatus(auth_failed=True, auth_message=HOSTILE))
        await pilot.pause()
        banner = app.query_one("#banner", Static)
        assert banner.has_class("-shown")
        text = banner.render()
        plain = text.plain if isinstance(text, Content) else str(text)
        assert_safe(plain)
        assert "SUNO_TUI_TOKEN" in plain and "config set token" in plain


async def test_confirm_dialog_and_copy_picker_are_literal() -> None:
    app, _ = hostile_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmScreen)
        question = app.screen.query_one("#confirm-question", Static).render()
        assert isinstance(question, Content)
        assert_safe(question.plain)
        await pilot.press("n", "u")
        assert isinstance(app.screen, CopyPickerScreen)
        await pilot.press("down", "down", "enter")  # clip 1 audio URL
        assert app.clipboard.startswith("https://cdn1.suno.ai/[/x]")
        for char in CONTROL:
            assert char not in app.clipboard
        assert app.is_running


def test_raw_view_of_a_hostile_deeply_nested_answer_does_not_crash() -> None:
    from suno_tui.relay.models import parse_task
    from suno_tui.tui.detail.document import raw_document

    nested: object = "bottom"
    for _ in range(5000):
        nested = [nested]
    task = parse_task({"task_id": "deep-1", "status": "SUCCESS", "extra": nested})
    assert "nested too deeply" in raw_document(task).plain

"""Every binding of the app, driven through the keyboard."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.actions import parse
from textual.binding import Binding
from textual.dom import DOMNode

from suno_tui.relay.models import TaskStatus
from suno_tui.tracking.model import NEW, Transition
from suno_tui.tui.detail.screen import DetailScreen
from suno_tui.tui.detail.view import DetailView
from suno_tui.tui.keys.bindings import COMMANDS, Scope
from suno_tui.tui.screens.add_tasks import AddTasksScreen
from suno_tui.tui.screens.confirm import ConfirmScreen
from suno_tui.tui.screens.copy_picker import CopyPickerScreen
from suno_tui.tui.screens.help import HelpScreen
from tests.fixtures.notifications import RecordingApp, notes

from .conftest import FakeUpdate, build_app
from .factories import sample_summaries, sample_transitions, with_status

FIRST = sample_summaries()[0].task_id  # has a full task with clips
SECOND = sample_summaries()[1].task_id


def _declared(node: DOMNode) -> set[str]:
    """Ids of the bindings ``node``'s class declares (what Textual binds it from)."""
    return {b.id for b in node.BINDINGS if isinstance(b, Binding) and b.id}


def _active_on(node: DOMNode) -> set[str]:
    """Ids of the bindings the screen has active that ``node`` holds (Textual leaves
    out a binding whose action the node's ``check_action`` refuses now)."""
    active = node.screen.active_bindings.values()
    return {a.binding.id for a in active if a.node is node and a.binding.id}


def _offered(node: DOMNode, scope: Scope) -> set[str]:
    """Ids of the registry's commands of ``scope`` that ``node`` does not refuse now."""
    offered = set()
    for command in COMMANDS:
        _, action, parameters = parse(command.action)
        if command.scope is scope and node.check_action(action, parameters) is not False:
            offered.add(command.id)
    return offered


def _registry_bound(node: DOMNode, scope: Scope) -> None:
    """What ``node`` binds comes from the registry: it declares every command of
    ``scope``, and each of them it does not refuse now is active on it."""
    assert _declared(node) >= {c.id for c in COMMANDS if c.scope is scope}
    assert _offered(node, scope), scope  # something to check at run time
    assert _active_on(node) >= _offered(node, scope)


async def _select(pilot, app, task_id: str) -> None:  # type: ignore[no-untyped-def]
    assert app.task_list.select(task_id)
    await pilot.pause()


async def test_enter_opens_detail_on_its_own_screen_when_narrow_and_escape_goes_back() -> None:
    app, _ = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _select(pilot, app, FIRST)
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        detail = app.screen.detail
        assert detail.task_id == FIRST
        text = detail.document.plain
        assert "Midnight Rain over Neon Streets" in text
        assert "Clip 1 of 2" in text and "Clip 2 of 2" in text
        assert "chirp-v4" in text and "3:07" in text
        assert "https://cdn1.suno.ai/clip-aaaa-1111.mp3" in text
        assert "(live stream," in text  # the audiopipe URL is explained
        assert "Neon rain on the window" in text  # lyrics
        assert "Timeline" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, DetailScreen)
        assert app.focused is app.task_list


async def test_detail_sits_beside_the_list_when_wide_and_follows_the_cursor() -> None:
    app, _ = build_app()
    async with app.run_test(size=(160, 40)) as pilot:
        assert app.wide
        side = app.side
        assert side.display
        assert side.task_id == app.task_list.cursor_task_id
        await pilot.press("j")
        assert side.task_id == app.task_list.cursor_task_id
        await pilot.press("enter")
        assert app.focused is side
        await pilot.press("escape")
        assert app.focused is app.task_list


async def test_narrow_layout_hides_the_side_detail() -> None:
    app, _ = build_app()
    async with app.run_test(size=(120, 40)):
        assert not app.wide
        assert not app.side.display


async def test_raw_json_toggle() -> None:
    app, _ = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _select(pilot, app, FIRST)
        await pilot.press("enter", "J")
        detail = app.screen.query_one(DetailView)
        assert detail.raw
        assert '"task_id": "' + FIRST + '"' in detail.document.plain
        assert '"model_name": "chirp-v4"' in detail.document.plain
        await pilot.press("J")
        assert not detail.raw
        assert "Clip 1 of 2" in detail.document.plain


async def test_y_copies_the_selected_id() -> None:
    app, _ = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _select(pilot, app, FIRST)
        await pilot.press("y")
        assert app.clipboard == FIRST
        assert any(FIRST in n.message for n in notes(app))
        # in the detail view, the shown task's id
        await pilot.press("j", "enter", "y")
        assert app.clipboard == app.screen.detail.task_id  # type: ignore[attr-defined]


async def test_u_offers_every_id_and_url_to_copy() -> None:
    app, _ = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _select(pilot, app, FIRST)
        await pilot.press("u")
        assert isinstance(app.screen, CopyPickerScreen)
        await pilot.press("down", "down", "enter")  # task id, clip 1 id, clip 1 audio URL
        assert app.clipboard == "https://cdn1.suno.ai/clip-aaaa-1111.mp3"
        await pilot.press("u", "escape")
        assert not isinstance(app.screen, CopyPickerScreen)


async def test_poll_keys_drive_the_poller() -> None:
    app, _ = build_app(with_poller=True)
    async with app.run_test(size=(100, 30)) as pilot:
        poller = app.fake_pollers[0]  # type: ignore[attr-defined]
        await pilot.press("r")
        assert poller.calls == ["poll_now"]
        await pilot.press("p")
        assert poller.calls[-1] == "pause"
        assert "paused" in app.query_one("#status").text  # type: ignore[attr-defined]
        await pilot.press("p")
        assert poller.calls[-1] == "resume"
        assert "paused" not in app.query_one("#status").text  # type: ignore[attr-defined]
        await pilot.press("plus")
        assert poller.calls[-1] == "interval 15"
        assert "every 15s" in app.query_one("#status").text  # type: ignore[attr-defined]
        await pilot.press("minus", "minus")
        assert poller.calls[-2:] == ["interval 10", "interval 5"]
        assert "every 5s" in app.query_one("#status").text  # type: ignore[attr-defined]


async def test_poll_keys_without_a_poller_explain_why() -> None:
    app, _ = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        assert any("no token" in n.message for n in notes(app))


async def test_add_dialog_takes_pasted_ids() -> None:
    app, tracker = build_app(with_poller=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a")
        assert isinstance(app.screen, AddTasksScreen)
        text = "abc-001, abc-002\nabc-003\tabc-001  " + FIRST
        app.post_message(events.Paste(text))  # as the terminal driver sends it
        await pilot.pause()
        assert app.screen.text == text  # type: ignore[attr-defined]
        assert "4 ids to add" in str(app.screen.query_one("#add-check").render())
        await pilot.press("ctrl+s")
        assert not isinstance(app.screen, AddTasksScreen)
        for task_id in ("abc-001", "abc-002", "abc-003"):
            assert task_id in app.task_list
            assert tracker.get(task_id).status_label == NEW  # type: ignore[union-attr]
        assert app.fake_pollers[0].calls[-1] == "notify_added"  # type: ignore[attr-defined]
        assert any("Watching 3 new tasks (1 already watched)" in n.message for n in notes(app))


async def test_add_dialog_refuses_bad_ids_and_cancels() -> None:
    app, _ = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        total = app.task_list.total
        await pilot.press("a")
        area = app.screen.query_one("#add-ids")
        area.text = "good-id bad/id"  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, AddTasksScreen)  # still open: one id is bad
        assert "not a valid task id: 'bad/id'" in str(app.screen.query_one("#add-check").render())
        await pilot.press("escape")
        assert not isinstance(app.screen, AddTasksScreen)
        assert app.task_list.total == total


async def test_x_removes_after_confirmation() -> None:
    app, tracker = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _select(pilot, app, FIRST)
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert FIRST in app.task_list
        await pilot.press("x", "escape")
        assert FIRST in app.task_list
        await pilot.press("x", "y")
        assert not isinstance(app.screen, ConfirmScreen)
        assert FIRST not in app.task_list
        assert tracker.removed == [FIRST]
        assert app.task_list.cursor_task_id is not None


async def test_help_lists_every_binding_from_the_registry() -> None:
    app, _ = build_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.text  # type: ignore[attr-defined]
        for command in COMMANDS:
            assert command.description in text, command.id
            assert command.id in text
        assert "~" in text and "estimate" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark", "question_mark")
        assert not isinstance(app.screen, HelpScreen)


async def test_every_binding_has_an_id_and_a_description() -> None:
    app, _ = build_app()
    async with app.run_test(size=(80, 24)):
        for command in COMMANDS:
            assert command.id and command.description
        ids = [c.id for c in COMMANDS]
        assert len(ids) == len(set(ids))
        # what the app and the list actually bind comes from the registry
        for node, scope in ((app, Scope.APP), (app, Scope.CLIP), (app.task_list, Scope.LIST)):
            _registry_bound(node, scope)


async def test_user_keymap_remaps_by_id_and_help_shows_it() -> None:
    app, _ = build_app(keymap={"poll-now": "f5"}, with_poller=True)
    async with app.run_test(size=(120, 50)) as pilot:
        poller = app.fake_pollers[0]  # type: ignore[attr-defined]
        await pilot.press("r")
        assert poller.calls == []
        await pilot.press("f5")
        assert poller.calls == ["poll_now"]
        await pilot.press("question_mark")
        text = app.screen.text  # type: ignore[attr-defined]
        assert "F5" in text or "f5" in text


async def test_e_toggles_the_event_log() -> None:
    app, _ = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        assert not app.event_log.display
        await pilot.press("e")
        assert app.event_log.display
        assert len(app.event_log.events) == len(sample_transitions())
        await pilot.press("e")
        assert not app.event_log.display


async def test_q_quits() -> None:
    app, _ = build_app(with_poller=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert app.fake_pollers[0].stopped  # type: ignore[attr-defined]


async def test_command_palette_offers_registry_commands() -> None:
    app, _ = build_app()
    async with app.run_test(size=(100, 30)):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Poll" in titles and "Add" in titles and "Sort" in titles
        assert "Next task" not in titles  # cursor keys stay out of the palette


async def test_a_poll_round_updates_rows_events_and_toasts() -> None:
    app, tracker = build_app(with_poller=True)
    async with app.run_test(size=(100, 30)) as pilot:
        poller = app.fake_pollers[0]  # type: ignore[attr-defined]
        old = tracker.get(FIRST)
        assert old is not None
        done = with_status(old, TaskStatus.SUCCESS, clips_done=2)
        tracker.put(done)
        transition = Transition(FIRST, "IN_PROGRESS", "SUCCESS", done.state_since, done.title)
        update = FakeUpdate([done], [transition], [done])
        # two rounds before the app gets a turn: coalesced into one message
        poller.on_update(update, poller.status)
        poller.on_update(FakeUpdate(), poller.status)
        await pilot.pause()
        assert app.rounds_applied == 2
        assert app.task_list.summary(FIRST) == done
        assert app.event_log.events[-1] == transition
        assert [n.title for n in notes(app)] == ["✓ Succeeded"]


async def test_palette_commands_run_their_actions() -> None:
    app, _ = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        await commands["Sort"].callback()  # type: ignore[misc]
        await pilot.pause()
        assert app.task_list.sort.value == "status"
        await commands["Event log"].callback()  # type: ignore[misc]
        assert app.event_log.display


class BellApp(RecordingApp):
    """The monitor, counting its rings of Textual's public ``App.bell``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rings = 0

    def bell(self) -> None:
        self.rings += 1
        super().bell()


async def test_finished_tasks_ring_the_bell_unless_turned_off() -> None:
    for bell in (True, False):
        app, tracker = build_app(with_poller=True, bell=bell, app_class=BellApp)
        assert isinstance(app, BellApp)
        async with app.run_test(size=(100, 30)) as pilot:
            poller = app.fake_pollers[0]  # type: ignore[attr-defined]
            old = tracker.get(FIRST)
            assert old is not None
            done = tracker.put(with_status(old, TaskStatus.SUCCESS))
            moved = Transition(FIRST, "IN_PROGRESS", "SUCCESS", done.state_since, done.title)
            first_seen = tracker.put(with_status(tracker.get(SECOND), TaskStatus.FAILURE))  # type: ignore[arg-type]
            seen = Transition(SECOND, None, "FAILURE", first_seen.state_since, "")
            poller.on_update(
                FakeUpdate([done, first_seen], [moved, seen], [done, first_seen]), poller.status
            )
            await pilot.pause()
            assert app.rings == (1 if bell else 0)
            # a task first seen already finished is no news: no toast for it
            assert [n.title for n in notes(app)] == ["✓ Succeeded"]


async def test_an_empty_list_says_how_to_add_tasks() -> None:
    app, _ = build_app([])
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        assert "Press a to add task ids" in app.task_list.render_line(2).text
        app.tasks.add(["new-1"], announce=False)
        await pilot.pause()
        assert "new-1" in app.task_list.render_line(1).text
        assert "Press a" not in app.task_list.render_line(2).text
        await pilot.press("slash", "z", "z")
        assert "No task matches 'zz'" in app.task_list.render_line(2).text


async def test_detail_scroll_keys() -> None:
    app, _ = build_app()
    async with app.run_test(size=(80, 16)) as pilot:
        await _select(pilot, app, FIRST)
        await pilot.press("enter")
        detail = app.screen.query_one(DetailView)
        assert detail.scroll_y == 0
        await pilot.press("j", "j")
        assert detail.scroll_y == 2
        await pilot.press("k")
        assert detail.scroll_y == 1
        await pilot.press("space")  # a page down
        page = detail.scroll_y
        assert page > 3
        await pilot.press("pageup")
        assert detail.scroll_y < page
        await pilot.press("G")
        assert detail.scroll_y == detail.max_scroll_y > 0
        await pilot.press("g")
        assert detail.scroll_y == 0
        await pilot.press("pagedown", "end", "home")
        assert detail.scroll_y == 0
        _registry_bound(detail, Scope.DETAIL)


async def test_ctrl_p_opens_the_palette_and_ctrl_q_quits() -> None:
    from textual.command import CommandPalette

    app, _ = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("escape")
        assert not isinstance(app.screen, CommandPalette)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_crashing_poller_is_reported_not_fatal() -> None:
    from .conftest import FakePoller

    class Boom(FakePoller):
        async def run(self) -> None:
            raise RuntimeError("kaboom [/x]")

    app, _ = build_app(poller_factory=lambda on_update, on_status: Boom(on_update, on_status))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert app.is_running
        banner = str(app.query_one("#banner").render())
        assert "Polling stopped after an internal error" in banner and "kaboom [/x]" in banner
        assert "not polling" in app.query_one("#status").text  # type: ignore[attr-defined]
        assert "kaboom" in app.crash_message
        await pilot.press("r")  # explains instead of failing
        assert app.is_running

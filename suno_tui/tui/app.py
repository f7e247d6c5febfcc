"""The monitor app: what a person does in it. The keys' actions, the list's
and panes' messages, the command palette and quitting; each hands the work to
the part that owns it. What is on screen, and how it follows the engine, is
:class:`~suno_tui.tui.monitor.Monitor`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

from textual import on
from textual.actions import SkipAction
from textual.app import SystemCommand
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Input

from suno_tui.tui.clips.clip_files_ui import ACTIONS as CLIP_FILE_ACTIONS
from suno_tui.tui.clips.clip_keys import OFFERED_ACTIONS, ClipKeys
from suno_tui.tui.detail.document import CopyTarget
from suno_tui.tui.detail.view import DetailView
from suno_tui.tui.downloads.pane import DownloadPane
from suno_tui.tui.engine_messages import PollRoundsEnded, PollStatusChanged
from suno_tui.tui.monitor import Monitor
from suno_tui.tui.news.event_log import EventLog
from suno_tui.tui.palette import system_commands
from suno_tui.tui.screens.quitting import QuitScreen
from suno_tui.tui.tasks.filter_input import FilterInput
from suno_tui.tui.tasks.retry import retry_selected
from suno_tui.tui.tasks.task_list import TaskList

__all__ = ["MonitorApp", "PollRoundsEnded", "PollStatusChanged", "QuitScreen"]


class MonitorApp(Monitor):
    """Watch Suno generation tasks on a gateway."""

    # ------------------------------------------------------------ list events

    @on(TaskList.Highlighted)
    def _highlighted(self, event: TaskList.Highlighted) -> None:
        self.details.sync_side()

    @on(TaskList.Opened)
    def _opened(self, event: TaskList.Opened) -> None:
        self.details.open(event.task_id)

    @on(TaskList.FilterRequested)
    def _filter_requested(self, event: TaskList.FilterRequested) -> None:
        self.panes.open_filter()

    @on(TaskList.FilterCleared)
    def _filter_cleared(self, event: TaskList.FilterCleared) -> None:
        self.panes.hide_filter()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.panes.filter_submitted(event.value)

    @on(FilterInput.Cleared)
    def _filter_input_cleared(self, event: FilterInput.Cleared) -> None:
        self.panes.filter_cleared()

    @on(DetailView.Back, "#side")
    def _side_back(self, event: DetailView.Back) -> None:
        self.task_list.focus()

    def on_download_pane_copy(self, event: DownloadPane.Copy) -> None:
        self.details.copy(CopyTarget(event.label, event.value))

    def on_download_pane_cancel(self, event: DownloadPane.Cancel) -> None:
        self.downloads.cancel(event.task_id)

    def on_download_pane_back(self, event: DownloadPane.Back) -> None:
        self.downloads.hide()

    # ---------------------------------------------------------------- actions

    def action_help(self) -> None:
        from suno_tui.tui.screens.help import HelpScreen  # screens load when opened

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(keymap=self.user_keymap, greyed=self.clips.greyed()))

    def action_retry_task(self) -> None:
        retry_selected(self, self.engine, self.task_list, self.details, self._rows_changed)

    def action_show_stats(self) -> None:
        from suno_tui.tui.screens.stats_screen import open_stats

        open_stats(self, self._stats_source)

    def action_poll_now(self) -> None:
        self.controls.poll_now()

    def action_toggle_pause(self) -> None:
        self.controls.toggle_pause()

    def action_interval(self, direction: int) -> None:
        self.controls.step_interval(direction)

    def on_event_log_back(self, event: EventLog.Back) -> None:
        self.panes.hide_events()

    def action_toggle_events(self) -> None:
        self.panes.toggle_events()

    def action_copy_id(self) -> None:
        self.details.copy_id()

    def action_copy_field(self) -> None:
        self.details.copy_field()

    def action_add_tasks(self) -> None:
        self.tasks.ask_to_add()

    def action_remove_task(self) -> None:
        self.tasks.ask_to_remove(self.details.current_task_id())

    def action_submit_job(self) -> None:
        self.tasks.submit()

    def action_download(self) -> None:
        self.downloads.download(self.details.current_task_id())

    def action_fetch_wav(self) -> None:
        self.clip_files.fetch("fetch_wav")

    def action_timed_lyrics(self) -> None:
        self.clip_files.fetch("timed_lyrics")

    def action_download_all(self) -> None:
        self.downloads.download_all()

    def action_toggle_downloads(self) -> None:
        self.downloads.toggle()

    def action_discover(self) -> None:
        self.account.discover_now()

    async def action_listen(self) -> None:
        await self.player.toggle()

    async def action_listen_pause(self) -> None:
        """``space`` pauses only while a clip plays, and never in a text field."""
        if isinstance(self.focused, Input) or not await self.player.pause():
            raise SkipAction

    async def action_listen_stop(self) -> None:
        """``Esc`` stops what plays where it has nothing else to do: in the list
        with no filter (in the detail it goes back, in the list it clears the filter)."""
        task_list = self.task_list
        if not self.player.playing or self.focused is not task_list or task_list.filter_text:
            raise SkipAction
        await self.player.stop()

    @cached_property
    def clips(self) -> ClipKeys:
        """``E``, ``N``, ``C``: act on the clip in view."""
        return ClipKeys(self, self.engine, lambda: self.task_list, self.tasks,
                        current_task_id=self.details.current_task_id,
                        rows_changed=self._rows_changed, keymap=self.user_keymap,
                        cursor_blink=self._cursor_blink)  # fmt: skip

    def action_extend_clip(self) -> None:
        self.clips.extend()

    def action_run_again(self) -> None:
        self.clips.again()

    def action_concat_clip(self) -> None:
        self.clips.concat()

    def on_key(self, event: Key) -> None:
        # a greyed clip key says why
        if event.key in self.clip_files.keys:
            self.clip_files.key_pressed(event.key)
        else:
            self.clips.explain(event.key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``A`` is offered (footer, palette) only where account mode is set up,
        ``space``'s pause only while a clip plays, a clip action only where the
        task's gateway was not found not to offer it (greyed)."""
        if action in ("listen_pause", "listen_stop"):
            return self.player.playing
        if action in CLIP_FILE_ACTIONS:  # greyed where the gateway does not offer them
            return self.clip_files.check(action)
        if action in OFFERED_ACTIONS:
            return self.clips.check(action)
        return self.account.available if action == "discover" else True

    # -------------------------------------------------------- command palette

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette offers the same commands as the keys (from the registry)."""
        return system_commands(self, self.user_keymap, self.task_list, self.details.views)

    # --------------------------------------------------------------- quitting

    async def action_quit(self) -> None:
        self.quitting.quit()

    async def on_unmount(self) -> None:
        self.player.kill()  # no player outlives the app
        if self.covers is not None:
            self.covers.close()  # returns at once: cover threads are never waited for
        await self.engine.aclose()

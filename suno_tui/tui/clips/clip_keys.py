"""``E``, ``N`` and ``C``: act on the clip in view (issue #19).

- ``E`` extends a clip of the task in view (the opened detail's, else the
  selected row's) from a form pre-filled from it (tui/clips/extend_form.py):
  the first finished one, or another the person chooses on the form;
- ``N`` runs that task's job again: the ``n`` form, filled from what made it,
  for editing first;
- ``C`` joins the extension chain the task's clip ends into the full song
  (concat), after a confirm: these requests may be billed. Of a task with
  several clips, the first one that extends another clip is the chain's end.

Each goes through the engine's clip commands (engine/clip_commands.py, loaded
on first use, not on the way to the first frame); the new task is watched at
once and its row selected. A key whose action the task's gateway is
remembered not to offer is greyed (:meth:`ClipKeys.check` answers None), and
pressing it says why (:meth:`ClipKeys.explain`), without a request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from textual.app import App
from textual.content import Content
from textual.css.query import NoMatches

from suno_tui.engine.engine import Engine
from suno_tui.safe_text import clean_line
from suno_tui.tui.keys.bindings import BY_ID
from suno_tui.tui.tasks.task_list import TaskList

if TYPE_CHECKING:
    from suno_tui.engine.clip_commands import ClipCommands, Done, ExtendOptions
    from suno_tui.relay.models import Clip
    from suno_tui.tui.tasks.tasks_ui import TasksUI

#: the app's action -> the gateway's action (``ClipAction`` values), for the offers
OFFERED_ACTIONS: Mapping[str, str] = {"extend_clip": "extend", "concat_clip": "concat"}
#: the registry ids of the keys that may be greyed
_GREYABLE_IDS = ("extend", "concat")


class ClipKeys:
    """The clip actions of the monitor, over the engine."""

    def __init__(
        self,
        app: App[int],
        engine: Engine,
        task_list: Callable[[], TaskList],
        tasks: TasksUI,
        *,
        current_task_id: Callable[[], str | None],
        rows_changed: Callable[[], None],
        keymap: Mapping[str, str],
        cursor_blink: bool = True,
    ) -> None:
        self._app = app
        self._engine = engine
        self._task_list = task_list
        self._tasks = tasks
        self._current = current_task_id
        self._rows_changed = rows_changed
        self._cursor_blink = cursor_blink
        self._commands: ClipCommands | None = None
        self._keys = {
            key.strip()
            for command_id in _GREYABLE_IDS
            for key in keymap.get(command_id, BY_ID[command_id].key).split(",")
        }
        self._concat_running = False

    def commands(self) -> ClipCommands:
        if self._commands is None:
            self._commands = self._engine.clip_commands()
        return self._commands

    # -- greyed keys ----------------------------------------------------------------

    def check(self, action: str) -> bool | None:
        """True, or None (greyed) when the gateway of the task in view is
        remembered not to offer ``action``'s clip action."""
        profile = self._profile_in_view()
        if profile is None:
            return True
        return None if OFFERED_ACTIONS[action] in self._not_offered(profile) else True

    def greyed(self) -> set[str]:
        """Registry ids of the keys greyed for the task in view (for the help)."""
        return {
            command_id
            for command_id in _GREYABLE_IDS
            if self.check(BY_ID[command_id].action) is None
        }

    def explain(self, key: str) -> None:
        """A greyed key was pressed: say why nothing happens."""
        if key not in self._keys:
            return
        active = self._app.screen.active_bindings.get(key)
        if active is None or active.enabled or active.binding.action not in OFFERED_ACTIONS:
            return
        profile = self._profile_in_view()
        if profile is None:
            return
        from suno_tui.relay.action_errors import ClipAction

        action = ClipAction(OFFERED_ACTIONS[active.binding.action])
        words = clean_line(self._not_offered(profile).get(action.value, ""))
        said = f" ({words})" if words else ""
        self._app.notify(
            f"The gateway of profile {clean_line(profile)!r} said it does not offer "
            f"{action.label}{said}; remembered, so nothing is sent.",
            title="Not offered",
            severity="warning",
            markup=False,
        )

    def _profile_in_view(self) -> str | None:
        """The profile of the task in view, once its gateway's client exists
        (before that nothing is known, and nothing is read)."""
        clients = self._engine.clients
        if clients is None or not clients.ready():
            return None
        try:
            task_id = self._current()
        except NoMatches:  # the screen is not composed (yet, or any more)
            return None
        summary = self._engine.get(task_id) if task_id is not None else None
        if summary is None or summary.profile not in clients.ready():
            return None
        return summary.profile

    def _not_offered(self, profile: str) -> dict[str, str]:
        # the engine's memory, read from the state file once per gateway
        return self.commands().not_offered(profile)

    def _after_request(self) -> None:
        """A request ended: what the gateways offer may be known better now."""
        self._app.refresh_bindings()

    # -- the actions -------------------------------------------------------------------

    def _clips_in_view(self, verb: str) -> Sequence[Clip] | None:
        """The clips of the task in view, or None after saying why there are none."""
        task_id = self._current()
        if task_id is None:
            self._warn("No task selected")
            return None
        task = self._engine.task(task_id)
        if task is None or not task.clips:
            self._warn(f"{clean_line(task_id)} has no clip to {verb} (yet)")
            return None
        return task.clips

    def extend(self) -> None:
        """``E``: the form for extending a clip of the task in view."""
        from suno_tui.tui.clips.clip_choice import choices_for
        from suno_tui.tui.clips.extend_form import ExtendScreen

        clips = self._clips_in_view("extend")
        if clips is None or not self._has_gateway():
            return
        commands = self.commands()

        async def send(options: ExtendOptions) -> Done:
            try:
                return await commands.extend(options)
            finally:
                self._after_request()

        def made(done: Done | None) -> None:
            if done is not None:
                self._watching(done, "Extending the clip")

        screen = ExtendScreen(
            choices_for(clips),
            check=commands.extend_request,
            send=send,
            cursor_blink=self._cursor_blink,
        )
        self._app.push_screen(screen, made)

    def again(self) -> None:
        """``N``: the ``n`` form, filled from what made the task in view."""
        from suno_tui.relay.submit_requests import SubmitError

        task_id = self._current()
        if task_id is None:
            self._warn("No task selected")
            return
        if not self._has_gateway():
            return
        try:
            request, profile = self.commands().again_request(task_id)
        except SubmitError as error:
            self._app.notify(clean_line(str(error)), title="Cannot run it again",
                             severity="warning", timeout=8, markup=False)  # fmt: skip
            return
        self._tasks.submit(prefill=request, profile=profile)

    def concat(self) -> None:
        """``C``: after a confirm, the full song of the chain the clip in view ends."""
        from suno_tui.tui.screens.confirm import ConfirmScreen

        clips = self._clips_in_view("join")
        if clips is None or not self._has_gateway():
            return
        if self._concat_running:
            self._warn("A full song is being asked for: wait for the gateway's answer")
            return
        clip = self._chain_end(clips)
        if clip is None:
            return
        question = Content.assemble(
            "Join the extension chain ending with ",
            (clean_line(clip.title) or clean_line(clip.id), "bold"),
            " into the full song?",
            ("\n\nThe gateway may bill this request; it is sent once.", "$text-muted"),
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._concat_running = True
                self._app.run_worker(
                    self._send_concat(clip.id), group="clip-concat", exit_on_error=False
                )

        self._app.push_screen(ConfirmScreen("The full song (concat)?", question), answered)

    def _chain_end(self, clips: Sequence[Clip]) -> Clip | None:
        """The first clip that extends another (a chain's last), or None after
        saying why the first clip cannot be one."""
        commands = self.commands()
        problems = [commands.concat_problem(clip.id) for clip in clips]
        for clip, problem in zip(clips, problems, strict=True):
            if problem is None:
                return clip
        self._app.notify(clean_line(problems[0] or ""), title="Not a chain's last clip",
                         severity="warning", timeout=8, markup=False)  # fmt: skip
        return None

    async def _send_concat(self, clip_id: str) -> None:
        from suno_tui.relay.submit_requests import SubmitError
        from suno_tui.tui.screens.submit_form import failure_text

        try:
            done = await self.commands().concat(clip_id)
        except SubmitError as error:
            self._app.notify(clean_line(str(error)), title="Full song not asked for",
                             severity="warning", timeout=8, markup=False)  # fmt: skip
        except Exception as error:  # a relay error (or a bug): said, never retried
            text, unknown = failure_text(error)
            self._app.notify(text, title="Full song not asked for",
                             severity="warning" if unknown else "error", timeout=10,
                             markup=False)  # fmt: skip
        else:
            self._watching(done, "Asked for the full song")
        finally:
            self._concat_running = False
            self._after_request()

    # -- helpers --------------------------------------------------------------------

    def _has_gateway(self) -> bool:
        if self._engine.clients is None:
            self._warn("Acting on a clip needs a gateway: no token configured")
            return False
        return True

    def _warn(self, text: str) -> None:
        self._app.notify(text, severity="warning", markup=False)

    def _watching(self, done: Done, title: str) -> None:
        """The new task: its row shown and selected, and a word about it."""
        summary = self._engine.get(done.task_id)
        if summary is not None:
            task_list = self._task_list()
            task_list.upsert([summary])
            task_list.select(done.task_id)
        self._rows_changed()
        if done.watch_problem is not None:
            self._app.notify(
                f"{clean_line(done.task_id)} was made but is not watched: {done.watch_problem}",
                title=title,
                severity="error",
                timeout=10,
                markup=False,
            )
            return
        self._app.notify(f"{clean_line(done.task_id)}: watching it now", title=title,
                         timeout=5, markup=False)  # fmt: skip

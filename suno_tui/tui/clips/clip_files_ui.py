"""``W`` and ``L`` in the monitor: the WAV, or the timed lyrics, of the clip
in view (the open detail's task, else the selected one; its first finished
clip), through the engine's command (engine/clip_extras.py). The files go the
way of every download: progress in the downloads pane, a toast at the end.

Where the task's gateway said it does not offer one (remembered in the state
file), its key is greyed: ``check_action`` answers None for it, and pressing
it says why instead of asking (these calls may be billed).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from textual.app import App

from suno_tui.engine.engine import Engine
from suno_tui.safe_text import clean_line
from suno_tui.tui.keys.bindings import BY_ID

if TYPE_CHECKING:
    from suno_tui.engine.clip_extras import ClipExtras, ClipRef, Extra, ExtraDone

#: the keys' actions (tui/keys/bindings.py) -> the asset kind they fetch
ACTIONS = {"fetch_wav": "wav", "timed_lyrics": "lrc"}


class ClipFilesUI:
    def __init__(
        self,
        app: App[int],
        engine: Engine,
        *,
        current: Callable[[], str | None],
        show_downloads: Callable[[], None],
        task_changed: Callable[[set[str]], None],
        keymap: Mapping[str, str],
    ) -> None:
        self._app = app
        #: key -> action of W and L as bound (the user's keymap applied), so that
        #: every other key costs a dict lookup, not a look at every binding
        self.keys = {
            key.strip(): command.action
            for command in (BY_ID["wav"], BY_ID["timed-lyrics"])
            for key in keymap.get(command.id, command.key).split(",")
        }
        self._engine = engine
        self._current = current
        self._show_downloads = show_downloads
        self._task_changed = task_changed
        self._extras: ClipExtras | None = None

    def _commands(self) -> ClipExtras:
        if self._extras is None:
            from suno_tui.engine.clip_extras import clip_extras_over  # on first use

            self._extras = clip_extras_over(self._engine)
        return self._extras

    @staticmethod
    def _extra(action: str) -> Extra:
        from suno_tui.engine.clip_extras import Extra

        return Extra(ACTIONS[action])

    # -- greying -------------------------------------------------------------------

    def _not_offered(self, action: str) -> str | None:
        if self._engine.clients is None or not self._engine.clients.ready():
            return None  # no gateway asked yet: nothing can be known missing
        return self._commands().not_offered(self._current(), self._extra(action))

    def check(self, action: str) -> bool | None:
        """For ``check_action``: None (greyed) where the gateway said it does not offer it."""
        return None if self._not_offered(action) is not None else True

    def key_pressed(self, key: str) -> None:
        """``W`` or ``L`` pressed where it is greyed: say why it does nothing
        (Textual does not run an action whose ``check_action`` is None)."""
        action = self.keys.get(key)
        why = self._not_offered(action) if action is not None else None
        if why is not None:
            self._app.notify(why, title="Not offered", severity="warning", markup=False)

    # -- the keys --------------------------------------------------------------------

    def fetch(self, action: str) -> None:
        """``W`` / ``L``: start the clip's WAV or timed lyrics."""
        extra = self._extra(action)
        started = self._commands().start(self._current(), extra)
        if isinstance(started, str):
            self._app.notify(started, title=f"No {extra.label}", severity="warning", markup=False)
            return
        ref, done = started
        self._show_downloads()
        self._app.notify(
            f"clip {ref.number}: {ref.title or ref.clip_id}\nasking the gateway",
            title=f"Fetching {extra.label}",
            timeout=3,
            markup=False,
        )
        self._app.run_worker(self._ended(ref, done), group="clip-files", exit_on_error=False)

    async def _ended(self, ref: ClipRef, done: asyncio.Future[ExtraDone]) -> None:
        result = await done
        self._app.refresh_bindings()  # a refusal just remembered greys the key
        self._task_changed({ref.task_id})  # the detail shows the timed lines
        if result.note:
            self._app.notify(clean_line(result.note), title="Timed lyrics", timeout=6,
                             markup=False)  # fmt: skip

"""``E``: the form to extend a clip, pre-filled from it.

Title, tags and model are the parent clip's, the point to continue from its
end (M:SS, editable), the prompt (the new part's lyrics) empty. What cannot be
right (no point, 0, past the end) is refused here, in words, before anything
is sent (the engine's own check, ``check``). Enter in a field or ctrl+s sends
once through ``send``; the form stays open until the gateway answers, so a
refusal is shown on its error line and nothing typed is lost. An unknown
outcome is said, never retried (as in the ``n`` form).

When the task has several clips that can be extended, a "Clip" row comes
first (tui/clips/clip_choice.py), on the first of them; choosing another
refills the fields the person has not edited, and the header follows it.
The form still opens on "Continue at", so ``E`` then Enter extends the first
clip as before; the Clip row is a shift+tab away.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from suno_tui.engine.clip_commands import Done, ExtendOptions
from suno_tui.relay.submit_requests import SubmitError
from suno_tui.safe_text import clean_line
from suno_tui.tui.clips.clip_choice import ClipChoice, ExtendDefaults, clock_text, refilled
from suno_tui.tui.keys.bindings import bindings_by_id
from suno_tui.tui.screens.form_frame import FormCheck, FormFrame
from suno_tui.tui.screens.submit_form import failure_text, form_message

#: send(options) -> the new task (raises RelayError, SubmitError)
SendExtension = Callable[[ExtendOptions], Awaitable[Done]]
#: raises SubmitError when the extension cannot be right (nothing is sent)
CheckExtension = Callable[[ExtendOptions], object]


def parse_point(text: str) -> float:
    """``90``, ``90.5`` or ``1:30`` seconds into the clip; SubmitError otherwise."""
    minutes, colon, seconds = text.strip().rpartition(":")
    try:
        value = float(seconds) + (int(minutes) * 60 if colon else 0)
    except ValueError:
        raise SubmitError(f"not a time: {text.strip()!r} (seconds, or M:SS)") from None
    if colon and not 0 <= float(seconds) < 60:
        raise SubmitError(f"not a time: {text.strip()!r} (seconds under 60 after ':')")
    if not math.isfinite(value) or value < 0:
        raise SubmitError(f"not a time: {text.strip()!r}")
    return value


class ExtendScreen(ModalScreen[Done | None]):
    """Returns the extension the gateway accepted, or None when cancelled."""

    BINDINGS: ClassVar = bindings_by_id("dialog-cancel", "dialog-submit")

    DEFAULT_CSS = """
    ExtendScreen {
        align: center middle;
        & > #extend-frame { width: 84; }
        & .extend-row { height: auto; }
        & .extend-label { width: 13; color: $text-muted; }
        & .extend-row > Input { width: 1fr; background: $boost; padding: 0 1; }
        & .extend-row > Select { width: 1fr; padding-left: 1; background: $boost; }
        & #extend-prompt { height: 5; width: 1fr; background: $boost; }
        & #extend-buttons { height: auto; align-horizontal: right; }
        & Button { margin-left: 1; min-width: 10; }
    }
    """

    def __init__(
        self,
        choices: ExtendDefaults | Sequence[ExtendDefaults],
        *,
        check: CheckExtension,
        send: SendExtension,
        cursor_blink: bool = True,
    ) -> None:
        super().__init__(classes="-toasts")  # its own messages are toasts (styles.py)
        #: the clips the person may extend (a task's finished ones), the first by default
        self.choices = (choices,) if isinstance(choices, ExtendDefaults) else tuple(choices)
        if not self.choices:
            raise ValueError("no clip to extend")
        self.defaults = self.choices[0]
        self._check = check
        self._send = send
        self._cursor_blink = cursor_blink
        self._sending: Worker[Done] | None = None

    def compose(self) -> ComposeResult:
        parent = self.defaults
        filled = parent.fields()
        with FormFrame(id="extend-frame") as frame:
            frame.border_title = "Extend a clip  ·  Enter or ctrl+s sends, Esc cancels"
            yield Static(self._header(parent), id="extend-parent")
            if len(self.choices) > 1:
                with Horizontal(classes="extend-row"):
                    yield Static("Clip", classes="extend-label")
                    yield ClipChoice(self.choices, id="extend-clip")
            for field_id, label, placeholder in (
                ("extend-at", "Continue at", "M:SS or seconds into the clip"),
                ("extend-title", "Title", ""),
                ("extend-tags", "Tags", "style, e.g. dream pop"),
                ("extend-model", "Model", "empty: the gateway's default"),
            ):
                with Horizontal(classes="extend-row"):
                    yield Static(label, classes="extend-label")
                    field = Input(
                        filled[field_id], placeholder=placeholder, id=field_id, compact=True
                    )
                    field.cursor_blink = self._cursor_blink
                    yield field
            with Horizontal(classes="extend-row"):
                yield Static("Prompt", classes="extend-label")
                area = TextArea(id="extend-prompt", soft_wrap=True, compact=True)
                area.cursor_blink = self._cursor_blink
                yield area
            yield FormCheck(id="extend-check")
            with Horizontal(id="extend-buttons"):
                yield Button("Send  ⏎", id="extend-ok", variant="primary", compact=True)
                yield Button("Cancel  esc", id="extend-cancel", compact=True)

    @staticmethod
    def _header(parent: ExtendDefaults) -> Content:
        length = f" of {clock_text(parent.duration)}" if parent.duration is not None else ""
        return Content.assemble(
            ("Continues ", "$text-muted"),
            (parent.clip_title or parent.clip_id, "bold"),
            (f"  ({parent.clip_id}{length})", "$text-muted"),
        )

    @on(Select.Changed, "#extend-clip")
    def _chose(self, event: Select.Changed) -> None:
        """Another clip: the header and the fields not edited by hand follow it."""
        event.stop()
        if not isinstance(event.value, int):
            return
        chosen = self.choices[event.value]
        if chosen is self.defaults:
            return
        fields = {field_id: self.query_one(f"#{field_id}", Input) for field_id in chosen.fields()}
        typed = {field_id: field.value for field_id, field in fields.items()}
        for field_id, value in refilled(typed, self.defaults, chosen).items():
            fields[field_id].value = value
        self.defaults = chosen
        self.query_one("#extend-parent", Static).update(self._header(chosen))

    def on_mount(self) -> None:
        # Enter sends at once, as for one clip; the Clip row is a shift+tab away.
        self.query_one("#extend-at", Input).focus()
        hint = "Lyrics of the new part in the prompt (empty: the gateway goes on alone)."
        if len(self.choices) > 1:
            hint += " shift+tab: choose another clip of the task."
        self._say(hint)

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def options(self) -> ExtendOptions:
        """The extension as typed; SubmitError (in words) if it cannot be right."""
        text = self._value("extend-at")
        if not text:
            raise SubmitError("say where to continue the clip (M:SS or seconds)")
        options = ExtendOptions(
            self.defaults.clip_id,
            at=parse_point(text),
            prompt=self.query_one("#extend-prompt", TextArea).text.strip(),
            title=self._value("extend-title"),
            tags=self._value("extend-tags"),
            model=self._value("extend-model"),
        )
        self._check(options)
        return options

    def _say(self, text: str, kind: str = "") -> None:
        self.query_one("#extend-check", FormCheck).say(text, kind)

    @property
    def sending(self) -> bool:
        return self._sending is not None and self._sending.state in (
            WorkerState.PENDING,
            WorkerState.RUNNING,
        )

    @on(Input.Submitted)
    @on(Button.Pressed, "#extend-ok")
    def action_submit(self) -> None:
        if self.sending:
            return
        try:
            options = self.options()
        except SubmitError as error:
            self._say(form_message(error) + " Nothing was sent.", "error")
            self.app.bell()
            return
        self._say("Sending to the gateway…")
        self._lock(True)
        self._sending = self.run_worker(
            self._send(options), name="extend", group="extend", exit_on_error=False
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker is not self._sending:
            return
        if event.state is WorkerState.SUCCESS and isinstance(worker.result, Done):
            self.dismiss(worker.result)
        elif event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self._lock(False)
            error = worker.error if worker.error is not None else RuntimeError("cancelled")
            if isinstance(error, SubmitError):
                self._say(form_message(error) + " Nothing was sent.", "error")
                return
            text, unknown = failure_text(error)
            self._say(clean_line(text), "unknown" if unknown else "error")

    def _lock(self, sending: bool) -> None:
        """While the request is out, neither Send nor the clip can change."""
        self.query_one("#extend-ok", Button).disabled = sending
        for choice in self.query(ClipChoice):
            choice.disabled = sending

    @on(Button.Pressed, "#extend-cancel")
    def action_cancel(self) -> None:
        if self.sending:
            # Leaving now would lose the new task's id: wait for the answer.
            self.app.notify(
                "Waiting for the gateway's answer before closing.", timeout=3, markup=False
            )
            return
        self.dismiss(None)

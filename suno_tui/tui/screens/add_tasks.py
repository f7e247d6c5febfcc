"""``a``: paste one or many task ids (separated by spaces, commas or new lines),
and, when more than one gateway profile is configured, pick the one they
belong to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Select, Static, TextArea

from suno_tui.ids import InvalidTaskId, parse_ids, validate_id
from suno_tui.safe_text import clean_line
from suno_tui.tui.keys.bindings import bindings_by_id
from suno_tui.tui.screens.form_frame import FormFrame

_SHOWN_BAD = 3


def check_ids(text: str) -> tuple[list[str], list[str]]:
    """(valid ids, messages about the invalid ones) in the pasted ``text``."""
    good: list[str] = []
    bad: list[str] = []
    for task_id in parse_ids([text]):
        try:
            good.append(validate_id(task_id))
        except InvalidTaskId as error:
            bad.append(str(error))  # repr-escaped: safe to show
    return good, bad


@dataclass(frozen=True, slots=True)
class AddRequest:
    """What the dialog returns: the ids, and the profile picked (None: the current one)."""

    ids: list[str]
    profile: str | None = None


class AddTasksScreen(ModalScreen[AddRequest | None]):
    """Returns the valid ids to add (and their profile), or None when cancelled."""

    BINDINGS: ClassVar = bindings_by_id("dialog-cancel", "dialog-submit")

    DEFAULT_CSS = """
    AddTasksScreen {
        align: center middle;
        & > #add-frame { width: 76; }
        & #add-ids { height: 8; min-height: 3; }
        & #add-hint { color: $text-muted; }
        & #add-check { height: auto; max-height: 4; }
        & #add-check.-error { color: $text-error; }
        & #add-profile-row { height: auto; margin-top: 1; }
        & #add-profile-label { width: auto; padding: 0 1 0 0; }
        & #add-profile { width: 1fr; }
        & #add-buttons { height: auto; align-horizontal: right; }
        & Button { margin-left: 1; min-width: 10; }
    }
    """

    def __init__(
        self,
        initial: str = "",
        *,
        cursor_blink: bool = True,
        profiles: Sequence[str] = (),
        profile: str | None = None,
    ) -> None:
        super().__init__()
        self._initial = initial
        self._cursor_blink = cursor_blink
        self._profiles = list(dict.fromkeys(profiles))
        self._profile = profile if profile in self._profiles else None

    def compose(self) -> ComposeResult:
        with FormFrame(id="add-frame") as frame:
            frame.border_title = "Watch tasks"
            yield Static(
                Content("Paste one or more task ids, separated by spaces, commas or new lines."),
                id="add-hint",
            )
            area = TextArea(self._initial, id="add-ids", soft_wrap=True, show_line_numbers=False)
            area.cursor_blink = self._cursor_blink
            yield area
            yield Static(Content(""), id="add-check")
            if len(self._profiles) > 1:
                with Horizontal(id="add-profile-row"):
                    yield Static("Gateway profile", id="add-profile-label")
                    yield Select(
                        [(Content(clean_line(name)), name) for name in self._profiles],
                        value=self._profile or self._profiles[0],
                        allow_blank=False,
                        id="add-profile",
                        compact=True,
                    )
            with Horizontal(id="add-buttons"):
                yield Button("Add  ^s", id="add-ok", variant="primary")
                yield Button("Cancel  esc", id="add-cancel")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        self._check()

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    @property
    def profile(self) -> str | None:
        """The profile picked, or None when there was nothing to pick."""
        if len(self._profiles) <= 1:
            return None
        value = self.query_one("#add-profile", Select).value
        return value if isinstance(value, str) else self._profile

    def _check(self) -> tuple[list[str], list[str]]:
        good, bad = check_ids(self.text)
        check = self.query_one("#add-check", Static)
        if bad:
            more = f" (and {len(bad) - _SHOWN_BAD} more)" if len(bad) > _SHOWN_BAD else ""
            check.update(Content("\n".join(bad[:_SHOWN_BAD]) + more))
            check.add_class("-error")
        else:
            count = len(good)
            check.update(Content(f"{count} id{'s' if count != 1 else ''} to add" if count else ""))
            check.remove_class("-error")
        return good, bad

    @on(TextArea.Changed)
    def _changed(self) -> None:
        self._check()

    @on(Button.Pressed, "#add-ok")
    def action_submit(self) -> None:
        good, bad = self._check()
        if bad or not good:
            if not good and not bad:
                self.query_one("#add-check", Static).update(Content("Nothing to add yet."))
            self.app.bell()
            return
        self.dismiss(AddRequest(good, self.profile))

    @on(Button.Pressed, "#add-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

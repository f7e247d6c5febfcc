"""``n``: submit a music or lyrics job to a gateway.

The request is checked with the domain's rules (``SubmitError``) before
anything is sent. Sending runs in a worker; the form stays open until the
gateway answers, so an error (quota, bad request, 429) is shown beside the
fields that caused it, and nothing typed is lost. A request whose answer was
lost (``OutcomeUnknown``) is never sent again by the program: the form says
so, since a second send can charge the user twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, RadioButton, RadioSet, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from suno_tui.relay.errors import (
    AuthError,
    GatewayError,
    NetworkError,
    OutcomeUnknown,
    RateLimited,
    RelayError,
)
from suno_tui.relay.submit_requests import LyricsRequest, MusicRequest, SubmitError
from suno_tui.safe_text import clean_line, clean_text
from suno_tui.tui.keys.bindings import bindings_by_id
from suno_tui.tui.screens.form_frame import FormCheck, FormFrame

Request = MusicRequest | LyricsRequest
#: send(request, profile) -> the new task id (raises RelayError)
Send = Callable[[Request, str], Awaitable[str]]

# The domain's messages name the CLI's options; the form names its fields.
_FIELD_NAMES = (
    ("lyrics (--prompt/--lyrics)", "lyrics"),
    ("a --description", "a description"),
    ("--instrumental", "instrumental"),
    ("a --prompt", "an idea"),
    ("--prompt/--lyrics", "lyrics"),
    ("--description", "a description"),
)

UNKNOWN_OUTCOME = (
    "The request was sent, but no answer came back ({why}). It was NOT retried: the "
    "gateway may have accepted it, and sending it again could charge you twice. Check "
    "your gateway's task list (or wait for the job to show up) before submitting again."
)


@dataclass(frozen=True, slots=True)
class Submitted:
    task_id: str
    profile: str
    kind: str  # "music" or "lyrics"


def form_message(error: SubmitError) -> str:
    text = str(error)
    for option, name in _FIELD_NAMES:
        text = text.replace(option, name)
    return text[:1].upper() + text[1:] + "."


def failure_text(error: BaseException) -> tuple[str, bool]:
    """(what to show, whether the outcome is unknown) for a failed send."""
    message = clean_line(str(error)) or type(error).__name__
    if isinstance(error, OutcomeUnknown):
        return UNKNOWN_OUTCOME.format(why=message), True
    if isinstance(error, AuthError):
        return f"The gateway refused the token: {message}. Nothing was submitted.", False
    if isinstance(error, RateLimited):
        return f"Rate limited: {message}. Nothing was submitted; wait, then send again.", False
    if isinstance(error, GatewayError):
        return f"Refused by the gateway: {message}. Nothing was submitted.", False
    if isinstance(error, NetworkError):
        return f"Could not reach the gateway: {message}. Nothing was sent.", False
    if isinstance(error, RelayError):
        return f"Not submitted: {message}", False
    return f"Not submitted: unexpected {type(error).__name__}: {message}", False


class SubmitScreen(ModalScreen[Submitted | None]):
    """Returns what was submitted, or None when cancelled."""

    BINDINGS: ClassVar = bindings_by_id("dialog-cancel", "dialog-submit")

    DEFAULT_CSS = """
    SubmitScreen {
        align: center middle;
        & > #submit-frame { width: 84; }
        & #submit-fields { height: auto; max-height: 1fr; }
        & .submit-row { height: auto; margin-bottom: 0; }
        & .submit-label { width: 13; color: $text-muted; padding-top: 0; }
        & .submit-row > Input, & .submit-row > Select { width: 1fr; }
        & .submit-row > RadioSet { width: 1fr; }
        & #submit-text { height: 6; width: 1fr; }
        & #submit-kind { layout: horizontal; }
        & #submit-kind > RadioButton { width: auto; margin-right: 3; }
        & #submit-text, & .submit-row > Input { background: $boost; }
        & .submit-row > Input { padding: 0 1; }
        & #submit-buttons { height: auto; align-horizontal: right; }
        & Button { margin-left: 1; min-width: 10; }
        &.-lyrics .music-only { display: none; }
    }
    """

    def __init__(
        self,
        send: Send,
        *,
        profiles: Sequence[str],
        profile: str,
        cursor_blink: bool = True,
        prefill: MusicRequest | None = None,
    ) -> None:
        super().__init__(classes="-toasts")  # its own messages are toasts (styles.py)
        self._send = send
        self._profiles = list(profiles) or [profile]
        if profile not in self._profiles:  # a task's profile no longer configured
            self._profiles.append(profile)
        self._profile = profile
        self._cursor_blink = cursor_blink
        self._sending: Worker[str] | None = None
        self._request: Request | None = None
        self._sent_profile = profile
        #: a job to start from (``N``: the job of a task, run again)
        self._prefill = prefill

    def compose(self) -> ComposeResult:
        with FormFrame(id="submit-frame") as frame:
            what = "Run again" if self._prefill is not None else "New job"
            frame.border_title = f"{what}  ·  ctrl+s sends, Esc cancels"
            with VerticalScroll(id="submit-fields"):
                with Horizontal(classes="submit-row"):
                    yield Static("Kind", classes="submit-label")
                    with RadioSet(id="submit-kind", compact=True):
                        yield RadioButton("Music", value=True, id="kind-music", compact=True)
                        yield RadioButton("Lyrics only", id="kind-lyrics", compact=True)
                with Horizontal(classes="submit-row"):
                    yield Static("Lyrics", id="submit-text-label", classes="submit-label")
                    area = TextArea(
                        id="submit-text", soft_wrap=True, show_line_numbers=False, compact=True
                    )
                    area.cursor_blink = self._cursor_blink
                    yield area
                for field_id, label, placeholder in (
                    (
                        "submit-description",
                        "Description",
                        "or describe the song: the gateway writes the lyrics",
                    ),
                    ("submit-title", "Title", ""),
                    ("submit-tags", "Tags", "style, e.g. dream pop, 90 bpm"),
                    ("submit-model", "Model", "e.g. chirp-v4 (empty: the gateway's default)"),
                ):
                    with Horizontal(classes="submit-row music-only"):
                        yield Static(label, classes="submit-label")
                        field = Input(placeholder=placeholder, id=field_id, compact=True)
                        field.cursor_blink = self._cursor_blink
                        yield field
                with Horizontal(classes="submit-row music-only"):
                    yield Static("", classes="submit-label")
                    yield Checkbox(
                        "Instrumental (no vocals)", id="submit-instrumental", compact=True
                    )
                if len(self._profiles) > 1:
                    with Horizontal(classes="submit-row"):
                        yield Static("Gateway", classes="submit-label")
                        yield Select(
                            [(Content(clean_line(name)), name) for name in self._profiles],
                            value=self._profile,
                            allow_blank=False,
                            id="submit-profile",
                            compact=True,
                        )
            yield FormCheck(id="submit-check")
            with Horizontal(id="submit-buttons"):
                yield Button("Send  ^s", id="submit-ok", variant="primary", compact=True)
                yield Button("Cancel  esc", id="submit-cancel", compact=True)

    def on_mount(self) -> None:
        if self._prefill is not None:
            self._fill(self._prefill)
        self.query_one("#submit-text", TextArea).focus()
        self._hint()

    def _fill(self, job: MusicRequest) -> None:
        """Start from ``job`` (cleaned: it comes from the gateway's data)."""
        self.query_one("#submit-text", TextArea).text = clean_text(job.lyrics, multiline=True)
        for field_id, value in (
            ("submit-description", job.description),
            ("submit-title", job.title),
            ("submit-tags", job.tags),
            ("submit-model", job.model),
        ):
            self.query_one(f"#{field_id}", Input).value = clean_line(value)
        self.query_one("#submit-instrumental", Checkbox).value = job.instrumental

    # ------------------------------------------------------------------ form

    @property
    def lyrics_only(self) -> bool:
        return self.query_one("#kind-lyrics", RadioButton).value

    @property
    def profile(self) -> str:
        if len(self._profiles) > 1:
            value = self.query_one("#submit-profile", Select).value
            if isinstance(value, str):
                return value
        return self._profile

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def request(self) -> Request:
        """The request as typed; raises SubmitError if it would be refused."""
        text = self.query_one("#submit-text", TextArea).text
        request: Request
        if self.lyrics_only:
            request = LyricsRequest(text.strip())
        else:
            request = MusicRequest(
                lyrics=text if text.strip() else "",
                description=self._value("submit-description"),
                title=self._value("submit-title"),
                tags=self._value("submit-tags"),
                model=self._value("submit-model"),
                instrumental=self.query_one("#submit-instrumental", Checkbox).value,
            )
        request.validate()
        return request

    def _hint(self) -> None:
        if self.lyrics_only:
            text = "The gateway writes lyrics from your idea (a lyrics job)."
        else:
            text = "Your lyrics (custom mode), or a description, or instrumental."
        self._say(text)

    def _say(self, text: str, kind: str = "") -> None:
        self.query_one("#submit-check", FormCheck).say(text, kind)

    @on(RadioSet.Changed, "#submit-kind")
    def _kind_changed(self) -> None:
        lyrics = self.lyrics_only
        self.set_class(lyrics, "-lyrics")
        label = self.query_one("#submit-text-label", Static)
        label.update("Idea" if lyrics else "Lyrics")
        self._hint()

    # ----------------------------------------------------------------- sending

    @property
    def sending(self) -> bool:
        return self._sending is not None and self._sending.state in (
            WorkerState.PENDING,
            WorkerState.RUNNING,
        )

    @on(Button.Pressed, "#submit-ok")
    def action_submit(self) -> None:
        if self.sending:
            return
        try:
            request = self.request()
        except SubmitError as error:
            self._say(form_message(error), "error")
            self.app.bell()
            return
        self._request = request
        self._sent_profile = self.profile
        self._say(f"Sending to the gateway of profile {clean_line(self._sent_profile)!r}…")
        self.query_one("#submit-ok", Button).disabled = True
        self._sending = self.run_worker(
            self._send(request, self._sent_profile),
            name="submit",
            group="submit",
            exit_on_error=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker is not self._sending:
            return
        if event.state is WorkerState.SUCCESS:
            task_id = str(worker.result)
            kind = "lyrics" if isinstance(self._request, LyricsRequest) else "music"
            self.dismiss(Submitted(task_id, self._sent_profile, kind))
        elif event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self.query_one("#submit-ok", Button).disabled = False
            error = worker.error if worker.error is not None else RuntimeError("cancelled")
            text, unknown = failure_text(error)
            self._say(text, "unknown" if unknown else "error")

    @on(Button.Pressed, "#submit-cancel")
    def action_cancel(self) -> None:
        if self.sending:
            # Leaving now would lose the new task's id: wait for the answer.
            self.app.notify(
                "Waiting for the gateway's answer before closing.", timeout=3, markup=False
            )
            return
        self.dismiss(None)

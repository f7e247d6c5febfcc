"""The global event log: status transitions across all tasks, newest last.

Bounded (``max_events``) and drawn with the line API. While the view is at
the bottom it follows new events; scrolled up, it stays where the reader is.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from suno_tui.relay.models import TaskStatus
from suno_tui.safe_text import clean_line
from suno_tui.tracking.model import NEW, NOT_FOUND, Transition
from suno_tui.tui.keys.bindings import Scope, bindings
from suno_tui.tui.tasks.row_render import Tone, fit, short_id
from suno_tui.tui.timefmt import clock_time
from suno_tui.tui.virtual_lines import set_virtual_lines

DEFAULT_MAX_EVENTS = 1000

_TONE_OF_LABEL: dict[str, tuple[str, Tone]] = {
    TaskStatus.NOT_START.value: ("·", Tone.WAITING),
    TaskStatus.SUBMITTED.value: ("○", Tone.WAITING),
    TaskStatus.QUEUED.value: ("◔", Tone.WAITING),
    TaskStatus.IN_PROGRESS.value: ("◑", Tone.RUNNING),
    TaskStatus.SUCCESS.value: ("✓", Tone.SUCCESS),
    TaskStatus.FAILURE.value: ("✗", Tone.FAILURE),
    NOT_FOUND: ("⊘", Tone.FAILURE),
    NEW: ("+", Tone.WAITING),
}


def label_look(label: str) -> tuple[str, Tone]:
    return _TONE_OF_LABEL.get(label, ("?", Tone.UNKNOWN))


class EventLog(ScrollView, can_focus=True):
    """Transitions across tasks, one per line."""

    BINDINGS: ClassVar = bindings(Scope.EVENTS)

    class Back(Message):
        """Esc in the log: the app hides it and goes back to the list."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "event-log--muted",
        *(f"event-log--{tone.value}" for tone in Tone),
    }

    DEFAULT_CSS = """
    EventLog {
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        background: $surface;
        & > .event-log--muted { color: $text-muted; }
        & > .event-log--waiting { color: $text-muted; }
        & > .event-log--running { color: $accent; }
        & > .event-log--success { color: $success; }
        & > .event-log--failure { color: $error; }
        & > .event-log--unknown { color: $warning; }
    }
    """

    def action_back(self) -> None:
        self.post_message(self.Back())

    def __init__(
        self,
        *,
        tz: tzinfo | None = None,
        max_events: int = DEFAULT_MAX_EVENTS,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._tz = tz
        self._events: deque[Transition] = deque(maxlen=max_events)
        self._cache: dict[int, Strip] = {}
        self._cache_width = -1
        self._reference: datetime | None = None
        self._follow = True

    @property
    def events(self) -> list[Transition]:
        return list(self._events)

    def add(self, transitions: Iterable[Transition]) -> None:
        """Append one batch of transitions (in time order); follow them if at the bottom."""
        new = sorted(transitions, key=lambda transition: transition.at)
        if not new:
            return
        self._events.extend(new)
        self._reference = max(self._reference or new[-1].at, new[-1].at)
        self._cache.clear()
        set_virtual_lines(self, len(self._events))
        if self._follow:
            self.call_after_refresh(self._to_end)
        self.refresh()

    def _to_end(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False)
        self._follow = True

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        # Scrolled up by the reader: stop following until back at the bottom.
        self._follow = new_value >= self.max_scroll_y

    def on_resize(self) -> None:
        if self._follow:
            self._to_end()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"event-log--{name}", partial=True)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if width != self._cache_width:
            self._cache.clear()
            self._cache_width = width
        index = int(self.scroll_offset.y) + y
        if index >= len(self._events):
            return Strip.blank(width, base)
        strip = self._cache.get(index)
        if strip is None:
            strip = self._render_event(self._events[index], width).apply_style(base)
            self._cache[index] = strip
        return strip

    def _render_event(self, event: Transition, width: int) -> Strip:
        muted = self._style("muted")
        symbol, tone = label_look(event.to_label)
        reference = self._reference or event.at
        when = clock_time(event.at, reference, self._tz)
        change = clean_line(event.to_label)
        if event.from_label:
            change = f"{clean_line(event.from_label)} → {change}"
        else:
            change = f"first seen: {change}"
        segments = [
            Segment(" ", muted),
            Segment(f"{when:>11}", muted),
            Segment(" ", muted),
            Segment(symbol, self._style(tone.value)),
            Segment(" ", muted),
            Segment(short_id(event.task_id, 8).ljust(8), muted),
            Segment(" ", muted),
        ]
        used = 1 + 11 + 1 + 1 + 1 + 8 + 1
        change_width = min(len(change) + 2, max(width - used, 0))
        segments.append(Segment(fit(change, change_width), self._style(tone.value)))
        used += change_width
        segments.append(Segment(fit(clean_line(event.title), max(width - used, 0))))
        return Strip(segments).crop_extend(0, width, None)

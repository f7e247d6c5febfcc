"""The one registry of key bindings.

Every key the monitor answers to is declared here once, with a stable id and a
description. The widgets' ``BINDINGS``, the footer, the help screen and the
command palette are all generated from :data:`COMMANDS`, and users remap keys
by id (``[keys]`` in the config file, applied with ``App.set_keymap``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from textual.binding import Binding, BindingType


class Scope(StrEnum):
    """Where a binding applies (also the help screen's sections)."""

    APP = "Everywhere"
    CLIP = "The clip in view"  # bound on the app too: the detail's task, else the selected one
    LIST = "Task list"
    DETAIL = "Task detail"
    DOWNLOADS = "Downloads pane"
    EVENTS = "Event log"
    DIALOG = "Dialogs"


@dataclass(frozen=True, slots=True)
class Command:
    """One command of the monitor: its key, action, words and where it works."""

    id: str
    key: str  # Textual key names, comma separated for alternatives
    action: str
    description: str
    scope: Scope
    show: bool = True  # in the footer
    key_display: str | None = None
    priority: bool = False
    palette: bool = True  # offered in the command palette


COMMANDS: tuple[Command, ...] = (
    # everywhere
    Command("help", "question_mark", "help", "Help", Scope.APP, key_display="?"),
    Command("quit", "q", "quit", "Quit", Scope.APP),
    Command(
        "force-quit",
        "ctrl+q",
        "quit",
        "Quit from anywhere",
        Scope.APP,
        show=False,
        priority=True,
        palette=False,
    ),
    Command(
        "palette",
        "ctrl+p",
        "command_palette",
        "Command palette",
        Scope.APP,
        show=False,
        priority=True,
        palette=False,
    ),
    Command("add", "a", "add_tasks", "Add", Scope.APP),
    Command("submit", "n", "submit_job", "New", Scope.APP),
    Command("download", "d", "download", "Download", Scope.APP),
    Command("download-all", "D", "download_all", "Download all new", Scope.APP, show=False),
    Command("downloads", "w", "toggle_downloads", "Downloads pane", Scope.APP, show=False),
    # the clip in view (greyed where its gateway said it does not offer them)
    Command("poll-now", "r", "poll_now", "Poll", Scope.APP),
    Command("discover", "A", "discover", "Account tasks", Scope.APP),
    Command("pause", "p", "toggle_pause", "Pause", Scope.APP),
    Command(
        "interval-up",
        "plus,equals_sign",
        "interval(1)",
        "Slower polls",
        Scope.APP,
        show=False,
        key_display="+",
    ),
    Command(
        "interval-down",
        "minus",
        "interval(-1)",
        "Faster polls",
        Scope.APP,
        show=False,
        key_display="-",
    ),
    Command("events", "e", "toggle_events", "Event log", Scope.APP, show=False),
    Command("copy-id", "y", "copy_id", "Copy task id", Scope.APP, show=False),
    Command("copy-field", "u", "copy_field", "Copy a URL or id...", Scope.APP, show=False),
    Command("remove", "x", "remove_task", "Stop watching", Scope.APP, show=False),
    Command("stats", "i", "show_stats", "Stats", Scope.APP, show=False),
    Command("retry", "R", "retry_task", "Retry if not found", Scope.APP, show=False),
    Command("listen", "l", "listen", "Listen / stop", Scope.CLIP, show=False),
    Command(
        "listen-pause",
        "space",
        "listen_pause",
        "Pause playing",
        Scope.CLIP,
        show=False,
        priority=True,  # over the detail's page down, only while a clip plays
        palette=False,
    ),
    Command(
        "listen-stop",
        "escape",
        "listen_stop",
        "Stop playing",
        Scope.CLIP,
        show=False,
        priority=True,  # only while a clip plays, from the list with no filter
        palette=False,
    ),
    # acting on a clip (tui/clips/)
    Command("wav", "W", "fetch_wav", "WAV of the clip", Scope.CLIP, show=False),
    Command("timed-lyrics", "L", "timed_lyrics", "Timed lyrics", Scope.CLIP, show=False),
    Command("extend", "E", "extend_clip", "Extend the clip...", Scope.CLIP, show=False),
    Command("again", "N", "run_again", "Run again...", Scope.CLIP, show=False),
    Command("concat", "C", "concat_clip", "Full song (concat)", Scope.CLIP, show=False),
    # the task list
    Command("open", "enter", "open", "Detail", Scope.LIST, key_display="⏎"),
    Command("filter", "slash", "filter", "Filter", Scope.LIST, key_display="/"),
    Command("sort", "s", "cycle_sort", "Sort", Scope.LIST, show=False),
    Command(
        "clear-filter",
        "escape",
        "clear_filter",
        "Clear filter",
        Scope.LIST,
        show=False,
        palette=False,
    ),
    Command(
        "cursor-down", "down,j", "cursor(1)", "Next task", Scope.LIST, show=False, palette=False
    ),
    Command(
        "cursor-up", "up,k", "cursor(-1)", "Previous task", Scope.LIST, show=False, palette=False
    ),
    Command("page-down", "pagedown", "page(1)", "Page down", Scope.LIST, show=False, palette=False),
    Command("page-up", "pageup", "page(-1)", "Page up", Scope.LIST, show=False, palette=False),
    Command("first", "home,g", "first", "First task", Scope.LIST, show=False, palette=False),
    Command("last", "end,G", "last", "Last task", Scope.LIST, show=False, palette=False),
    # the detail view
    Command("back", "escape", "back", "Back", Scope.DETAIL, palette=False),
    Command("raw", "J", "toggle_raw", "Raw JSON", Scope.DETAIL),
    Command(
        "scroll-down",
        "down,j",
        "scroll_down",
        "Scroll down",
        Scope.DETAIL,
        show=False,
        palette=False,
    ),
    Command("scroll-up", "up,k", "scroll_up", "Scroll up", Scope.DETAIL, show=False, palette=False),
    Command(
        "detail-page-down",
        "pagedown,space",
        "page_down",
        "Page down",
        Scope.DETAIL,
        show=False,
        palette=False,
    ),
    Command(
        "detail-page-up", "pageup", "page_up", "Page up", Scope.DETAIL, show=False, palette=False
    ),
    Command("detail-top", "home,g", "scroll_home", "Top", Scope.DETAIL, show=False, palette=False),
    Command(
        "detail-bottom", "end,G", "scroll_end", "Bottom", Scope.DETAIL, show=False, palette=False
    ),
    # the downloads pane
    Command("dl-copy-folder", "y", "copy_folder", "Copy folder", Scope.DOWNLOADS),
    Command("dl-copy-path", "Y", "copy_path", "Copy file path", Scope.DOWNLOADS),
    Command("dl-cancel", "c", "cancel_task", "Cancel task", Scope.DOWNLOADS),
    Command("dl-back", "escape", "back", "Back (hides it)", Scope.DOWNLOADS, palette=False),
    Command(
        "dl-down", "down,j", "cursor(1)", "Next file", Scope.DOWNLOADS, show=False, palette=False
    ),
    Command(
        "dl-up", "up,k", "cursor(-1)", "Previous file", Scope.DOWNLOADS, show=False, palette=False
    ),
    # the event log pane
    Command("log-back", "escape", "back", "Back (hides it)", Scope.EVENTS, palette=False),
    Command(
        "log-down", "down,j", "scroll_down", "Scroll down", Scope.EVENTS, show=False, palette=False
    ),
    Command("log-up", "up,k", "scroll_up", "Scroll up", Scope.EVENTS, show=False, palette=False),
    # dialogs (add ids, submit, confirm, help, copy)
    Command("dialog-cancel", "escape", "cancel", "Cancel / close", Scope.DIALOG, palette=False),
    Command("close-help", "question_mark,q", "cancel", "Close help", Scope.DIALOG, palette=False),
    Command("close-stats", "i,q", "cancel", "Close stats", Scope.DIALOG, palette=False),
    Command("stats-refresh", "r", "refresh", "Read again", Scope.DIALOG, palette=False),
    Command("dialog-submit", "ctrl+s", "submit", "Add the ids / send", Scope.DIALOG, palette=False),
    Command("confirm-yes", "y", "confirm", "Yes", Scope.DIALOG, palette=False),
    Command("confirm-no", "n", "cancel", "No", Scope.DIALOG, palette=False),
)

BY_ID: Mapping[str, Command] = {command.id: command for command in COMMANDS}


def binding(command: Command) -> Binding:
    return Binding(
        command.key,
        command.action,
        command.description,
        show=command.show,
        key_display=command.key_display,
        priority=command.priority,
        id=command.id,
    )


def bindings(scope: Scope) -> list[BindingType]:
    """Textual bindings for one scope, each carrying its registry id."""
    return [binding(command) for command in COMMANDS if command.scope is scope]


def bindings_by_id(*ids: str) -> list[BindingType]:
    """Textual bindings for the named commands (a dialog picks the ones it has)."""
    return [binding(BY_ID[command_id]) for command_id in ids]


#: the scopes whose keys the app itself answers, wherever the focus is
APP_WIDE = (Scope.APP, Scope.CLIP)


def in_scope(scope: Scope) -> Iterable[Command]:
    return (command for command in COMMANDS if command.scope is scope)


def keymap_from_settings(keys: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """(keymap for ``App.set_keymap``, ids in ``keys`` that name no binding)."""
    keymap: dict[str, str] = {}
    unknown: list[str] = []
    for binding_id, key in keys.items():
        if binding_id in BY_ID and key.strip():
            keymap[binding_id] = key.strip()
        else:
            unknown.append(binding_id)
    return keymap, unknown

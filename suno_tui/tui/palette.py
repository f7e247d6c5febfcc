"""The command palette: the same commands as the keys, from the one registry."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from textual.app import App, SystemCommand

from suno_tui.tui.detail.view import DetailView
from suno_tui.tui.keys.bindings import APP_WIDE, BY_ID, COMMANDS, Scope
from suno_tui.tui.tasks.task_list import TaskList


def system_commands(
    app: App[Any],
    keymap: Mapping[str, str],
    task_list: TaskList,
    detail_views: Callable[[], list[DetailView]],
) -> Iterable[SystemCommand]:
    """Every palette command of the registry (detail ones while a detail shows)."""
    for command in COMMANDS:
        if not command.palette or command.scope not in (*APP_WIDE, Scope.LIST, Scope.DETAIL):
            continue
        if command.scope is Scope.DETAIL and not detail_views():
            continue
        if command.scope in APP_WIDE and not app.check_action(command.action, ()):
            continue  # e.g. account discovery where account mode is not set up
        keys = keymap.get(command.id, command.key_display or command.key)
        yield SystemCommand(
            command.description,
            f"{keys}  ·  {command.id}",
            _runner(app, command.id, task_list, detail_views),
        )
    yield SystemCommand("Theme", "Change the colour theme", app.action_change_theme)


def _runner(
    app: App[Any],
    command_id: str,
    task_list: TaskList,
    detail_views: Callable[[], list[DetailView]],
) -> Callable[[], Any]:
    command = BY_ID[command_id]

    async def run() -> None:
        if command.scope in APP_WIDE:
            await app.run_action(command.action)
        elif command.scope is Scope.LIST:
            await app.run_action(command.action, task_list)
        elif views := detail_views():
            await app.run_action(command.action, views[-1])

    return run

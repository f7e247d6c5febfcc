"""What the shell completion scripts know, read from the real argparse parsers.

Every command's parser is built exactly as ``suno-tui COMMAND`` builds it, so
a new flag is completed without touching the scripts' generator.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

#: metavars whose value is a file or folder name
_PATH_METAVARS = {"PATH", "FILE", "DIR", "FOLDER", "DIRECTORY"}
_HELP_WIDTH = 70


@dataclass(frozen=True, slots=True)
class Option:
    flags: tuple[str, ...]
    help: str
    takes_value: bool
    choices: tuple[str, ...] = ()
    files: bool = False
    #: the value is a profile name (completed from the config file)
    profiles: bool = False


@dataclass(slots=True)
class CommandSpec:
    """One completion context: ``""`` (the monitor), ``fetch``, ``config/show``..."""

    path: str
    help: str
    options: list[Option] = field(default_factory=list)
    subcommands: list[tuple[str, str]] = field(default_factory=list)
    takes_ids: bool = False
    positional_choices: tuple[str, ...] = ()
    #: a positional argument names a folder (``sync DIR``)
    positional_dirs: bool = False

    @property
    def flags(self) -> list[str]:
        return [flag for option in self.options for flag in option.flags]


def short_help(text: str | None) -> str:
    """The first sentence of an argparse help, on one line, without format codes."""
    if not text or text == argparse.SUPPRESS:
        return ""
    line = " ".join(text.replace("%%", "%").split())
    for stop in ("; ", ". ", " ("):
        if stop in line:
            line = line.split(stop, 1)[0]
    if len(line) > _HELP_WIDTH:
        line = line[: _HELP_WIDTH - 3].rsplit(" ", 1)[0] + "..."
    return line


def _option(action: argparse.Action) -> Option:
    takes_value = action.nargs != 0
    metavar = action.metavar if isinstance(action.metavar, str) else ""
    return Option(
        flags=tuple(action.option_strings),
        help=short_help(action.help),
        takes_value=takes_value,
        choices=tuple(str(c) for c in action.choices) if action.choices else (),
        files=takes_value and metavar.upper() in _PATH_METAVARS,
        profiles=takes_value and "--profile" in action.option_strings,
    )


def _walk(parser: argparse.ArgumentParser, spec: CommandSpec, out: list[CommandSpec]) -> None:
    out.append(spec)
    for action in parser._actions:  # argparse has no public way to list them
        if action.help == argparse.SUPPRESS:
            continue
        if action.option_strings:
            spec.options.append(_option(action))
        elif isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: short_help(a.help) for a in action._choices_actions}
            for name, child in action.choices.items():
                spec.subcommands.append((name, helps.get(name, "")))
                path = f"{spec.path}/{name}" if spec.path else name
                _walk(child, CommandSpec(path, helps.get(name, "")), out)
        elif action.dest == "ids":
            spec.takes_ids = True
        elif action.choices:
            spec.positional_choices = tuple(str(c) for c in action.choices)
        elif action.metavar == "DIR":
            spec.positional_dirs = True


def command_specs() -> list[CommandSpec]:
    """The monitor's context first, then each command's (hidden ones left out)."""
    from suno_tui.cli import COMMANDS, build_parser

    out: list[CommandSpec] = []
    top = CommandSpec("", "watch Suno generation jobs")
    _walk(build_parser([]), top, out)
    top.subcommands = [(name, summary) for name, (_, summary) in COMMANDS.items()]
    for name, (_, summary) in COMMANDS.items():
        _walk(build_parser([name]), CommandSpec(name, summary), out)
    return out

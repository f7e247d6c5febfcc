"""Command-line entry point.

Start-up time matters (``suno-tui --version`` must cost little more than
``python -c pass``), so this module imports only argparse. Each command lives
in its own module that defines ``add_arguments(parser)`` and ``run(args)``; the
heavy imports (httpx, Textual, the simulator) happen inside ``run``.

A first argument that names a command selects it (``suno-tui fetch ID``);
anything else runs the monitor (``suno-tui ID ID``, ``suno-tui --demo``).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from suno_tui import __version__
from suno_tui.cli import exit_codes

# command name -> (module under suno_tui.cli, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "fetch": ("fetch", "query tasks once and print them"),
    "watch": ("watch", "poll tasks until they finish, printing each change"),
    "submit": ("submit", "submit a music or lyrics job"),
    "config": ("config_cmd", "show or edit the configuration file"),
    "simulate": ("simulate", "run the gateway simulator on loopback"),
    "download": ("download", "download the assets of finished tasks"),
    "tasks": ("tasks", "list the account's tasks (needs the access token)"),
    "balance": ("balance", "show what the API key has left"),
    "stats": ("stats", "figures over the watch list, from the state file"),
    "completion": ("completion", "print a shell completion script (bash, zsh, fish)"),
}
# commands for scripts, not people: not listed in --help
HIDDEN_COMMANDS: dict[str, tuple[str, str]] = {
    "_ids": ("ids_cmd", "watched task ids (for shell completion)"),
}
MONITOR_MODULE = "monitor_cmd"
PROG = "suno-tui"


def _command_module(name: str) -> ModuleType:
    return importlib.import_module(f"suno_tui.cli.{name}")


def _monitor_parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  {name:<10} {summary}" for name, (_, summary) in COMMANDS.items())
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Watch Suno generation jobs on an API gateway.",
        epilog=f"commands (run '{PROG} COMMAND --help'):\n{commands}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    try:
        module = _command_module(MONITOR_MODULE)
    except ModuleNotFoundError:
        module = None
    if module is not None:
        module.add_arguments(parser)
    parser.set_defaults(_module=MONITOR_MODULE)
    return parser


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser for this command line: a command's own, or the monitor's."""
    if argv and (argv[0] in COMMANDS or argv[0] in HIDDEN_COMMANDS):
        module_name, summary = {**COMMANDS, **HIDDEN_COMMANDS}[argv[0]]
        parser = argparse.ArgumentParser(prog=f"{PROG} {argv[0]}", description=summary)
        _command_module(module_name).add_arguments(parser)
        parser.set_defaults(_module=module_name)
        return parser
    return _monitor_parser()


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list)
    if args_list and (args_list[0] in COMMANDS or args_list[0] in HIDDEN_COMMANDS):
        args_list = args_list[1:]
    args = parser.parse_args(args_list)
    module = _command_module(args._module)
    try:
        result: int = module.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return exit_codes.INTERRUPTED
    return result

"""Command-line entry point.

Start-up time matters (``suno-tui --version`` must cost little more than
``python -c pass``), so this module imports only argparse. Each command lives
in its own module that defines ``add_arguments(parser)`` and ``run(args)``; the
heavy imports (httpx, Textual, the simulator) happen inside ``run``.

The first positional argument that names a command selects it, after the
monitor's options too (``suno-tui fetch ID``, ``suno-tui --base-url URL fetch
ID``); anything else runs the monitor (``suno-tui ID ID``, ``suno-tui --demo``).
A command name is never taken as a task id.

Output to a closed pipe (``suno-tui fetch ... | head -1``) ends the command
quietly with exit code 141 (128 + SIGPIPE), as the shell reports for
``yes | head -1``, so that ``set -o pipefail`` scripts see the same as with
other Unix tools.
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
    "extend": ("extend", "extend a clip from a point"),
    "concat": ("concat", "join an extension chain into the full song"),
    "config": ("config_cmd", "show or edit the configuration file"),
    "simulate": ("simulate", "run the gateway simulator on loopback"),
    "download": ("download", "download the assets of finished tasks"),
    "sync": ("sync", "mirror the account's finished clips into a folder"),
    "tasks": ("tasks", "list the account's tasks (needs the access token)"),
    "balance": ("balance", "show what the API key has left"),
    "stats": ("stats", "figures over the watch list, from the state file"),
    "completion": ("completion", "print a shell completion script (bash, zsh, fish)"),
}
# commands for scripts, not people: not listed in --help
HIDDEN_COMMANDS: dict[str, tuple[str, str]] = {
    "_ids": ("ids_cmd", "watched task ids (for shell completion)"),
    "_profiles": ("profiles_cmd", "configured profile names (for shell completion)"),
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


def command_first(argv: Sequence[str]) -> list[str]:
    """``argv`` with the command name first, if its first positional argument
    names one (``--base-url URL fetch ID`` -> ``fetch ID --base-url URL``).

    Options are skipped with their values, as the monitor's parser reads
    them; anything after ``--`` is positional. Without a command, ``argv``
    is returned unchanged.
    """
    argv = list(argv)
    if not argv or argv[0] in COMMANDS or argv[0] in HIDDEN_COMMANDS:
        return argv
    if not COMMANDS.keys() & set(argv):
        return argv
    takes_value = _monitor_value_options()
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--":
            return argv
        if word.startswith("-") and len(word) > 1:
            name = word.partition("=")[0]
            if "=" not in word and _value_option(name, takes_value):
                index += 1  # the option's value
        elif word in COMMANDS:
            # The options go after the command's own words (``config show``
            # has an action first), before any "--".
            rest = argv[index + 1 :]
            end = rest.index("--") if "--" in rest else len(rest)
            return [word, *rest[:end], *argv[:index], *rest[end:]]
        else:
            return argv  # a task id: the monitor
        index += 1
    return argv


def _monitor_value_options() -> set[str]:
    parser = _monitor_parser()
    return {
        option
        for action in parser._actions
        if action.nargs != 0
        for option in action.option_strings
    }


def _value_option(name: str, takes_value: set[str]) -> bool:
    """Does option ``name`` (or an abbreviation argparse accepts) take a value?"""
    if name in takes_value:
        return True
    if not name.startswith("--"):
        return False
    matches = {option for option in takes_value if option.startswith(name)}
    return len(matches) == 1


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser for this command line (command first, see :func:`command_first`):
    a command's own, or the monitor's."""
    if argv and (argv[0] in COMMANDS or argv[0] in HIDDEN_COMMANDS):
        module_name, summary = {**COMMANDS, **HIDDEN_COMMANDS}[argv[0]]
        parser = argparse.ArgumentParser(prog=f"{PROG} {argv[0]}", description=summary)
        _command_module(module_name).add_arguments(parser)
        parser.set_defaults(_module=module_name)
        return parser
    return _monitor_parser()


def main(argv: Sequence[str] | None = None) -> int:
    args_list = command_first(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list)
    if args_list and (args_list[0] in COMMANDS or args_list[0] in HIDDEN_COMMANDS):
        args_list = args_list[1:]
    args = parser.parse_args(args_list)
    stray = [name for name in getattr(args, "ids", None) or [] if name in COMMANDS]
    if stray:
        parser.error(
            f"{stray[0]!r} is a command, not a task id; "
            f"put it before its ids: {PROG} {stray[0]} [OPTIONS] ID..."
        )
    module = _command_module(args._module)
    try:
        result: int = module.run(args)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return exit_codes.INTERRUPTED
    except BrokenPipeError:
        return _closed_pipe()
    return result


def _closed_pipe() -> int:
    """The reader of our output went away: stop quietly, as Unix tools do."""
    import os

    # Python flushes stdout again at exit and would print a traceback-like
    # "Exception ignored" line; point it at /dev/null first.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return exit_codes.CLOSED_PIPE

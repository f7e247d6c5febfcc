"""``suno-tui completion SHELL``: print a completion script for bash, zsh or fish."""

from __future__ import annotations

import argparse

from suno_tui.cli import exit_codes

SHELLS = ("bash", "zsh", "fish")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print a shell completion script: subcommands, flags, file names and the "
        "watched task ids. Install: bash: 'suno-tui completion bash > "
        "~/.local/share/bash-completion/completions/suno-tui'; zsh: 'suno-tui completion "
        "zsh > ~/.zfunc/_suno-tui' with ~/.zfunc in $fpath before compinit; fish: "
        "'suno-tui completion fish > ~/.config/fish/completions/suno-tui.fish'."
    )
    parser.add_argument("shell", choices=SHELLS, help="the shell to print the script for")


def run(args: argparse.Namespace) -> int:
    from suno_tui.cli.completion_scripts import script
    from suno_tui.cli.completion_spec import command_specs

    print(script(args.shell, command_specs()), end="")
    return exit_codes.OK

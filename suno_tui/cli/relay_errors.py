"""Map the relay's typed errors to exit codes and one-line messages."""

from __future__ import annotations

from suno_tui.cli import exit_codes
from suno_tui.relay.errors import AuthError, RelayError

AUTH_HINT = "set a valid token with SUNO_TUI_TOKEN, --token, or 'suno-tui config set token TOKEN'"


def exit_code_for(error: RelayError) -> int:
    return exit_codes.AUTH if isinstance(error, AuthError) else exit_codes.UNREACHABLE


def describe(error: RelayError) -> str:
    """The message for stderr (the caller cleans it of control characters)."""
    if isinstance(error, AuthError):
        return f"{error} ({AUTH_HINT})"
    return str(error)

"""Map the relay's typed errors to exit codes and one-line messages."""

from __future__ import annotations

from suno_tui.cli import exit_codes
from suno_tui.relay.errors import AccountAuthError, AuthError, NotSupported, RelayError

AUTH_HINT = "set a valid token with SUNO_TUI_TOKEN, --token, or 'suno-tui config set token TOKEN'"


def exit_code_for(error: RelayError) -> int:
    if isinstance(error, AuthError):
        return exit_codes.AUTH
    if isinstance(error, NotSupported):
        return exit_codes.NOT_SUPPORTED
    return exit_codes.UNREACHABLE


def describe(error: RelayError) -> str:
    """The message for stderr (the caller cleans it of control characters)."""
    if isinstance(error, AccountAuthError):
        return str(error)  # it names the access token or user id to fix
    if isinstance(error, AuthError):
        return f"{error} ({AUTH_HINT})"
    return str(error)

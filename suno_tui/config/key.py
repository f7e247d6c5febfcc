"""One key of config.toml: its type, limits, default, and how it is checked.

Every value from any layer (file, environment, command line, ``config set``)
goes through :meth:`Key.check`; the keys themselves are listed in
``schema.py`` (and the account-mode ones in ``account_keys.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from suno_tui.config import values as v
from suno_tui.config.errors import ConfigError, describe_value
from suno_tui.config.values import Converter, Invalid, TextParser

__all__ = ["EXPECTED_BOOL", "EXPECTED_COMMAND", "Key"]

# What an error says a value must be, for the kinds several keys share.
EXPECTED_BOOL = "true or false"
EXPECTED_COMMAND = "a command line"


@dataclass(frozen=True)
class Key:
    """One configuration key."""

    name: str
    expected: str
    convert: Converter
    default: object = None
    parse_text: TextParser = v.keep_text
    secret: bool = False
    optional: bool = False  # may be unset (None); "" in `config set` removes it
    is_path: bool = False
    must_exist: bool = False  # for paths: must name an existing file
    summary: str = ""
    example: str | None = None  # TOML text shown in the starter file

    def check(self, value: object, subject: str) -> object:
        """The value converted to its Python type, or ConfigError naming ``subject``."""
        try:
            return self.convert(value)
        except Invalid as exc:
            expected = exc.expected or self.expected
            shown = value if exc.shown is None else exc.shown
            got = describe_value(shown, secret=self.secret or exc.hide_value)
            raise ConfigError(f"{subject} must be {expected}, got {got}") from None

    def from_text(self, text: str, subject: str) -> object:
        """Parse text typed by a user (environment, ``config set``) and check it."""
        return self.check(self.parse_text(text), subject)

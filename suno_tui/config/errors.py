"""The one exception of the configuration layer and how values appear in it."""

from __future__ import annotations

__all__ = ["ConfigError", "describe_value"]

# Longest piece of a bad value echoed back in an error message.
_SHOWN_CHARS = 60


class ConfigError(Exception):
    """A bad configuration: one line naming the place, the key and what was expected.

    Messages never contain a token: values of secret keys are described by
    their type only (see ``describe_value``).
    """


def describe_value(value: object, *, secret: bool = False) -> str:
    """How a bad value is shown after "got": escaped, shortened, or only its type."""
    if secret:
        return _type_name(value)
    if isinstance(value, str):
        # repr() escapes control characters, so the message is safe to print.
        if len(value) > _SHOWN_CHARS:
            return repr(value[:_SHOWN_CHARS]) + "..."
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return _type_name(value)


def _type_name(value: object) -> str:
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    # tomllib also yields dates and times.
    return f"a {type(value).__name__}"

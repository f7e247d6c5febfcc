"""How a configuration value is checked and how typed text becomes one.

The converters turn a value from any layer into its Python type or raise
:class:`Invalid`; the text parsers turn what a user typed (environment,
``config set``) into a value for a converter. ``schema.py`` and
``account_keys.py`` pair them with keys.
"""

from __future__ import annotations

import math
import re
import shlex
import string
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from suno_tui.safe_text import without_userinfo

PROFILE_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
# C0, DEL, C1 and the bidi overrides that can make text read differently.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Tokens go into an HTTP header: visible ASCII only, no spaces.
TOKEN_RE = re.compile(r"[\x21-\x7e]+")
_BINDING_RE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
# An HTTP header name (RFC 9110 token characters).
_HEADER_NAME_RE = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}")
_MAX_USER_ID = 2**63 - 1
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


class Invalid(Exception):
    """Raised by a converter. A message replaces the key's usual expectation."""

    def __init__(
        self, expected: str = "", *, hide_value: bool = False, shown: str | None = None
    ) -> None:
        super().__init__(expected)
        self.expected = expected
        self.hide_value = hide_value
        #: what to show instead of the value (a URL without its password)
        self.shown = shown


Converter = Callable[[object], object]
TextParser = Callable[[str], object]


def keep_text(text: str) -> object:
    return text


# --- converters -------------------------------------------------------------


def single_line(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or _CONTROL_RE.search(value):
        raise Invalid
    return value


def url(value: object) -> str:
    text = single_line(value).strip()
    masked = without_userinfo(text)
    if masked != text:
        # A password in the URL would be sent everywhere and echoed here:
        # refuse it first, whatever else is wrong, and never show it.
        raise Invalid("an http(s) URL without a user name or password", shown=masked)
    if " " in text:
        raise Invalid
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise Invalid from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid
    if parts.username is not None or parts.password is not None:
        raise Invalid("an http(s) URL without a user name or password", hide_value=True)
    if parts.query or parts.fragment:
        raise Invalid("an http(s) URL without a query or fragment")
    return text.rstrip("/")


def token(value: object) -> str:
    if not isinstance(value, str) or TOKEN_RE.fullmatch(value) is None:
        raise Invalid
    return value


def user_id(value: object) -> int:
    # new-api user ids are integers; a TOML string of digits is accepted too.
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MAX_USER_ID:
        raise Invalid
    return value


def header_name(value: object) -> str:
    if not isinstance(value, str) or _HEADER_NAME_RE.fullmatch(value.strip()) is None:
        raise Invalid
    return value.strip()


def choice(choices: tuple[str, ...]) -> Converter:
    def convert(value: object) -> str:
        if not isinstance(value, str) or value.strip().lower() not in choices:
            raise Invalid
        return value.strip().lower()

    return convert


def canonical_choice(choices: tuple[str, ...]) -> Converter:
    """One of ``choices``, matched without regard to case, spelled as listed."""
    by_folded = {choice.lower(): choice for choice in choices}

    def convert(value: object) -> str:
        if not isinstance(value, str) or value.strip().lower() not in by_folded:
            raise Invalid
        return by_folded[value.strip().lower()]

    return convert


def command(value: object) -> str:
    text = single_line(value).strip()
    try:
        argv = shlex.split(text)
    except ValueError as exc:
        raise Invalid(f"a valid command line ({exc})") from None
    if not argv:
        raise Invalid
    return text


def path(value: object) -> Path:
    return Path(single_line(value)).expanduser()


def int_range(low: int, high: int) -> Converter:
    def convert(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise Invalid
        return value

    return convert


def number_range(low: float, high: float) -> Converter:
    def convert(value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid
        number = float(value)
        if not math.isfinite(number) or not low <= number <= high:
            raise Invalid
        return number

    return convert


def boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise Invalid
    return value


def name_template(value: object) -> str:
    text = single_line(value)
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise Invalid(f"a valid template ({exc})") from None
    # Plain names only: "{clip_id.__class__}" or "{0}" would reach into objects.
    if any(not name.isidentifier() for name in fields):
        raise Invalid("a template whose fields are plain names such as {title}")
    return text


def profile_name(value: object) -> str:
    if not isinstance(value, str) or PROFILE_NAME_RE.fullmatch(value) is None:
        raise Invalid
    return value


def bindings(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise Invalid
    result: dict[str, str] = {}
    for binding, key in value.items():
        if not is_binding_id(binding) or not is_key_name(key):
            raise Invalid
        result[binding] = key
    return result


def is_binding_id(value: object) -> bool:
    return isinstance(value, str) and _BINDING_RE.fullmatch(value) is not None


def is_key_name(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip()) and not _CONTROL_RE.search(value)


# --- text parsers -----------------------------------------------------------
# They never fail: text that does not parse is passed on and ``check`` rejects
# it with the key's usual message, quoting what the user typed.


def parse_int(text: str) -> object:
    try:
        return int(text.strip())
    except ValueError:
        return text


def parse_number(text: str) -> object:
    try:
        return float(text.strip())
    except ValueError:
        return text


def parse_bool(text: str) -> object:
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    return text


def parse_list(text: str) -> object:
    stripped = text.strip()
    if stripped.startswith("["):
        import tomllib

        try:
            return tomllib.loads(f"v = {stripped}")["v"]
        except (tomllib.TOMLDecodeError, RecursionError):
            return text
    return [piece for piece in re.split(r"[\s,]+", stripped) if piece]

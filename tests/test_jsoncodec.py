"""orjson encodes the stored raw JSON; what it refuses falls back to json."""

from __future__ import annotations

import json

from suno_tui import jsoncodec


def test_plain_documents_round_trip() -> None:
    value = {"title": "夏の終わり 🌧", "n": 1, "x": [1.5, None, True]}
    assert json.loads(jsoncodec.dumps_compact(value)) == value


def test_what_orjson_refuses_is_still_stored_exactly() -> None:
    for value in ({"t": "\ud800"}, {"n": 2**80}):
        text = jsoncodec.dumps_compact(value)
        text.encode("utf-8")  # a lone surrogate would make SQLite refuse the row
        assert json.loads(text) == value


def test_nan_which_is_not_json_is_stored_as_null() -> None:
    assert jsoncodec.dumps_compact({"d": float("nan")}) == '{"d":null}'


def test_long_digit_runs_are_found_as_the_regex_finds_them() -> None:
    """The translate-based scan agrees with ``[0-9]{19}`` at the edges."""
    import random
    import re

    pattern = re.compile(rb"[0-9]{19}")
    cases = [
        b"",
        b"1" * 18,
        b"1" * 19,
        b"9" * 19 + b"x",
        b"x" + b"0" * 19,
        b'{"n": 123456789012345678, "m": 1}',
        b'{"n": 1234567890123456789}',
        b'{"s": "12345678901234567890"}',
        b"123456789.0123456789",
        "٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩".encode(),  # Arabic-Indic digits are not JSON digits
        bytes(range(256)) * 2,
    ]
    generator = random.Random(7)
    alphabet = b'0123456789.-e" ,\xb0\xb9/:'
    for _ in range(2000):
        cases.append(bytes(generator.choice(alphabet) for _ in range(generator.randrange(60))))
        cases.append(b"1" * generator.randrange(15, 22) + b"x" + b"2" * generator.randrange(15, 22))
    for body in cases:
        expected = pattern.search(body) is not None
        assert jsoncodec._has_long_digit_run(body) is expected, body
        if expected:
            assert jsoncodec.loads_exact(body) is jsoncodec.NOT_EXACT

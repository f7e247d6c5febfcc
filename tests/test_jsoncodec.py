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

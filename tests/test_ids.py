"""Task id parsing and validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suno_tui.ids import MAX_ID_LENGTH, InvalidTaskId, parse_ids, validate_id, validate_ids

UUID = "3f2b1c9e-8d4a-4b6f-9e21-0c5d7a8b9f10"


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["a b", "c"], ["a", "b", "c"]),
        (["a,b,,c"], ["a", "b", "c"]),
        (["a\nb\r\nc\td"], ["a", "b", "c", "d"]),
        (["  a ,  b  ", "\n"], ["a", "b"]),
        (["b a", "a,b", "c b"], ["b", "a", "c"]),
        ([], []),
        (["", "  ", ",,"], []),
    ],
)
def test_parse_ids(texts: list[str], expected: list[str]) -> None:
    assert parse_ids(texts) == expected


def test_parse_ids_accepts_any_iterable() -> None:
    assert parse_ids(iter(["x y", "x"])) == ["x", "y"]


@pytest.mark.parametrize(
    "task_id",
    [
        UUID,
        UUID.replace("-", ""),
        "task_01HZX4Y",
        "lyrics-3f2b1c9e",
        "a",
        "A.b:c-d_e",
        "x" * MAX_ID_LENGTH,
    ],
)
def test_valid_ids(task_id: str) -> None:
    assert validate_id(task_id) == task_id


@pytest.mark.parametrize(
    "task_id",
    [
        "",
        "-leading-dash",
        "_leading",
        "has space",
        "a/b",
        "../etc",
        "a?b=1",
        "x" * (MAX_ID_LENGTH + 1),
        "id\x1b[31m",
        "id\x07",
        "id\u202e",
        "id\x9b1m",
        "ид",
        "a\n",
    ],
)
def test_invalid_ids(task_id: str) -> None:
    with pytest.raises(InvalidTaskId) as caught:
        validate_id(task_id)
    assert isinstance(caught.value, ValueError)
    assert caught.value.task_id == task_id


@pytest.mark.parametrize("control", ["\x1b", "\x07", "\x00", "\x7f", "\x9b", "\u202e", "\n"])
def test_invalid_id_message_escapes_control_characters(control: str) -> None:
    with pytest.raises(InvalidTaskId) as caught:
        validate_id(f"abc{control}]52;c;x")
    message = str(caught.value)
    assert control not in message
    assert message.startswith("not a valid task id: 'abc\\")


def test_invalid_id_message_is_short_for_long_ids() -> None:
    with pytest.raises(InvalidTaskId) as caught:
        validate_id("x" * 10_000 + "/")
    assert len(str(caught.value)) < 150
    assert "10001 characters" in str(caught.value)


def test_validate_ids_stops_at_the_first_bad_one() -> None:
    assert validate_ids(["a", "b"]) == ["a", "b"]
    with pytest.raises(InvalidTaskId, match="'b/'"):
        validate_ids(["a", "b/", "c d"])


@given(st.lists(st.text()))
def test_parse_ids_never_yields_separators_or_duplicates(texts: list[str]) -> None:
    ids = parse_ids(texts)
    assert len(ids) == len(set(ids))
    assert all(piece and "," not in piece and not any(c.isspace() for c in piece) for piece in ids)


@given(st.text())
def test_validate_id_accepts_or_raises_a_printable_message(text: str) -> None:
    try:
        validate_id(text)
    except InvalidTaskId as exc:
        assert str(exc).isprintable()

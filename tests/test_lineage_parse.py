"""What a clip's metadata says it was made from (relay/lineage.py), and the
state file's lineage table (tracking/lineage_book.py): real shapes, and
hostile ones (wrong types, huge lists, ids that cannot be ids, NaN)."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from suno_tui.relay.export import task_to_json
from suno_tui.relay.lineage import Lineage, clip_lineage, task_lineage
from suno_tui.relay.models import parse_task
from suno_tui.tracking.lineage_book import MAX_CHILDREN, LineageBook
from suno_tui.tracking.store import Store

PARENT = "0f8fad5b-d9cb-469f-a165-70867728950e"
FIRST = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def entry(clip_id: Any, at: Any = 60.0, **extra: Any) -> dict[str, Any]:
    """A history entry as Suno sends it."""
    return {
        "id": clip_id,
        "continue_at": at,
        "type": "gen",
        "source": "web",
        "infill": False,
        **extra,
    }


def task_with(metadata: Any, *, clip_id: str = "c0ffee00-0000-4000-8000-000000000001") -> Any:
    clip = {"id": clip_id, "title": "Night Bus", "status": "complete", "metadata": metadata}
    return parse_task(
        {"task_id": "task-1", "action": "MUSIC", "status": "SUCCESS", "data": [clip, clip]}
    )


def lineage_of(metadata: Any) -> Lineage | None:
    return task_lineage(task_with(metadata))


# -- real shapes ----------------------------------------------------------------------


def test_an_extension_names_the_last_clip_of_its_history() -> None:
    metadata = {"history": [entry(FIRST, 30.0), entry(PARENT, 90.5)], "concat_history": None}
    assert lineage_of(metadata) == Lineage("extend", PARENT, 90.5)


def test_a_concat_names_its_last_part_without_a_point() -> None:
    parts = [entry(FIRST, 30.0), {"id": PARENT, "type": "gen", "source": "web", "infill": False}]
    metadata = {"history": [entry(FIRST, 30.0)], "concat_history": parts}
    assert lineage_of(metadata) == Lineage("concat", PARENT, None)


@pytest.mark.parametrize(
    "metadata",
    [
        {"history": None, "concat_history": None},  # Suno's null for "made from nothing"
        {"history": [], "concat_history": []},
        {},
        None,
    ],
)
def test_a_clip_made_from_nothing(metadata: Any) -> None:
    assert lineage_of(metadata) is None
    assert task_to_json(task_with(metadata))["extends"] is None


def test_the_json_object() -> None:
    document = task_to_json(task_with({"history": [entry(PARENT, 90)]}))
    assert document["extends"] == {"task_id": None, "clip_id": PARENT, "at": 90.0, "kind": "extend"}


def test_the_point_is_kept_as_seconds() -> None:
    assert lineage_of({"history": [entry(PARENT, 0)]}) == Lineage("extend", PARENT, 0.0)
    assert lineage_of({"history": [entry(PARENT, None)]}) == Lineage("extend", PARENT, None)


# -- hostile shapes -------------------------------------------------------------------


@pytest.mark.parametrize(
    "at",
    [math.nan, math.inf, -math.inf, -1, 1e300, 86_401, True, "90", [90], {"s": 90}],
)
def test_a_point_that_cannot_be_one_is_not_known(at: Any) -> None:
    found = lineage_of({"history": [entry(PARENT, at)]})
    assert found == Lineage("extend", PARENT, None)


@pytest.mark.parametrize(
    "clip_id",
    [
        None,
        42,
        ["x"],
        "",
        "has space",
        "../../etc/passwd",
        "\x1b[31mred",
        "id\u202eevil",
        "x" * 129,
        "-starts-with-dash",
    ],
)
def test_an_id_that_cannot_be_one_names_no_parent(clip_id: Any) -> None:
    assert lineage_of({"history": [entry(clip_id)]}) is None
    assert lineage_of({"concat_history": [entry(clip_id)]}) is None


@pytest.mark.parametrize(
    "history",
    ["a string", 42, {"id": PARENT}, [None], [PARENT], [[entry(PARENT)]], [1, 2, 3]],
)
def test_a_history_of_the_wrong_shape_names_no_parent(history: Any) -> None:
    assert lineage_of({"history": history}) is None
    assert lineage_of({"concat_history": history}) is None


def test_a_huge_history_is_read_at_its_end_only() -> None:
    history = [entry(f"clip-{n}") for n in range(200_000)] + [entry(PARENT, 12.5)]
    assert lineage_of({"history": history}) == Lineage("extend", PARENT, 12.5)
    # what comes before the end is never looked at, whatever it is
    junk: list[Any] = [object(), None, "x" * 10_000, [[[]]]] * 1_000 + [entry(PARENT, 3)]
    assert lineage_of({"history": junk}) == Lineage("extend", PARENT, 3.0)


def test_metadata_that_is_not_a_mapping() -> None:
    for metadata in ("history", 3, [entry(PARENT)], True):
        assert lineage_of(metadata) is None


def test_a_clip_that_names_itself_is_not_its_own_parent() -> None:
    own = "c0ffee00-0000-4000-8000-000000000001"
    assert lineage_of({"history": [entry(own)]}) is None


def test_concat_history_wins_over_history() -> None:
    metadata = {"history": [entry(FIRST)], "concat_history": [entry(PARENT, None)]}
    assert lineage_of(metadata) == Lineage("concat", PARENT, None)


def test_a_bad_concat_history_does_not_fall_back_to_history() -> None:
    # a concat whose parts cannot be read is still not an extension of anything
    metadata = {"history": [entry(FIRST)], "concat_history": [entry("bad id")]}
    assert lineage_of(metadata) is None


def test_one_clip_is_enough() -> None:
    clip = task_with({"history": [entry(PARENT, 5)]}).clips[0]
    assert clip_lineage(clip) == Lineage("extend", PARENT, 5.0)


# -- the state file -------------------------------------------------------------------


@pytest.fixture
def book(tmp_path: Path) -> Any:
    with Store.open(tmp_path / "state.db") as store:
        yield LineageBook(store.connection)


def test_what_the_submit_knew_wins_over_what_is_learned(book: LineageBook) -> None:
    book.record("child", Lineage("extend", PARENT, 90.0, "parent-task"))
    assert book.learn([("child", Lineage("extend", PARENT, 88.0))]) == 0
    assert book.of("child") == Lineage("extend", PARENT, 90.0, "parent-task")
    assert book.learn([("other", Lineage("concat", PARENT))]) == 1
    assert book.learn([("other", Lineage("concat", PARENT))]) == 0  # once
    assert book.task_of_clip(PARENT) == "parent-task"


def test_children_of_a_task_and_of_its_clips(book: LineageBook) -> None:
    book.record("ext", Lineage("extend", PARENT, 90.0, "parent-task"))
    book.learn([("made-elsewhere", Lineage("extend", PARENT, 60.0))])
    book.learn([("unrelated", Lineage("extend", FIRST, 10.0))])
    children = book.made_from("parent-task", [PARENT, "bad id"])
    assert [(c.task_id, c.lineage.at) for c in children] == [
        ("ext", 90.0),
        ("made-elsewhere", 60.0),
    ]
    book.settle_parent(PARENT, "parent-task")
    assert book.of("made-elsewhere") == Lineage("extend", PARENT, 60.0, "parent-task")


def test_children_are_bounded(book: LineageBook) -> None:
    book.learn([(f"child-{n}", Lineage("extend", PARENT, 1.0)) for n in range(MAX_CHILDREN * 3)])
    assert len(book.made_from("parent-task", [PARENT])) == MAX_CHILDREN


def test_rows_read_back_are_checked_again(tmp_path: Path) -> None:
    """The state file is as untrusted as the gateway: a tampered row is left out."""
    path = tmp_path / "state.db"
    with Store.open(path):
        pass
    with sqlite3.connect(path) as conn:
        rows = [
            ("t1", "extend", "\x1b[2Jclip", None, 1.0, "history", 1),
            ("t2", "delete", PARENT, None, 1.0, "history", 2),
            ("t3", "extend", PARENT, "bad parent\x07", float("nan"), "history", 3),
            ("t4 \x1b", "extend", PARENT, None, 2.0, "history", 4),
        ]
        conn.executemany("INSERT INTO lineage VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    with Store.open(path) as store:
        book = LineageBook(store.connection)
        assert book.of("t1") is None and book.of("t2") is None
        assert book.of("t3") == Lineage("extend", PARENT, None, None)
        assert [child.task_id for child in book.made_from("x", [PARENT])] == ["t3"]


def test_the_clips_of_the_newest_snapshots_are_read_once_into_an_index(tmp_path: Path) -> None:
    """engine/lineage.py finds a parent clip's task among the newest
    snapshots: their clips (not the ids their metadata mention), bounded."""
    from suno_tui.tracking.lineage_book import clip_owners_in_state
    from tests.test_clip_action_memory import music

    rows = [music(f"task-{n}", [f"clip-{n}a", f"clip-{n}b"]) for n in range(10)]
    with Store.open(tmp_path / "state.db") as store:
        store.add_tasks([summary for summary, _ in rows])  # type: ignore[misc]
        store.save(rows)  # type: ignore[arg-type]
        owners = clip_owners_in_state(store.connection, 3)
        assert owners == {f"clip-{n}{x}": f"task-{n}" for n in (7, 8, 9) for x in "ab"}
        assert len(clip_owners_in_state(store.connection, 100)) == 20

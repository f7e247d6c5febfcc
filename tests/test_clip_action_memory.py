"""The state file's parts of the clip actions: what a gateway does not offer
(tracking/offers.py) and which watched task holds a clip
(tracking/clip_lookup.py); and the CLI's time of a clip."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from suno_tui.cli.clip_action_run import clip_seconds
from suno_tui.relay.models import TaskKind
from suno_tui.tracking import clip_lookup
from suno_tui.tracking.clip_lookup import tasks_mentioning
from suno_tui.tracking.offers import GatewayOffers, gateway_key
from suno_tui.tracking.store import Store, pack_raw
from suno_tui.tracking.tracker import new_summary

T0 = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)


def test_not_offered_is_kept_per_base_url(tmp_path: Path) -> None:
    with Store.open(tmp_path / "state.db") as store:
        offers = GatewayOffers(store.connection)
        assert offers.offers("https://api.example.com", "concat")
        assert offers.mark_not_offered("https://API.example.com/", "concat", "invalid_action", T0)
        assert not offers.mark_not_offered("https://api.example.com", "concat", "again", T0)
        assert offers.mark_not_offered("https://api.example.com", "wav", "HTTP 404", T0)
    with Store.open(tmp_path / "state.db") as store:  # kept across runs
        offers = GatewayOffers(store.connection)
        assert offers.not_offered("https://api.example.com/") == {
            "concat": "invalid_action",
            "wav": "HTTP 404",
        }
        assert offers.offers("https://other.example.com", "concat")


def test_gateway_key_keeps_the_path() -> None:
    assert gateway_key("HTTPS://Relay.Example.com/v1/") == "https://relay.example.com/v1"
    assert gateway_key("https://a.example/v1") != gateway_key("https://a.example/v2")


def test_a_file_made_before_the_table_gets_it_on_open(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with Store.open(path):
        pass
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE not_offered")
    with Store.open(path) as store:
        offers = GatewayOffers(store.connection)
        assert offers.mark_not_offered("http://127.0.0.1:1", "concat", "", T0)


def music(task_id: str, clip_ids: list[str]) -> tuple[object, bytes]:
    summary = dataclasses.replace(new_summary(task_id, "default", T0), kind=TaskKind.MUSIC)
    raw = json.dumps({"task_id": task_id, "data": [{"id": clip} for clip in clip_ids]})
    return summary, pack_raw(raw)


def test_the_task_of_a_clip_is_found_across_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clip_lookup, "PAGE_ROWS", 3)
    rows = [music(f"task-{n}", [f"clip-{n}a", f"clip-{n}b"]) for n in range(10)]
    with Store.open(tmp_path / "state.db") as store:
        store.add_tasks([summary for summary, _ in rows])  # type: ignore[misc]
        store.save(rows)  # type: ignore[arg-type]
        state = store.connection
        assert list(tasks_mentioning(state, "clip-1b")) == ["task-1"]
        assert list(tasks_mentioning(state, "clip-9a")) == ["task-9"]
        assert list(tasks_mentioning(state, "clip-1")) == []  # a whole id, not a prefix
        store.remove_task("task-1")
        assert list(tasks_mentioning(state, "clip-1b")) == []


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90.0), ("45.5", 45.5), ("1:30", 90.0), ("0:00", 0.0)]
)
def test_clip_seconds(text: str, seconds: float) -> None:
    assert clip_seconds(text) == seconds


@pytest.mark.parametrize("text", ["1:75", "-3", "a:10", "nan", "inf", ""])
def test_clip_seconds_refuses(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        clip_seconds(text)

"""The tolerant task, clip and lyrics models against the shapes of docs/gateway.md."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suno_tui.relay.models import (
    Clip,
    ClipStatus,
    Lyrics,
    ModelError,
    Task,
    TaskKind,
    TaskStatus,
    infer_kind,
    normalise_clip_status,
    normalise_task_status,
    parse_clip,
    parse_lyrics,
    parse_progress,
    parse_task,
)
from tests.fixtures import shapes

SUBMITTED = datetime(2026, 1, 1, tzinfo=UTC)
STARTED = SUBMITTED + timedelta(seconds=5)
FINISHED = SUBMITTED + timedelta(seconds=95)
CLIP_CREATED = datetime(2026, 1, 1, 0, 0, 7, 250_000, tzinfo=UTC)


# -- the payload shapes of docs/gateway.md -------------------------------------


class TestStreamingTask:
    """Shape 1: IN_PROGRESS, "0%", finish_time 0, streaming clips."""

    def test_task_fields(self) -> None:
        task = parse_task(shapes.streaming_task())
        assert task.task_id == shapes.TASK_ID
        assert task.kind is TaskKind.MUSIC
        assert task.action == "MUSIC"
        assert task.status is TaskStatus.IN_PROGRESS
        assert task.status_label == "IN_PROGRESS"
        assert task.raw_status == "IN_PROGRESS"
        assert task.fail_reason == ""
        assert task.submitted_at == SUBMITTED
        assert task.started_at == STARTED
        assert task.finished_at is None
        assert task.is_finished is False
        assert task.progress_text == "0%"
        assert task.reported_progress == 0
        assert task.lyrics is None
        assert task.clips_done == 0
        assert task.title == shapes.TITLE
        assert task.tags == tuple(shapes.TAGS_LIST)

    def test_clips_stream(self) -> None:
        task = parse_task(shapes.streaming_task())
        assert [clip.id for clip in task.clips] == [shapes.CLIP_ID_1, shapes.CLIP_ID_2]
        clip = task.clips[0]
        assert clip.status is ClipStatus.STREAMING
        assert clip.status_label == "streaming"
        assert clip.audio_url == f"https://audiopipe.suno.ai/?item_id={shapes.CLIP_ID_1}"
        assert clip.video_url == ""
        assert clip.duration is None
        assert clip.is_complete is False
        assert clip.failed is False

    def test_duration_zero_means_not_known(self) -> None:
        task = parse_task(shapes.streaming_task(duration=0))
        assert [clip.duration for clip in task.clips] == [None, None]


class TestSuccessTask:
    """Shape 2: SUCCESS, two complete clips."""

    def test_task_fields(self) -> None:
        task = parse_task(shapes.success_task())
        assert task.status is TaskStatus.SUCCESS
        assert task.is_finished is True
        assert task.finished_at == FINISHED
        assert task.reported_progress == 100
        assert task.progress_text == "100%"
        assert task.clips_done == 2
        assert task.kind is TaskKind.MUSIC

    def test_first_clip_every_field(self) -> None:
        clip = parse_task(shapes.success_task()).clips[0]
        cid = shapes.CLIP_ID_1
        assert clip == Clip(
            id=cid,
            title=shapes.TITLE,
            status=ClipStatus.COMPLETE,
            status_label="complete",
            audio_url=f"https://cdn1.suno.ai/{cid}.mp3",
            video_url=f"https://cdn1.suno.ai/{cid}.mp4",
            image_url=f"https://cdn2.suno.ai/image_{cid}.jpeg",
            image_large_url=f"https://cdn2.suno.ai/image_large_{cid}.jpeg",
            model="chirp-v4",
            created_at=CLIP_CREATED,
            display_name="NightOwl",
            handle="nightowl",
            tags=("synthwave", "dreamy", "female vocals"),
            lyrics=shapes.LYRICS_TEXT,
            description_prompt="",
            duration=182.64,
            error_message="",
            error_type="",
        )
        assert clip.is_complete is True

    def test_second_clip_has_no_video(self) -> None:
        clip = parse_task(shapes.success_task()).clips[1]
        assert clip.video_url == ""
        assert clip.duration == 176.2

    def test_raw_keeps_upstream_fields(self) -> None:
        payload = shapes.success_task()
        task = parse_task(payload)
        assert task.raw is payload
        raw_clip = task.clips[0].raw
        assert raw_clip["play_count"] == 0
        assert raw_clip["is_public"] is False
        assert raw_clip["metadata"]["type"] == "gen"
        assert raw_clip["user_id"] == "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"


class TestPartialFailure:
    """Shape 3: FAILURE with one playable clip."""

    def test_failure_with_reason_from_first_clip(self) -> None:
        task = parse_task(shapes.partial_failure_task())
        assert task.status is TaskStatus.FAILURE
        assert task.is_finished is True
        assert task.fail_reason == shapes.CLIP_ERROR_MESSAGE
        assert task.fail_reason == task.clips[0].error_message

    def test_error_clip(self) -> None:
        clip = parse_task(shapes.partial_failure_task()).clips[0]
        assert clip.status is ClipStatus.ERROR
        assert clip.failed is True
        assert clip.audio_url == "https://cdn1.suno.ai/None.mp3"
        assert clip.error_type == shapes.CLIP_ERROR_TYPE
        assert clip.duration is None

    def test_complete_clip_stays_usable(self) -> None:
        task = parse_task(shapes.partial_failure_task())
        assert task.clips_done == 1
        done = [clip for clip in task.clips if clip.is_complete]
        assert [clip.id for clip in done] == [shapes.CLIP_ID_2]
        assert done[0].audio_url == f"https://cdn1.suno.ai/{shapes.CLIP_ID_2}.mp3"
        assert done[0].duration == shapes.DURATION_2

    def test_chinese_fail_reason(self) -> None:
        task = parse_task(shapes.chinese_failure_task())
        assert task.fail_reason == "生成失败：歌词包含敏感内容，请修改后重试"
        assert [clip.error_message for clip in task.clips] == [task.fail_reason] * 2
        assert task.clips_done == 0

    def test_chinese_timeout_reason(self) -> None:
        task = parse_task(shapes.chinese_failure_task(reason=shapes.CHINESE_TIMEOUT_REASON))
        assert task.fail_reason == "任务超时"


class TestLyricsTask:
    """Shape 4: LYRICS, data an object, tags an array."""

    @pytest.mark.parametrize("action", ["LYRICS", "", "lyrics", "MUSIC"])
    def test_kind_from_data_shape(self, action: str) -> None:
        task = parse_task(shapes.lyrics_task(action=action))
        assert task.kind is TaskKind.LYRICS
        assert task.action == action
        assert task.clips == ()
        assert task.lyrics == Lyrics(
            text=shapes.LYRICS_TEXT,
            title=shapes.TITLE,
            status="complete",
            id="c3d4e5f6-a7b8-4c9d-0e1f-2a3b4c5d6e7f",
            tags=("synthwave", "dreamy", "female vocals"),
            error_message="",
        )

    def test_title_and_tags_come_from_lyrics(self) -> None:
        task = parse_task(shapes.lyrics_task())
        assert task.task_id == shapes.LYRICS_TASK_ID
        assert task.title == shapes.TITLE
        assert task.tags == ("synthwave", "dreamy", "female vocals")
        assert task.clips_done == 0
        assert task.is_finished is True

    def test_lyrics_status_is_lowercased(self) -> None:
        data = shapes.lyrics_data()
        data["status"] = " Complete "
        assert parse_lyrics(data).status == "complete"

    def test_lyrics_key_instead_of_text(self) -> None:
        # infer_kind accepts {"lyrics": ...}; the text must not be lost then
        task = parse_task(
            {"task_id": "l1", "action": "", "data": {"lyrics": "la la", "title": "T"}}
        )
        assert task.kind is TaskKind.LYRICS
        assert task.lyrics is not None
        assert task.lyrics.text == "la la"

    def test_lyrics_action_with_pending_object(self) -> None:
        # before the text exists, data may be {status: "running"} only
        task = parse_task({"task_id": "l1", "action": "LYRICS", "data": {"status": "running"}})
        assert task.kind is TaskKind.LYRICS
        assert task.lyrics == Lyrics(status="running")

    def test_tags_of_lyrics_as_string(self) -> None:
        data = shapes.lyrics_data()
        data["tags"] = "pop, rock"
        assert parse_lyrics(data).tags == ("pop", "rock")


class TestNotStarted:
    """Shape 5: NOT_START, data null."""

    def test_not_started(self) -> None:
        task = parse_task(shapes.not_started_task())
        assert task.status is TaskStatus.NOT_START
        assert task.kind is TaskKind.MUSIC  # from action, as data says nothing
        assert task.clips == ()
        assert task.lyrics is None
        assert task.is_finished is False
        assert task.started_at is None
        assert task.submitted_at == SUBMITTED
        assert task.title == ""
        assert task.tags == ()
        assert task.clips_done == 0

    def test_not_started_without_action(self) -> None:
        payload = shapes.not_started_task()
        payload["action"] = ""
        assert parse_task(payload).kind is TaskKind.UNKNOWN


class TestMillisecondsAndZonelessDates:
    """Shape 6."""

    def test_times_in_milliseconds(self) -> None:
        task = parse_task(shapes.millisecond_task())
        assert task.submitted_at == SUBMITTED
        assert task.started_at == STARTED
        assert task.finished_at == FINISHED
        assert task.is_finished is True

    def test_created_at_without_zone_is_utc(self) -> None:
        first, second = parse_task(shapes.millisecond_task()).clips
        assert first.created_at == CLIP_CREATED
        assert second.created_at == datetime(2026, 1, 1, 0, 0, 7, tzinfo=UTC)
        assert first.created_at is not None and first.created_at.tzinfo is UTC

    def test_created_at_junk(self) -> None:
        clip = shapes.complete_clip()
        clip["created_at"] = "last tuesday"
        assert parse_clip(clip).created_at is None


class TestNewerRelay:
    def test_extra_fields_ignored_but_kept(self) -> None:
        payload = shapes.newer_relay_task()
        task = parse_task(payload)
        assert task.task_id == shapes.TASK_ID  # not the int database id
        assert task.status is TaskStatus.SUCCESS
        assert task.raw["quota"] == 10000
        assert task.raw["properties"] == {"input": "", "upstream_model_name": "chirp-v4"}
        assert task.raw["platform"] == "suno"
        assert task.clips[1].raw["batch_index"] == 1
        assert task.clips[0].raw["entity_type"] == "song_schema"

    def test_clips_still_read(self) -> None:
        task = parse_task(shapes.newer_relay_task())
        assert task.clips_done == 2
        assert [clip.duration for clip in task.clips] == [shapes.DURATION_1, shapes.DURATION_2]

    def test_top_level_clip_fields_fill_in_when_metadata_lacks_them(self) -> None:
        clip = shapes.newer_relay_task()["data"][0]
        clip["metadata"] = {}
        clip["tags"] = ["lofi", "chill"]
        clip["prompt"] = "top-level lyrics"
        clip["duration"] = "12.5"
        del clip["id"]
        del clip["status"]
        clip["state"] = "complete"
        parsed = parse_clip(clip)
        assert parsed.id == shapes.CLIP_ID_1  # from clip_id
        assert parsed.tags == ("lofi", "chill")
        assert parsed.lyrics == "top-level lyrics"
        assert parsed.duration == 12.5
        assert parsed.status is ClipStatus.COMPLETE

    def test_unknown_clip_state_kept_as_label(self) -> None:
        clip = shapes.newer_relay_task()["data"][0]
        del clip["status"]  # only "state": "succeeded" remains
        parsed = parse_clip(clip)
        assert parsed.status is ClipStatus.UNKNOWN
        assert parsed.status_label == "succeeded"


class TestLowercaseFamily:
    @pytest.mark.parametrize(
        ("status", "expected"),
        [
            ("success", TaskStatus.SUCCESS),
            ("in_progress", TaskStatus.IN_PROGRESS),
            ("not_start", TaskStatus.NOT_START),
            ("failed", TaskStatus.FAILURE),
        ],
    )
    def test_lowercase_statuses(self, status: str, expected: TaskStatus) -> None:
        task = parse_task(shapes.lowercase_task(status=status))
        assert task.status is expected
        assert task.status_label == expected.value
        assert task.raw_status == status

    def test_lowercase_action(self) -> None:
        task = parse_task(shapes.lowercase_task())
        assert task.action == "music"
        assert task.kind is TaskKind.MUSIC

    def test_uppercase_clip_status(self) -> None:
        clip = shapes.complete_clip()
        clip["status"] = "COMPLETE"
        assert parse_clip(clip).status is ClipStatus.COMPLETE


# -- field by field ----------------------------------------------------------


class TestOptionalFields:
    def test_task_that_is_only_an_id(self) -> None:
        task = parse_task(shapes.minimal_task("x"))
        assert task == Task(task_id="x")
        assert task.kind is TaskKind.UNKNOWN
        assert task.status is TaskStatus.UNKNOWN
        assert task.status_label == "UNKNOWN"
        assert task.submitted_at is None
        assert task.reported_progress is None
        assert task.progress_text == ""
        assert task.is_finished is False
        assert (task.title, task.tags, task.clips_done) == ("", (), 0)

    def test_every_field_null(self) -> None:
        payload = dict.fromkeys(shapes.success_task(), None)
        payload["task_id"] = "x"
        assert parse_task(payload) == Task(task_id="x")

    def test_clip_with_every_field_null(self) -> None:
        payload = dict.fromkeys(shapes.complete_clip(), None)
        assert parse_clip(payload) == Clip(id="")

    def test_unknown_fields_ignored_but_kept(self) -> None:
        payload = shapes.success_task()
        payload["brand_new"] = {"nested": [1, 2]}
        task = parse_task(payload)
        assert task.raw["brand_new"] == {"nested": [1, 2]}
        assert task == parse_task(shapes.success_task())  # raw is not compared

    def test_wrong_types_fall_back(self) -> None:
        task = parse_task(
            {
                "task_id": "x",
                "action": ["MUSIC"],
                "status": {"s": 1},
                "fail_reason": 42,
                "submit_time": "yesterday",
                "progress": [50],
                "data": 7,
            }
        )
        assert task.action == ""
        assert task.status is TaskStatus.UNKNOWN
        assert task.fail_reason == "42"
        assert task.submitted_at is None
        assert task.reported_progress is None
        assert task.kind is TaskKind.UNKNOWN
        assert task.clips == ()


class TestTaskId:
    @pytest.mark.parametrize(
        "task_id",
        [shapes.TASK_ID, shapes.HEX_TASK_ID, shapes.PREFIXED_TASK_ID, shapes.LYRICS_TASK_ID],
    )
    def test_every_id_form(self, task_id: str) -> None:
        assert parse_task(shapes.minimal_task(task_id)).task_id == task_id

    def test_id_is_stripped(self) -> None:
        assert parse_task({"task_id": "  abc \n"}).task_id == "abc"

    def test_int_task_id(self) -> None:
        assert parse_task({"task_id": 12345}).task_id == "12345"

    def test_string_id_stands_in(self) -> None:
        assert parse_task({"id": "abc"}).task_id == "abc"

    @pytest.mark.parametrize(
        "payload",
        [
            {},
            {"status": "SUCCESS", "data": []},
            {"task_id": None},
            {"task_id": ""},
            {"task_id": "   "},
            {"task_id": True},
            {"task_id": 1.5},
            {"task_id": ["x"]},
            # new-api's int ``id`` is a database row, not the task
            {"id": 48213, "status": "SUCCESS"},
            {"task_id": None, "id": 48213},
        ],
    )
    def test_without_task_id(self, payload: dict[str, object]) -> None:
        with pytest.raises(ModelError, match="without a task_id"):
            parse_task(payload)

    @pytest.mark.parametrize("payload", [None, [], "x", 1, ["task_id"]])
    def test_not_an_object(self, payload: object) -> None:
        with pytest.raises(ModelError, match="expected a task object"):
            parse_task(payload)


class TestTaskStatus:
    @pytest.mark.parametrize(
        ("value", "status"),
        [
            ("SUCCESS", TaskStatus.SUCCESS),
            ("success", TaskStatus.SUCCESS),
            (" Success ", TaskStatus.SUCCESS),
            ("FAILURE", TaskStatus.FAILURE),
            ("failure", TaskStatus.FAILURE),
            ("FAIL", TaskStatus.FAILURE),
            ("FAILED", TaskStatus.FAILURE),
            ("failed", TaskStatus.FAILURE),
            ("NOT_START", TaskStatus.NOT_START),
            ("NOT_STARTED", TaskStatus.NOT_START),
            ("SUBMITTED", TaskStatus.SUBMITTED),
            ("queued", TaskStatus.QUEUED),
            ("IN_PROGRESS", TaskStatus.IN_PROGRESS),
            ("UNKNOWN", TaskStatus.UNKNOWN),
        ],
    )
    def test_known(self, value: str, status: TaskStatus) -> None:
        assert normalise_task_status(value) == (status, status.value)

    @pytest.mark.parametrize("value", ["PROCESSING", "processing", "Running"])
    def test_unknown_shown_as_it_is_and_not_finished(self, value: str) -> None:
        assert normalise_task_status(value) == (TaskStatus.UNKNOWN, value)
        task = parse_task({"task_id": "x", "status": value})
        assert task.status is TaskStatus.UNKNOWN
        assert task.status_label == value
        assert task.raw_status == value
        assert task.is_finished is False

    @pytest.mark.parametrize("value", [None, "", "  ", [], True])
    def test_missing(self, value: object) -> None:
        assert normalise_task_status(value) == (TaskStatus.UNKNOWN, "UNKNOWN")

    def test_terminal_statuses(self) -> None:
        terminal = {status for status in TaskStatus if status.is_terminal}
        assert terminal == {TaskStatus.SUCCESS, TaskStatus.FAILURE}


class TestIsFinished:
    def test_finish_time_alone_finishes(self) -> None:
        task = parse_task(
            {"task_id": "x", "status": "PROCESSING", "finish_time": shapes.FINISH_TIME}
        )
        assert task.is_finished is True
        assert task.finished_at == FINISHED

    @pytest.mark.parametrize("finish_time", [0, None, "0", -1])
    def test_in_progress_without_finish_time(self, finish_time: object) -> None:
        task = parse_task({"task_id": "x", "status": "IN_PROGRESS", "finish_time": finish_time})
        assert task.is_finished is False

    @pytest.mark.parametrize("status", ["SUCCESS", "FAILURE", "failed"])
    def test_terminal_status_without_finish_time(self, status: str) -> None:
        assert parse_task({"task_id": "x", "status": status, "finish_time": 0}).is_finished


class TestClipStatus:
    @pytest.mark.parametrize(
        ("value", "status"),
        [
            ("submitted", ClipStatus.SUBMITTED),
            ("queued", ClipStatus.QUEUED),
            ("streaming", ClipStatus.STREAMING),
            ("complete", ClipStatus.COMPLETE),
            ("error", ClipStatus.ERROR),
            ("ERROR", ClipStatus.ERROR),
            ("failed", ClipStatus.ERROR),
            ("failure", ClipStatus.ERROR),
        ],
    )
    def test_known(self, value: str, status: ClipStatus) -> None:
        assert normalise_clip_status(value) == (status, status.value)

    def test_unknown_kept(self) -> None:
        assert normalise_clip_status("Uploading") == (ClipStatus.UNKNOWN, "uploading")

    def test_missing(self) -> None:
        assert normalise_clip_status(None) == (ClipStatus.UNKNOWN, "unknown")


class TestKind:
    def test_lyrics_action_with_clip_list_is_music(self) -> None:
        payload = shapes.success_task()
        payload["action"] = "LYRICS"
        task = parse_task(payload)
        assert task.kind is TaskKind.MUSIC
        assert task.clips_done == 2
        assert task.lyrics is None

    def test_empty_action_with_clip_list_is_music(self) -> None:
        payload = shapes.streaming_task()
        payload["action"] = ""
        assert parse_task(payload).kind is TaskKind.MUSIC

    @pytest.mark.parametrize(
        ("action", "data", "kind"),
        [
            ("", [], TaskKind.MUSIC),
            ("", {"text": ""}, TaskKind.LYRICS),
            ("", {"lyrics": "x"}, TaskKind.LYRICS),
            ("MUSIC", {"text": "x"}, TaskKind.LYRICS),
            ("", None, TaskKind.UNKNOWN),
            ("", {"title": "x"}, TaskKind.UNKNOWN),
            (" music ", None, TaskKind.MUSIC),
            ("Lyrics", None, TaskKind.LYRICS),
            ("VIDEO", None, TaskKind.UNKNOWN),
        ],
    )
    def test_infer_kind(self, action: str, data: object, kind: TaskKind) -> None:
        assert infer_kind(action, data) is kind

    def test_music_action_with_object_data_has_no_lyrics(self) -> None:
        task = parse_task({"task_id": "x", "action": "MUSIC", "data": {"title": "t"}})
        assert task.kind is TaskKind.MUSIC
        assert task.lyrics is None
        assert task.clips == ()


class TestDataAsJsonString:
    def test_clip_list_as_string(self) -> None:
        payload = shapes.success_task()
        payload["data"] = json.dumps(payload["data"])
        task = parse_task(payload)
        assert task.kind is TaskKind.MUSIC
        assert [clip.id for clip in task.clips] == [shapes.CLIP_ID_1, shapes.CLIP_ID_2]
        assert task.clips_done == 2

    def test_lyrics_object_as_string(self) -> None:
        payload = shapes.lyrics_task(action="")
        payload["data"] = json.dumps(payload["data"], ensure_ascii=False)
        task = parse_task(payload)
        assert task.kind is TaskKind.LYRICS
        assert task.lyrics is not None
        assert task.lyrics.text == shapes.LYRICS_TEXT

    @pytest.mark.parametrize(
        "data", ["[not json", "{", "plain text", pytest.param("[" * 100_000, id="nested-too-deep")]
    )
    def test_broken_string_is_left_alone(self, data: str) -> None:
        task = parse_task({"task_id": "x", "action": "", "data": data})
        assert task.clips == ()
        assert task.lyrics is None
        assert task.kind is TaskKind.UNKNOWN


class TestClipsThatAreNotObjects:
    def test_become_empty_clips(self) -> None:
        payload = shapes.success_task()
        payload["data"] = [None, "x", 3, payload["data"][0], []]
        task = parse_task(payload)
        assert len(task.clips) == 5
        assert [clip.id for clip in task.clips] == ["", "", "", shapes.CLIP_ID_1, ""]
        assert task.clips[0] == Clip(id="")
        assert task.clips[0].raw == {}
        assert task.clips_done == 1
        assert task.title == shapes.TITLE

    def test_metadata_not_an_object(self) -> None:
        clip = shapes.complete_clip()
        clip["metadata"] = "oops"
        parsed = parse_clip(clip)
        assert parsed.duration is None
        assert parsed.tags == ()
        assert parsed.status is ClipStatus.COMPLETE


class TestProgress:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("0%", 0),
            ("57%", 57),
            ("100%", 100),
            (" 42 % ", 42),
            ("57", 57),
            ("57.6%", 58),
            (57, 57),
            (12.4, 12),
            (0, 0),
            (100, 100),
        ],
    )
    def test_read(self, value: object, expected: int) -> None:
        assert parse_progress(value) == expected

    @pytest.mark.parametrize(
        "value",
        [
            None,
            "",
            "%",
            "junk",
            "N/A",
            "101%",
            "-1%",
            "nan%",
            "inf",
            True,
            False,
            [50],
            150,
            pytest.param(10**400, id="int-too-large-for-a-float"),
        ],
    )
    def test_junk(self, value: object) -> None:
        assert parse_progress(value) is None

    def test_on_task(self) -> None:
        payload = shapes.streaming_task()
        payload["progress"] = "57%"
        task = parse_task(payload)
        assert (task.reported_progress, task.progress_text) == (57, "57%")
        payload["progress"] = "junk"
        task = parse_task(payload)
        assert (task.reported_progress, task.progress_text) == (None, "junk")


class TestTags:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("synthwave, dreamy, female vocals", ("synthwave", "dreamy", "female vocals")),
            ("k-pop", ("k-pop",)),
            (" lofi ,, ,chill, ", ("lofi", "chill")),
            (["a", " b ", "", 3, None], ("a", "b")),
            ("", ()),
            (None, ()),
            (42, ()),
            ({"a": 1}, ()),
        ],
    )
    def test_string_or_list(self, value: object, expected: tuple[str, ...]) -> None:
        clip = shapes.complete_clip()
        clip["metadata"]["tags"] = value
        assert parse_clip(clip).tags == expected

    def test_task_tags_from_first_clip_with_tags(self) -> None:
        payload = shapes.success_task()
        payload["data"][0]["metadata"]["tags"] = ""
        payload["data"][1]["metadata"]["tags"] = ["b"]
        assert parse_task(payload).tags == ("b",)


class TestDuration:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (120, 120.0),
            (182.64, 182.64),
            ("12.5", 12.5),
            (" 7 ", 7.0),
            (None, None),
            (0, None),
            (0.0, None),
            ("0", None),
            (-3, None),
            ("", None),
            ("long", None),
            (True, None),
            (float("nan"), None),
            (float("inf"), None),
            ("inf", None),
            ([1], None),
            pytest.param(10**400, None, id="int-too-large-for-a-float"),
        ],
    )
    def test_values(self, value: object, expected: float | None) -> None:
        clip = shapes.complete_clip()
        clip["metadata"]["duration"] = value
        assert parse_clip(clip).duration == expected

    def test_int_duration_is_a_float(self) -> None:
        clip = shapes.complete_clip(duration=120)
        assert isinstance(parse_clip(clip).duration, float)


class TestTitle:
    def test_first_clip_with_a_title(self) -> None:
        payload = shapes.success_task()
        payload["data"][0]["title"] = ""
        payload["data"][1]["title"] = "Second"
        assert parse_task(payload).title == "Second"

    def test_no_title_anywhere(self) -> None:
        payload = shapes.success_task()
        for clip in payload["data"]:
            clip["title"] = None
        assert parse_task(payload).title == ""


class TestModel:
    def test_falls_back_to_major_model_version(self) -> None:
        clip = shapes.complete_clip()
        clip["model_name"] = None
        assert parse_clip(clip).model == "v4"


# -- robustness ---------------------------------------------------------------

_json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
)
_json = st.recursive(
    _json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=8,
)
_task_keys = st.sampled_from(
    [
        "task_id",
        "id",
        "action",
        "status",
        "fail_reason",
        "submit_time",
        "start_time",
        "finish_time",
        "progress",
        "data",
    ]
)
_clip_like = st.dictionaries(
    st.sampled_from(
        ["id", "status", "state", "title", "duration", "tags", "created_at", "metadata"]
    ),
    _json,
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(_task_keys, _json | st.lists(_clip_like, max_size=3), max_size=10),
)
def test_any_json_is_a_task_or_a_model_error(payload: dict[str, object]) -> None:
    """Garbage never raises anything but ModelError (the fetch must not crash)."""
    try:
        task = parse_task(payload)
    except ModelError:
        return
    assert task.task_id.strip() == task.task_id != ""
    assert isinstance(task.is_finished, bool)
    assert isinstance(task.title, str)
    assert 0 <= task.clips_done <= len(task.clips)

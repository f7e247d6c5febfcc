"""The clip actions of the relay client against a respx-mocked gateway: the
requests sent, every published answer shape, every refusal in words, and
answers that are not what they should be."""

from __future__ import annotations

import json
import math
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from suno_tui.ids import validate_id
from suno_tui.relay.action_errors import (
    ActionNotOffered,
    ActionRefused,
    ClipAction,
    RefusalReason,
)
from suno_tui.relay.client import RelayClient
from suno_tui.relay.clip_actions import ClipActions
from suno_tui.relay.clip_answers import (
    MAX_WORD_CHARS,
    FileInline,
    FilePending,
    FileReady,
    TimedLyrics,
    TimedWord,
    TimingPending,
    file_answer,
    safe_url,
    timing_answer,
)
from suno_tui.relay.clip_requests import ExtendRequest
from suno_tui.relay.errors import (
    AuthError,
    GatewayError,
    MalformedResponse,
    OutcomeUnknown,
    RateLimited,
)
from suno_tui.relay.submit_requests import SubmitError
from suno_tui.safe_text import clean_text
from tests.fixtures import shapes

BASE = "https://gw.example"
TOKEN = "sk-SECRET-123456"
CLIP = "0f0e0d0c-0000-4000-8000-000000000001"
WAV_URL = f"https://cdn1.suno.ai/{CLIP}.wav"


@pytest.fixture
def gateway() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
async def actions() -> AsyncIterator[ClipActions]:
    async with RelayClient(BASE, TOKEN) as client:
        yield ClipActions(client)


def sent(route: respx.Route) -> Any:
    return json.loads(route.calls.last.request.content)


# -- extend ---------------------------------------------------------------------------


class TestExtend:
    async def test_the_request_carries_the_task_the_clip_and_the_point(
        self, gateway: respx.MockRouter, actions: ClipActions
    ) -> None:
        route = gateway.post("/suno/submit/music").respond(200, json=shapes.envelope("new-1"))
        request = ExtendRequest(
            "task-9", CLIP, 90, prompt="[Verse]\nmore", title="T", tags="pop", model="chirp-v4"
        )
        assert await actions.extend(request) == "new-1"
        assert sent(route) == {
            "task_id": "task-9",
            "continue_clip_id": CLIP,
            "continue_at": 90.0,
            "prompt": "[Verse]\nmore",
            "title": "T",
            "tags": "pop",
            "mv": "chirp-v4",
        }

    async def test_only_what_is_given_is_sent(
        self, gateway: respx.MockRouter, actions: ClipActions
    ) -> None:
        route = gateway.post("/suno/submit/music").respond(200, json=shapes.envelope("new-1"))
        await actions.extend(ExtendRequest("task-9", CLIP, 12.5))
        assert sent(route) == {"task_id": "task-9", "continue_clip_id": CLIP, "continue_at": 12.5}

    @pytest.mark.parametrize(
        ("request_", "words"),
        [
            (ExtendRequest("", CLIP, 30), "task that made this clip"),
            (ExtendRequest("t", "", 30), "no clip"),
            (ExtendRequest("t", "a b", 30), "clip id cannot be sent"),
            (ExtendRequest("t", CLIP, 0), "after the start"),
            (ExtendRequest("t", CLIP, -3), "after the start"),
            (ExtendRequest("t", CLIP, math.nan), "after the start"),
            (ExtendRequest("t", CLIP, math.inf), "after the start"),
            (
                ExtendRequest("t", CLIP, 200.5, clip_duration=187.0),
                "past the end of the clip (3:07)",
            ),
        ],
    )
    async def test_a_request_that_cannot_be_right_is_refused_before_sending(
        self,
        gateway: respx.MockRouter,
        actions: ClipActions,
        request_: ExtendRequest,
        words: str,
    ) -> None:
        route = gateway.post("/suno/submit/music").respond(200, json=shapes.envelope("x"))
        with pytest.raises(SubmitError, match=re.escape(words)):
            await actions.extend(request_)
        assert route.call_count == 0

    async def test_the_end_of_the_clip_itself_is_allowed(
        self, gateway: respx.MockRouter, actions: ClipActions
    ) -> None:
        gateway.post("/suno/submit/music").respond(200, json=shapes.envelope("x"))
        assert await actions.extend(ExtendRequest("t", CLIP, 187.0, clip_duration=187.0)) == "x"

    @pytest.mark.parametrize(
        ("body", "reason", "words"),
        [
            (
                shapes.task_error("task_not_exist", "task_origin_not_exist"),
                RefusalReason.ORIGIN_TASK_UNKNOWN,
                "does not know the task that made this clip",
            ),
            (
                shapes.task_error("invalid_request", "task id is empty"),
                RefusalReason.TASK_ID_MISSING,
                "needs the id of the task that made this clip",
            ),
            (
                shapes.task_error("invalid_request", "continue_at out of range"),
                RefusalReason.OTHER,
                "continue_at out of range",
            ),
        ],
    )
    async def test_refusals_say_what_happened(
        self,
        gateway: respx.MockRouter,
        actions: ClipActions,
        body: dict[str, Any],
        reason: RefusalReason,
        words: str,
    ) -> None:
        gateway.post("/suno/submit/music").respond(400, json=body)
        with pytest.raises(ActionRefused) as caught:
            await actions.extend(ExtendRequest("t", CLIP, 30))
        assert caught.value.reason is reason
        assert caught.value.action is ClipAction.EXTEND
        assert words in str(caught.value)

    async def test_an_unknown_outcome_is_never_sent_again(
        self, gateway: respx.MockRouter, actions: ClipActions
    ) -> None:
        route = gateway.post("/suno/submit/music").respond(502, text="<html>bad gateway</html>")
        with pytest.raises(OutcomeUnknown):
            await actions.extend(ExtendRequest("t", CLIP, 30))
        assert route.call_count == 1

    @pytest.mark.parametrize(
        "answer",
        [
            httpx.Response(403, json=shapes.task_error("quota_not_enough", "用户额度不足")),
            httpx.Response(404, text="404 page not found"),
        ],
    )
    async def test_quota_and_a_missing_music_route_are_not_refusals_of_the_extension(
        self, gateway: respx.MockRouter, actions: ClipActions, answer: httpx.Response
    ) -> None:
        gateway.post("/suno/submit/music").mock(return_value=answer)
        with pytest.raises(GatewayError) as caught:
            await actions.extend(ExtendRequest("t", CLIP, 30))
        assert not isinstance(caught.value, ActionRefused | ActionNotOffered)

    async def test_a_5xx_is_the_gateways_trouble_not_a_refusal(
        self, gateway: respx.MockRouter, actions: ClipActions
    ) -> None:
        gateway.post("/suno/submit/music").respond(
            500, json=shapes.task_error("do_request_failed", "upstream error")
        )
        with pytest.raises(GatewayError) as caught:
            await actions.extend(ExtendRequest("t", CLIP, 30))
        assert not isinstance(caught.value, ActionRefused)


# -- concat -----------------------------------------------------------------------------


class TestConcat:
    async def test_concat(self, gateway: respx.MockRouter, actions: ClipActions) -> None:
        route = gateway.post("/suno/submit/concat").respond(200, json=shapes.envelope("c-1"))
        other = gateway.post("/suno/submit/music/concat")
        assert await actions.concat(CLIP) == "c-1"
        assert sent(route) == {"clip_id": CLIP, "is_infill": False}
        assert other.call_count == 0

    async def test_the_other_spelling_after_an_outright_refusal(
        self, gateway: respx.MockRouter, actions: ClipActions
    ) -> None:
        gateway.post("/suno/submit/concat").respond(
            400, json=shapes.task_error("invalid_request", "invalid_action")
        )
        route = gateway.post("/suno/submit/music/concat").respond(200, json=shapes.envelope("c-2"))
        assert await actions.concat(CLIP) == "c-2"
        assert route.call_count == 1

    async def test_stock_gateways_do_not_offer_it(
        self, gateway: respx.MockRouter, actions: ClipActions
    ) -> None:
        first = gateway.post("/suno/submit/concat").respond(
            400, json=shapes.task_error("invalid_request", "invalid_action")
        )
        second = gateway.post("/suno/submit/music/concat").respond(404, text="404 page not found")
        with pytest.raises(ActionNotOffered) as caught:
            await actions.concat(CLIP)
        assert caught.value.action is ClipAction.CONCAT
        assert str(caught.value).startswith("this gateway does not offer the full song (concat)")
        assert (first.call_count, second.call_count) == (1, 1)

    @pytest.mark.parametrize(
        "answer",
        [
            httpx.Response(400, json=shapes.task_error("invalid_request", "clip not found")),
            httpx.Response(504, text="gateway timeout"),
        ],
    )
    async def test_no_second_request_after_a_refusal_or_an_unknown_outcome(
        self, gateway: respx.MockRouter, actions: ClipActions, answer: httpx.Response
    ) -> None:
        gateway.post("/suno/submit/concat").mock(return_value=answer)
        second = gateway.post("/suno/submit/music/concat")
        with pytest.raises((ActionRefused, OutcomeUnknown)):
            await actions.concat(CLIP)
        assert second.call_count == 0


# -- WAV and MP4 -----------------------------------------------------------------------


class TestFiles:
    @pytest.mark.parametrize(
        "payload",
        [
            {"code": "success", "data": WAV_URL, "message": ""},
            {"code": "success", "data": {"wav_file_url": WAV_URL}},
            {"code": 200, "data": {"url": WAV_URL}},
            {"success": True, "data": WAV_URL},
            {"success": True, "data": {"wav_file_url": WAV_URL}},
        ],
    )
    async def test_the_published_shapes_of_a_link(
        self, gateway: respx.MockRouter, actions: ClipActions, payload: dict[str, Any]
    ) -> None:
        route = gateway.get(f"/suno/act/wav/{CLIP}").respond(200, json=payload)
        assert await actions.wav(CLIP) == FileReady(WAV_URL)
        assert route.calls.last.request.headers["Authorization"] == f"Bearer {TOKEN}"

    @pytest.mark.parametrize(
        ("data", "job"),
        [
            ("3f2c9a1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", "3f2c9a1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"),
            ({"id": "job-7"}, "job-7"),
            (None, ""),
        ],
    )
    async def test_still_being_made(
        self, gateway: respx.MockRouter, actions: ClipActions, data: object, job: str
    ) -> None:
        gateway.get(f"/suno/act/wav/{CLIP}").respond(200, json=shapes.envelope(data))
        assert await actions.wav(CLIP) == FilePending(job)

    async def test_mp4(self, gateway: respx.MockRouter, actions: ClipActions) -> None:
        url = f"https://cdn1.suno.ai/{CLIP}.mp4"
        gateway.get(f"/suno/act/mp4/{CLIP}").respond(
            200, json=shapes.envelope({"mp4_file_url": url})
        )
        assert await actions.mp4(CLIP) == FileReady(url)

    @pytest.mark.parametrize(
        "data",
        [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://cdn.example/a b.wav",
            "https://cdn.example/\x1b[31m.wav",
            {"wav_file_url": "ftp://cdn.example/x.wav"},
            {"wav_file_url": "https://"},
            {"other": 1},
            ["https://cdn.example/x.wav"],
            "x" * 5000,
        ],
    )
    async def test_only_http_links_are_taken(
        self, gateway: respx.MockRouter, actions: ClipActions, data: object
    ) -> None:
        gateway.get(f"/suno/act/wav/{CLIP}").respond(200, json=shapes.envelope(data))
        with pytest.raises(MalformedResponse):
            await actions.wav(CLIP)

    async def test_the_audio_itself_is_left_to_the_download_path(
        self, gateway: respx.MockRouter
    ) -> None:
        audio = b"RIFF" + b"\x00" * 4 + b"WAVE" + b"\x01" * 5000
        route = gateway.get(f"/suno/act/wav/{CLIP}")
        async with RelayClient(BASE, TOKEN) as client:
            small = ClipActions(client, max_answer_bytes=1000)
            route.respond(200, content=audio, headers={"Content-Type": "audio/wav"})
            assert await small.wav(CLIP) == FileInline(f"{BASE}/suno/act/wav/{CLIP}")
            route.respond(200, content=audio[:500])  # no type, but the RIFF magic
            assert await small.wav(CLIP) == FileInline(f"{BASE}/suno/act/wav/{CLIP}")
            route.respond(200, content=b"{" * 5000, headers={"Content-Type": "application/json"})
            with pytest.raises(MalformedResponse, match="limit"):
                await small.wav(CLIP)

    @pytest.mark.parametrize(
        "answer",
        [
            httpx.Response(404, text="404 page not found"),
            httpx.Response(404, html="<!doctype html><title>New API</title>"),
            httpx.Response(200, html="<!doctype html><title>New API</title><div id=root>"),
            httpx.Response(
                404, json=shapes.openai_error("Invalid URL (GET /suno/act/wav/x)", error_type="x")
            ),
            httpx.Response(405, text="method not allowed"),
        ],
    )
    async def test_a_gateway_without_the_route(
        self, gateway: respx.MockRouter, actions: ClipActions, answer: httpx.Response
    ) -> None:
        gateway.get(f"/suno/act/wav/{CLIP}").mock(return_value=answer)
        with pytest.raises(ActionNotOffered, match=r"^this gateway does not offer WAV") as caught:
            await actions.wav(CLIP)
        assert caught.value.action is ClipAction.WAV

    @pytest.mark.parametrize(
        ("answer", "reason"),
        [
            (
                httpx.Response(400, json=shapes.task_error("invalid_request", "clip not found")),
                RefusalReason.CLIP_UNKNOWN,
            ),
            (
                httpx.Response(404, json=shapes.task_error("clip_not_found", "no such clip")),
                RefusalReason.CLIP_UNKNOWN,
            ),
            (
                httpx.Response(
                    400, json=shapes.task_error("invalid_request", "the clip is not complete yet")
                ),
                RefusalReason.CLIP_NOT_READY,
            ),
            (
                httpx.Response(200, json={"success": False, "message": "wav quota used up"}),
                RefusalReason.OTHER,
            ),
            (
                httpx.Response(200, json={"code": "error", "message": "still processing"}),
                RefusalReason.CLIP_NOT_READY,
            ),
        ],
    )
    async def test_refusals_of_this_clip(
        self,
        gateway: respx.MockRouter,
        actions: ClipActions,
        answer: httpx.Response,
        reason: RefusalReason,
    ) -> None:
        gateway.get(f"/suno/act/wav/{CLIP}").mock(return_value=answer)
        with pytest.raises(ActionRefused) as caught:
            await actions.wav(CLIP)
        assert caught.value.reason is reason

    async def test_other_errors_keep_their_types_and_the_key_is_redacted(
        self, gateway: respx.MockRouter, actions: ClipActions
    ) -> None:
        route = gateway.get(f"/suno/act/wav/{CLIP}")
        route.respond(401, json=shapes.openai_error(f"bad token {TOKEN}"))
        with pytest.raises(AuthError) as auth:
            await actions.wav(CLIP)
        assert TOKEN not in str(auth.value)
        route.respond(429, headers={"Retry-After": "3"}, json=shapes.openai_error("slow down"))
        with pytest.raises(RateLimited):
            await actions.wav(CLIP)
        route.respond(500, json=shapes.task_error("do_request_failed", "upstream"))
        with pytest.raises(GatewayError) as server:
            await actions.wav(CLIP)
        assert not isinstance(server.value, ActionRefused)
        route.respond(403, json=shapes.task_error("quota_not_enough", "用户额度不足"))
        with pytest.raises(GatewayError) as quota:
            await actions.wav(CLIP)
        assert not isinstance(quota.value, ActionRefused) and quota.value.status == 403
        route.respond(400, json=shapes.task_error("invalid_request", f"key {TOKEN} refused"))
        with pytest.raises(ActionRefused) as refused:
            await actions.wav(CLIP)
        assert TOKEN not in str(refused.value) and "***" in str(refused.value)
        route.respond(200, text='{"code": "success", "da')
        with pytest.raises(MalformedResponse, match="truncated"):
            await actions.wav(CLIP)

    async def test_a_clip_id_that_cannot_go_in_a_path_is_not_sent(
        self, gateway: respx.MockRouter, actions: ClipActions
    ) -> None:
        route = gateway.get(url__regex=r".*")
        with pytest.raises(SubmitError):
            await actions.wav("../../v1/models")
        assert route.call_count == 0


# -- timing ------------------------------------------------------------------------------

WORDS = [
    {"word": "[Verse]\nWinter ", "success": True, "start_s": 8.38, "end_s": 8.78, "p_align": 0.98},
    {"word": "deep\n", "success": True, "start_s": 9.1, "end_s": 9.6, "p_align": 0.9},
]
TIMING = {"aligned_words": WORDS, "waveform_data": [0.1, 0.5], "hoot_cer": 0.03}
EXPECTED = TimedLyrics(
    (
        TimedWord("[Verse]\nWinter ", 8.38, 8.78, True, 0.98),
        TimedWord("deep\n", 9.1, 9.6, True, 0.9),
    ),
    (0.1, 0.5),
)


class TestTiming:
    @pytest.mark.parametrize(
        "payload",
        [
            TIMING,
            {"success": True, "data": TIMING},
            {"code": "success", "message": "", "data": TIMING},
        ],
    )
    async def test_every_envelope(
        self, gateway: respx.MockRouter, actions: ClipActions, payload: dict[str, Any]
    ) -> None:
        gateway.get(f"/suno/act/timing/{CLIP}").respond(200, json=payload)
        assert await actions.timing(CLIP) == EXPECTED

    async def test_pending(self, gateway: respx.MockRouter, actions: ClipActions) -> None:
        gateway.get(f"/suno/act/timing/{CLIP}").respond(200, json=shapes.envelope("job-1"))
        assert await actions.timing(CLIP) == TimingPending("job-1")

    async def test_untrusted_values(self, gateway: respx.MockRouter, actions: ClipActions) -> None:
        words: list[object] = [
            {"word": "a\x1b]52;c;aGk=\x07b\u202e ", "start_s": "NaN", "end_s": -1},
            {"word": "c ", "start_s": -0.5, "end_s": 2.0, "success": False, "p_align": 7},
            {"word": "d ", "start_s": 5.0, "end_s": 4.0},
            {"word": "e ", "start_s": 1e300},
            {"word": 5, "start_s": 1},
            "not a word",
            {"word": "", "start_s": 1},
            {"word": "x" * 1000, "start_s": 3.0, "end_s": "3.5"},
        ]
        payload = {"aligned_words": words, "waveform_data": [0.1, "NaN", None, "0.3", True]}
        gateway.get(f"/suno/act/timing/{CLIP}").respond(
            200, content=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
        )
        result = await actions.timing(CLIP)
        assert isinstance(result, TimedLyrics)
        assert result.words[:4] == (
            TimedWord("ab ", None, None, True, None),
            TimedWord("c ", None, 2.0, False, None),
            TimedWord("d ", 5.0, None, True, None),
            TimedWord("e ", None, None, True, None),
        )
        assert result.words[4] == TimedWord("x" * 200, 3.0, 3.5, True, None)
        assert len(result.words) == 5
        assert result.waveform == (0.1, 0.3)

    async def test_bounded(self, gateway: respx.MockRouter, actions: ClipActions) -> None:
        words = [{"word": "la ", "start_s": i / 10, "end_s": i / 10 + 0.05} for i in range(6000)]
        gateway.get(f"/suno/act/timing/{CLIP}").respond(
            200, json={"aligned_words": words, "waveform_data": [0.5] * 30_000}
        )
        result = await actions.timing(CLIP)
        assert isinstance(result, TimedLyrics)
        assert len(result.words) == 5000 and len(result.waveform) == 20_000
        assert result.truncated

    @pytest.mark.parametrize(
        "payload", [{"waveform_data": []}, {"aligned_words": "a b"}, [1, 2], "not an id"]
    )
    async def test_not_the_aligned_lyrics(
        self, gateway: respx.MockRouter, actions: ClipActions, payload: object
    ) -> None:
        gateway.get(f"/suno/act/timing/{CLIP}").respond(200, json=shapes.envelope(payload))
        with pytest.raises(MalformedResponse):
            await actions.timing(CLIP)

    async def test_stock_gateways_do_not_offer_it(
        self, gateway: respx.MockRouter, actions: ClipActions
    ) -> None:
        gateway.get(f"/suno/act/timing/{CLIP}").respond(404, text="404 page not found")
        with pytest.raises(ActionNotOffered, match="does not offer timed lyrics"):
            await actions.timing(CLIP)


# -- any answer at all --------------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)
_WORD = st.fixed_dictionaries(
    {},
    optional={
        "word": st.text(max_size=300) | _JSON,
        "start_s": st.floats() | st.text(max_size=5) | _JSON,
        "end_s": st.floats() | _JSON,
        "success": st.booleans() | _JSON,
        "p_align": st.floats() | _JSON,
    },
)


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(_WORD | _JSON, max_size=30),
    waveform=st.lists(st.floats() | _JSON, max_size=30) | _JSON,
)
def test_any_timing_answer_reads_safely(words: list[object], waveform: object) -> None:
    result = timing_answer({"aligned_words": words, "waveform_data": waveform})
    assert isinstance(result, TimedLyrics)
    for word in result.words:
        assert 0 < len(word.text) <= MAX_WORD_CHARS
        assert clean_text(word.text, multiline=True) == word.text
        for time in (word.start, word.end):
            assert time is None or (math.isfinite(time) and 0 <= time <= 86_400)
        if word.start is not None and word.end is not None:
            assert word.start <= word.end
        assert word.confidence is None or 0 <= word.confidence <= 1
    assert all(math.isfinite(point) for point in result.waveform)


@settings(max_examples=150, deadline=None)
@given(data=_JSON)
def test_any_file_answer_is_a_link_an_id_or_malformed(data: object) -> None:
    try:
        answer = file_answer(data, ("wav_file_url",))
    except MalformedResponse:
        return
    if isinstance(answer, FileReady):
        assert urlsplit(answer.url).scheme.lower() in ("http", "https")
        assert safe_url(answer.url) == answer.url
    else:
        assert isinstance(answer, FilePending)
        assert answer.job_id == "" or validate_id(answer.job_id) == answer.job_id

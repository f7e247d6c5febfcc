"""The simulated gateway's task endpoints: ``POST /suno/fetch``,
``GET /suno/fetch/{id}``, ``POST /suno/submit/music`` and ``/suno/submit/lyrics``
(the caller has authenticated the request and names its user)."""

from __future__ import annotations

import json
import random
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from suno_tui.simulator import responses as r
from suno_tui.simulator.http import Request, Response
from suno_tui.simulator.lifecycle import Scenario, render_task
from suno_tui.simulator.tasks import TaskRequest

if TYPE_CHECKING:
    from suno_tui.simulator.server import Simulator

_STRING_FIELDS = (
    "prompt",
    "mv",
    "title",
    "tags",
    "gpt_description_prompt",
    "continue_clip_id",
    "task_id",
)


class TaskEndpoints:
    def __init__(self, sim: Simulator) -> None:
        self._sim = sim

    def fetch(self, request: Request, user: str) -> Response:
        sim = self._sim
        body = _json_object(request.body)
        if body is None:
            return _invalid("invalid request body: expected a JSON object")
        ids = body.get("ids")
        if ids is None:
            ids = []
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            return _invalid("ids must be an array of strings")
        action = body.get("action")
        if action is not None and not isinstance(action, str):
            return _invalid("action must be a string")
        if not ids:
            return r.success([])
        tasks = sim.tasks.find(ids, user)
        if sim.result_order == "shuffled":
            order = random.Random(f"{sim.seed}:order:{sim.stats.total_requests}")  # noqa: S311
            order.shuffle(tasks)
        if sim.max_rows is not None:
            tasks = tasks[: sim.max_rows]
        options = sim.render_options()
        rows = [render_task(task, sim.observed_at(task), sim.links, options) for task in tasks]
        return r.success(rows or None)  # none matched: null, not []

    def fetch_one(self, request: Request, user: str) -> Response:
        sim = self._sim
        task_id = unquote(request.path[len("/suno/fetch/") :])
        task = sim.tasks.get(task_id, user)
        if task is None:
            return r.task_error(400, "task_not_exist", "task_not_exist")
        return r.success(render_task(task, sim.observed_at(task), sim.links, sim.render_options()))

    def submit_music(self, request: Request, user: str) -> Response:
        sim = self._sim
        body = _json_object(request.body)
        if body is None:
            return _invalid("invalid request body: expected a JSON object")
        for name in _STRING_FIELDS:
            if body.get(name) is not None and not isinstance(body[name], str):
                return _invalid(f"{name} must be a string")
        instrumental = body.get("make_instrumental")
        if instrumental is not None and not isinstance(instrumental, bool):
            return _invalid("make_instrumental must be a boolean")
        continue_at = body.get("continue_at")
        if continue_at is not None and (
            isinstance(continue_at, bool) or not isinstance(continue_at, int | float)
        ):
            return _invalid("continue_at must be a number")
        prompt: str = body.get("prompt") or ""
        description: str = body.get("gpt_description_prompt") or ""
        if not prompt and not description:
            return _invalid("prompt is required")
        continue_clip_id = body.get("continue_clip_id") or None
        if continue_clip_id and continue_at is None:
            return _invalid("continue_at is required with continue_clip_id")
        if sim.quota_exhausted or not sim.ledger.can_pay("music"):
            return r.task_error(403, "quota_not_enough", "用户额度不足")
        custom = bool(prompt)
        task_request = TaskRequest(
            scenario=sim.submit_scenario,
            user=user,
            # custom mode keeps what was sent (even ""); description mode invents them
            title=body.get("title") or ("" if custom else None),
            tags=body.get("tags") or ("" if custom else None),
            prompt=prompt if custom else None,
            gpt_description_prompt=description,
            mv=body.get("mv") or "chirp-v4",
            make_instrumental=bool(instrumental),
            continue_clip_id=continue_clip_id,
            continue_at=None if continue_at is None else float(continue_at),
        )
        task_id = sim.create(task_request, sim.clock.now())
        sim.ledger.charge("music")
        return r.success(task_id)

    def submit_lyrics(self, request: Request, user: str) -> Response:
        sim = self._sim
        body = _json_object(request.body)
        if body is None:
            return _invalid("invalid request body: expected a JSON object")
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            return _invalid("prompt is required")
        if sim.quota_exhausted or not sim.ledger.can_pay("lyrics"):
            return r.task_error(403, "quota_not_enough", "用户额度不足")
        task_request = TaskRequest(scenario=Scenario.LYRICS, user=user, prompt=prompt)
        task_id = sim.create(task_request, sim.clock.now())
        sim.ledger.charge("lyrics")
        return r.success(task_id)


def _invalid(message: str) -> Response:
    return r.task_error(400, "invalid_request", message)


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None

"""The simulated gateway's task endpoints: ``POST /suno/fetch``,
``GET /suno/fetch/{id}``, ``POST /suno/submit/music`` and ``/suno/submit/lyrics``
(the caller has authenticated the request and names its user), with stock
new-api's checks and refusals (docs/gateway.md, "Acting on a clip"): any other
``/suno/submit/{action}`` is ``invalid_action``; an extension needs the
``task_id`` of the task that made the clip."""

from __future__ import annotations

import json
import random
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from suno_tui.simulator import responses as r
from suno_tui.simulator.http import Request, Response
from suno_tui.simulator.lifecycle import HistoryEntry, Scenario, SimTask
from suno_tui.simulator.lineage import Parent, extension_history
from suno_tui.simulator.render import render_task
from suno_tui.simulator.tasks import TaskRequest

if TYPE_CHECKING:
    from suno_tui.simulator.server import Simulator

# new-api's music submit struct: its string fields (omitted when empty)
_STRING_FIELDS = (
    "gpt_description_prompt",
    "prompt",
    "mv",
    "title",
    "tags",
    "task_id",
    "continue_clip_id",
    "model",
)
#: what new-api puts in ``mv`` when it is missing
DEFAULT_MV = "chirp-v3-0"


class TaskEndpoints:
    def __init__(self, sim: Simulator) -> None:
        self._sim = sim

    def fetch(self, request: Request, user: str) -> Response:
        sim = self._sim
        body = json_object(request.body)
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
        """new-api's music submit: the checks it makes, in its order, then the
        body re-encoded as it relays it upstream (``Simulator.relayed``)."""
        sim = self._sim
        body = json_object(request.body)
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
        relayed = relayed_music_body(body)
        continue_clip_id = relayed.get("continue_clip_id")
        parent: Parent | None = None
        if continue_clip_id:
            if not relayed.get("task_id"):
                return _invalid("task id is empty")
            origin = sim.tasks.get(relayed["task_id"], user)
            if origin is None:
                return r.task_error(400, "task_not_exist", "task_origin_not_exist")
            parent = _clip_of(origin, continue_clip_id)
        prompt: str = relayed.get("prompt", "")
        description: str = relayed.get("gpt_description_prompt", "")
        if sim.quota_exhausted or not sim.ledger.can_pay("music"):
            return r.task_error(403, "quota_not_enough", "用户额度不足")
        sim.relay_upstream(relayed)
        # Upstream's own refusals (the gateway has charged nothing yet).
        if not prompt and not description and not continue_clip_id:
            return _invalid("prompt is required")  # an extension may be instrumental
        custom = bool(prompt)
        history: tuple[HistoryEntry, ...] = ()
        if continue_clip_id:
            if parent is None:  # a clip upstream does not know: the job fails there
                return r.task_error(500, "fail_to_fetch_task", "upstream: clip not found")
            history = extension_history(parent, relayed.get("continue_at"))
        task_request = TaskRequest(
            scenario=sim.submit_scenario,
            user=user,
            # custom mode keeps what was sent (even ""); description mode invents them
            title=relayed.get("title") or ("" if custom else None),
            tags=relayed.get("tags") or ("" if custom else None),
            prompt=prompt if custom else None,
            gpt_description_prompt=description,
            mv=relayed["mv"],
            make_instrumental=relayed["make_instrumental"],
            history=history,
        )
        task_id = sim.create(task_request, sim.clock.now())
        sim.ledger.charge("music")
        return r.success(task_id)

    def submit_lyrics(self, request: Request, user: str) -> Response:
        sim = self._sim
        body = json_object(request.body)
        if body is None:
            return _invalid("invalid request body: expected a JSON object")
        prompt = body.get("prompt")
        if prompt is not None and not isinstance(prompt, str):
            return _invalid("prompt must be a string")
        if not prompt:
            return _invalid("prompt_empty")  # new-api's own check
        if not prompt.strip():
            return _invalid("prompt is required")  # upstream's
        if sim.quota_exhausted or not sim.ledger.can_pay("lyrics"):
            return r.task_error(403, "quota_not_enough", "用户额度不足")
        task_request = TaskRequest(scenario=Scenario.LYRICS, user=user, prompt=prompt)
        task_id = sim.create(task_request, sim.clock.now())
        sim.ledger.charge("lyrics")
        return r.success(task_id)

    def submit_other(self, request: Request) -> Response:
        """``/suno/submit/{action}`` for an action the gateway does not relay."""
        if json_object(request.body) is None:
            return _invalid("invalid request body: expected a JSON object")
        return _invalid("invalid_action")


def relayed_music_body(body: dict[str, Any]) -> dict[str, Any]:
    """The body as new-api re-encodes it from its struct: its fields only
    (any other is dropped), empty strings and a zero ``continue_at`` left out,
    ``mv`` defaulted, the booleans always sent."""
    relayed: dict[str, Any] = {
        name: value for name in _STRING_FIELDS if isinstance(value := body.get(name), str) and value
    }
    relayed.setdefault("mv", DEFAULT_MV)
    continue_at = body.get("continue_at")
    if isinstance(continue_at, int | float) and not isinstance(continue_at, bool) and continue_at:
        relayed["continue_at"] = float(continue_at)
    relayed["make_instrumental"] = body.get("make_instrumental") is True
    relayed["instrumental"] = body.get("instrumental") is True
    relayed["customMode"] = body.get("customMode") is True
    callback = body.get("callBackUrl")
    relayed["callBackUrl"] = callback if isinstance(callback, str) else ""
    return relayed


def _clip_of(task: SimTask, clip_id: str) -> Parent | None:
    for clip in task.clips:
        if clip.id == clip_id:
            return Parent(task, clip)
    return None


def _invalid(message: str) -> Response:
    return r.task_error(400, "invalid_request", message)


def json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None

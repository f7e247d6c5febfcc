"""The simulated gateway's account endpoints (docs/gateway.md).

- ``GET /api/task/self``: the account's task log, as new-api (``p`` from 1,
  ``page_size`` cut to 100, ``New-Api-User`` header), an old new-api build
  (a bare array, ``p`` from 0, 10 per page) or one-hub (``page``/``size``,
  size over 100 refused, integer progress, no user header). A bad access
  token is refused with HTTP 200 and ``success: false``; a missing or wrong
  user header with 401. Limited to 360 requests per 180 s (429, empty body).
- ``GET /dashboard/billing/subscription`` and ``/dashboard/billing/usage``
  (also under ``/v1``) with the API key: the key's quota in USD.
- ``GET /api/usage/token/`` (new-api only): ``code: true`` envelope, 301
  without the trailing slash, 20 requests per 20 minutes (429, empty body).

Everything is timed by the simulator's clock.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from suno_tui.simulator import responses as r
from suno_tui.simulator.http import Request, Response
from suno_tui.simulator.lifecycle import SimTask

if TYPE_CHECKING:
    from suno_tui.simulator.server import Simulator

AccountFlavour = Literal["new-api", "new-api-legacy", "one-hub"]
ACCOUNT_FLAVOURS: tuple[AccountFlavour, ...] = ("new-api", "new-api-legacy", "one-hub")

QUOTA_PER_USD = 500_000
UNLIMITED_USD = 100_000_000
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 10
LEGACY_PAGE_SIZE = 10

# (English, Chinese): new-api answers in English unless asked for Chinese
_MESSAGES = {
    "no_auth": (
        "Unauthorized, not logged in and no access token provided",
        "无权进行此操作，未登录且未提供 access token",
    ),
    "bad_token": ("Unauthorized, invalid access token", "无权进行此操作，access token 无效"),
    "no_user": ("Unauthorized, New-Api-User not provided", "无权进行此操作，未提供 New-Api-User"),
    "bad_user": (
        "Unauthorized, New-Api-User format error",
        "无权进行此操作，New-Api-User 格式错误",
    ),
    "wrong_user": (
        "Unauthorized, New-Api-User does not match the logged-in user",
        "无权进行此操作，New-Api-User 与登录用户不匹配",
    ),
}


class RateWindow:
    """A sliding-window limit: at most ``limit`` requests in any ``window`` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._times: deque[float] = deque()

    def allow(self, now: float) -> bool:
        while self._times and now - self._times[0] >= self.window:
            self._times.popleft()
        if len(self._times) >= self.limit:
            return False
        self._times.append(now)
        return True

    def reset(self) -> None:
        self._times.clear()


@dataclass
class Ledger:
    """The API key's quota in new-api's raw units (500,000 per USD)."""

    granted: int | None = 25 * QUOTA_PER_USD  # None: an unlimited key
    used: int = 0
    #: what one-hub shows for an unlimited key: the user's own quota
    user_quota: int = 40 * QUOTA_PER_USD
    expires_at: int = 0  # unix seconds; 0: never
    prices: dict[str, int] = field(
        default_factory=lambda: {"music": QUOTA_PER_USD // 10, "lyrics": QUOTA_PER_USD // 100}
    )

    @property
    def remaining(self) -> int | None:
        return None if self.granted is None else max(self.granted - self.used, 0)

    def can_pay(self, kind: str) -> bool:
        remaining = self.remaining
        return remaining is None or remaining >= self.prices.get(kind, 0)

    def charge(self, kind: str) -> None:
        self.used += self.prices.get(kind, 0)


def _json(status: int, payload: Any) -> Response:
    return r.json_response(status, payload)


def _refusal(status: int, message: str) -> Response:
    return _json(status, {"success": False, "message": message})


def _empty(status: int) -> Response:
    return Response(status, {"Content-Type": "text/plain; charset=utf-8"}, b"")


def _int_param(request: Request, name: str, default: int) -> int:
    text = request.query.get(name, "")
    try:
        return int(text)
    except ValueError:
        return default


class AccountEndpoints:
    """The account routes of one Simulator (it owns the state; this answers)."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.api_limit = RateWindow(360, 180.0)
        self.usage_token_limit = RateWindow(20, 1200.0)

    # -- /api/task/self -----------------------------------------------------------

    def task_self(self, request: Request) -> Response:
        sim = self.sim
        if not self.api_limit.allow(sim.clock.now()):
            return _empty(429)
        flavour = sim.account_flavour
        chinese = flavour == "one-hub" or "zh" in (request.header("accept-language") or "")

        def message(key: str) -> str:
            english, zh = _MESSAGES[key]
            return zh if chinese else english

        raw = request.header("authorization") or ""
        if raw.startswith("Bearer "):
            raw = raw[len("Bearer ") :]
        if not raw.strip():
            return _refusal(401, message("no_auth"))
        user = sim.access_tokens.get(raw.strip())
        if user is None:
            return _refusal(200, message("bad_token"))
        if flavour != "one-hub":
            header = request.header(sim.user_header)
            if header is None or not header.strip():
                return _refusal(401, message("no_user"))
            try:
                claimed = int(header.strip())
            except ValueError:
                return _refusal(401, message("bad_user"))
            if claimed != sim.user_ids.get(user):
                return _refusal(401, message("wrong_user"))
        tasks = self._matching(request, user)
        if flavour == "one-hub":
            return self._one_hub_page(request, tasks, user)
        if flavour == "new-api-legacy":
            number = max(_int_param(request, "p", 0), 0)
            start = number * LEGACY_PAGE_SIZE
            rows = [self.row(t, user) for t in tasks[start : start + LEGACY_PAGE_SIZE]]
            return _json(200, {"success": True, "message": "", "data": rows})
        number = max(_int_param(request, "p", 1), 1)
        size = _int_param(request, "page_size", DEFAULT_PAGE_SIZE)
        size = DEFAULT_PAGE_SIZE if size <= 0 else min(size, MAX_PAGE_SIZE)
        start = (number - 1) * size
        rows = [self.row(t, user) for t in tasks[start : start + size]]
        data = {"page": number, "page_size": size, "total": len(tasks), "items": rows}
        return _json(200, {"success": True, "message": "", "data": data})

    def _one_hub_page(self, request: Request, tasks: list[SimTask], user: str) -> Response:
        number = max(_int_param(request, "page", 1), 1)
        size = _int_param(request, "size", DEFAULT_PAGE_SIZE)
        if size > MAX_PAGE_SIZE:
            return _refusal(200, "size 参数不能超过 100")
        size = DEFAULT_PAGE_SIZE if size <= 0 else size
        if request.query.get("order", "-id") not in ("-id", ""):
            tasks = list(reversed(tasks))  # "id": oldest first
        start = (number - 1) * size
        rows = [self.row(t, user) for t in tasks[start : start + size]]
        data = {"data": rows, "page": number, "size": size, "total_count": len(tasks)}
        return _json(200, {"success": True, "message": "", "data": data})

    def _matching(self, request: Request, user: str) -> list[SimTask]:
        """The user's tasks that pass the query's filters, newest (highest id) first."""
        query = request.query
        platform = query.get("platform", "")
        if platform and platform != "suno":
            return []
        now = self.sim.clock.now()
        start = _int_param(request, "start_timestamp", 0)
        end = _int_param(request, "end_timestamp", 0)
        status = query.get("status", "")
        action = query.get("action", "")
        task_id = query.get("task_id", "")
        found = []
        for task in self.sim.tasks.all(user):
            submitted = int(task.created)
            if start and submitted < start:
                continue
            if end and submitted > end:
                continue
            if task_id and task.task_id != task_id:
                continue
            if action and task.action != action:
                continue
            if status and self.sim.observed_status(task, now) != status:
                continue
            found.append(task)
        found.reverse()
        return found

    def row(self, task: SimTask, user: str) -> dict[str, Any]:
        """One row of the task log: the fetch object's fields plus the table's own."""
        sim = self.sim
        rendered = sim.render(task.task_id)
        now = sim.clock.now()
        stamp = 1000 if sim.ms_timestamps else 1
        prompt = ""
        if task.music is not None:
            prompt = task.music.gpt_description_prompt or task.music.prompt
        elif task.lyrics is not None:
            prompt = task.lyrics.title
        kind = "lyrics" if task.scenario.is_lyrics else "music"
        row: dict[str, Any] = {
            "id": task.seq,
            "created_at": int(task.created * stamp),
            "updated_at": int(now * stamp),
            "task_id": task.task_id,
            "platform": "suno",
            "user_id": sim.user_ids.get(user, 0),
            "group": "default",
            "channel_id": 0,
            "quota": 0 if rendered["status"] == "FAILURE" else sim.ledger.prices.get(kind, 0),
            "action": rendered["action"],
            "status": rendered["status"],
            "fail_reason": rendered["fail_reason"],
            "submit_time": rendered["submit_time"],
            "start_time": rendered["start_time"],
            "finish_time": rendered["finish_time"],
            "progress": rendered["progress"],
            "properties": {"input": prompt},
            "data": rendered["data"],
        }
        if sim.account_flavour == "one-hub":
            row["progress"] = int(str(rendered["progress"]).rstrip("%") or 0)
            row["channel_id"] = 3
            row["notify_hook"] = ""
            row["token_id"] = 1
        else:
            row["result_url"] = ""
        return row

    # -- billing --------------------------------------------------------------------

    def subscription(self) -> Response:
        ledger = self.sim.ledger
        if ledger.granted is not None:
            amount = ledger.granted / QUOTA_PER_USD
        elif self.sim.account_flavour == "one-hub":
            amount = ledger.user_quota / QUOTA_PER_USD
        else:
            amount = float(UNLIMITED_USD)
        return _json(
            200,
            {
                "object": "billing_subscription",
                "has_payment_method": True,
                "soft_limit_usd": amount,
                "hard_limit_usd": amount,
                "system_hard_limit_usd": amount,
                "access_until": ledger.expires_at,
            },
        )

    def usage(self) -> Response:
        used = self.sim.ledger.used / QUOTA_PER_USD
        return _json(200, {"object": "list", "total_usage": round(used * 100, 6)})

    # -- /api/usage/token/ --------------------------------------------------------

    def usage_token(self, request: Request) -> Response:
        sim = self.sim
        if not self.usage_token_limit.allow(sim.clock.now()):
            return _empty(429)
        raw = request.header("authorization") or ""
        if not raw.startswith("Bearer ") or not raw[len("Bearer ") :].strip():
            return _refusal(401, "Invalid Bearer token")
        key = raw[len("Bearer ") :].strip()
        if key not in sim.api_tokens:
            base = key.rsplit("-", 1)[0]
            if "-" in key and base in sim.api_tokens:  # a key with a channel suffix
                return _refusal(200, "token with a suffix is not supported here")
            return _refusal(401, "invalid token")
        ledger = sim.ledger
        unlimited = ledger.granted is None
        granted = ledger.used if unlimited else ledger.granted
        data: dict[str, Any] = {
            "object": "token_usage",
            "name": "default",
            "total_granted": granted,
            "total_used": ledger.used,
            "total_available": 0 if unlimited else ledger.remaining,
            "unlimited_quota": unlimited,
            "model_limits": {},
            "model_limits_enabled": False,
            "expires_at": ledger.expires_at,
        }
        return _json(200, {"code": True, "message": "ok", "data": data})


def moved_permanently(location: str) -> Response:
    """gin's redirect for a route asked without its trailing slash."""
    body = f'<a href="{location}">Moved Permanently</a>.\n\n'.encode()
    return Response(301, {"Location": location, "Content-Type": "text/html; charset=utf-8"}, body)

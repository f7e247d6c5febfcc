"""The simulated gateway: routes, authentication, faults and asset serving."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import ipaddress
import json
import random
import threading
from collections import OrderedDict
from collections.abc import Mapping
from email.utils import formatdate
from types import TracebackType
from typing import Any, Literal
from urllib.parse import unquote

from suno_tui.simulator import responses as r
from suno_tui.simulator.account import (
    ACCOUNT_FLAVOURS,
    AccountEndpoints,
    AccountFlavour,
    Ledger,
    moved_permanently,
)
from suno_tui.simulator.assets import (
    AssetBody,
    AssetKind,
    Unsatisfiable,
    build_asset,
    parse_asset_name,
    parse_range,
)
from suno_tui.simulator.clock import Clock, ManualClock
from suno_tui.simulator.faults import Fault, FaultInjector, Scope
from suno_tui.simulator.http import HttpServer, Request, Response
from suno_tui.simulator.lifecycle import (
    ClipSpec,
    ProgressMode,
    RenderOptions,
    Scenario,
    SimTask,
    Status,
    Variant,
    clip_status,
    render_task,
)
from suno_tui.simulator.links import SignedLinks
from suno_tui.simulator.stats import Stats
from suno_tui.simulator.tasks import FOREIGN_USER, MAIN_USER, TaskRequest, TaskStore, build_task

ResultOrder = Literal["created", "shuffled"]
_ASSET_CACHE = 32  # asset bodies kept (each holds a few hundred KiB of pattern)
_STRING_FIELDS = (
    "prompt",
    "mv",
    "title",
    "tags",
    "gpt_description_prompt",
    "continue_clip_id",
    "task_id",
)


def loopback_bind_address(host: str) -> str:
    """The address to bind for ``host``; ValueError unless it is loopback.

    The simulator has a fixed token and serves whatever is asked: it must
    never be reachable from another machine.
    """
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"{host!r} is not a loopback address (use 127.0.0.1)") from None
    if not address.is_loopback:
        raise ValueError(f"{host!r} is not a loopback address (use 127.0.0.1)")
    return str(address)


def _check_sizes(sizes: Mapping[str, int] | None) -> dict[str, int]:
    result: dict[str, int] = {}
    for key, value in (sizes or {}).items():
        kind = AssetKind(key)  # ValueError for an unknown kind
        if value < 0:
            raise ValueError(f"asset size for {key} must be >= 0")
        result[kind.value] = int(value)
    return result


class Simulator:
    """A Suno task gateway on loopback, driven by ``clock``.

    Everything a test may want to switch is a plain attribute: ``faults``,
    ``progress_mode``, ``ms_timestamps``, ``quota_exhausted``,
    ``submit_scenario``, ``result_order``, ``max_rows``; for account mode
    (simulator/account.py) ``account_flavour``, ``account_endpoints`` (False:
    404 as on a gateway without them), ``ledger`` (the key's quota) and
    ``account.api_limit`` / ``account.usage_token_limit``.
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        token: str | None = None,
        foreign_token: str | None = None,
        clock: Clock | None = None,
        progress_mode: ProgressMode = "binary",
        ms_timestamps: bool = False,
        naive_created_at: bool = False,
        asset_sizes: Mapping[str, int] | None = None,
        result_order: ResultOrder = "created",
        max_rows: int | None = None,
        url_ttl: float = 3600.0,
        poll_interval: float = 0.0,
        account_flavour: AccountFlavour = "new-api",
        access_token: str | None = None,
        account_endpoints: bool = True,
    ) -> None:
        self.seed = seed
        secret = hashlib.sha256(f"suno-tui-simulator:{seed}".encode()).hexdigest()
        self.token = token or f"sim-{secret[:32]}"
        self.foreign_token = foreign_token or f"sim-foreign-{secret[32:56]}"
        self.clock: Clock = clock if clock is not None else ManualClock()
        self.progress_mode: ProgressMode = progress_mode
        self.ms_timestamps = ms_timestamps
        self.naive_created_at = naive_created_at
        self.asset_sizes = _check_sizes(asset_sizes)
        self.result_order: ResultOrder = result_order
        self.max_rows = max_rows  # one gateway caps an answer at 100 rows
        #: > 0: answers show the upstream state as of the gateway's last poll of the
        #: task (new-api polls every ~15 s), so polling faster shows nothing new
        self.poll_interval = poll_interval
        self.quota_exhausted = False  # submits answer 403 quota_not_enough
        self._submit_scenario = Scenario.SUCCESS
        self.faults = FaultInjector()
        self.stats = Stats()
        self.tasks = TaskStore()
        #: exceptions raised inside request handlers (a test fixture asserts none)
        self.errors: list[BaseException] = []
        self._tokens = {self.token: MAIN_USER, self.foreign_token: FOREIGN_USER}
        if account_flavour not in ACCOUNT_FLAVOURS:
            raise ValueError(f"account flavour must be one of {', '.join(ACCOUNT_FLAVOURS)}")
        #: which gateway's /api/task/self to imitate
        self.account_flavour: AccountFlavour = account_flavour
        #: False: the account endpoints answer 404, as on a gateway without them
        self.account_endpoints = account_endpoints
        access = hashlib.sha256(f"suno-tui-simulator-access:{seed}".encode()).hexdigest()
        one_hub = account_flavour == "one-hub"
        #: the access token of the main user (one-hub's are UUIDs)
        self.access_token = access_token or (_uuid_text(access) if one_hub else access[:32])
        self.foreign_access_token = _uuid_text(access[32:]) if one_hub else access[32:64]
        self.access_tokens = {self.access_token: MAIN_USER, self.foreign_access_token: FOREIGN_USER}
        self.user_ids = {MAIN_USER: 1, FOREIGN_USER: 2}
        #: the main user's id (new-api's New-Api-User header)
        self.user_id = self.user_ids[MAIN_USER]
        self.user_header = "New-Api-User"
        #: the API key's quota: goes down with each submit
        self.ledger = Ledger()
        self.account = AccountEndpoints(self)
        self._links = SignedLinks(secret.encode(), self.clock, url_ttl)
        self._asset_versions: dict[tuple[str, AssetKind], int] = {}
        self._asset_cache: OrderedDict[tuple[str, AssetKind, int], AssetBody] = OrderedDict()
        self._asset_lock = threading.Lock()  # tests read assets from other threads
        self._http: HttpServer | None = None
        self._base_url: str | None = None
        self._request_counter = 0

    # -- life ------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on ``host:port`` (loopback only; port 0 picks a free one)."""
        if self._http is not None:
            raise RuntimeError("simulator already started")
        bind = loopback_bind_address(host)
        http = HttpServer(
            self._handle,
            on_connection=self.stats.connection,
            on_status=self.stats.status,
            on_error=self.errors.append,
        )
        bound = await http.start(bind, port)
        self._http = http
        shown = f"[{bind}]" if ":" in bind else bind
        self._base_url = f"http://{shown}:{bound}"
        self._links.base_url = self._base_url
        return self._base_url

    async def stop(self) -> None:
        http, self._http = self._http, None
        if http is not None:
            await http.close()

    async def __aenter__(self) -> Simulator:
        if self._http is None:
            await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("simulator not started")
        return self._base_url

    @property
    def port(self) -> int:
        if self._http is None:
            raise RuntimeError("simulator not started")
        return self._http.port

    @property
    def submit_scenario(self) -> Scenario:
        """What submitted music tasks turn into (default: success)."""
        return self._submit_scenario

    @submit_scenario.setter
    def submit_scenario(self, scenario: Scenario | str) -> None:
        scenario = Scenario(scenario)
        if scenario.is_lyrics:
            raise ValueError("a music submit cannot become a lyrics task")
        self._submit_scenario = scenario

    def add_token(self, token: str, user: str = MAIN_USER) -> None:
        """Accept another token for ``user`` (tasks belong to users, not tokens)."""
        self._tokens[token] = user

    @property
    def api_tokens(self) -> dict[str, str]:
        """API key -> user."""
        return dict(self._tokens)

    @property
    def key_exhausted(self) -> bool:
        """The API key has no quota left (or ``quota_exhausted`` says so)."""
        remaining = self.ledger.remaining
        return self.quota_exhausted or (remaining is not None and remaining <= 0)

    # -- tasks -----------------------------------------------------------------------

    def add_task(
        self,
        scenario: Scenario | str = Scenario.SUCCESS,
        *,
        user: str = MAIN_USER,
        task_id: str | None = None,
        title: str | None = None,
        tags: str | None = None,
        prompt: str | None = None,
        gpt_description_prompt: str = "",
        mv: str = "chirp-v4",
        make_instrumental: bool = False,
        delays: Mapping[str, float] | None = None,
        elapsed: float = 0.0,
        variant: Variant | None = None,
        fail_reason: str | None = None,
        asset_sizes: Mapping[str, int] | None = None,
    ) -> str:
        """Create a task submitted ``elapsed`` seconds ago; returns its id.

        ``delays`` overrides stage durations by name (``not_start``,
        ``submitted``, ``queued``, ``in_progress``); everything not given is
        chosen from the seed. Safe to call from any thread.
        """
        request = TaskRequest(
            scenario=Scenario(scenario),
            user=user,
            task_id=task_id,
            title=title,
            tags=tags,
            prompt=prompt,
            gpt_description_prompt=gpt_description_prompt,
            mv=mv,
            make_instrumental=make_instrumental,
            delays=delays,
            variant=variant,
            fail_reason=fail_reason,
            asset_sizes=_check_sizes(asset_sizes),
        )
        return self._create(request, self.clock.now() - elapsed)

    def _create(self, request: TaskRequest, created: float) -> str:
        task = build_task(
            request,
            seed=self.seed,
            seq=self.tasks.next_seq(),
            created=created,
            naive_created_at=self.naive_created_at,
        )
        self.tasks.add(task)
        return task.task_id

    def task(self, task_id: str) -> SimTask:
        task = self.tasks.get(task_id)
        if task is None:
            raise KeyError(task_id)
        return task

    def status(self, task_id: str) -> Status:
        """The task's upstream status now (what a fetch shows, unless ``poll_interval`` lags)."""
        return self.task(task_id).phase_at(self.clock.now()).status

    def render(self, task_id: str) -> dict[str, Any]:
        """The task object a fetch would return now (mints fresh asset URLs)."""
        task = self.task(task_id)
        return render_task(task, self._observed(task), self._links, self._options())

    def asset(self, clip_id: str, kind: AssetKind | str) -> AssetBody:
        """The file an asset URL serves (current version), e.g. to compare downloads."""
        found = self.tasks.clip(clip_id)
        if found is None:
            raise KeyError(clip_id)
        return self._asset_body(found[0], found[1], AssetKind(kind))

    def _observed(self, task: SimTask) -> float:
        """The moment whose upstream state the gateway reports for ``task``."""
        now = self.clock.now()
        if self.poll_interval <= 0 or now <= task.created:
            return now
        polls = (now - task.created) // self.poll_interval
        return task.created + polls * self.poll_interval

    def observed_status(self, task: SimTask, now: float | None = None) -> str:
        """The status the gateway reports for ``task`` (lags with ``poll_interval``)."""
        return task.phase_at(self._observed(task)).status.value

    def _options(self) -> RenderOptions:
        return RenderOptions(self.progress_mode, self.ms_timestamps)

    # -- dispatch --------------------------------------------------------------------

    async def _handle(self, request: Request) -> Response:
        route, scope = _classify(request)
        self.stats.request(route, request.path)
        stale = False
        if route == "asset":
            stale = not self._links.is_fresh(_asset_path_name(request.path), request.query)
        injections = self.faults.take(scope, request.path, stale=stale)
        applied = {i.kind: i.params for i in injections}
        for kind in applied:
            self.stats.fault(route, kind.value)

        if Fault.SLOW in applied:
            params = applied[Fault.SLOW]
            if params["real_delay"] is not None:
                await asyncio.sleep(float(params["real_delay"]))
            else:
                await self.clock.sleep(float(params["delay"]))
        replaced = self._generic_fault(route, applied)
        if replaced is not None:
            return replaced

        response = await self._route(route, request, applied)

        if Fault.TRUNCATED_JSON in applied:
            _truncate(response, applied[Fault.TRUNCATED_JSON])
        return response

    def _generic_fault(self, route: str, applied: dict[Fault, dict[str, Any]]) -> Response | None:
        if Fault.RESET in applied:
            return Response(0, reset=True)
        if Fault.RATE_LIMIT in applied:
            retry_after = applied[Fault.RATE_LIMIT]["retry_after"]
            headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
            return r.gateway_error(429, "当前分组上游负载已饱和，请稍后再试", headers)
        code = "get_tasks_failed" if route.startswith("fetch") else "do_request_failed"
        for kind, status in ((Fault.HTTP_500, 500), (Fault.HTTP_502, 502), (Fault.HTTP_503, 503)):
            if kind not in applied:
                continue
            if applied[kind]["body"] == "html":
                return r.nginx_page(status)
            if status == 503:
                return r.gateway_error(503, "当前分组 default 下对于模型 suno_music 无可用渠道")
            return r.task_error(status, code, f"upstream error: status_code={status}")
        if Fault.HTML_PAGE in applied:
            return r.maintenance_page(int(applied[Fault.HTML_PAGE]["status"]))
        return None

    async def _route(
        self, route: str, request: Request, applied: dict[Fault, dict[str, Any]]
    ) -> Response:
        if route == "asset":
            return self._serve_asset(request, applied)
        if route == "audiopipe":
            return self._serve_audiopipe(request)
        if route == "forbidden":
            return r.json_response(403, {"detail": "Forbidden"})
        if route == "unknown":
            return r.not_found_text()
        if route.startswith("account_"):
            return self._account_route(route, request)
        user = self._authenticate(request)
        if isinstance(user, Response):
            return user
        if route == "fetch":
            return self._fetch(request, user)
        if route == "fetch_one":
            return self._fetch_one(request, user)
        if route == "submit_music":
            return self._submit_music(request, user)
        return self._submit_lyrics(request, user)

    def _account_route(self, route: str, request: Request) -> Response:
        usage_token = route in ("account_usage_token", "account_usage_token_redirect")
        if not self.account_endpoints or (usage_token and self.account_flavour == "one-hub"):
            return r.not_found_text()
        if route == "account_task_self":
            return self.account.task_self(request)
        if route == "account_usage_token_redirect":
            return moved_permanently("/api/usage/token/")
        if route == "account_usage_token":
            return self.account.usage_token(request)
        user = self._authenticate(request)
        if isinstance(user, Response):
            return user
        if self.key_exhausted:
            return r.gateway_error(
                401, f"该令牌额度已用尽 token quota is exhausted (request id: {self._request_id()})"
            )
        if route == "account_billing_subscription":
            return self.account.subscription()
        return self.account.usage()

    def _request_id(self) -> str:
        self._request_counter += 1
        stamp = formatdate(self.clock.now(), usegmt=True)
        digest = hashlib.md5(f"{stamp}{self._request_counter}".encode(), usedforsecurity=False)
        return digest.hexdigest()[:20]

    def _authenticate(self, request: Request) -> str | Response:
        raw = (request.header("authorization") or "").strip()
        if raw[:7].lower() == "bearer ":
            raw = raw[7:].strip()
        if not raw:
            return r.gateway_error(401, f"未提供令牌 (request id: {self._request_id()})")
        user = self._tokens.get(raw)
        if user is None:
            return r.gateway_error(401, f"无效的令牌 (request id: {self._request_id()})")
        return user

    # -- task endpoints --------------------------------------------------------------

    def _fetch(self, request: Request, user: str) -> Response:
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
        tasks = self.tasks.find(ids, user)
        if self.result_order == "shuffled":
            order = random.Random(f"{self.seed}:order:{self.stats.total_requests}")  # noqa: S311
            order.shuffle(tasks)
        if self.max_rows is not None:
            tasks = tasks[: self.max_rows]
        options = self._options()
        rows = [render_task(task, self._observed(task), self._links, options) for task in tasks]
        return r.success(rows or None)  # none matched: null, not []

    def _fetch_one(self, request: Request, user: str) -> Response:
        task_id = unquote(request.path[len("/suno/fetch/") :])
        task = self.tasks.get(task_id, user)
        if task is None:
            return r.task_error(400, "task_not_exist", "task_not_exist")
        return r.success(render_task(task, self._observed(task), self._links, self._options()))

    def _submit_music(self, request: Request, user: str) -> Response:
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
        if self.quota_exhausted or not self.ledger.can_pay("music"):
            return r.task_error(403, "quota_not_enough", "用户额度不足")
        custom = bool(prompt)
        task_request = TaskRequest(
            scenario=self.submit_scenario,
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
        task_id = self._create(task_request, self.clock.now())
        self.ledger.charge("music")
        return r.success(task_id)

    def _submit_lyrics(self, request: Request, user: str) -> Response:
        body = _json_object(request.body)
        if body is None:
            return _invalid("invalid request body: expected a JSON object")
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            return _invalid("prompt is required")
        if self.quota_exhausted or not self.ledger.can_pay("lyrics"):
            return r.task_error(403, "quota_not_enough", "用户额度不足")
        task_request = TaskRequest(scenario=Scenario.LYRICS, user=user, prompt=prompt)
        task_id = self._create(task_request, self.clock.now())
        self.ledger.charge("lyrics")
        return r.success(task_id)

    # -- assets ----------------------------------------------------------------------

    def _asset_body(self, task: SimTask, clip: ClipSpec, kind: AssetKind) -> AssetBody:
        with self._asset_lock:
            version = self._asset_versions.get((clip.id, kind), 0)
            key = (clip.id, kind, version)
            body = self._asset_cache.get(key)
            if body is not None:
                self._asset_cache.move_to_end(key)
                return body
        size = task.asset_sizes.get(kind.value, self.asset_sizes.get(kind.value))
        title = task.music.title if task.music else ""
        body = build_asset(
            seed=self.seed,
            clip_id=clip.id,
            kind=kind,
            size=size,
            duration=clip.duration,
            title=title,
            artist=clip.display_name,
            version=version,
        )
        with self._asset_lock:
            self._asset_cache[key] = body
            while len(self._asset_cache) > _ASSET_CACHE:
                self._asset_cache.popitem(last=False)
        return body

    def _serve_asset(self, request: Request, applied: dict[Fault, dict[str, Any]]) -> Response:
        if Fault.ASSET_STALE_403 in applied:
            return r.cdn_error(403, "AccessDenied", "Request has expired")
        if Fault.ASSET_404 in applied:
            return r.cdn_error(404, "NoSuchKey", "The specified key does not exist.")
        parsed = parse_asset_name(_asset_path_name(request.path))
        found = self.tasks.clip(parsed[0]) if parsed else None
        if parsed is None or found is None:
            return r.cdn_error(404, "NoSuchKey", "The specified key does not exist.")
        kind = parsed[1]
        task, clip = found
        status = clip_status(task, clip, task.phase_at(self.clock.now()))
        if status == "complete":
            available = kind is not AssetKind.MP4 or task.variant.video
        else:
            available = status == "streaming" and kind in (AssetKind.JPEG, AssetKind.JPEG_LARGE)
        if not available:
            return r.cdn_error(404, "NoSuchKey", "The specified key does not exist.")
        if Fault.ASSET_ETAG_CHANGED in applied:
            with self._asset_lock:
                key = (clip.id, kind)
                self._asset_versions[key] = self._asset_versions.get(key, 0) + 1
        body = self._asset_body(task, clip, kind)
        if Fault.ASSET_WRONG_CONTENT in applied:
            return r.login_page()
        headers = {
            "Content-Type": kind.content_type,
            "ETag": body.etag,
            "Cache-Control": "public, max-age=31536000, immutable",
        }
        if Fault.ASSET_EMPTY in applied:
            return Response(200, headers)
        if request.header("if-none-match") == body.etag:
            return Response(304, headers)

        span: tuple[int, int] | None = None
        if Fault.ASSET_NO_RANGE not in applied:
            headers["Accept-Ranges"] = "bytes"
            if_range = request.header("if-range")
            if if_range is None or if_range == body.etag:
                try:
                    span = parse_range(request.header("range"), body.size)
                except Unsatisfiable:
                    headers["Content-Range"] = f"bytes */{body.size}"
                    return Response(416, headers)
        start, stop = span if span is not None else (0, body.size)
        status_code = 200
        if span is not None:
            status_code = 206
            headers["Content-Range"] = f"bytes {start}-{stop - 1}/{body.size}"
        drop = applied.get(Fault.ASSET_DROP)
        stall = applied.get(Fault.ASSET_STALL)
        return Response(
            status_code,
            headers,
            stream=body.chunks(start, stop),
            length=stop - start,
            drop_after=None if drop is None else int(drop["after_bytes"]),
            stall_after=None if stall is None else int(stall["after_bytes"]),
            stall=None
            if stall is None
            else functools.partial(self.clock.sleep, float(stall["delay"])),
            on_sent=self.stats.sent_asset_bytes,
        )

    def _serve_audiopipe(self, request: Request) -> Response:
        """A live stream: audio generated so far, no length, no ranges."""
        found = self.tasks.clip(request.query.get("item_id", ""))
        if found is None:
            return r.cdn_error(404, "NoSuchKey", "The specified key does not exist.")
        task, clip = found
        phase = task.phase_at(self.clock.now())
        status = clip_status(task, clip, phase)
        if status not in ("streaming", "complete"):
            return r.cdn_error(404, "NoSuchKey", "The specified key does not exist.")
        body = self._asset_body(task, clip, AssetKind.MP3)
        ready = body.size if status == "complete" else max(1, int(body.size * phase.fraction))
        return Response(
            200,
            {"Content-Type": "audio/mpeg", "Cache-Control": "no-cache"},
            stream=body.chunks(0, ready),
            length=None,
            on_sent=self.stats.sent_asset_bytes,
        )


def _classify(request: Request) -> tuple[str, Scope]:
    path, method = request.path, request.method
    if path.startswith("/suno/"):
        if path == "/suno/fetch" and method == "POST":
            return "fetch", "api"
        if path.startswith("/suno/fetch/") and method == "GET":
            return "fetch_one", "api"
        if path == "/suno/submit/music" and method == "POST":
            return "submit_music", "api"
        if path == "/suno/submit/lyrics" and method == "POST":
            return "submit_lyrics", "api"
        return "unknown", "api"
    if method == "GET":
        account = _ACCOUNT_ROUTES.get(
            path.removeprefix("/v1") if path.startswith("/v1/d") else path
        )
        if account is not None:
            return account, "other"
    if method in ("GET", "HEAD"):
        if path.startswith("/assets/"):
            return "asset", "asset"
        if path == "/audiopipe/":
            return "audiopipe", "other"
        if path == "/api/forbidden":
            return "forbidden", "other"
    return "unknown", "other"


_ACCOUNT_ROUTES = {
    "/api/task/self": "account_task_self",
    "/dashboard/billing/subscription": "account_billing_subscription",
    "/dashboard/billing/usage": "account_billing_usage",
    "/api/usage/token/": "account_usage_token",
    "/api/usage/token": "account_usage_token_redirect",
}


def _uuid_text(hex_digits: str) -> str:
    h = hex_digits[:32]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _asset_path_name(path: str) -> str:
    return unquote(path[len("/assets/") :])


def _invalid(message: str) -> Response:
    return r.task_error(400, "invalid_request", message)


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _truncate(response: Response, params: dict[str, Any]) -> None:
    """Cut the body: with an honest Content-Length (the client gets broken JSON)
    or, with ``cut_connection``, by closing the connection mid-body."""
    full = len(response.body) if response.stream is None else (response.length or 0)
    keep = params["keep"]
    keep = full // 2 if keep is None else min(int(keep), full)
    if response.stream is None and not params["cut_connection"]:
        response.body = response.body[:keep]
        return
    response.drop_after = keep

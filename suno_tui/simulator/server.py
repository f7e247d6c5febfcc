"""The simulated gateway: its state and life, request dispatch (faults first),
authentication and the account routes. The task endpoints are in task_api.py,
the asset files in asset_server.py, routing and fault shaping in routing.py."""

from __future__ import annotations

import hashlib
import ipaddress
from collections import deque
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Literal

from suno_tui.simulator.account import (
    ACCOUNT_FLAVOURS,
    AccountEndpoints,
    AccountFlavour,
    Ledger,
)
from suno_tui.simulator.asset_server import AssetServer
from suno_tui.simulator.assets import (
    AssetBody,
    AssetKind,
)
from suno_tui.simulator.clip_actions import (
    FAMILIES,
    ActShape,
    ClipActionEndpoints,
    GatewayFamily,
)
from suno_tui.simulator.clock import Clock, ManualClock
from suno_tui.simulator.dispatch import Dispatcher
from suno_tui.simulator.faults import FaultInjector
from suno_tui.simulator.http import HttpServer
from suno_tui.simulator.lifecycle import HistoryEntry, Scenario, SimTask, Status, Variant
from suno_tui.simulator.lineage import Parent, extension_history
from suno_tui.simulator.link import Link
from suno_tui.simulator.links import SignedLinks
from suno_tui.simulator.render import ProgressMode, RenderOptions, render_task
from suno_tui.simulator.stats import Stats
from suno_tui.simulator.task_api import TaskEndpoints
from suno_tui.simulator.tasks import FOREIGN_USER, MAIN_USER, TaskRequest, TaskStore, build_task

ResultOrder = Literal["created", "shuffled"]


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
    ``account.api_limit`` / ``account.usage_token_limit``; for the clip
    actions (simulator/clip_actions.py) ``family`` ("stock" or "hosted"),
    ``wav_delay``, ``act_shape`` and ``timing_wrapped``. ``relayed`` holds
    the music submits as the gateway passed them upstream. ``link_rate``
    (bytes per second) puts asset bodies behind one shared link
    (simulator/link.py), as a person's connection would.
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
        family: GatewayFamily = "stock",
        wav_delay: float = 8.0,
        act_shape: ActShape = "url",
        timing_wrapped: bool = False,
        link_rate: float | None = None,
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
        if family not in FAMILIES:
            raise ValueError(f"gateway family must be one of {', '.join(FAMILIES)}")
        #: "stock" (new-api, one-hub: music and lyrics only) or "hosted" (adds
        #: concat and /suno/act/...); see simulator/clip_actions.py
        self.family: GatewayFamily = family
        #: clock seconds a WAV takes to make after it is first asked for
        self.wav_delay = wav_delay
        #: how WAV and MP4 URLs are answered: "url" (data is the URL) or "object"
        self.act_shape: ActShape = act_shape
        #: timing answered as {"success": true, "data": {...}} instead of bare
        self.timing_wrapped = timing_wrapped
        #: the music submit bodies as the gateway relayed them upstream (newest last)
        self.relayed: deque[dict[str, Any]] = deque(maxlen=100)
        self.clip_actions = ClipActionEndpoints(self)
        self.links = SignedLinks(secret.encode(), self.clock, url_ttl)
        #: asset bodies share this many bytes per second (None: as fast as loopback)
        self.link = None if link_rate is None else Link(link_rate)
        self.assets = AssetServer(self)
        self.task_api = TaskEndpoints(self)
        self._http: HttpServer | None = None
        self._base_url: str | None = None

    # -- life ------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on ``host:port`` (loopback only; port 0 picks a free one)."""
        if self._http is not None:
            raise RuntimeError("simulator already started")
        bind = loopback_bind_address(host)
        http = HttpServer(
            Dispatcher(self).handle,
            on_connection=self.stats.connection,
            on_status=self.stats.status,
            on_error=self.errors.append,
        )
        bound = await http.start(bind, port)
        self._http = http
        shown = f"[{bind}]" if ":" in bind else bind
        self._base_url = f"http://{shown}:{bound}"
        self.links.base_url = self._base_url
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
        continue_clip_id: str | None = None,
        continue_at: float | None = None,
    ) -> str:
        """Create a task submitted ``elapsed`` seconds ago; returns its id.

        ``delays`` overrides stage durations by name (``not_start``,
        ``submitted``, ``queued``, ``in_progress``); everything not given is
        chosen from the seed. ``continue_clip_id`` (a clip the simulator
        made) makes it an extension of that clip at ``continue_at`` seconds
        (None: from its end), with the chain in ``metadata.history``. Safe to
        call from any thread.
        """
        history: tuple[HistoryEntry, ...] = ()
        if continue_clip_id is not None:
            history = extension_history(self._parent(continue_clip_id), continue_at)
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
            history=history,
        )
        return self.create(request, self.clock.now() - elapsed)

    def add_concat(self, clip_id: str, *, user: str = MAIN_USER, elapsed: float = 0.0) -> str:
        """A concat ("the full song") of the extension chain ending with
        ``clip_id``, submitted ``elapsed`` seconds ago; returns its task id."""
        parent = self._parent(clip_id)
        request = self.clip_actions.concat_request(parent.task, parent.clip, user)
        return self.create(request, self.clock.now() - elapsed)

    def _parent(self, clip_id: str) -> Parent:
        found = self.tasks.clip(clip_id)
        if found is None or found[0].music is None:
            raise KeyError(clip_id)
        return Parent(*found)

    def relay_upstream(self, body: dict[str, Any]) -> None:
        """Record a music submit body as the gateway sends it upstream."""
        self.relayed.append(body)

    def create(self, request: TaskRequest, created: float) -> str:
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
        return render_task(task, self.observed_at(task), self.links, self.render_options())

    def asset(self, clip_id: str, kind: AssetKind | str) -> AssetBody:
        """The file an asset URL serves (current version), e.g. to compare downloads."""
        found = self.tasks.clip(clip_id)
        if found is None:
            raise KeyError(clip_id)
        return self.assets.body(found[0], found[1], AssetKind(kind))

    def observed_at(self, task: SimTask) -> float:
        """The moment whose upstream state the gateway reports for ``task``."""
        now = self.clock.now()
        if self.poll_interval <= 0 or now <= task.created:
            return now
        polls = (now - task.created) // self.poll_interval
        return task.created + polls * self.poll_interval

    def observed_status(self, task: SimTask, now: float | None = None) -> str:
        """The status the gateway reports for ``task`` (lags with ``poll_interval``)."""
        return task.phase_at(self.observed_at(task)).status.value

    def render_options(self) -> RenderOptions:
        return RenderOptions(self.progress_mode, self.ms_timestamps)


def _uuid_text(hex_digits: str) -> str:
    h = hex_digits[:32]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"

"""Building the engine from the settings: the one place the domain is wired.

:func:`open_engine` opens the state file, builds a client per profile (the
selected one, and every profile the watch list uses), the poller over them
and the download service (each task fetched from its own profile's gateway,
files recorded in the store), and the completion hook. Time, waiting, jitter
and the client builder are injectable: tests and ``--demo`` run it on a
simulator's clock.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from suno_tui.account.clients import account_client_for, account_mode_on
from suno_tui.config import ConfigError, Settings
from suno_tui.downloads.records import store_callbacks
from suno_tui.engine.account_feed import DEFAULT_WINDOW, AccountFeed, AccountOptions
from suno_tui.engine.clients import BuildClient, ClientPool, client_for
from suno_tui.engine.downloads import DownloadService, options_from_settings
from suno_tui.engine.engine import Engine
from suno_tui.engine.offer_memory import OfferMemory
from suno_tui.engine.watchlist import WatchListError
from suno_tui.tracking.offers import GatewayOffers
from suno_tui.tracking.poll_status import PollStatus
from suno_tui.tracking.poller import Poller
from suno_tui.tracking.store import Store, StoreError
from suno_tui.tracking.tracker import Tracker, Update

NOT_CONFIGURED_HINT = (
    "no token configured for profile {profile!r}: set SUNO_TUI_TOKEN, or run "
    "'suno-tui config set token YOUR_TOKEN', then restart (or try 'suno-tui --demo')"
)

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Wiring:
    """How an engine is wired beyond the settings (tests, ``--demo``, ``watch``)."""

    clock: Clock = _utc_now
    sleep: Sleep | None = None
    rng: random.Random | None = None
    min_interval: float = 2.0
    #: the poll interval (the settings' by default)
    interval: float | None = None
    #: poll only these ids (``watch``); None: the whole watch list
    scope: Collection[str] | None = None
    #: handle every finished task, downloading it first (``watch``)
    finish_every: bool = False
    auto_download: bool = False
    build_client: BuildClient = client_for
    #: account mode (discovery by hand or followed, the key's balance); off
    #: whenever ``scope`` is set
    account: bool = True
    #: follow the account (``--account``); None: the profile's ``follow_account``
    follow_account: bool | None = None
    #: how far back the first look at the account goes (``--since``)
    account_window: timedelta = DEFAULT_WINDOW


def open_store(settings: Settings) -> Store:
    try:
        return Store.open(settings.state_path)
    except StoreError as error:
        raise WatchListError(str(error)) from None


def prepare_pool(
    settings: Settings, tracker: Tracker, build: BuildClient = client_for
) -> tuple[ClientPool, str]:
    """A client per profile: the selected profile's, and every profile watched
    tasks were added under (those without a token are shown, not polled).
    Also says why polling is off. Raises ConfigError if the selected
    profile's token command fails."""
    pool = ClientPool(settings, build=build)
    pool.prepare([settings.profile])
    problem = pool.problem(settings.profile)
    if problem is not None and "token_command" in problem:
        raise ConfigError(problem)  # a failing command is a config error, as elsewhere
    pool.prepare(sorted(tracker.profiles()))
    if problem is None:
        return pool, ""
    return pool, NOT_CONFIGURED_HINT.format(profile=settings.profile)


def scoped_pool(settings: Settings, tracker: Tracker, wiring: Wiring) -> ClientPool:
    """Clients for the profiles that have a task of the scope still to poll
    (``watch`` follows a few tasks of a state file that may hold many);
    ConfigError if one cannot be built. A profile whose watched tasks are
    all finished gets none now: there is nothing to ask its gateway, so its
    broken ``token_command`` must not stop the report (``--download`` builds
    it on first use, and a failure there is that task's download problem).
    A profile without a token still gets a client: the gateway's refusal is
    what the user sees (exit 3)."""
    scope = wiring.scope or ()
    profiles = sorted(
        {
            summary.profile
            for task_id in scope
            if (summary := tracker.get(task_id)) is not None and not summary.finished
        }
    )
    pool = ClientPool(settings, build=wiring.build_client, require_token=False)
    for profile in profiles:
        if profile not in settings.gateways:
            raise ConfigError(
                f"a watched task belongs to profile {profile!r}, which is not "
                "in the configuration any more"
            )
        pool.prepare([profile])
        pool.build_prepared()  # ``watch`` has no first frame to wait for: refuse now
        problem = pool.problem(profile)
        if problem is not None:
            raise ConfigError(problem)
    return pool


def open_engine(
    settings: Settings, wiring: Wiring = Wiring(), *, tracker: Tracker | None = None
) -> Engine:
    """The engine over the state file of ``settings`` (or ``tracker``, loaded
    already); it closes the store when it is closed, or when this fails.

    ConfigError for a problem in the settings (download options, a failing
    token command); WatchListError if the state file cannot be opened.
    """
    try:
        options = options_from_settings(settings)
    except ConfigError:
        if tracker is not None:
            tracker.store.close()
        raise
    if tracker is None:
        tracker = Tracker(open_store(settings), clock=wiring.clock)
        loaded = False
    else:
        loaded = True  # the caller's, loaded
    store = tracker.store
    try:
        if not loaded and wiring.scope is not None:
            # A scoped watch needs its rows now. The monitor's list loads in
            # two steps itself (tui/row_loading): loading 100,000 rows here
            # first cost as much as the whole first frame of an empty app.
            tracker.load()
        if wiring.scope is None:
            pool, polling_off = prepare_pool(settings, tracker, wiring.build_client)
        else:
            pool, polling_off = scoped_pool(settings, tracker, wiring), ""
    except (ConfigError, StoreError):
        store.close()
        raise
    interval = wiring.interval if wiring.interval is not None else settings.poll_interval

    def make_poller(
        on_update: Callable[[Update, PollStatus], None], on_status: Callable[[PollStatus], None]
    ) -> Poller:
        # The clients built so far (``watch``'s); the monitor's are built when
        # polling starts, after its first frame (Engine.start).
        return Poller(
            tracker,
            pool.ready(),
            interval=interval,
            min_interval=wiring.min_interval,
            max_backoff=settings.max_backoff,
            on_update=on_update,
            on_status=on_status,
            clock=wiring.clock,
            sleep=wiring.sleep,
            rng=wiring.rng or random.Random(),  # noqa: S311 - backoff jitter, not cryptography
            scope=wiring.scope,
        )

    # Saved files are recorded through the tracker (the row's count follows),
    # the one way ``download`` records them too (there, in the store alone).
    record, lookup = store_callbacks(tracker)
    downloads = DownloadService.for_profiles(
        options, pool, tracker, default_profile=settings.profile, record=record, lookup=lookup,
        sleep=wiring.sleep or asyncio.sleep,
        memory=OfferMemory(GatewayOffers(store.connection), wiring.clock),
    )  # fmt: skip

    async def close() -> None:
        store.close()

    account = None
    if wiring.account and wiring.scope is None:
        try:
            account = account_feed(settings, wiring, pool, tracker)
        except ConfigError:
            store.close()
            raise

    return Engine(
        tracker,
        profile=settings.profile,
        clients=pool,
        poller_factory=make_poller if pool.prepared() else None,
        downloads=downloads,
        on_finish=settings.on_finish,
        polling_off=polling_off,
        finish_every=wiring.finish_every,
        auto_download=wiring.auto_download,
        on_close=close,
        account=account,
    )


def account_feed(
    settings: Settings, wiring: Wiring, pool: ClientPool, tracker: Tracker
) -> AccountFeed:
    """Account mode for the selected profile: discovery (followed when asked,
    by hand otherwise) and the key's balance. ConfigError when following is
    asked for a profile whose account mode is off."""
    gateway = settings.gateway
    follow = gateway.follow_account if wiring.follow_account is None else wiring.follow_account
    discovery = account_mode_on(gateway)
    if follow and not discovery:
        raise ConfigError(
            f"following the account needs account mode, which is off for profile "
            f'{gateway.name!r} (account_api = "off")'
        )

    class Known:
        """Watched, or removed by the person: not added again (no copy of 100k ids)."""

        def __contains__(self, task_id: object) -> bool:
            return task_id in tracker or task_id in tracker.removed_ids()

    options = AccountOptions(
        profile=settings.profile,
        follow=follow,
        discovery=discovery,
        configured=gateway.access_token is not None or gateway.access_token_command is not None,
        window=wiring.account_window,
        interval=gateway.account_interval,
        api=gateway.account_api,
        unit=gateway.balance_unit,
    )
    return AccountFeed(
        options,
        clients=pool,
        build_account=lambda relay: account_client_for(settings, relay, gateway),
        known=lambda: Known(),
        clock=wiring.clock,
        sleep=wiring.sleep,
    )

"""Request dispatch of the simulated gateway: faults first, then the route
(classified by routing.py), authentication, and the endpoint that answers."""

from __future__ import annotations

import asyncio
import hashlib
from email.utils import formatdate
from typing import TYPE_CHECKING, Any

from suno_tui.simulator import responses as r
from suno_tui.simulator.account import moved_permanently
from suno_tui.simulator.faults import Fault
from suno_tui.simulator.http import Request, Response
from suno_tui.simulator.routing import asset_path_name, classify, generic_fault, truncate

if TYPE_CHECKING:
    from suno_tui.simulator.server import Simulator


class Dispatcher:
    def __init__(self, sim: Simulator) -> None:
        self._sim = sim
        self._request_counter = 0

    async def handle(self, request: Request) -> Response:
        route, scope = classify(request)
        self._sim.stats.request(route, request.path)
        stale = False
        if route == "asset":
            stale = not self._sim.links.is_fresh(asset_path_name(request.path), request.query)
        injections = self._sim.faults.take(scope, request.path, stale=stale)
        applied = {i.kind: i.params for i in injections}
        for kind in applied:
            self._sim.stats.fault(route, kind.value)

        if Fault.SLOW in applied:
            params = applied[Fault.SLOW]
            if params["real_delay"] is not None:
                await asyncio.sleep(float(params["real_delay"]))
            else:
                await self._sim.clock.sleep(float(params["delay"]))
        replaced = generic_fault(route, applied)
        if replaced is not None:
            return replaced

        response = await self._route(route, request, applied)

        if Fault.TRUNCATED_JSON in applied:
            truncate(response, applied[Fault.TRUNCATED_JSON])
        return response

    async def _route(
        self, route: str, request: Request, applied: dict[Fault, dict[str, Any]]
    ) -> Response:
        if route == "asset":
            return self._sim.assets.serve(request, applied)
        if route == "audiopipe":
            return self._sim.assets.audiopipe(request)
        if route == "forbidden":
            return r.json_response(403, {"detail": "Forbidden"})
        if route == "unknown" or self._stock_lacks(route, request.path):
            return r.not_found_text()
        if route.startswith("account_"):
            return self._account_route(route, request)
        user = self._authenticate(request)
        if isinstance(user, Response):
            return user
        if route == "fetch":
            return self._sim.task_api.fetch(request, user)
        if route == "fetch_one":
            return self._sim.task_api.fetch_one(request, user)
        if route == "submit_music":
            return self._sim.task_api.submit_music(request, user)
        if route == "submit_lyrics":
            return self._sim.task_api.submit_lyrics(request, user)
        if route == "submit_concat" and self._sim.family == "hosted":
            return self._sim.clip_actions.concat(request, user)
        if route.startswith("act_"):
            return self._sim.clip_actions.act(route, request, user)
        return self._sim.task_api.submit_other(request)  # stock: invalid_action

    def _stock_lacks(self, route: str, path: str) -> bool:
        """A route a stock gateway does not have at all (its router's 404)."""
        if self._sim.family == "hosted":
            return False
        return route.startswith("act_") or (route == "submit_concat" and "/music/" in path)

    def _account_route(self, route: str, request: Request) -> Response:
        usage_token = route in ("account_usage_token", "account_usage_token_redirect")
        if not self._sim.account_endpoints or (
            usage_token and self._sim.account_flavour == "one-hub"
        ):
            return r.not_found_text()
        if route == "account_task_self":
            return self._sim.account.task_self(request)
        if route == "account_usage_token_redirect":
            return moved_permanently("/api/usage/token/")
        if route == "account_usage_token":
            return self._sim.account.usage_token(request)
        user = self._authenticate(request)
        if isinstance(user, Response):
            return user
        if self._sim.key_exhausted:
            return r.gateway_error(
                401, f"该令牌额度已用尽 token quota is exhausted (request id: {self._request_id()})"
            )
        if route == "account_billing_subscription":
            return self._sim.account.subscription()
        return self._sim.account.usage()

    def _request_id(self) -> str:
        self._request_counter += 1
        stamp = formatdate(self._sim.clock.now(), usegmt=True)
        digest = hashlib.md5(f"{stamp}{self._request_counter}".encode(), usedforsecurity=False)
        return digest.hexdigest()[:20]

    def _authenticate(self, request: Request) -> str | Response:
        raw = (request.header("authorization") or "").strip()
        if raw[:7].lower() == "bearer ":
            raw = raw[7:].strip()
        if not raw:
            return r.gateway_error(401, f"未提供令牌 (request id: {self._request_id()})")
        user = self._sim.api_tokens.get(raw)
        if user is None:
            return r.gateway_error(401, f"无效的令牌 (request id: {self._request_id()})")
        return user

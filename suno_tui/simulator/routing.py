"""Which endpoint a request is for, and the faults that replace or cut its answer."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from suno_tui.simulator import responses as r
from suno_tui.simulator.faults import Fault, Scope
from suno_tui.simulator.http import Request, Response


def classify(request: Request) -> tuple[str, Scope]:
    path, method = request.path, request.method
    if path.startswith("/suno/"):
        if path == "/suno/fetch" and method == "POST":
            return "fetch", "api"
        if path.startswith("/suno/fetch/") and method == "GET":
            return "fetch_one", "api"
        if path.startswith("/suno/submit/") and method == "POST":
            return _submit_route(path[len("/suno/submit/") :]), "api"
        if path.startswith("/suno/act/") and method == "GET":
            kind, _, clip_id = path[len("/suno/act/") :].partition("/")
            if kind in ACT_KINDS and clip_id and "/" not in clip_id:
                return f"act_{kind}", "api"
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


#: the ``/suno/act/{kind}/{clip_id}`` routes hosted gateways add
ACT_KINDS = ("wav", "timing", "mp4")


def _submit_route(action: str) -> str:
    """new-api's ``/suno/submit/:action`` (the action upper-cased), and the
    longer spelling of concat some hosted gateways use."""
    lowered = action.lower()
    if lowered in ("music", "lyrics"):
        return f"submit_{lowered}"
    if lowered in ("concat", "music/concat"):
        return "submit_concat"
    return "unknown" if "/" in action or not action else "submit_other"


_ACCOUNT_ROUTES = {
    "/api/task/self": "account_task_self",
    "/dashboard/billing/subscription": "account_billing_subscription",
    "/dashboard/billing/usage": "account_billing_usage",
    "/api/usage/token/": "account_usage_token",
    "/api/usage/token": "account_usage_token_redirect",
}


def asset_path_name(path: str) -> str:
    return unquote(path[len("/assets/") :])


def generic_fault(route: str, applied: dict[Fault, dict[str, Any]]) -> Response | None:
    """The answer a fault puts in place of the endpoint's (reset, 429, 5xx, HTML), or None."""
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


def truncate(response: Response, params: dict[str, Any]) -> None:
    """Cut the body: with an honest Content-Length (the client gets broken JSON)
    or, with ``cut_connection``, by closing the connection mid-body."""
    full = len(response.body) if response.stream is None else (response.length or 0)
    keep = params["keep"]
    keep = full // 2 if keep is None else min(int(keep), full)
    if response.stream is None and not params["cut_connection"]:
        response.body = response.body[:keep]
        return
    response.drop_after = keep

"""The bodies gateways, proxies and CDNs really answer with."""

from __future__ import annotations

import json
from typing import Any

from suno_tui.simulator.http import Response

JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(status, {"Content-Type": JSON_TYPE, **(headers or {})}, body)


def success(data: Any) -> Response:
    """The task layer's success envelope."""
    return json_response(200, {"code": "success", "message": "", "data": data})


def task_error(status: int, code: str, message: str) -> Response:
    """The task layer's error envelope (HTTP 400/403/500)."""
    return json_response(status, {"code": code, "message": message, "data": None})


def gateway_error(
    status: int,
    message: str,
    headers: dict[str, str] | None = None,
    err_type: str = "new_api_error",
) -> Response:
    """The gateway layer's OpenAI-style error (bad token, rate limit, no channel)."""
    payload = {"error": {"message": message, "type": err_type, "param": "", "code": None}}
    return json_response(status, payload, headers)


def nginx_page(status: int) -> Response:
    """The error page nginx serves when the gateway behind it fails."""
    title = f"{status} {_reason(status)}"
    body = (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )
    return Response(status, {"Content-Type": "text/html"}, body.encode())


def maintenance_page(status: int) -> Response:
    """An HTML page where JSON was expected (a CDN challenge or maintenance notice)."""
    body = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Just a moment...</title></head><body><h1>Checking your browser "
        "before accessing the site.</h1><p>This process is automatic.</p>"
        "<noscript>Please enable JavaScript and cookies to continue.</noscript>"
        "</body></html>"
    )
    return Response(status, {"Content-Type": HTML_TYPE}, body.encode())


def login_page() -> Response:
    """What a misconfigured CDN returns instead of the media file."""
    body = (
        "<!DOCTYPE html><html><head><title>Sign in</title></head><body>"
        '<form action="/login" method="post"><input name="user"></form>'
        "</body></html>"
    )
    return Response(200, {"Content-Type": HTML_TYPE}, body.encode())


def cdn_error(status: int, code: str, message: str) -> Response:
    """An S3/CloudFront-style XML error, as asset hosts send."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    )
    return Response(status, {"Content-Type": "application/xml"}, body.encode())


def not_found_text() -> Response:
    """The router's answer to an unknown route (gin's default, plain text)."""
    return Response(404, {"Content-Type": "text/plain"}, b"404 page not found")


def _reason(status: int) -> str:
    return {
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Temporarily Unavailable",
        504: "Gateway Time-out",
    }.get(status, "Error")

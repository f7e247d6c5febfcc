"""Typed errors of the relay client, each with a message a user can act on.

Messages may quote the gateway (often in Chinese); that text is untrusted, so
front ends must pass ``str(error)`` through ``safe_text.clean_line`` before
showing it. The client redacts the token from every message it builds.
"""

from __future__ import annotations


class RelayError(Exception):
    """Base class: anything that went wrong talking to the gateway."""

    #: a short word for status bars and JSON output
    kind = "error"


class AuthError(RelayError):
    """The gateway refused the token (HTTP 401/403 or an auth envelope)."""

    kind = "auth"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        self.status = status
        self.message = message
        where = f"HTTP {status}" if status else "gateway"
        super().__init__(f"authentication refused ({where}): {message or 'no message'}")


class RateLimited(RelayError):
    """HTTP 429. ``retry_after`` is the server's hint in seconds, if any."""

    kind = "rate-limited"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        self.message = message
        hint = f", retry after {retry_after:g} s" if retry_after is not None else ""
        super().__init__(f"rate limited (HTTP 429{hint}){': ' + message if message else ''}")


class GatewayError(RelayError):
    """The gateway answered with an error: HTTP 5xx, or a non-success envelope."""

    kind = "gateway"

    def __init__(self, message: str, *, status: int | None = None, code: str = "") -> None:
        self.status = status
        self.code = code
        self.message = message
        parts = [f"HTTP {status}" if status else "", f"code {code}" if code else ""]
        where = ", ".join(part for part in parts if part) or "gateway"
        super().__init__(f"gateway error ({where}): {message or 'no message'}")


class TaskNotFound(GatewayError):
    """``GET /suno/fetch/{id}`` of an id the gateway does not know."""

    kind = "not-found"


class MalformedResponse(RelayError):
    """The answer could not be read: not JSON, truncated, or the wrong shape."""

    kind = "malformed"

    def __init__(self, detail: str, *, status: int | None = None) -> None:
        self.detail = detail
        self.status = status
        where = f" (HTTP {status})" if status else ""
        super().__init__(f"malformed answer from the gateway{where}: {detail}")


class AnswerTooLarge(MalformedResponse):
    """An answer over the size limit, refused unread (e.g. a file where JSON
    was expected). ``content_type`` says what the server said it was."""

    def __init__(self, detail: str, *, status: int | None = None, content_type: str = "") -> None:
        super().__init__(detail, status=status)
        self.content_type = content_type


class NetworkError(RelayError):
    """The request did not get an answer: DNS, refused, reset, TLS..."""

    kind = "network"


class RelayTimeout(NetworkError):
    """No answer within the configured timeout."""

    kind = "timeout"


class OutcomeUnknown(NetworkError):
    """A submit was sent but no answer came: it may or may not have been
    accepted, so it must not be retried blindly (a retry can charge twice)."""

    kind = "outcome-unknown"


class NotSupported(RelayError):
    """The gateway has no such endpoint (404, or a web page where JSON was
    expected): a feature it does not offer, to be said once, not retried."""

    kind = "not-supported"


class AccountAuthError(AuthError):
    """The gateway refused the account credentials (the access token, or the
    user id that goes with it) on an account endpoint. The message says which
    to fix: the API key is not involved."""

    def __init__(self, message: str, *, status: int | None = None, hint: str = "") -> None:
        super().__init__(message, status=status)
        where = f"HTTP {status}" if status else "gateway"
        text = f"access token refused ({where}): {message or 'no message'}"
        self.hint = hint
        self.args = (f"{text}; {hint}" if hint else text,)


def transport_reason(error: BaseException) -> str:
    """Why a connection failed, in words, even when httpx's message is empty."""
    import ssl  # here: the start-up of commands that never connect stays short

    seen: BaseException | None = error
    for _ in range(8):
        if seen is None:
            break
        if isinstance(seen, ssl.SSLCertVerificationError):
            return str(error) or str(seen) or "the server's TLS certificate is not trusted"
        if isinstance(seen, ssl.SSLError):
            detail = getattr(seen, "reason", None) or str(seen)
            return f"TLS handshake failed ({detail}): the server may not speak HTTPS"
        seen = seen.__cause__ or seen.__context__
    # httpx's ReadError and friends often carry no message at all.
    return str(error).strip() or f"the connection failed ({type(error).__name__})"

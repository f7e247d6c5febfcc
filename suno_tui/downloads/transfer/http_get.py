"""The HTTP side of one download: a GET that follows redirects itself, the
answer's headers read (status, Content-Range, validators, encoding), and
the size of a remote file."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from suno_tui.downloads.errors import (
    ContentError,
    DownloadError,
    HttpStatusError,
    LinkRefused,
    NotFound,
    TransferError,
)
from suno_tui.downloads.files import (
    Meta,
)
from suno_tui.downloads.transfer.speed_floor import TooSlow

if TYPE_CHECKING:
    import httpx
from suno_tui.downloads.transfer.threads import Stopper, in_thread

MAX_REDIRECTS = 5
_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)


def retry_after_seconds(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


def status_error(status: int, url_hint: str, retry_after: float | None) -> HttpStatusError:
    if status in (401, 403, 410):
        return LinkRefused(
            f"the server refused the link (HTTP {status}): it may have expired", status=status
        )
    if status == 404:
        return NotFound(f"the file is not on the server (HTTP 404) at {url_hint}", status=status)
    if status == 429:
        return HttpStatusError(
            "rate limited by the server (HTTP 429)", status=status, retry_after=retry_after
        )
    return HttpStatusError(
        f"the server answered HTTP {status}", status=status, retry_after=retry_after
    )


def url_hint(url: str) -> str:
    """Scheme, host and path: the query of a signed URL is a credential of sorts."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{parts.path}"


def int_header(value: str | None) -> int | None:
    if value is not None and value.strip().isdigit():
        return int(value.strip())
    return None


@contextlib.contextmanager
def send_get(
    http: httpx.Client,
    url: str,
    headers: dict[str, str],
    stopper: Stopper,
    header_deadline: float | None = None,
) -> Iterator[httpx.Response]:
    """GET with redirects followed here: at most MAX_REDIRECTS, http(s) only.

    ``header_deadline``: seconds the final answer's headers may take, from
    the first request (redirects included). A read timeout does not bound a
    server that sends its headers a byte at a time; this does (TooSlow).
    """
    import httpx

    deadline = _HeaderDeadline(stopper, header_deadline)
    target = httpx.URL(url)
    try:
        for _ in range(MAX_REDIRECTS + 1):
            if target.scheme not in ("http", "https"):
                raise DownloadError(
                    f"refusing to follow a link that is not http(s) ({target.scheme}:)"
                )
            stopper.check()
            request = http.build_request(
                "GET", target, headers=headers, extensions={"trace": stopper.trace}
            )
            try:
                response = http.send(request, stream=True, follow_redirects=False)
            except httpx.TransportError:
                deadline.check()
                raise
            location = response.headers.get("location")
            if response.is_redirect and location:
                response.close()
                target = target.join(location)
                continue
            break
        else:
            raise DownloadError(f"too many redirects (more than {MAX_REDIRECTS})")
    finally:
        deadline.stop()
    if stopper.cut_short:  # the headers came just as the deadline cut the connection
        response.close()
        deadline.check()
    stopper.watch(response)
    try:
        yield response
    finally:
        stopper.watch(None)
        response.close()


class _HeaderDeadline:
    """Cuts the transfer's connection (``Stopper.cut``) if the headers have
    not all come ``seconds`` after it starts; None: no deadline."""

    def __init__(self, stopper: Stopper, seconds: float | None) -> None:
        self._stopper = stopper
        self._seconds = seconds
        self._timer: threading.Timer | None = None
        stopper.cut_short = False  # a new attempt: the last one's cut is over
        if seconds is not None:
            self._timer = threading.Timer(seconds, stopper.cut)
            self._timer.daemon = True
            self._timer.start()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def check(self) -> None:
        if self._stopper.cut_short:
            raise TooSlow(f"too slow: the answer's headers took over {self._seconds:g} s")


def content_range(value: str | None) -> tuple[int, int | None]:
    match = _CONTENT_RANGE.match(value or "")
    if match is None:
        raise TransferError(f"a 206 answer with an unreadable Content-Range ({value!r})")
    total = None if match[3] == "*" else int(match[3])
    return int(match[1]), total


def same_file(saved: Meta | None, fresh: Meta) -> bool:
    """Does a 206 continue the bytes we have? Compare whatever validators both have."""
    if saved is None:
        return False
    if saved.etag and fresh.etag:
        return saved.etag.removeprefix("W/") == fresh.etag.removeprefix("W/")
    if saved.last_modified and fresh.last_modified:
        return saved.last_modified == fresh.last_modified
    return False


def check_identity(content_encoding: str) -> None:
    """Files are asked for as they are (``Accept-Encoding: identity``) and written
    raw: an encoded body would be stored encoded, and decoding it has no bound."""
    names = [name.strip().lower() for name in content_encoding.split(",")]
    encoded = [name for name in names if name and name != "identity"]
    if encoded:
        shown = ", ".join(
            name if name.isascii() and name.replace("-", "").isalnum() else "?" for name in encoded
        )
        raise ContentError(
            f"the server sent the file compressed (Content-Encoding: {shown[:40]}) "
            "although it was asked for it as it is"
        )


def untrusted_certificate(error: BaseException) -> bool:
    """Did TLS refuse the server's certificate (somewhere in the cause chain)?"""
    import ssl

    seen: BaseException | None = error
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def remote_size(
    http: httpx.Client, url: str, header_deadline: float | None = None
) -> int | None:
    """The file's size from a GET's headers (the body is not read), or None
    (also when the headers take over ``header_deadline`` seconds).

    A refused link raises LinkRefused, so that the caller can fetch a fresh one.
    """
    stopper = Stopper()
    return await in_thread(stopper, _remote_size, http, url, stopper, header_deadline)


def _remote_size(
    http: httpx.Client, url: str, stopper: Stopper, header_deadline: float | None
) -> int | None:
    import httpx

    try:
        identity = {"Accept-Encoding": "identity"}
        with send_get(http, url, identity, stopper, header_deadline) as response:
            status = response.status_code
            if status in (401, 403, 410):
                raise status_error(status, url_hint(url), None)
            if status != 200:
                return None
            return int_header(response.headers.get("content-length"))
    except LinkRefused:
        raise
    except (httpx.HTTPError, httpx.InvalidURL, DownloadError):
        return None

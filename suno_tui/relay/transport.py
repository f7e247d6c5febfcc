"""One HTTP exchange with the gateway: the httpx client and its headers, a
deadline on the whole exchange, the body read under a size cap (decoded as it
arrives), and every transport failure mapped to a typed error. A request that
is not idempotent (a submit) and may have gone out fails as OutcomeUnknown.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from typing import Any

import httpx

from suno_tui import __version__
from suno_tui.relay.decoding import ACCEPT_ENCODING, BoundedDecoder, DecodeFailed, TooLarge
from suno_tui.relay.errors import (
    AnswerTooLarge,
    MalformedResponse,
    NetworkError,
    OutcomeUnknown,
    RelayTimeout,
    transport_reason,
)
from suno_tui.safe_text import mask_userinfo

USER_AGENT = f"suno-tui/{__version__} python-httpx/{httpx.__version__}"

SOCKS_HINT = (
    "a SOCKS proxy is set in the environment (ALL_PROXY or HTTPS_PROXY) but SOCKS "
    "support is not installed: pip install 'suno-tui[socks]'"
)


def _async_client(**options: Any) -> httpx.AsyncClient:
    """httpx's client; a SOCKS proxy without its extra is a ValueError we can explain."""
    try:
        return httpx.AsyncClient(**options)
    except ImportError:  # httpx reads proxies from the environment, socksio may be absent
        raise ValueError(SOCKS_HINT) from None
    except ValueError as error:  # a bad proxy URL, quoted with its user name
        raise ValueError(mask_userinfo(str(error))) from None


class Transport:
    """Sends requests to one gateway with one token (already checked)."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        concurrency: int,
        timeout: float,
        verify: bool | str | ssl.SSLContext,
        max_response_bytes: int,
        transport: httpx.AsyncBaseTransport | None,
    ) -> None:
        self.base_url = base_url
        self._max_response_bytes = max_response_bytes
        # The whole exchange, not only each read: a server dripping one byte a
        # second would otherwise hold a request open for ever.
        self._total_timeout = timeout
        headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            # only what BoundedDecoder can undo within the size limit
            "Accept-Encoding": ACCEPT_ENCODING,
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = _async_client(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,
            verify=verify,
            transport=transport,
            limits=httpx.Limits(max_connections=max(1, concurrency)),
        )
        #: HTTP requests sent, for the benchmarks and the status bar
        self.requests_sent = 0
        #: a submit went out (or may have): after an interruption, its outcome is unknown
        self.submit_sent = False

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send(
        self,
        method: str,
        path: str,
        payload: object,
        idempotent: bool,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """One exchange: (status, lower-case headers, body). ``max_bytes``
        lowers the client's size cap for this answer (never raises it)."""
        self.requests_sent += 1
        limit = self._max_response_bytes
        if max_bytes is not None:
            limit = min(limit, max_bytes)
        progress = _Progress()
        deadline = asyncio.timeout(self._total_timeout)
        try:
            async with deadline:
                return await self._exchange(method, path, payload, progress, params, headers, limit)
        except TimeoutError:
            if not deadline.expired():
                raise
            # Bytes kept coming, each within the read timeout, but too slowly.
            if not idempotent and progress.may_have_sent:
                raise OutcomeUnknown(
                    f"no complete answer within {self._total_timeout:g} s after the request "
                    "was sent: it may have been accepted; check the gateway before "
                    "submitting again"
                ) from None
            raise RelayTimeout(
                f"timed out: no complete answer within {self._total_timeout:g} s "
                f"from {self.base_url}"
            ) from None
        except httpx.TimeoutException as error:
            # No connection (ConnectTimeout) or none free (PoolTimeout): not sent.
            if not idempotent and not isinstance(error, httpx.ConnectTimeout | httpx.PoolTimeout):
                raise OutcomeUnknown(
                    "no answer in time after the request was sent: it may have been accepted; "
                    "check the gateway before submitting again"
                ) from None
            raise RelayTimeout(
                f"timed out ({type(error).__name__}) talking to {self.base_url}"
            ) from None
        except httpx.RemoteProtocolError as error:
            if not idempotent:
                # Even with the status line read, the task id may be lost.
                what = (
                    "the answer was cut off" if progress.answered else "the connection closed early"
                )
                raise OutcomeUnknown(
                    f"{what} ({error}): the request may have "
                    "been accepted; check the gateway before submitting again"
                ) from None
            if progress.answered:
                raise MalformedResponse(f"truncated answer: {error}") from None
            raise NetworkError(f"connection closed by {self.base_url}: {error}") from None
        except httpx.DecodingError as error:  # from a transport that decodes itself
            if not idempotent:
                raise garbled_submit(f"it could not be decoded: {error}") from None
            raise MalformedResponse(f"the answer could not be decoded: {error}") from None
        except (httpx.TransportError, OSError) as error:
            if not idempotent and not isinstance(
                error, httpx.ConnectError | httpx.UnsupportedProtocol
            ):
                raise OutcomeUnknown(
                    f"the request was sent but failed ({type(error).__name__}): it may have "
                    "been accepted; check the gateway before submitting again"
                ) from None
            raise NetworkError(f"cannot reach {self.base_url}: {transport_reason(error)}") from None
        except httpx.InvalidURL as error:
            raise NetworkError(f"invalid gateway URL {self.base_url!r}: {error}") from None
        finally:  # also on cancellation (Ctrl-C): the caller must know
            if not idempotent and progress.may_have_sent:
                self.submit_sent = True

    async def _exchange(
        self,
        method: str,
        path: str,
        payload: object,
        progress: _Progress,
        params: Mapping[str, str | int] | None,
        headers: Mapping[str, str] | None,
        limit: int,
    ) -> tuple[int, dict[str, str], bytes]:
        request = self._http.build_request(
            method,
            path,
            json=payload,
            params=params,
            headers=headers,
            extensions={"trace": progress.trace},
        )
        response = await self._http.send(request, stream=True)
        progress.answered = True
        try:
            body = await self._read_capped(response, limit)
        finally:
            await response.aclose()
        return response.status_code, {k.lower(): v for k, v in response.headers.items()}, body

    async def _read_capped(self, response: httpx.Response, limit: int) -> bytes:
        """The decoded body; at most ``limit`` bytes, counted as it is decoded."""
        declared = response.headers.get("content-length", "")
        content_type = response.headers.get("content-type", "")
        if declared.isdigit() and int(declared) > limit:
            raise AnswerTooLarge(
                f"answer of {declared} bytes exceeds the {limit}-byte limit",
                status=response.status_code,
                content_type=content_type,
            )
        if response.is_stream_consumed:  # built in memory (a mock transport): decoded
            if len(response.content) > limit:
                raise AnswerTooLarge(
                    f"answer exceeds the {limit}-byte limit",
                    status=response.status_code,
                    content_type=content_type,
                )
            return response.content
        chunks: list[bytes] = []
        try:
            decoder = BoundedDecoder(response.headers.get("content-encoding", ""), limit)
            async for raw in response.aiter_raw():
                chunks.extend(decoder.feed(raw))
            decoder.close()
        except TooLarge:
            raise AnswerTooLarge(
                f"answer exceeds the {limit}-byte limit",
                status=response.status_code,
                content_type=content_type,
            ) from None
        except DecodeFailed as error:
            raise MalformedResponse(
                f"the answer could not be decoded: {error}", status=response.status_code
            ) from None
        return b"".join(chunks)


def garbled_submit(detail: str | MalformedResponse) -> OutcomeUnknown:
    if isinstance(detail, MalformedResponse):
        detail = detail.detail
    return OutcomeUnknown(
        f"the gateway's answer could not be read ({detail}): the request may have been "
        "accepted; check the gateway before submitting again"
    )


class _Progress:
    """How far one exchange got, from httpx's trace events."""

    def __init__(self) -> None:
        #: httpx reported anything (a mock transport reports nothing)
        self.traced = False
        #: the request started to go out: a submit may have reached the gateway
        self.sending = False
        #: the status line and headers of the answer arrived
        self.answered = False

    @property
    def may_have_sent(self) -> bool:
        return self.sending or self.answered or not self.traced

    async def trace(self, event: str, info: dict[str, Any]) -> None:
        self.traced = True
        if event.endswith("send_request_headers.started"):
            self.sending = True

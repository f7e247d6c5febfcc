"""The HTTP client for files: synchronous (transfers run in worker threads),
one new connection per file, no credentials."""

from __future__ import annotations

from typing import TYPE_CHECKING

from suno_tui.downloads.errors import DownloadError

if TYPE_CHECKING:
    import ssl

    import httpx


def file_client(
    timeout: float, verify: bool | str | ssl.SSLContext, concurrency: int
) -> httpx.Client:
    """The HTTP client for files (synchronous: transfers run in worker threads)."""
    import httpx

    from suno_tui import __version__
    from suno_tui.relay.client import SOCKS_HINT

    try:
        return httpx.Client(
            # No Authorization header: the gateway's token never goes to a CDN.
            headers={"User-Agent": f"suno-tui/{__version__}"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            # the writer follows redirects itself (bounded, http(s) only)
            follow_redirects=False,
            verify=verify,
            # A new connection per file: only then does the writer learn the
            # socket before the headers come, so a cancel (or quit) never waits
            # for a server that accepted the connection and stays silent.
            limits=httpx.Limits(
                max_connections=concurrency * 2,
                max_keepalive_connections=0,
            ),
        )
    except ImportError:  # a SOCKS proxy in the environment, without socksio
        raise DownloadError(SOCKS_HINT) from None
    except ValueError as error:  # a bad proxy URL, quoted with its user name
        from suno_tui.safe_text import mask_userinfo

        raise DownloadError(mask_userinfo(str(error))) from None

"""Clip covers for the detail view: fetched once per clip, kept in a bounded cache.

Everything here is blocking and meant for a cover thread (see
:mod:`.cover_pool`): the monitor never fetches or decodes on its UI thread, nor
on the threads the rest of the program shares.

The image is untrusted input from a CDN:

- it is fetched by :mod:`.cover_fetch`: http(s) only, from a public address
  unless the gateway is on a local one too (:mod:`.cover_address`), at most
  :data:`MAX_DOWNLOAD` bytes (``Content-Length`` is checked first, then the
  bytes as they arrive), a bounded number of redirects, and a total deadline
  of :data:`~.cover_fetch.DEADLINE` seconds for all of it;
- it is decoded by :mod:`.cover_decode`, bounded in pixels, scans and
  decodes at once, only in the formats a cover comes in (JPEG, PNG, WebP,
  GIF);
- what is cached is not the download but a small RGB thumbnail
  (:data:`THUMBNAIL` pixels square at most) that this module wrote itself as
  PNG, so reading the cache again is cheap and safe.

A broken, truncated, oversized, slow or non-image answer is a
:class:`CoverError` (one line, for the placeholder); failures are remembered
for the session so a broken cover is not fetched again on every visit.

The cache (``covers/`` in the user cache folder, via platformdirs) keeps at
most :data:`CACHE_FILES` thumbnails and :data:`CACHE_BYTES` bytes; the least
recently used go first.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from suno_tui.downloads.cover_decode import MAX_PIXELS, THUMBNAIL, CoverError, decode_cover
from suno_tui.downloads.cover_fetch import DEADLINE, MAX_DOWNLOAD, CoverFetcher, default_client

if TYPE_CHECKING:
    import httpx
    from PIL.Image import Image

__all__ = [
    "CACHE_BYTES",
    "CACHE_FILES",
    "MAX_DOWNLOAD",
    "MAX_PIXELS",
    "THUMBNAIL",
    "CoverCache",
    "CoverError",
    "decode_cover",
    "default_cache_dir",
]

#: thumbnails kept at most
CACHE_FILES = 400
#: bytes of thumbnails kept at most
CACHE_BYTES = 16 * 1024 * 1024

#: fetches a URL's bytes (blocking); CoverError if there are none
Fetch = Callable[[str], bytes]


def default_cache_dir() -> Path:
    import platformdirs

    from suno_tui.config.paths import APP_NAME

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "covers"


def _key(clip_id: str) -> str:
    import hashlib  # at the first cover, not on the way to the monitor's first frame

    return hashlib.sha256(clip_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class CoverCache:
    """Thumbnails by clip id: from the cache folder, else fetched (blocking)."""

    def __init__(
        self,
        folder: Path | None = None,
        *,
        max_files: int = CACHE_FILES,
        max_bytes: int = CACHE_BYTES,
        max_download: int = MAX_DOWNLOAD,
        deadline: float = DEADLINE,
        gateway_url: str | None = None,
        http_factory: Callable[[], httpx.AsyncClient] | None = None,
    ) -> None:
        self.folder = folder or default_cache_dir()
        self.max_files = max_files
        self.max_bytes = max_bytes
        self.max_download = max_download
        self.deadline = deadline
        #: covers on the kinds of address the gateway is on are allowed (cover_address)
        self.gateway_url = gateway_url
        self._http_factory = http_factory or default_client
        self._lock = threading.Lock()
        self._failed: dict[str, str] = {}
        #: network fetches made (for tests and the benchmark)
        self.fetches = 0

    def path_for(self, clip_id: str) -> Path:
        return self.folder / f"{_key(clip_id)}.png"

    def new_fetcher(self) -> CoverFetcher:
        """A fetcher for one thread (its own event loop and HTTP client)."""
        return CoverFetcher(
            client_factory=self._http_factory,
            gateway_url=self.gateway_url,
            max_download=self.max_download,
            deadline=self.deadline,
        )

    def get(self, clip_id: str, url: str, *, fetch: Fetch | None = None) -> Image:
        """The clip's thumbnail; fetched once, then from the cache. CoverError if none.

        ``fetch`` is the calling thread's fetcher; without one, a fetcher is
        made for this call and closed after it.
        """
        if clip_id in self._failed:
            raise CoverError(self._failed[clip_id])
        cached = self._read(clip_id)
        if cached is not None:
            return cached
        try:
            image = decode_cover(self._download(url, fetch))
        except CoverError as error:
            self._failed[clip_id] = str(error)
            raise
        self._store(clip_id, image)
        return image

    # -- the cache folder -------------------------------------------------------------

    def _read(self, clip_id: str) -> Image | None:
        path = self.path_for(clip_id)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            image = decode_cover(data)
        except CoverError:
            path.unlink(missing_ok=True)  # damaged: fetch it again
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: pruned last
        return image

    def _store(self, clip_id: str, image: Image) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = self.path_for(clip_id)
            temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            image.save(temporary, format="PNG", optimize=False)
            os.replace(temporary, path)
            self.prune()
        except OSError:
            pass  # a cache that cannot be written only costs a fetch next time

    def prune(self) -> None:
        """Delete the least recently used thumbnails beyond the limits."""
        with self._lock:
            entries = []
            for path in self.folder.glob("*.png"):
                try:
                    stat = path.stat()
                except OSError:
                    continue
                entries.append((stat.st_mtime, stat.st_size, path))
            entries.sort(reverse=True)  # newest first
            kept_bytes = 0
            for index, (_, size, path) in enumerate(entries):
                kept_bytes += size
                if index >= self.max_files or kept_bytes > self.max_bytes:
                    path.unlink(missing_ok=True)
            for stale in self.folder.glob("*.tmp"):
                stale.unlink(missing_ok=True)

    # -- the network ------------------------------------------------------------------

    def _download(self, url: str, fetch: Fetch | None) -> bytes:
        self.fetches += 1
        if fetch is not None:
            return fetch(url)
        fetcher = self.new_fetcher()
        try:
            return fetcher.fetch(url)
        finally:
            fetcher.close()

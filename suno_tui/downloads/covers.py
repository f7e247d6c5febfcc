"""Clip covers for the detail view: fetched once per clip, kept in a bounded cache.

Everything here is blocking and meant for a worker thread: the monitor never
fetches or decodes on its UI thread, and never in a poll's way.

The image is untrusted input from a CDN:

- the body is read up to :data:`MAX_DOWNLOAD` bytes (``Content-Length`` is
  checked first, then the bytes as they arrive), over http(s) only, with a
  bounded number of redirects and a timeout;
- Pillow decodes it with ``Image.MAX_IMAGE_PIXELS`` at :data:`MAX_PIXELS` and
  its decompression-bomb warning raised as an error, only in the formats a
  cover comes in (JPEG, PNG, WebP, GIF), dimensions checked before decoding;
- what is cached is not the download but a small RGB thumbnail
  (:data:`THUMBNAIL` pixels square at most) that this module wrote itself as
  PNG, so reading the cache again is cheap and safe.

A broken, truncated, oversized or non-image answer is a :class:`CoverError`
(one line, for the placeholder); failures are remembered for the session so
a broken cover is not fetched again on every visit.

The cache (``covers/`` in the user cache folder, via platformdirs) keeps at
most :data:`CACHE_FILES` thumbnails and :data:`CACHE_BYTES` bytes; the least
recently used go first.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

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

#: bytes read from a cover URL at most (covers are ~100-400 KiB)
MAX_DOWNLOAD = 4 * 1024 * 1024
#: pixels an image may declare (width x height) before it is refused undecoded
MAX_PIXELS = 4096 * 4096
#: side of the cached thumbnail, in pixels
THUMBNAIL = 96
#: thumbnails kept at most
CACHE_FILES = 400
#: bytes of thumbnails kept at most
CACHE_BYTES = 16 * 1024 * 1024
#: redirects followed at most
MAX_REDIRECTS = 3
TIMEOUT = 15.0
_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")


class CoverError(Exception):
    """Why there is no cover (one line, safe to show)."""


def default_cache_dir() -> Path:
    import platformdirs

    from suno_tui.config.paths import APP_NAME

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "covers"


def decode_cover(data: bytes, *, max_pixels: int = MAX_PIXELS) -> Image:
    """A small RGB thumbnail of ``data``, or CoverError. Never trusts the header."""
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    PILImage.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data), formats=_FORMATS) as image:
                width, height = image.size
                if width <= 0 or height <= 0 or width * height > max_pixels:
                    raise CoverError(f"image too large ({width}x{height})")
                image.draft("RGB", (THUMBNAIL * 2, THUMBNAIL * 2))  # JPEG: decode smaller
                image.load()
                thumbnail = image.convert("RGB")
    except CoverError:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as error:
        raise CoverError("image too large") from error
    except UnidentifiedImageError as error:
        raise CoverError("not an image") from error
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise CoverError("broken image") from error
    thumbnail.thumbnail((THUMBNAIL, THUMBNAIL))
    return thumbnail


def _key(clip_id: str) -> str:
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
        http_factory: Callable[[], httpx.Client] | None = None,
    ) -> None:
        self.folder = folder or default_cache_dir()
        self.max_files = max_files
        self.max_bytes = max_bytes
        self.max_download = max_download
        self._http_factory = http_factory
        self._http: httpx.Client | None = None
        self._lock = threading.Lock()
        self._failed: dict[str, str] = {}
        #: network fetches made (for tests and the benchmark)
        self.fetches = 0

    def path_for(self, clip_id: str) -> Path:
        return self.folder / f"{_key(clip_id)}.png"

    def get(self, clip_id: str, url: str) -> Image:
        """The clip's thumbnail; fetched once, then from the cache. CoverError if none."""
        if clip_id in self._failed:
            raise CoverError(self._failed[clip_id])
        cached = self._read(clip_id)
        if cached is not None:
            return cached
        try:
            image = decode_cover(self._download(url))
        except CoverError as error:
            self._failed[clip_id] = str(error)
            raise
        self._store(clip_id, image)
        return image

    def close(self) -> None:
        with self._lock:
            if self._http is not None:
                self._http.close()
                self._http = None

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

    def _client(self) -> httpx.Client:
        with self._lock:
            if self._http is None:
                if self._http_factory is not None:
                    self._http = self._http_factory()
                else:
                    import httpx

                    from suno_tui import __version__

                    self._http = httpx.Client(
                        headers={"User-Agent": f"suno-tui/{__version__}"},
                        timeout=httpx.Timeout(TIMEOUT, connect=10.0),
                        follow_redirects=False,
                    )
            return self._http

    def _download(self, url: str) -> bytes:
        import httpx

        self.fetches += 1
        http = self._client()
        for _ in range(MAX_REDIRECTS + 1):
            if urlsplit(url).scheme not in ("http", "https"):
                raise CoverError("not an http(s) link")
            try:
                with http.stream("GET", url, headers={"Accept-Encoding": "identity"}) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    if response.status_code != 200:
                        raise CoverError(f"HTTP {response.status_code}")
                    return self._read_body(response)
            except httpx.HTTPError as error:
                raise CoverError(f"cannot fetch: {type(error).__name__}") from error
        raise CoverError("too many redirects")

    def _read_body(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_download:
            raise CoverError(f"too big ({int(declared):,} bytes)")
        body = bytearray()
        for chunk in response.iter_raw():
            body += chunk
            if len(body) > self.max_download:
                raise CoverError(f"too big (over {self.max_download:,} bytes)")
        return bytes(body)

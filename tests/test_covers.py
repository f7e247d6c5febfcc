"""Cover thumbnails: fetched once, cached within bounds, hostile images refused."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from PIL import Image

from suno_tui.downloads.covers import THUMBNAIL, CoverCache, CoverError, decode_cover
from tests.fixtures import fake_dns


@pytest.fixture(autouse=True)
def _no_real_lookups(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns.install(monkeypatch)


def jpeg(size: tuple[int, int] = (300, 300), colour: tuple[int, int, int] = (200, 40, 90)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` and holds almost nothing."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


Handler = Callable[[httpx.Request], httpx.Response]


def cache_with(tmp_path: Path, handler: Handler, **kwargs: int) -> CoverCache:
    return CoverCache(
        tmp_path / "covers",
        http_factory=lambda: httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        **kwargs,
    )


def serving(body: bytes, **headers: str) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        sent = {"content-length": str(len(body)), **headers}
        return httpx.Response(200, stream=httpx.ByteStream(body), headers=sent)

    return handler


def test_a_cover_is_fetched_once_then_read_from_the_cache(tmp_path: Path) -> None:
    cache = cache_with(tmp_path, serving(jpeg()))
    first = cache.get("clip-1", "https://cdn.example/image_clip-1.jpeg")
    assert max(first.size) <= THUMBNAIL and first.mode == "RGB"
    assert cache.get("clip-1", "https://cdn.example/other-link.jpeg").size == first.size
    assert cache.fetches == 1
    assert cache.path_for("clip-1").exists()
    # a new session (a new cache object) reads the file, no fetch
    again = cache_with(tmp_path, serving(b"never asked"))
    assert again.get("clip-1", "https://cdn.example/x.jpeg").size == first.size
    assert again.fetches == 0


def test_the_cache_keeps_its_bounds(tmp_path: Path) -> None:
    cache = cache_with(tmp_path, serving(jpeg()), max_files=3)
    for index in range(6):
        cache.get(f"clip-{index}", f"https://cdn.example/{index}.jpeg")
    assert len(list((tmp_path / "covers").glob("*.png"))) == 3
    assert cache.path_for("clip-5").exists()  # the most recent stay
    one_file = cache.path_for("clip-5").stat().st_size
    small = cache_with(tmp_path, serving(jpeg()), max_bytes=one_file * 2)
    small.get("clip-9", "https://cdn.example/9.jpeg")
    total = sum(p.stat().st_size for p in (tmp_path / "covers").glob("*.png"))
    assert total <= one_file * 2 + one_file  # within one thumbnail of the bound
    assert not list((tmp_path / "covers").glob("*.tmp"))


def test_a_damaged_cache_file_is_fetched_again(tmp_path: Path) -> None:
    cache = cache_with(tmp_path, serving(jpeg()))
    cache.get("clip-1", "https://cdn.example/1.jpeg")
    cache.path_for("clip-1").write_bytes(b"garbage")
    fresh = cache_with(tmp_path, serving(jpeg()))
    fresh.get("clip-1", "https://cdn.example/1.jpeg")
    assert fresh.fetches == 1


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html>not found</html>", "not an image"),
        (jpeg()[:400], "broken image"),  # truncated
        (png_header_only(100_000, 100_000), "too large"),  # 10^10 pixels declared
        (png_header_only(64, 64), "broken image"),  # header fine, data missing
        (b"", "not an image"),
    ],
    ids=["html", "truncated-jpeg", "huge-dimensions", "png-without-data", "empty"],
)
def test_hostile_answers_become_a_reason(tmp_path: Path, body: bytes, reason: str) -> None:
    cache = cache_with(tmp_path, serving(body))
    with pytest.raises(CoverError, match=reason):
        cache.get("clip-1", "https://cdn.example/1.jpeg")
    # remembered: not fetched again this session, and nothing cached
    with pytest.raises(CoverError, match=reason):
        cache.get("clip-1", "https://cdn.example/1.jpeg")
    assert cache.fetches == 1
    assert not cache.path_for("clip-1").exists()


def test_the_pixel_limit_is_pillows_too() -> None:
    with pytest.raises(CoverError, match="too large"):
        decode_cover(jpeg((200, 200)), max_pixels=100 * 100)


def test_an_oversize_body_is_refused_declared_or_not(tmp_path: Path) -> None:
    big = jpeg() + b"\x00" * 5000
    declared = cache_with(tmp_path, serving(big), max_download=4000)
    with pytest.raises(CoverError, match="too big"):
        declared.get("clip-1", "https://cdn.example/1.jpeg")

    async def pieces() -> AsyncIterator[bytes]:
        yield big[:3000]
        yield big[3000:]

    def streamed(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=pieces())  # no length

    undeclared = cache_with(tmp_path, streamed, max_download=4000)
    with pytest.raises(CoverError, match="too big"):
        undeclared.get("clip-2", "https://cdn.example/2.jpeg")


def test_links_other_than_http_and_redirect_loops(tmp_path: Path) -> None:
    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "/again"})

    cache = cache_with(tmp_path, loop)
    with pytest.raises(CoverError, match="redirects"):
        cache.get("clip-1", "https://cdn.example/1.jpeg")
    with pytest.raises(CoverError, match="http"):
        cache.get("clip-2", "file:///etc/passwd")

    def to_file(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "file:///etc/passwd"})

    with pytest.raises(CoverError, match="http"):
        cache_with(tmp_path, to_file).get("clip-3", "https://cdn.example/3.jpeg")


def test_http_errors_are_a_reason(tmp_path: Path) -> None:
    def missing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404)

    with pytest.raises(CoverError, match="HTTP 404"):
        cache_with(tmp_path, missing).get("clip-1", "https://cdn.example/1.jpeg")

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    with pytest.raises(CoverError, match="cannot fetch"):
        cache_with(tmp_path, down).get("clip-2", "https://cdn.example/2.jpeg")


def test_the_simulators_covers_decode_over_loopback(tmp_path: Path) -> None:
    from suno_tui.simulator import ManualClock, Simulator, SimulatorThread, Variant

    sim = Simulator(seed=5, clock=ManualClock())
    with SimulatorThread(sim):
        task_id = sim.add_task("success", elapsed=1000, variant=Variant(video=False))
        clip = sim.render(task_id)["data"][0]
        cache = CoverCache(tmp_path / "covers", gateway_url=sim.base_url)
        image = cache.get(clip["id"], clip["image_url"])
    assert image.size == (48, 48)
    assert cache.fetches == 1 and cache.path_for(clip["id"]).exists()
    assert not sim.errors

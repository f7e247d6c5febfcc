"""A cover link into the user's own machine or network is refused (issue #21, item 9),
unless the gateway is on an address of the same kind (the simulator is on
loopback); by address or by name, on the first hop or after a redirect."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest
from PIL import Image

from suno_tui.downloads.covers import CoverCache, CoverError
from tests.fixtures import fake_dns

PUBLIC_GATEWAY = "https://gateway.example"


@pytest.fixture(autouse=True)
def _no_real_lookups(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns.install(monkeypatch)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 200, 90)).save(out, format="JPEG")
    return out.getvalue()


class Cdn:
    """Answers every request with a cover (or a redirect to ``redirect_to``) and records it."""

    def __init__(self, redirect_to: str = "") -> None:
        self.redirect_to = redirect_to
        self.seen: list[str] = []
        self.body = jpeg()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(str(request.url))
        if self.redirect_to and len(self.seen) == 1:
            return httpx.Response(302, headers={"location": self.redirect_to})
        return httpx.Response(200, stream=httpx.ByteStream(self.body))

    def cache(self, tmp_path: Path, gateway_url: str) -> CoverCache:
        return CoverCache(
            tmp_path / "covers",
            gateway_url=gateway_url,
            http_factory=lambda: httpx.AsyncClient(transport=httpx.MockTransport(self)),
        )


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://169.254.169.254/latest/meta-data/iam/", "link-local"),
        ("http://metadata.example/image.jpeg", "link-local"),  # by name
        ("http://[fe80::1]/image.jpeg", "link-local"),
        ("http://127.0.0.1:8080/image.jpeg", "loopback"),
        ("http://localhost/image.jpeg", "loopback"),
        ("http://[::1]/image.jpeg", "loopback"),
        ("http://0.0.0.0/image.jpeg", "loopback"),
        ("http://[::ffff:127.0.0.1]/image.jpeg", "loopback"),
        ("http://mixed.example/image.jpeg", "loopback"),  # one bad address is enough
        ("http://10.1.2.3/image.jpeg", "private"),
        ("http://lan.example/image.jpeg", "private"),
        ("http://100.64.0.1/image.jpeg", "private"),
        ("http://[fd00::1]/image.jpeg", "private"),
    ],
)
def test_covers_on_local_addresses_are_refused_unasked(tmp_path: Path, url: str, kind: str) -> None:
    cdn = Cdn()
    cache = cdn.cache(tmp_path, PUBLIC_GATEWAY)
    with pytest.raises(CoverError, match=f"^cover on a {kind} address refused$"):
        cache.get("clip-1", url)
    assert cdn.seen == []  # no request was sent


def test_a_redirect_into_the_network_is_refused(tmp_path: Path) -> None:
    cdn = Cdn(redirect_to="http://169.254.169.254/latest/meta-data/")
    with pytest.raises(CoverError, match="link-local address refused"):
        cdn.cache(tmp_path, PUBLIC_GATEWAY).get("clip-1", "https://cdn.example/image.jpeg")
    assert cdn.seen == ["https://cdn.example/image.jpeg"]


def test_public_covers_are_fetched_whatever_the_gateway(tmp_path: Path) -> None:
    for gateway in (PUBLIC_GATEWAY, "http://127.0.0.1:8000"):
        cdn = Cdn()
        cache = cdn.cache(tmp_path / gateway.replace("/", "_"), gateway)
        cache.get("clip-1", "https://cdn.example/image.jpeg")
        cache.get("clip-2", "https://cdn2.suno.ai/image.jpeg")  # unknown name: the client's call
        assert len(cdn.seen) == 2


def test_a_gateway_on_loopback_may_serve_loopback_covers_only(tmp_path: Path) -> None:
    cdn = Cdn()
    cache = cdn.cache(tmp_path, "http://127.0.0.1:8000")
    cache.get("clip-1", "http://127.0.0.1:8000/assets/image.png")
    cache.get("clip-2", "http://localhost:8000/assets/image.png")
    assert len(cdn.seen) == 2
    with pytest.raises(CoverError, match="link-local address refused"):
        cache.get("clip-3", "http://169.254.169.254/latest/")
    with pytest.raises(CoverError, match="private address refused"):
        cache.get("clip-4", "http://192.168.1.1/admin")
    assert len(cdn.seen) == 2


def test_a_gateway_on_the_lan_may_serve_lan_covers(tmp_path: Path) -> None:
    cdn = Cdn()
    cache = cdn.cache(tmp_path, "http://lan.example:3000")
    cache.get("clip-1", "http://192.168.1.20:3000/image.jpeg")
    assert len(cdn.seen) == 1
    with pytest.raises(CoverError, match="loopback address refused"):
        cache.get("clip-2", "http://127.0.0.1/image.jpeg")


def test_the_monitor_judges_covers_by_its_gateway() -> None:
    from suno_tui.cli.monitor_cmd import covers_for
    from suno_tui.config.model import Gateway, Settings
    from suno_tui.downloads.cover_pool import CoverLoader

    settings = Settings().with_gateway(Gateway(base_url="http://127.0.0.1:8765"))
    loader = covers_for(settings, no_images=False)
    assert isinstance(loader, CoverLoader)
    assert loader.cache.gateway_url == "http://127.0.0.1:8765"
    loader.close()
    assert covers_for(settings, no_images=True) is None

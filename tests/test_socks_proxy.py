"""HTTP(S)_PROXY/ALL_PROXY are honoured, SOCKS included when the extra is
installed (issue #6 item 5): fetch goes through a minimal SOCKS5 proxy on
loopback to the simulator, and the proxy sees the connection."""

from __future__ import annotations

import asyncio
import json
import struct
import threading
from collections.abc import Iterator

import pytest
import socksio  # noqa: F401 - httpx's SOCKS support; a test dependency: missing, the tests fail

from suno_tui.cli import main
from suno_tui.simulator import Simulator


class Socks5Proxy:
    """Just enough SOCKS5 (no auth, CONNECT to IPv4 or a name) for one test."""

    def __init__(self) -> None:
        self.connects: list[tuple[str, int]] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        _version, methods = await reader.readexactly(2)
        await reader.readexactly(methods)
        writer.write(b"\x05\x00")
        _v, _cmd, _rsv, kind = await reader.readexactly(4)
        if kind == 1:
            host = ".".join(str(b) for b in await reader.readexactly(4))
        else:
            host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        self.connects.append((host, port))
        up_reader, up_writer = await asyncio.open_connection(host, port)
        writer.write(b"\x05\x00\x00\x01" + bytes(4) + b"\x00\x00")

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            while data := await src.read(65536):
                dst.write(data)
                await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def __enter__(self) -> Socks5Proxy:
        self._thread.start()
        if not self._ready.wait(5):  # bounded: fail here, not later on port 0
            raise AssertionError("the SOCKS5 proxy did not start listening")
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)


@pytest.fixture
def proxy() -> Iterator[Socks5Proxy]:
    with Socks5Proxy() as running:
        yield running


def test_fetch_goes_through_a_socks5_proxy(
    served: Simulator,
    proxy: Socks5Proxy,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    task = served.add_task("success", elapsed=10_000)
    monkeypatch.setenv("ALL_PROXY", f"socks5://127.0.0.1:{proxy.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert main(["fetch", "--json", task]) == 0
    assert json.loads(capsys.readouterr().out)[0]["status"] == "SUCCESS"
    assert proxy.connects == [("127.0.0.1", served.port)]


def test_a_socks_proxy_without_the_extra_is_a_clear_config_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import httpx

    from suno_tui.config import ConfigError, Gateway, Settings
    from suno_tui.engine.clients import client_for

    def no_socks(**options: object) -> None:
        raise ImportError("Using SOCKS proxy, but the 'socksio' package is not installed.")

    monkeypatch.setattr(httpx, "AsyncClient", no_socks)
    with pytest.raises(ConfigError, match=r"pip install 'suno-tui\[socks\]'"):
        client_for(Settings().with_gateway(Gateway(base_url="https://gw.example", token="t")))

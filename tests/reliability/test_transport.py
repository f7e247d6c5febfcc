"""Transport (issue #8, item 6): TLS verified by default (a custom CA bundle
works, ``--insecure`` must be asked for and warns), API redirects never
followed, asset redirects bounded and http(s) only, downloads never written
outside their folder, and answers bounded in size.

TLS is tested for real: a loopback HTTPS server with a self-signed
certificate (made with the openssl command) must be refused by default.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import tracemalloc
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from suno_tui.cli import main
from suno_tui.downloads.errors import DownloadError
from suno_tui.downloads.transfer.writer import MAX_REDIRECTS, download
from suno_tui.relay.client import DEFAULT_MAX_RESPONSE_BYTES, RelayClient
from suno_tui.relay.errors import GatewayError, MalformedResponse
from tests.fixtures import shapes
from tests.reliability.cli import clean_env
from tests.reliability.gateway import Answer, ScriptedGateway, Seen

TOKEN = "sk-transport-test"
TASK = "transport-task-1"
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 400
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 400


# -- TLS ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


def _task(assets_base: str) -> dict[str, Any]:
    task = shapes.success_task(TASK)
    for clip in task["data"]:
        clip["audio_url"] = f"{assets_base}/assets/{clip['id']}.mp3"
        clip["image_large_url"] = f"{assets_base}/assets/{clip['id']}.jpeg"
        clip["video_url"] = ""
    return task


class Api:
    """A gateway (over http or https) whose tasks' files live at ``assets_base``."""

    def __init__(self) -> None:
        self.assets_base = ""

    def __call__(self, seen: Seen) -> Answer:
        if seen.path.startswith("/assets/"):
            if seen.path.endswith(".mp3"):
                return Answer(200, {"content-type": "audio/mpeg"}, MP3)
            return Answer(200, {"content-type": "image/jpeg"}, JPEG)
        if seen.path.startswith("/suno/fetch/"):
            return Answer(200, {}, json.dumps(shapes.envelope(_task(self.assets_base))).encode())
        return Answer(200, {}, json.dumps(shapes.envelope([_task(self.assets_base)])).encode())


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in clean_env(tmp_path, SUNO_TUI_TOKEN=TOKEN).items():
        if key.startswith(("SUNO_TUI_", "XDG_")) or key == "HOME":
            monkeypatch.setenv(key, value)
    monkeypatch.delenv("SUNO_TUI_CONFIG", raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    return tmp_path


def _main(capfd: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capfd.readouterr()
    return code, out + err


def test_the_gateway_certificate_is_verified_by_default(
    certificate: tuple[Path, Path], env: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    api = Api()
    server = ScriptedGateway(api, tls=_server_context(certificate))
    with server as base_url:
        api.assets_base = base_url
        code, output = _main(capfd, "fetch", "--base-url", base_url, TASK)
        assert code == 4
        assert "CERTIFICATE_VERIFY_FAILED" in output or "certificate verify failed" in output
        assert not server.seen  # nothing was sent, the token least of all

        code, output = _main(
            capfd, "fetch", "--base-url", base_url, "--ca-bundle", str(certificate[0]), TASK
        )
        assert code == 0, output
        assert "warning" not in output

        code, output = _main(capfd, "fetch", "--base-url", base_url, "--insecure", TASK)
        assert code == 0, output
        assert "warning: TLS certificate verification is off" in output


def test_verify_tls_false_in_the_config_warns_too(
    certificate: tuple[Path, Path], env: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    config = env / "config.toml"
    config.write_text("verify_tls = false\n")
    api = Api()
    with ScriptedGateway(api, tls=_server_context(certificate)) as base_url:
        code, output = _main(capfd, "fetch", "--config", str(config), "--base-url", base_url, TASK)
    assert code == 0 and "TLS certificate verification is off" in output


def test_asset_downloads_verify_certificates_too(
    certificate: tuple[Path, Path], env: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The gateway over http (loopback); its files on an https CDN with a
    self-signed certificate: refused unless the CA bundle is given."""
    api = Api()
    cdn = ScriptedGateway(api, tls=_server_context(certificate))
    with ScriptedGateway(api) as base_url, cdn as cdn_url:
        api.assets_base = cdn_url
        folder = env / "music"
        code, output = _main(
            capfd, "download", "--base-url", base_url, "-o", str(folder), "--assets", "audio", TASK
        )
        assert code == 4, output
        assert "certificate" in output.lower()
        assert not list(folder.glob("*.mp3"))
        code, output = _main(
            capfd,
            "download",
            "--base-url",
            base_url,
            "-o",
            str(folder),
            "--assets",
            "audio",
            "--ca-bundle",
            str(certificate[0]),
            TASK,
        )
        assert code == 0, output
        assert len(list(folder.glob("*.mp3"))) == 2


@pytest.mark.parametrize("command", ["fetch", "watch", "download"])
def test_a_ca_bundle_without_certificates_is_a_clear_error(
    command: str, env: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    junk = env / "junk.pem"
    junk.write_text("not a certificate\n")
    code, output = _main(
        capfd, command, "--base-url", "https://127.0.0.1:9", "--ca-bundle", str(junk), TASK
    )
    assert code == 2
    assert f"error: ca_bundle {junk}: cannot load certificates from it" in output
    assert "Traceback" not in output


def test_a_ca_bundle_is_passed_as_a_context_not_a_deprecated_path(
    certificate: tuple[Path, Path], env: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        with ScriptedGateway(Api(), tls=_server_context(certificate)) as base_url:
            code, output = _main(
                capfd, "fetch", "--base-url", base_url, "--ca-bundle", str(certificate[0]), TASK
            )
    assert code == 0, output


def test_the_client_builds_httpx_with_verification_on() -> None:
    client = RelayClient("https://gw.example", TOKEN)
    context = client._transport._http._transport._pool._ssl_context  # type: ignore[attr-defined]
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname


# -- redirects --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_api_redirects_are_never_followed(status: int) -> None:
    calls: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(status, headers={"location": "https://evil.example/steal"})

    async with RelayClient(
        "https://gw.example", TOKEN, transport=httpx.MockTransport(answer)
    ) as client:
        with pytest.raises(
            GatewayError, match=r"unexpected redirect to https://evil.example/steal"
        ):
            await client.fetch([TASK])
        with pytest.raises(GatewayError, match="unexpected redirect"):
            await client.submit_music({"prompt": "x"})
    assert [call.url.host for call in calls] == ["gw.example", "gw.example"]


def test_a_redirecting_gateway_over_real_http(env: Path, capfd: pytest.CaptureFixture[str]) -> None:
    def answer(seen: Seen) -> Answer:
        return Answer(302, {"location": "http://127.0.0.1:9/elsewhere"})

    server = ScriptedGateway(answer)
    with server as base_url:
        code, output = _main(capfd, "fetch", "--base-url", base_url, TASK)
    assert code == 4
    assert "unexpected redirect to http://127.0.0.1:9/elsewhere" in output
    assert len(server.seen) == 1


def _redirects(count: int, final: bytes = MP3) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        step = int(request.url.path.strip("/").split(".")[0])
        if step < count:
            return httpx.Response(302, headers={"location": f"/{step + 1}.mp3"})
        return httpx.Response(
            200, headers={"content-type": "audio/mpeg"}, stream=httpx.ByteStream(final)
        )

    return httpx.MockTransport(answer)


async def test_asset_redirects_stop_at_the_limit(tmp_path: Path) -> None:
    with httpx.Client(transport=_redirects(MAX_REDIRECTS)) as http:
        written = await download(http, "https://cdn.example/0.mp3", tmp_path / "a.mp3", "audio")
    assert written.size == len(MP3)
    with (
        httpx.Client(transport=_redirects(MAX_REDIRECTS + 1)) as http,
        pytest.raises(DownloadError, match="too many redirects"),
    ):
        await download(http, "https://cdn.example/0.mp3", tmp_path / "b.mp3", "audio")
    assert not (tmp_path / "b.mp3").exists()


@pytest.mark.parametrize(
    "location",
    [
        "file:///etc/passwd",
        "ftp://cdn.example/a.mp3",
        "data:audio/mpeg;base64,SUQz",
        "gopher://cdn.example/a",
        "FILE:///etc/passwd",
    ],
)
async def test_asset_redirects_only_to_http(location: str, tmp_path: Path) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": location})

    with (
        httpx.Client(transport=httpx.MockTransport(answer)) as http,
        pytest.raises(DownloadError, match=r"not http|invalid URL"),
    ):
        await download(http, "https://cdn.example/a.mp3", tmp_path / "a.mp3", "audio")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://cdn.example/a.mp3",
        "data:audio/mpeg;base64,SUQz",
        "/etc/passwd",
        "//cdn.example",
        "javascript:alert(1)",
    ],
)
def test_asset_urls_that_are_not_http_are_never_fetched(
    url: str, env: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    def answer(seen: Seen) -> Answer:
        task = shapes.success_task(TASK)
        for clip in task["data"]:
            clip["audio_url"] = url
            clip["image_url"] = clip["image_large_url"] = url
            clip["video_url"] = ""
        one = seen.path.startswith("/suno/fetch/")
        return Answer(200, {}, json.dumps(shapes.envelope(task if one else [task])).encode())

    folder = env / "music"
    with ScriptedGateway(answer) as base_url:
        code, output = _main(
            capfd,
            "download",
            "--base-url",
            base_url,
            "-o",
            str(folder),
            "--assets",
            "audio,image",
            TASK,
        )
    assert code == 1, output
    assert "not an http(s) URL" in output or "without a file name" in output
    written = list(folder.iterdir()) if folder.exists() else []
    assert not [p for p in written if p.suffix in (".mp3", ".jpeg")]
    for path in written:
        assert b"root:" not in path.read_bytes()


# -- downloads stay in their folder -----------------------------------------------------------

HOSTILE_TITLES = ["../../escaped", "/etc/cron.d/x", "..\\..\\escaped", "..", ".hidden", "CON"]
HOSTILE_TEMPLATES = [
    "../{title}.{ext}",
    "../../{title} [{clip_id:.8}].{ext}",
    "/tmp/{title}.{ext}",
    "{task_id}/../../{title}.{ext}",
    "..\\{title}.{ext}",
    "{title}/{clip_id}.{ext}",
]


@pytest.mark.parametrize("template", HOSTILE_TEMPLATES)
def test_hostile_titles_and_templates_stay_in_the_folder(
    template: str, env: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    def answer(seen: Seen) -> Answer:
        if seen.path.startswith("/assets/"):
            return api(seen)
        task = _task(base)
        for clip, title in zip(task["data"], HOSTILE_TITLES, strict=False):
            clip["title"] = title
        one = seen.path.startswith("/suno/fetch/")
        return Answer(200, {}, json.dumps(shapes.envelope(task if one else [task])).encode())

    api = Api()
    outside = env / "outside"
    folder = outside / "inside" / "music"
    folder.mkdir(parents=True)
    with ScriptedGateway(answer) as base:
        code, output = _main(
            capfd, "download", "--base-url", base, "-o", str(folder), "--template", template, TASK
        )
    assert code == 0, output
    files = sorted(p for p in outside.rglob("*") if p.is_file())
    assert files and all(p.parent == folder for p in files), files
    assert len([p for p in files if p.suffix == ".mp3"]) == 2
    assert not any(p.name.startswith(".") for p in files)
    assert not Path("/tmp/escaped.mp3").exists()


# -- sizes ------------------------------------------------------------------------------------


class Endless:
    """An async body without Content-Length that never ends; counts what was read."""

    def __init__(self, chunk: int = 1 << 20) -> None:
        self.chunk = b"[" + b" " * (chunk - 1)
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            self.sent += len(self.chunk)
            yield self.chunk


async def test_an_endless_answer_is_cut_at_the_limit() -> None:
    body = Endless()

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body)

    tracemalloc.start()
    try:
        async with RelayClient(
            "https://gw.example", TOKEN, transport=httpx.MockTransport(answer)
        ) as client:
            with pytest.raises(MalformedResponse, match="exceeds the 16777216-byte limit"):
                await client.fetch([TASK])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert DEFAULT_MAX_RESPONSE_BYTES == 16 * 1024 * 1024
    # read up to the limit and one chunk more, then stopped
    assert DEFAULT_MAX_RESPONSE_BYTES < body.sent <= DEFAULT_MAX_RESPONSE_BYTES + (2 << 20)
    assert peak < 2 * DEFAULT_MAX_RESPONSE_BYTES


async def test_an_announced_huge_answer_is_not_read_at_all() -> None:
    body = Endless()

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-length": str(10**12)}, content=body)

    async with RelayClient(
        "https://gw.example", TOKEN, transport=httpx.MockTransport(answer)
    ) as client:
        with pytest.raises(MalformedResponse, match="1000000000000 bytes exceeds"):
            await client.fetch([TASK])
    assert body.sent == 0


async def test_an_endless_file_is_streamed_to_disk_not_memory(tmp_path: Path) -> None:
    """Downloads have no size limit (a song can be long; the server's length is
    checked when it gives one): memory stays at one chunk whatever the size."""
    size = 64 << 20

    def chunks() -> Iterator[bytes]:
        yield MP3
        sent = len(MP3)
        block = b"\xff\xfb\x90\x00" * (1 << 18)  # 1 MiB
        while sent < size:
            yield block
            sent += len(block)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "audio/mpeg"}, content=chunks())

    tracemalloc.start()
    try:
        with httpx.Client(transport=httpx.MockTransport(answer)) as http:
            written = await download(http, "https://cdn.example/a.mp3", tmp_path / "a.mp3", "audio")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written.size >= size
    assert peak < 16 << 20  # a few chunks, not the 64 MiB file


@contextlib.contextmanager
def _unreachable(how: str) -> Iterator[str]:
    """A gateway URL that fails at the network level in the way ``how`` says."""
    if how == "https to a plain-http port":
        with ScriptedGateway(Api()) as base_url:
            yield base_url.replace("http:", "https:")
    elif how == "nothing listening":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        yield f"http://127.0.0.1:{port}"  # the port was free a moment ago: refused
    else:  # accepts, reads the request, then hangs up (FIN) or resets (RST)
        server = socket.create_server(("127.0.0.1", 0))
        stop = threading.Event()

        def serve() -> None:
            while not stop.is_set():
                with contextlib.suppress(OSError):
                    connection, _ = server.accept()
                    with connection:
                        connection.recv(65536)
                        if how == "reset":  # linger 0: close sends RST
                            linger = struct.pack("ii", 1, 0)
                            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)

        worker = threading.Thread(target=serve, daemon=True)
        worker.start()
        try:
            yield f"http://127.0.0.1:{server.getsockname()[1]}"
        finally:
            stop.set()
            server.close()
            worker.join(5)


@pytest.mark.parametrize(
    "how", ["https to a plain-http port", "nothing listening", "closed without an answer", "reset"]
)
def test_no_network_error_is_a_crash(
    how: str, env: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A gateway that cannot be reached: exit 4 and one clear line, not a traceback."""
    with _unreachable(how) as base_url:
        code, output = _main(capfd, "fetch", "--base-url", base_url, TASK)
    assert code == 4, output
    assert "Traceback" not in output
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    prefix = re.escape("suno-tui: error: ") + r"(cannot reach|connection closed by) "
    said = re.match(prefix + re.escape(base_url) + r":\s*(.*)$", lines[0])
    assert said is not None, output
    assert said.group(2).strip(), f"the line names the gateway but not what went wrong: {output!r}"

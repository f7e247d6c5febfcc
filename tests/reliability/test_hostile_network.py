"""Hostile gateways (issue #14, items 1, 2, 5, 9 and 13c), each against a
fake server on loopback:

1. a layered compression bomb stays within the 16 MiB answer limit, with the
   child process's peak memory near it (not the gigabytes it decodes to);
2. a server that drips one byte at a time cannot outlast ``--request-timeout``
   (fetch, submit) or ``watch --timeout``;
5. a garbled success answer to a submit, or Ctrl-C once it was sent, is
   "outcome unknown", never "refused";
9. a password in a rejected URL, or the token inside a task id the gateway
   made up, is never echoed;
13c. an https URL to a plain-HTTP server says what is wrong.

Every wait is bounded (a subprocess timeout, an event wait) and fails the
test when it runs out; no test asserts how long anything took.
"""

from __future__ import annotations

import gzip
import json
import signal
import socket
import subprocess
import sys
import threading
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from suno_tui.cli import exit_codes, main
from suno_tui.downloads.errors import ContentError
from suno_tui.downloads.transfer.writer import download
from suno_tui.relay.client import DEFAULT_MAX_RESPONSE_BYTES, RelayClient
from suno_tui.relay.decoding import BoundedDecoder, DecodeFailed, TooLarge
from suno_tui.relay.errors import MalformedResponse
from tests.fixtures import shapes
from tests.reliability.bombs import gzip_of_zeros, layered_bomb
from tests.reliability.cli import REPO, clean_env, run
from tests.reliability.gateway import Answer, ScriptedGateway, Seen
from tests.reliability.measure import run_measured
from tests.reliability.raw_server import RawServer, Script

TOKEN = "sk-hostile-network-0123456789"
TASK = "hostile-task-1"
BOUND = 60  # seconds: any command here ends long before; reaching it fails the test
MIB = 1 << 20


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return clean_env(tmp_path, SUNO_TUI_TOKEN=TOKEN)


@pytest.fixture
def in_process_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in clean_env(tmp_path, SUNO_TUI_TOKEN=TOKEN).items():
        if key.startswith(("SUNO_TUI_", "XDG_")) or key == "HOME":
            monkeypatch.setenv(key, value)
    monkeypatch.delenv("SUNO_TUI_CONFIG", raising=False)
    return tmp_path


def _main(capfd: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capfd.readouterr()
    return code, out + err


# -- 1. compression bombs ---------------------------------------------------------------------


def _decode_all(encoding: str, body: bytes, *, pieces: int = 1, limit: int = 64 * MIB) -> bytes:
    decoder = BoundedDecoder(encoding, limit)
    step = max(1, len(body) // pieces)
    out = [
        piece
        for start in range(0, len(body), step)
        for piece in decoder.feed(body[start : start + step])
    ]
    decoder.close()
    return b"".join(out)


@pytest.mark.parametrize("pieces", [1, 7, 1000])
def test_the_decoder_undoes_what_servers_send(pieces: int) -> None:
    text = json.dumps(shapes.envelope([shapes.success_task()])).encode()
    raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    cases = {
        "gzip": gzip.compress(text),
        "x-gzip": gzip.compress(text),
        "deflate": zlib.compress(text),  # RFC 9110: zlib-wrapped
        "Deflate ": raw_deflate.compress(text) + raw_deflate.flush(),  # what some servers send
        "gzip, gzip": gzip.compress(gzip.compress(text)),
        "deflate, identity, gzip": gzip.compress(zlib.compress(text)),
        "identity": text,
        "": text,
    }
    for encoding, body in cases.items():
        assert _decode_all(encoding, body, pieces=pieces) == text, encoding
    # several gzip members, as RFC 1952 allows
    assert (
        _decode_all("gzip", gzip.compress(b"ab") + gzip.compress(b"cd"), pieces=pieces) == b"abcd"
    )


@pytest.mark.parametrize(
    ("encoding", "body", "reason"),
    [
        ("br", b"\x0b\x02\x80hello\x03", "unsupported Content-Encoding 'br'"),
        ("zstd", b"(\xb5/\xfd", "unsupported Content-Encoding 'zstd'"),
        ("gzip, gzip, gzip, gzip, gzip", b"", "5 stacked content encodings"),
        ("gzip", b"not gzip at all", "gzip"),
        ("gzip", gzip.compress(b"x" * 1000)[:-12], "ends early"),
        ("deflate", zlib.compress(b"abc") + b"junk", "after the end"),
    ],
)
def test_the_decoder_refuses_what_it_cannot_undo(encoding: str, body: bytes, reason: str) -> None:
    with pytest.raises(DecodeFailed, match=reason):
        _decode_all(encoding, body)


def test_no_decoding_step_expands_past_64_kib_and_the_limit_holds_per_layer() -> None:
    bomb = layered_bomb(64, layers=2)  # 64 MiB of zeros in ~1 KB
    decoder = BoundedDecoder("gzip, gzip", 4 * MIB)
    seen = 0
    with pytest.raises(TooLarge):
        for piece in decoder.feed(bomb):
            assert len(piece) <= 64 * 1024
            seen += len(piece)
    assert seen <= 4 * MIB
    # A layer that decodes to padding (empty stored blocks: 10 MiB of them
    # decode to nothing) is bounded too: every layer's output counts.
    empty_block = b"\x00\x00\x00\xff\xff"
    padded = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + empty_block * (2 * MIB)
    with pytest.raises(TooLarge):
        list(BoundedDecoder("gzip, gzip", 4 * MIB).feed(gzip.compress(padded)))


async def test_the_client_asks_only_for_what_it_can_bound() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = gzip.compress(json.dumps(shapes.envelope([shapes.success_task(TASK)])).encode())
        return httpx.Response(
            200, headers={"Content-Encoding": "gzip"}, stream=_Stream([body[:10], body[10:]])
        )

    async with RelayClient(
        "https://gw.example", TOKEN, transport=httpx.MockTransport(answer)
    ) as client:
        result = await client.fetch([TASK])
    assert list(result.tasks) == [TASK]
    assert seen[0].headers["accept-encoding"] == "gzip, deflate"


class _Stream(httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk


async def test_a_layered_bomb_is_cut_at_the_limit_in_process() -> None:
    bomb = layered_bomb(64, layers=2)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"Content-Encoding": "gzip, gzip"}, stream=_Stream([bomb])
        )

    async with RelayClient(
        "https://gw.example", TOKEN, transport=httpx.MockTransport(answer)
    ) as client:
        with pytest.raises(MalformedResponse, match="exceeds the 16777216-byte limit"):
            await client.fetch([TASK])


def test_fetch_stays_near_the_limit_against_a_layered_bomb(env: dict[str, str]) -> None:
    """Before the fix this child peaked above 256 MiB (the whole payload in one
    decoded chunk); 2 GiB took 4.1 GB. The limit is 16 MiB; the interpreter
    with httpx loaded is ~35 MiB."""
    bomb = layered_bomb(256, layers=2)
    headers = {"Content-Encoding": "gzip, gzip", "Content-Type": "application/json"}
    with ScriptedGateway(lambda seen: Answer(200, headers, bomb)) as base_url:
        ran = run_measured(["fetch", "--base-url", base_url, TASK], env, timeout=BOUND)
    assert not ran.killed
    assert ran.code == exit_codes.UNREACHABLE
    assert f"exceeds the {DEFAULT_MAX_RESPONSE_BYTES}-byte limit" in ran.stderr
    assert 0 < ran.peak_rss_mib < 128, ran  # 0: the child could not say


async def test_an_encoded_asset_is_refused_not_written_or_decoded(tmp_path: Path) -> None:
    """Files are asked for with ``Accept-Encoding: identity`` and streamed raw."""
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.headers.get("accept-encoding", ""))
        return httpx.Response(
            200,
            headers={"Content-Encoding": "gzip", "Content-Type": "audio/mpeg"},
            stream=httpx.ByteStream(gzip_of_zeros(64)),
        )

    with (
        httpx.Client(transport=httpx.MockTransport(answer)) as http,
        pytest.raises(ContentError, match=r"compressed \(Content-Encoding: gzip\)"),
    ):
        await download(http, "https://cdn.example/a.mp3", tmp_path / "a.mp3", "audio")
    assert asked == ["identity"]
    assert not (tmp_path / "a.mp3").exists()


# -- 2. a drip ------------------------------------------------------------------------------------


def _drip(sock: socket.socket, request: bytes, stop: threading.Event) -> None:
    """The status line, then one byte of a long body every 50 ms, for ever."""
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    sock.sendall(b"Content-Length: 1000000\r\n\r\n{")
    while not stop.wait(0.05):
        sock.sendall(b" ")


def test_fetch_ends_at_the_request_timeout_whatever_the_drip(env: dict[str, str]) -> None:
    with RawServer(_drip) as base_url:
        ran = run(
            ["fetch", "--base-url", base_url, "--request-timeout", "0.5", TASK],
            env,
            timeout=BOUND,
        )
    assert ran.code == exit_codes.UNREACHABLE
    assert "no complete answer within 0.5 s" in ran.stderr.decode()


def test_submit_ends_at_the_request_timeout_as_outcome_unknown(env: dict[str, str]) -> None:
    with RawServer(_drip) as base_url:
        ran = run(
            ["submit", "--base-url", base_url, "--request-timeout", "0.5", "--prompt", "la la"],
            env,
            timeout=BOUND,
        )
    stderr = ran.stderr.decode()
    assert ran.code == exit_codes.UNREACHABLE
    assert "outcome unknown" in stderr and "refused" not in stderr


def test_watch_ends_at_its_timeout_whatever_the_network_does(env: dict[str, str]) -> None:
    """The request timeout (60 s) is no help here: only ``--timeout`` can end it."""
    with RawServer(_drip) as base_url:
        ran = run(
            [
                "watch",
                "--base-url",
                base_url,
                "--request-timeout",
                "60",
                "--timeout",
                "1",
                "--unreachable-after",
                "1",
                TASK,
            ],
            env,
            timeout=BOUND,
        )
    assert ran.code == exit_codes.UNREACHABLE
    assert "timed out after 1 s" in ran.stderr.decode()


# -- 5. a garbled answer to a submit ------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b'{"code": "success", "data": "task-',  # truncated
        b'\xff\xfe{"code": "success", "data": "t1"}\xc3',  # not UTF-8
        b"<html><title>OK</title></html>",
        b'{"code": "success", "data": null}',  # no task id
    ],
    ids=["empty", "truncated", "not-utf8", "html", "no-id"],
)
def test_a_garbled_success_to_a_submit_is_outcome_unknown(
    body: bytes, in_process_env: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with ScriptedGateway(lambda seen: Answer(200, {}, body)) as base_url:
        code, output = _main(capfd, "submit", "--base-url", base_url, "--prompt", "la la")
    assert code == exit_codes.UNREACHABLE
    assert "outcome unknown" in output and "check the gateway before submitting again" in output
    assert "refused" not in output


def test_a_refusal_in_a_readable_answer_is_still_refused(
    in_process_env: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    body = json.dumps(shapes.task_error("quota_not_enough", "no quota")).encode()
    with ScriptedGateway(lambda seen: Answer(200, {}, body)) as base_url:
        code, output = _main(capfd, "submit", "--base-url", base_url, "--prompt", "la la")
    assert code == exit_codes.UNREACHABLE
    assert "submit refused" in output and "outcome unknown" not in output


def _silent(received: threading.Event) -> Script:
    def script(sock: socket.socket, request: bytes, stop: threading.Event) -> None:
        received.set()
        stop.wait(BOUND)  # never answers

    return script


def test_ctrl_c_after_the_submit_was_sent_is_outcome_unknown(env: dict[str, str]) -> None:
    received = threading.Event()
    with RawServer(_silent(received)) as base_url:
        child = subprocess.Popen(
            [sys.executable, "-m", "suno_tui", "submit", "--base-url", base_url, "--prompt", "x"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=REPO,
        )
        try:
            assert received.wait(BOUND), "the submit never reached the server"
            child.send_signal(signal.SIGINT)
            _, stderr = child.communicate(timeout=BOUND)
        finally:
            child.kill()
            child.wait()
    text = stderr.decode()
    assert child.returncode == exit_codes.INTERRUPTED
    assert "outcome unknown" in text and "check the gateway before submitting again" in text


# -- 9. secrets ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://user:hunter2secret@host/",
        "http://user:hunter2secret@host:99999/",
        "user:hunter2secret@x",
    ],
)
def test_a_password_in_a_rejected_url_is_never_echoed(url: str, env: dict[str, str]) -> None:
    ran = run(["fetch", "--base-url", url, TASK], env, timeout=BOUND)
    assert ran.code == exit_codes.USAGE
    assert b"hunter2secret" not in ran.output
    assert b"***@" in ran.stderr
    from_env = run(["fetch", TASK], {**env, "SUNO_TUI_BASE_URL": url}, timeout=BOUND)
    assert from_env.code == exit_codes.USAGE and b"hunter2secret" not in from_env.output
    saved = run(["config", "set", "base_url", url], env, timeout=BOUND)
    assert saved.code == exit_codes.USAGE and b"hunter2secret" not in saved.output


def test_a_proxy_url_is_quoted_without_its_user_info(env: dict[str, str]) -> None:
    proxied = {**env, "HTTPS_PROXY": "ftp://proxyuser:hunter2secret@proxy.example:1/"}
    ran = run(["fetch", "--base-url", "https://gw.example", TASK], proxied, timeout=BOUND)
    assert ran.code == exit_codes.USAGE
    assert b"proxyuser" not in ran.output and b"hunter2secret" not in ran.output


def test_the_token_inside_a_task_id_the_gateway_made_up_is_redacted(
    in_process_env: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    made_up = shapes.success_task(f"echo-{TOKEN}-echo")
    body = json.dumps(shapes.envelope([made_up])).encode()

    def answer(seen: Seen) -> Answer:
        return Answer(200, {}, body)

    with ScriptedGateway(answer) as base_url:
        code, output = _main(capfd, "fetch", "--base-url", base_url, TASK)
    assert code == exit_codes.OK
    assert "which was not asked for" in output
    assert TOKEN not in output and "echo-***-echo" in output


# -- 13c. https to a plain-HTTP server ------------------------------------------------------------


def test_https_to_a_plain_http_server_says_so(env: dict[str, str]) -> None:
    def hang_up(sock: socket.socket, request: bytes, stop: threading.Event) -> None:
        pass  # reads the TLS hello, closes: what many plain servers do

    with RawServer(hang_up, read_request=False) as base_url:
        https = base_url.replace("http://", "https://")
        ran = run(["fetch", "--base-url", https, TASK], env, timeout=BOUND)
    stderr = ran.stderr.decode()
    assert ran.code == exit_codes.UNREACHABLE
    assert "TLS handshake failed" in stderr and "may not speak HTTPS" in stderr

"""`WATS` against real servers over loopback sockets: shared by threads, refused, reset."""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import pywats
from pywats.testing import FakeClock

TOKEN = "YXBpOnNlY3JldA=="


class VersionHandler(BaseHTTPRequestHandler):
    """Answers GET /api/App/Version with a version that embeds the request's correlation id,
    so each caller can tell its own answer from anyone else's."""

    protocol_version = "HTTP/1.1"  # keep-alive: the client's pool reuses connections
    disable_nagle_algorithm = True  # headers and body go out in separate writes

    def do_GET(self) -> None:
        if self.headers.get("Authorization") != f"Basic {TOKEN}":
            self._reply(401, {"Message": "Authorization has been denied for this request."})
        elif self.path != "/api/App/Version":
            self._reply(404, {"Message": f"no route {self.path}"})
        else:
            self._reply(200, f"2025.3.9+{self.headers['X-Correlation-ID']}")

    def _reply(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def server_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), VersionHandler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_one_client_shared_by_8_threads_times_50_calls(server_url: str) -> None:
    def worker(client: pywats.WATS, thread_no: int) -> list[bool]:
        results = []
        for call_no in range(50):
            expected_id = f"t{thread_no}-c{call_no}"
            with pywats.correlation_id(expected_id):
                results.append(client.get_version() == f"2025.3.9+{expected_id}")
        return results

    with pywats.WATS(base_url=server_url, token=TOKEN) as client, ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(worker, client, n) for n in range(8)]
        answers = [ok for future in futures for ok in future.result()]
    assert len(answers) == 400
    assert all(answers)


def test_wrong_token_over_a_real_socket_is_an_authentication_error(server_url: str) -> None:
    client = pywats.WATS(base_url=server_url, token="d3Jvbmc=")
    with client, pytest.raises(pywats.AuthenticationError, match="denied"):
        client.get_version()


def test_refused_connection_is_an_api_connection_error() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), VersionHandler)
    port = server.server_address[1]
    server.server_close()  # nothing listens on the port any more
    client = pywats.WATS(base_url=f"http://127.0.0.1:{port}", token=TOKEN, max_retries=0)
    with client, pytest.raises(pywats.APIConnectionError, match=str(port)):
        client.get_version()


def test_connection_reset_by_a_real_peer_is_retried_then_raises() -> None:
    """A server that accepts and resets every connection (RST via SO_LINGER 0)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)  # poll, so the thread notices the test is over
    done = threading.Event()
    accepted: list[int] = []

    def reset_everything() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(1)
            connection.recv(65536)
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()

    thread = threading.Thread(target=reset_everything, daemon=True)
    thread.start()
    clock = FakeClock()
    port = listener.getsockname()[1]
    client = pywats.WATS(
        base_url=f"http://127.0.0.1:{port}", token=TOKEN, max_retries=2, clock=clock
    )
    try:
        with client, pytest.raises(pywats.APIConnectionError) as caught:
            client.get_version()
    finally:
        done.set()
        thread.join(5)
        listener.close()
    assert "3 attempt(s)" in str(caught.value)
    assert len(accepted) == 3
    assert len(clock.sleeps) == 2


def test_a_server_that_never_answers_gives_api_timeout_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:  # accepts, never replies
        port = listener.getsockname()[1]
        clock = FakeClock()
        client = pywats.WATS(
            base_url=f"http://127.0.0.1:{port}",
            token=TOKEN,
            timeout=0.2,
            max_retries=1,
            clock=clock,
        )
        with client, pytest.raises(pywats.APITimeoutError, match=r"timed out after 2 attempt"):
            client.get_version()
    assert len(clock.sleeps) == 1

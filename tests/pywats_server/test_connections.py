"""The server over a real socket: an error answer keeps a keep-alive connection usable, and a
client that stops sending its body is answered 408 and cut off."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import uvicorn
from fastapi import FastAPI

from pywats_server import Settings, create_app

BODY_TIMEOUT = 0.5


@dataclass(frozen=True)
class SocketServer:
    app: FastAPI
    port: int
    token: str


@pytest.fixture(scope="module")
def socket_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SocketServer]:
    """uvicorn in a thread of this process over a new SQLite database, so a test can make one
    store fail (an unexpected server error cannot be provoked by input once it is fixed)."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path_factory.mktemp('sockets') / 'wats.db'}",
        body_timeout_seconds=BODY_TIMEOUT,
    )
    app = create_app(settings)
    users = app.state.context.users
    users.create_user("admin", is_admin=True)
    token = users.issue_token("admin", "secret")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="critical", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    try:
        yield SocketServer(app, listener.getsockname()[1], token)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()
        app.state.context.database.dispose()


def test_an_unexpected_error_leaves_the_keep_alive_connection_usable(
    socket_server: SocketServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> list[tuple[int, str]]:
        raise RuntimeError("a bug in the server")

    monkeypatch.setattr(socket_server.app.state.context.reference, "levels", broken)
    headers = {"Authorization": f"Basic {socket_server.token}"}
    connection = http.client.HTTPConnection("127.0.0.1", socket_server.port, timeout=30)
    try:
        connection.request("GET", "/api/App/Levels", headers=headers)
        failed = connection.getresponse()
        assert failed.status == 500
        assert b"RuntimeError" in failed.read()
        assert failed.getheader("Connection", "").lower() != "close"
        kept = connection.sock
        connection.request("GET", "/api/App/Version", headers=headers)
        answered = connection.getresponse()
        assert answered.status == 200, answered.read()
        answered.read()
        assert connection.sock is kept  # the same connection, not a reconnect
    finally:
        connection.close()


def _answer(client: socket.socket) -> bytes:
    received = b""
    while chunk := client.recv(65536):
        received += chunk
    return received


def test_a_client_that_stops_sending_its_body_gets_408_and_is_cut_off(
    socket_server: SocketServer,
) -> None:
    with socket.create_connection(("127.0.0.1", socket_server.port), timeout=60) as client:
        client.sendall(
            b"POST /api/Report/WSJF HTTP/1.1\r\nHost: wats.test\r\n"
            + f"Authorization: Basic {socket_server.token}\r\n".encode()
            + b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
            + b'{"type": "T", '
        )
        # recv returns b"" only when the server closes; a hang would end in socket.timeout.
        answer = _answer(client)
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 408 Request Timeout"
    assert b"connection: close" in rest.lower()
    assert b"request body timeout" in rest


def test_a_client_that_sends_no_body_at_all_gets_408(socket_server: SocketServer) -> None:
    with socket.create_connection(("127.0.0.1", socket_server.port), timeout=60) as client:
        client.sendall(
            b"PUT /api/Asset HTTP/1.1\r\nHost: wats.test\r\n"
            + f"Authorization: Basic {socket_server.token}\r\n".encode()
            + b"Content-Type: application/json\r\nContent-Length: 10\r\n\r\n"
        )
        answer = _answer(client)
    assert answer.startswith(b"HTTP/1.1 408 ")


def test_a_slow_but_steady_body_is_not_cut_off(socket_server: SocketServer) -> None:
    body = b'{"dateGrouping": 4}'
    with socket.create_connection(("127.0.0.1", socket_server.port), timeout=60) as client:
        client.sendall(
            b"POST /api/App/DynamicYield HTTP/1.1\r\nHost: wats.test\r\nConnection: close\r\n"
            + f"Authorization: Basic {socket_server.token}\r\n".encode()
            + f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        )
        for start in range(0, len(body), 5):
            time.sleep(BODY_TIMEOUT / 5)  # each pause well inside the timeout
            client.sendall(body[start : start + 5])
        answer = _answer(client)
    assert answer.startswith(b"HTTP/1.1 200 "), answer

"""The transport `serve` gives uvicorn: writes of one loop turn leave as one, nothing is lost,
reordered or held past the turn, and a large body is not held at all."""

from __future__ import annotations

import asyncio

from pywats_server._http_protocol import _HOLD_BYTES, _CoalescingTransport


class RecordingTransport(asyncio.Transport):
    """The socket's side: records what is written to it and whether it was closed."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False
        self.aborted = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        assert not self.closed, "written after close"
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def is_closing(self) -> bool:
        return self.closed or self.aborted

    def get_write_buffer_size(self) -> int:
        return 0


async def _turn() -> None:
    """Let the loop finish the current turn (the callbacks scheduled by it run)."""
    await asyncio.sleep(0)


def test_the_writes_of_one_turn_are_sent_as_one_in_order() -> None:
    async def scenario() -> list[bytes]:
        inner = RecordingTransport()
        transport = _CoalescingTransport(inner, asyncio.get_running_loop())
        transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\n")
        transport.write(b'"ok"')
        assert inner.writes == []
        assert transport.get_write_buffer_size() == 42
        await _turn()
        transport.write(b"next")
        await _turn()
        return inner.writes

    assert asyncio.run(scenario()) == [b'HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\n"ok"', b"next"]


def test_a_large_body_is_sent_at_once_not_held() -> None:
    async def scenario() -> list[int]:
        inner = RecordingTransport()
        transport = _CoalescingTransport(inner, asyncio.get_running_loop())
        transport.write(b"headers\r\n\r\n")
        transport.write(b"x" * _HOLD_BYTES)
        sizes = [len(data) for data in inner.writes]
        await _turn()
        assert [len(data) for data in inner.writes] == sizes  # nothing left to send
        return sizes

    assert asyncio.run(scenario()) == [11 + _HOLD_BYTES]


def test_close_sends_what_is_held_first_and_abort_drops_it() -> None:
    async def scenario() -> tuple[RecordingTransport, RecordingTransport]:
        loop = asyncio.get_running_loop()
        closed, aborted = RecordingTransport(), RecordingTransport()
        for inner in (closed, aborted):
            transport = _CoalescingTransport(inner, loop)
            transport.write(b"last answer")
            if inner is closed:
                transport.close()
            else:
                transport.abort()
            assert transport.is_closing()
        await _turn()
        return closed, aborted

    closed, aborted = asyncio.run(scenario())
    assert closed.writes == [b"last answer"]
    assert closed.closed
    assert aborted.writes == []
    assert aborted.aborted

"""Wrong credentials cost the same for unknown users, spend a per-client budget (then 429 with
`Retry-After`), and hash on a bounded pool (503 when its queue is full)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import anyio
import httpx
import pytest
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

from pywats_server._credential_guard import FailureBudget, HashPool, HashPoolFull, SharedReads
from pywats_server._middleware import BasicAuth
from pywats_server.storage import Database, UserStore, encode_token
from pywats_server.storage import users as users_module


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def users(server_db_url: str) -> Iterator[UserStore]:
    database = Database(server_db_url)
    yield UserStore(database)
    database.dispose()


def _new_user(users: UserStore) -> tuple[str, str]:
    name = f"guard-{uuid.uuid4().hex[:8]}"
    users.create_user(name, is_admin=False)
    return name, users.issue_token(name, "right-secret")


def test_an_unknown_user_costs_the_same_hash_as_a_wrong_password(
    users: UserStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, _ = _new_user(users)
    hashed: list[str] = []
    real = users_module._secret_matches

    def counting(secret: str, stored: str) -> bool:
        hashed.append(secret)
        return real(secret, stored)

    monkeypatch.setattr(users_module, "_secret_matches", counting)
    assert users.check(encode_token(name, "wrong-secret")) is None
    assert users.check(encode_token(f"nobody-{uuid.uuid4().hex}", "wrong-secret")) is None
    assert hashed == ["wrong-secret", "wrong-secret"]


async def _ok(scope: Scope, receive: Receive, send: Send) -> None:
    await PlainTextResponse(scope["state"]["principal"].name)(scope, receive, send)


def _client(guard: BasicAuth) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=guard), base_url="http://wats.test")


@pytest.mark.anyio
async def test_failures_past_the_budget_get_429_with_a_doubling_retry_after(
    users: UserStore,
) -> None:
    name, token = _new_user(users)
    clock = FakeClock()
    guard = BasicAuth(_ok, users, budget=FailureBudget(3, first_delay=2, clock=clock))
    wrong = {"Authorization": f"Basic {encode_token(name, 'wrong')}"}
    right = {"Authorization": f"Basic {token}"}
    async with _client(guard) as client:
        for _ in range(3):
            assert (await client.get("/", headers=wrong)).status_code == 401
        # The fourth failure is still checked and answered 401; it starts the backoff.
        assert (await client.get("/", headers=wrong)).status_code == 401
        blocked = await client.get("/", headers=right)
        assert blocked.status_code == 429
        assert blocked.headers["Retry-After"] == "2"
        assert "retry after 2 s" in blocked.json()["Message"]
        clock.now += 2
        assert (await client.get("/", headers=wrong)).status_code == 401
        again = await client.get("/", headers=wrong)
        assert (again.status_code, again.headers["Retry-After"]) == (429, "4")
        clock.now += 4
        # A verified success forgives the failures.
        assert (await client.get("/", headers=right)).text == name
        for _ in range(3):
            assert (await client.get("/", headers=wrong)).status_code == 401


@pytest.mark.anyio
async def test_a_remembered_token_passes_while_its_client_budget_is_spent(
    users: UserStore,
) -> None:
    name, token = _new_user(users)
    guard = BasicAuth(_ok, users, budget=FailureBudget(0, first_delay=60, clock=FakeClock()))
    async with _client(guard) as client:
        assert (await client.get("/", headers={"Authorization": f"Basic {token}"})).text == name
        wrong = {"Authorization": f"Basic {encode_token(name, 'wrong')}"}
        assert (await client.get("/", headers=wrong)).status_code == 401
        assert (await client.get("/", headers=wrong)).status_code == 429
        assert (await client.get("/", headers={"Authorization": f"Basic {token}"})).text == name


def test_the_budget_remembers_a_bounded_number_of_clients() -> None:
    budget = FailureBudget(0, first_delay=60, max_clients=100, clock=FakeClock())
    for number in range(1000):
        budget.failed(f"10.0.{number // 256}.{number % 256}")
    assert len(budget._clients) == 100
    assert budget.retry_after("10.0.3.231") == 60  # the newest are kept
    assert budget.retry_after("10.0.0.0") == 0


@pytest.mark.anyio
async def test_the_hash_pool_refuses_checks_beyond_its_queue() -> None:
    pool = HashPool(threads=1, max_waiting=1)
    release = threading.Event()

    def slow(argument: str) -> str:
        release.wait(30)
        return argument

    results: list[Any] = []

    async def run(argument: str) -> None:
        results.append(await pool.run(slow, argument))

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(run, "running")
        tasks.start_soon(run, "waiting")
        await anyio.wait_all_tasks_blocked()
        assert pool._limiter.statistics().tasks_waiting == 1
        with pytest.raises(HashPoolFull):
            await pool.run(slow, "refused")
        release.set()
    assert sorted(results) == ["running", "waiting"]


@pytest.mark.anyio
async def test_a_full_hash_pool_answers_503_with_retry_after(users: UserStore) -> None:
    name, _ = _new_user(users)

    class FullPool(HashPool):
        async def run(self, function: Any, argument: str) -> Any:
            raise HashPoolFull

    guard = BasicAuth(_ok, users, pool=FullPool())
    async with _client(guard) as client:
        headers = {"Authorization": f"Basic {encode_token(name, 'anything')}"}
        busy = await client.get("/", headers=headers)
    assert (busy.status_code, busy.headers["Retry-After"]) == (503, "1")


@pytest.mark.anyio
async def test_calls_made_while_a_read_runs_share_the_next_read() -> None:
    reads: list[list[str]] = []
    first_read_started, release_first_read = threading.Event(), threading.Event()

    def read(keys: Sequence[str]) -> list[str]:
        reads.append(list(keys))
        if len(reads) == 1:
            first_read_started.set()
            release_first_read.wait(30)
        return [key.upper() for key in keys]

    shared = SharedReads(read)
    answers: dict[str, str] = {}

    async def get(key: str) -> None:
        answers[key] = await shared.get(key)

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(get, "a")
        await anyio.to_thread.run_sync(first_read_started.wait, 30)
        tasks.start_soon(get, "b")
        tasks.start_soon(get, "c")
        await anyio.wait_all_tasks_blocked()
        release_first_read.set()
    assert reads == [["a"], ["b", "c"]]
    assert answers == {"a": "A", "b": "B", "c": "C"}


@pytest.mark.anyio
async def test_a_failed_read_fails_every_call_it_answers() -> None:
    def read(keys: Sequence[str]) -> list[str]:
        raise ConnectionError("database gone")

    shared = SharedReads(read)
    with pytest.raises(ConnectionError, match="database gone"):
        await shared.get("a")
    with pytest.raises(ConnectionError, match="database gone"):  # the next call reads again
        await shared.get("b")


@pytest.mark.anyio
async def test_a_token_revoked_elsewhere_is_refused_on_its_next_request(
    users: UserStore, server_db_url: str
) -> None:
    name, token = _new_user(users)
    guard = BasicAuth(_ok, users)
    headers = {"Authorization": f"Basic {token}"}
    async with _client(guard) as client:
        assert (await client.get("/", headers=headers)).text == name
        other_process = Database(server_db_url)  # another replica's store: not this cache
        assert UserStore(other_process).revoke_token(token)
        other_process.dispose()
        assert (await client.get("/", headers=headers)).status_code == 401

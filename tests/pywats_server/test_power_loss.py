"""The server's SQLite database under a simulated power cut while reports arrive concurrently.

What is simulated, and how (no SQLite VFS is available from Python): the server runs in-process
on a SQLite file and several clients submit reports at once; at random moments the test copies
the WAL and then the database file, as a power cut would leave them if only fsynced bytes
survive. That copy is faithful because the database runs with `synchronous=FULL` (checked
here): a transaction's WAL frames are fsynced before its commit returns, so everything
committed when the copy starts is synced, and frames of transactions still in flight may be
cut anywhere, as they are in the copy. A torn commit frame is appended on top (the WAL's own
salts, a garbage checksum and page), which recovery must ignore. The WAL is copied before the
database file, so a checkpoint running meanwhile cannot lose pages that were only in the WAL.
Not simulated: a disk that acknowledges fsync without writing.

Each image is then opened as `pywats-server serve` opens a database (connect, migrate), with
no repair step: it passes SQLite's integrity check and holds every report answered 2xx before
the copy began, byte for byte as submitted.
"""

from __future__ import annotations

import copy
import json
import random
import shutil
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from tests._documents import as_exported
from tests.pywats_client._power import append_torn_frame

from pywats_server import Settings, create_app
from pywats_server.storage import Database, ReportStore, UserStore, migrate

# (submitters, reports each, cuts, whole sample report or its header only)
_SHORT = (3, 40, 5, False)
_LONG = (4, 40, 20, True)


def _server(url: str) -> tuple[Any, str]:
    database = Database(url)
    migrate(database)
    users = UserStore(database)
    if "admin" not in {user.name for user in users.list_users()}:
        users.create_user("admin", is_admin=True)
    token = users.issue_token("admin", "power-secret")
    database.dispose()
    return create_app(Settings(database_url=url)), token


def _client(app: Any, token: str) -> httpx.AsyncClient:
    headers = {"Authorization": f"Basic {token}", "Referer": "http://wats.test"}
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://wats.test", headers=headers)


def _image(database: Path, image: Path, chance: random.Random) -> None:
    """What survives a power cut now: the WAL first, then the database, then a torn frame."""
    image.mkdir()
    wal = database.with_name(database.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, image / wal.name)
    shutil.copyfile(database, image / database.name)
    if (image / wal.name).exists() and (image / wal.name).stat().st_size >= 32:
        with (image / wal.name).open("r+b") as handle:
            append_torn_frame(handle, chance)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "shape", [_SHORT, pytest.param(_LONG, marks=pytest.mark.slow)], ids=["short", "long"]
)
async def test_answered_reports_survive_a_power_cut_and_the_database_opens(
    tmp_path: Path, samples: Path, shape: tuple[int, int, int, bool]
) -> None:
    submitters, reports_each, cuts, whole = shape
    chance = random.Random(20261207)
    path = tmp_path / "wats.db"
    app, token = _server(f"sqlite:///{path}")
    template = json.loads((samples / "wats" / "uut-wsjf-export.json").read_bytes())
    if not whole:
        template["root"]["steps"] = []
        template["uut"]["stepIdCausedUUTFailure"] = None
    answered: dict[str, dict[str, Any]] = {}
    images: list[tuple[Path, set[str]]] = []
    try:
        async with _client(app, token) as client:
            assert (await client.get("/api/App/Version")).status_code == 200
            engine = app.state.context.database.engine
            with engine.connect() as connection:
                synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
            assert synchronous == 2, "FULL: a commit is fsynced before the server answers"

            async def submit(worker: int) -> None:
                for n in range(reports_each):
                    document = copy.deepcopy(template)
                    document["id"] = str(uuid.uuid4())
                    document["sn"] = f"POWER-{worker}-{n}"
                    response = await client.post("/api/Report/WSJF", json=document)
                    assert response.status_code == 200, response.text
                    answered[document["id"]] = document

            async def cut() -> None:
                for number in range(cuts):
                    await anyio.sleep(chance.uniform(0.01, 0.1 if not whole else 0.4))
                    before = set(answered)  # answered before the copy starts
                    image = tmp_path / f"image-{number}"
                    _image(path, image, chance)
                    images.append((image, before))

            async with anyio.create_task_group() as group:
                for worker in range(submitters):
                    group.start_soon(submit, worker)
                group.start_soon(cut)
    finally:
        app.state.context.database.dispose()
    assert len(answered) == submitters * reports_each
    assert any(0 < len(before) < len(answered) for _, before in images), "cuts under load"
    for image, before in images:
        _check_image(image / path.name, before, answered)
    # And the server itself starts on the last image and serves what it holds.
    image, before = images[-1]
    app, token = _server(f"sqlite:///{image / path.name}")
    try:
        async with _client(app, token) as client:
            for report_id in before:
                response = await client.get(f"/api/Report/Wsjf/{report_id}")
                assert response.status_code == 200, report_id
                assert as_exported(response.json()) == as_exported(answered[report_id])
    finally:
        app.state.context.database.dispose()


def _check_image(database: Path, before: set[str], answered: dict[str, dict[str, Any]]) -> None:
    """Open the image as `serve` does before it listens (connect, migrate), with no repair
    step; every answered report is there as submitted, and SQLite finds no damage."""
    opened = Database(f"sqlite:///{database}")
    try:
        migrate(opened)
        reports = ReportStore(opened)
        for report_id in before:
            stored = reports.document(report_id)
            assert stored is not None, f"{database.parent.name}: answered report {report_id} lost"
            assert json.loads(stored.body) == answered[report_id], report_id
    finally:
        opened.dispose()
    with sqlite3.connect(database) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok", database

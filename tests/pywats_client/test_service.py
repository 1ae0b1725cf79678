"""The whole service in-process against the real local server (ASGI), through its control API."""

from __future__ import annotations

import base64
import json
import shutil
from functools import partial
from pathlib import Path

import anyio
import httpx
import pytest
from tests._documents import as_exported
from tests._poll import eventually

from pywats import AsyncWATS
from pywats_client._config import load_config
from pywats_client._service import Service

from .conftest import write_config

pytestmark = [
    pytest.mark.anyio,
    # The station does not care which database the server uses: SQLite is enough here.
    pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True),
]

CONVERTERS = """
[[converters]]
type = "wsjf"
watch = "in/wsjf"
priority = 1

[[converters]]
type = "wsxf"
watch = "in/wsxf"

[[converters]]
type = "boom"
watch = "in/boom"
after = "keep"
"""

UUT = "33a2d408-3fc8-480b-b554-6866c77fd91c"
UUR = "83ac0b8e-b575-4004-94de-f905774c3ed8"


async def test_files_in_reports_on_the_server_and_the_control_api(
    tmp_path: Path, samples: Path, server_app: object, server_token: str, misbehaving: Path
) -> None:
    transport = httpx.ASGITransport(app=server_app)  # type: ignore[arg-type]
    config_path = write_config(tmp_path, "http://testserver", server_token, converters=CONVERTERS)
    service = Service(load_config(config_path), config_path=config_path, transport=transport)
    inbox = tmp_path / "in"
    async with anyio.create_task_group() as group:
        group.start_soon(partial(service.run, handle_signals=False))
        await service.wait_ready()
        shutil.copy(samples / "wats" / "uut-wsjf-export.json", inbox / "wsjf" / "uut.json")
        (inbox / "wsjf" / "line" / "7").mkdir(parents=True)
        shutil.copy(
            samples / "wats" / "uur-example.json", inbox / "wsjf" / "line" / "7" / "uur.json"
        )
        shutil.copy(samples / "wats" / "uut-wsxf-export.xml", inbox / "wsxf" / "uut.xml")
        (inbox / "wsjf" / "broken.json").write_text('{"type": "T", "id": ')
        (inbox / "boom" / "r.boom").write_text("anything")

        def settled() -> bool:
            stats = service.outbox.stats()
            return (
                stats.delivered == 2
                and stats.pending == 0
                and len(service.quarantine.entries()) == 2
            )

        await eventually(settled)
        endpoint = json.loads((tmp_path / "data" / "control.json").read_text())
        token = (tmp_path / "data" / "control.token").read_text().strip()
        assert (tmp_path / "data" / "control.token").stat().st_mode & 0o777 == 0o600
        auth = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=endpoint["url"], timeout=10) as api:
            assert (await api.get("/status")).status_code == 401
            status = (await api.get("/status", headers=auth)).json()
            health = await api.get("/health")
            ready = await api.get("/ready")
            metrics = (await api.get("/metrics")).text
            delivered = (await api.get("/outbox?state=delivered", headers=auth)).json()
            quarantined = (await api.get("/quarantine", headers=auth)).json()
            boom = next(q for q in quarantined if q["converter"] == "boom")
            log = (await api.get(f"/quarantine/{boom['name']}/log", headers=auth)).text
            converters = (await api.get("/converters", headers=auth)).json()
            sample = (samples / "wats" / "uur-example.json").read_bytes()
            dry = await api.post(
                "/dry-run",
                headers=auth,
                json={
                    "converter": "wsjf",
                    "name": "x.json",
                    "content_base64": base64.b64encode(sample).decode(),
                },
            )
            dry_bad = await api.post(
                "/dry-run",
                headers=auth,
                json={
                    "converter": "wsjf",
                    "name": "x.json",
                    "content_base64": base64.b64encode(b"[1]").decode(),
                },
            )
            retry = await api.post(f"/quarantine/{boom['name']}/retry", headers=auth)
            missing = await api.post("/outbox/nope/retry", headers=auth)
        service.stop()

    assert status["station"]["name"] == "TEST-STATION"
    assert status["outbox"]["delivered"] == 2
    assert health.status_code == 200
    assert ready.json() == {"ready": True}
    # The WSXF sample is the WSJF sample's report (same id): whichever came last was sent too.
    assert 'pywats_client_delivered_total{converter="wsjf"}' in metrics
    assert "pywats_client_pending 0" in metrics
    assert "pywats_client_quarantined_files 2" in metrics
    assert "pywats_client_conversion_seconds_count" in metrics
    assert {item["id"] for item in delivered} == {UUT, UUR}
    reasons = {q["converter"]: q["reason"] for q in quarantined}
    assert "broken.json: not a WSJF report" in reasons["wsjf"]
    assert "converter 'boom' failed: KeyError" in reasons["boom"]
    assert "about to fail on r.boom" in log
    assert [c["type"] for c in converters] == ["wsjf", "wsxf", "boom"]
    assert dry.status_code == 200
    assert dry.json()["reports"] == [json.loads(sample)]
    assert dry_bad.status_code == 422
    assert "not a WSJF report" in dry_bad.json()["error"]
    assert retry.status_code == 200
    assert (inbox / "boom" / "r.boom").exists()  # back where it came from
    assert missing.status_code == 404
    # Sources were moved to Done only after acceptance, keeping their sub-folders.
    assert (inbox / "wsjf" / "Done" / "uut.json").exists()
    assert (inbox / "wsjf" / "Done" / "line" / "7" / "uur.json").exists()
    assert not (inbox / "wsjf" / "uut.json").exists()
    async with AsyncWATS(
        base_url="http://testserver",
        token=server_token,
        transport=httpx.ASGITransport(app=server_app),
    ) as client:  # type: ignore[arg-type]
        stored = await client.reports.get(UUR)
    assert as_exported(stored.raw) == as_exported(
        json.loads(sample)
    )  # what arrived is what the station picked up


async def test_config_reload_starts_watching_a_new_folder(
    tmp_path: Path, samples: Path, server_app: object, server_token: str
) -> None:
    transport = httpx.ASGITransport(app=server_app)  # type: ignore[arg-type]
    first = '[[converters]]\ntype = "wsjf"\nwatch = "in/a"\n'
    config_path = write_config(tmp_path, "http://testserver", server_token, converters=first)
    service = Service(load_config(config_path), config_path=config_path, transport=transport)
    async with anyio.create_task_group() as group:
        group.start_soon(partial(service.run, handle_signals=False))
        await service.wait_ready()
        text = config_path.read_text().replace(first, first.replace("in/a", "in/b"))
        config_path.write_text(text.replace('location = "Test lab"', 'location = "Lab 2"'))
        result = await service.reload()
        (tmp_path / "in" / "b").mkdir(parents=True, exist_ok=True)
        shutil.copy(samples / "wats" / "uur-example.json", tmp_path / "in" / "b" / "uur.json")
        await eventually(lambda: service.outbox.stats().delivered == 1)
        broken = config_path.read_text().replace('type = "wsjf"', 'type = "nope"')
        config_path.write_text(broken)
        refused = await service.reload()
        service.stop()
    assert result.ok is True
    assert result.applied == ["converters", "intake", "logging"]
    assert result.restart_required == ["station"]
    assert refused.ok is False
    assert "converters[0].type: unknown converter 'nope'" in str(refused.error)
    assert (
        service.config.converters[0].watch == tmp_path / "in" / "b"
    )  # the bad file changed nothing


async def test_a_disabled_converter_takes_no_files_until_a_reload_enables_it(
    tmp_path: Path, samples: Path, server_app: object, server_token: str
) -> None:
    transport = httpx.ASGITransport(app=server_app)  # type: ignore[arg-type]
    converters = (
        '[[converters]]\ntype = "wsjf"\nwatch = "in/on"\n'
        '[[converters]]\ntype = "wsjf"\nwatch = "in/off"\nenabled = false\n'
    )
    config_path = write_config(tmp_path, "http://testserver", server_token, converters=converters)
    uur = (samples / "wats" / "uur-example.json").read_text(encoding="utf-8")
    waiting = tmp_path / "in" / "off" / "uur.json"
    waiting.parent.mkdir(parents=True, exist_ok=True)
    waiting.write_text(uur, encoding="utf-8")
    (tmp_path / "in" / "on").mkdir(exist_ok=True)
    (tmp_path / "in" / "on" / "uut.json").write_text(
        (samples / "wats" / "uut-wsjf-export.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    service = Service(load_config(config_path), config_path=config_path, transport=transport)
    async with anyio.create_task_group() as group:
        group.start_soon(partial(service.run, handle_signals=False))
        await service.wait_ready()
        # Both files were there at start-up: once the enabled folder's file is delivered, the
        # disabled folder has had the same scan and the same chance.
        await eventually(lambda: service.outbox.stats().delivered == 1)
        endpoint = json.loads((tmp_path / "data" / "control.json").read_text())
        token = (tmp_path / "data" / "control.token").read_text().strip()
        async with httpx.AsyncClient(base_url=endpoint["url"], timeout=10) as api:
            auth = {"Authorization": f"Bearer {token}"}
            listed = (await api.get("/converters", headers=auth)).json()
        assert waiting.exists()
        assert service.outbox.stats().pending == 0
        config_path.write_text(config_path.read_text().replace("enabled = false", ""))
        result = await service.reload()
        await eventually(lambda: service.outbox.stats().delivered == 2)
        await eventually(lambda: not waiting.exists())
        service.stop()
    assert [(c["watch"], c["enabled"]) for c in listed] == [
        (str(tmp_path / "in" / "on"), True),
        (str(tmp_path / "in" / "off"), False),
    ]
    assert result.ok is True
    assert [c.enabled for c in service.converters()] == [True, True]
    assert (tmp_path / "in" / "off" / "Done" / "uur.json").read_text(encoding="utf-8") == uur


@pytest.mark.parametrize(
    ("fault", "healthy"), [("503", False), ("refused", True)], ids=["server-answers", "offline"]
)
async def test_health_fails_on_old_pending_reports_only_while_the_server_answers(
    tmp_path: Path, samples: Path, server_app: object, server_token: str, fault: str, healthy: bool
) -> None:
    from ._chaos import ChaosTransport

    chaos = ChaosTransport(httpx.ASGITransport(app=server_app))  # type: ignore[arg-type]
    chaos.mode = fault
    converters = '[[converters]]\ntype = "wsjf"\nwatch = "in"\n'
    settings = {"outbox.health_max_age_minutes": 0.005}
    config_path = write_config(
        tmp_path, "http://testserver", server_token, converters=converters, settings=settings
    )
    service = Service(load_config(config_path), transport=chaos)
    async with anyio.create_task_group() as group:
        group.start_soon(partial(service.run, handle_signals=False))
        await service.wait_ready()
        shutil.copy(samples / "wats" / "uur-example.json", tmp_path / "in" / "uur.json")
        await eventually(lambda: len(chaos.attempts) >= 2)
        await anyio.sleep(0.4)  # older than the 0.3 s threshold
        problems = service.health()
        chaos.mode = None
        await eventually(lambda: service.outbox.stats().delivered == 1)
        recovered = service.health()
        service.stop()
    assert (problems == []) is healthy, problems
    if not healthy:
        assert "oldest pending report is" in problems[0]
        assert "503" in problems[0]
    assert recovered == []

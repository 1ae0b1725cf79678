"""`client.software` against the real server: versions, files, the release workflow, tags and
what a station should install or remove."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from pywats import (
    WATS,
    AsyncWATS,
    BadRequestError,
    ConflictError,
    NotFoundError,
    Package,
    Tag,
)


def _package(name: str, station: str, priority: int = 0) -> Package:
    return Package(name=name, priority=priority, tags=[Tag(key="station", value=station)])


@pytest.mark.anyio
async def test_versions_files_and_workflow(aclient: AsyncWATS, unique: str) -> None:
    name = f"TestSequence-{unique}"
    first = await aclient.software.create(_package(name, f"ST-{unique}"))
    assert (first.version, first.status, first.created_by) == (1, "Draft", "admin")
    assert first.package_id is not None
    files = {"seq/main.seq": b"sequence v1", "limits.csv": b"V,3.2,3.4\n"}
    await aclient.software.upload_files(first.package_id, files)
    listed = {f.path: f for f in await aclient.software.files(first.package_id)}
    assert set(listed) == {"seq/main.seq", "limits.csv"}
    assert listed["seq/main.seq"].checksum == hashlib.sha1(b"sequence v1").hexdigest()
    assert listed["seq/main.seq"].filename == "main.seq"
    assert await aclient.software.download(first.package_id, "seq/main.seq") == b"sequence v1"
    with pytest.raises(NotFoundError, match=r"has no file 'seq/other\.seq'"):
        await aclient.software.download(first.package_id, "seq/other.seq")

    await aclient.software.upload_files(
        first.package_id, {"limits.csv": b"V,3.1,3.5\n"}, clean=True
    )
    (limits,) = await aclient.software.files(first.package_id)
    assert limits.path == "limits.csv"
    await aclient.software.set_file_attributes(limits.file_id, "readonly")
    assert [f.attributes for f in await aclient.software.files(first.package_id)] == ["readonly"]

    with pytest.raises(ConflictError, match="is Draft: it can move to Pending, not Released"):
        await aclient.software.set_status(first.package_id, "Released")
    await aclient.software.set_status(first.package_id, "Pending")
    await aclient.software.set_status(first.package_id, "Draft")
    await aclient.software.set_status(first.package_id, "pending")
    await aclient.software.set_status(first.package_id, "Released")
    with pytest.raises(ConflictError, match="files change only in a Draft"):
        await aclient.software.upload_files(first.package_id, {"x.txt": b"x"})
    with pytest.raises(ConflictError, match="is Released: revoke it instead of deleting it"):
        await aclient.software.delete(first.package_id)
    with pytest.raises(BadRequestError, match="status: expected one of Draft, Pending"):
        await aclient.software.set_status(first.package_id, "Shipped")

    second = await aclient.software.create(Package(name=name, description="v2"))
    assert second.version == 2
    assert second.package_id is not None
    await aclient.software.set_status(second.package_id, "Pending")
    released = await aclient.software.by_name(name, status="Released")
    assert released.package_id == first.package_id
    assert (await aclient.software.by_name(name)).version == 2
    second.description = "second version"
    assert (await aclient.software.update(second)).description == "second version"
    await aclient.software.set_status(first.package_id, "Revoked")
    with pytest.raises(ConflictError, match="is Revoked: it can move to nothing"):
        await aclient.software.set_status(first.package_id, "Released")
    await aclient.software.set_status(second.package_id, "Draft")
    await aclient.software.delete(second.package_id)
    with pytest.raises(NotFoundError, match="not found"):
        await aclient.software.get(second.package_id)


@pytest.mark.anyio
async def test_a_package_without_files_is_released(aclient: AsyncWATS, unique: str) -> None:
    # The WATS workflow (rest-api.md §11) has no file rule: a package may carry only settings.
    package = await aclient.software.create(Package(name=f"Settings-{unique}"))
    assert package.package_id is not None
    await aclient.software.set_status(package.package_id, "Pending")
    await aclient.software.set_status(package.package_id, "Released")
    released = await aclient.software.by_name(f"Settings-{unique}", status="Released")
    assert (released.package_id, released.status) == (package.package_id, "Released")
    assert await aclient.software.files(package.package_id) == []


@pytest.mark.anyio
async def test_station_plan(aclient: AsyncWATS, unique: str) -> None:
    station = f"ST-{unique}"

    async def release(name: str, priority: int = 0) -> str:
        package = await aclient.software.create(_package(name, station, priority))
        assert package.package_id is not None
        await aclient.software.upload_files(package.package_id, {"a.txt": name.encode()})
        await aclient.software.set_status(package.package_id, "Pending")
        await aclient.software.set_status(package.package_id, "Released")
        return package.package_id

    driver_v1 = await release(f"Driver-{unique}")
    tools = await release(f"Tools-{unique}", priority=5)
    fresh = await aclient.software.station_plan("station", station)
    assert [p.package_id for p in fresh.install] == [tools, driver_v1]
    assert fresh.remove == []
    tagged = await aclient.software.by_tag("station", station, status="Released")
    assert sorted(p.package_id or "" for p in tagged) == sorted([tools, driver_v1])
    assert await aclient.software.by_tag("station", f"OTHER-{unique}") == []

    driver_v2 = await release(f"Driver-{unique}")
    await aclient.software.set_status(tools, "Revoked")
    plan = await aclient.software.station_plan("station", station, [driver_v1, tools])
    assert [p.package_id for p in plan.install] == [driver_v2]
    assert sorted(plan.remove) == sorted([driver_v1, tools])
    assert await aclient.software.obsolete([driver_v1, tools], revoked_only=True) == [tools]
    # One id given bare is one id, not the list of its characters.
    assert (await aclient.software.station_plan("station", station, tools)).remove == [tools]
    assert await aclient.software.obsolete(tools, revoked_only=True) == [tools]
    other = await aclient.software.station_plan("station", f"OTHER-{unique}", [driver_v2])
    assert (other.install, other.remove) == ([], [])


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("archive", "message"),
    [
        (b"not a zip", "expected a zip archive"),
        (None, "zip entry '../evil.txt': expected a relative path"),
    ],
)
async def test_bad_archives_are_refused(
    aclient: AsyncWATS, unique: str, archive: bytes | None, message: str
) -> None:
    if archive is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zipped:
            zipped.writestr("../evil.txt", b"x")
        archive = buffer.getvalue()
    package = await aclient.software.create(Package(name=f"Bad-{unique}"))
    assert package.package_id is not None
    with pytest.raises(BadRequestError, match=message):
        await aclient.software.upload_zip(package.package_id, archive)


def test_software_over_a_socket(client: WATS, unique: str) -> None:
    package = client.software.create(Package(name=f"Socket-{unique}"))
    assert package.package_id is not None
    client.software.upload_files(package.package_id, {"bin/tool.exe": b"\x00\x01binary"})
    assert client.software.download(package.package_id, "bin/tool.exe") == b"\x00\x01binary"
    client.software.set_status(package.package_id, "Pending")
    with pytest.raises(ConflictError, match="is Pending: it can move to Draft or Released"):
        client.software.set_status(package.package_id, "Revoked")
    with pytest.raises(NotFoundError, match=f"package 'Nope-{unique}' not found"):
        client.software.by_name(f"Nope-{unique}")

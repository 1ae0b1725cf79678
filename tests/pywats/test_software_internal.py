"""`client.software`'s internal views (file info, file check, history by tags, details, file
removal) against the in-process server (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib

import pytest

from pywats import AsyncWATS, BadRequestError, ConflictError, NotFoundError, Package, Tag


@pytest.mark.anyio
async def test_files_details_and_removal(aclient: AsyncWATS, unique: str) -> None:
    package = await aclient.software.create(
        Package(name=f"SW-{unique}", tags=[Tag(key="line", value="L1")])
    )
    assert package.package_id is not None
    pid = package.package_id
    await aclient.software.upload_files(pid, {"bin/app.exe": b"MZ-app", "cfg/app.ini": b"[a]"})
    files = {f.path: f for f in await aclient.software.files(pid)}

    info = await aclient.software.get_file(files["bin/app.exe"].file_id)
    assert (info.path, info.size, info.filename) == ("bin/app.exe", 6, "app.exe")
    check = await aclient.software.check_file(
        pid, "bin\\app.exe", hashlib.sha1(b"MZ-app").hexdigest()
    )
    assert (check.exists, check.is_current) == (True, True)
    stale = await aclient.software.check_file(pid, "bin/app.exe", hashlib.sha1(b"old").hexdigest())
    assert (stale.exists, stale.is_current) == (True, False)
    assert not (await aclient.software.check_file(pid, "bin/none.dll")).exists

    details = await aclient.software.get_details(pid)
    assert (details.file_count, details.total_size) == (2, 9)
    assert await aclient.software.delete_files([files["cfg/app.ini"].file_id]) == 1
    assert [f.path for f in await aclient.software.files(pid)] == ["bin/app.exe"]
    with pytest.raises(NotFoundError, match="file 'nope' not found"):
        await aclient.software.get_file("nope")
    await aclient.software.set_status(pid, "Pending")
    with pytest.raises(ConflictError, match="files change only in a Draft"):
        await aclient.software.delete_files([files["bin/app.exe"].file_id])
    assert await aclient.software.is_connected() is True


@pytest.mark.anyio
async def test_history_by_tags(aclient: AsyncWATS, unique: str) -> None:
    name = f"HIST-{unique}"
    first = await aclient.software.create(
        Package(name=name, tags=[Tag(key=f"k{unique}", value="A")])
    )
    second = await aclient.software.create(
        Package(name=name, tags=[Tag(key=f"k{unique}", value="A"), Tag(key="extra", value="x")])
    )
    other = await aclient.software.create(
        Package(name=f"{name}-B", tags=[Tag(key=f"k{unique}", value="B")])
    )

    newest = await aclient.software.history({f"k{unique}": "A"})
    assert [p.package_id for p in newest] == [second.package_id]
    every = await aclient.software.history({f"k{unique}": "A"}, all_versions=True)
    assert [p.package_id for p in every] == [first.package_id, second.package_id]
    any_value = await aclient.software.history({f"k{unique}": None}, all_versions=True)
    assert {p.package_id for p in any_value} == {
        first.package_id,
        second.package_id,
        other.package_id,
    }
    both = await aclient.software.history({f"k{unique}": "A", "extra": "x"})
    assert [p.package_id for p in both] == [second.package_id]
    with pytest.raises(BadRequestError, match="tags: expected"):
        await aclient.software.history({})

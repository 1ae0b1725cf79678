"""A station's own calls against the real server (in-process, SQLite and PostgreSQL): it
registers for a token of its own, and logs the software it downloads; the log is read back by
client id. Through the async SDK; the sync twin over a socket at the end."""

from __future__ import annotations

import pytest

from pywats import (
    WATS,
    AsyncWATS,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    Package,
)


@pytest.mark.anyio
async def test_a_registered_station_has_a_token_of_its_own(
    aclient: AsyncWATS, asgi_transport: object
) -> None:
    registration = await aclient.register_station()
    assert registration.user == "admin"
    assert registration.server_name
    async with AsyncWATS(
        base_url="http://wats.test", token=registration.token, transport=asgi_transport
    ) as station:
        assert (await station.ping()).server_name == registration.server_name
    again = await aclient.register_station()
    assert again.token != registration.token


@pytest.mark.anyio
async def test_downloads_are_logged_per_client(aclient: AsyncWATS, unique: str) -> None:
    package = await aclient.software.create(Package(name=f"DL-{unique}"))
    assert package.package_id is not None
    first = await aclient.software.log_download(package.package_id, 1024)
    assert (first.name, first.version, first.download_size) == (f"DL-{unique}", 1, 1024)
    assert first.client_id == "admin"
    second = await aclient.software.log_download(package.package_id, 0)
    history = await aclient.software.list_downloads("admin")
    ids = [d.download_id for d in history]
    assert ids.index(second.download_id) < ids.index(first.download_id)  # newest first
    assert await aclient.software.list_downloads(f"nobody-{unique}") == []

    # The log keeps a deleted package's downloads, by name and version.
    await aclient.software.delete(package.package_id)
    kept = [d for d in await aclient.software.list_downloads("admin") if d.name == f"DL-{unique}"]
    assert len(kept) == 2

    with pytest.raises(NotFoundError, match="package 'nope' not found"):
        await aclient.software.log_download("nope", 1)
    with pytest.raises(BadRequestError, match="downloadSize"):
        await aclient.software.log_download(first.package_id, -1)


def test_the_sync_client_registers_and_logs(client: WATS) -> None:
    registration = client.register_station()
    with WATS(base_url=str(client.base_url), token=registration.token) as station:
        assert station.ping().server_name == registration.server_name
        assert station.get_version()
    with (
        WATS(base_url=str(client.base_url), token="bm9ib2R5Om5vcGU=") as stranger,
        pytest.raises(AuthenticationError),
    ):
        stranger.register_station()


@pytest.mark.anyio
async def test_package_folders_hold_their_files(aclient: AsyncWATS, unique: str) -> None:
    sw = aclient.software
    package = await sw.create(Package(name=f"FOLD-{unique}"))
    assert package.package_id is not None
    pid = package.package_id
    await sw.upload_files(pid, {"bin/app.exe": b"MZ", "bin/drv/x.sys": b"S", "readme.txt": b"r"})
    bin_folder = await sw.create_folder(pid, "bin")
    assert (bin_folder.path, bin_folder.file_count, bin_folder.parent_folder_id) == ("bin", 2, None)
    drivers = await sw.create_folder(pid, "drv", bin_folder.package_folder_id)
    assert (drivers.path, drivers.parent_folder_id) == ("bin/drv", bin_folder.package_folder_id)
    with pytest.raises(ConflictError, match="folder at 'bin'"):
        await sw.create_folder(pid, "bin")
    with pytest.raises(BadRequestError, match="name"):
        await sw.create_folder(pid, "a/b")

    renamed = await sw.update_folder(bin_folder.package_folder_id, "program")
    assert (renamed.path, renamed.file_count) == ("program", 2)
    assert sorted(f.path for f in await sw.files(pid)) == [
        "program/app.exe", "program/drv/x.sys", "readme.txt",
    ]  # fmt: skip
    with pytest.raises(ConflictError, match=r"file at 'readme\.txt'"):
        await sw.update_folder(renamed.package_folder_id, "readme.txt")

    assert await sw.delete_folder(renamed.package_folder_id) == 2
    assert [f.path for f in await sw.files(pid)] == ["readme.txt"]
    with pytest.raises(NotFoundError):
        await sw.update_folder(drivers.package_folder_id, "gone")  # removed with its parent

    await sw.set_status(pid, "Pending")
    with pytest.raises(ConflictError, match="only in a Draft"):
        await sw.create_folder(pid, "late")

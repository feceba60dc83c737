"""A throwaway PostgreSQL server for the tests, started by the tests themselves.

One cluster per test run, in a temporary folder, listening on a Unix socket only (no TCP
port), with fsync off; each test gets a database of its own. initdb and pg_ctl refuse to run
as root, so under root they run as the `postgres` user. When the server cannot be started
the PostgreSQL tests are skipped with the reason, or fail when `CI=true`.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import psycopg  # imported when used: without it, the PostgreSQL tests skip

SUPERUSER = "postgres"
PASSWORD_USER = "quiz_pw"  # the one role that must log in with a password (scram-sha-256)


class CannotStart(Exception):
    """The throwaway server cannot be started here; the message says why."""


def server_binaries() -> Path:
    """The folder of initdb and pg_ctl: the newest /usr/lib/postgresql/N/bin, else PATH."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    initdb = found[-1] if found else shutil.which("initdb")
    if initdb is None:
        raise CannotStart("no initdb under /usr/lib/postgresql/*/bin or on PATH")
    return Path(initdb).parent


class Cluster:
    """A PostgreSQL cluster in `folder`: its data, its socket and its log."""

    def __init__(self, binaries: Path, folder: Path) -> None:
        self.binaries = binaries
        self.folder = folder
        self.data = folder / "data"
        self.socket = folder / "socket"
        self.log = folder / "server.log"
        self._names = itertools.count(1)
        # pg_ctl and initdb refuse root: run them as the postgres user then.
        self._as = ["runuser", "-u", SUPERUSER, "--"] if os.geteuid() == 0 else []

    @classmethod
    def create(cls) -> Cluster:
        """A new cluster, initialised and started; CannotStart says why it could not be."""
        binaries = server_binaries()
        folder = Path(tempfile.mkdtemp(prefix="quiz-pg-"))
        cluster = cls(binaries, folder)
        try:
            cluster._init()
            cluster.start()
        except BaseException:
            cluster.destroy()
            raise
        return cluster

    def _tool(self, name: str, *args: str) -> None:
        command = [*self._as, str(self.binaries / name), *args]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CannotStart(f"{name} could not run: {exc}") from None
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip().splitlines() or ["(no output)"]
            raise CannotStart(f"{name} {args[0] if args else ''} failed: {said[-1]}")

    def _init(self) -> None:
        self.socket.mkdir()
        if self._as:
            try:
                owner = pwd.getpwnam(SUPERUSER)
            except KeyError:
                raise CannotStart(f"running as root, and there is no {SUPERUSER} user") from None
            for path in (self.folder, self.socket):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        self._tool("initdb", "-D", str(self.data), "-A", "trust", "-U", SUPERUSER, "--no-sync")
        hba = self.data / "pg_hba.conf"
        hba.write_text(f"local all {PASSWORD_USER} scram-sha-256\n" + hba.read_text())

    def start(self) -> None:
        options = f"-k {self.socket} -c listen_addresses='' -c fsync=off"
        self._tool(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: `immediate` is a crash, as when its machine loses power."""
        self._tool("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    @contextlib.contextmanager
    def down(self) -> Iterator[None]:
        """The server killed (`pg_ctl stop -m immediate`) for the block, then started again."""
        self.stop("immediate")
        try:
            yield
        finally:
            self.start()

    def destroy(self) -> None:
        with contextlib.suppress(CannotStart):
            if self.running():
                self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str, user: str = SUPERUSER, password: str | None = None) -> str:
        login = user if password is None else f"{user}:{password}"
        return f"postgresql://{login}@/{database}?host={self.socket}"

    def admin(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        """A superuser's connection, each statement committed at once."""
        import psycopg

        return psycopg.connect(self.url(database), autocommit=True)

    def create_database(self) -> str:
        name = f"quiz_test_{next(self._names)}"
        with self.admin() as db:
            db.execute(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        if not self.running():
            self.start()
        with self.admin() as db:
            db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def password_user(self, password: str) -> str:
        """The role that logs in only with `password`; its name."""
        with self.admin() as db:
            db.execute(f"DROP ROLE IF EXISTS {PASSWORD_USER}")
            db.execute(f"CREATE ROLE {PASSWORD_USER} LOGIN SUPERUSER PASSWORD '{password}'")
        return PASSWORD_USER


def running_cluster() -> Iterator[Cluster]:
    """The cluster for a whole test run, destroyed at its end whatever happened. Skips the
    tests that need it when it cannot start, with the reason; under CI=true, fails them."""
    try:
        import psycopg  # noqa: F401  (the driver the PostgreSQL engine needs)

        cluster = Cluster.create()
    except (CannotStart, ImportError) as exc:
        reason = f"PostgreSQL cannot be started for the tests: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    try:
        yield cluster
    finally:
        cluster.destroy()

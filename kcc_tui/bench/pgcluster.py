"""A throwaway PostgreSQL cluster on a loopback port, for the tests and the benchmarks.

`initdb` in a temporary folder, `pg_ctl start` on a free 127.0.0.1 port with a socket folder
of its own, trust authentication for the one user `kcc` (loopback only), removed afterwards.
The server refuses to run as root: as root it runs as the `postgres` system user (runuser).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

USER = "kcc"


def bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: PATH, else the newest Debian /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:  # a symlink into the server's own folder, where its other tools are
        folder = Path(found).resolve().parent
        if (folder / "pg_ctl").exists() and (folder / "createdb").exists():
            return folder
    folders = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                     key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    for folder in reversed(folders):
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def why_not() -> str | None:
    """Why no cluster can be started here (None: it can)."""
    if bin_dir() is None:
        return "no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` system user to run the server"
    if importlib.util.find_spec("psycopg") is None:  # only store/ imports the driver
        return "psycopg is not installed (pip install -e '.[pg]')"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """One throwaway server. `url(db)` names a database on it; `restart()` is the crash test
    (`pg_ctl restart -m immediate`)."""

    def __init__(self, *, fsync: bool = True, max_connections: int = 200) -> None:
        folder = bin_dir()
        if folder is None:
            raise RuntimeError(why_not() or "no PostgreSQL")
        self.bin = folder
        self.root = Path(tempfile.mkdtemp(prefix="kcc-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.fsync = fsync
        self.max_connections = max_connections
        self._as: list[str] = []
        if os.geteuid() == 0:
            self._as = ["runuser", "-u", "postgres", "--"]
            os.chmod(self.root, 0o755)
            shutil.chown(self.root, "postgres")

    def _run(self, *args: str, timeout: float = 120) -> None:
        done = subprocess.run([*self._as, *args], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, timeout=timeout, cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name}: {done.stderr.strip()[-300:]}")

    def _options(self) -> str:
        opts = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                f"-c max_connections={self.max_connections}")
        if not self.fsync:  # tests only: a process crash loses nothing without it either
            opts += " -c fsync=off -c full_page_writes=off"
        return opts

    def start(self) -> Cluster:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", USER,
                  "--auth=trust", "-E", "UTF8", "--no-locale")
        # the user kcc without a password (loopback only); any other user with one, so the
        # one-line error for a wrong password can be tested
        hba = self.data / "pg_hba.conf"
        hba.write_text("local all all trust\nhost all kcc 127.0.0.1/32 trust\n"
                       "host all all 127.0.0.1/32 scram-sha-256\n")
        if self._as:
            shutil.chown(hba, "postgres")
        self._pg_ctl("start")
        return self

    def _pg_ctl(self, action: str, *extra: str) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", self._options(),
                  "-l", str(self.root / "log"), "-w", *extra, action)

    def restart(self) -> None:
        """The server killed mid-work and started again (crash recovery from its WAL)."""
        self._pg_ctl("restart", "-m", "immediate")

    def resume(self) -> None:
        """Start the server again after `stop()`."""
        self._pg_ctl("start")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError, RuntimeError):
            self._pg_ctl("stop", "-m", "immediate")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{db}"

    def createdb(self, name: str) -> str:
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                  "-U", USER, name)
        return self.url(name)

    def dropdb(self, name: str) -> None:
        with contextlib.suppress(subprocess.SubprocessError, RuntimeError):
            self._run(str(self.bin / "dropdb"), "-h", "127.0.0.1", "-p", str(self.port),
                      "-U", USER, "--force", name)


@contextlib.contextmanager
def cluster(**kw: bool | int) -> Iterator[Cluster]:
    c = Cluster(**kw)  # type: ignore[arg-type]
    try:
        yield c.start()
    finally:
        c.remove()

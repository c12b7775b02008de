"""`python -m appgen.images`: draw each project's icon, splash and illustrations."""

from __future__ import annotations

from appgen.events.transport.process import run_process
from appgen.images.handlers import serve
from appgen.images.settings import Settings


def main() -> None:
    settings = Settings()
    run_process("images", settings, lambda stop: serve(settings, stop))


if __name__ == "__main__":
    main()

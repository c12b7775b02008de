"""`python -m appgen.screens`: run the screens stage until SIGTERM."""

from __future__ import annotations

from appgen.events import run_service
from appgen.screens.handlers import build_worker
from appgen.screens.settings import Settings


def main() -> None:
    settings = Settings()
    run_service("screens", build_worker(settings), settings)


if __name__ == "__main__":
    main()

"""`python -m appgen.scaffolder`: run the scaffolder stage until SIGTERM."""

from __future__ import annotations

from appgen.events import run_service
from appgen.scaffolder.handlers import build_worker
from appgen.scaffolder.settings import Settings


def main() -> None:
    settings = Settings()
    run_service("scaffolder", build_worker(settings), settings)


if __name__ == "__main__":
    main()

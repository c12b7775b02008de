"""`python -m appgen.finisher`: run the finisher stage until SIGTERM."""

from __future__ import annotations

from appgen.events import run_service
from appgen.finisher.handlers import build_worker
from appgen.finisher.settings import Settings


def main() -> None:
    settings = Settings()
    run_service("finisher", build_worker(settings), settings)


if __name__ == "__main__":
    main()

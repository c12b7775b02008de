"""`python -m appgen.analyzer`: run the analyzer stage until SIGTERM."""

from __future__ import annotations

from appgen.analyzer.handlers import build_worker
from appgen.analyzer.settings import Settings
from appgen.events import run_service


def main() -> None:
    settings = Settings()
    run_service("analyzer", build_worker(settings), settings)


if __name__ == "__main__":
    main()

"""`python -m appgen.images`: draw each project's icon, splash and illustrations."""

from __future__ import annotations

from appgen.events import run_service
from appgen.images.handlers import build_worker
from appgen.images.settings import Settings


def main() -> None:
    settings = Settings()
    run_service("images", build_worker(settings), settings)


if __name__ == "__main__":
    main()

"""`python -m appgen.images`: draw each project's icon, splash and illustrations."""

from __future__ import annotations

from appgen.events import run_service
from appgen.images.handlers import worker_factory
from appgen.images.settings import Settings


def main() -> None:
    settings = Settings()
    run_service("images", worker_factory(settings), settings)


if __name__ == "__main__":
    main()

"""`python -m appgen.screens`: run the screens stage until SIGTERM."""

from appgen.events import run_service
from appgen.screens.handlers import worker_factory
from appgen.screens.settings import Settings

if __name__ == "__main__":
    settings = Settings()
    run_service("screens", worker_factory(settings), settings)

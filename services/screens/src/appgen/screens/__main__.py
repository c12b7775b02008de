"""`python -m appgen.screens`: run the screens stage until SIGTERM."""

from appgen.events import run_service
from appgen.screens.handlers import build_worker
from appgen.screens.settings import Settings

if __name__ == "__main__":
    run_service("screens", build_worker, Settings())

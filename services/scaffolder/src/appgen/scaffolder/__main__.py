"""`python -m appgen.scaffolder`: run the scaffolder stage until SIGTERM."""

from appgen.events import run_service
from appgen.scaffolder.handlers import build_worker
from appgen.scaffolder.settings import Settings

if __name__ == "__main__":
    run_service("scaffolder", build_worker, Settings())

"""`python -m appgen.finisher`: run the finisher stage until SIGTERM."""

from appgen.events import run_service
from appgen.finisher.handlers import build_worker
from appgen.finisher.settings import Settings

if __name__ == "__main__":
    run_service("finisher", build_worker, Settings())

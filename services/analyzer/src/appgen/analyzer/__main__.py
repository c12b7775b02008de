"""`python -m appgen.analyzer`: run the analyzer stage until SIGTERM."""

from appgen.analyzer.handlers import build_worker
from appgen.analyzer.settings import Settings
from appgen.events import run_service

if __name__ == "__main__":
    run_service("analyzer", build_worker, Settings())

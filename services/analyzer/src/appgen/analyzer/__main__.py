"""`python -m appgen.analyzer`: run the analyzer stage until SIGTERM."""

from appgen.analyzer.handlers import worker_factory
from appgen.analyzer.settings import Settings
from appgen.events import run_service

if __name__ == "__main__":
    settings = Settings()
    run_service("analyzer", worker_factory(settings), settings)

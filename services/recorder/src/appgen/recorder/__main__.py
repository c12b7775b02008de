"""`python -m appgen.recorder`: migrate, then copy the stream into PostgreSQL in order, for ever."""

from __future__ import annotations

import gc

from appgen.events.transport.process import run_process
from appgen.recorder.recorder import serve
from appgen.recorder.settings import Settings
from appgen.store.migrate import upgrade_to_head

# Young objects collected every 20,000 allocations instead of 700: the recorder holds thousands
# of just-decoded events between the stream and their commit, and at the default the collector
# walked them again and again (measured: about half of its CPU, docs/store.md).
GC_THRESHOLD = (20_000, 10, 10)


def main() -> None:
    gc.set_threshold(*GC_THRESHOLD)
    settings = Settings()
    if settings.migrate:
        upgrade_to_head(settings.database_url)
    run_process("recorder", settings, lambda stop: serve(settings, stop))


if __name__ == "__main__":
    main()

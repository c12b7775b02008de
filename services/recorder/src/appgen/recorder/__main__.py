"""`python -m appgen.recorder`: migrate, then copy the stream into PostgreSQL in order, for ever."""

from __future__ import annotations

import gc

from appgen.events.transport.process import run_process
from appgen.recorder.recorder import serve
from appgen.recorder.settings import Settings
from appgen.store.migrate import upgrade_to_head

# Young objects collected once 100,000 more are alive than at the last collection, not 700: the
# recorder holds thousands of just-decoded events between the stream and their commit, and each
# collection walks them all again (about 1 us an object). At the default that was about half of
# its CPU (docs/store.md); at 20,000, still eleven collections and 0.35 s of a 20,000-event
# catch-up; at 100,000 none, and the collector still runs if garbage ever piles up.
GC_THRESHOLD = (100_000, 10, 10)


def main() -> None:
    gc.set_threshold(*GC_THRESHOLD)
    settings = Settings()
    if settings.migrate:
        upgrade_to_head(settings.database_url)
    run_process("recorder", settings, lambda stop: serve(settings, stop))


if __name__ == "__main__":
    main()

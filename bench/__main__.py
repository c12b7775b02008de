"""Dispatch `python -m bench [NAME [ARGS...]]` to `bench.NAME.main()`, which reads `sys.argv`."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    """Every module of bench/ but those named `_...`: this one and what the benchmarks share."""
    modules = pkgutil.iter_modules([str(Path(__file__).parent)])
    return sorted(m.name for m in modules if not m.name.startswith("_"))


def run(name: str, args: list[str]) -> None:
    module = importlib.import_module(f"bench.{name}")
    sys.argv = [f"python -m bench {name}", *args]
    module.main()


def main() -> None:
    names = available()
    if len(sys.argv) > 1:
        name, args = sys.argv[1], sys.argv[2:]
        if name not in names:
            sys.exit(f"unknown benchmark {name!r}; choose from: {', '.join(names)}")
        run(name, args)
        return
    for name in names:
        print(f"== {name}")
        run(name, [])


if __name__ == "__main__":
    main()

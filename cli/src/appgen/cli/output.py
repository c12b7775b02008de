"""Everything `appgen up` prints: the services' lines, prefixed and coloured, and its own notices."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

_PALETTE = ("cyan", "green", "magenta", "yellow", "blue", "bright_red", "bright_cyan", "orange3")


class Output:
    """One console shared by the supervisor and the command, so lines never interleave mid-line."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(highlight=False)
        self._styles: dict[str, str] = {}
        self._width = 0

    def style_for(self, service: str) -> str:
        if service not in self._styles:
            self._styles[service] = _PALETTE[len(self._styles) % len(_PALETTE)]
        return self._styles[service]

    def line(self, service: str, label: str, text: str) -> None:
        """One line a service wrote, as `[screens#2] …`."""
        self._width = max(self._width, len(label) + 2)
        prefix = f"[{label}]".ljust(self._width)
        # Text, not markup: a service's output may contain brackets rich would interpret.
        self.console.print(
            Text.assemble((prefix, self.style_for(service)), " ", text), soft_wrap=True
        )

    def notice(self, text: str) -> None:
        self.console.print(Text.assemble(("[appgen] ", "bold"), text), soft_wrap=True)

    def warning(self, text: str) -> None:
        self.console.print(Text.assemble(("[appgen] ", "bold yellow"), text), soft_wrap=True)

    def error(self, text: str) -> None:
        self.console.print(Text.assemble(("[appgen] ", "bold red"), text), soft_wrap=True)

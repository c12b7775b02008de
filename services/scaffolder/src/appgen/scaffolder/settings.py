"""The scaffolder's settings (environment variables with the APPGEN_ prefix)."""

from __future__ import annotations

from appgen.events import ServiceSettings


class Settings(ServiceSettings):
    pass

"""The domain library: every kind of app the rules know, in the order ties are broken."""

from __future__ import annotations

from appgen.analyzer.domains import (
    business,
    commerce,
    health,
    living,
    media,
    productivity,
    social,
)
from appgen.analyzer.domains.base import Domain, EntityBlueprint, Palette

DOMAINS: tuple[Domain, ...] = (
    *productivity.DOMAINS,
    *health.DOMAINS,
    *living.DOMAINS,
    *commerce.DOMAINS,
    *business.DOMAINS,
    *social.DOMAINS,
    *media.DOMAINS,
)

__all__ = ["DOMAINS", "Domain", "EntityBlueprint", "Palette"]

"""The domain library: every kind of app the rules know, in the order ties are broken."""

from __future__ import annotations

from appgen.analyzer.domains import commerce, living, productivity, social
from appgen.analyzer.domains.base import Domain, EntityBlueprint, Palette

DOMAINS: tuple[Domain, ...] = (
    *productivity.DOMAINS,
    *living.DOMAINS,
    *commerce.DOMAINS,
    *social.DOMAINS,
)

__all__ = ["DOMAINS", "Domain", "EntityBlueprint", "Palette"]

"""Building a service's model client once its NATS connection is up."""

from __future__ import annotations

from nats.js import JetStreamContext

from appgen.llm.client import LLMClient
from appgen.llm.ledger import SpendLedger
from appgen.llm.limiter import EndpointLimiter
from appgen.llm.settings import LLMSettings, Purpose


async def open_client(
    js: JetStreamContext, settings: LLMSettings, *purposes: Purpose, replicas: int = 1
) -> LLMClient | None:
    """A client when a model is configured for any of `purposes`, else None (stay deterministic).
    `replicas`: copies of its shared buckets (the stream's, on a cluster)."""
    if not any(settings.model_for(p) for p in purposes):
        return None
    limiter = await EndpointLimiter.open(
        js,
        settings.endpoint,
        limit=settings.concurrency,
        ttl_s=settings.slot_ttl_s,
        replicas=replicas,
    )
    ledger = await SpendLedger.open(js, settings.budget_usd, replicas=replicas)
    return LLMClient(settings, limiter, ledger)

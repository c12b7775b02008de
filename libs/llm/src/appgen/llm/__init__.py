"""appgen's language-model client: any OpenAI-compatible endpoint, with structured answers that
are validated and repaired, retries that honour Retry-After, a concurrency limit shared by every
worker, per-project budgets, and each call's tokens and cost as a `ModelCall`."""

from appgen.llm.client import Answer, LLMClient, Message, Picture
from appgen.llm.errors import BudgetExceeded, EndpointError, InvalidAnswer, LLMError
from appgen.llm.ledger import SpendLedger
from appgen.llm.limiter import EndpointLimiter
from appgen.llm.prices import DEFAULT_PRICES, Price, price_for
from appgen.llm.project import project_model
from appgen.llm.settings import LLMSettings, Purpose
from appgen.llm.structured import Structured, Unusable, describe, generate
from appgen.llm.wiring import open_client

__all__ = [
    "DEFAULT_PRICES",
    "Answer",
    "BudgetExceeded",
    "EndpointError",
    "EndpointLimiter",
    "InvalidAnswer",
    "LLMClient",
    "LLMError",
    "LLMSettings",
    "Message",
    "Picture",
    "Price",
    "Purpose",
    "SpendLedger",
    "Structured",
    "Unusable",
    "describe",
    "generate",
    "open_client",
    "price_for",
    "project_model",
]

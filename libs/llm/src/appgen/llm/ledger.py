"""What each project has spent on models, shared by every worker (a NATS KV counter per project).

The budget is checked before each call: a call that starts under the budget finishes (its tokens
are already being paid for) and the next one stops.
"""

from __future__ import annotations

import json

from nats.js import JetStreamContext
from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from appgen.llm.errors import BudgetExceeded
from appgen.llm.shared import open_bucket

BUCKET = "APPGEN_LLM_SPEND"
# A project is generated in minutes; a week keeps its spend around for late retries.
TTL_S = 7 * 24 * 3600.0


class SpendLedger:
    def __init__(self, kv: KeyValue, budget_usd: float | None) -> None:
        self._kv = kv
        self.budget_usd = budget_usd

    @classmethod
    async def open(
        cls, js: JetStreamContext, budget_usd: float | None, *, replicas: int = 1
    ) -> SpendLedger:
        return cls(await open_bucket(js, BUCKET, ttl_s=TTL_S, replicas=replicas), budget_usd)

    async def spent(self, project_id: str) -> float:
        try:
            entry = await self._kv.get(project_id)
        except KeyNotFoundError:
            return 0.0
        return _usd(entry.value)

    async def check(self, project_id: str) -> None:
        """Raise `BudgetExceeded` when the project has spent its budget."""
        if self.budget_usd is None:
            return
        spent = await self.spent(project_id)
        if spent >= self.budget_usd:
            raise BudgetExceeded(spent, self.budget_usd)

    async def add(self, project_id: str, usd: float) -> float:
        """Add a call's cost (compare-and-set, so concurrent workers never lose an update)."""
        while True:
            try:
                entry = await self._kv.get(project_id)
            except KeyNotFoundError:
                try:
                    await self._kv.create(project_id, _encode(usd))
                except KeyWrongLastSequenceError:
                    continue
                return usd
            total = _usd(entry.value) + usd
            try:
                await self._kv.update(project_id, _encode(total), last=entry.revision)
            except KeyWrongLastSequenceError:
                continue
            return total


def _encode(usd: float) -> bytes:
    return json.dumps({"usd": round(usd, 8)}).encode()


def _usd(value: bytes | None) -> float:
    return float(json.loads(value)["usd"]) if value else 0.0

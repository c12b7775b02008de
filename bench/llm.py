"""Generation with a model: `python -m bench llm [--delay 1.0] [--rounds 2]`.

Starts its own nats-server (fsync always) and PostgreSQL, the fake OpenAI-compatible server of
the tests answering every call after a fixed delay `d`, and the whole pipeline in this process
(`running_pipeline`, with the analysis on `gpt-4o-mini` and screens on `gpt-4.1`, priced from the
built-in table). For each prompt of a standard set it measures:
  - time from the publish of ProjectRequested to PreviewReady, divided by d (target <= 1.15:
    the analysis is the only model call before the preview);
  - time to ProjectCompleted (screens are written in parallel after the preview);
  - model calls, tokens in and out, and cost per project, from the project's state.
The fake's token counts are the characters of the real prompts and answers divided by four.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import nats
from nats.aio.msg import Msg

from appgen.events import (
    NatsSettings,
    PreviewReady,
    ProjectCompleted,
    ProjectFailed,
    ProjectRequested,
    new_project_id,
    open_bus,
)
from appgen.events.catalog.subjects import parse_subject, type_filter
from appgen.llm import LLMSettings
from appgen.store import EventStore
from appgen.store.migrate import upgrade_to_head
from bench._prompts import PROMPTS
from bench._servers import own_servers
from tests.fakes.openai_server import FakeOpenAI, serving
from tests.inprocess import running_pipeline

ANALYSIS_MODEL = "gpt-4o-mini"
SCREENS_MODEL = "gpt-4.1"


class Clock:
    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], float] = {}
        self.changed = asyncio.Condition()

    async def on_message(self, msg: Msg) -> None:
        project, kind = parse_subject(msg.subject)
        self.seen.setdefault((project, kind), time.perf_counter())
        async with self.changed:
            self.changed.notify_all()

    async def wait_end(self, project: str) -> None:
        ends = (ProjectCompleted.__name__, ProjectFailed.__name__)
        async with self.changed:
            await asyncio.wait_for(
                self.changed.wait_for(lambda: any((project, k) in self.seen for k in ends)), 120
            )


async def measure(
    nats_url: str, database_url: str, delay_s: float, rounds: int
) -> list[tuple[str, ...]]:
    clock = Clock()
    nc = await nats.connect(nats_url)
    for kind in (PreviewReady, ProjectCompleted, ProjectFailed):
        await nc.subscribe(type_filter(kind), cb=clock.on_message)
    store = await EventStore.open(database_url)
    rows: list[tuple[str, ...]] = []
    try:
        async with serving(FakeOpenAI(delay_s=delay_s)) as fake:
            llm = LLMSettings(
                base_url=fake.url,
                api_key="bench",
                analysis_model=ANALYSIS_MODEL,
                screens_model=SCREENS_MODEL,
                image_model=None,
                budget_usd=None,
            )
            async with (
                running_pipeline(nats_url, database_url, llm=llm),
                open_bus(NatsSettings(nats_url=nats_url), name="bench") as bus,
            ):
                # Warm-up: consumers, key-value buckets and connections are made on first use.
                warm = new_project_id()
                await bus.publish(ProjectRequested(project_id=warm, prompt=PROMPTS[0]))
                await clock.wait_end(warm)
                for _ in range(rounds):
                    for prompt in PROMPTS:
                        project = new_project_id()
                        started = time.perf_counter()
                        await bus.publish(ProjectRequested(project_id=project, prompt=prompt))
                        await clock.wait_end(project)
                        preview = clock.seen[(project, PreviewReady.__name__)] - started
                        done = clock.seen.get((project, ProjectCompleted.__name__))
                        await asyncio.sleep(0.3)  # the recorder catches up
                        state = await store.project_state(project)
                        assert state is not None
                        usage = state.usage
                        rows.append(
                            (
                                prompt[:44],
                                f"{preview / delay_s:.3f}",
                                f"{(done - started) / delay_s:.2f}" if done else "failed",
                                str(usage.calls),
                                str(usage.input_tokens),
                                str(usage.output_tokens),
                                f"${usage.cost_usd:.5f}",
                            )
                        )
    finally:
        await store.close()
        await nc.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench llm")
    parser.add_argument("--delay", type=float, default=1.0, help="seconds per model answer (d)")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the prompt set")
    args = parser.parse_args()
    with own_servers("llm") as servers:
        database_url = servers.postgres.url()
        upgrade_to_head(database_url)
        rows = asyncio.run(measure(servers.nats.url, database_url, args.delay, args.rounds))
    header = ("prompt", "preview/d", "complete/d", "calls", "tokens in", "tokens out", "cost")
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    print(
        f"\nmodel generation, d = {args.delay:g} s per call, analysis {ANALYSIS_MODEL}, "
        f"screens {SCREENS_MODEL}"
    )
    for row in (header, *rows):
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    ratios = [float(r[1]) for r in rows]
    costs = [float(r[6].lstrip("$")) for r in rows]
    print(
        f"  preview/d p50 {statistics.median(ratios):.3f}, max {max(ratios):.3f} (target <= 1.15); "
        f"cost per project mean ${statistics.mean(costs):.5f}"
    )


if __name__ == "__main__":
    main()

"""The native stage: `python -m bench native [--projects 5]`.

Starts its own nats-server and PostgreSQL, runs the pipeline in one process and the native
service (builds and the Expo Go pool, at its own nice 10) as its own process, as `appgen up`
does, then:
  1. generates `--projects` apps one after another (each as soon as the one before completed)
     and times each one's web build with the dependency tree and Metro's cache warm
     (`NativeBuilt.seconds`, p50 and max), and the instant preview (ProjectRequested →
     PreviewReady) while those builds queue and run;
  2. asks for an Expo Go server (the command the gateway's POST sends) and times it to
     `NativePreviewReady`, then to the first iOS bundle;
  3. applies an edit that adds a list and times it to a fresh iOS bundle that holds the list.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time

import httpx

from appgen.analyzer.edits import Revision, revise
from appgen.events import (
    Event,
    EventBus,
    NativeBuildFailed,
    NativeBuilt,
    NativePreviewFailed,
    NativePreviewReady,
    NatsSettings,
    PreviewReady,
    ProjectCompleted,
    ProjectRequested,
    new_project_id,
    open_bus,
)
from appgen.events.catalog.native import PREVIEWS_SUBJECT, PreviewAnswer, StartPreview
from appgen.store.migrate import upgrade_to_head
from appgen.store.samples import applied_edit
from bench._measure import percentile
from bench._prompts import PROMPTS
from bench._servers import own_servers
from tests.inprocess import running_pipeline

WAIT_S = 600.0
HEADERS = {"accept": "application/expo+json,application/json", "expo-platform": "ios"}


async def wait_for(bus: EventBus, project: str, *kinds: type[Event]) -> Event:
    """The newest of the project's events of `kinds`, once there is one."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        found = [await bus.log.latest(project, kind) for kind in kinds]
        hits = [f for f in found if f is not None]
        if hits:
            return max(hits, key=lambda f: f[0])[1]
        await asyncio.sleep(0.1)
    raise TimeoutError(f"no {[k.__name__ for k in kinds]} for {project}")


async def ios_bundle(expo_url: str) -> str:
    async with httpx.AsyncClient(timeout=WAIT_S) as phone:
        manifest = await phone.get(
            "http://" + expo_url.removeprefix("exp://") + "/", headers=HEADERS
        )
        bundle = await phone.get(manifest.json()["launchAsset"]["url"])
        bundle.raise_for_status()
        return bundle.text


async def measure(
    nats_url: str, database_url: str, projects: int, *, native: bool = True
) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    async with (
        running_pipeline(nats_url, database_url),
        open_bus(NatsSettings(nats_url=nats_url), name="bench") as bus,
    ):
        # The first project warms Metro's cache; the rest are requested one after another as
        # each completes, so every preview after the first is made while builds run.
        warm = new_project_id()
        await bus.publish(ProjectRequested(project_id=warm, prompt=PROMPTS[0]))
        await wait_for(
            bus, warm, *((NativeBuilt, NativeBuildFailed) if native else (ProjectCompleted,))
        )
        previews: list[float] = []
        made: list[str] = []
        for index in range(1, projects + 1):
            project = new_project_id()
            asked = time.monotonic()
            await bus.publish(
                ProjectRequested(project_id=project, prompt=PROMPTS[index % len(PROMPTS)])
            )
            await wait_for(bus, project, PreviewReady)
            previews.append((time.monotonic() - asked) * 1000)
            await wait_for(bus, project, ProjectCompleted)
            made.append(project)
        if not native:
            rows.append(
                (
                    "to PreviewReady p50 / max (no native service)",
                    f"{percentile(previews, 0.5):.0f} ms / {max(previews):.0f} ms",
                )
            )
            return rows
        builds: list[float] = []
        for project in made:
            built = await wait_for(bus, project, NativeBuilt, NativeBuildFailed)
            if not isinstance(built, NativeBuilt):
                raise RuntimeError(f"the build of {project} failed: {built}")
            builds.append(built.seconds)
        last = made[-1]
        rows += [
            ("web builds, warm", f"{len(builds)}"),
            (
                "build p50 / max",
                f"{percentile(builds, 0.5):.1f} s / {max(builds):.1f} s",
            ),
            (
                "to PreviewReady p50 / max (builds queued or running)",
                f"{percentile(previews, 0.5):.0f} ms / {max(previews):.0f} ms",
            ),
        ]

        asked = time.monotonic()
        answer = await bus.nc.request(
            PREVIEWS_SUBJECT, StartPreview(project_id=last).model_dump_json().encode(), timeout=30
        )
        if PreviewAnswer.model_validate_json(answer.data).status != "accepted":
            raise RuntimeError(answer.data.decode())
        ready = await wait_for(bus, last, NativePreviewReady, NativePreviewFailed)
        if not isinstance(ready, NativePreviewReady):
            raise RuntimeError(f"the Expo Go server failed: {ready}")
        rows.append(("start → NativePreviewReady", f"{time.monotonic() - asked:.1f} s"))
        fetched = time.monotonic()
        await ios_bundle(ready.expo_url)
        rows.append(("first iOS bundle", f"{time.monotonic() - fetched:.1f} s"))

        spec = (await bus.log.edits(last)).spec
        if spec is None:
            raise RuntimeError(f"{last} has no spec")
        outcome = revise(spec, "add a list of notes")
        if not isinstance(outcome, Revision):
            raise RuntimeError(f"the edit was not made: {outcome}")
        landed = time.monotonic()
        for event in applied_edit(last, spec, outcome.spec, "add notes", edit_id="2" * 32):
            await bus.publish(event)
        added = [s.title for s in outcome.spec.screens if s not in spec.screens]
        while True:
            bundle = await ios_bundle(ready.expo_url)
            if all(title in bundle for title in added):
                break
            if time.monotonic() - landed > WAIT_S:
                raise TimeoutError("the new list never reached the bundle")
            await asyncio.sleep(0.2)
        rows.append(("edit applied → fresh bundle with it", f"{time.monotonic() - landed:.1f} s"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench native")
    parser.add_argument("--projects", type=int, default=5)
    parser.add_argument(
        "--without-native",
        action="store_true",
        help="the same previews without the native service, for comparison",
    )
    args = parser.parse_args()
    with own_servers("native") as servers:
        upgrade_to_head(servers.postgres.url())
        env = {
            **os.environ,
            "APPGEN_NATS_URL": servers.nats.url,
            "APPGEN_NATIVE__PREVIEWS": "1",
        }
        native = None
        if not args.without_native:
            log = (servers.folder / "native.log").open("wb")
            native = subprocess.Popen(
                [sys.executable, "-m", "appgen.native"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            rows = asyncio.run(
                measure(
                    servers.nats.url,
                    servers.postgres.url(),
                    args.projects,
                    native=native is not None,
                )
            )
        finally:
            if native is not None:
                native.terminate()
                native.wait(timeout=60)
    width = max(len(name) for name, _ in rows)
    print(f"\nthe native stage ({os.cpu_count()} cores)")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


if __name__ == "__main__":
    main()

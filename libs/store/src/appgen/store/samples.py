"""Realistic project histories built from the real catalog, for the store's tests and benchmark."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from appgen.events import (
    AnalysisCompleted,
    AnalysisStarted,
    BaseGenerated,
    ComponentsAdded,
    EditApplied,
    EditRequested,
    EditStarted,
    Event,
    EventMetadata,
    FileWrite,
    ImageGenerated,
    ImagesCompleted,
    ModelCall,
    PreviewConfigured,
    PreviewReady,
    ProjectCompleted,
    ProjectCreated,
    ProjectFailed,
    ProjectRequested,
    ScreenAdded,
    ScreensCompleted,
    SpecRevised,
    Stage,
    StageFailed,
    new_project_id,
)
from appgen.spec import AppSpec, Entity, EntityField, FieldType, Screen, ScreenKind, Theme, diff

_PAGE = "<section class='screen'>\n" + "  <p>{title}: a list of tasks, each with a title.</p>\n" * 8


def sample_spec(
    *,
    name: str = "Plant Care",
    slug: str = "plant_care",
    description: str = "Keep your plants watered, fed and happy.",
    prompt: str = "a plant watering tracker with reminders",
    domain: str = "custom",
    glyph: str = "🪴",
    entities: tuple[tuple[str, str, str], ...] = (
        ("plant", "Plants", "🌱"),
        ("watering", "Waterings", "💧"),
        ("reminder", "Reminders", "⏰"),
    ),
    primary: str = "#2f9e6e",
    accent: str = "#f4a261",
    screens: int = 1,
) -> AppSpec:
    """A small valid spec: `screens` list screens of the first entity (a dashboard without
    entities). Names and glyphs are parameters so tests can make them hostile."""
    if entities:
        first = entities[0][0]
        routes = [f"{first}s", *(f"screen-{i}" for i in range(1, screens))]
        pages = tuple(
            Screen(route=r, title=r.title(), kind=ScreenKind.list, entity=first, in_tab_bar=True)
            for r in routes
        )
    else:
        pages = (Screen(route="home", title="Home", kind=ScreenKind.dashboard, in_tab_bar=True),)
    return AppSpec(
        name=name,
        slug=slug,
        description=description,
        prompt=prompt,
        domain=domain,
        theme=Theme(primary=primary, accent=accent, icon=glyph),
        entities=tuple(
            Entity(
                name=entity,
                label=entity.title(),
                plural=plural,
                icon=icon,
                fields=(EntityField(name="title", label="Title", type=FieldType.text),),
                title_field="title",
            )
            for entity, plural, icon in entities
        ),
        screens=pages,
        home=pages[0].route,
    )


def sample_history(
    project_id: str | None = None,
    *,
    screens: int = 3,
    images: int = 2,
    start: datetime | None = None,
    fail: bool = False,
    owner: str | None = None,
) -> list[Event]:
    """The events one project publishes, in a plausible order, a second apart.

    Images interleave with the screens (they are a background branch); `fail` ends the project
    with StageFailed and ProjectFailed in the screens stage instead of completing it.
    """
    pid = project_id or new_project_id()
    spec = sample_spec(
        name="Task Tracker",
        slug="task_tracker",
        description="Keep track of tasks.",
        prompt="Create a todo list app",
        domain="todo",
        glyph="✨",
        entities=(("task", "Tasks", "•"),),
        primary="#3355ff",
        accent="#ff5533",
        screens=screens,
    )
    base = start or datetime(2025, 1, 1, tzinfo=UTC)
    clock = iter(base + timedelta(seconds=s) for s in range(10_000))
    request_id = uuid.uuid4()

    def meta(service: str, calls: int = 0) -> EventMetadata:
        usage = tuple(
            ModelCall(model="m", purpose=service, input_tokens=100, output_tokens=50, cost_usd=0.01)
            for _ in range(calls)
        )
        return EventMetadata(
            service=service, causation_id=request_id, correlation_id=request_id, model_calls=usage
        )

    def page(path: str, title: str) -> FileWrite:
        return FileWrite.of_text(path, _PAGE.format(title=title), "text/html")

    events: list[Event] = [
        ProjectRequested(
            event_id=request_id,
            prompt="Create a todo list app",
            occurred_at=next(clock),
            project_id=pid,
            owner=owner,
        ),
        AnalysisStarted(occurred_at=next(clock), metadata=meta("analyzer"), project_id=pid),
        AnalysisCompleted(
            spec=spec,
            occurred_at=next(clock),
            metadata=meta("analyzer", calls=1),
            project_id=pid,
        ),
        ProjectCreated(
            name=spec.name,
            slug=spec.slug,
            screens_planned=tuple(f"s{i}" for i in range(screens)),
            occurred_at=next(clock),
            metadata=meta("scaffolder"),
            project_id=pid,
        ),
        BaseGenerated(
            files=(page("index.html", "Home"), page("app.css", "Styles")),
            occurred_at=next(clock),
            metadata=meta("scaffolder"),
            project_id=pid,
        ),
        PreviewConfigured(
            files=(page("manifest.json", "Manifest"),),
            occurred_at=next(clock),
            metadata=meta("scaffolder"),
            project_id=pid,
        ),
        PreviewReady(
            occurred_at=next(clock),
            metadata=meta("scaffolder"),
            project_id=pid,
        ),
    ]
    pictures: list[Event] = [
        ImageGenerated(
            name=f"image-{i}",
            purpose="illustration",
            index=i,
            total=images,
            files=(FileWrite.of_blob(f"images/image-{i}.png", f"png {i}".encode(), "image/png"),),
            occurred_at=next(clock),
            metadata=meta("images"),
            project_id=pid,
        )
        for i in range(images)
    ]
    for i in range(screens):
        events.append(
            ScreenAdded(
                route=f"screen-{i}",
                title=f"Screen {i}",
                index=i,
                total=screens,
                progress=45 + (40 * i) // screens,
                files=(page(f"screens/screen-{i}.js", f"Screen {i}"),),
                occurred_at=next(clock),
                metadata=meta("screens", calls=1),
                project_id=pid,
            )
        )
        if pictures:
            events.append(pictures.pop(0))
        if fail and i == screens - 1:
            reason = "screens gave up after 5 attempts"
            events.append(
                StageFailed(
                    failed_stage=Stage.adding_screens,
                    service="screens",
                    reason=reason,
                    input_type="PreviewReady",
                    attempts=5,
                    occurred_at=next(clock),
                    project_id=pid,
                )
            )
            events.append(
                ProjectFailed(
                    failed_stage=Stage.adding_screens,
                    reason=reason,
                    occurred_at=next(clock),
                    project_id=pid,
                )
            )
            return events
    events.extend(pictures)
    events.append(
        ImagesCompleted(
            count=images, occurred_at=next(clock), metadata=meta("images"), project_id=pid
        )
    )
    events.append(
        ComponentsAdded(
            components=("header", "record_list"),
            files=(
                page("components/header.js", "Header"),
                page("screens/screen-0.js", "Screen 0 v2"),
            ),
            occurred_at=next(clock),
            metadata=meta("screens"),
            project_id=pid,
        )
    )
    events.append(
        ScreensCompleted(
            screens=tuple(f"screen-{i}" for i in range(screens)),
            occurred_at=next(clock),
            metadata=meta("screens"),
            project_id=pid,
        )
    )
    events.append(
        ProjectCompleted(
            occurred_at=next(clock),
            metadata=meta("finisher"),
            project_id=pid,
        )
    )
    return events


def applied_edit(
    project_id: str, before: AppSpec, after: AppSpec, prompt: str, *, edit_id: str = "1" * 32
) -> list[Event]:
    """The events of one edit from `before` to `after` that landed as version 2, as the pipeline
    writes them (without the screens' files): for tests and benchmarks that need an edited
    project without running the stages."""
    return [
        EditRequested(project_id=project_id, edit_id=edit_id, prompt=prompt, expected_version=2),
        EditStarted(project_id=project_id, edit_id=edit_id, base_version=1),
        SpecRevised(
            project_id=project_id,
            edit_id=edit_id,
            version=2,
            spec=after,
            changes=diff(before, after),
        ),
        EditApplied(
            project_id=project_id,
            edit_id=edit_id,
            version=2,
            prompt=prompt,
            changes=tuple(change.summary for change in diff(before, after)),
        ),
    ]

"""Who may do what on NATS: each service's publish and subscribe subjects, least privilege.

One table, `ROLES`, says which event types each service writes (for a stage: what the pipeline
declares it makes, `catalog.pipeline`), whether it runs a stage's
durable consumer, reads the stream through short-lived consumers, shares the model buckets,
keeps blobs, or manages the stream; `grant_for` turns a role into the subjects a nats-server
`authorization` block allows. Subjects come from `appgen.events.catalog.subjects` and JetStream's API
names, never retyped elsewhere.

Reading is not narrowed per event type: every stage reads a project's whole history (direct gets
name their subject in the request body, which permissions cannot see). What is narrowed is
writing (a stage publishes only the events it makes, the gateway the requests and a fork's
copies), each durable consumer (only its stage may pull from or ack it), and the stream itself
(only the recorder may create or update it, only the admin delete it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from appgen.events.catalog.declaration import StageDeclaration
from appgen.events.catalog.envelope import Event
from appgen.events.catalog.native import PREVIEWS_SUBJECT
from appgen.events.catalog.pipeline import IMAGES, NATIVE, PREVIEW_ENDS, PREVIEW_STARTS, publishes
from appgen.events.catalog.pipeline import STAGES as PIPELINE_STAGES
from appgen.events.catalog.subjects import all_events, project_filter, type_filter, type_filters
from appgen.events.transport.settings import NatsSettings

ADMIN = "admin"
_API = "$JS.API"


@dataclass(frozen=True)
class Role:
    """What one service does on NATS."""

    publishes: tuple[type[Event], ...] = ()
    # Every event subject: the gateway, whose forks copy a project's history of every type
    # into the new project (routes/fork.py).
    publishes_all: bool = False
    # Runs a stage's durable consumer named after the service (and its hand-backs bucket).
    stage: bool = False
    # Reads the stream through consumers of its own, made and deleted as it goes (StreamTail).
    tails: bool = False
    # Shares the model budget and call-slot buckets (libs/llm).
    models: bool = False
    # The content-addressed blob store: "write" keeps images, "read" serves or builds them.
    blobs: str | None = None
    # May create and update the event stream (never delete it: that is the admin's).
    manages_stream: bool = False
    # Core subjects beyond the event stream: (publish, subscribe).
    core_publish: tuple[str, ...] = ()
    core_subscribe: tuple[str, ...] = ()
    # Answers requests (reply subjects it has been sent).
    responds: bool = False


def _stage_role(declaration: StageDeclaration) -> Role:
    """A stage's role, from its declaration: it publishes what it declares, runs its durable
    consumer, and shares the model buckets when it calls models."""
    native = declaration is NATIVE
    return Role(
        publishes=publishes(declaration),
        stage=True,
        models=declaration.calls_models,
        # Images keep the blobs they draw; the native stage reads them to build.
        blobs="write" if declaration is IMAGES else "read" if native else None,
        # The native stage takes start commands from the gateway, and each served project's
        # events as they happen (a core subscription: nothing is stored for it).
        core_subscribe=(
            (PREVIEWS_SUBJECT, project_filter("*"))
            if native
            # The images stage hears the previews being made, to draw in between.
            else tuple(type_filters(PREVIEW_STARTS + PREVIEW_ENDS))
            if declaration is IMAGES
            else ()
        ),
        responds=native,
    )


ROLES: Mapping[str, Role] = {
    "recorder": Role(tails=True, manages_stream=True),
    **{declaration.service: _stage_role(declaration) for declaration in PIPELINE_STAGES},
    "gateway": Role(publishes_all=True, tails=True, blobs="read", core_publish=(PREVIEWS_SUBJECT,)),
}
STAGES: tuple[str, ...] = tuple(name for name, role in ROLES.items() if role.stage)


@dataclass(frozen=True)
class Grant:
    """The subjects one user may publish to and subscribe to (`deny` wins over `allow`)."""

    publish: tuple[str, ...]
    subscribe: tuple[str, ...]
    publish_deny: tuple[str, ...] = ()
    allow_responses: bool = False


def inbox_prefix(user: str | None) -> str:
    """Each user's replies arrive under a prefix of its own, so no service can listen in on
    another's answers (JetStream API replies, direct gets, pulled messages)."""
    return f"_INBOX_{user}" if user else "_INBOX"


def admin_grant() -> Grant:
    """`appgen up` itself and operators: everything."""
    return Grant(publish=(">",), subscribe=(">",))


def grant_for(
    service: str, user: str, settings: NatsSettings, *, model_buckets: Sequence[str] = ()
) -> Grant:
    """What `user`, running `service`, may do on the stream and buckets `settings` name.

    `model_buckets` are the KV buckets a service that calls models shares (libs/llm's budget
    ledger and call slots).
    """
    if service == ADMIN:
        return admin_grant()
    role = ROLES[service]
    stream = settings.stream
    publish: list[str] = [
        f"{_API}.STREAM.INFO.{stream}",
        # A project's history (direct gets by subject, in the request body or the subject).
        f"{_API}.DIRECT.GET.{stream}",
        f"{_API}.DIRECT.GET.{stream}.>",
        f"{_API}.STREAM.MSG.GET.{stream}",
        *role.core_publish,
    ]
    deny: list[str] = []
    if role.publishes_all:
        publish.append(all_events())
    else:
        publish.extend(sorted({type_filter(t) for t in role.publishes}))
    if role.stage:
        publish.extend(_durable(stream, service))
        publish.extend(_bucket(f"KV_{stream}_HANDBACKS", f"$KV.{stream}_HANDBACKS"))
    if role.tails:
        # Consumers named by the server: create, pull, delete; never another's durable.
        publish.extend(
            [
                f"{_API}.CONSUMER.CREATE.{stream}",
                f"{_API}.CONSUMER.CREATE.{stream}.*.>",
                f"{_API}.CONSUMER.INFO.{stream}.*",
                f"{_API}.CONSUMER.MSG.NEXT.{stream}.*",
                f"{_API}.CONSUMER.DELETE.{stream}.*",
            ]
        )
        for durable in STAGES:
            deny.extend(
                [
                    f"{_API}.CONSUMER.CREATE.{stream}.{durable}.>",
                    f"{_API}.CONSUMER.MSG.NEXT.{stream}.{durable}",
                    f"{_API}.CONSUMER.DELETE.{stream}.{durable}",
                    f"$JS.ACK.{stream}.{durable}.>",
                ]
            )
    if role.models:
        for bucket in model_buckets:
            publish.extend(_bucket(f"KV_{bucket}", f"$KV.{bucket}"))
    if role.blobs is not None:
        bucket = settings.blob_bucket
        # Reading takes a consumer on the bucket's stream; writing publishes chunks and meta.
        publish.extend(_bucket(f"OBJ_{bucket}", f"$O.{bucket}" if role.blobs == "write" else None))
    if role.manages_stream:
        publish.extend([f"{_API}.STREAM.CREATE.{stream}", f"{_API}.STREAM.UPDATE.{stream}"])
    subscribe = [f"{inbox_prefix(user)}.>", *role.core_subscribe]
    return Grant(
        publish=tuple(dict.fromkeys(publish)),
        subscribe=tuple(subscribe),
        publish_deny=tuple(deny),
        allow_responses=role.responds,
    )


def _durable(stream: str, name: str) -> list[str]:
    """A stage's own durable consumer: made, looked at, pulled from, acked."""
    return [
        f"{_API}.CONSUMER.INFO.{stream}.{name}",
        f"{_API}.CONSUMER.CREATE.{stream}.{name}",
        f"{_API}.CONSUMER.CREATE.{stream}.{name}.>",
        f"{_API}.CONSUMER.DURABLE.CREATE.{stream}.{name}",
        f"{_API}.CONSUMER.MSG.NEXT.{stream}.{name}",
        f"$JS.ACK.{stream}.{name}.>",
    ]


def _bucket(stream: str, writes: str | None) -> list[str]:
    """A KV or object-store bucket (the stream under it): made on first use, read through
    gets and short-lived consumers, and written on its own subjects when `writes` is given."""
    subjects = [
        f"{_API}.STREAM.INFO.{stream}",
        f"{_API}.STREAM.CREATE.{stream}",
        f"{_API}.STREAM.MSG.GET.{stream}",
        f"{_API}.DIRECT.GET.{stream}",
        f"{_API}.DIRECT.GET.{stream}.>",
        f"{_API}.CONSUMER.CREATE.{stream}",
        f"{_API}.CONSUMER.CREATE.{stream}.>",
        f"{_API}.CONSUMER.DELETE.{stream}.*",
        f"{_API}.CONSUMER.MSG.NEXT.{stream}.*",
        f"$JS.ACK.{stream}.>",
        f"$JS.FC.{stream}.>",
    ]
    if writes is not None:
        subjects.append(f"{writes}.>")
    return subjects

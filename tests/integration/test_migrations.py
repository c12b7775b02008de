"""Every migration goes down and up again on a real PostgreSQL, keeping the rows it can keep."""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from appgen.store.migrate import alembic_config
from appgen.store.urls import sqlalchemy_url

pytestmark = pytest.mark.integration


async def migrate(url: str, target: str, *, down: bool = False) -> None:
    def run(connection: Connection) -> None:
        config = alembic_config(connection)
        (command.downgrade if down else command.upgrade)(config, target)

    engine = create_async_engine(sqlalchemy_url(url), poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(run)
    finally:
        await engine.dispose()


async def rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_async_engine(sqlalchemy_url(url), poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(sql))
            return [tuple(row) for row in result.all()] if result.returns_rows else []
    finally:
        await engine.dispose()


async def test_the_schema_goes_to_base_and_back_to_head(database_url: str) -> None:
    await migrate(database_url, "base", down=True)
    assert await rows(database_url, "SELECT count(*) FROM alembic_version") == [(0,)]
    tables = (
        "SELECT to_regclass('events'), to_regclass('api_keys'), to_regclass('generation_starts')"
    )
    assert await rows(database_url, tables) == [(None, None, None)]
    await migrate(database_url, "head")
    assert await rows(database_url, "SELECT version_num FROM alembic_version") == [("0007",)]


async def test_generation_starts_keep_their_first_start_across_0003(database_url: str) -> None:
    first, resumed = uuid.uuid4(), uuid.uuid4()
    await rows(
        database_url,
        "INSERT INTO generation_starts (start_id, project_id, key_id, started_at) VALUES "
        f"('{first}', 'p1', 'k1', now() - interval '5 minutes'), ('{resumed}', 'p1', 'k1', now())",
    )
    await migrate(database_url, "0002", down=True)
    assert await rows(database_url, "SELECT project_id, key_id FROM generation_starts") == [
        ("p1", "k1")
    ]
    await migrate(database_url, "head")
    (start_id,) = (await rows(database_url, "SELECT start_id FROM generation_starts"))[0]
    assert isinstance(start_id, uuid.UUID)
    # Two starts of one project may be counted again after the upgrade.
    await rows(
        database_url,
        "INSERT INTO generation_starts (start_id, project_id, key_id) "
        f"VALUES ('{uuid.uuid4()}', 'p1', 'k1')",
    )
    assert await rows(database_url, "SELECT count(*) FROM generation_starts") == [(2,)]


async def test_a_summarys_preview_path_becomes_whether_its_preview_is_ready(
    database_url: str,
) -> None:
    await migrate(database_url, "0005", down=True)
    await rows(
        database_url,
        "INSERT INTO projects (project_id, prompt, stage, progress, status, preview_path, "
        "created_at, updated_at, last_position, event_count) VALUES "
        "('ready', 'p', 'preview_ready', 40, 'running', '/preview/ready/', now(), now(), 7, 7), "
        "('early', 'p', 'analyzing', 5, 'running', NULL, now(), now(), 2, 2)",
    )
    await migrate(database_url, "head")
    assert await rows(
        database_url, "SELECT project_id, preview_ready FROM projects ORDER BY project_id"
    ) == [("early", False), ("ready", True)]
    await migrate(database_url, "0005", down=True)
    assert await rows(
        database_url, "SELECT project_id, preview_path FROM projects ORDER BY project_id"
    ) == [("early", None), ("ready", "/preview/ready/")]
    await migrate(database_url, "head")


QUOTA_FUNCTIONS = (
    "SELECT to_regprocedure('appgen_start_generation(text, text, uuid, integer, integer, "
    "double precision)') IS NOT NULL, to_regprocedure('appgen_open_socket(uuid, text, text, "
    "integer, integer, double precision)') IS NOT NULL"
)


async def test_the_limits_functions_come_and_go_with_0007(database_url: str) -> None:
    assert await rows(database_url, QUOTA_FUNCTIONS) == [(True, True)]
    await migrate(database_url, "0006", down=True)
    assert await rows(database_url, QUOTA_FUNCTIONS) == [(False, False)]
    await migrate(database_url, "head")
    assert await rows(database_url, QUOTA_FUNCTIONS) == [(True, True)]

"""The store's SQL, in one place. Arrays go in through `unnest` so a batch is one statement.

jsonb crosses the wire as text on purpose: the event JSON is cast to jsonb in the statement and
read back with `data::text`, so no driver codec parses and re-serialises it in between.
"""

from __future__ import annotations

from sqlalchemy import TextClause, text

_EVENT_COLUMNS = (
    "position, event_id, project_id, type, stage, progress, occurred_at, service, attempt, "
    "causation_id, correlation_id"
)

INSERT_EVENTS: TextClause = text(
    f"""
    INSERT INTO events ({_EVENT_COLUMNS}, data)
    SELECT {_EVENT_COLUMNS}, CAST(data AS jsonb)
    FROM unnest(
        CAST(:position AS bigint[]), CAST(:event_id AS uuid[]), CAST(:project_id AS text[]),
        CAST(:type AS text[]), CAST(:stage AS text[]), CAST(:progress AS smallint[]),
        CAST(:occurred_at AS timestamptz[]), CAST(:service AS text[]), CAST(:attempt AS int[]),
        CAST(:causation_id AS uuid[]), CAST(:correlation_id AS uuid[]), CAST(:data AS text[])
    ) AS batch({_EVENT_COLUMNS}, data)
    ORDER BY position
    ON CONFLICT (event_id) DO NOTHING
    RETURNING position
    """
)

_PROJECT_COLUMNS = (
    "project_id, prompt, name, stage, progress, status, failure_reason, preview_path, "
    "created_at, updated_at, last_position, event_count, owner"
)
PROJECT_FIELDS: tuple[str, ...] = tuple(c.strip() for c in _PROJECT_COLUMNS.split(","))

LOCK_PROJECTS: TextClause = text(
    f"SELECT {_PROJECT_COLUMNS} FROM projects WHERE project_id = ANY(CAST(:ids AS text[])) "
    "ORDER BY project_id FOR UPDATE"
)

UPSERT_PROJECTS: TextClause = text(
    f"""
    INSERT INTO projects ({_PROJECT_COLUMNS})
    SELECT * FROM unnest(
        CAST(:project_id AS text[]), CAST(:prompt AS text[]), CAST(:name AS text[]),
        CAST(:stage AS text[]), CAST(:progress AS smallint[]), CAST(:status AS text[]),
        CAST(:failure_reason AS text[]), CAST(:preview_path AS text[]),
        CAST(:created_at AS timestamptz[]), CAST(:updated_at AS timestamptz[]),
        CAST(:last_position AS bigint[]), CAST(:event_count AS int[]), CAST(:owner AS text[])
    )
    ON CONFLICT (project_id) DO UPDATE SET
    """
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in PROJECT_FIELDS[1:])
)

_SELECT_STORED = "SELECT position, type, data::text AS data, recorded_at FROM events"

HISTORY: TextClause = text(
    f"""
    {_SELECT_STORED}
    WHERE project_id = :project_id AND position > :since AND position <= :until
    ORDER BY position LIMIT :limit
    """
)

HISTORY_OF_TYPES: TextClause = text(
    f"""
    {_SELECT_STORED}
    WHERE project_id = :project_id AND position > :since AND position <= :until
      AND type = ANY(CAST(:types AS text[]))
    ORDER BY position LIMIT :limit
    """
)

EVENTS_BETWEEN: TextClause = text(
    f"""
    {_SELECT_STORED}
    WHERE occurred_at >= :start AND occurred_at < :end
    ORDER BY position
    """
)

LAST_POSITION: TextClause = text("SELECT coalesce(max(position), 0) FROM events")
PING: TextClause = text("SELECT 1")


PROJECT_OWNER: TextClause = text("SELECT owner FROM projects WHERE project_id = :project_id")


def _where(*, filtered: bool, owned: bool) -> str:
    """`owned` limits the rows to one key's projects (`owner IS NOT DISTINCT FROM` so that
    `owner = None` means the projects made without a key)."""
    conditions = (["status = :status"] if filtered else []) + (
        ["owner IS NOT DISTINCT FROM :owner"] if owned else []
    )
    return ("WHERE " + " AND ".join(conditions)) if conditions else ""


def list_projects(*, filtered: bool, owned: bool = False) -> TextClause:
    where = _where(filtered=filtered, owned=owned)
    return text(
        f"SELECT {_PROJECT_COLUMNS} FROM projects {where} "
        "ORDER BY created_at DESC, project_id DESC LIMIT :limit OFFSET :offset"
    )


def count_projects(*, filtered: bool, owned: bool = False) -> TextClause:
    where = _where(filtered=filtered, owned=owned)
    return text(f"SELECT count(*) FROM projects {where}")

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

# The columns the recorder copies, in the order of its rows (`recorded_at` takes its default).
EVENT_COLUMNS: tuple[str, ...] = (*(c.strip() for c in _EVENT_COLUMNS.split(",")), "data")

# Compare-and-set of the mark (a writer that is not where it thinks it is updates nothing, and
# its transaction is rolled back) and which of the batch's ids are stored already (the recorder
# leaves them out of its copy), in one round trip. Both read one snapshot, taken before the
# update waits for the tracking row's lock: an id another tracked writer stored after that is
# missed only if the writer committed, and then it moved the mark, so `moved` is false.
ADVANCE_TRACKING_FIND_STORED: TextClause = text(
    """
    WITH moved AS (
        UPDATE tracking SET position = :position, updated_at = now()
        WHERE name = :name AND position = :expected
        RETURNING position
    )
    SELECT EXISTS (SELECT FROM moved) AS moved,
           ARRAY(SELECT event_id FROM events WHERE event_id = ANY(CAST(:ids AS uuid[]))) AS stored
    """
)

_PROJECT_COLUMNS = (
    "project_id, prompt, name, stage, progress, status, failure_reason, preview_ready, "
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
        CAST(:failure_reason AS text[]), CAST(:preview_ready AS boolean[]),
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

# The high-water mark and the project's rows up to it, in one statement: one round trip, and
# one snapshot, in which the mark and the rows were committed together.
_TO_MARK = """
    SELECT m.mark, e.position, e.type, e.data, e.recorded_at
    FROM (SELECT coalesce((SELECT position FROM tracking WHERE name = :name), 0) AS mark) m
    LEFT JOIN LATERAL (
        {select}
        WHERE project_id = :project_id AND position > :since
          AND position <= least(:until, m.mark) {types}
        ORDER BY position LIMIT :limit
    ) e ON true
    ORDER BY e.position
"""
HISTORY_TO_MARK: TextClause = text(_TO_MARK.format(select=_SELECT_STORED, types=""))
HISTORY_OF_TYPES_TO_MARK: TextClause = text(
    _TO_MARK.format(select=_SELECT_STORED, types="AND type = ANY(CAST(:types AS text[]))")
)

EVENTS_BETWEEN: TextClause = text(
    f"""
    {_SELECT_STORED}
    WHERE occurred_at >= :start AND occurred_at < :end
    ORDER BY position
    """
)

LATEST_OF_TYPE: TextClause = text(
    f"""
    {_SELECT_STORED}
    WHERE project_id = :project_id AND type = :type AND position <= :until
    ORDER BY position DESC LIMIT 1
    """
)

# Where an event id is stored, if it is: how a reader past the high-water mark drops the later
# copy of an event the stream holds twice.
EVENT_POSITIONS: TextClause = text(
    "SELECT event_id, position FROM events WHERE event_id = ANY(CAST(:ids AS uuid[]))"
)

PROJECT_EVENT_IDS: TextClause = text(
    "SELECT event_id FROM events WHERE project_id = :project_id AND position <= :until"
)

LAST_POSITION: TextClause = text("SELECT coalesce(max(position), 0) FROM events")

# The high-water mark: every stream position up to it is handled (stored, or unreadable).
HIGH_WATER: TextClause = text("SELECT position FROM tracking WHERE name = :name")

ENSURE_TRACKING: TextClause = text(
    "INSERT INTO tracking (name, position) VALUES (:name, 0) ON CONFLICT (name) DO NOTHING"
)

INSERT_UNREADABLE: TextClause = text(
    """
    INSERT INTO unreadable_events (position, subject, data, error)
    SELECT * FROM unnest(
        CAST(:position AS bigint[]), CAST(:subject AS text[]), CAST(:data AS bytea[]),
        CAST(:error AS text[])
    )
    ON CONFLICT (position) DO NOTHING
    """
)

UNREADABLE: TextClause = text(
    "SELECT position, subject, data, error FROM unreadable_events ORDER BY position"
)
PING: TextClause = text("SELECT 1")


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

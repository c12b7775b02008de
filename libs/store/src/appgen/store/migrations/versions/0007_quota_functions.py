"""Each check-and-count of the limits is one statement: a function that takes the advisory lock,
counts and inserts inside the server, so the lock is held for microseconds instead of across the
five client round trips a transaction made (BEGIN, lock, count, insert, COMMIT). Under load every
WebSocket and every start waited for the lock in a queue of those round trips.

Inside a PL/pgSQL function each statement reads with a fresh snapshot (READ COMMITTED), so the
counts are taken after the lock is granted and see every row committed by its previous holder,
as the transaction's statements did. The rows are counters, not facts: a commit does not wait
for the WAL to reach the disk (`synchronous_commit` off for that transaction only), so a
PostgreSQL crash may forget the last fraction of a second of them. A gateway of the previous
version takes the same locks by the same names and can run beside this one.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

START_GENERATION = """
CREATE OR REPLACE FUNCTION appgen_start_generation(
    p_key_id text, p_project_id text, p_start_id uuid,
    p_per_hour integer, p_concurrent integer, p_unrecorded_s double precision
) RETURNS TABLE (refused text, last_hour bigint, running bigint, frees_in double precision)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    PERFORM pg_advisory_xact_lock(hashtext('generations:' || p_key_id));
    -- A project counts as running once however often it started; the start being admitted (a
    -- retry of it, or a resume of this very project) does not count against itself.
    SELECT
      count(*) FILTER (WHERE g.start_id <> p_start_id),
      count(DISTINCT g.project_id) FILTER (
        WHERE g.project_id <> p_project_id AND (
          p.status = 'running'
          OR (p.status IS NULL AND g.started_at > now() - make_interval(secs => p_unrecorded_s))
        )
      ),
      coalesce(extract(epoch FROM min(g.started_at) + interval '1 hour' - now()), 0)
    INTO last_hour, running, frees_in
    FROM generation_starts g LEFT JOIN projects p ON p.project_id = g.project_id
    WHERE g.key_id = p_key_id AND g.started_at > now() - interval '1 hour';
    IF last_hour >= p_per_hour THEN
        refused := 'generations_per_hour';
    ELSIF running >= p_concurrent THEN
        refused := 'concurrent_generations';
    ELSE
        INSERT INTO generation_starts (start_id, project_id, key_id)
        VALUES (p_start_id, p_project_id, p_key_id) ON CONFLICT (start_id) DO NOTHING;
    END IF;
    RETURN NEXT;
END
$$
"""

OPEN_SOCKET = """
CREATE OR REPLACE FUNCTION appgen_open_socket(
    p_connection_id uuid, p_key_id text, p_gateway_id text,
    p_per_key integer, p_total integer, p_stale_s double precision
) RETURNS TABLE (refused text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    total_now bigint;
    mine_now bigint;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    PERFORM pg_advisory_xact_lock(hashtext('ws_connections'));
    SELECT count(*), count(*) FILTER (WHERE key_id = p_key_id)
    INTO total_now, mine_now
    FROM ws_connections WHERE seen_at > now() - make_interval(secs => p_stale_s);
    IF total_now >= p_total THEN
        refused := 'websockets_total';
    ELSIF mine_now >= p_per_key THEN
        refused := 'websockets_per_key';
    ELSE
        INSERT INTO ws_connections (connection_id, key_id, gateway_id)
        VALUES (p_connection_id, p_key_id, p_gateway_id);
    END IF;
    RETURN NEXT;
END
$$
"""


def upgrade() -> None:
    op.execute(START_GENERATION)
    op.execute(OPEN_SOCKET)


def downgrade() -> None:
    op.execute(
        "DROP FUNCTION IF EXISTS appgen_start_generation("
        "text, text, uuid, integer, integer, double precision)"
    )
    op.execute(
        "DROP FUNCTION IF EXISTS appgen_open_socket(uuid, text, text, integer, integer, "
        "double precision)"
    )

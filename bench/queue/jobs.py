"""The queue benchmarks' tables and pgbench scripts: the hand-written claim people write
today and the extension's, on tables filled the same way. Imported by bench/queue/run and
bench/queue/profile."""
import os

import psycopg2

HAND_TABLE = """
    DROP TABLE IF EXISTS jobs_hand;
    CREATE TABLE jobs_hand (id bigint PRIMARY KEY, payload text NOT NULL,
                            status text NOT NULL DEFAULT 'pending');
    CREATE INDEX jobs_hand_pending ON jobs_hand (id) WHERE status = 'pending';
"""
OURS_TABLE = """
    DROP TABLE IF EXISTS jobs_ours;
    CREATE TABLE jobs_ours (id bigint PRIMARY KEY, payload text NOT NULL);
    SELECT idempotent_queue_attach('jobs_ours');
""" + ("    ALTER TABLE jobs_ours DISABLE TRIGGER idempotent_status_guard;\n"
       if os.environ.get("GUARD", "on") == "off" else "")
# The hand-written claim people write today, then the update to done.
HAND_SINGLE = """BEGIN;
UPDATE jobs_hand SET status = 'processing' WHERE id = (SELECT id FROM jobs_hand WHERE status = 'pending' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id \\gset
UPDATE jobs_hand SET status = 'done' WHERE id = :id;
COMMIT;
"""
OURS_SINGLE = """BEGIN;
SELECT id, claim_token AS token FROM idempotent_claim(NULL::jobs_ours) \\gset
SELECT idempotent_complete('jobs_ours', :id::bigint, :token);
COMMIT;
"""
HAND_BATCH = """BEGIN;
WITH claimed AS (UPDATE jobs_hand SET status = 'processing' WHERE id IN (SELECT id FROM jobs_hand WHERE status = 'pending' ORDER BY id LIMIT {batch} FOR UPDATE SKIP LOCKED) RETURNING id) SELECT array_agg(id) AS ids FROM claimed \\gset
UPDATE jobs_hand SET status = 'done' WHERE id = ANY (:ids::bigint[]);
COMMIT;
"""
OURS_BATCH = """BEGIN;
SELECT array_agg(id) AS ids, array_agg(claim_token) AS tokens FROM idempotent_claim(NULL::jobs_ours, {batch}) \\gset
SELECT idempotent_complete('jobs_ours', j.id, j.token) FROM unnest(:ids::bigint[], :tokens::bigint[]) AS j(id, token);
COMMIT;
"""


def sql(statements, autocommit=True):
    connection = psycopg2.connect("")
    connection.autocommit = autocommit
    with connection.cursor() as cursor:
        cursor.execute(statements)
        rows = cursor.fetchall() if cursor.description else None
    connection.close()
    return rows


def fill(variant, pending, done=0):
    """A fresh table: `done` finished rows, then `pending` rows to claim, vacuumed."""
    sql(HAND_TABLE if variant == "hand" else OURS_TABLE)
    table = "jobs_" + variant
    if done:
        sql(f"INSERT INTO {table} (id, payload, status) "
            f"SELECT g, 'file-' || g, 'done' FROM generate_series(1, {done}) g")
    sql(f"INSERT INTO {table} (id, payload) "
        f"SELECT g, 'file-' || g FROM generate_series({done + 1}, {done + pending}) g")
    sql(f"VACUUM ANALYZE {table}")

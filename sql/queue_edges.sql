-- Queues on tables whose shape or surroundings could mislead the claim's statements: a column
-- named like the claim's alias, a renamed schema, inheritance children, a row failed for an
-- expired lease, a row moved between its claim and its completion, and a table that does not
-- exist.
\set VERBOSITY default
\set SHOW_CONTEXT never
SET client_min_messages = warning;
CREATE SCHEMA queue_edges;
SET search_path = queue_edges, public;

-- The outcome of a statement: 'ok' or its SQLSTATE and message.
CREATE FUNCTION pg_temp.try(statement text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE statement;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- A column named q, and one named q_: the claim names the table by another alias and returns
-- the rows themselves, not the column.
CREATE TABLE q_jobs (id bigint PRIMARY KEY, q integer, q_ text);
SELECT idempotent_queue_attach('q_jobs');
INSERT INTO q_jobs (id, q, q_) VALUES (1, 42, 'a'), (2, 43, 'b'), (3, 44, 'c');
SELECT id, q, q_, status, claim_token FROM idempotent_claim(NULL::q_jobs);
SELECT id, q, q_, status, claim_token FROM idempotent_claim(NULL::q_jobs, 2);
SELECT idempotent_complete('q_jobs', 1, 1);
-- A status column named q.
CREATE TABLE q_status (id integer PRIMARY KEY, q text NOT NULL DEFAULT 'pending');
SELECT idempotent_queue_attach('q_status', status_column => 'q');
INSERT INTO q_status (id) VALUES (1), (2);
SELECT id, q, claim_token FROM idempotent_claim(NULL::q_status);
SELECT idempotent_complete('q_status', 1, 1);
SELECT id, q FROM q_status ORDER BY id;

-- A renamed schema: the queue's statements follow the table, and a new table under the old
-- name is another queue.
CREATE SCHEMA edges_a;
CREATE TABLE edges_a.jobs (id integer PRIMARY KEY);
SELECT idempotent_queue_attach('edges_a.jobs');
INSERT INTO edges_a.jobs SELECT generate_series(1, 5);
SELECT id, claim_token FROM idempotent_claim(NULL::edges_a.jobs);
ALTER SCHEMA edges_a RENAME TO edges_b;
SELECT id, claim_token FROM idempotent_claim(NULL::edges_b.jobs);
CREATE SCHEMA edges_a;
CREATE TABLE edges_a.jobs (id integer PRIMARY KEY, note text DEFAULT 'other queue');
SELECT idempotent_queue_attach('edges_a.jobs');
INSERT INTO edges_a.jobs (id) SELECT generate_series(100, 102);
SELECT id, claim_token FROM idempotent_claim(NULL::edges_b.jobs);
SELECT idempotent_complete('edges_b.jobs', 2, 1);
SELECT id, status FROM edges_b.jobs ORDER BY id;
SELECT count(*) AS untouched FROM edges_a.jobs WHERE status = 'pending';
DROP SCHEMA edges_a CASCADE;
DROP SCHEMA edges_b CASCADE;

-- An inheritance child may hold the parent's keys and has no guard: claims and completions
-- act on the parent's own rows only.
CREATE TABLE parent_jobs (id integer PRIMARY KEY);
SELECT idempotent_queue_attach('parent_jobs');
CREATE TABLE child_jobs () INHERITS (parent_jobs);
INSERT INTO parent_jobs (id) VALUES (1), (2);
INSERT INTO child_jobs (id) VALUES (0), (1);
SELECT id, claim_token FROM idempotent_claim(NULL::parent_jobs, 1);
SELECT id, claim_token FROM idempotent_claim(NULL::parent_jobs, 1);
SELECT idempotent_complete('parent_jobs', 1, 1);
SELECT tableoid::regclass AS in_table, id, status, claim_token FROM parent_jobs ORDER BY 1, 2;
SELECT id, claim_token FROM idempotent_claim(NULL::parent_jobs, 10);
SELECT pending, processing, done, failed FROM idempotent_queue_stats('parent_jobs');

-- A row whose lease expired with its attempts used up is failed with a new token, so the late
-- worker's calls are stale (55000), not taken for a repeat of its own (23505).
CREATE TABLE late_jobs (id integer PRIMARY KEY);
SELECT idempotent_queue_attach('late_jobs', max_attempts => 1);
INSERT INTO late_jobs VALUES (1), (2);
SELECT id, claim_token FROM idempotent_claim(NULL::late_jobs, 1, '1 millisecond');
SELECT pg_sleep(0.2);
SELECT id, claim_token FROM idempotent_claim(NULL::late_jobs, 1);
SELECT id, status, claim_token, last_error FROM late_jobs ORDER BY id;
SELECT pg_temp.try($$SELECT idempotent_complete('late_jobs', 1, 1)$$);
SELECT pg_temp.try($$SELECT idempotent_fail('late_jobs', 1, 1, 'worker error')$$);
SELECT pg_temp.try($$SELECT idempotent_fail('late_jobs', 1, 1, 'worker error', repeat_ok => true)$$);
SELECT id, status, claim_token, last_error FROM late_jobs WHERE id = 1;

-- A completion after this backend's claim fetches the row where the claim left it, without a
-- probe of the primary key; a row that moved since is found by its key.
CREATE TABLE hint_jobs (id integer PRIMARY KEY, note text);
SELECT idempotent_queue_attach('hint_jobs');
INSERT INTO hint_jobs (id) SELECT generate_series(1, 3);
BEGIN;
SELECT id, claim_token FROM idempotent_claim(NULL::hint_jobs, 2);
SELECT pg_stat_get_xact_numscans('hint_jobs_pkey'::regclass) AS probes \gset
SELECT idempotent_complete('hint_jobs', 1, 1);
SELECT pg_stat_get_xact_numscans('hint_jobs_pkey'::regclass) - :probes AS key_probes;
UPDATE hint_jobs SET note = 'moved' WHERE id = 2;
SELECT pg_stat_get_xact_numscans('hint_jobs_pkey'::regclass) AS probes \gset
SELECT idempotent_complete('hint_jobs', 2, 1);
SELECT pg_stat_get_xact_numscans('hint_jobs_pkey'::regclass) - :probes AS key_probes;
-- Completing again: no hint is left, and the repeat is refused as before.
SELECT pg_temp.try($$SELECT idempotent_complete('hint_jobs', 2, 1)$$);
COMMIT;
SELECT id, status, claim_token, note FROM hint_jobs ORDER BY id;

-- A table that does not exist: 42P01, as for any other missing table.
SELECT pg_temp.try($$SELECT idempotent_complete(0, 1, 1)$$);
SELECT pg_temp.try($$SELECT idempotent_requeue(999999::regclass, 1)$$);
SELECT pg_temp.try($$SELECT * FROM idempotent_queue_settings(999999)$$);

DROP SCHEMA queue_edges CASCADE;

-- idempotent_replace_window: the window holds exactly the source rows afterwards, rows outside
-- it are untouched, unchanged windows are not written, and every bad input is refused with the
-- target unchanged.
\set VERBOSITY default
SET client_min_messages = warning;

CREATE TABLE daily (
    day date NOT NULL,
    tenant_id int NOT NULL DEFAULT 1,
    name text NOT NULL,
    amount numeric,
    doc json,
    loaded_by text DEFAULT 'default',
    PRIMARY KEY (day, tenant_id, name)
);
INSERT INTO daily (day, tenant_id, name, amount, doc)
SELECT date '2026-11-01' + d, t, 'n' || i, i * 10, '{"i": 1}'
FROM generate_series(0, 2) d, generate_series(1, 2) t, generate_series(1, 3) i;

-- A staging table the source queries read.
CREATE TABLE staged (day date, tenant_id int, name text, amount numeric, doc json);
INSERT INTO staged SELECT day, tenant_id, name, amount + 1, doc FROM daily WHERE day = '2026-11-02';

-- A digest of the whole table, to show that a call changed nothing.
CREATE FUNCTION pg_temp.contents() RETURNS text LANGUAGE sql AS $$
    SELECT md5(string_agg(d::text, ',' ORDER BY d::text)) FROM daily d $$;

-- Runs a call, returns its SQLSTATE and message, and whether the table is as before.
CREATE FUNCTION pg_temp.refused(call text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    before text := pg_temp.contents();
BEGIN
    BEGIN
        EXECUTE call;
    EXCEPTION WHEN OTHERS THEN
        RETURN SQLSTATE || ': ' || SQLERRM ||
            CASE WHEN pg_temp.contents() = before THEN ' [unchanged]' ELSE ' [CHANGED]' END;
    END;
    RETURN 'no error';
END $$;

-- 1. The window holds exactly the source rows; other days are untouched.
CALL idempotent_replace_window('daily', 'day', date '2026-11-02', date '2026-11-03',
    $$SELECT day, tenant_id, name, amount, doc FROM staged WHERE day >= $1 AND day < $2$$);
SELECT day, count(*), sum(amount), min(loaded_by) FROM daily GROUP BY day ORDER BY day;

-- Untyped bounds are coerced to the column's type, and so are $1 and $2.
CALL idempotent_replace_window('daily', 'day', '2026-11-02', '2026-11-03',
    $$SELECT $1 + 0 AS day, tenant_id, name, amount, doc FROM staged$$);

-- 5. Re-running with the same rows writes nothing, not one tuple: every row version stays
-- where it was, written by the transaction that wrote it.
CREATE TEMP TABLE versions AS SELECT ctid AS row_ctid, xmin::text AS row_xmin FROM daily;
CALL idempotent_replace_window('daily', 'day', date '2026-11-02', date '2026-11-03',
    $$SELECT day, tenant_id, name, amount, doc FROM staged$$);
SELECT (SELECT count(*) FROM versions) AS before,
       (SELECT count(*) FROM (SELECT ctid, xmin::text FROM daily INTERSECT SELECT * FROM versions) s) AS kept;

-- Duplicates count: the same rows once more are a change.
ALTER TABLE daily DROP CONSTRAINT daily_pkey;
CALL idempotent_replace_window('daily', 'day', date '2026-11-02', date '2026-11-03',
    $$SELECT day, tenant_id, name, amount, doc FROM staged UNION ALL SELECT * FROM staged LIMIT 7$$);
CALL idempotent_replace_window('daily', 'day', date '2026-11-02', date '2026-11-03',
    $$SELECT day, tenant_id, name, amount, doc FROM staged$$);
ALTER TABLE daily ADD PRIMARY KEY (day, tenant_id, name);

-- json compares as text: the same document spelled differently is a change.
UPDATE staged SET doc = '{"i":1}';
CALL idempotent_replace_window('daily', 'day', date '2026-11-02', date '2026-11-03',
    $$SELECT day, tenant_id, name, amount, doc FROM staged$$);
CALL idempotent_replace_window('daily', 'day', date '2026-11-02', date '2026-11-03',
    $$SELECT day, tenant_id, name, amount, doc FROM staged$$);

-- NULLs are not distinct from NULLs; 1.0 is not distinct from 1.00.
UPDATE staged SET amount = NULL WHERE name = 'n1';
UPDATE staged SET amount = 5.0 WHERE name = 'n2';
CALL idempotent_replace_window('daily', 'day', date '2026-11-02', date '2026-11-03',
    $$SELECT day, tenant_id, name, amount, doc FROM staged$$);
CALL idempotent_replace_window('daily', 'day', date '2026-11-02', date '2026-11-03',
    $$SELECT day, tenant_id, name, CASE WHEN name = 'n2' THEN 5.00 ELSE amount END AS amount, doc FROM staged$$);

-- A change that the type's own hash function cannot see is still a change: a bigint's hash
-- folds its two halves together, so 1 and 4294967296 hash alike. The sums of the rows' stored
-- bytes differ, and the rows are compared one by one.
CREATE TABLE counters (day date, n bigint);
INSERT INTO counters VALUES ('2026-11-01', 1);
SELECT hashint8extended(1, 1) = hashint8extended(4294967296, 1) AS same_type_hash;
CALL idempotent_replace_window('counters', 'day', '2026-11-01', '2026-11-02',
    $$SELECT $1 AS day, 4294967296::bigint AS n$$);
CALL idempotent_replace_window('counters', 'day', '2026-11-01', '2026-11-02',
    $$SELECT $1 AS day, 4294967296::bigint AS n$$);
SELECT n FROM counters;
DROP TABLE counters;

-- idempotent_image_hash_sum: order does not matter, duplicates and positions do, NULL is a
-- value of its own, a value's bytes count however they are stored (compressed or not), and
-- equal values stored differently differ.
CREATE TABLE images (k int, t text);
INSERT INTO images VALUES (1, 'a'), (2, 'b'), (3, NULL), (4, repeat('compressible ', 10000));
SELECT pg_column_compression(t) AS stored_compressed FROM images WHERE k = 4;
SELECT (SELECT idempotent_image_hash_sum(k, t) FROM images)
     = (SELECT idempotent_image_hash_sum(k, t) FROM (SELECT * FROM images ORDER BY k DESC) r) AS any_order,
       (SELECT idempotent_image_hash_sum(k, t) FROM images)
     = (SELECT idempotent_image_hash_sum(k, t) FROM (VALUES (1, 'a'), (2, 'b'), (3, NULL),
                (4, repeat('compressible ', 10000))) v(k, t)) AS same_as_literals,
       (SELECT idempotent_image_hash_sum(k, t) FROM images)
     = (SELECT idempotent_image_hash_sum(k, t) FROM (SELECT * FROM images UNION ALL
                SELECT * FROM images WHERE k = 1) r) AS duplicate_counts,
       (SELECT idempotent_image_hash_sum(k, t) FROM images)
     = (SELECT idempotent_image_hash_sum(k, t) FROM (SELECT k, CASE WHEN k = 3 THEN '' ELSE t END
                FROM images) r(k, t)) AS null_is_empty,
       (SELECT idempotent_image_hash_sum(1, 2)) = (SELECT idempotent_image_hash_sum(2, 1)) AS positions_swapped,
       (SELECT idempotent_image_hash_sum(1.0)) = (SELECT idempotent_image_hash_sum(1.00)) AS scales_alike,
       (SELECT idempotent_image_hash_sum(1.0)) = (SELECT idempotent_image_hash_sum(1.0)) AS same_value;
SELECT pg_temp.refused($$SELECT idempotent_image_hash_sum(VARIADIC ARRAY[1, 2])$$);
DROP TABLE images;

-- Only the columns the source provides are compared: these rows equal the window's in them.
CALL idempotent_replace_window('daily', 'day', date '2026-11-02', date '2026-11-03',
    $$SELECT day, tenant_id, name FROM staged$$);

-- When the window is rewritten (here forced with skip_unchanged => false), the columns the
-- source lacks take their defaults: the window is rebuilt whole.
CALL idempotent_replace_window('daily', 'day', date '2026-11-02', date '2026-11-03',
    $$SELECT day, tenant_id, name FROM staged$$, skip_unchanged => false);
SELECT count(*), count(amount), min(loaded_by) FROM daily WHERE day = '2026-11-02';

-- An empty source empties the window.
CALL idempotent_replace_window('daily', 'day', date '2026-11-02', date '2026-11-03',
    $$SELECT day, tenant_id, name FROM staged WHERE false$$);
SELECT day, count(*) FROM daily GROUP BY day ORDER BY day;

-- The source reads the table as it was before the call: it may derive the window from itself.
CALL idempotent_replace_window('daily', 'day', date '2026-11-03', date '2026-11-04',
    $$SELECT day, tenant_id, name, amount * 2 AS amount, doc FROM daily WHERE day >= $1 AND day < $2$$);
SELECT sum(amount) FROM daily WHERE day = '2026-11-03';

-- 2. window_filter narrows the window for the delete and for the check.
CALL idempotent_replace_window('daily', 'day', date '2026-11-01', date '2026-11-02',
    $$SELECT day, tenant_id, name, 0 AS amount FROM daily WHERE day = $1 AND tenant_id = 2$$,
    window_filter => 'tenant_id = 2');
SELECT tenant_id, count(*), sum(amount) FROM daily WHERE day = '2026-11-01' GROUP BY 1 ORDER BY 1;
SELECT pg_temp.refused($$CALL idempotent_replace_window('daily', 'day', date '2026-11-01', date '2026-11-02',
    'SELECT day, tenant_id, name FROM daily WHERE day = $1', window_filter => 'tenant_id = 2')$$);

-- 1. Inside a caller's transaction the replacement rolls back with it.
BEGIN;
CALL idempotent_replace_window('daily', 'day', date '2026-11-01', date '2026-11-04',
    $$SELECT day, tenant_id, name FROM daily WHERE false$$);
SELECT count(*) FROM daily;
ROLLBACK;
SELECT count(*) FROM daily;

-- 3. Source rows outside the window, or with a NULL window value, are refused.
SELECT pg_temp.refused($$CALL idempotent_replace_window('daily', 'day', date '2026-11-01', date '2026-11-02',
    'SELECT day, tenant_id, name FROM daily')$$);
SELECT pg_temp.refused($$CALL idempotent_replace_window('daily', 'day', date '2026-11-01', date '2026-11-02',
    'SELECT NULL::date AS day, 1 AS tenant_id, ''x'' AS name')$$);
SELECT pg_temp.refused($$CALL idempotent_replace_window('daily', 'day', date '2026-11-01', date '2026-11-02',
    'SELECT day, tenant_id, name FROM daily', skip_unchanged => false)$$);

-- 9. Bad input, each refused before anything changes.
CREATE VIEW daily_view AS SELECT * FROM daily;
CREATE SEQUENCE some_sequence;
SELECT call, pg_temp.refused(call) FROM (VALUES
    ($$CALL idempotent_replace_window('daily_view', 'day', '2026-11-01', '2026-11-02', 'SELECT 1')$$),
    ($$CALL idempotent_replace_window('some_sequence', 'day', '2026-11-01', '2026-11-02', 'SELECT 1')$$),
    ($$CALL idempotent_replace_window('no_such_table', 'day', '2026-11-01', '2026-11-02', 'SELECT 1')$$),
    ($$CALL idempotent_replace_window('daily', 'no_such_column', '2026-11-01', '2026-11-02', 'SELECT 1')$$),
    ($$CALL idempotent_replace_window('daily', 'doc', '2026-11-01', '2026-11-02', 'SELECT 1')$$),
    ($$CALL idempotent_replace_window('daily', 'day', 'not a date', '2026-11-02', 'SELECT 1')$$),
    ($$CALL idempotent_replace_window('daily', 'day', 1, 2, 'SELECT 1')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-02', '2026-11-02', 'SELECT 1')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-03', '2026-11-02', 'SELECT 1')$$),
    ($$CALL idempotent_replace_window('daily', 'day', NULL::date, '2026-11-02', 'SELECT 1')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', NULL::date, 'SELECT 1')$$),
    ($$CALL idempotent_replace_window(NULL, 'day', '2026-11-01', '2026-11-02', 'SELECT 1')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', NULL)$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', '')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', '  -- nothing')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'SELEKT 1')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'SELECT $1 AS day; SELECT 2')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'DELETE FROM daily RETURNING *')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'WITH d AS (DELETE FROM daily RETURNING *) SELECT * FROM d')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'SELECT * FROM daily WHERE false FOR UPDATE')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'SELECT * FROM (SELECT * FROM daily FOR SHARE) s WHERE false')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'SELECT * INTO copied FROM daily')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'TRUNCATE daily')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'SELECT $3 AS day')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'SELECT $1 AS day, 1 AS tenant, ''x'' AS name')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'SELECT $1 AS day, 1, ''x'' AS name')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'SELECT $1 AS day, 1 AS name, 2 AS name')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'SELECT 1 AS tenant_id, ''x'' AS name')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'SELECT $1 AS day, ''x'' AS tenant_id, ''x'' AS name')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'SELECT $1 AS day, 1 AS tenant_id, NULL::text AS name')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'SELECT $1 AS day', window_filter => '')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'SELECT $1 AS day', window_filter => 'true) OR (true')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'SELECT $1 AS day', window_filter => 'true FROM daily')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'SELECT $1 AS day', window_filter => 'no_such_column = 1')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'SELECT $1 AS day', lock_scope => 'row')$$),
    ($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02', 'SELECT $1 AS day', nowait => NULL)$$)
) AS calls(call);

-- A trailing semicolon and comment are fine.
CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02',
    'SELECT day, tenant_id, name, amount, doc FROM daily WHERE day = $1; -- the first day');

-- Generated columns cannot be written; the rest of the row can.
CREATE TABLE with_generated (day date, amount int, doubled int GENERATED ALWAYS AS (amount * 2) STORED);
SELECT pg_temp.refused($$CALL idempotent_replace_window('with_generated', 'day', '2026-11-01', '2026-11-02',
    'SELECT $1 AS day, 1 AS amount, 2 AS doubled')$$);
CALL idempotent_replace_window('with_generated', 'day', '2026-11-01', '2026-11-02', 'SELECT $1 AS day, 1 AS amount');
SELECT * FROM with_generated;

-- Other window column types; identifiers that need quoting.
CREATE TABLE "Odd ""Name""" ("At Time" timestamptz, "Value" int);
CALL idempotent_replace_window('"Odd ""Name"""', 'At Time', '2026-11-01 00:00+00', '2026-11-02 00:00+00',
    $$SELECT $1 + interval '1 hour' * g AS "At Time", g AS "Value" FROM generate_series(0, 23) g$$);
SELECT count(*), min("At Time") AT TIME ZONE 'UTC' FROM "Odd ""Name""";

-- 6 (row-wise path). A partitioned target: rows are deleted and inserted through the parent.
CREATE TABLE events_by_day (day date NOT NULL, n int) PARTITION BY RANGE (day);
CREATE TABLE events_d1 PARTITION OF events_by_day FOR VALUES FROM ('2026-11-01') TO ('2026-11-02');
CREATE TABLE events_d2 PARTITION OF events_by_day FOR VALUES FROM ('2026-11-02') TO ('2026-11-03');
CALL idempotent_replace_window('events_by_day', 'day', '2026-11-01', '2026-11-03',
    $$SELECT $1 + (g % 2) AS day, g AS n FROM generate_series(1, 10) g$$);
CALL idempotent_replace_window('events_by_day', 'day', '2026-11-02', '2026-11-03',
    $$SELECT $1 AS day, 99 AS n$$);
SELECT tableoid::regclass, count(*), sum(n) FROM events_by_day GROUP BY 1 ORDER BY 1;

-- Triggers act as on the hand-written DELETE and INSERT.
CREATE TABLE trigger_log (event text);
CREATE FUNCTION pg_temp.log_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO trigger_log VALUES (TG_OP || ' ' || TG_LEVEL);
    RETURN NULL;
END $$;
CREATE TRIGGER row_log AFTER INSERT OR DELETE ON with_generated
    FOR EACH ROW EXECUTE FUNCTION pg_temp.log_event();
CREATE TRIGGER statement_log AFTER INSERT OR DELETE ON with_generated
    FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.log_event();
CALL idempotent_replace_window('with_generated', 'day', '2026-11-01', '2026-11-02',
    'SELECT $1 AS day, g AS amount FROM generate_series(1, 2) g');
SELECT event, count(*) FROM trigger_log GROUP BY 1 ORDER BY 1;

-- lock_scope 'window' replaces the same way; it needs READ COMMITTED and a range-able type.
CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02',
    $$SELECT day, tenant_id, name FROM daily WHERE day = $1$$, lock_scope => 'window');
CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02',
    $$SELECT day, tenant_id, name FROM daily WHERE day = $1$$, lock_scope => 'window');
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT pg_temp.refused($$CALL idempotent_replace_window('daily', 'day', '2026-11-01', '2026-11-02',
    'SELECT day, tenant_id, name FROM daily WHERE day = $1', lock_scope => 'window')$$);
ROLLBACK;
SELECT pg_temp.refused($$CALL idempotent_replace_window('daily', 'name', 'a', 'b',
    'SELECT name, day, tenant_id FROM daily WHERE false', lock_scope => 'window')$$);

-- 7. The run log: every committed call, with a digest that is equal for equal contents.
SELECT target, window_column, window_start, window_end, window_filter, deleted, inserted, skipped,
       run_by = current_user AS by_me
FROM idempotent_window_run WHERE target = 'daily'::regclass ORDER BY run_id;
-- The first run and the two skipped re-runs after it left the same contents.
SELECT count(DISTINCT contents_digest) FROM (
    SELECT contents_digest FROM idempotent_window_run ORDER BY run_id LIMIT 3) first_runs;
-- Different contents, different digests.
SELECT count(DISTINCT contents_digest) > 3 FROM idempotent_window_run WHERE NOT skipped;
-- pg_dump keeps it.
SELECT 'idempotent_window_run'::regclass = ANY (extconfig::regclass[]) AS run_log_is_dumped
FROM pg_extension WHERE extname = 'idempotent';

-- 7, 8. Privileges: a caller needs what the hand-written statements need, and cannot forge
-- the log.
CREATE ROLE regress_window_writer;
CREATE ROLE regress_window_reader;
GRANT SELECT, INSERT, DELETE ON daily TO regress_window_writer;
GRANT SELECT ON daily TO regress_window_reader;
SET ROLE regress_window_writer;
CALL idempotent_replace_window('daily', 'day', '2026-11-03', '2026-11-04',
    $$SELECT day, tenant_id, name FROM daily WHERE day = $1$$);
SELECT pg_temp.refused($$INSERT INTO idempotent_window_run (target, target_name, window_column,
    window_start, window_end, deleted, inserted, skipped, contents_digest, run_by)
    VALUES ('daily', 'daily', 'day', '2026-11-03', '2026-11-04', 0, 0, true, '', 'someone')$$);
SELECT pg_temp.refused($$UPDATE idempotent_window_run SET run_by = 'someone'$$);
SELECT pg_temp.refused($$DELETE FROM idempotent_window_lock$$);
SELECT run_by, skipped FROM idempotent_window_run ORDER BY run_id DESC LIMIT 1;
-- Column privileges are enough, as for the hand-written statements.
RESET ROLE;
CREATE ROLE regress_window_columns;
GRANT SELECT (day, tenant_id, name), INSERT (day, tenant_id, name), DELETE ON daily TO regress_window_columns;
SET ROLE regress_window_columns;
CALL idempotent_replace_window('daily', 'day', '2026-11-03', '2026-11-04',
    $$SELECT $1 AS day, 1 AS tenant_id, 'only' AS name$$);
RESET ROLE;
REVOKE ALL ON daily FROM regress_window_columns;
DROP ROLE regress_window_columns;
SET ROLE regress_window_reader;
SELECT pg_temp.refused($$CALL idempotent_replace_window('daily', 'day', '2026-11-03', '2026-11-04',
    'SELECT day, tenant_id, name FROM daily WHERE day = $1')$$);
RESET ROLE;
REVOKE ALL ON daily FROM regress_window_writer, regress_window_reader;
DROP ROLE regress_window_writer;
DROP ROLE regress_window_reader;

-- Whichever way a run goes, equal contents log equal digests: a written run hashes the rows
-- it inserts (skip_unchanged => false), a compared one the source's rows, a skipped one too.
CREATE TABLE digests (day date, tenant int, v numeric);
CALL idempotent_replace_window('digests', 'day', '2026-11-01', '2026-11-02',
    $$SELECT $1 AS day, t AS tenant, t * 1.5 AS v FROM generate_series(1, 3) t$$,
    skip_unchanged => false);
CALL idempotent_replace_window('digests', 'day', '2026-11-01', '2026-11-02',
    $$SELECT $1 AS day, t AS tenant, t * 1.5 AS v FROM generate_series(1, 3) t$$);
CALL idempotent_replace_window('digests', 'day', '2026-11-01', '2026-11-02',
    $$SELECT $1 AS day, t AS tenant, t * 1.5 AS v FROM generate_series(1, 3) t$$,
    skip_unchanged => false, window_filter => 'tenant > 0');
SELECT count(*) AS runs, count(DISTINCT contents_digest) AS digests, bool_or(skipped) AS one_skipped
FROM idempotent_window_run WHERE target = 'digests'::regclass;
DROP TABLE digests;

-- The generated statements run without JIT; the caller's setting is back afterwards, after an
-- error too.
SET jit = on;
CALL idempotent_replace_window('daily', 'day', '2026-11-03', '2026-11-04',
    $$SELECT $1 AS day, 1 AS tenant_id, 'jit' AS name$$);
SELECT current_setting('jit') AS after_replacement;
BEGIN;
SAVEPOINT before_error;
CALL idempotent_replace_window('daily', 'day', '2026-11-03', '2026-11-04',
    $$SELECT $2 AS day, 1 AS tenant_id, 'outside' AS name$$);
ROLLBACK TO SAVEPOINT before_error;
SELECT current_setting('jit') AS after_error;
COMMIT;
RESET jit;

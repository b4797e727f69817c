-- The statements the window replacement and the upsert generate name their own aliases, CTEs
-- and columns so that nothing the user's source, filter or table spells is mistaken for them:
-- a table named like a CTE is still read by the source, a column named like an alias is still
-- that column, and an output column named like a table's is not ambiguous.
\set VERBOSITY default
\set SHOW_CONTEXT never
SET client_min_messages = warning;
CREATE SCHEMA generated_names;
SET search_path = generated_names, public;

CREATE FUNCTION pg_temp.try(statement text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE statement;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- Sources reading tables named deleted and deleted_count: they read the tables, and a second
-- run finds the window unchanged.
CREATE TABLE deleted (id integer);
INSERT INTO deleted SELECT generate_series(1, 5);
CREATE TABLE deleted_count (day date, n integer);
INSERT INTO deleted_count VALUES ('2026-01-01', 42);
CREATE TABLE daily (day date, deletions bigint, n integer);
CALL idempotent_replace_window('daily', 'day', date '2026-01-01', date '2026-01-02',
    $q$SELECT $1 AS day, (SELECT count(*) FROM deleted) AS deletions,
              (SELECT n FROM deleted_count) AS n$q$);
CALL idempotent_replace_window('daily', 'day', date '2026-01-01', date '2026-01-02',
    $q$SELECT $1 AS day, (SELECT count(*) FROM deleted) AS deletions,
              (SELECT n FROM deleted_count) AS n$q$);
SELECT * FROM daily;

-- A target column named like the column that carries each inserted row's hash.
CREATE TABLE hashed (day date, tenant integer, v integer, "idempotent row hash" bigint DEFAULT 0);
CALL idempotent_replace_window('hashed', 'day', date '2026-01-01', date '2026-01-02',
    $q$SELECT $1 AS day, 1 AS tenant, 10 AS v$q$, window_filter => 'tenant = 1',
    skip_unchanged => false);
SELECT * FROM hashed;

-- A filter reading a table named inserted: the row of tenant 2 lies outside the window and is
-- refused whether or not unchanged windows are skipped; the table is left as it was.
CREATE TABLE inserted (tenant integer);
INSERT INTO inserted VALUES (1);
CREATE TABLE tenants (day date, tenant integer, v integer);
SELECT pg_temp.try($$CALL idempotent_replace_window('tenants', 'day', date '2026-01-01',
    date '2026-01-02', $q$SELECT $1 AS day, 2 AS tenant, 10 AS v$q$,
    window_filter => 'tenant IN (SELECT tenant FROM inserted)', skip_unchanged => false)$$);
SELECT pg_temp.try($$CALL idempotent_replace_window('tenants', 'day', date '2026-01-01',
    date '2026-01-02', $q$SELECT $1 AS day, 2 AS tenant, 10 AS v$q$,
    window_filter => 'tenant IN (SELECT tenant FROM inserted)')$$);
SELECT count(*) AS rows FROM tenants;
-- And a filter reading a table named deleted accepts the rows it lets through.
CREATE TABLE excluded_days (day date, tenant integer, v integer);
CALL idempotent_replace_window('excluded_days', 'day', date '2026-01-01', date '2026-01-02',
    $q$SELECT $1 AS day, 7 AS tenant, 10 AS v$q$,
    window_filter => 'tenant NOT IN (SELECT id FROM deleted)', skip_unchanged => false);
SELECT * FROM excluded_days;

-- A filter on a column named s that the source does not provide: the same error as for any
-- other such column.
CREATE TABLE flagged (day date, s integer DEFAULT 1, v integer);
SELECT pg_temp.try($$CALL idempotent_replace_window('flagged', 'day', date '2026-01-01',
    date '2026-01-02', $q$SELECT $1 AS day, 10 AS v$q$, window_filter => 's = 1')$$);
CREATE TABLE flagged_z (day date, z integer DEFAULT 1, v integer);
SELECT pg_temp.try($$CALL idempotent_replace_window('flagged_z', 'day', date '2026-01-01',
    date '2026-01-02', $q$SELECT $1 AS day, 10 AS v$q$, window_filter => 'z = 1')$$);
-- Its hint says why: the filter is checked on the source rows.
CREATE FUNCTION pg_temp.hint(statement text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    hint text;
BEGIN
    EXECUTE statement;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
    RETURN SQLSTATE || ': ' || hint;
END $$;
SELECT pg_temp.hint($$CALL idempotent_replace_window('flagged_z', 'day', date '2026-01-01',
    date '2026-01-02', $q$SELECT $1 AS day, 10 AS v$q$, window_filter => 'z = 1')$$);

-- Upsert keys named n, the name of the check's row count.
CREATE TABLE pairs (a integer, n integer, v text, PRIMARY KEY (a, n));
SELECT * FROM idempotent_upsert('pairs', $q$SELECT 1 AS a, 2 AS n, 'x' AS v$q$);
SELECT * FROM pairs;
CREATE TABLE singles (n integer PRIMARY KEY, v text);
SELECT pg_temp.try($$SELECT * FROM idempotent_upsert('singles',
    $q$SELECT * FROM (VALUES (1, 'x'), (1, 'y')) AS v(n, v)$q$)$$);
SELECT pg_temp.try($$SELECT * FROM idempotent_upsert('pairs',
    $q$SELECT * FROM (VALUES (1, 2, 'x'), (1, 2, 'y')) AS v(a, n, v)$q$)$$);

-- The run log is shared with the other tests, which read it whole: these runs leave with
-- their tables.
DELETE FROM idempotent_window_run
WHERE target::oid IN (SELECT oid FROM pg_class
                      WHERE relnamespace = 'generated_names'::regnamespace);
DROP SCHEMA generated_names CASCADE;

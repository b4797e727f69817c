-- Tables of many columns: a source may provide up to 1600, although a function or aggregate
-- takes at most 100 arguments. idempotent_replace_window sums the rows' image hashes over
-- groups of columns, so that skip_unchanged works at every width (a re-run is skipped, a
-- change in any column is seen, also one that the types' own hashes cannot see), and
-- idempotent_upsert compares and writes every column.
\set VERBOSITY default
SET client_min_messages = warning;
CREATE SCHEMA wide_tables;
SET search_path = wide_tables, public;

-- The statements are generated and run by these functions: a 1600-column statement is long.
-- CREATE TABLE name (day date[ PRIMARY KEY], c1 type, ..., c<width - 1> type): width columns.
CREATE FUNCTION pg_temp.create_wide(name text, width int, type text, keyed boolean DEFAULT false)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE (SELECT format('CREATE TABLE %I (day date%s, %s)', name,
                           CASE WHEN keyed THEN ' PRIMARY KEY' ELSE '' END,
                           string_agg(format('c%s %s', g, type), ', ' ORDER BY g))
             FROM generate_series(1, width - 1) g);
END $$;

-- A source of three rows providing all width columns: c<g> is row + g, except the last
-- column, which is last when given.
CREATE FUNCTION pg_temp.wide_source(width int, last text DEFAULT NULL) RETURNS text
LANGUAGE sql AS $$
    SELECT 'SELECT $1 AS day, '
           || string_agg(CASE WHEN g = width - 1 AND last IS NOT NULL THEN last
                              ELSE format('r + %s', g) END || format(' AS c%s', g), ', ' ORDER BY g)
           || ' FROM generate_series(1, 3) r'
    FROM generate_series(1, width - 1) g $$;

-- Replaces 2026-01-01 of name with that source.
CREATE FUNCTION pg_temp.replace(name text, width int, last text DEFAULT NULL,
                                skip_unchanged boolean DEFAULT true, filter text DEFAULT NULL,
                                OUT deleted bigint, OUT inserted bigint, OUT skipped boolean)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CALL idempotent_replace_window(%L, ''day'', date ''2026-01-01'', '
                   'date ''2026-01-02'', %L, skip_unchanged => %L, window_filter => %L)',
                   name, pg_temp.wide_source(width, last), skip_unchanged, filter)
    INTO deleted, inserted, skipped;
END $$;

-- How many rows name has, and the last column of each.
CREATE FUNCTION pg_temp.last_column(name text, width int, OUT rows bigint, OUT last text)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT count(*), string_agg(c%s::text, '','' ORDER BY c1) FROM %I',
                   width - 1, name)
    INTO rows, last;
END $$;

-- 1 and 4294967296 hash alike by bigint's own hash: only the image hash sum sees the change.
SELECT hashint8extended(1, 99) = hashint8extended(4294967296, 99) AS same_type_hash;

-- 99, 100, 101 and 250 bigint columns: the first call writes, a re-run is skipped, a change of
-- the last column is written, also one the type hashes miss; skip_unchanged off rewrites.
SELECT pg_temp.create_wide('wide' || width, width, 'bigint') FROM unnest(ARRAY[99, 100, 101, 250]) width;
SELECT * FROM pg_temp.replace('wide99', 99);
SELECT * FROM pg_temp.replace('wide99', 99);
SELECT * FROM pg_temp.replace('wide99', 99, '1::bigint');
SELECT * FROM pg_temp.replace('wide99', 99, '4294967296::bigint');
SELECT * FROM pg_temp.replace('wide99', 99, '4294967296::bigint');
SELECT * FROM pg_temp.replace('wide99', 99, '4294967296::bigint', skip_unchanged => false);
SELECT * FROM pg_temp.last_column('wide99', 99);

SELECT * FROM pg_temp.replace('wide100', 100);
SELECT * FROM pg_temp.replace('wide100', 100);
SELECT * FROM pg_temp.replace('wide100', 100, '1::bigint');
SELECT * FROM pg_temp.replace('wide100', 100, '4294967296::bigint');
SELECT * FROM pg_temp.replace('wide100', 100, '4294967296::bigint');
SELECT * FROM pg_temp.replace('wide100', 100, '4294967296::bigint', skip_unchanged => false);
SELECT * FROM pg_temp.last_column('wide100', 100);

SELECT * FROM pg_temp.replace('wide101', 101);
SELECT * FROM pg_temp.replace('wide101', 101);
SELECT * FROM pg_temp.replace('wide101', 101, '1::bigint');
SELECT * FROM pg_temp.replace('wide101', 101, '4294967296::bigint');
SELECT * FROM pg_temp.replace('wide101', 101, '4294967296::bigint');
SELECT * FROM pg_temp.replace('wide101', 101, '4294967296::bigint', skip_unchanged => false);
SELECT * FROM pg_temp.last_column('wide101', 101);

SELECT * FROM pg_temp.replace('wide250', 250);
SELECT * FROM pg_temp.replace('wide250', 250);
SELECT * FROM pg_temp.replace('wide250', 250, '1::bigint');
SELECT * FROM pg_temp.replace('wide250', 250, '4294967296::bigint');
SELECT * FROM pg_temp.replace('wide250', 250, '4294967296::bigint');
SELECT * FROM pg_temp.replace('wide250', 250, '4294967296::bigint', skip_unchanged => false);
SELECT * FROM pg_temp.last_column('wide250', 250);
-- A filter returns the whole inserted rows to be checked.
SELECT * FROM pg_temp.replace('wide250', 250, '7', filter => 'c1 > 0');
SELECT * FROM pg_temp.replace('wide250', 250, '7', filter => 'c1 > 0');

-- A column in the middle of a group past the first, changed in a way only the image sums see.
UPDATE wide250 SET c200 = 4294967296 WHERE c1 = 2;
SELECT * FROM pg_temp.replace('wide250', 250, '7');
SELECT c200 FROM wide250 ORDER BY c1;

-- The widest table PostgreSQL allows: 1600 columns (int, so that a row fits in a page).
SELECT pg_temp.create_wide('wide1600', 1600, 'int');
SELECT * FROM pg_temp.replace('wide1600', 1600);
SELECT * FROM pg_temp.replace('wide1600', 1600);
SELECT * FROM pg_temp.replace('wide1600', 1600, '5');
SELECT * FROM pg_temp.replace('wide1600', 1600, '5');
SELECT * FROM pg_temp.replace('wide1600', 1600, '5', skip_unchanged => false);
SELECT * FROM pg_temp.replace('wide1600', 1600, '6', filter => 'c1 > 0');
SELECT * FROM pg_temp.replace('wide1600', 1600, '6', filter => 'c1 > 0');
SELECT * FROM pg_temp.last_column('wide1600', 1600);

-- idempotent_upsert of 100, 101, 250 and 1600 columns: inserted, unchanged on a re-run, a
-- change of the last column updated.
CREATE FUNCTION pg_temp.upsert(name text, width int, last text DEFAULT NULL,
                               OUT inserted bigint, OUT updated bigint, OUT unchanged bigint)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT * FROM idempotent_upsert(%L, %L)', name,
                   replace(pg_temp.wide_source(width, last), '$1', 'date ''2026-01-01'' + r'))
    INTO inserted, updated, unchanged;
END $$;
SELECT pg_temp.create_wide('up' || width, width, 'int', keyed => true)
FROM unnest(ARRAY[100, 101, 250, 1600]) width;
SELECT width, u.* FROM unnest(ARRAY[100, 101, 250, 1600]) width, pg_temp.upsert('up' || width, width) u;
SELECT width, u.* FROM unnest(ARRAY[100, 101, 250, 1600]) width, pg_temp.upsert('up' || width, width) u;
SELECT width, u.* FROM unnest(ARRAY[100, 101, 250, 1600]) width,
       pg_temp.upsert('up' || width, width, 'CASE WHEN r = 2 THEN 0 ELSE r + ' || (width - 1) || ' END') u;
SELECT (SELECT string_agg(c99::text, ',' ORDER BY day) FROM up100) AS up100,
       (SELECT string_agg(c100::text, ',' ORDER BY day) FROM up101) AS up101,
       (SELECT string_agg(c249::text, ',' ORDER BY day) FROM up250) AS up250,
       (SELECT string_agg(c1599::text, ',' ORDER BY day) FROM up1600) AS up1600;

-- The run log is shared with the other tests, which read it whole: these runs leave with
-- their tables.
DELETE FROM idempotent_window_run
WHERE target::oid IN (SELECT oid FROM pg_class
                      WHERE relnamespace = 'wide_tables'::regnamespace);
DROP SCHEMA wide_tables CASCADE;

-- truncate_partitions => true: a window that is exactly whole partitions is replaced by
-- truncating them, which leaves no dead tuples; any other window is replaced row by row.
\set VERBOSITY default
SET client_min_messages = warning;

CREATE TABLE events (day date NOT NULL, id int NOT NULL, payload text) PARTITION BY RANGE (day);
CREATE TABLE events_1101 PARTITION OF events FOR VALUES FROM ('2026-11-01') TO ('2026-11-02');
CREATE TABLE events_1102 PARTITION OF events FOR VALUES FROM ('2026-11-02') TO ('2026-11-03');
CREATE TABLE events_1103 PARTITION OF events FOR VALUES FROM ('2026-11-03') TO ('2026-11-04');
CREATE TABLE events_1105 PARTITION OF events FOR VALUES FROM ('2026-11-05') TO ('2026-11-06')
    PARTITION BY LIST (id);
CREATE TABLE events_1105_all PARTITION OF events_1105 DEFAULT;
CREATE TABLE events_other PARTITION OF events DEFAULT;
INSERT INTO events SELECT date '2026-11-01' + d, g, 'old' FROM generate_series(0, 5) d, generate_series(1, 100) g;

CREATE FUNCTION pg_temp.last_run() RETURNS TABLE (deleted bigint, inserted bigint, skipped boolean, truncated boolean)
    LANGUAGE sql AS $$
    SELECT deleted, inserted, skipped, truncated FROM idempotent_window_run ORDER BY run_id DESC LIMIT 1 $$;
CREATE FUNCTION pg_temp.per_partition() RETURNS TABLE (partition regclass, rows bigint, payloads text)
    LANGUAGE sql AS $$
    SELECT tableoid::regclass, count(*), string_agg(DISTINCT payload, ',') FROM events GROUP BY 1 ORDER BY 1 $$;

-- One whole partition: truncated. The partition's rows now live in a new, empty file: no dead
-- tuples remain.
CREATE TEMP TABLE file_before AS SELECT pg_relation_filenode('events_1102') AS filenode;
CALL idempotent_replace_window('events', 'day', '2026-11-02', '2026-11-03',
    $$SELECT $1 AS day, g AS id, 'new' AS payload FROM generate_series(1, 50) g$$,
    truncate_partitions => true);
SELECT * FROM pg_temp.last_run();
SELECT pg_relation_filenode('events_1102') <> filenode AS new_file FROM file_before;
SELECT * FROM pg_temp.per_partition();

-- Unchanged: skipped, nothing truncated.
CALL idempotent_replace_window('events', 'day', '2026-11-02', '2026-11-03',
    $$SELECT $1 AS day, g AS id, 'new' AS payload FROM generate_series(1, 50) g$$,
    truncate_partitions => true);
SELECT * FROM pg_temp.last_run();

-- Two adjacent partitions.
CALL idempotent_replace_window('events', 'day', '2026-11-02', '2026-11-04',
    $$SELECT $1 + g % 2 AS day, g AS id, 'both' AS payload FROM generate_series(1, 10) g$$,
    truncate_partitions => true);
SELECT * FROM pg_temp.last_run();
SELECT * FROM pg_temp.per_partition();

-- Not whole partitions, or narrowed by a filter, or a sub-partitioned partition, or across a
-- gap held by the default partition: rows are deleted.
CALL idempotent_replace_window('events', 'day', '2026-10-31', '2026-11-02',
    $$SELECT date '2026-11-01' AS day, 1 AS id, 'wider' AS payload$$, truncate_partitions => true);
SELECT * FROM pg_temp.last_run();
CALL idempotent_replace_window('events', 'day', '2026-11-03', '2026-11-04',
    $$SELECT $1 AS day, 1 AS id, 'filtered' AS payload$$, window_filter => 'id = 1',
    truncate_partitions => true);
SELECT * FROM pg_temp.last_run();
CALL idempotent_replace_window('events', 'day', '2026-11-05', '2026-11-06',
    $$SELECT $1 AS day, 1 AS id, 'sub' AS payload$$, truncate_partitions => true);
SELECT * FROM pg_temp.last_run();
CALL idempotent_replace_window('events', 'day', '2026-11-03', '2026-11-05',
    $$SELECT $1 AS day, 1 AS id, 'gap' AS payload$$, truncate_partitions => true);
SELECT * FROM pg_temp.last_run();
SELECT * FROM pg_temp.per_partition();

-- A failed call leaves the truncated partition as it was.
CALL idempotent_replace_window('events', 'day', '2026-11-01', '2026-11-02',
    $$SELECT $1 AS day, 1 AS id, 'one' AS payload$$, truncate_partitions => true);
SELECT * FROM pg_temp.last_run();
SET client_min_messages = notice;
DO $$
DECLARE d bigint; i bigint; s boolean;
BEGIN
    CALL idempotent_replace_window('events', 'day', '2026-11-01', '2026-11-02',
        $q$SELECT $1 + g AS day, g AS id, 'bad' AS payload FROM generate_series(0, 1) g$q$,
        d, i, s, skip_unchanged => false, truncate_partitions => true);
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE '%: %', SQLSTATE, SQLERRM;
END $$;
SET client_min_messages = warning;
SELECT * FROM events WHERE day = '2026-11-01';

-- Truncating needs the TRUNCATE privilege on the partitions, as TRUNCATE itself does;
-- deleting does not.
CREATE ROLE regress_window_partitions;
GRANT SELECT, INSERT, DELETE ON events TO regress_window_partitions;
SET ROLE regress_window_partitions;
DO $$
DECLARE d bigint; i bigint; s boolean;
BEGIN
    CALL idempotent_replace_window('events', 'day', '2026-11-01', '2026-11-02',
        'SELECT $1 AS day, 2 AS id', d, i, s, truncate_partitions => true);
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING '%: %', SQLSTATE, SQLERRM;
END $$;
CALL idempotent_replace_window('events', 'day', '2026-11-01', '2026-11-02', 'SELECT $1 AS day, 2 AS id');
RESET ROLE;
REVOKE ALL ON events FROM regress_window_partitions;
DROP ROLE regress_window_partitions;

-- idempotent_upsert: rows are ensured with their values; unchanged rows are not written, not
-- even locked; bad input is refused with the target unchanged.
\set VERBOSITY default
SET client_min_messages = warning;

CREATE TABLE accounts (
    id int PRIMARY KEY,
    name text NOT NULL,
    balance numeric,
    profile json,
    region text DEFAULT 'eu',
    code text UNIQUE
);

CREATE FUNCTION pg_temp.contents() RETURNS text LANGUAGE sql AS $$
    SELECT md5(coalesce(string_agg(a::text, ',' ORDER BY a::text), '')) FROM accounts a $$;

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

CREATE TABLE incoming (id int, name text, balance numeric, profile json);
INSERT INTO incoming SELECT g, 'account ' || g, g * 100, '{"tier": 1}' FROM generate_series(1, 5) g;

-- 1. New rows are inserted; columns the source lacks take their defaults.
SELECT * FROM idempotent_upsert('accounts', 'SELECT * FROM incoming');
SELECT * FROM accounts ORDER BY id;

-- 2. A re-run with unchanged data writes nothing: every row version stays where it was, and
-- no row is even locked (xmax stays 0).
CREATE TEMP TABLE versions AS SELECT ctid AS row_ctid, xmin::text AS row_xmin, xmax::text AS row_xmax FROM accounts;
SELECT * FROM idempotent_upsert('accounts', 'SELECT * FROM incoming');
SELECT count(*) AS kept FROM (SELECT ctid, xmin::text, xmax::text FROM accounts INTERSECT SELECT * FROM versions) s;
SELECT count(*) AS locked FROM accounts WHERE xmax::text <> '0';

-- Nor does it write one WAL record for the table or its indexes: no heap, index or row-lock
-- record. The hand-written ON CONFLICT DO UPDATE ... WHERE ... IS DISTINCT FROM locks every
-- conflicting row and logs each lock.
CREATE EXTENSION pg_walinspect;
CREATE TABLE wal_flush (n int);
CREATE FUNCTION pg_temp.wal_records_for_accounts(since pg_lsn) RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM pg_get_wal_records_info(since, pg_current_wal_flush_lsn())
    WHERE block_ref ~ ANY (
        SELECT 'rel \d+/\d+/' || pg_relation_filenode(relid) || ' '
        FROM (SELECT 'accounts'::regclass AS relid
              UNION ALL SELECT indexrelid FROM pg_index WHERE indrelid = 'accounts'::regclass) r) $$;
SELECT pg_current_wal_insert_lsn() AS before_upsert \gset
SELECT * FROM idempotent_upsert('accounts', 'SELECT * FROM incoming');
-- A transaction that writes flushes the WAL up to its commit record.
INSERT INTO wal_flush VALUES (1);
SELECT pg_temp.wal_records_for_accounts(:'before_upsert') AS idempotent_upsert_records;
SELECT pg_current_wal_insert_lsn() AS before_on_conflict \gset
INSERT INTO accounts AS a (id, name, balance, profile) SELECT * FROM incoming
ON CONFLICT (id) DO UPDATE SET name = excluded.name, balance = excluded.balance, profile = excluded.profile
WHERE (a.name, a.balance, a.profile::text) IS DISTINCT FROM (excluded.name, excluded.balance, excluded.profile::text);
INSERT INTO wal_flush VALUES (2);
SELECT pg_temp.wal_records_for_accounts(:'before_on_conflict') AS on_conflict_records;

-- Changed rows are updated, new ones inserted, the rest left alone.
UPDATE incoming SET balance = balance + 1 WHERE id <= 2;
INSERT INTO incoming VALUES (6, 'account 6', 600, NULL);
SELECT * FROM idempotent_upsert('accounts', 'SELECT * FROM incoming');

-- json compares as text; NULL is not distinct from NULL; 100 is not distinct from 100.00.
UPDATE incoming SET profile = '{"tier":1}' WHERE id = 3;
SELECT * FROM idempotent_upsert('accounts', 'SELECT * FROM incoming');
SELECT * FROM idempotent_upsert('accounts',
    'SELECT id, name, CASE WHEN id = 4 THEN 400.00 ELSE balance END AS balance, profile FROM incoming');

-- Columns the source lacks are left alone on update.
UPDATE accounts SET region = 'us' WHERE id = 1;
SELECT * FROM idempotent_upsert('accounts', $$SELECT 1 AS id, 'renamed' AS name$$);
SELECT id, name, balance, region FROM accounts WHERE id = 1;

-- A source of keys only inserts what is missing.
SELECT * FROM idempotent_upsert('accounts', $$SELECT 7 AS id, 'seven' AS name$$);
SELECT * FROM idempotent_upsert('accounts', $$SELECT g AS id FROM generate_series(1, 7) g$$);

-- key_columns: any unique index or constraint, here on code.
SELECT * FROM idempotent_upsert('accounts', $$SELECT 8 AS id, 'eight' AS name, 'E8' AS code$$, ARRAY['code']);
SELECT * FROM idempotent_upsert('accounts', $$SELECT 8 AS id, 'eight' AS name, 'E8' AS code$$, ARRAY['code']);
SELECT * FROM idempotent_upsert('accounts', $$SELECT 8 AS id, 'acht' AS name, 'E8' AS code$$, ARRAY['code']);

-- A multi-column key, matched in any order.
CREATE TABLE measurements (site text, day date, value int, PRIMARY KEY (site, day));
SELECT * FROM idempotent_upsert('measurements',
    $$SELECT 'a' AS site, date '2026-11-01' + g AS day, g AS value FROM generate_series(0, 2) g$$,
    ARRAY['day', 'site']);
SELECT * FROM idempotent_upsert('measurements',
    $$SELECT 'a' AS site, date '2026-11-01' + g AS day, g * (g % 2) AS value FROM generate_series(0, 2) g$$);

-- A partitioned target.
CREATE TABLE readings (id int PRIMARY KEY, value text) PARTITION BY RANGE (id);
CREATE TABLE readings_low PARTITION OF readings FOR VALUES FROM (0) TO (5);
CREATE TABLE readings_high PARTITION OF readings FOR VALUES FROM (5) TO (100);
SELECT * FROM idempotent_upsert('readings', 'SELECT g AS id, g::text AS value FROM generate_series(1, 8) g');
SELECT * FROM idempotent_upsert('readings', 'SELECT g AS id, (g % 3)::text AS value FROM generate_series(1, 10) g');
SELECT * FROM idempotent_upsert('readings', 'SELECT g AS id, (g % 3)::text AS value FROM generate_series(1, 10) g');
SELECT tableoid::regclass, count(*) FROM readings GROUP BY 1 ORDER BY 1;

-- A source with joins or subqueries keeps its own plan: the key is then probed as
-- key = ANY (ARRAY[...]), which only the key's index can answer row by row.
SELECT * FROM idempotent_upsert('readings',
    $$SELECT r.id, r.value || '!' AS value FROM readings r JOIN generate_series(1, 3) g ON g = r.id$$);
SELECT * FROM idempotent_upsert('readings',
    $$SELECT g AS id, 'new' AS value FROM generate_series(20, 21) g WHERE g NOT IN (SELECT id FROM readings)$$);
SELECT id, value FROM readings WHERE id <= 3 OR id >= 20 ORDER BY id;

-- With track_counts off, the rows written are known but not which were inserted or updated.
SET track_counts = off;
SELECT * FROM idempotent_upsert('readings', 'SELECT g AS id, ''off'' AS value FROM generate_series(21, 22) g');
RESET track_counts;

-- Inside a caller's transaction it rolls back with it.
BEGIN;
SELECT * FROM idempotent_upsert('accounts', $$SELECT 100 AS id, 'temporary' AS name$$);
ROLLBACK;
SELECT count(*) FROM accounts WHERE id = 100;

-- 3. Bad input, each refused with the target unchanged.
CREATE TABLE no_key (id int, v int);
CREATE TABLE partial_key (id int, v int);
CREATE UNIQUE INDEX ON partial_key (id) WHERE v > 0;
CREATE TABLE deferred_key (id int UNIQUE DEFERRABLE, v int);
CREATE VIEW accounts_view AS SELECT * FROM accounts;
CREATE TABLE ruled (id int PRIMARY KEY, v int);
CREATE RULE ruled_skip AS ON INSERT TO ruled WHERE NEW.v < 0 DO INSTEAD NOTHING;
SELECT call, pg_temp.refused(call) FROM (VALUES
    ($$SELECT idempotent_upsert('accounts', 'SELECT NULL::int AS id, ''x'' AS name')$$),
    ($$SELECT idempotent_upsert('accounts', 'SELECT 1 AS id, ''x'' AS name UNION ALL SELECT 1, ''y''')$$),
    ($$SELECT idempotent_upsert('accounts', 'SELECT 9 AS id, ''nine'' AS name, ''E8'' AS code')$$),
    ($$SELECT idempotent_upsert('accounts', 'SELECT 1 AS id, ''x'' AS name UNION ALL SELECT 1, ''x''')$$),
    ($$SELECT idempotent_upsert('measurements', 'SELECT ''a'' AS site, date ''2026-11-01'' AS day UNION ALL SELECT ''a'', date ''2026-11-01''')$$),
    ($$SELECT idempotent_upsert('accounts', 'SELECT 9 AS id, ''x'' AS name', ARRAY['name'])$$),
    ($$SELECT idempotent_upsert('accounts', 'SELECT 9 AS id, ''x'' AS name', ARRAY['no_such_column'])$$),
    ($$SELECT idempotent_upsert('accounts', 'SELECT 9 AS id, ''x'' AS name', ARRAY['code'])$$),
    ($$SELECT idempotent_upsert('accounts', 'SELECT 9 AS id, ''x'' AS name', ARRAY[]::text[])$$),
    ($$SELECT idempotent_upsert('accounts', 'SELECT 9 AS id, ''x'' AS name', ARRAY[NULL])$$),
    ($$SELECT idempotent_upsert('accounts', 'SELECT ''x'' AS name')$$),
    ($$SELECT idempotent_upsert('accounts', 'SELECT 9 AS id, ''x'' AS nom')$$),
    ($$SELECT idempotent_upsert('accounts', 'SELECT 9 AS id, 9 AS id')$$),
    ($$SELECT idempotent_upsert('accounts', 'SELECT 9 AS id, NULL::text AS name')$$),
    ($$SELECT idempotent_upsert('accounts', 'SELECT ''nine'' AS id')$$),
    ($$SELECT idempotent_upsert('accounts', '')$$),
    ($$SELECT idempotent_upsert('accounts', 'SELECT 9 AS id; SELECT 10 AS id')$$),
    ($$SELECT idempotent_upsert('accounts', 'DELETE FROM accounts RETURNING id')$$),
    ($$SELECT idempotent_upsert('accounts', 'SELECT id FROM accounts FOR UPDATE')$$),
    ($$SELECT idempotent_upsert('accounts', 'SELECT $1 AS id')$$),
    ($$SELECT idempotent_upsert('accounts', NULL)$$),
    ($$SELECT idempotent_upsert(NULL, 'SELECT 1 AS id')$$),
    ($$SELECT idempotent_upsert('accounts_view', 'SELECT 1 AS id')$$),
    ($$SELECT idempotent_upsert('ruled', 'SELECT 1 AS id, 1 AS v')$$),
    ($$SELECT idempotent_upsert('no_key', 'SELECT 1 AS id')$$),
    ($$SELECT idempotent_upsert('no_key', 'SELECT 1 AS id', ARRAY['id'])$$),
    ($$SELECT idempotent_upsert('partial_key', 'SELECT 1 AS id', ARRAY['id'])$$),
    ($$SELECT idempotent_upsert('deferred_key', 'SELECT 1 AS id', ARRAY['id'])$$)
) AS calls(call);

-- Privileges: what INSERT ... ON CONFLICT DO UPDATE needs.
CREATE ROLE regress_upsert_writer;
GRANT SELECT, INSERT, UPDATE ON accounts TO regress_upsert_writer;
SET ROLE regress_upsert_writer;
SELECT * FROM idempotent_upsert('accounts', $$SELECT 1 AS id, 'by writer' AS name$$);
RESET ROLE;
REVOKE UPDATE ON accounts FROM regress_upsert_writer;
SET ROLE regress_upsert_writer;
SELECT pg_temp.refused($$SELECT idempotent_upsert('accounts', 'SELECT 1 AS id, ''again'' AS name')$$);
RESET ROLE;
REVOKE ALL ON accounts FROM regress_upsert_writer;
DROP ROLE regress_upsert_writer;

-- The generated statements run without JIT unless the source query alone would be compiled;
-- the caller's setting is back afterwards, after an error too.
SET jit = on;
SELECT * FROM idempotent_upsert('accounts', $$SELECT 1 AS id, current_setting('jit') AS name$$);
SELECT name AS jit_during_upsert FROM accounts WHERE id = 1;
SET jit_above_cost = 0;
SELECT * FROM idempotent_upsert('accounts', $$SELECT 1 AS id, current_setting('jit') AS name$$);
SELECT name AS jit_for_a_costly_source FROM accounts WHERE id = 1;
RESET jit_above_cost;
SELECT current_setting('jit') AS after_upsert;
BEGIN;
SAVEPOINT before_error;
SELECT * FROM idempotent_upsert('accounts', $$SELECT NULL::int AS id, 'x' AS name$$);
ROLLBACK TO SAVEPOINT before_error;
SELECT current_setting('jit') AS after_error;
COMMIT;
RESET jit;

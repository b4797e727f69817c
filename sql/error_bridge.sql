-- C++ exceptions and PostgreSQL errors cross the C++/PostgreSQL boundary as ordinary errors
-- with their SQLSTATE, and the session stays usable after each.
\set VERBOSITY default
CREATE FUNCTION pg_temp.bridge_selftest(kind text) RETURNS integer
    AS '$libdir/idempotent', 'idempotent_bridge_selftest' LANGUAGE C STRICT;

CREATE FUNCTION pg_temp.sqlstate_of(kind text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_temp.bridge_selftest(kind);
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- Each kind of error, with the SQLSTATE a caller can branch on.
SELECT kind, pg_temp.sqlstate_of(kind)
FROM unnest(ARRAY['core_error', 'std_exception', 'bad_alloc', 'postgres_error']) AS kind;

-- Messages, hints and details arrive intact.
SELECT pg_temp.bridge_selftest('core_error');
SELECT pg_temp.bridge_selftest('postgres_error');

-- Backend code called from C++ that does not fail returns its value.
SELECT pg_temp.bridge_selftest('postgres_ok');

-- The session is usable after each error, also inside a transaction with a savepoint.
BEGIN;
SAVEPOINT before_error;
SELECT pg_temp.bridge_selftest('std_exception');
ROLLBACK TO SAVEPOINT before_error;
SELECT pg_temp.bridge_selftest('postgres_ok') AS after_rollback_to_savepoint;
COMMIT;

-- Many errors in a row leave nothing behind: no leaked error state or exception frames.
SELECT count(*) FILTER (WHERE pg_temp.sqlstate_of(k) LIKE '22023:%') AS core_errors,
       count(*) FILTER (WHERE pg_temp.sqlstate_of(k2) LIKE '23505:%') AS postgres_errors
FROM generate_series(1, 1000) AS g,
     LATERAL (SELECT 'core_error'::text AS k, 'postgres_error'::text AS k2) AS kinds;
SELECT pg_temp.bridge_selftest('no_such_test');
SELECT 1 AS still_usable;

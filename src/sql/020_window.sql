-- Window replacement (docs/window.md).

-- One row per target that has been replaced: the lock that serializes replacements of the
-- target. Every exclusive replacement updates its row, so that a caller whose snapshot predates
-- another replacement fails with a serialization failure instead of passing it. Callers never
-- touch it directly: the procedure writes it as the extension's owner.
CREATE TABLE idempotent_window_lock (
    target regclass PRIMARY KEY,
    replacements bigint NOT NULL DEFAULT 1
);
REVOKE ALL ON idempotent_window_lock FROM PUBLIC;
COMMENT ON TABLE idempotent_window_lock IS
    'Internal: one row per target, locked by every replacement of a window of it';

-- Claims of windows by replacements with lock_scope 'window', which run in parallel on
-- disjoint windows of one target. The exclusion constraints make a claim wait for every
-- uncommitted overlapping one; committed claims are stale and deleted by the next overlapping
-- claimant. Internal, like the lock table.
CREATE TABLE idempotent_window_claim (
    claim_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    target regclass NOT NULL,
    numeric_span numrange,
    time_span tstzrange,
    EXCLUDE USING gist (int8range(target::oid::bigint, target::oid::bigint, '[]') WITH &&,
                        numeric_span WITH &&),
    EXCLUDE USING gist (int8range(target::oid::bigint, target::oid::bigint, '[]') WITH &&,
                        time_span WITH &&)
);
REVOKE ALL ON idempotent_window_claim FROM PUBLIC;
COMMENT ON TABLE idempotent_window_claim IS
    'Internal: windows claimed by replacements with lock_scope ''window''';

-- The run log: one row per committed replacement. Only the extension's owner writes it (through
-- the procedure, never on a caller's say-so); everyone may read it. pg_dump keeps its rows.
CREATE TABLE idempotent_window_run (
    run_id bigserial PRIMARY KEY,
    target regclass,
    target_name text NOT NULL,
    window_column text NOT NULL,
    window_start text NOT NULL, -- dates and times in ISO 8601, whatever the DateStyle
    window_end text NOT NULL,
    window_filter text,
    deleted bigint NOT NULL,
    inserted bigint NOT NULL,
    skipped boolean NOT NULL,
    contents_digest bytea NOT NULL,
    run_by name NOT NULL,
    truncated boolean NOT NULL, -- the window's partitions were truncated, not its rows deleted
    finished_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp()
);
CREATE INDEX ON idempotent_window_run (target, finished_at);
REVOKE ALL ON idempotent_window_run FROM PUBLIC;
GRANT SELECT ON idempotent_window_run TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('idempotent_window_run', '');
SELECT pg_catalog.pg_extension_config_dump('idempotent_window_run_run_id_seq', '');
COMMENT ON TABLE idempotent_window_run IS
    'One row per committed idempotent_replace_window call; contents_digest is equal for equal window contents';

CREATE PROCEDURE idempotent_replace_window(
    target regclass,
    window_column text,
    window_start anycompatible,
    window_end anycompatible,
    source_query text,
    INOUT deleted bigint DEFAULT NULL,
    INOUT inserted bigint DEFAULT NULL,
    INOUT skipped boolean DEFAULT NULL,
    skip_unchanged boolean DEFAULT true,
    window_filter text DEFAULT NULL,
    nowait boolean DEFAULT false,
    lock_scope text DEFAULT 'table',
    truncate_partitions boolean DEFAULT false)
    AS 'MODULE_PATHNAME', 'idempotent_replace_window'
    LANGUAGE C;
COMMENT ON PROCEDURE idempotent_replace_window IS
    'Atomically replaces the rows of target in [window_start, window_end) of window_column with the rows of source_query';

-- An array's elements with a type modifier applied as INSERT applies it (each element through
-- its type's length coercion, not explicit): how the window replacement and the upsert see
-- source values of a column such as varchar(3)[] before comparing them with stored rows.
CREATE FUNCTION idempotent_array_typmod(value anyarray, typmod integer) RETURNS anyarray
    AS 'MODULE_PATHNAME', 'idempotent_array_typmod'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION idempotent_array_typmod(anyarray, integer) IS
    'Internal: the elements of value with the modifier typmod applied as an assignment applies it';

CREATE FUNCTION idempotent_image_hash_accum(bigint, VARIADIC "any") RETURNS bigint
    AS 'MODULE_PATHNAME', 'idempotent_image_hash_accum'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE idempotent_image_hash_sum(VARIADIC "any") (
    SFUNC = idempotent_image_hash_accum,
    STYPE = bigint,
    INITCOND = '0',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE idempotent_image_hash_sum(VARIADIC "any") IS
    'Order-independent 64-bit hash of rows as their values are stored, byte for byte (docs/window.md)';

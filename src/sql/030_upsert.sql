-- No-op upserts (docs/upsert.md).

CREATE FUNCTION idempotent_upsert(
    target regclass,
    source_query text,
    key_columns text[] DEFAULT NULL,
    OUT inserted bigint,
    OUT updated bigint,
    OUT unchanged bigint)
    AS 'MODULE_PATHNAME', 'idempotent_upsert'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION idempotent_upsert IS
    'Ensures the rows of source_query exist in target with their values; writes only rows that differ';

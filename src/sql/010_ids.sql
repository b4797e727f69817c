-- Deterministic IDs (docs/ids.md). The encoding depends on no setting, so these are IMMUTABLE
-- and usable in generated columns and expression indexes. They are not STRICT: a NULL argument
-- is part of the identity.

CREATE FUNCTION idempotent_id(VARIADIC "any") RETURNS uuid
    AS 'MODULE_PATHNAME', 'idempotent_id'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION idempotent_id(VARIADIC "any") IS
    'Deterministic version 8 UUID from the SHA-256 of the arguments'' canonical encoding';

CREATE FUNCTION idempotent_id64(VARIADIC "any") RETURNS bigint
    AS 'MODULE_PATHNAME', 'idempotent_id64'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION idempotent_id64(VARIADIC "any") IS
    'Deterministic bigint: the first 8 bytes of idempotent_digest(), big-endian, signed';

CREATE FUNCTION idempotent_digest(VARIADIC "any") RETURNS bytea
    AS 'MODULE_PATHNAME', 'idempotent_digest'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION idempotent_digest(VARIADIC "any") IS
    'SHA-256 of the arguments'' canonical encoding (32 bytes)';

CREATE FUNCTION idempotent_encode(VARIADIC "any") RETURNS bytea
    AS 'MODULE_PATHNAME', 'idempotent_encode'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION idempotent_encode(VARIADIC "any") IS
    'The canonical encoding of the arguments (format 1, docs/ids.md)';

CREATE FUNCTION idempotent_uuid_v5(namespace uuid, name text) RETURNS uuid
    AS 'MODULE_PATHNAME', 'idempotent_uuid_v5'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION idempotent_uuid_v5(uuid, text) IS
    'RFC 9562 version 5 UUID; the name is hashed as UTF-8';

-- STABLE, not IMMUTABLE: casts to text depend on settings such as DateStyle and TimeZone,
-- exactly as in the dbt expression it reproduces.
CREATE FUNCTION idempotent_dbt_surrogate_key(VARIADIC "any") RETURNS text
    AS 'MODULE_PATHNAME', 'idempotent_dbt_surrogate_key'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION idempotent_dbt_surrogate_key(VARIADIC "any") IS
    'What dbt_utils.generate_surrogate_key renders on PostgreSQL, computed natively';

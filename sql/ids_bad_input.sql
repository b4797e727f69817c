-- Bad input gets a clear error or a correct result: never a crash, a leak or a wrong ID.
\set VERBOSITY default

-- Unsupported types are named, with a hint.
SELECT idempotent_id(1::money);
SELECT idempotent_id(point '(1,2)');
SELECT idempotent_id(int4range(1, 5));
SELECT idempotent_id(ARRAY[1::oid]);
SELECT idempotent_id(ROW(1, 'x'::xml));

-- An empty VARIADIC array is an error; VARIADIC NULL is NULL.
SELECT idempotent_id(VARIADIC ARRAY[]::text[]);
SELECT idempotent_id64(VARIADIC '{}'::int[]);
SELECT idempotent_dbt_surrogate_key(VARIADIC ARRAY[]::text[]);
SELECT idempotent_encode(VARIADIC NULL::int[]) IS NULL AS variadic_null;

-- 100 arguments (PostgreSQL's limit) work; 101 are refused by PostgreSQL itself.
SELECT format('SELECT idempotent_id(%s) = idempotent_id(VARIADIC ARRAY[%s]) AS hundred_arguments',
              string_agg(g::text, ', '), string_agg(g::text, ', '))
FROM generate_series(1, 100) AS g \gexec
SELECT format('SELECT idempotent_id(%s)', string_agg(g::text, ', '))
FROM generate_series(1, 101) AS g \gexec

-- A 100 MB text hashes correctly (streamed, never copied whole) and encodes in full.
SELECT encode(idempotent_digest(repeat('x', 100000000)), 'hex')
     = encode(sha256('\x01000000010405f5e100'::bytea || convert_to(repeat('x', 100000000), 'UTF8')), 'hex')
       AS large_text_digest;
SELECT length(idempotent_encode(repeat('y', 100000000))) AS large_encoding_bytes;
-- An encoding beyond what a bytea can hold is refused; the hashing functions still work.
SELECT idempotent_encode(z, z, z, z, z, z, z, z, z, z, z)
FROM (SELECT repeat('z', 100000000) AS z OFFSET 0) AS large;
SELECT encode(idempotent_digest(z, z, z, z, z, z, z, z, z, z, z), 'hex') AS digest_beyond_1gb
FROM (SELECT repeat('z', 100000000) AS z OFFSET 0) AS large;

-- Deeply nested values are bounded by the stack check, not a crash.
SET max_stack_depth = '200kB';
SELECT idempotent_id(jsonb_deep) IS NOT NULL AS deep_jsonb
FROM (SELECT (repeat('[', 1000) || repeat(']', 1000))::jsonb AS jsonb_deep) AS d;
RESET max_stack_depth;

-- Bytes that are not UTF-8 are fine in bytea, which is hashed as stored.
SELECT idempotent_id('\xff00ff'::bytea) = idempotent_id('\xff00ff'::bytea) AS binary_bytea;

-- After all of that, the session is fine.
SELECT idempotent_id('still', 'working') IS NOT NULL AS session_usable;

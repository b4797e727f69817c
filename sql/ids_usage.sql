-- Settings do not change IDs, so the functions are IMMUTABLE and work in generated columns and
-- expression indexes; the dbt and uuid-v5 compatibility functions reproduce their originals.
-- Runs in a schema of its own, dropped at the end, so that tests do not share objects.
CREATE SCHEMA ids_usage;
SET search_path = ids_usage, public;

CREATE TABLE sample AS
SELECT g AS n, 'event-' || g AS event_id, date '2026-11-01' + g % 7 AS day,
       timestamptz '2026-11-01 00:00:00+00' + g * interval '37 minutes' AS at,
       g * 1.25 AS amount, (g % 3 = 0) AS flag, interval '1 mon 2 days' * g AS span,
       ARRAY[g, g + 1] AS pair, jsonb_build_object('n', g, 'x', g * 0.5) AS doc
FROM generate_series(1, 50) AS g;

CREATE TABLE ids_under_defaults AS
SELECT n, idempotent_id(event_id, day, at, amount, flag, span, pair, doc, n::float8 / 3) AS id
FROM sample;

-- Every setting that changes how values print leaves the IDs alone.
SET TimeZone = 'Pacific/Chatham';
SET DateStyle = 'SQL, DMY';
SET IntervalStyle = 'iso_8601';
SET extra_float_digits = -15;
SET bytea_output = 'escape';
SET lc_monetary = 'C';
SET search_path = pg_catalog, ids_usage, public;
SELECT count(*) AS rows_compared,
       count(*) FILTER (WHERE d.id = public.idempotent_id(s.event_id, s.day, s.at, s.amount, s.flag,
                                                           s.span, s.pair, s.doc, s.n::float8 / 3)) AS same_id
FROM ids_usage.sample AS s JOIN ids_usage.ids_under_defaults AS d USING (n);
RESET ALL;
SET search_path = ids_usage, public;

-- Declared IMMUTABLE PARALLEL SAFE; the dbt key STABLE.
SELECT p.proname, p.provolatile, p.proparallel, p.prosecdef
FROM pg_proc AS p JOIN pg_depend AS d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension AS e ON e.oid = d.refobjid AND e.extname = 'idempotent'
WHERE p.proname IN ('idempotent_id', 'idempotent_id64', 'idempotent_digest', 'idempotent_encode',
                    'idempotent_uuid_v5', 'idempotent_dbt_surrogate_key')
ORDER BY p.proname;

-- Generated columns and expression indexes accept it, where md5(day::text) is refused.
CREATE TABLE events (
    event_id text NOT NULL,
    day date NOT NULL,
    type text NOT NULL,
    id uuid GENERATED ALWAYS AS (idempotent_id(event_id, day, type)) STORED UNIQUE
);
INSERT INTO events VALUES ('e1', '2026-11-01', 'click');
INSERT INTO events VALUES ('e1', '2026-11-01', 'click'); -- the same event: a unique violation
SELECT id = idempotent_id('e1'::text, date '2026-11-01', 'click'::text) AS generated_matches FROM events;
CREATE INDEX events_id64 ON events ((idempotent_id64(event_id, day)));
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM events WHERE idempotent_id64(event_id, day) = 42;
RESET enable_seqscan;
CREATE TABLE refused (day date, key text GENERATED ALWAYS AS (md5(day::text)) STORED);

-- uuid_v5 equals uuid-ossp's.
CREATE EXTENSION "uuid-ossp" SCHEMA ids_usage;
SELECT count(*) AS names,
       count(*) FILTER (WHERE idempotent_uuid_v5(ns, name) = uuid_generate_v5(ns, name)) AS equal
FROM (VALUES (uuid_ns_dns()), (uuid_ns_url()), (uuid_ns_oid()), (uuid_ns_x500())) AS n(ns),
     (VALUES ('www.example.com'), (''), ('héllo wörld'), ('😀'), (repeat('x', 10000))) AS v(name);
SELECT idempotent_uuid_v5(uuid_ns_dns(), 'www.example.com') AS rfc_example;
SELECT idempotent_uuid_v5(NULL, 'x') IS NULL AS strict;

-- idempotent_dbt_surrogate_key is byte for byte the expression dbt_utils renders.
CREATE FUNCTION dbt_expression(VARIADIC parts text[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT md5(string_agg(coalesce(p, '_dbt_utils_surrogate_key_null_'), '-' ORDER BY i))
    FROM unnest(parts) WITH ORDINALITY AS u(p, i)
$$;
SELECT count(*) AS rows_compared,
       count(*) FILTER (WHERE idempotent_dbt_surrogate_key(event_id, day, at, amount, flag, span, pair, doc)
                            = dbt_expression(cast(event_id AS text), cast(day AS text), cast(at AS text),
                                             cast(amount AS text), cast(flag AS text), cast(span AS text),
                                             cast(pair AS text), cast(doc AS text))) AS equal
FROM sample;
-- The literal SQL that dbt_utils.generate_surrogate_key renders, for one row.
SELECT idempotent_dbt_surrogate_key(true, NULL::int, 'a'::char(3), inet '10.0.0.1/32', 1.50)
     = md5(cast(coalesce(cast(true as TEXT), '_dbt_utils_surrogate_key_null_') || '-' ||
                coalesce(cast(NULL::int as TEXT), '_dbt_utils_surrogate_key_null_') || '-' ||
                coalesce(cast('a'::char(3) as TEXT), '_dbt_utils_surrogate_key_null_') || '-' ||
                coalesce(cast(inet '10.0.0.1/32' as TEXT), '_dbt_utils_surrogate_key_null_') || '-' ||
                coalesce(cast(1.50 as TEXT), '_dbt_utils_surrogate_key_null_') as TEXT)) AS same_as_dbt,
       idempotent_dbt_surrogate_key(true) = md5('true') AS true_is_cast_not_output;
SELECT idempotent_dbt_surrogate_key('a', 'b') = md5('a-b') AS untyped_literals,
       idempotent_dbt_surrogate_key(VARIADIC ARRAY['a', NULL]) = md5('a-_dbt_utils_surrogate_key_null_') AS variadic,
       idempotent_dbt_surrogate_key(VARIADIC NULL::text[]) IS NULL AS variadic_null;
-- STABLE: it follows DateStyle, as the dbt expression does.
SET DateStyle = 'SQL, DMY';
SELECT idempotent_dbt_surrogate_key(date '2026-11-01') = md5('01/11/2026') AS follows_datestyle;
RESET DateStyle;

-- A user-defined cast to text that returns NULL: dbt's coalesce gives the NULL marker.
CREATE TYPE mood AS ENUM ('happy');
CREATE FUNCTION mood_text(mood) RETURNS text LANGUAGE sql AS 'SELECT NULL::text';
CREATE CAST (mood AS text) WITH FUNCTION mood_text(mood);
SELECT idempotent_dbt_surrogate_key('happy'::mood, 'x')
     = md5(coalesce(cast('happy'::mood AS text), '_dbt_utils_surrogate_key_null_') || '-x')
       AS null_cast_is_marked;

-- A composite type altered while a call site stays in use (one PL/pgSQL block): the IDs are
-- those of the values as they now are, not read with the old field types.
CREATE TYPE reshaped AS (a text);
CREATE TABLE reshaped_ids (step int, id uuid, expected uuid);
DO $$
DECLARE
    r record;
    id uuid;
BEGIN
    FOR step IN 1..2 LOOP
        IF step = 2 THEN
            ALTER TYPE reshaped ALTER ATTRIBUTE a TYPE bigint;
        END IF;
        EXECUTE format('SELECT ROW(%s)::reshaped AS c',
                       CASE step WHEN 1 THEN quote_literal('x') ELSE '1234567' END)
            INTO r;
        -- One simple expression, evaluated twice: its plan, and the encoder's, outlive the ALTER.
        id := idempotent_id(r.c);
        INSERT INTO reshaped_ids
        VALUES (step, id,
                CASE step WHEN 1 THEN idempotent_id(ROW('x'::text))
                          ELSE idempotent_id(ROW(1234567::bigint)) END);
    END LOOP;
END $$;
SELECT step, id = expected AS as_now FROM reshaped_ids ORDER BY step;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA ids_usage CASCADE;
RESET client_min_messages;

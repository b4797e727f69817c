-- The properties of docs/ids.md, each shown on values: unambiguous, consistent with equality
-- within a family, different families apart, the layouts of the derived identifiers.
-- Runs in a schema of its own, dropped at the end, so that tests do not share objects.
CREATE SCHEMA ids_properties;
SET search_path = ids_properties, public;

-- Unambiguous: argument lists that differ value by value never share an encoding.
SELECT count(DISTINCT idempotent_encode(VARIADIC args)) = count(*) AS all_distinct, count(*)
FROM (VALUES (ARRAY['ab', 'c']), (ARRAY['a', 'bc']), (ARRAY['a-b', 'c']), (ARRAY['a', 'b-c']),
             (ARRAY[NULL]), (ARRAY['']), (ARRAY['NULL']),
             (ARRAY['_dbt_utils_surrogate_key_null_']),
             (ARRAY[NULL, 'x']), (ARRAY['x', NULL]), (ARRAY['x']), (ARRAY['x', 'x']),
             (ARRAY['abc']), (ARRAY['a', 'b', 'c'])) AS t(args);
SELECT idempotent_id('a', 'b') <> idempotent_id(ROW('a', 'b')) AS record_vs_arguments,
       idempotent_id(ARRAY['a', 'b']) <> idempotent_id('a', 'b') AS array_vs_arguments,
       idempotent_id(ARRAY[ARRAY['a'], ARRAY['b']]) <> idempotent_id(ARRAY['a', 'b']) AS nested_array,
       idempotent_id(ROW(ROW('a'), 'b')) <> idempotent_id(ROW('a', ROW('b'))) AS nested_record,
       idempotent_id('a') <> idempotent_id('a', NULL) AS one_vs_two;

-- Exact numbers form one family: widening a column keeps its IDs.
SELECT idempotent_id(7::int2) = idempotent_id(7::int4) AND idempotent_id(7) = idempotent_id(7::int8)
       AND idempotent_id(7) = idempotent_id(7.00) AND idempotent_id(7) = idempotent_id('7.000'::numeric)
       AS seven_is_seven,
       idempotent_id(-0.50) = idempotent_id(-0.5::numeric) AS scale_ignored,
       idempotent_id(0.0) = idempotent_id(0) AS zero,
       idempotent_id('NaN'::numeric) = idempotent_id('NaN'::numeric) AS numeric_nan;
SELECT encode(idempotent_encode(7.00), 'hex') AS seven, encode(idempotent_encode(-0.50), 'hex') AS minus_half;

-- Floats are their own family: -0 equals 0, one NaN.
SELECT idempotent_id(-0.0::float8) = idempotent_id(0.0::float8) AS negative_zero,
       idempotent_id('NaN'::float8) = idempotent_id('NaN'::float4) AS one_nan,
       idempotent_id(1.5::float4) = idempotent_id(1.5::float8) AS exact_float4,
       idempotent_id(1.1::float4) <> idempotent_id(1.1::float8) AS inexact_float4,
       idempotent_id(1::float8) <> idempotent_id(1) AS float_vs_exact;

-- One instant of timestamptz whatever zone it was written in.
SELECT idempotent_id(timestamptz '2026-11-01 12:00:00+02') = idempotent_id(timestamptz '2026-11-01 10:00:00Z')
       AND idempotent_id(timestamptz '2026-11-01 12:00:00+02') = idempotent_id(timestamptz '2026-11-01 05:00:00-05')
       AS one_instant;

-- bpchar without trailing spaces; text byte for byte.
SELECT idempotent_id('a  '::char(3)) = idempotent_id('a'::char(1)) AS bpchar_padding,
       idempotent_id('a'::char(3)) = idempotent_id('a'::text) AS bpchar_is_text,
       idempotent_id('a '::text) <> idempotent_id('a'::text) AS text_keeps_spaces,
       idempotent_id('A'::text) <> idempotent_id('a'::text) AS case_kept,
       idempotent_id('x'::varchar) = idempotent_id('x'::text)
       AND idempotent_id('x'::name) = idempotent_id('x'::text) AS text_family;

-- jsonb values that compare equal encode the same; json is its text as written.
SELECT idempotent_id(jsonb '{"b": 1, "a": [1.0, {"y": 2, "x": null}]}')
       = idempotent_id(jsonb '{"a":[1,{"x":null,"y":2.00}],"b":1}') AS jsonb_by_value,
       idempotent_id(jsonb '{"a": 1}') <> idempotent_id(jsonb '{"a": "1"}') AS jsonb_types_apart,
       idempotent_id(jsonb '[1, 2]') <> idempotent_id(jsonb '[2, 1]') AS jsonb_array_order,
       idempotent_id(jsonb '"x"') <> idempotent_id(jsonb '["x"]') AS jsonb_scalar_vs_array,
       idempotent_id(json '{"a":1}') <> idempotent_id(json '{"a": 1}') AS json_as_written,
       idempotent_id(json '{"a":1}') <> idempotent_id(jsonb '{"a":1}') AS json_vs_jsonb;

-- interval keeps its fields apart; timetz keeps its zone.
SELECT idempotent_id(interval '1 mon') <> idempotent_id(interval '30 days') AS month_vs_days,
       idempotent_id(interval '1 day') <> idempotent_id(interval '24 hours') AS day_vs_hours,
       idempotent_id(interval '90 minutes') = idempotent_id(interval '1 hour 30 minutes') AS same_time,
       idempotent_id(timetz '10:00+02') <> idempotent_id(timetz '09:00+01') AS timetz_zone;

-- Different families never meet.
SELECT idempotent_id('1'::text) <> idempotent_id(1) AS text_vs_integer,
       idempotent_id(date '2026-11-01') <> idempotent_id(timestamp '2026-11-01') AS date_vs_timestamp,
       idempotent_id(timestamp '2026-11-01') <> idempotent_id(timestamptz '2026-11-01 00:00Z') AS timestamp_vs_tz,
       idempotent_id('a'::text) <> idempotent_id('a'::bytea) AS text_vs_bytea,
       idempotent_id(true) <> idempotent_id(1) AS bool_vs_integer,
       idempotent_id('00000000-0000-0000-0000-000000000000'::uuid)
         <> idempotent_id('\x00000000000000000000000000000000'::bytea) AS uuid_vs_bytea;

-- Array bounds count, as for array equality.
SELECT idempotent_id('[2:3]={1,2}'::int[]) <> idempotent_id('{1,2}'::int[]) AS lower_bound,
       idempotent_id('{1,2}'::int[]) = idempotent_id('{1,2}'::numeric[]) AS element_family,
       idempotent_id('{1,NULL}'::int[]) <> idempotent_id('{1}'::int[]) AS null_element;

-- inet and cidr are one family, as their equality says.
SELECT idempotent_id(inet '10.0.0.0/8') = idempotent_id(cidr '10.0.0.0/8') AS inet_is_cidr,
       idempotent_id(inet '10.0.0.1') <> idempotent_id(inet '10.0.0.1/8') AS prefix_counts,
       idempotent_id(inet '::1') <> idempotent_id(inet '0.0.0.1') AS v6_vs_v4;

-- Enums by label, domains as their base type, citext-like domains byte for byte.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN positive_int AS int CHECK (VALUE > 0);
CREATE DOMAIN email AS text;
SELECT idempotent_id('ok'::mood) <> idempotent_id('ok'::text) AS enum_is_own_family,
       encode(idempotent_encode('ok'::mood), 'hex') AS enum_label_encoding,
       idempotent_id(5::positive_int) = idempotent_id(5) AS domain_is_base,
       idempotent_id('A@x'::email) = idempotent_id('A@x'::text) AS text_domain;
-- Sort position is not part of the encoding: a label added before it changes nothing.
SELECT idempotent_id('happy'::mood) AS happy_before \gset
ALTER TYPE mood ADD VALUE 'elated' BEFORE 'sad';
SELECT idempotent_id('happy'::mood) = :'happy_before' AS enum_by_label;
-- Renaming a label changes the IDs computed from it afterwards (documented).
ALTER TYPE mood RENAME VALUE 'happy' TO 'glad';
SELECT idempotent_id('glad'::mood) <> :'happy_before' AS rename_changes_id;

-- Records: named and anonymous composite values by their fields, recursively.
CREATE TYPE pair AS (a int, b text);
SELECT idempotent_id(ROW(1, 'x')::pair) = idempotent_id(ROW(1, 'x')) AS named_vs_anonymous,
       idempotent_id(ARRAY[ROW(1, 'x')::pair, NULL]) <> idempotent_id(ARRAY[ROW(1, 'x')::pair]) AS record_array,
       encode(idempotent_encode(ROW(1, NULL::text)::pair), 'hex') AS record_with_null;
CREATE TABLE with_dropped (a int, gone text, b text);
ALTER TABLE with_dropped DROP COLUMN gone;
INSERT INTO with_dropped VALUES (1, 'x');
SELECT idempotent_id(w) = idempotent_id(ROW(1, 'x')) AS dropped_column_ignored FROM with_dropped AS w;

-- The derived identifiers: version 8 UUID, id64 = the digest's first 8 bytes, big-endian.
SELECT idempotent_id('a') AS id, encode(idempotent_digest('a'), 'hex') AS digest,
       idempotent_id64('a') AS id64;
SELECT substr(idempotent_id('a')::text, 15, 1) AS version,
       substr(idempotent_id('a')::text, 20, 1) IN ('8', '9', 'a', 'b') AS rfc_variant,
       encode(sha256(idempotent_encode('a', 1, NULL)), 'hex')
         = encode(idempotent_digest('a', 1, NULL), 'hex') AS digest_is_sha256_of_encoding,
       idempotent_id64('a') = ('x' || substr(encode(idempotent_digest('a'), 'hex'), 1, 16))::bit(64)::bigint
         AS id64_is_digest_prefix,
       length(idempotent_digest('a')) AS digest_bytes,
       get_byte(idempotent_encode('a'), 0) AS format_version;

-- Both call forms and untyped literals.
SELECT idempotent_id('a', 'b') = idempotent_id(VARIADIC ARRAY['a', 'b']) AS variadic_array,
       idempotent_id('a', 'b') = idempotent_id('a'::text, 'b'::text) AS unknown_is_text,
       idempotent_id(1, 2) = idempotent_id(VARIADIC ARRAY[1, 2]) AS variadic_integers,
       idempotent_id(VARIADIC NULL::text[]) IS NULL AS variadic_null,
       idempotent_id(NULL) IS NOT NULL AS null_argument_is_a_value,
       idempotent_id(VARIADIC '{{a,b},{c,d}}'::text[]) = idempotent_id('a', 'b', 'c', 'd') AS flattened;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA ids_properties CASCADE;
RESET client_min_messages;

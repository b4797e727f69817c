-- idempotent_queue_attach on tables that are not as attach left them: claim indexes found by
-- their definition (not their name), existing queue columns that allow NULL, a required column
-- dropped after attaching, and retry backoffs too large to compute with.
\set VERBOSITY default
\set SHOW_CONTEXT never
SET client_min_messages = warning;
CREATE SCHEMA queue_attach_test;
SET search_path = queue_attach_test, public;

-- The outcome of a statement: 'ok', or its SQLSTATE, message and hint.
CREATE FUNCTION pg_temp.try(statement text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    hint text;
BEGIN
    EXECUTE statement;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
    RETURN SQLSTATE || ': ' || SQLERRM || coalesce(nullif(' (hint: ' || hint || ')', ' (hint: )'), '');
END $$;

-- A digest of a table's rows and of its definition (columns with their NOT NULL, indexes,
-- triggers), so that a refused call can be shown to have changed nothing.
CREATE FUNCTION pg_temp.fingerprint(queue regclass) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    rows text;
BEGIN
    EXECUTE format('SELECT md5(coalesce(string_agg(t::text, '','' ORDER BY t::text), '''')) FROM %s t',
                   queue) INTO rows;
    RETURN md5(rows
        || coalesce((SELECT string_agg(attname || ':' || atttypid::regtype || ':' || attnotnull, ','
                                       ORDER BY attnum)
            FROM pg_attribute WHERE attrelid = queue AND attnum > 0 AND NOT attisdropped), '')
        || coalesce((SELECT string_agg(pg_get_indexdef(indexrelid), ',' ORDER BY indexrelid::regclass::text)
            FROM pg_index WHERE indrelid = queue), '')
        || coalesce((SELECT string_agg(pg_get_triggerdef(oid), ',' ORDER BY tgname)
            FROM pg_trigger WHERE tgrelid = queue), ''));
END $$;

-- Runs a statement that must fail, and reports whether it left the table as it was.
CREATE FUNCTION pg_temp.refused(queue regclass, statement text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    before text := pg_temp.fingerprint(queue);
    outcome text := pg_temp.try(statement);
BEGIN
    RETURN outcome || CASE WHEN pg_temp.fingerprint(queue) = before
                           THEN ' [unchanged]' ELSE ' [CHANGED]' END;
END $$;

-- A table's indexes other than its primary key, by definition with the index name left out.
CREATE FUNCTION pg_temp.claim_indexes(queue regclass) RETURNS SETOF text LANGUAGE sql AS $$
    SELECT regexp_replace(pg_get_indexdef(indexrelid), '^CREATE INDEX \S+ ON \S+ ', '')
    FROM pg_index WHERE indrelid = queue AND NOT indisprimary ORDER BY 1
$$;

-- Index names: two tables whose names share their first 40 characters each get both claim
-- indexes, under names that are free in the schema.
CREATE TABLE abcdefghij_abcdefghij_abcdefghij_abcdefghij_one (id bigint PRIMARY KEY);
CREATE TABLE abcdefghij_abcdefghij_abcdefghij_abcdefghij_two (id bigint PRIMARY KEY);
SELECT idempotent_queue_attach('abcdefghij_abcdefghij_abcdefghij_abcdefghij_one');
SELECT idempotent_queue_attach('abcdefghij_abcdefghij_abcdefghij_abcdefghij_two');
SELECT indrelid::regclass AS queue, indexrelid::regclass AS index FROM pg_index
WHERE indrelid IN ('abcdefghij_abcdefghij_abcdefghij_abcdefghij_one'::regclass,
                   'abcdefghij_abcdefghij_abcdefghij_abcdefghij_two'::regclass)
  AND NOT indisprimary
ORDER BY 1::text, 2::text;
SELECT * FROM pg_temp.claim_indexes('abcdefghij_abcdefghij_abcdefghij_abcdefghij_two');
-- Attaching again changes nothing; a new priority column replaces the second table's pending
-- index and leaves the first table's alone.
SELECT pg_temp.fingerprint('abcdefghij_abcdefghij_abcdefghij_abcdefghij_one') AS one_before,
       pg_temp.fingerprint('abcdefghij_abcdefghij_abcdefghij_abcdefghij_two') AS two_before \gset
SELECT idempotent_queue_attach('abcdefghij_abcdefghij_abcdefghij_abcdefghij_two');
SELECT pg_temp.fingerprint('abcdefghij_abcdefghij_abcdefghij_abcdefghij_two') = :'two_before'
    AS reattach_changed_nothing;
SELECT idempotent_queue_attach('abcdefghij_abcdefghij_abcdefghij_abcdefghij_two',
                               priority_column => 'id');
SELECT pg_temp.fingerprint('abcdefghij_abcdefghij_abcdefghij_abcdefghij_one') = :'one_before'
    AS other_table_unchanged;
SELECT * FROM pg_temp.claim_indexes('abcdefghij_abcdefghij_abcdefghij_abcdefghij_two');
SELECT * FROM pg_temp.claim_indexes('abcdefghij_abcdefghij_abcdefghij_abcdefghij_one');

-- A table renamed away keeps its indexes; the new table under the old name gets its own.
CREATE TABLE renamed_jobs (id int PRIMARY KEY);
SELECT idempotent_queue_attach('renamed_jobs');
ALTER TABLE renamed_jobs RENAME TO renamed_jobs_old;
CREATE TABLE renamed_jobs (id int PRIMARY KEY);
SELECT idempotent_queue_attach('renamed_jobs');
SELECT * FROM pg_temp.claim_indexes('renamed_jobs');
SELECT * FROM pg_temp.claim_indexes('renamed_jobs_old');
-- An index of the same definition under another name counts: attach adds no second one, and
-- does not drop another table's index that has the name attach would choose.
CREATE TABLE own_index (id int PRIMARY KEY);
ALTER TABLE own_index ADD COLUMN status text NOT NULL DEFAULT 'pending',
                      ADD COLUMN lease_expires_at timestamptz;
CREATE INDEX my_pending ON own_index (id) WHERE status = 'pending';
CREATE TABLE decoy (id int);
CREATE INDEX own_index_idempotent_leases ON decoy (id);
SELECT idempotent_queue_attach('own_index');
SELECT indexrelid::regclass AS index, regexp_replace(pg_get_indexdef(indexrelid), '^.* ON ', '')
FROM pg_index WHERE indrelid IN ('own_index'::regclass, 'decoy'::regclass) AND NOT indisprimary
ORDER BY 1::text;
-- Indexes on status columns of other types and names are recognized as well: attaching again
-- adds no second index, and a new status column replaces both.
CREATE TYPE queue_attach_state AS ENUM ('pending', 'processing', 'done', 'failed');
CREATE TABLE typed_status (id int PRIMARY KEY,
                           "Enum State" queue_attach_state NOT NULL DEFAULT 'pending',
                           vstate varchar(20) NOT NULL DEFAULT 'pending');
SELECT idempotent_queue_attach('typed_status', status_column => 'Enum State');
SELECT pg_temp.fingerprint('typed_status') AS before \gset
SELECT idempotent_queue_attach('typed_status');
SELECT pg_temp.fingerprint('typed_status') = :'before' AS reattach_changed_nothing;
SELECT * FROM pg_temp.claim_indexes('typed_status');
SELECT idempotent_queue_attach('typed_status', status_column => 'vstate');
SELECT pg_temp.fingerprint('typed_status') AS before \gset
SELECT idempotent_queue_attach('typed_status');
SELECT pg_temp.fingerprint('typed_status') = :'before' AS reattach_changed_nothing;
SELECT * FROM pg_temp.claim_indexes('typed_status');
-- A name of the longest length, in characters of two bytes if the database's encoding has
-- them: the index names are cut on a character boundary and are not the table's name.
SELECT CASE WHEN getdatabaseencoding() = 'UTF8' THEN repeat(U&'\00e9', 31) || 'x'
            ELSE repeat('e', 63) END AS long_name \gset
CREATE TABLE :"long_name" (id int PRIMARY KEY);
SELECT idempotent_queue_attach(quote_ident(:'long_name'));
SELECT octet_length(relname) <= 63 AS fits, relname <> :'long_name' AS not_the_table,
       relname ~ '_idempotent_(pending|leases)$' AS suffix_kept
FROM pg_index JOIN pg_class ON pg_class.oid = indexrelid
WHERE indrelid = quote_ident(:'long_name')::regclass AND NOT indisprimary ORDER BY relname;
SELECT * FROM pg_temp.claim_indexes(quote_ident(:'long_name'));

-- Existing queue columns must be NOT NULL where the queue's are (55000), naming the table and
-- column, with the statement that fixes it.
CREATE TABLE nullable_attempts (id int PRIMARY KEY, attempts integer, claim_token bigint);
SELECT pg_temp.refused('nullable_attempts', $$SELECT idempotent_queue_attach('nullable_attempts')$$);
ALTER TABLE nullable_attempts ALTER COLUMN attempts SET NOT NULL;
SELECT pg_temp.refused('nullable_attempts', $$SELECT idempotent_queue_attach('nullable_attempts')$$);
CREATE TABLE nullable_enqueued (id int PRIMARY KEY, enqueued_at timestamptz DEFAULT now());
SELECT pg_temp.refused('nullable_enqueued', $$SELECT idempotent_queue_attach('nullable_enqueued')$$);
CREATE TABLE nullable_status (id int PRIMARY KEY, state text DEFAULT 'pending');
SELECT pg_temp.refused('nullable_status',
                       $$SELECT idempotent_queue_attach('nullable_status', status_column => 'state')$$);
-- A wrong type is still 42804.
CREATE TABLE wrong_token (id int PRIMARY KEY, claim_token integer);
SELECT pg_temp.refused('wrong_token', $$SELECT idempotent_queue_attach('wrong_token')$$);
-- With the columns NOT NULL (and defaults), the table is a working queue.
ALTER TABLE nullable_attempts ALTER COLUMN attempts SET DEFAULT 0,
                              ALTER COLUMN claim_token SET DEFAULT 0,
                              ALTER COLUMN claim_token SET NOT NULL;
SELECT idempotent_queue_attach('nullable_attempts');
INSERT INTO nullable_attempts (id) VALUES (1);
SELECT id, attempts, claim_token FROM idempotent_claim(NULL::nullable_attempts);

-- A required column dropped after attaching: the queue's functions say to attach again, and
-- attaching again adds it back with its index, keeping the settings.
CREATE TABLE lost_column (id int PRIMARY KEY);
SELECT idempotent_queue_attach('lost_column', max_attempts => 3, priority_column => 'id');
INSERT INTO lost_column (id) VALUES (1), (2);
ALTER TABLE lost_column DROP COLUMN lease_expires_at;
SELECT pg_temp.try($$SELECT * FROM idempotent_claim(NULL::lost_column)$$);
SELECT * FROM idempotent_queue_settings('lost_column');
SELECT idempotent_queue_attach('lost_column');
SELECT * FROM idempotent_queue_settings('lost_column');
SELECT * FROM pg_temp.claim_indexes('lost_column');
SELECT id, attempts, claim_token, lease_expires_at > now() AS leased
FROM idempotent_claim(NULL::lost_column);
SELECT idempotent_complete('lost_column', 1, 1);
-- The same for a renamed claim_token and a dropped status column (with its label trigger). The
-- columns added again start from their defaults: every row is pending, with token 0.
ALTER TABLE lost_column RENAME COLUMN claim_token TO old_token;
ALTER TABLE lost_column DROP COLUMN status CASCADE;
SELECT pg_temp.try($$SELECT * FROM idempotent_claim(NULL::lost_column)$$);
SELECT idempotent_queue_attach('lost_column');
SELECT tgname FROM pg_trigger WHERE tgrelid = 'lost_column'::regclass ORDER BY tgname;
SELECT * FROM pg_temp.claim_indexes('lost_column');
SELECT id, status, claim_token FROM idempotent_claim(NULL::lost_column, 5) ORDER BY id;
SELECT idempotent_complete('lost_column', 2, 1);
SELECT pg_temp.refused('lost_column', $$UPDATE lost_column SET status = 'bogus'$$);

-- Retry backoffs are at most 100 years (22023), so that now() plus the backoff is a timestamp
-- and the backoff in microseconds an int64.
CREATE TABLE backoff_jobs (id int PRIMARY KEY);
SELECT pg_temp.refused('backoff_jobs', $$SELECT idempotent_queue_attach('backoff_jobs',
    retry_backoff => '300000 years', retry_backoff_max => '300000 years')$$);
SELECT pg_temp.refused('backoff_jobs', $$SELECT idempotent_queue_attach('backoff_jobs',
    retry_backoff_max => '100 years 1 day')$$);
SELECT idempotent_queue_attach('backoff_jobs', retry_backoff => '100 years',
                               retry_backoff_max => '100 years');
SELECT retry_backoff, retry_backoff_max FROM idempotent_queue_settings('backoff_jobs');
SELECT pg_temp.refused('backoff_jobs', $$SELECT idempotent_queue_attach('backoff_jobs',
    retry_backoff_max => '1200 months 1 second')$$);
-- Compared as stored, in seconds with a year of 365.25 days: a backoff of 1 year is longer
-- than a maximum of 365 days and an hour.
SELECT pg_temp.refused('backoff_jobs', $$SELECT idempotent_queue_attach('backoff_jobs',
    retry_backoff => '1 year', retry_backoff_max => '365 days 1 hour')$$);
INSERT INTO backoff_jobs (id) VALUES (1);
SELECT claim_token FROM idempotent_claim(NULL::backoff_jobs);
SELECT idempotent_fail('backoff_jobs', 1, 1, 'later');
SELECT status, run_after > now() + interval '99 years' AS far_ahead FROM backoff_jobs;

-- A dropped claim index comes back with attaching again.
CREATE TABLE indexed_jobs (id bigint PRIMARY KEY);
SELECT idempotent_queue_attach('indexed_jobs');
SELECT pg_temp.claim_indexes('indexed_jobs');
DROP INDEX indexed_jobs_idempotent_pending;
SELECT pg_temp.claim_indexes('indexed_jobs');
SELECT idempotent_queue_attach('indexed_jobs');
SELECT pg_temp.claim_indexes('indexed_jobs');

RESET search_path;
DROP SCHEMA queue_attach_test CASCADE;

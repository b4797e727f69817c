-- Queues over the user's own tables: attach, claim, complete, fail, extend, requeue, stats and
-- the guard trigger. Every refused call names its SQLSTATE and leaves the table unchanged.
\set VERBOSITY default
\set SHOW_CONTEXT never
SET client_min_messages = warning;
-- Runs in a schema of its own, dropped at the end, so that tests do not share objects.
CREATE SCHEMA queue_test;
SET search_path = queue_test, public;

-- The outcome of a statement: 'ok' or its SQLSTATE and message.
CREATE FUNCTION pg_temp.try(statement text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE statement;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- A digest of a table's rows and of its definition (columns, indexes, triggers), so that a
-- refused call can be shown to have changed nothing.
CREATE FUNCTION pg_temp.fingerprint(queue regclass) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    rows text;
BEGIN
    EXECUTE format('SELECT md5(coalesce(string_agg(t::text, '','' ORDER BY t::text), '''')) FROM %s t',
                   queue) INTO rows;
    RETURN md5(rows
        || (SELECT string_agg(attname || ':' || atttypid::regtype, ',' ORDER BY attnum)
            FROM pg_attribute WHERE attrelid = queue AND attnum > 0 AND NOT attisdropped)
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

-- Attach adds the columns, indexes and trigger.
CREATE TABLE jobs (id bigint PRIMARY KEY, payload text NOT NULL);
INSERT INTO jobs SELECT g, 'job ' || g FROM generate_series(1, 6) g;
SELECT idempotent_queue_attach('jobs');
SELECT attname, format_type(atttypid, atttypmod), attnotnull, pg_get_expr(adbin, adrelid) AS default
FROM pg_attribute LEFT JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum
WHERE attrelid = 'jobs'::regclass AND attnum > 0 ORDER BY attnum;
SELECT indexrelid::regclass, pg_get_indexdef(indexrelid) FROM pg_index
WHERE indrelid = 'jobs'::regclass ORDER BY 1::text;
SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'jobs'::regclass ORDER BY tgname;
SELECT * FROM idempotent_queue_settings('jobs');

-- Attaching again without options changes nothing; with options, only those.
SELECT pg_temp.fingerprint('jobs') AS before \gset
SELECT idempotent_queue_attach('jobs');
SELECT pg_temp.fingerprint('jobs') = :'before' AS reattach_changed_nothing;
SELECT idempotent_queue_attach('jobs', max_attempts => 2, retry_backoff => '0 seconds');
SELECT * FROM idempotent_queue_settings('jobs');

-- Claims return the table's own rows, moved to processing with a new token each.
SELECT id, payload, status, attempts, claim_token, claimed_by,
       lease_expires_at > now() + interval '59 seconds' AS leased
FROM idempotent_claim(NULL::jobs, batch_size => 2, lease => '1 minute', worker => 'w1')
ORDER BY id;
SELECT id, status, attempts, claim_token, claimed_by FROM idempotent_claim(NULL::jobs);

-- complete: true once; the same token again is a repeat (23505), or false with repeat_ok.
SELECT idempotent_complete('jobs', 1, 1);
SELECT pg_temp.refused('jobs', $$SELECT idempotent_complete('jobs', 1, 1)$$);
SELECT idempotent_complete('jobs', 1, 1, repeat_ok => true);
-- Keys may be given as untyped literals or integers.
SELECT idempotent_complete('jobs', '2', 1);
SELECT idempotent_complete('jobs', 3::int, 1);

-- Stale tokens (55000): never issued, older than the row's, or for a row not being processed.
SELECT id, claim_token FROM idempotent_claim(NULL::jobs, 1);
SELECT pg_temp.refused('jobs', $$SELECT idempotent_complete('jobs', 4, 0)$$);
SELECT pg_temp.refused('jobs', $$SELECT idempotent_complete('jobs', 4, 2)$$);
SELECT pg_temp.refused('jobs', $$SELECT idempotent_complete('jobs', 5, 1)$$);
SELECT pg_temp.refused('jobs', $$SELECT idempotent_extend('jobs', 5, 1, '1 minute')$$);
SELECT pg_temp.refused('jobs', $$SELECT idempotent_fail('jobs', 5, 1)$$);
SELECT pg_temp.refused('jobs', $$SELECT idempotent_fail('jobs', 1, 1)$$);
-- No such row (P0002), NULL arguments (22004), keys of the wrong type (22P02).
SELECT pg_temp.refused('jobs', $$SELECT idempotent_complete('jobs', 99, 1)$$);
SELECT pg_temp.refused('jobs', $$SELECT idempotent_complete('jobs', 4, NULL)$$);
SELECT pg_temp.refused('jobs', $$SELECT idempotent_complete('jobs', NULL::bigint, 1)$$);
SELECT pg_temp.refused('jobs', $$SELECT idempotent_complete('jobs', 'four', 1)$$);

-- extend moves the lease; fail with attempts left goes back to pending with the error kept.
SELECT idempotent_extend('jobs', 4, 1, '1 hour') > now() + interval '59 minutes' AS extended;
SELECT idempotent_fail('jobs', 4, 1, 'disk full');
SELECT status, attempts, claim_token, last_error, run_after IS NOT NULL AS has_run_after
FROM jobs WHERE id = 4;
SELECT pg_temp.refused('jobs', $$SELECT idempotent_fail('jobs', 4, 1, 'disk full')$$);
SELECT idempotent_fail('jobs', 4, 1, 'disk full', repeat_ok => true);
-- A backend resumes above the last key it claimed for up to a second (docs/queue.md, "Claim
-- order"): row 4, released below that point, comes after row 5 ...
SELECT id FROM idempotent_claim(NULL::jobs);
SELECT idempotent_fail('jobs', 5, 1);
-- ... and once the second has passed, claims start from the lowest key again.
SELECT pg_sleep(1.1);
-- A second claim and failure uses up max_attempts (2): the row is failed.
SELECT id, attempts, claim_token FROM idempotent_claim(NULL::jobs) WHERE id = 4;
SELECT idempotent_fail('jobs', 4, 2, 'disk still full');
-- requeue: failed -> pending with a fresh budget; again is a no-op; processing or done: 55000.
SELECT pg_temp.refused('jobs', $$SELECT idempotent_requeue('jobs', 1)$$);
SELECT idempotent_requeue('jobs', 4), idempotent_requeue('jobs', 4);
SELECT status, attempts, claim_token, last_error FROM jobs WHERE id = 4;

-- An expired lease: the row is claimed again with a larger token, the old token is stale.
SELECT pg_sleep(1.1);
SELECT id, claim_token FROM idempotent_claim(NULL::jobs, 1, lease => '1 millisecond');
SELECT pg_sleep(0.01);
SELECT id, attempts, claim_token FROM idempotent_claim(NULL::jobs, 1);
SELECT pg_temp.refused('jobs', $$SELECT idempotent_complete('jobs', 4, 3)$$);
SELECT idempotent_complete('jobs', 4, 4);
-- An expired lease with no attempts left goes to failed instead of being claimed.
SELECT id, attempts FROM idempotent_claim(NULL::jobs, 1, lease => '1 millisecond');
SELECT id, attempts FROM idempotent_claim(NULL::jobs, 1, lease => '1 millisecond');
SELECT pg_sleep(0.01);
SELECT id, attempts FROM idempotent_claim(NULL::jobs, 5, lease => '1 millisecond');
SELECT pg_sleep(0.01);
SELECT id, attempts FROM idempotent_claim(NULL::jobs, 5);
SELECT id, status, attempts, last_error FROM jobs WHERE id IN (5, 6) ORDER BY id;

-- A claim that found no expired lease lets the backend's next claims skip looking for 100 ms
-- (docs/queue.md, "Noticing an expired lease"); a rollback ends that, since what it undid (here
-- a completion) may have hidden an expired lease from the look.
CREATE TABLE probe_jobs (id int PRIMARY KEY);
SELECT idempotent_queue_attach('probe_jobs');
INSERT INTO probe_jobs VALUES (1), (2);
SELECT id FROM idempotent_claim(NULL::probe_jobs, 1, lease => '1 millisecond');
SELECT pg_sleep(0.01);
BEGIN;
SELECT idempotent_complete('probe_jobs', 1, 1);
SELECT id FROM idempotent_claim(NULL::probe_jobs, 1);
ROLLBACK;
SELECT id, attempts FROM idempotent_claim(NULL::probe_jobs, 1);
DROP TABLE probe_jobs;

-- The guard trigger refuses illegal transitions of plain UPDATEs too (23514), naming the key
-- and both statuses; a status to itself and deletes are fine.
SELECT pg_temp.refused('jobs', $$UPDATE jobs SET status = 'pending' WHERE id = 1$$);
SELECT pg_temp.refused('jobs', $$UPDATE jobs SET status = 'processing' WHERE id = 1$$);
SELECT pg_temp.refused('jobs', $$UPDATE jobs SET status = 'failed' WHERE id = 1$$);
SELECT pg_temp.refused('jobs', $$UPDATE jobs SET status = 'done' WHERE id = 5$$);
SELECT pg_temp.refused('jobs', $$UPDATE jobs SET status = 'processing' WHERE id = 5$$);
SELECT pg_temp.refused('jobs', $$UPDATE jobs SET claim_token = claim_token - 1 WHERE id = 1$$);
SELECT pg_temp.refused('jobs', $$UPDATE jobs SET status = 'bogus' WHERE id = 1$$);
SELECT pg_temp.try($$UPDATE jobs SET status = status, payload = payload || '!' WHERE id = 1$$);
SELECT pg_temp.try($$UPDATE jobs SET status = 'pending' WHERE id = 5$$);
SELECT pg_temp.refused('jobs', $$UPDATE jobs SET status = 'failed' WHERE id = 5$$);
INSERT INTO jobs (id, payload, status) VALUES (7, 'inserted done', 'done');
DELETE FROM jobs WHERE id = 7;
-- The status column attach added holds only the four labels: an inserted row with another
-- status is refused (23514) by the label trigger, in a COPY too.
SELECT pg_temp.refused('jobs', $$INSERT INTO jobs (id, payload, status) VALUES (7, 'x', 'bogus')$$);
SELECT pg_temp.refused('jobs', $$INSERT INTO jobs (id, payload, status)
                                 VALUES (7, 'x', 'pending'), (8, 'y', 'Done')$$);
SELECT pg_temp.refused('jobs', $$COPY jobs (id, payload, status) FROM PROGRAM 'printf "7\tx\tbogus\n"'$$);
SELECT pg_temp.refused('jobs', $$UPDATE jobs SET status = NULL WHERE id = 1$$);
SELECT pg_temp.refused('jobs', $$SELECT idempotent_status_guard()$$);

-- A table attached by an earlier build kept the labels with a CHECK constraint, which every
-- UPDATE reads and plans again; attaching it again replaces the CHECK with the label trigger
-- and keeps the settings.
CREATE TABLE legacy (id int PRIMARY KEY);
SELECT idempotent_queue_attach('legacy', max_attempts => 3);
DROP TRIGGER idempotent_status_label ON legacy;
ALTER TABLE legacy ADD CHECK (status IN ('pending', 'processing', 'done', 'failed'));
INSERT INTO legacy VALUES (1);
SELECT conname FROM pg_constraint WHERE conrelid = 'legacy'::regclass AND contype = 'c';
SELECT idempotent_queue_attach('legacy');
SELECT conname FROM pg_constraint WHERE conrelid = 'legacy'::regclass AND contype = 'c';
SELECT tgname FROM pg_trigger WHERE tgrelid = 'legacy'::regclass ORDER BY tgname;
SELECT max_attempts FROM idempotent_queue_settings('legacy');
SELECT pg_temp.refused('legacy', $$INSERT INTO legacy VALUES (2, 'bogus')$$);
SELECT id, claim_token FROM idempotent_claim(NULL::legacy);
SELECT idempotent_complete('legacy', 1, 1);
-- A status column the table already had keeps its values as they are: no label trigger.
CREATE TABLE own_status (id int PRIMARY KEY, status text NOT NULL DEFAULT 'pending');
SELECT idempotent_queue_attach('own_status');
SELECT tgname FROM pg_trigger WHERE tgrelid = 'own_status'::regclass ORDER BY tgname;
DROP TABLE legacy, own_status;

-- Claim order is priority, then key; rows whose run_after is ahead wait.
CREATE TABLE prioritised (name text PRIMARY KEY, prio int NOT NULL);
INSERT INTO prioritised VALUES ('a', 3), ('b', 1), ('c', 2), ('d', 1);
SELECT idempotent_queue_attach('prioritised', priority_column => 'prio');
UPDATE prioritised SET run_after = now() + interval '1 hour' WHERE name = 'd';
SELECT name, prio FROM idempotent_claim(NULL::prioritised, 10) ORDER BY prio, name;
SELECT name FROM idempotent_claim(NULL::prioritised, 10);
SELECT idempotent_complete('prioritised', 'b', 1);

-- An existing status column of type enum (or text/varchar) serves, under any name.
CREATE TYPE job_state AS ENUM ('pending', 'processing', 'done', 'failed');
CREATE TABLE enum_jobs (id uuid PRIMARY KEY, state job_state NOT NULL DEFAULT 'pending');
INSERT INTO enum_jobs (id) VALUES ('00000000-0000-0000-0000-000000000001');
SELECT idempotent_queue_attach('enum_jobs', status_column => 'state');
SELECT id, state, claim_token FROM idempotent_claim(NULL::enum_jobs);
SELECT idempotent_fail('enum_jobs', '00000000-0000-0000-0000-000000000001', 1, 'x');
SELECT state FROM enum_jobs;
UPDATE enum_jobs SET run_after = NULL;
SELECT claim_token FROM idempotent_claim(NULL::enum_jobs);
SELECT idempotent_complete('enum_jobs', '00000000-0000-0000-0000-000000000001', 2);
SELECT pg_temp.refused('enum_jobs', $$UPDATE enum_jobs SET state = 'pending'$$);

-- Stats: rows per status, oldest pending age, expired leases, dead tuples.
SELECT pending, processing, done, failed, oldest_pending_age IS NOT NULL AS has_oldest,
       expired_leases, dead_tuples >= 0 AS has_dead_tuples
FROM idempotent_queue_stats('jobs');

-- Unsupported tables and bad options are refused (leaving the table unchanged).
CREATE TABLE no_key (id int);
CREATE TABLE two_keys (a int, b int, PRIMARY KEY (a, b));
CREATE TABLE bad_status (id int PRIMARY KEY, status int);
CREATE TYPE other_state AS ENUM ('new', 'old');
CREATE TABLE bad_enum (id int PRIMARY KEY, status other_state);
CREATE TABLE bad_attempts (id int PRIMARY KEY, attempts text);
CREATE VIEW jobs_view AS SELECT * FROM jobs;
SELECT pg_temp.refused('no_key', $$SELECT idempotent_queue_attach('no_key')$$);
SELECT pg_temp.refused('two_keys', $$SELECT idempotent_queue_attach('two_keys')$$);
SELECT pg_temp.refused('bad_status', $$SELECT idempotent_queue_attach('bad_status')$$);
SELECT pg_temp.refused('bad_enum', $$SELECT idempotent_queue_attach('bad_enum')$$);
SELECT pg_temp.refused('bad_attempts', $$SELECT idempotent_queue_attach('bad_attempts')$$);
SELECT pg_temp.try($$SELECT idempotent_queue_attach('jobs_view')$$);
SELECT pg_temp.refused('jobs', $$SELECT idempotent_queue_attach('jobs', max_attempts => 0)$$);
SELECT pg_temp.refused('jobs', $$SELECT idempotent_queue_attach('jobs', retry_backoff => '-1 s')$$);
SELECT pg_temp.refused('jobs', $$SELECT idempotent_queue_attach('jobs', priority_column => 'nope')$$);
-- Claiming a table that is not attached, or with bad arguments.
SELECT pg_temp.refused('no_key', $$SELECT * FROM idempotent_claim(NULL::no_key)$$);
SELECT pg_temp.try($$SELECT * FROM idempotent_claim(1)$$);
SELECT pg_temp.refused('jobs', $$SELECT * FROM idempotent_claim(NULL::jobs, 0)$$);
SELECT pg_temp.refused('jobs', $$SELECT * FROM idempotent_claim(NULL::jobs, 1, '0 seconds')$$);
SELECT pg_temp.refused('jobs', $$SELECT idempotent_extend('jobs', 1, 1, '-1 minute')$$);

-- A claim plan follows the table's changes: a new column appears in the rows claimed.
INSERT INTO jobs (id, payload) VALUES (8, 'after alter');
ALTER TABLE jobs ADD COLUMN note text DEFAULT 'new column';
SELECT id, note, status FROM idempotent_claim(NULL::jobs, 1);
-- ... and a dropped one disappears from them.
ALTER TABLE jobs DROP COLUMN note;
INSERT INTO jobs (id, payload) VALUES (10, 'after drop');
SELECT * FROM idempotent_claim(NULL::jobs, 1) WHERE false;
SELECT id, payload, status, claim_token FROM idempotent_claim(NULL::jobs, 1);

-- notify => true adds the trigger that NOTIFYs on the table's name after inserts
-- (test/isolation/specs/queue-notify.spec listens); notify => false removes it.
SELECT idempotent_queue_attach('jobs', notify => true);
SELECT tgname FROM pg_trigger WHERE tgrelid = 'jobs'::regclass ORDER BY tgname;
SELECT idempotent_queue_attach('jobs', notify => false);
SELECT tgname FROM pg_trigger WHERE tgrelid = 'jobs'::regclass ORDER BY tgname;

-- Functions run with the caller's rights: a role without UPDATE on the table cannot claim.
CREATE ROLE queue_reader;
GRANT SELECT ON jobs TO queue_reader;
SET ROLE queue_reader;
SELECT pg_temp.try($$SELECT * FROM idempotent_claim(NULL::jobs)$$);
RESET ROLE;
DROP OWNED BY queue_reader;
DROP ROLE queue_reader;
RESET search_path;
DROP SCHEMA queue_test CASCADE;

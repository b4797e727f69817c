-- The run log is written with the extension owner's rights, so nothing of the caller's may run
-- with them: here a cast to json that the caller defined on their own enum (to_jsonb calls
-- such casts when it turns the window's bounds into text) must run as the caller.
\set VERBOSITY default
SET client_min_messages = warning;
CREATE ROLE regress_window_caster;
CREATE SCHEMA window_security AUTHORIZATION regress_window_caster;
SET ROLE regress_window_caster;
SET search_path = window_security, public;

CREATE TYPE level AS ENUM ('low', 'mid', 'high');
CREATE TABLE leveled (lvl level NOT NULL, n int NOT NULL);
CREATE TABLE cast_calls (called_as name NOT NULL);
CREATE FUNCTION level_json(value level) RETURNS json LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO window_security.cast_calls VALUES (current_user);
    RETURN to_json(value::text);
END $$;
CREATE CAST (level AS json) WITH FUNCTION level_json(level);

CALL idempotent_replace_window('leveled', 'lvl', 'low', 'high',
    $$SELECT 'low'::level AS lvl, 1 AS n UNION ALL SELECT 'mid', 2$$);
SELECT lvl, n FROM leveled ORDER BY lvl;
-- The cast ran, and only as the caller.
SELECT called_as, count(*) > 0 AS called FROM cast_calls GROUP BY called_as;
SELECT window_start, window_end, inserted, run_by FROM idempotent_window_run
WHERE target = 'leveled'::regclass;

RESET ROLE;
RESET search_path;
DROP SCHEMA window_security CASCADE;
DROP ROLE regress_window_caster;

-- Idempotent consumers (docs/queue.md): a message key is processed once per scope. Keys are
-- recorded in the caller's transaction, so a rollback forgets them.

CREATE TABLE idempotent_once_keys (
    scope text NOT NULL,
    message_key text NOT NULL,
    seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, message_key)
);
COMMENT ON TABLE idempotent_once_keys IS
    'Message keys seen by idempotent_once(), per scope';
SELECT pg_catalog.pg_extension_config_dump('idempotent_once_keys', '');

-- Every role may use every scope by default. An administrator narrows that with RESTRICTIVE
-- policies per role and scope, or by revoking these privileges from PUBLIC (README, "once").
ALTER TABLE idempotent_once_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY idempotent_once_every_scope ON idempotent_once_keys
    USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, DELETE ON idempotent_once_keys TO PUBLIC;

CREATE FUNCTION idempotent_once(scope text, message_key text) RETURNS boolean
    LANGUAGE sql VOLATILE
AS $$
    WITH first_time AS (
        INSERT INTO @extschema@.idempotent_once_keys AS k (scope, message_key)
        VALUES ($1, $2)
        ON CONFLICT (scope, message_key) DO NOTHING
        RETURNING 1)
    SELECT pg_catalog.count(*) OPERATOR(pg_catalog.=) 1 FROM first_time
$$;
COMMENT ON FUNCTION idempotent_once(text, text) IS
    'True the first time message_key is seen in scope, false ever after';

CREATE FUNCTION idempotent_forget(scope text, older_than interval) RETURNS bigint
    LANGUAGE sql VOLATILE
AS $$
    WITH forgotten AS (
        DELETE FROM @extschema@.idempotent_once_keys AS k
        WHERE ($1 IS NULL OR k.scope OPERATOR(pg_catalog.=) $1)
          AND k.seen_at OPERATOR(pg_catalog.<) (pg_catalog.now() OPERATOR(pg_catalog.-) $2)
        RETURNING 1)
    SELECT pg_catalog.count(*) FROM forgotten
$$;
COMMENT ON FUNCTION idempotent_forget(text, interval) IS
    'Removes the keys of scope (every scope for NULL) first seen longer ago than older_than';

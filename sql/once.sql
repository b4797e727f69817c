-- Idempotent consumers: idempotent_once() is true the first time a key is seen in a scope,
-- and a rollback forgets the key again.
\set VERBOSITY default
\set SHOW_CONTEXT never

SELECT idempotent_once('orders', 'msg-1') AS first, idempotent_once('orders', 'msg-1') AS again;
SELECT idempotent_once('invoices', 'msg-1') AS other_scope;

-- Recorded in the caller's transaction.
BEGIN;
SELECT idempotent_once('orders', 'msg-2');
ROLLBACK;
SELECT idempotent_once('orders', 'msg-2') AS after_rollback;

-- NULLs are refused (23502) rather than treated as "seen".
\set VERBOSITY terse
SELECT idempotent_once(NULL, 'k');
SELECT idempotent_once('orders', NULL);
\set VERBOSITY default

-- forget removes keys older than an age, in one scope or (NULL) all.
SELECT idempotent_forget('orders', '1 hour') AS none_old_enough;
UPDATE idempotent_once_keys SET seen_at = now() - interval '2 days' WHERE message_key = 'msg-1';
SELECT idempotent_forget('orders', '1 day') AS forgotten;
SELECT idempotent_once('orders', 'msg-1') AS seen_anew;
SELECT idempotent_forget(NULL, '-1 hour') AS forgotten_everywhere;
SELECT count(*) FROM idempotent_once_keys;

-- The keys table is dumped with the data (pg_extension_config_dump).
SELECT 'idempotent_once_keys'::regclass = ANY (extconfig::regclass[]) AS keys_are_dumped
FROM pg_extension WHERE extname = 'idempotent';

-- Scopes: by default every role may use every scope; a RESTRICTIVE policy narrows a role to
-- its own scopes.
SELECT idempotent_once('billing', 'invoice-1') AS billing_key;
CREATE ROLE once_etl;
CREATE POLICY once_etl_scopes ON idempotent_once_keys AS RESTRICTIVE TO once_etl
    USING (scope LIKE 'etl/%') WITH CHECK (scope LIKE 'etl/%');
SET ROLE once_etl;
SELECT idempotent_once('etl/loads', 'file-1') AS own_scope;
SELECT idempotent_once('billing', 'file-1') AS other_scope;
SELECT scope, message_key FROM idempotent_once_keys ORDER BY scope;
SELECT idempotent_forget(NULL, '-1 hour') AS forgotten_by_etl;
RESET ROLE;
SELECT scope, message_key FROM idempotent_once_keys ORDER BY scope;
DROP POLICY once_etl_scopes ON idempotent_once_keys;
DROP OWNED BY once_etl;
DROP ROLE once_etl;

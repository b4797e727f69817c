-- Queues over the user's own tables (docs/queue.md). attach adds the columns, indexes and the
-- guard trigger; claim/complete/fail/extend/requeue are C functions with per-table prepared
-- plans. A queue's settings are the arguments of its guard trigger: they travel with the table
-- through pg_dump/pg_restore, and only the table's owner can change them.

CREATE FUNCTION idempotent_status_guard() RETURNS trigger
    AS 'MODULE_PATHNAME', 'idempotent_status_guard'
    LANGUAGE C;
COMMENT ON FUNCTION idempotent_status_guard() IS
    'Queue guard trigger: refuses illegal status transitions, decreasing claim tokens and '
    'inserted rows whose status is not one of the four labels';

CREATE FUNCTION idempotent_queue_notify() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_catalog.pg_notify(TG_TABLE_NAME, '');
    RETURN NULL;
END $$;
COMMENT ON FUNCTION idempotent_queue_notify() IS
    'Queue trigger of notify => true: a NOTIFY on the table''s name after rows are inserted';

CREATE FUNCTION idempotent_queue_settings(queue regclass,
                                          OUT status_column name,
                                          OUT priority_column name,
                                          OUT max_attempts integer,
                                          OUT retry_backoff interval,
                                          OUT retry_backoff_max interval,
                                          OUT notify boolean)
    AS 'MODULE_PATHNAME', 'idempotent_queue_settings'
    LANGUAGE C STABLE;
COMMENT ON FUNCTION idempotent_queue_settings(regclass) IS
    'The settings of an attached queue';

CREATE FUNCTION idempotent_queue_attach(queue regclass,
                                        status_column name DEFAULT NULL,
                                        max_attempts integer DEFAULT NULL,
                                        retry_backoff interval DEFAULT NULL,
                                        retry_backoff_max interval DEFAULT NULL,
                                        priority_column name DEFAULT NULL,
                                        notify boolean DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    kind "char";
    schema_name name;
    table_name name;
    key_columns name[];
    attached boolean;
    -- The settings in force: the current ones (or the defaults), then the options given.
    old_status name := 'status';
    old_priority name;
    old_max_attempts integer := 5;
    old_backoff interval := '10 seconds';
    old_backoff_max interval := '1 hour';
    old_notify boolean := false;
    new_status name;
    new_priority name;
    new_max_attempts integer;
    new_backoff interval;
    new_backoff_max interval;
    new_notify boolean;
    status_type oid;
    wanted record;
    existing_type oid;
    additions text[] := '{}';
    pending_index name;
    lease_index name;
    arguments text;
    -- The status column attach created is kept to the four labels: on insert by the label
    -- trigger (updates are the guard's), or, on tables attached by an earlier build, by a CHECK
    -- constraint, which re-attaching replaces with the trigger.
    label_exists boolean := false;
    old_check name;
    label_wanted boolean;
    rebuild boolean;
BEGIN
    IF queue IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22004', MESSAGE = 'queue must not be NULL';
    END IF;
    SELECT c.relkind, n.nspname, c.relname INTO kind, schema_name, table_name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.oid = queue;
    IF kind IS DISTINCT FROM 'r' THEN
        RAISE EXCEPTION USING ERRCODE = '0A000',
            MESSAGE = format('%s cannot be a queue: it is not an ordinary table', queue),
            HINT = 'Views, partitioned and foreign tables are not supported.';
    END IF;
    SELECT array_agg(a.attname ORDER BY k.position) INTO key_columns
    FROM pg_index i
    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE i.indrelid = queue AND i.indisprimary;
    IF coalesce(cardinality(key_columns), 0) <> 1 THEN
        RAISE EXCEPTION USING ERRCODE = '0A000',
            MESSAGE = format('queue %s needs a single-column primary key, not %s', queue,
                             coalesce('(' || array_to_string(key_columns, ', ') || ')', 'none')),
            HINT = 'Add a surrogate key, for example with idempotent_id64() of the natural key.';
    END IF;

    attached := EXISTS (SELECT FROM pg_trigger
                        WHERE tgrelid = queue AND tgname = 'idempotent_status_guard');
    IF attached THEN
        SELECT s.status_column, s.priority_column, s.max_attempts, s.retry_backoff,
               s.retry_backoff_max, s.notify
        INTO old_status, old_priority, old_max_attempts, old_backoff, old_backoff_max, old_notify
        FROM @extschema@.idempotent_queue_settings(queue) s;
        label_exists := EXISTS (SELECT FROM pg_trigger
                                WHERE tgrelid = queue AND tgname = 'idempotent_status_label');
        SELECT c.conname INTO old_check
        FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid
        WHERE c.conrelid = queue AND c.contype = 'c' AND a.attname = old_status
          AND c.conkey = ARRAY[a.attnum]
          AND pg_get_constraintdef(c.oid) = format(
              'CHECK ((%I = ANY (ARRAY[''pending''::text, ''processing''::text, ''done''::text, '
              '''failed''::text])))', old_status);
    END IF;
    new_status := coalesce(status_column, old_status);
    new_priority := coalesce(priority_column, old_priority);
    new_max_attempts := coalesce(max_attempts, old_max_attempts);
    new_backoff := coalesce(retry_backoff, old_backoff);
    new_backoff_max := coalesce(retry_backoff_max, old_backoff_max);
    new_notify := coalesce(notify, old_notify);
    IF new_max_attempts < 1 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('max_attempts must be at least 1, not %s', new_max_attempts);
    END IF;
    IF new_backoff < interval '0' OR new_backoff_max < new_backoff THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('retry_backoff (%s) must be non-negative and at most '
                             'retry_backoff_max (%s)', new_backoff, new_backoff_max);
    END IF;
    IF new_priority IS NOT NULL AND NOT EXISTS (
            SELECT FROM pg_attribute
            WHERE attrelid = queue AND attname = new_priority AND attnum > 0
              AND NOT attisdropped) THEN
        RAISE EXCEPTION USING ERRCODE = '42703',
            MESSAGE = format('priority column "%s" of %s does not exist', new_priority, queue);
    END IF;

    -- The status column: ours, or an existing text, varchar or enum column with the four labels.
    SELECT atttypid INTO status_type FROM pg_attribute
    WHERE attrelid = queue AND attname = new_status AND attnum > 0 AND NOT attisdropped;
    label_wanted := status_type IS NULL
                    OR (new_status = old_status AND (label_exists OR old_check IS NOT NULL));
    IF status_type IS NULL THEN
        additions := additions ||
            format('ADD COLUMN %I text NOT NULL DEFAULT ''pending''', new_status);
    ELSIF status_type NOT IN ('text'::regtype, 'varchar'::regtype)
          AND (SELECT count(*) FROM pg_enum WHERE enumtypid = status_type
               AND enumlabel IN ('pending', 'processing', 'done', 'failed')) <> 4 THEN
        RAISE EXCEPTION USING ERRCODE = '42804',
            MESSAGE = format('status column "%s" of %s has type %s', new_status, queue,
                             status_type::regtype),
            HINT = 'Use text, varchar or an enum with the labels pending, processing, done '
                   'and failed.';
    END IF;
    FOR wanted IN
        SELECT * FROM (VALUES
            ('attempts', 'integer'::regtype, 'NOT NULL DEFAULT 0'),
            ('claim_token', 'bigint'::regtype, 'NOT NULL DEFAULT 0'),
            ('lease_expires_at', 'timestamptz'::regtype, ''),
            ('claimed_by', 'text'::regtype, ''),
            ('last_error', 'text'::regtype, ''),
            ('run_after', 'timestamptz'::regtype, ''),
            ('enqueued_at', 'timestamptz'::regtype, 'NOT NULL DEFAULT now()')
        ) AS c(name, type, constraints)
    LOOP
        SELECT atttypid INTO existing_type FROM pg_attribute
        WHERE attrelid = queue AND attname = wanted.name AND attnum > 0 AND NOT attisdropped;
        IF existing_type IS NULL THEN
            additions := additions ||
                format('ADD COLUMN %I %s %s', wanted.name, wanted.type, wanted.constraints);
        ELSIF existing_type <> wanted.type THEN
            RAISE EXCEPTION USING ERRCODE = '42804',
                MESSAGE = format('column "%s" of %s has type %s; a queue needs %s', wanted.name,
                                 queue, existing_type::regtype, wanted.type);
        END IF;
    END LOOP;
    -- A CHECK constraint is read and planned again by every UPDATE of the table, the queue's
    -- own one-row updates included, which cost more than the rest of the checks together.
    IF old_check IS NOT NULL AND new_status = old_status THEN
        additions := additions || format('DROP CONSTRAINT %I', old_check);
    END IF;
    IF cardinality(additions) > 0 THEN
        EXECUTE format('ALTER TABLE %I.%I %s', schema_name, table_name,
                       array_to_string(additions, ', '));
    END IF;

    -- The claim's indexes: pending rows in claim order, processing rows by lease end. Neither
    -- holds done or failed rows, so claims do not slow down as those pile up.
    pending_index := left(table_name, 40) || '_idempotent_pending';
    lease_index := left(table_name, 40) || '_idempotent_leases';
    IF attached AND (new_status <> old_status OR new_priority IS DISTINCT FROM old_priority) THEN
        EXECUTE format('DROP INDEX IF EXISTS %I.%I', schema_name, pending_index);
    END IF;
    IF attached AND new_status <> old_status THEN
        EXECUTE format('DROP INDEX IF EXISTS %I.%I', schema_name, lease_index);
    END IF;
    IF to_regclass(format('%I.%I', schema_name, pending_index)) IS NULL THEN
        EXECUTE format('CREATE INDEX %I ON %I.%I (%s) WHERE %I = ''pending''',
                       pending_index, schema_name, table_name,
                       concat_ws(', ', quote_ident(new_priority), quote_ident(key_columns[1])),
                       new_status);
    END IF;
    IF to_regclass(format('%I.%I', schema_name, lease_index)) IS NULL THEN
        EXECUTE format('CREATE INDEX %I ON %I.%I (lease_expires_at) WHERE %I = ''processing''',
                       lease_index, schema_name, table_name, new_status);
    END IF;

    -- An earlier build's guard had a WHEN clause, which every UPDATE read and planned again:
    -- the migration from the CHECK replaces it too.
    rebuild := NOT attached OR new_status <> old_status
       OR new_priority IS DISTINCT FROM old_priority OR new_max_attempts <> old_max_attempts
       OR new_backoff <> old_backoff OR new_backoff_max <> old_backoff_max
       OR new_notify <> old_notify OR label_wanted <> label_exists;
    IF rebuild THEN
        SELECT string_agg(quote_literal(a), ', ') INTO arguments
        FROM unnest(ARRAY[
            'status_column=' || new_status,
            'priority_column=' || coalesce(new_priority, ''),
            'max_attempts=' || new_max_attempts,
            'retry_backoff_seconds=' || extract(epoch FROM new_backoff),
            'retry_backoff_max_seconds=' || extract(epoch FROM new_backoff_max),
            'notify=' || new_notify]) AS a;
        IF attached THEN
            EXECUTE format('DROP TRIGGER idempotent_status_guard ON %I.%I',
                           schema_name, table_name);
        END IF;
        EXECUTE format('CREATE TRIGGER idempotent_status_guard BEFORE UPDATE ON %I.%I '
                       'FOR EACH ROW EXECUTE FUNCTION @extschema@.idempotent_status_guard(%s)',
                       schema_name, table_name, arguments);
        IF label_exists THEN
            EXECUTE format('DROP TRIGGER idempotent_status_label ON %I.%I',
                           schema_name, table_name);
        END IF;
        -- AFTER, with the test in WHEN: a row with a valid label queues no trigger event, and
        -- COPY keeps inserting in batches, which a BEFORE row trigger would prevent.
        IF label_wanted THEN
            EXECUTE format('CREATE TRIGGER idempotent_status_label AFTER INSERT ON %I.%I '
                           'FOR EACH ROW WHEN (NEW.%I IS NULL OR NEW.%I NOT IN (''pending'', '
                           '''processing'', ''done'', ''failed'')) '
                           'EXECUTE FUNCTION @extschema@.idempotent_status_guard(%L)',
                           schema_name, table_name, new_status, new_status,
                           'status_column=' || new_status);
        END IF;
        IF old_notify THEN
            EXECUTE format('DROP TRIGGER idempotent_notify ON %I.%I', schema_name, table_name);
        END IF;
        IF new_notify THEN
            EXECUTE format('CREATE TRIGGER idempotent_notify AFTER INSERT ON %I.%I '
                           'FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.idempotent_queue_notify()',
                           schema_name, table_name);
        END IF;
    END IF;
END $$;
COMMENT ON FUNCTION idempotent_queue_attach(regclass, name, integer, interval, interval, name,
                                            boolean) IS
    'Makes a table claimable: adds the queue columns, the claim indexes and the guard trigger';

CREATE FUNCTION idempotent_claim(queue anyelement,
                                 batch_size integer DEFAULT 1,
                                 lease interval DEFAULT '5 minutes',
                                 worker text DEFAULT NULL)
    RETURNS SETOF anyelement
    AS 'MODULE_PATHNAME', 'idempotent_claim'
    LANGUAGE C VOLATILE ROWS 10;
COMMENT ON FUNCTION idempotent_claim(anyelement, integer, interval, text) IS
    'Claims up to batch_size rows of the queue whose row type queue is (NULL::jobs)';

CREATE FUNCTION idempotent_complete(queue regclass, id "any", token bigint,
                                    repeat_ok boolean DEFAULT false)
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'idempotent_complete'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION idempotent_complete(regclass, "any", bigint, boolean) IS
    'processing -> done for the claim holding token';

CREATE FUNCTION idempotent_fail(queue regclass, id "any", token bigint,
                                error text DEFAULT NULL, repeat_ok boolean DEFAULT false)
    RETURNS text
    AS 'MODULE_PATHNAME', 'idempotent_fail'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION idempotent_fail(regclass, "any", bigint, text, boolean) IS
    'processing -> pending after a backoff, or failed once attempts are used up';

CREATE FUNCTION idempotent_extend(queue regclass, id "any", token bigint, lease interval)
    RETURNS timestamptz
    AS 'MODULE_PATHNAME', 'idempotent_extend'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION idempotent_extend(regclass, "any", bigint, interval) IS
    'Extends the lease of a claimed row to now + lease';

CREATE FUNCTION idempotent_requeue(queue regclass, id "any")
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'idempotent_requeue'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION idempotent_requeue(regclass, "any") IS
    'failed -> pending with a fresh budget of attempts';

CREATE FUNCTION idempotent_queue_stats(queue regclass,
                                       OUT pending bigint,
                                       OUT processing bigint,
                                       OUT done bigint,
                                       OUT failed bigint,
                                       OUT oldest_pending_age interval,
                                       OUT expired_leases bigint,
                                       OUT dead_tuples bigint)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    status name := (SELECT s.status_column FROM @extschema@.idempotent_queue_settings(queue) s);
BEGIN
    EXECUTE format(
        'SELECT count(*) FILTER (WHERE %1$I = ''pending''), '
        'count(*) FILTER (WHERE %1$I = ''processing''), '
        'count(*) FILTER (WHERE %1$I = ''done''), '
        'count(*) FILTER (WHERE %1$I = ''failed''), '
        'now() - min(enqueued_at) FILTER (WHERE %1$I = ''pending''), '
        'count(*) FILTER (WHERE %1$I = ''processing'' AND lease_expires_at < now()) '
        'FROM %2$s', status, queue)
    INTO pending, processing, done, failed, oldest_pending_age, expired_leases;
    dead_tuples := pg_stat_get_dead_tuples(queue);
END $$;
COMMENT ON FUNCTION idempotent_queue_stats(regclass) IS
    'Rows per status, the oldest pending row''s age, expired leases and dead tuples';

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
    old_status_type oid;
    wanted record;
    existing_type oid;
    existing_not_null boolean;
    additions text[] := '{}';
    -- The claim indexes, each found by its definition: key columns and predicate.
    claim_index record;
    existing_index record;
    index_found boolean;
    index_name text;
    name_suffix text;
    name_prefix text;
    name_number integer;
    -- The longest retry backoff, in seconds as extract(epoch) counts them (a year is 365.25
    -- days): now() plus it stays a timestamp, and it fits an int64 of microseconds many times.
    longest_backoff constant numeric := extract(epoch FROM interval '100 years');
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
    -- Compared in the seconds they are stored as (the guard's arguments), so that the settings
    -- read back by attaching again pass the same checks.
    IF extract(epoch FROM new_backoff) > longest_backoff THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('retry_backoff must be at most 100 years, not %s', new_backoff),
            HINT = 'A queue that should not retry a row for so long can fail it for good: '
                   'max_attempts => 1.';
    END IF;
    IF extract(epoch FROM new_backoff_max) > longest_backoff THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('retry_backoff_max must be at most 100 years, not %s',
                             new_backoff_max),
            HINT = 'A queue that should not retry a row for so long can fail it for good: '
                   'max_attempts => 1.';
    END IF;
    IF extract(epoch FROM new_backoff) < 0
       OR extract(epoch FROM new_backoff_max) < extract(epoch FROM new_backoff) THEN
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

    -- The status column: ours, or an existing text, varchar or enum column with the four labels,
    -- NOT NULL like ours.
    SELECT atttypid, attnotnull INTO status_type, existing_not_null FROM pg_attribute
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
    ELSIF NOT existing_not_null THEN
        RAISE EXCEPTION USING ERRCODE = '55000',
            MESSAGE = format('status column "%s" of %s allows NULL; a queue needs it NOT NULL',
                             new_status, queue),
            HINT = format('Give the rows whose status is NULL one of the labels, then run ALTER '
                          'TABLE %s ALTER COLUMN %I SET NOT NULL.', queue, new_status);
    END IF;
    FOR wanted IN
        SELECT * FROM (VALUES
            ('attempts', 'integer'::regtype, true, 'DEFAULT 0'),
            ('claim_token', 'bigint'::regtype, true, 'DEFAULT 0'),
            ('lease_expires_at', 'timestamptz'::regtype, false, ''),
            ('claimed_by', 'text'::regtype, false, ''),
            ('last_error', 'text'::regtype, false, ''),
            ('run_after', 'timestamptz'::regtype, false, ''),
            ('enqueued_at', 'timestamptz'::regtype, true, 'DEFAULT now()')
        ) AS c(name, type, not_null, default_value)
    LOOP
        SELECT atttypid, attnotnull INTO existing_type, existing_not_null FROM pg_attribute
        WHERE attrelid = queue AND attname = wanted.name AND attnum > 0 AND NOT attisdropped;
        IF existing_type IS NULL THEN
            additions := additions ||
                format('ADD COLUMN %I %s %s %s', wanted.name, wanted.type,
                       CASE WHEN wanted.not_null THEN 'NOT NULL' ELSE '' END,
                       wanted.default_value);
        ELSIF existing_type <> wanted.type THEN
            RAISE EXCEPTION USING ERRCODE = '42804',
                MESSAGE = format('column "%s" of %s has type %s; a queue needs %s', wanted.name,
                                 queue, existing_type::regtype, wanted.type);
        ELSIF wanted.not_null AND NOT existing_not_null THEN
            -- A NULL token or count of attempts would never match a claim's.
            RAISE EXCEPTION USING ERRCODE = '55000',
                MESSAGE = format('column "%s" of %s allows NULL; a queue needs it NOT NULL',
                                 wanted.name, queue),
                HINT = format('Give the rows where it is NULL a value (%s), then run ALTER TABLE '
                              '%s ALTER COLUMN %I SET NOT NULL.',
                              regexp_replace(wanted.default_value, '^DEFAULT ', ''), queue,
                              wanted.name);
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
    -- holds done or failed rows, so claims do not slow down as those pile up. They are found by
    -- their definition, whatever their names: a plain btree index of the queue on exactly these
    -- columns (default operator classes, collations and order) whose predicate is status = the
    -- label, which is also how the claim finds the lease index (queue_table.cpp). A valid one
    -- serves; one that a change of the status or priority column made useless is dropped,
    -- unless it is unique or a constraint's.
    SELECT atttypid INTO status_type FROM pg_attribute
    WHERE attrelid = queue AND attname = new_status AND attnum > 0 AND NOT attisdropped;
    SELECT atttypid INTO old_status_type FROM pg_attribute
    WHERE attrelid = queue AND attname = old_status AND attnum > 0 AND NOT attisdropped;
    FOR claim_index IN
        SELECT c.suffix, c.label,
               array_remove(c.columns, NULL) AS columns,
               ARRAY[format('(%I = %L::%s)', new_status, c.label, format_type(status_type, NULL)),
                     format('((%I)::text = %L::text)', new_status, c.label)] AS predicates,
               array_remove(c.old_columns, NULL) AS old_columns,
               ARRAY[format('(%I = %L::%s)', old_status, c.label,
                            format_type(old_status_type, NULL)),
                     format('((%I)::text = %L::text)', old_status, c.label)] AS old_predicates
        FROM (VALUES
            ('_idempotent_pending', 'pending', ARRAY[new_priority, key_columns[1]],
             ARRAY[old_priority, key_columns[1]]),
            ('_idempotent_leases', 'processing', ARRAY['lease_expires_at'::name],
             ARRAY['lease_expires_at'::name])
        ) AS c(suffix, label, columns, old_columns)
    LOOP
        index_found := false;
        FOR existing_index IN
            SELECT ic.relname AS name, i.indisvalid AS valid,
                   NOT i.indisunique AND NOT EXISTS (SELECT FROM pg_constraint
                                                     WHERE conindid = i.indexrelid) AS droppable,
                   ARRAY(SELECT a.attname
                         FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
                         JOIN pg_attribute a ON a.attrelid = queue AND a.attnum = k.attnum
                         ORDER BY k.position) AS columns,
                   pg_get_expr(i.indpred, i.indrelid) AS predicate
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
            WHERE i.indrelid = queue AND i.indpred IS NOT NULL AND i.indexprs IS NULL
              AND i.indnatts = i.indnkeyatts
              AND ic.relam = (SELECT oid FROM pg_am WHERE amname = 'btree')
              AND NOT EXISTS (
                  SELECT FROM unnest(i.indkey::int2[], i.indclass::oid[], i.indcollation::oid[],
                                     i.indoption::int2[]) AS k(attnum, opclass, collation_oid, options)
                  JOIN pg_attribute a ON a.attrelid = queue AND a.attnum = k.attnum
                  JOIN pg_opclass o ON o.oid = k.opclass
                  WHERE NOT o.opcdefault OR k.collation_oid <> a.attcollation OR k.options <> 0)
            ORDER BY ic.relname
        LOOP
            IF existing_index.columns = claim_index.columns
               AND existing_index.predicate = ANY (claim_index.predicates) THEN
                index_found := index_found OR existing_index.valid;
            ELSIF attached AND existing_index.droppable
                  AND existing_index.columns = claim_index.old_columns
                  AND existing_index.predicate = ANY (claim_index.old_predicates) THEN
                EXECUTE format('DROP INDEX %I.%I', schema_name, existing_index.name);
            END IF;
        END LOOP;
        IF NOT index_found THEN
            -- <table>_idempotent_pending (or _leases), the table's name cut to 40 characters
            -- and then, on a character boundary, to fit; if a relation of the schema has that
            -- name, the first free one of <table>_idempotent_pending1, 2, ...
            name_number := 0;
            LOOP
                name_suffix := claim_index.suffix || coalesce(nullif(name_number, 0)::text, '');
                name_prefix := left(table_name, 40);
                WHILE octet_length(name_prefix || name_suffix)
                      > current_setting('max_identifier_length')::integer LOOP
                    name_prefix := left(name_prefix, -1);
                END LOOP;
                index_name := name_prefix || name_suffix;
                EXIT WHEN NOT EXISTS (
                    SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = schema_name AND c.relname = index_name);
                name_number := name_number + 1;
            END LOOP;
            EXECUTE format('CREATE INDEX %I ON %I.%I (%s) WHERE %I = %L',
                           index_name, schema_name, table_name,
                           (SELECT string_agg(quote_ident(c.name), ', ' ORDER BY c.position)
                            FROM unnest(claim_index.columns) WITH ORDINALITY AS c(name, position)),
                           new_status, claim_index.label);
        END IF;
    END LOOP;

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
        'FROM ONLY %2$s', status, queue)
    INTO pending, processing, done, failed, oldest_pending_age, expired_leases;
    dead_tuples := pg_stat_get_dead_tuples(queue);
END $$;
COMMENT ON FUNCTION idempotent_queue_stats(regclass) IS
    'Rows per status, the oldest pending row''s age, expired leases and dead tuples';

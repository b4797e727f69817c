#include "core/queue_settings.hpp"
#include "core/queue_sql.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "pg/error_bridge.hpp"
#include "pg/queue_table.hpp"

extern "C" {
#include "access/genam.h"
#include "access/relation.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/transam.h"
#include "access/xact.h"
#include "catalog/pg_am.h"
#include "catalog/pg_index.h"
#include "executor/tuptable.h"
#include "nodes/nodeFuncs.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/datetime.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/timestamp.h"
}

namespace idempotent::pg
{
namespace
{

HTAB *queue_tables = nullptr;

void forget_queue_table(Datum, Oid relid)
{
    HASH_SEQ_STATUS scan;
    hash_seq_init(&scan, queue_tables);
    while (auto *entry = static_cast<QueueTable *>(hash_seq_search(&scan)))
        if (relid == InvalidOid || entry->relid == relid)
            entry->valid = false;
}

// A rolled-back transaction or subtransaction may have hidden an expired lease from a probe
// (say, by completing the row late): every queue probes again.
void forget_lease_probes()
{
    HASH_SEQ_STATUS scan;
    hash_seq_init(&scan, queue_tables);
    while (auto *entry = static_cast<QueueTable *>(hash_seq_search(&scan)))
        entry->no_expiry_before = DT_NOBEGIN;
}

// Entries name their table by schema and table name: renaming a schema changes no relation, so
// only this tells the entries of the tables in it that their statements name the old schema.
void forget_all_queue_tables(Datum, int, uint32)
{
    forget_queue_table(Datum(0), InvalidOid);
}

void on_transaction_end(XactEvent event, void *)
{
    if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
        forget_lease_probes();
}

void on_subtransaction_end(SubXactEvent event, SubTransactionId, SubTransactionId, void *)
{
    if (event == SUBXACT_EVENT_ABORT_SUB)
        forget_lease_probes();
}

void create_cache()
{
    HASHCTL control = {};
    control.keysize = sizeof(Oid);
    control.entrysize = sizeof(QueueTable);
    control.hcxt = CacheMemoryContext;
    queue_tables =
        hash_create("idempotent queue tables", 16, &control, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    CacheRegisterRelcacheCallback(forget_queue_table, 0);
    CacheRegisterSyscacheCallback(NAMESPACEOID, forget_all_queue_tables, 0);
    RegisterXactCallback(on_transaction_end, nullptr);
    RegisterSubXactCallback(on_subtransaction_end, nullptr);
}

// Frees what a stale entry holds. Its plans were kept, so they are freed one by one.
void release(QueueTable *entry)
{
    for (SPIPlanPtr &plan : entry->plans) {
        if (plan != nullptr)
            SPI_freeplan(plan);
        plan = nullptr;
    }
    if (entry->context != nullptr)
        MemoryContextDelete(entry->context);
    entry->context = nullptr;
}

char *copy_string(MemoryContext context, const std::string &text)
{
    return call_pg([&] { return MemoryContextStrdup(context, text.c_str()); });
}

// Parses the guard trigger's arguments into the entry. Owns C++ objects: backend code only
// through call_pg (inside copy_string).
void read_settings(const Trigger *trigger, QueueTable *entry)
{
    const std::vector<std::string_view> arguments(trigger->tgargs,
                                                  trigger->tgargs + trigger->tgnargs);
    const queue::Settings settings = queue::parse_settings(arguments);
    entry->status_column = copy_string(entry->context, settings.status_column);
    entry->priority_column = copy_string(entry->context, settings.priority_column);
    entry->max_attempts = settings.max_attempts;
    entry->retry_backoff_seconds = settings.retry_backoff_seconds;
    entry->retry_backoff_max_seconds = settings.retry_backoff_max_seconds;
    entry->notify = settings.notify;
}

AttrNumber column_number(Relation relation, const char *name)
{
    const TupleDesc descriptor = RelationGetDescr(relation);
    for (int i = 0; i < descriptor->natts; ++i) {
        const Form_pg_attribute attribute = TupleDescAttr(descriptor, i);
        if (!attribute->attisdropped && strcmp(NameStr(attribute->attname), name) == 0)
            return attribute->attnum;
    }
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                    errmsg("column \"%s\" of queue %s does not exist", name,
                           RelationGetRelationName(relation)),
                    errhint("Attach the table again with idempotent_queue_attach().")));
    pg_unreachable();
}

// Whether index is the lease index: a valid btree index on lease_expires_at alone whose
// predicate is status = 'processing', by the status type's own equality.
bool is_lease_index(Relation index, AttrNumber lease, AttrNumber status)
{
    const Form_pg_index form = index->rd_index;
    if (index->rd_rel->relam != BTREE_AM_OID || !form->indisvalid || form->indnatts != 1 ||
        form->indkey.values[0] != lease)
        return false;
    List *predicate = RelationGetIndexPredicate(index);
    if (list_length(predicate) != 1 || !IsA(linitial(predicate), OpExpr))
        return false;
    const OpExpr *equals = linitial_node(OpExpr, predicate);
    if (list_length(equals->args) != 2)
        return false;
    Node *column = static_cast<Node *>(linitial(equals->args));
    const Node *value = static_cast<const Node *>(lsecond(equals->args));
    const Oid column_type = exprType(column);
    while (IsA(column, RelabelType))
        column = reinterpret_cast<Node *>(castNode(RelabelType, column)->arg);
    if (!IsA(column, Var) || castNode(Var, column)->varattno != status || !IsA(value, Const) ||
        castNode(Const, value)->constisnull ||
        lookup_type_cache(column_type, TYPECACHE_EQ_OPR)->eq_opr != equals->opno)
        return false;
    const Const *label = castNode(Const, value);
    Oid output = InvalidOid;
    bool is_varlena = false;
    getTypeOutputInfo(label->consttype, &output, &is_varlena);
    return strcmp(OidOutputFunctionCall(output, label->constvalue), "processing") == 0;
}

// "q", or "q_", "q__"... : the first that is no column's name (unused_name). Owns C++
// objects: backend code only through call_pg (inside copy_string).
char *row_alias(Relation relation, MemoryContext context)
{
    const TupleDesc descriptor = RelationGetDescr(relation);
    std::vector<std::string> columns;
    for (int i = 0; i < descriptor->natts; ++i)
        if (!TupleDescAttr(descriptor, i)->attisdropped)
            columns.emplace_back(NameStr(TupleDescAttr(descriptor, i)->attname));
    return copy_string(context, unused_name("q", columns));
}

Oid find_lease_index(Relation relation, AttrNumber lease, AttrNumber status)
{
    ListCell *cell = nullptr;
    foreach (cell, RelationGetIndexList(relation)) {
        Relation index = index_open(lfirst_oid(cell), AccessShareLock);
        const bool found = is_lease_index(index, lease, status);
        index_close(index, AccessShareLock);
        if (found)
            return lfirst_oid(cell);
    }
    return InvalidOid;
}

void build_entry(Relation relation, QueueTable *entry)
{
    const char *name = RelationGetRelationName(relation);
    const Trigger *trigger = queue_guard(relation);
    Bitmapset *primary_key = RelationGetIndexAttrBitmap(relation, INDEX_ATTR_BITMAP_PRIMARY_KEY);
    if (bms_num_members(primary_key) != 1)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("queue \"%s\" needs a single-column primary key", name)));
    const AttrNumber key_number =
        bms_next_member(primary_key, -1) + FirstLowInvalidHeapAttributeNumber;

    entry->context =
        AllocSetContextCreate(CacheMemoryContext, "idempotent queue table", ALLOCSET_SMALL_SIZES);
    read_settings(trigger, entry);
    const char *schema = get_namespace_name(RelationGetNamespace(relation));
    entry->schema = MemoryContextStrdup(entry->context, schema);
    entry->table = MemoryContextStrdup(entry->context, name);
    entry->qualified_name =
        MemoryContextStrdup(entry->context, quote_qualified_identifier(schema, name));
    const Form_pg_attribute key = TupleDescAttr(RelationGetDescr(relation), key_number - 1);
    entry->key_column = MemoryContextStrdup(entry->context, NameStr(key->attname));
    entry->row_alias = row_alias(relation, entry->context);
    entry->row_type = relation->rd_rel->reltype;
    entry->key_type = key->atttypid;
    entry->key_collation = key->attcollation;
    entry->key_number = key_number;
    entry->key_length = key->attlen;
    entry->key_by_value = key->attbyval;
    const AttrNumber status_number = column_number(relation, entry->status_column);
    entry->status_type = TupleDescAttr(RelationGetDescr(relation), status_number - 1)->atttypid;
    entry->lease_number = column_number(relation, "lease_expires_at");
    entry->lease_index = find_lease_index(relation, entry->lease_number, status_number);
    entry->no_expiry_before = DT_NOBEGIN;
    entry->resume_allowed =
        entry->priority_column[0] == '\0' && entry->key_type < FirstNormalObjectId;
    entry->has_resume_key = false;
    entry->claimed_context =
        AllocSetContextCreate(entry->context, "idempotent claimed rows", ALLOCSET_SMALL_SIZES);
    entry->claimed = nullptr;
    entry->claimed_count = 0;
    entry->token_number = column_number(relation, "claim_token");
    entry->valid = true;
}

// The SQL of one statement and its parameter types. Owns C++ objects: backend code only
// through call_pg.
SPIPlanPtr prepare(const QueueTable *queue, QueuePlan which)
{
    const queue::TableShape shape{queue->schema,        queue->table,           queue->key_column,
                                  queue->status_column, queue->priority_column, queue->row_alias};
    std::string sql;
    std::vector<Oid> types;
    switch (which) {
    case QueuePlan::claim:
        sql = queue::claim_sql(shape);
        types = {TIMESTAMPTZOID, INT4OID, INTERVALOID, INT4OID, TEXTOID};
        break;
    case QueuePlan::claim_after_key:
        sql = queue::claim_sql(shape, true);
        types = {TIMESTAMPTZOID, INT4OID, INTERVALOID, INT4OID, TEXTOID, queue->key_type};
        break;
    case QueuePlan::claim_pending:
        sql = queue::claim_sql(shape, false, queue::ClaimRows::pending_only);
        types = {TIMESTAMPTZOID, INT4OID, INTERVALOID, INT4OID, TEXTOID};
        break;
    case QueuePlan::claim_pending_after_key:
        sql = queue::claim_sql(shape, true, queue::ClaimRows::pending_only);
        types = {TIMESTAMPTZOID, INT4OID, INTERVALOID, INT4OID, TEXTOID, queue->key_type};
        break;
    case QueuePlan::claim_one:
        sql = queue::claim_sql(shape, false, queue::ClaimRows::one_pending);
        types = {TIMESTAMPTZOID, INT4OID, INTERVALOID, INT4OID, TEXTOID};
        break;
    case QueuePlan::claim_one_after_key:
        sql = queue::claim_sql(shape, true, queue::ClaimRows::one_pending);
        types = {TIMESTAMPTZOID, INT4OID, INTERVALOID, INT4OID, TEXTOID, queue->key_type};
        break;
    case QueuePlan::complete:
        sql = queue::complete_sql(shape);
        types = {queue->key_type, INT8OID};
        break;
    case QueuePlan::complete_at_row_id:
        sql = queue::complete_sql(shape, true);
        types = {queue->key_type, INT8OID, TIDOID};
        break;
    case QueuePlan::extend:
        sql = queue::extend_sql(shape);
        types = {queue->key_type, INT8OID, TIMESTAMPTZOID};
        break;
    case QueuePlan::read_row:
        sql = queue::read_row_sql(shape);
        types = {queue->key_type};
        break;
    case QueuePlan::fail:
        sql = queue::fail_sql(shape);
        types = {queue->key_type, queue->status_type, TIMESTAMPTZOID, TEXTOID};
        break;
    case QueuePlan::requeue:
        sql = queue::requeue_sql(shape);
        types = {queue->key_type, queue->status_type};
        break;
    case QueuePlan::count:
        break;
    }
    return call_pg([&] {
        // One generic plan: each statement is a handful of index probes whose best plan does
        // not depend on the values, so planning them again for every call would be waste.
        SPIPlanPtr plan = SPI_prepare_cursor(sql.c_str(), static_cast<int>(types.size()),
                                             types.data(), CURSOR_OPT_GENERIC_PLAN);
        if (plan == nullptr)
            elog(ERROR, "could not prepare \"%s\": %s", sql.c_str(),
                 SPI_result_code_string(SPI_result));
        if (SPI_keepplan(plan) != 0)
            elog(ERROR, "could not keep the plan of \"%s\"", sql.c_str());
        return plan;
    });
}

} // namespace

Relation open_queue_relation(Oid relid)
{
    Relation relation = try_relation_open(relid, AccessShareLock);
    if (relation == nullptr)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                        errmsg("queue with OID %u does not exist", relid)));
    if (relation->rd_rel->relkind != RELKIND_RELATION)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("\"%s\" is not a table that can be a queue",
                               RelationGetRelationName(relation))));
    return relation;
}

const Trigger *queue_guard(Relation relation)
{
    const TriggerDesc *triggers = relation->trigdesc;
    for (int i = 0; triggers != nullptr && i < triggers->numtriggers; ++i)
        if (strcmp(triggers->triggers[i].tgname, guard_trigger_name) == 0)
            return &triggers->triggers[i];
    const char *name = RelationGetRelationName(relation);
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("table \"%s\" is not attached as a queue", name),
                    errhint("Call idempotent_queue_attach('%s') first.", name)));
    pg_unreachable();
}

QueueTable *open_queue(Oid relid)
{
    if (queue_tables == nullptr)
        create_cache();
    // Opening the table processes pending invalidations, which may mark the entry stale.
    Relation relation = open_queue_relation(relid);
    bool found = false;
    auto *entry = static_cast<QueueTable *>(hash_search(queue_tables, &relid, HASH_ENTER, &found));
    if (!found) {
        entry->context = nullptr;
        for (SPIPlanPtr &plan : entry->plans)
            plan = nullptr;
        entry->valid = false;
    }
    if (!entry->valid) {
        release(entry);
        build_entry(relation, entry);
    }
    relation_close(relation, NoLock);
    return entry;
}

bool lease_expired(QueueTable *queue, TimestampTz now)
{
    if (now < queue->no_expiry_before)
        return false;
    Relation index = OidIsValid(queue->lease_index)
                         ? try_relation_open(queue->lease_index, AccessShareLock)
                         : nullptr;
    if (index == nullptr)
        return true;
    // What SPI does before each statement of a function that may write.
    CommandCounterIncrement();
    PushActiveSnapshot(GetTransactionSnapshot());
    Relation table = table_open(queue->relid, NoLock); // open_queue locked it
    // The scan reaches past now by the probe interval, so that a lease ending soon after now
    // bounds how long later claims may skip the probe.
    const TimestampTz horizon = now + lease_probe_interval;
    ScanKeyData before_horizon;
    ScanKeyInit(&before_horizon, 1, BTLessStrategyNumber, F_TIMESTAMPTZ_LT,
                TimestampTzGetDatum(horizon));
    IndexScanDesc scan = index_beginscan(table, index, GetActiveSnapshot(), 1, 0);
    index_rescan(scan, &before_horizon, 1, nullptr, 0);
    TupleTableSlot *row = table_slot_create(table, nullptr);
    // Every visible version the index leads to is processing with that lease end: an update
    // of either column is never a HOT update, so it gets an entry of its own. The first one is
    // the earliest lease end.
    TimestampTz earliest = horizon;
    if (index_getnext_slot(scan, ForwardScanDirection, row)) {
        bool is_null = false;
        const Datum lease_end = slot_getattr(row, queue->lease_number, &is_null);
        earliest = is_null ? now : DatumGetTimestampTz(lease_end);
    }
    ExecDropSingleTupleTableSlot(row);
    index_endscan(scan);
    table_close(table, NoLock);
    relation_close(index, AccessShareLock);
    PopActiveSnapshot();
    if (earliest < now)
        return true;
    queue->no_expiry_before = earliest;
    return false;
}

void note_lease(QueueTable *queue, TimestampTz lease_end)
{
    if (lease_end < queue->no_expiry_before)
        queue->no_expiry_before = lease_end;
}

bool take_claimed_row(QueueTable *queue, Datum key, int64 token, ItemPointer row_id)
{
    for (int i = 0; i < queue->claimed_count; ++i) {
        ClaimedRow &row = queue->claimed[i];
        // The same bytes: a key equal by its type but stored otherwise finds no hint.
        if (row.token != token ||
            !datum_image_eq(row.key, key, queue->key_by_value, queue->key_length))
            continue;
        *row_id = row.row_id;
        row = queue->claimed[--queue->claimed_count];
        return true;
    }
    return false;
}

SPIPlanPtr queue_plan(QueueTable *queue, QueuePlan which)
{
    SPIPlanPtr &plan = queue->plans[static_cast<int>(which)];
    if (plan == nullptr)
        plan = prepare(queue, which);
    return plan;
}

Datum key_argument(FunctionCallInfo fcinfo, int argno, const QueueTable *queue)
{
    require_argument(fcinfo, argno, "id");
    const Oid type = get_fn_expr_argtype(fcinfo->flinfo, argno);
    const Datum value = PG_GETARG_DATUM(argno);
    if (type == queue->key_type)
        return value;
    const char *text = nullptr;
    if (type == UNKNOWNOID) {
        text = DatumGetCString(value);
    } else {
        Oid output = InvalidOid;
        bool is_varlena = false;
        getTypeOutputInfo(type, &output, &is_varlena);
        text = OidOutputFunctionCall(output, value);
    }
    Oid input = InvalidOid;
    Oid io_parameter = InvalidOid;
    getTypeInputInfo(queue->key_type, &input, &io_parameter);
    return OidInputFunctionCall(input, const_cast<char *>(text), io_parameter, -1);
}

char *key_text(const QueueTable *queue, Datum key)
{
    Oid output = InvalidOid;
    bool is_varlena = false;
    getTypeOutputInfo(queue->key_type, &output, &is_varlena);
    return OidOutputFunctionCall(output, key);
}

Datum status_value(const QueueTable *queue, queue::Status status)
{
    Oid input = InvalidOid;
    Oid io_parameter = InvalidOid;
    getTypeInputInfo(queue->status_type, &input, &io_parameter);
    return OidInputFunctionCall(input, const_cast<char *>(queue::status_name(status)), io_parameter,
                                -1);
}

void require_argument(FunctionCallInfo fcinfo, int argno, const char *name)
{
    if (PG_ARGISNULL(argno))
        ereport(ERROR,
                (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not be NULL", name)));
}

int64 interval_microseconds(const Interval *interval)
{
    return interval->time + interval->day * USECS_PER_DAY +
           static_cast<int64>(interval->month) * DAYS_PER_MONTH * USECS_PER_DAY;
}

} // namespace idempotent::pg

// idempotent_claim(queue anyelement, batch_size, lease, worker): claims up to batch_size rows of
// the queue and returns them as the table's own row type. The statements (core/queue_sql.cpp)
// are prepared once per table; this function binds their values, first resuming above the last
// key this backend claimed when that hint is fresh (QueueTable::resume_key), and hands the rows
// back.
#include "core/queue_rules.hpp"

#include "pg/error_bridge.hpp"
#include "pg/queue_table.hpp"

extern "C" {
#include "storage/itemptr.h"
#include "utils/datum.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
}

using namespace idempotent::pg;

namespace
{

Oid queue_relation(FunctionCallInfo fcinfo)
{
    const Oid type = get_fn_expr_argtype(fcinfo->flinfo, 0);
    const Oid relid = type == InvalidOid ? InvalidOid : get_typ_typrelid(type);
    if (relid == InvalidOid)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("idempotent_claim expects a row of the queue table, not %s",
                               type == InvalidOid ? "an unknown type" : format_type_be(type)),
                        errhint("Pass a NULL of the table's row type: "
                                "idempotent_claim(NULL::jobs).")));
    return relid;
}

// The largest key among the rows a claim returned.
struct LargestKey {
    bool found;
    Datum key;
};

void note_key(const QueueTable *queue, Datum key, LargestKey *largest)
{
    if (largest->found) {
        TypeCacheEntry *type = lookup_type_cache(queue->key_type, TYPECACHE_CMP_PROC_FINFO);
        if (DatumGetInt32(FunctionCall2Coll(&type->cmp_proc_finfo, queue->key_collation, key,
                                            largest->key)) <= 0)
            return;
    }
    largest->found = true;
    largest->key = key;
}

// Starts the hints of a claim of up to batch_size rows (QueueTable::claimed).
void forget_claimed_rows(QueueTable *queue, int32 batch_size)
{
    MemoryContextReset(queue->claimed_context);
    queue->claimed_count = 0;
    queue->claimed = static_cast<ClaimedRow *>(MemoryContextAlloc(
        queue->claimed_context, sizeof(ClaimedRow) * Min(batch_size, max_claimed_rows)));
}

void note_claimed_row(QueueTable *queue, int32 batch_size, HeapTupleHeader row, Datum key,
                      Datum row_id)
{
    if (queue->claimed_count >= Min(batch_size, max_claimed_rows))
        return;
    bool is_null = false;
    const Datum token = GetAttributeByNum(row, queue->token_number, &is_null);
    ClaimedRow &claimed = queue->claimed[queue->claimed_count++];
    MemoryContext caller = MemoryContextSwitchTo(queue->claimed_context);
    claimed.key = datumCopy(key, queue->key_by_value, queue->key_length);
    MemoryContextSwitchTo(caller);
    claimed.token = DatumGetInt64(token);
    ItemPointerCopy(reinterpret_cast<ItemPointer>(DatumGetPointer(row_id)), &claimed.row_id);
}

// Runs one claim statement and appends the rows it claimed to rows. Returns how many.
uint64 claim_into(QueueTable *queue, QueuePlan which, Datum *values, const char *nulls,
                  int32 batch_size, Tuplestorestate *rows, LargestKey *largest)
{
    const int status = SPI_execute_plan(queue_plan(queue, which), values, nulls, false, 0);
    if (status != SPI_OK_UPDATE_RETURNING)
        elog(ERROR, "idempotent_claim: %s", SPI_result_code_string(status));
    // The rows are read as the table's row type below: anything else would be misread.
    if (SPI_gettypeid(SPI_tuptable->tupdesc, 1) != queue->row_type ||
        SPI_gettypeid(SPI_tuptable->tupdesc, 2) != TIDOID)
        elog(ERROR, "idempotent_claim: the claim of %s returned %s, not its rows",
             queue->qualified_name, format_type_be(SPI_gettypeid(SPI_tuptable->tupdesc, 1)));
    for (uint64 i = 0; i < SPI_processed; ++i) {
        bool is_null = false;
        const Datum row = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &is_null);
        HeapTupleHeader header = DatumGetHeapTupleHeader(row);
        HeapTupleData tuple;
        tuple.t_len = HeapTupleHeaderGetDatumLength(header);
        ItemPointerSetInvalid(&tuple.t_self);
        tuple.t_tableOid = InvalidOid;
        tuple.t_data = header;
        tuplestore_puttuple(rows, &tuple);
        const Datum key = GetAttributeByNum(header, queue->key_number, &is_null);
        note_claimed_row(queue, batch_size, header, key,
                         SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &is_null));
        if (queue->resume_allowed)
            note_key(queue, key, largest);
    }
    return SPI_processed;
}

// Keeps key, which lives in SPI memory, as the queue's resume key.
void remember_resume_key(QueueTable *queue, Datum key)
{
    if (queue->has_resume_key && !queue->key_by_value)
        pfree(DatumGetPointer(queue->resume_key));
    MemoryContext caller = MemoryContextSwitchTo(queue->context);
    queue->resume_key = datumCopy(key, queue->key_by_value, queue->key_length);
    MemoryContextSwitchTo(caller);
    queue->has_resume_key = true;
}

} // namespace

IDEMPOTENT_FUNCTION(idempotent_claim)
{
    auto *result_info = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    if (result_info == nullptr || !IsA(result_info, ReturnSetInfo) ||
        (result_info->allowedModes & SFRM_Materialize) == 0)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("idempotent_claim must be called where a set is accepted"),
                        errhint("SELECT * FROM idempotent_claim(NULL::jobs)")));
    const Oid relid = queue_relation(fcinfo);
    require_argument(fcinfo, 1, "batch_size");
    require_argument(fcinfo, 2, "lease");
    const int32 batch_size = PG_GETARG_INT32(1);
    if (batch_size < 1)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("batch_size must be at least 1, not %d", batch_size)));
    Interval *lease = PG_GETARG_INTERVAL_P(2);
    if (interval_microseconds(lease) <= 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("lease must be a positive interval")));

    TupleDesc row_descriptor = nullptr;
    if (get_call_result_type(fcinfo, nullptr, &row_descriptor) != TYPEFUNC_COMPOSITE)
        elog(ERROR, "idempotent_claim: the result type is not a row type");

    QueueTable *queue = open_queue(relid);
    SPI_connect();
    // The tuplestore and its descriptor must outlive SPI_finish: the query's memory holds them.
    MemoryContext caller = MemoryContextSwitchTo(result_info->econtext->ecxt_per_query_memory);
    Tuplestorestate *rows = tuplestore_begin_heap(true, false, work_mem);
    result_info->setDesc = CreateTupleDescCopy(row_descriptor);
    MemoryContextSwitchTo(caller);

    const TimestampTz now = GetCurrentTimestamp();
    Datum values[6] = {TimestampTzGetDatum(now),
                       Int32GetDatum(batch_size),
                       IntervalPGetDatum(lease),
                       Int32GetDatum(queue->max_attempts),
                       PG_ARGISNULL(3) ? Datum(0) : PG_GETARG_DATUM(3),
                       queue->resume_key};
    const char nulls[6] = {' ', ' ', ' ', ' ', PG_ARGISNULL(3) ? 'n' : ' ', ' '};
    LargestKey largest = {false, Datum(0)};
    uint64 claimed = 0;
    const bool resume =
        queue->resume_allowed && queue->has_resume_key && now - queue->resume_since < USECS_PER_SEC;
    const bool expired = lease_expired(queue, now);
    forget_claimed_rows(queue, batch_size);
    if (resume)
        claimed = claim_into(queue,
                             expired           ? QueuePlan::claim_after_key
                             : batch_size == 1 ? QueuePlan::claim_one_after_key
                                               : QueuePlan::claim_pending_after_key,
                             values, nulls, batch_size, rows, &largest);
    if (claimed < static_cast<uint64>(batch_size)) {
        const int32 remaining = batch_size - static_cast<int32>(claimed);
        values[1] = Int32GetDatum(remaining);
        claim_into(queue,
                   expired          ? QueuePlan::claim
                   : remaining == 1 ? QueuePlan::claim_one
                                    : QueuePlan::claim_pending,
                   values, nulls, batch_size, rows, &largest);
        queue->resume_since = now;
    }
    // Rows claimed with a lease shorter than the probe interval expire before a later claim of
    // this backend would probe again.
    note_lease(queue, DatumGetTimestampTz(DirectFunctionCall2(
                          timestamptz_pl_interval, TimestampTzGetDatum(now), values[2])));
    if (queue->resume_allowed && largest.found)
        remember_resume_key(queue, largest.key);
    SPI_finish();
    result_info->returnMode = SFRM_Materialize;
    result_info->setResult = rows;
    return Datum(0);
}

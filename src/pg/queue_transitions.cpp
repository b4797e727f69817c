// What a worker does with a claimed row: idempotent_complete, idempotent_fail and
// idempotent_extend, each checked against the claim's token, and idempotent_requeue for a
// failed row. The common case is one prepared UPDATE; only when it finds nothing to do is the
// row read, under a lock, to tell the caller exactly why (core/queue_rules.cpp decides).
#include "core/queue_rules.hpp"

#include "pg/error_bridge.hpp"
#include "pg/queue_table.hpp"

extern "C" {
#include "commands/async.h"
#include "utils/timestamp.h"
}

using namespace idempotent;
using namespace idempotent::pg;
using queue::Decision;
using queue::Status;
using queue::Verdict;

namespace
{

// The row with this key, read FOR UPDATE. Raises P0002 if there is none.
queue::RowState read_row(QueueTable *queue, Datum key)
{
    Datum values[1] = {key};
    const int status =
        SPI_execute_plan(queue_plan(queue, QueuePlan::read_row), values, nullptr, false, 1);
    if (status != SPI_OK_SELECT)
        elog(ERROR, "reading a queue row: %s", SPI_result_code_string(status));
    if (SPI_processed == 0)
        ereport(ERROR, (errcode(ERRCODE_NO_DATA_FOUND),
                        errmsg("queue %s has no row with %s = %s", queue->qualified_name,
                               queue->key_column, key_text(queue, key))));
    HeapTuple tuple = SPI_tuptable->vals[0];
    TupleDesc descriptor = SPI_tuptable->tupdesc;
    bool is_null = false;
    const char *status_text = SPI_getvalue(tuple, descriptor, 1);
    queue::RowState row;
    row.status = queue::parse_status(status_text != nullptr ? status_text : "");
    row.claim_token = DatumGetInt64(SPI_getbinval(tuple, descriptor, 2, &is_null));
    row.attempts = DatumGetInt32(SPI_getbinval(tuple, descriptor, 3, &is_null));
    return row;
}

// Raises the error a refused call gets: 55000 for a stale token (or a row in the wrong status
// for the call), 23505 for a repeat of a transition this claim already made.
[[noreturn]] void refuse(const QueueTable *queue, Datum key, const char *action, int64 token,
                         const queue::RowState &row, Verdict verdict)
{
    const char *key_value = key_text(queue, key);
    const char *status = queue::status_name(row.status);
    if (verdict == Verdict::repeat)
        ereport(ERROR, (errcode(ERRCODE_UNIQUE_VIOLATION),
                        errmsg("cannot %s row %s = %s of queue %s again: claim %lld already did "
                               "(the row is %s)",
                               action, queue->key_column, key_value, queue->qualified_name,
                               static_cast<long long>(token), status),
                        errhint("This is a retried transaction whose first attempt committed; roll "
                                "this one back.")));
    ereport(ERROR,
            (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
             errmsg("cannot %s row %s = %s of queue %s: claim token %lld is stale (the row is %s "
                    "with claim token %lld)",
                    action, queue->key_column, key_value, queue->qualified_name,
                    static_cast<long long>(token), status, static_cast<long long>(row.claim_token)),
             errhint("The lease expired and the row was claimed again, or the row is no longer "
                     "being processed; roll back this job's work.")));
    pg_unreachable();
}

[[noreturn]] void refuse_requeue(const QueueTable *queue, Datum key, const queue::RowState &row)
{
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("cannot requeue row %s = %s of queue %s: it is %s, not failed",
                           queue->key_column, key_text(queue, key), queue->qualified_name,
                           queue::status_name(row.status))));
}

int64 token_argument(FunctionCallInfo fcinfo, int argno)
{
    require_argument(fcinfo, argno, "token");
    return PG_GETARG_INT64(argno);
}

bool flag_argument(FunctionCallInfo fcinfo, int argno)
{
    return !PG_ARGISNULL(argno) && PG_GETARG_BOOL(argno);
}

// Runs a prepared UPDATE; returns the number of rows it changed.
uint64 run_update(QueueTable *queue, QueuePlan which, Datum *values, const char *nulls)
{
    const int status = SPI_execute_plan(queue_plan(queue, which), values, nulls, false, 0);
    if (status != SPI_OK_UPDATE)
        elog(ERROR, "updating queue %s: %s", queue->qualified_name, SPI_result_code_string(status));
    return SPI_processed;
}

// Runs the UPDATE of a call that needs the row held by token (complete, extend). If it changes
// nothing, the row is read under a lock: should the token hold it after all (the claim
// committed between the UPDATE's snapshot and the read), the UPDATE runs again on the locked
// row; otherwise *row tells the caller why it is refused.
bool update_if_held(QueueTable *queue, QueuePlan which, Datum *values, Datum key, int64 token,
                    queue::RowState *row)
{
    if (run_update(queue, which, values, nullptr) == 1)
        return true;
    *row = read_row(queue, key);
    return queue::held_by(*row, token) && run_update(queue, which, values, nullptr) == 1;
}

TimestampTz later_by(int64 microseconds)
{
    return GetCurrentTimestamp() + microseconds;
}

} // namespace

IDEMPOTENT_FUNCTION(idempotent_complete)
{
    require_argument(fcinfo, 0, "queue");
    QueueTable *queue = open_queue(PG_GETARG_OID(0));
    const Datum key = key_argument(fcinfo, 1, queue);
    const int64 token = token_argument(fcinfo, 2);
    SPI_connect();
    // Most completions follow a claim of the same backend: the row is fetched where the claim
    // left it. Should it have moved, the statement changes nothing and the key finds it.
    ItemPointerData row_id;
    if (take_claimed_row(queue, key, token, &row_id)) {
        Datum at_row_id[3] = {key, Int64GetDatum(token), PointerGetDatum(&row_id)};
        if (run_update(queue, QueuePlan::complete_at_row_id, at_row_id, nullptr) == 1) {
            SPI_finish();
            PG_RETURN_BOOL(true);
        }
    }
    Datum values[2] = {key, Int64GetDatum(token)};
    queue::RowState row;
    if (update_if_held(queue, QueuePlan::complete, values, key, token, &row)) {
        SPI_finish();
        PG_RETURN_BOOL(true);
    }
    const Decision decision = queue::decide_complete(row, token);
    if (decision.verdict == Verdict::repeat && flag_argument(fcinfo, 3)) {
        SPI_finish();
        PG_RETURN_BOOL(false);
    }
    refuse(queue, key, "complete", token, row, decision.verdict);
}

IDEMPOTENT_FUNCTION(idempotent_extend)
{
    require_argument(fcinfo, 0, "queue");
    require_argument(fcinfo, 3, "lease");
    QueueTable *queue = open_queue(PG_GETARG_OID(0));
    const Datum key = key_argument(fcinfo, 1, queue);
    const int64 token = token_argument(fcinfo, 2);
    const int64 lease = interval_microseconds(PG_GETARG_INTERVAL_P(3));
    if (lease <= 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("lease must be a positive interval")));
    SPI_connect();
    const TimestampTz lease_end = later_by(lease);
    Datum values[3] = {key, Int64GetDatum(token), TimestampTzGetDatum(lease_end)};
    queue::RowState row;
    if (update_if_held(queue, QueuePlan::extend, values, key, token, &row)) {
        note_lease(queue, lease_end);
        SPI_finish();
        PG_RETURN_TIMESTAMPTZ(lease_end);
    }
    refuse(queue, key, "extend the lease of", token, row, queue::decide_extend(row, token).verdict);
}

IDEMPOTENT_FUNCTION(idempotent_fail)
{
    require_argument(fcinfo, 0, "queue");
    QueueTable *queue = open_queue(PG_GETARG_OID(0));
    const Datum key = key_argument(fcinfo, 1, queue);
    const int64 token = token_argument(fcinfo, 2);
    SPI_connect();
    const queue::RowState row = read_row(queue, key);
    const Decision decision = queue::decide_fail(row, token, queue->max_attempts);
    if (decision.verdict == Verdict::repeat && flag_argument(fcinfo, 4)) {
        SPI_finish();
        PG_RETURN_TEXT_P(cstring_to_text(queue::status_name(row.status)));
    }
    if (decision.verdict != Verdict::apply)
        refuse(queue, key, "fail", token, row, decision.verdict);
    const bool retry = decision.next == Status::pending;
    const int64 delay = queue::backoff_microseconds(row.attempts, queue->retry_backoff_seconds,
                                                    queue->retry_backoff_max_seconds);
    Datum values[4] = {key, status_value(queue, decision.next),
                       TimestampTzGetDatum(retry ? later_by(delay) : 0),
                       PG_ARGISNULL(3) ? Datum(0) : PG_GETARG_DATUM(3)};
    const char nulls[4] = {' ', ' ', retry ? ' ' : 'n', PG_ARGISNULL(3) ? 'n' : ' '};
    run_update(queue, QueuePlan::fail, values, nulls);
    SPI_finish();
    PG_RETURN_TEXT_P(cstring_to_text(queue::status_name(decision.next)));
}

IDEMPOTENT_FUNCTION(idempotent_requeue)
{
    require_argument(fcinfo, 0, "queue");
    QueueTable *queue = open_queue(PG_GETARG_OID(0));
    const Datum key = key_argument(fcinfo, 1, queue);
    SPI_connect();
    const queue::RowState row = read_row(queue, key);
    const Decision decision = queue::decide_requeue(row);
    if (decision.verdict == Verdict::nothing_to_do) {
        SPI_finish();
        PG_RETURN_BOOL(false);
    }
    if (decision.verdict != Verdict::apply)
        refuse_requeue(queue, key, row);
    Datum values[2] = {key, status_value(queue, decision.next)};
    run_update(queue, QueuePlan::requeue, values, nullptr);
    if (queue->notify)
        Async_Notify(queue->table, nullptr);
    SPI_finish();
    PG_RETURN_BOOL(true);
}

#include "pg/upsert_merge.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "executor/spi.h"
#include "pgstat.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
}

namespace idempotent::pg
{
namespace
{

// A concurrent insert of the same key can repeat only while other transactions keep
// inserting keys of this source; past this many rounds the unique violation is raised.
constexpr int max_merge_rounds = 1000;

// Tuples this transaction has inserted and updated in relid and its partitions so far.
void tuples_written(Oid relid, int64 *inserted, int64 *updated)
{
    *inserted = 0;
    *updated = 0;
    List *relations = find_all_inheritors(relid, NoLock, nullptr);
    ListCell *cell;
    foreach (cell, relations) {
        Datum relation = ObjectIdGetDatum(lfirst_oid(cell));
        *inserted += DatumGetInt64(DirectFunctionCall1(pg_stat_get_xact_tuples_inserted, relation));
        *updated += DatumGetInt64(DirectFunctionCall1(pg_stat_get_xact_tuples_updated, relation));
    }
    list_free(relations);
}

bool is_arbiter_oid(Oid index, const Oid *arbiters, int arbiter_count)
{
    for (int i = 0; i < arbiter_count; ++i)
        if (arbiters[i] == index)
            return true;
    return false;
}

// A unique violation names the index it violated (constraint_name) and the schema of the table
// it was found in (schema_name), which is the index's schema too: on a partitioned target, a
// partition's index, which is a partition of the arbiter, the target's partitioned index.
bool is_arbiter(const ErrorData *error, const Oid *arbiters, int arbiter_count)
{
    if (error->sqlerrcode != ERRCODE_UNIQUE_VIOLATION || error->constraint_name == nullptr ||
        error->schema_name == nullptr)
        return false;
    Oid schema = get_namespace_oid(error->schema_name, true);
    if (!OidIsValid(schema))
        return false;
    Oid index = get_relname_relid(error->constraint_name, schema);
    if (!OidIsValid(index) || get_rel_relkind(index) != RELKIND_INDEX)
        return false;
    if (is_arbiter_oid(index, arbiters, arbiter_count))
        return true;
    if (!get_rel_relispartition(index))
        return false;
    List *ancestors = get_partition_ancestors(index);
    bool found = false;
    ListCell *cell;
    foreach (cell, ancestors) {
        if (is_arbiter_oid(lfirst_oid(cell), arbiters, arbiter_count)) {
            found = true;
            break;
        }
    }
    list_free(ancestors);
    return found;
}

// The same unique violation as the round before: the same index and the same key.
bool same_conflict(const ErrorData *previous, const ErrorData *conflict)
{
    return previous != nullptr && previous->detail != nullptr && conflict->detail != nullptr &&
           strcmp(previous->constraint_name, conflict->constraint_name) == 0 &&
           strcmp(previous->detail, conflict->detail) == 0;
}

// One round in a subtransaction; returns the error of a round that failed on an arbiter index
// (the subtransaction rolled back), raises every other error.
ErrorData *merge_round(const char *merge_sql, const Oid *arbiters, int arbiter_count,
                       uint64 *processed)
{
    MemoryContext context = CurrentMemoryContext;
    ResourceOwner owner = CurrentResourceOwner;
    BeginInternalSubTransaction(nullptr);
    MemoryContextSwitchTo(context);
    ErrorData *conflict = nullptr;
    PG_TRY();
    {
        int code = SPI_execute(merge_sql, false, 0);
        if (code < 0)
            elog(ERROR, "SPI_execute failed: %s", SPI_result_code_string(code));
        *processed = SPI_processed;
        ReleaseCurrentSubTransaction();
        MemoryContextSwitchTo(context);
        CurrentResourceOwner = owner;
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(context);
        ErrorData *error = CopyErrorData();
        FlushErrorState();
        RollbackAndReleaseCurrentSubTransaction();
        MemoryContextSwitchTo(context);
        CurrentResourceOwner = owner;
        if (!is_arbiter(error, arbiters, arbiter_count))
            ReThrowError(error);
        conflict = error;
    }
    PG_END_TRY();
    return conflict;
}

} // namespace

MergeWrites run_upsert_merge(const char *merge_sql, Oid target, const Oid *arbiters,
                             int arbiter_count)
{
    MergeWrites writes{pgstat_track_counts, 0, 0, 0};
    ErrorData *previous = nullptr;
    for (int round = 1;; ++round) {
        int64 inserted_before = 0, updated_before = 0;
        tuples_written(target, &inserted_before, &updated_before);
        ErrorData *conflict = merge_round(merge_sql, arbiters, arbiter_count, &writes.processed);
        if (conflict == nullptr) {
            tuples_written(target, &writes.inserted, &writes.updated);
            writes.inserted -= inserted_before;
            writes.updated -= updated_before;
            return writes;
        }
        if (IsolationUsesXactSnapshot())
            ereport(ERROR,
                    (errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
                     errmsg("could not serialize access due to a concurrent insert of a key"),
                     errdetail("%s", conflict->detail != nullptr ? conflict->detail : ""),
                     errhint("Retry the transaction: its snapshot predates the key's row.")));
        // A key inserted concurrently is seen by the next round's snapshot and conflicts no
        // more; the same conflict twice is the statement's own rows colliding (keys distinct by
        // the columns' equality but equal by the index's), which no retry resolves.
        if (round == max_merge_rounds || same_conflict(previous, conflict))
            ReThrowError(conflict);
        previous = conflict;
        CHECK_FOR_INTERRUPTS();
    }
}

} // namespace idempotent::pg

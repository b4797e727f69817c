// Runs the MERGE of idempotent_upsert (core/upsert_sql.hpp) as INSERT ... ON CONFLICT would
// behave under concurrency, and counts the tuples it wrote. Backend code throughout: C++ code
// calls it through call_pg().
#pragma once

#include "pg/postgres.hpp"

namespace idempotent::pg
{

struct MergeWrites {
    bool counted; // false when track_counts is off: the split below is unknown
    int64 inserted;
    int64 updated;
    uint64 processed; // inserted + updated
};

// Runs merge_sql in a subtransaction. A unique violation of one of the arbiter indexes (oids of
// the target's indexes), or of a partition of one (the index of the target's partition that
// the row went to), means that another transaction inserted one of the keys after the
// statement's snapshot was taken, after waiting for it to commit: in READ COMMITTED the
// statement runs again with a new snapshot, which sees that row and updates it or leaves it
// alone, as ON CONFLICT would; under REPEATABLE READ or SERIALIZABLE, whose snapshot cannot
// move, it fails with 40001, as ON CONFLICT does. Any other error is raised as it is.
MergeWrites run_upsert_merge(const char *merge_sql, Oid target, const Oid *arbiters,
                             int arbiter_count);

} // namespace idempotent::pg

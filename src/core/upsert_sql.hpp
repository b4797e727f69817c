// The SQL text of idempotent_upsert (docs/upsert.md).
#pragma once
#include "core/cpp_only.hpp"
#include "core/sql_text.hpp"

#include <string>
#include <vector>

namespace idempotent
{

struct UpsertRequest {
    std::string target;                      // quoted, schema-qualified name
    std::string target_display;              // the name as messages show it
    std::vector<TableColumn> source_columns; // the target columns the source provides
    std::vector<TableColumn> key_columns;    // covered by a unique index of the target
    std::string source_query;                // exactly one read-only statement
};

// Every key column is provided by the source. Throws Error.
void validate_upsert_request(const UpsertRequest &request);

// One row over the source: rows, rows with a NULL key, and whether some key occurs more than
// once. A single-column key is counted with count(DISTINCT), a sort of the keys, about three
// times cheaper than grouping them; several columns are grouped.
std::string upsert_check_sql(const UpsertRequest &request);

// One row: a key that occurs more than once in the source, as text (NULL when none). Run only
// on the way to the error that names it.
std::string upsert_duplicate_key_sql(const UpsertRequest &request);

// How the write finds a source row's stored row: one probe of the key's index per source row,
// as ON CONFLICT does. With KeyProbe::equality the statement must be planned without hash and
// merge joins (or the planner may read the whole target to hash it); KeyProbe::any_array
// compares the key as `x.key = ANY (ARRAY[s.key])`, which only a nested loop over the index
// can evaluate, at some cost per row, and leaves the planner free for the source's own joins.
enum class KeyProbe { equality, any_array };

// MERGE INTO target USING (source) ON key WHEN MATCHED AND <some provided column distinct>
// THEN UPDATE SET <provided columns> WHEN NOT MATCHED THEN INSERT: a stored row equal to its
// source row takes no action, so it is neither locked nor written; a changed one is updated
// in place, without the row lock ON CONFLICT DO UPDATE takes first. A key inserted
// concurrently raises a unique violation, which the caller retries (docs/upsert.md).
std::string upsert_merge_sql(const UpsertRequest &request, KeyProbe probe);

} // namespace idempotent

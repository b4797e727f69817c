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

// One row: rows inserted, rows updated, rows written. For a partitioned target, whose rows
// cannot return xmax, the first two are 0 and upsert_changed_keys_sql, run just before, tells
// the updates apart. Source rows equal to the stored ones are filtered out
// by an anti-join that neither locks nor writes; the ON CONFLICT clause still compares, for
// rows that a concurrent transaction wrote after the anti-join looked. The anti-join probes the
// key's index once per source row, as ON CONFLICT does (OFFSET 0 keeps the planner from
// turning it into a hash join over the whole target).
std::string upsert_sql(const UpsertRequest &request, bool partitioned = false);

// One row: the source rows whose key is stored with different values.
std::string upsert_changed_keys_sql(const UpsertRequest &request);

} // namespace idempotent

// The SQL text of the statements a queue runs, built from the table's shape. Every identifier
// is quoted and schema-qualified, every operator is pg_catalog's, and every value is a
// parameter, so the statements mean the same thing whatever the caller's search_path.
#pragma once
#include "core/cpp_only.hpp"
#include "core/sql_text.hpp"

#include <string>
#include <string_view>

namespace idempotent::queue
{

struct TableShape {
    std::string schema;
    std::string table;
    std::string key_column;
    std::string status_column;
    std::string priority_column; // empty: none
    // The claim's alias of the table: RETURNING it returns whole rows. A bare name that is also
    // a column means the column, so the caller picks one that is not.
    std::string row_alias = "q";
};

// Which rows a claim statement looks at.
enum class ClaimRows {
    pending_and_expired, // the claim as specified
    pending_only,        // the same result when no processing row's lease has ended
    one_pending,         // pending_only for a batch of one ($2 unused)
};

// $1 timestamptz now, $2 int4 batch size, $3 interval lease, $4 int4 max_attempts, $5 text
// worker. Moves expired leases with no attempts left to failed, then claims up to $2 rows:
// expired leases first (oldest first), then pending rows that are due, by priority then key.
// Returns two columns: the whole updated row and its tid. With after_key (tables without a priority
// column), pending rows are taken only above the key $6: see QueueTable::resume_key. With
// ClaimRows::pending_only, the statement leaves out everything about expired leases ($4 unused);
// ClaimRows::one_pending also picks its row with a scalar subquery, where the others collect the
// picked keys into an array, whose index scan sets up array keys for every execution.
std::string claim_sql(const TableShape &shape, bool after_key = false,
                      ClaimRows rows = ClaimRows::pending_and_expired);

// $1 key, $2 int8 token. Moves the row to done if the token holds it; returns no row otherwise.
// at_row_id: also $3 tid, where the claim left the row. The row is then fetched at that tid
// instead of being looked up in the key's index; a tid that no longer holds that row updates
// nothing, so the caller runs the statement without it.
std::string complete_sql(const TableShape &shape, bool at_row_id = false);

// $1 key, $2 int8 token, $3 timestamptz new lease end. Returns no row if the token does not hold
// the row.
std::string extend_sql(const TableShape &shape);

// $1 key. The row's status (as text), claim_token and attempts, locked FOR UPDATE.
std::string read_row_sql(const TableShape &shape);

// $1 key, $2 status, $3 timestamptz run_after, $4 text last_error.
std::string fail_sql(const TableShape &shape);

// $1 key, $2 status (pending). A fresh budget of attempts, due at once.
std::string requeue_sql(const TableShape &shape);

} // namespace idempotent::queue

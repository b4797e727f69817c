// The SQL text of a window replacement (docs/window.md). Every statement takes the window's
// bounds as parameters $1 (inclusive) and $2 (exclusive), typed as the window column.
#pragma once
#include "core/cpp_only.hpp"
#include "core/sql_text.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace idempotent
{

struct WindowRequest {
    std::string target;         // quoted, schema-qualified name
    std::string target_display; // the name as messages show it
    TableColumn window_column;
    std::vector<TableColumn> source_columns; // the target columns the source provides
    std::string source_query;                // exactly one read-only statement
    std::string window_filter;               // a boolean expression narrowing the window, or empty
    std::string extension_schema;            // where idempotent_image_hash_sum lives
    // Every identifier and keyword the source query and the filter spell, and every column of
    // the target: the statements' own aliases, CTEs and output columns avoid them all, so that
    // the user's text always means what it says alone.
    std::vector<std::string> names_in_use;
};

// Checks what can be checked without a server: the source provides the window column, the
// filter is present or absent but not blank. Throws Error.
void validate_window_request(const WindowRequest &request);

// SELECT start, end, start < end, start as text, end as text, with $1 and $2 of the types the
// caller passed: the bounds coerced to the window column's type.
std::string window_bounds_sql(const TableColumn &window_column);

// The image hash sum (idempotent_image_hash_sum) sums the columns in groups of at most this
// many, since an aggregate takes at most 99 arguments, and XORs the groups' sums.
inline constexpr std::size_t image_hash_group_columns = 90;

// The two statements below return one row: rows, rows outside the window, one outside value as
// text (NULL when none, or when all outside values are NULL), the rows' hash sum.
// Over the source rows, before anything is written; a fifth column is the rows' image hash sum
// (idempotent_image_hash_sum).
std::string window_source_summary_sql(const WindowRequest &request);
// Deletes the window's rows (unless delete_rows is false: they are gone already) and inserts
// the source's, in one statement; summarizes the inserted rows as the target stored them
// (without the hash sum unless with_hash: a caller that summarized the source has it), and adds
// a fifth column: the rows deleted.
std::string window_replace_sql(const WindowRequest &request, bool delete_rows = true,
                               bool with_hash = true);

// The rows the window holds (read through the target, with the target's privileges).
std::string window_rows_sql(const WindowRequest &request);

// Locks the partitions (quoted, qualified names) that are exactly the window as TRUNCATE would,
// before their rows are counted: no row can arrive between the count and the truncation.
std::string window_lock_partitions_sql(const std::vector<std::string> &partitions);
// Empties them.
std::string window_truncate_sql(const std::vector<std::string> &partitions);

// The window's current rows: count, hash sum and image hash sum over the columns the source
// provides.
std::string window_current_summary_sql(const WindowRequest &request);

// true when the source rows, as a multiset, are contained in the window's current rows. With
// equal counts, that is equality. Needed only when the image hash sums differ although the hash
// sums agree: rows equal by their types' equality but stored differently.
std::string window_contained_sql(const WindowRequest &request);

// How a claim on a window of a type maps onto a built-in range type, for the parallel lock.
enum class WindowSpan { numeric, timestamp, timestamptz, unsupported };

// Every replacement of a target first takes a transaction-level advisory lock on it, keyed
// ($1 = window_advisory_lock_class, $2 = the target's oid): exclusive for lock_scope 'table',
// shared for 'window'. The statement returns whether the lock was taken (always true without
// nowait).
inline constexpr int window_advisory_lock_class = 0x1de7;
std::string window_advisory_lock_sql(bool shared, bool nowait);

// The extension's own tables, in schema extension_schema. $1 is the target's oid in each.
// Marks the target's row updated (creating it the first time), so that a snapshot older than
// this replacement cannot pass it: REPEATABLE READ callers get 40001.
std::string window_lock_row_sql(const std::string &extension_schema);

// Claims [$2, $3) of the target: waits for every uncommitted overlapping claim, and returns
// the claim's id, or no row when a committed claim overlaps. A claim holds until its
// transaction ends; after that it is stale, and window_clear_claims_sql deletes the stale claims
// overlapping [$2, $3) (an uncommitted claim is invisible to it).
std::string window_claim_sql(const std::string &extension_schema, WindowSpan span);
std::string window_clear_claims_sql(const std::string &extension_schema, WindowSpan span);

// Records a committed replacement: $1 target, $2 target name, $3 window column, $4 start
// and $5 end as text (window_bounds_text_sql), $6 filter, $7 deleted, $8 inserted, $9 skipped, $10
// rows, $11 hash sum, $12 role, $13 whether partitions were truncated.
std::string window_run_log_sql(const std::string &extension_schema);
// The bounds $1 and $2 as text for the run log. Run as the caller, never as the extension's
// owner: converting a value of a user's type may call that user's cast functions.
std::string window_bounds_text_sql();

} // namespace idempotent

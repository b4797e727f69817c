#include "core/window_sql.hpp"
#include "core/error.hpp"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace idempotent
{
namespace
{

// The row aliased as qualifier lies in the window: inside the bounds and passing the filter
// (on lines of its own, so that a trailing comment in it ends there). NULL, not false, for a
// NULL window value; in this form an index on the column or partition pruning applies.
std::string in_window(const WindowRequest &request, std::string_view qualifier)
{
    std::string column =
        std::string(qualifier) + "." + quote_identifier(request.window_column.name);
    const TableColumn &window = request.window_column;
    std::string test =
        column + " " + window.greater_equal + " $1 AND " + column + " " + window.less_than + " $2";
    if (!request.window_filter.empty())
        test += " AND (\n" + request.window_filter + "\n)";
    return test;
}

// The statements' own names. The filter is pasted where these aliases and CTEs are in scope,
// and the source where the CTEs are: a name the user's text also spells would be resolved to
// ours (a bare alias to the whole row, a table to the CTE). And the inserted rows come back
// with the target's columns beside the row hash. So each name is none of those.
struct Names {
    std::string source;        // the source's rows, in the summaries
    std::string target;        // the target's rows
    std::string inserted_row;  // an inserted row, in the replacing statement's summary
    std::string deleted;       // CTE: the deleted rows
    std::string deleted_count; // CTE: how many
    std::string inserted;      // CTE: the inserted rows
    // The column under which the replacing statement's RETURNING hands each inserted row's
    // hash to its summary (quoted): hashing there, rather than returning whole rows, keeps the
    // rows out of the CTE's tuplestore.
    std::string row_hash;
};

Names names_of(const WindowRequest &request)
{
    auto pick = [&](std::string_view base) { return unused_name(base, request.names_in_use); };
    return {pick("s"),
            pick("t"),
            pick("i"),
            pick("deleted"),
            pick("deleted_count"),
            pick("inserted"),
            quote_identifier(pick("idempotent row hash"))};
}

// rows, rows outside, one outside value, hash sum (or NULL without with_hash): over the rows
// aliased as qualifier. The window test runs once a row; only when some row is outside does a
// second pass over relation (as qualifier) find an example. hash_sum is the hash sum's
// expression; empty: computed here from the rows' columns.
std::string summary_columns(const WindowRequest &request, std::string_view qualifier,
                            const std::string &relation, bool with_hash = true,
                            const std::string &hash_sum = {})
{
    std::string inside = "pg_catalog.count(*) FILTER (WHERE " + in_window(request, qualifier) + ")";
    std::string outside = " FILTER (WHERE (" + in_window(request, qualifier) + ") IS NOT TRUE)";
    std::string column =
        std::string(qualifier) + "." + quote_identifier(request.window_column.name);
    return "pg_catalog.count(*), pg_catalog.count(*) OPERATOR(pg_catalog.-) " + inside +
           ", CASE WHEN " + inside +
           " OPERATOR(pg_catalog.<) pg_catalog.count(*) THEN (SELECT pg_catalog.min((" + column +
           ")::pg_catalog.text)" + outside + " FROM " + relation + " AS " + std::string(qualifier) +
           ") END, " +
           (!with_hash         ? std::string("NULL::pg_catalog.numeric")
            : hash_sum.empty() ? row_hash_sum(qualifier, request.source_columns)
                               : hash_sum);
}

std::string column_list(const std::vector<TableColumn> &columns, std::string_view qualifier = {})
{
    return join_columns(columns, [&](const TableColumn &column) {
        return qualifier.empty() ? quote_identifier(column.name)
                                 : std::string(qualifier) + "." + quote_identifier(column.name);
    });
}

// The sum of the rows' hashes over their stored bytes, which the hash sums' type-specific
// functions partly fold (a bigint's halves are XORed, for one): see image_hash.cpp. An
// aggregate takes at most 99 arguments, and a table up to 1600 columns: the columns are summed
// in groups of at most image_hash_group_columns, every group after the first led by its number
// (so that groups holding equal values do not sum alike), and the groups' sums XORed.
std::string image_hash_sum(const WindowRequest &request, std::string_view qualifier)
{
    const std::string function =
        qualified_name(request.extension_schema, "idempotent_image_hash_sum");
    const std::vector<TableColumn> &columns = request.source_columns;
    std::string sum;
    for (std::size_t first = 0, group = 0; first < columns.size();
         first += image_hash_group_columns, ++group) {
        std::size_t last = std::min(columns.size(), first + image_hash_group_columns);
        std::vector<TableColumn> part(columns.begin() + static_cast<std::ptrdiff_t>(first),
                                      columns.begin() + static_cast<std::ptrdiff_t>(last));
        std::string arguments = column_list(part, qualifier);
        if (group > 0)
            arguments = std::to_string(group) + "::pg_catalog.int4, " + arguments;
        sum += (sum.empty() ? "" : " OPERATOR(pg_catalog.#) ") + function + "(" + arguments + ")";
    }
    return columns.size() > image_hash_group_columns ? "(" + sum + ")" : sum;
}

std::string lock_table(const std::string &extension_schema)
{
    return qualified_name(extension_schema, "idempotent_window_lock");
}

} // namespace

void validate_window_request(const WindowRequest &request)
{
    if (find_column(request.source_columns, request.window_column.name) < 0)
        throw Error(sqlstate::invalid_parameter_value,
                    "the source query does not return the window column \"" +
                        request.window_column.name + "\"",
                    "Every source row must say which window it belongs to.");
    if (request.window_column.less_than.empty() || request.window_column.greater_equal.empty())
        throw Error(sqlstate::feature_not_supported,
                    "window column \"" + request.window_column.name + "\" has type " +
                        request.window_column.type + ", which has no ordering",
                    "Windows are ranges of a column with a default btree ordering.");
    if (request.window_filter.find_first_not_of(" \t\r\n") == std::string::npos &&
        !request.window_filter.empty())
        throw Error(sqlstate::invalid_parameter_value, "window_filter is blank",
                    "Pass a boolean expression such as tenant_id = 42, or leave it NULL.");
}

std::string window_bounds_sql(const TableColumn &window_column)
{
    return "SELECT b.s, b.e, b.s " + window_column.less_than +
           " b.e, (b.s)::pg_catalog.text, (b.e)::pg_catalog.text FROM (SELECT ($1)::" +
           window_column.type + " AS s, ($2)::" + window_column.type + " AS e) AS b";
}

std::string window_source_summary_sql(const WindowRequest &request)
{
    const std::string s = names_of(request).source;
    std::string source = "(" + typed_source(request.source_query, request.source_columns) + ")";
    return "SELECT " + summary_columns(request, s, source) + ", " + image_hash_sum(request, s) +
           " FROM " + source + " AS " + s;
}

std::string window_replace_sql(const WindowRequest &request, bool delete_rows, bool with_hash)
{
    const Names names = names_of(request);
    const std::string &t = names.target;
    const std::string &i = names.inserted_row;
    std::string insert = "INSERT INTO " + request.target + " AS " + t + " (" +
                         column_list(request.source_columns) + ") SELECT " +
                         column_list(request.source_columns, "q") + " FROM " +
                         subquery(request.source_query) + " AS q";
    // The inserted rows are checked against the window, and hashed when asked: the window
    // column suffices, unless the filter may name others (RETURNING needs SELECT on what it
    // returns). The hash is computed by RETURNING itself.
    std::string returning = request.window_filter.empty()
                                ? quote_identifier(request.window_column.name)
                                : std::string("*");
    if (with_hash)
        returning += ", " + row_hash(t, request.source_columns) + " AS " + names.row_hash;
    const std::string hash_sum = "COALESCE(pg_catalog.sum(" + i + "." + names.row_hash + "), 0)";
    const std::string summary = summary_columns(request, i, names.inserted, with_hash, hash_sum);
    if (!delete_rows)
        return "WITH " + names.inserted + " AS (" + insert + " RETURNING " + returning +
               ") SELECT " + summary + ", 0::pg_catalog.int8 FROM " + names.inserted + " AS " + i;
    // The source reads the statement's snapshot, from before the delete. The insert's one-time
    // filter on the deleted count makes the delete finish first, so that a new row may reuse
    // the unique key of a deleted one.
    const std::string deleted_count = "(SELECT d.n FROM " + names.deleted_count + " AS d)";
    return "WITH " + names.deleted + " AS (DELETE FROM " + request.target + " AS " + t + " WHERE " +
           in_window(request, t) + " RETURNING 1), " + names.deleted_count +
           " AS (SELECT pg_catalog.count(*) AS n FROM " + names.deleted + "), " + names.inserted +
           " AS (" + insert + " WHERE " + deleted_count + " IS NOT NULL RETURNING " + returning +
           ") SELECT " + summary + ", " + deleted_count + " FROM " + names.inserted + " AS " + i;
}

std::string window_rows_sql(const WindowRequest &request)
{
    const std::string t = names_of(request).target;
    return "SELECT pg_catalog.count(*) FROM " + request.target + " AS " + t + " WHERE " +
           in_window(request, t);
}

namespace
{

std::string name_list(const std::vector<std::string> &names)
{
    std::string list;
    for (const std::string &name : names)
        list += (list.empty() ? "" : ", ") + name;
    return list;
}

} // namespace

std::string window_lock_partitions_sql(const std::vector<std::string> &partitions)
{
    return "LOCK TABLE ONLY " + name_list(partitions) + " IN ACCESS EXCLUSIVE MODE";
}

std::string window_truncate_sql(const std::vector<std::string> &partitions)
{
    return "TRUNCATE ONLY " + name_list(partitions);
}

std::string window_current_summary_sql(const WindowRequest &request)
{
    const std::string t = names_of(request).target;
    return "SELECT pg_catalog.count(*), " + row_hash_sum(t, request.source_columns) + ", " +
           image_hash_sum(request, t) + " FROM " + request.target + " AS " + t + " WHERE " +
           in_window(request, t);
}

std::string window_contained_sql(const WindowRequest &request)
{
    auto comparable_in = [&](std::string_view qualifier) {
        return join_columns(request.source_columns, [&](const TableColumn &column) {
            return comparable(qualifier, column);
        });
    };
    const Names names = names_of(request);
    const std::string &s = names.source;
    const std::string &t = names.target;
    return "SELECT NOT EXISTS (SELECT " + comparable_in(s) + " FROM (" +
           typed_source(request.source_query, request.source_columns) + ") AS " + s +
           " EXCEPT ALL SELECT " + comparable_in(t) + " FROM " + request.target + " AS " + t +
           " WHERE " + in_window(request, t) + ")";
}

std::string window_advisory_lock_sql(bool shared, bool nowait)
{
    std::string function =
        std::string(nowait ? "pg_try_advisory_xact_lock" : "pg_advisory_xact_lock") +
        (shared ? "_shared" : "");
    return "SELECT " + std::string(nowait ? "" : "true FROM ") + "pg_catalog." + function +
           "($1, $2)";
}

std::string window_lock_row_sql(const std::string &extension_schema)
{
    return "INSERT INTO " + lock_table(extension_schema) +
           " AS l (target) VALUES ($1) ON CONFLICT (target) DO UPDATE SET replacements = "
           "l.replacements OPERATOR(pg_catalog.+) 1";
}

namespace
{

// The claim's column and the range [$2, $3) in it.
std::pair<std::string, std::string> claim_span(WindowSpan span)
{
    switch (span) {
    case WindowSpan::numeric:
        return {"numeric_span",
                "pg_catalog.numrange(($2)::pg_catalog.numeric, ($3)::pg_catalog.numeric, '[)')"};
    case WindowSpan::timestamp:
        // Read as UTC: an order-preserving, one-to-one map onto timestamptz.
        return {"time_span",
                "pg_catalog.tstzrange(pg_catalog.timezone('UTC', ($2)::pg_catalog.timestamp), "
                "pg_catalog.timezone('UTC', ($3)::pg_catalog.timestamp), '[)')"};
    case WindowSpan::timestamptz:
        return {"time_span", "pg_catalog.tstzrange($2, $3, '[)')"};
    case WindowSpan::unsupported:
        break;
    }
    throw Error(sqlstate::feature_not_supported,
                "lock_scope 'window' needs a window column of a numeric, date or timestamp type",
                "Use lock_scope 'table'.");
}

std::string claim_table(const std::string &extension_schema)
{
    return qualified_name(extension_schema, "idempotent_window_claim");
}

} // namespace

std::string window_claim_sql(const std::string &extension_schema, WindowSpan span)
{
    auto [column, range] = claim_span(span);
    return "INSERT INTO " + claim_table(extension_schema) + " (target, " + column +
           ") VALUES ($1, " + range + ") ON CONFLICT DO NOTHING RETURNING claim_id";
}

std::string window_clear_claims_sql(const std::string &extension_schema, WindowSpan span)
{
    auto [column, range] = claim_span(span);
    return "DELETE FROM " + claim_table(extension_schema) +
           " AS c WHERE c.target OPERATOR(pg_catalog.=) $1 AND c." + column +
           " OPERATOR(pg_catalog.&&) " + range;
}

std::string window_bounds_text_sql()
{
    // Dates and times in ISO 8601, as JSON writes them, whatever the DateStyle.
    return "SELECT pg_catalog.to_jsonb($1) OPERATOR(pg_catalog.#>>) '{}', "
           "pg_catalog.to_jsonb($2) OPERATOR(pg_catalog.#>>) '{}'";
}

std::string window_run_log_sql(const std::string &extension_schema)
{
    return "INSERT INTO " + qualified_name(extension_schema, "idempotent_window_run") +
           " (target, target_name, window_column, window_start, window_end, window_filter, "
           "deleted, inserted, skipped, contents_digest, run_by, truncated) VALUES ($1, $2, $3, "
           "$4, $5, $6, $7, $8, $9, " +
           qualified_name(extension_schema, "idempotent_digest") +
           "($10::pg_catalog.int8, $11::pg_catalog.numeric), $12, $13)";
}

} // namespace idempotent

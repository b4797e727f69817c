#include "core/queue_sql.hpp"

namespace idempotent::queue
{
namespace
{

// The table without its inheritance children: they have no guard trigger and may hold the same
// keys, so no statement reads or writes them.
std::string only_table(const TableShape &shape)
{
    return "ONLY " + qualified_name(shape.schema, shape.table);
}

// `column = $key` on the primary key, with pg_catalog's equality.
std::string key_equals(const TableShape &shape, std::string_view parameter)
{
    return quote_identifier(shape.key_column) + " OPERATOR(pg_catalog.=) " + std::string(parameter);
}

std::string status_is(const TableShape &shape, const char *status)
{
    return quote_identifier(shape.status_column) + " OPERATOR(pg_catalog.=) '" + status + "'";
}

// `status = 'processing'` for a statement that finds its row by key. Written as "none of the
// other three" so that the planner cannot match it to the lease index's predicate: that index
// is small by its statistics but may hold many dead entries, and a scan of it filtered by key
// would read them all, where the primary key finds the row in one probe.
std::string processing_by_key(const TableShape &shape)
{
    return quote_identifier(shape.status_column) + "::pg_catalog.text OPERATOR(pg_catalog.<>) ALL "
                                                   "('{pending,done,failed}'::pg_catalog.text[])";
}

} // namespace

std::string claim_sql(const TableShape &shape, bool after_key, ClaimRows rows)
{
    const std::string table = only_table(shape);
    const std::string row = quote_identifier(shape.row_alias);
    const std::string key = quote_identifier(shape.key_column);
    const std::string status = quote_identifier(shape.status_column);
    const std::string order =
        shape.priority_column.empty() ? key : quote_identifier(shape.priority_column) + ", " + key;
    const std::string expired =
        status_is(shape, "processing") + " AND lease_expires_at OPERATOR(pg_catalog.<) $1";
    const std::string due =
        "SELECT " + key + " FROM " + table + " WHERE " + status_is(shape, "pending") +
        " AND (run_after IS NULL OR run_after OPERATOR(pg_catalog.<=) $1)" +
        (after_key ? " AND " + key + " OPERATOR(pg_catalog.>) $6" : "") + " ORDER BY " + order +
        (rows == ClaimRows::one_pending ? " LIMIT 1" : " LIMIT $2") + " FOR UPDATE SKIP LOCKED";
    const std::string update = "UPDATE " + table + " AS " + row + " SET " + status +
                               " = 'processing', attempts = " + row +
                               ".attempts OPERATOR(pg_catalog.+) 1, claim_token = " + row +
                               ".claim_token OPERATOR(pg_catalog.+) 1, "
                               "lease_expires_at = $1 OPERATOR(pg_catalog.+) $3, claimed_by = $5 "
                               "WHERE " +
                               row + "." + key + " OPERATOR(pg_catalog.=) ";
    if (rows == ClaimRows::one_pending)
        return update + "(" + due + ") RETURNING " + row + ", " + row + ".ctid";
    // The lease index serves the first two scans, the pending index the third; SKIP LOCKED
    // makes each of them pass over rows other claims hold instead of waiting for them. The
    // outer LIMIT pulls rows one at a time, so no row is locked that is not claimed.
    const std::string picked =
        rows == ClaimRows::pending_only
            ? "WITH picked AS (" + due + ") "
            : "WITH exhausted AS (UPDATE " + table + " AS " + row + " SET " + status +
                  " = 'failed', lease_expires_at = NULL, claim_token = " + row +
                  ".claim_token OPERATOR(pg_catalog.+) 1, last_error = 'lease expired after ' "
                  "OPERATOR(pg_catalog.||) " +
                  row + ".attempts OPERATOR(pg_catalog.||) ' attempts' WHERE " + row + "." + key +
                  " OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT " + key + " FROM " + table +
                  " WHERE " + expired +
                  " AND attempts OPERATOR(pg_catalog.>=) $4 FOR UPDATE SKIP LOCKED))), "
                  "picked AS (SELECT " +
                  key + " FROM (SELECT " + key + " FROM " + table + " WHERE " + expired +
                  " AND attempts OPERATOR(pg_catalog.<) $4 ORDER BY lease_expires_at LIMIT $2 "
                  "FOR UPDATE SKIP LOCKED) AS expired UNION ALL SELECT " +
                  key + " FROM (" + due + ") AS due LIMIT $2) ";
    return picked + update + "ANY (ARRAY(SELECT " + key + " FROM picked)) RETURNING " + row + ", " +
           row + ".ctid";
}

std::string complete_sql(const TableShape &shape, bool at_row_id)
{
    return "UPDATE " + only_table(shape) + " SET " + quote_identifier(shape.status_column) +
           " = 'done', lease_expires_at = NULL WHERE " +
           (at_row_id ? "ctid OPERATOR(pg_catalog.=) $3 AND " : "") + key_equals(shape, "$1") +
           " AND claim_token OPERATOR(pg_catalog.=) $2 AND " + processing_by_key(shape);
}

std::string extend_sql(const TableShape &shape)
{
    return "UPDATE " + only_table(shape) + " SET lease_expires_at = $3 WHERE " +
           key_equals(shape, "$1") + " AND claim_token OPERATOR(pg_catalog.=) $2 AND " +
           processing_by_key(shape);
}

std::string read_row_sql(const TableShape &shape)
{
    return "SELECT " + quote_identifier(shape.status_column) +
           "::pg_catalog.text, claim_token, attempts FROM " + only_table(shape) + " WHERE " +
           key_equals(shape, "$1") + " FOR UPDATE";
}

std::string fail_sql(const TableShape &shape)
{
    return "UPDATE " + only_table(shape) + " SET " + quote_identifier(shape.status_column) +
           " = $2, run_after = $3, last_error = $4, lease_expires_at = NULL WHERE " +
           key_equals(shape, "$1");
}

std::string requeue_sql(const TableShape &shape)
{
    return "UPDATE " + only_table(shape) + " SET " + quote_identifier(shape.status_column) +
           " = $2, attempts = 0, run_after = NULL, lease_expires_at = NULL WHERE " +
           key_equals(shape, "$1");
}

} // namespace idempotent::queue

#include "core/upsert_sql.hpp"
#include "core/error.hpp"

namespace idempotent
{
namespace
{

std::string column_in(std::string_view qualifier, const TableColumn &column)
{
    return std::string(qualifier) + "." + quote_identifier(column.name);
}

std::vector<TableColumn> non_key_columns(const UpsertRequest &request)
{
    std::vector<TableColumn> columns;
    for (const TableColumn &column : request.source_columns)
        if (find_column(request.key_columns, column.name) < 0)
            columns.push_back(column);
    return columns;
}

// Every other column the source provides is not distinct in x and s; empty when there is none.
std::string same_values(const std::vector<TableColumn> &values)
{
    return join_columns(
        values, [](const TableColumn &column) { return not_distinct(column, "x", "s"); }, " AND ");
}

} // namespace

void validate_upsert_request(const UpsertRequest &request)
{
    for (const TableColumn &key : request.key_columns)
        if (find_column(request.source_columns, key.name) < 0)
            throw Error(sqlstate::invalid_parameter_value,
                        "the source query does not return key column \"" + key.name + "\"",
                        "Every source row must name the row of " + request.target_display +
                            " it ensures.");
}

namespace
{

// The name of the grouped keys' row count: n, unless a key column is named so.
std::string count_column(const UpsertRequest &request)
{
    std::vector<std::string> keys;
    for (const TableColumn &column : request.key_columns)
        keys.push_back(column.name);
    return quote_identifier(unused_name("n", keys));
}

// The keys grouped, with their rows counted under count_column.
std::string grouped_keys(const UpsertRequest &request)
{
    std::string keys = join_columns(
        request.key_columns, [](const TableColumn &column) { return column_in("s", column); });
    return "SELECT " + keys + ", pg_catalog.count(*) AS " + count_column(request) + " FROM (" +
           typed_source(request.source_query, request.source_columns) + ") AS s GROUP BY " + keys;
}

// Some key column of the row aliased as qualifier is NULL.
std::string null_key(const UpsertRequest &request, std::string_view qualifier)
{
    return join_columns(
        request.key_columns,
        [&](const TableColumn &column) { return column_in(qualifier, column) + " IS NULL"; },
        " OR ");
}

} // namespace

std::string upsert_check_sql(const UpsertRequest &request)
{
    if (request.key_columns.size() == 1) {
        const std::string key = column_in("s", request.key_columns.front());
        return "SELECT pg_catalog.count(*), pg_catalog.count(*) FILTER (WHERE " + key +
               " IS NULL), pg_catalog.count(" + key +
               ") OPERATOR(pg_catalog.>) "
               "pg_catalog.count(DISTINCT " +
               key + ") FROM (" + typed_source(request.source_query, request.source_columns) +
               ") AS s";
    }
    const std::string null_in_group = null_key(request, "g");
    const std::string rows = "g." + count_column(request);
    return "SELECT COALESCE(pg_catalog.sum(" + rows +
           "), 0)::pg_catalog.int8, COALESCE(pg_catalog.sum(" + rows + ") FILTER (WHERE " +
           null_in_group + "), 0)::pg_catalog.int8, COALESCE(pg_catalog.bool_or(" + rows +
           " OPERATOR(pg_catalog.>) 1) FILTER (WHERE NOT (" + null_in_group + ")), false) FROM (" +
           grouped_keys(request) + ") AS g";
}

std::string upsert_duplicate_key_sql(const UpsertRequest &request)
{
    std::string key_text = join_columns(request.key_columns, [](const TableColumn &column) {
        return "(" + column_in("g", column) + ")::pg_catalog.text";
    });
    return "SELECT pg_catalog.min(pg_catalog.concat_ws(', ', " + key_text + ")) FROM (" +
           grouped_keys(request) + ") AS g WHERE g." + count_column(request) +
           " OPERATOR(pg_catalog.>) 1 AND NOT (" + null_key(request, "g") + ")";
}

std::string upsert_merge_sql(const UpsertRequest &request, KeyProbe probe)
{
    const std::vector<TableColumn> values = non_key_columns(request);
    std::string key_match = join_columns(
        request.key_columns,
        [&](const TableColumn &column) {
            const std::string source_key = column_in("s", column);
            return column_in("x", column) + " " + column.equals + " " +
                   (probe == KeyProbe::any_array ? "ANY (ARRAY[" + source_key + "])" : source_key);
        },
        " AND ");
    std::string sql = "MERGE INTO " + request.target + " AS x USING (" +
                      typed_source(request.source_query, request.source_columns) + ") AS s ON " +
                      key_match;
    if (!values.empty())
        sql += " WHEN MATCHED AND NOT (" + same_values(values) + ") THEN UPDATE SET " +
               join_columns(values, [](const TableColumn &column) {
                   return quote_identifier(column.name) + " = " + column_in("s", column);
               });
    return sql + " WHEN NOT MATCHED THEN INSERT (" +
           join_columns(request.source_columns,
                        [](const TableColumn &column) { return quote_identifier(column.name); }) +
           ") VALUES (" +
           join_columns(request.source_columns,
                        [](const TableColumn &column) { return column_in("s", column); }) +
           ")";
}

} // namespace idempotent

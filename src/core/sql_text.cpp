#include "core/sql_text.hpp"
#include "core/error.hpp"

#include <algorithm>

namespace idempotent
{

std::string unused_name(std::string_view base, const std::vector<std::string> &taken)
{
    std::string name(base);
    while (std::find(taken.begin(), taken.end(), name) != taken.end())
        name += '_';
    return name;
}

std::string quote_identifier(std::string_view name)
{
    std::string out;
    out.reserve(name.size() + 2);
    out += '"';
    for (char c : name) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string qualified_name(std::string_view schema, std::string_view name)
{
    return quote_identifier(schema) + "." + quote_identifier(name);
}

std::string comparable(std::string_view qualifier, const TableColumn &column)
{
    std::string value = std::string(qualifier) + "." + quote_identifier(column.name);
    return column.compare_as_text ? "(" + value + ")::pg_catalog.text" : value;
}

std::string not_distinct(const TableColumn &column, std::string_view left, std::string_view right)
{
    std::string a = comparable(left, column), b = comparable(right, column);
    std::string equals = column.compare_as_text ? "OPERATOR(pg_catalog.=)" : column.equals;
    if (equals.empty())
        throw Error(sqlstate::feature_not_supported,
                    "column \"" + column.name + "\" has a type without an equality operator");
    return "COALESCE(" + a + " " + equals + " " + b + ", " + a + " IS NULL AND " + b + " IS NULL)";
}

std::string subquery(std::string_view query)
{
    return "(\n" + std::string(query) + "\n)";
}

std::string assigned_value(std::string_view qualifier, const TableColumn &column)
{
    std::string value = "(" + std::string(qualifier) + "." + quote_identifier(column.name) + ")";
    if (column.typmod_function.empty()) {
        value += "::" + column.type;
    } else {
        value = column.typmod_function + "(" + value + "::" + column.cast_type +
                column.typmod_arguments + ")";
        if (!column.domain.empty())
            value = "(" + value + ")::" + column.domain;
    }
    if (!column.collation.empty())
        value = "(" + value + ") COLLATE " + column.collation;
    return value;
}

std::string typed_source(std::string_view source_query, const std::vector<TableColumn> &columns)
{
    return "SELECT " +
           join_columns(columns,
                        [](const TableColumn &column) {
                            return assigned_value("q", column) + " AS " +
                                   quote_identifier(column.name);
                        }) +
           " FROM " + subquery(source_query) + " AS q";
}

std::string row_hash(std::string_view qualifier, const std::vector<TableColumn> &columns)
{
    // Each column hashed by its type's own extended hash function, seeded with its position so
    // that equal values in different columns differ, and the columns combined by XOR: much
    // cheaper than hashing a composite built per row.
    std::string row;
    int position = 0;
    for (const TableColumn &column : columns) {
        std::string function = "pg_catalog.hashtextextended";
        std::string value = comparable(qualifier, column);
        if (!column.compare_as_text) {
            function = column.hash_function;
            if (!column.hash_argument_type.empty())
                value = "(" + value + ")::" + column.hash_argument_type;
        }
        row += (row.empty() ? "" : " OPERATOR(pg_catalog.#) ") + std::string("COALESCE(") +
               function + "(" + value + ", " + std::to_string(++position) + "), 0)";
    }
    return row;
}

std::string row_hash_sum(std::string_view qualifier, const std::vector<TableColumn> &columns)
{
    return "COALESCE(pg_catalog.sum(" + row_hash(qualifier, columns) + "), 0)";
}

int find_column(const std::vector<TableColumn> &columns, std::string_view name)
{
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].name == name)
            return static_cast<int>(i);
    return -1;
}

std::vector<TableColumn> map_source_columns(const std::vector<TableColumn> &target_columns,
                                            const std::vector<std::string> &source_names,
                                            std::string_view target_name)
{
    if (source_names.empty())
        throw Error(sqlstate::invalid_parameter_value, "the source query returns no columns",
                    "Return the columns to store, named as in " + std::string(target_name) + ".");
    std::vector<TableColumn> mapped;
    for (const std::string &name : source_names) {
        int position = find_column(target_columns, name);
        if (position < 0)
            throw Error(sqlstate::undefined_column,
                        "column \"" + name + "\" of the source query does not exist in " +
                            std::string(target_name),
                        "Source columns map to the target's columns by name; rename it with AS.");
        if (find_column(mapped, name) >= 0)
            throw Error(sqlstate::duplicate_column,
                        "the source query returns column \"" + name + "\" more than once");
        const TableColumn &column = target_columns[position];
        if (column.generated)
            throw Error(sqlstate::generated_always,
                        "column \"" + name + "\" of " + std::string(target_name) +
                            " is a generated column and cannot be written",
                        "Leave it out of the source query.");
        mapped.push_back(column);
    }
    return mapped;
}

} // namespace idempotent

// Building blocks of generated SQL text: identifier quoting and the column lists shared by the
// window replacement and the upsert. Values never appear here: they are bound as parameters.
#pragma once
#include "core/cpp_only.hpp"
#include "core/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace idempotent
{

// Always double-quotes, so that no name can be mistaken for a keyword or change case.
std::string quote_identifier(std::string_view name);

// "schema"."name"
std::string qualified_name(std::string_view schema, std::string_view name);

// base, or base with underscores appended: the first that is none of the taken names. A
// generated alias, CTE or output column that a user's text or table also spells would be
// resolved to the wrong thing, so every such name is picked this way (docs/window.md).
std::string unused_name(std::string_view base, const std::vector<std::string> &taken);

// A column of the target table, as the generated SQL needs to know it.
struct TableColumn {
    std::string name;
    std::string type;     // the type as SQL text, schema-qualified where needed
    bool compare_as_text; // json and types without hashable equality compare by their text
    bool generated;       // a generated column cannot be written
    // The type's own default operators, schema-qualified (OPERATOR("ns".=)), so that nothing on
    // the caller's search_path can stand in for them; empty when the type has none.
    std::string equals;
    std::string less_than;
    std::string greater_equal;
    // A 64-bit hash function for the column's values, schema-qualified, and the type to cast
    // them to first (empty: none); unused when compare_as_text.
    std::string hash_function;
    std::string hash_argument_type;
    // How a source value becomes the value the column would store, as INSERT assigns it. An
    // explicit cast to a type with a modifier truncates (varchar(n), char(n)) or pads (bit(n))
    // where the assignment raises 22001, so only when the column's modifier is applied by a
    // function (varchar(n), char(n), bit(n), varbit(n), numeric(p,s), timestamp(p), interval
    // fields, arrays of them...): the value is cast to cast_type, the type without the modifier
    // (the base type of a domain), then passed to typmod_function with typmod_arguments
    // (", 7, false": the modifier, and for functions that take it, not explicit), then cast to
    // domain when the column's type is one. Empty typmod_function: a cast to type suffices.
    std::string cast_type{};
    std::string typmod_function{};
    std::string typmod_arguments{};
    std::string domain{};
    // The column's collation, schema-qualified ("pg_catalog"."default"), empty for a type
    // without one: source values are grouped, hashed and compared under it, as the column's
    // unique indexes and the statements' joins compare them.
    std::string collation{};
};

// What a value of column looks like when rows are compared, for the row aliased as qualifier:
// the column itself, or its text for json and types without a usable equality.
std::string comparable(std::string_view qualifier, const TableColumn &column);

// COALESCE(a = b, a IS NULL AND b IS NULL): never NULL, true when the comparable values of
// column in the rows aliased left and right are not distinct.
std::string not_distinct(const TableColumn &column, std::string_view left, std::string_view right);

// The value of column in the source row aliased as qualifier as the target would store it:
// converted to the column's type with the modifier applied as INSERT applies it (a value the
// column cannot hold raises 22001, numeric(p,s) rounds), under the column's collation.
std::string assigned_value(std::string_view qualifier, const TableColumn &column);

// SELECT <assigned value of "a"> AS "a", ... FROM (<source>) AS q: the source's values as the
// target would store them, under the target's column names, for the row comparisons.
std::string typed_source(std::string_view source_query, const std::vector<TableColumn> &columns);

// The query text embedded as a subquery. The line breaks keep a trailing comment in it from
// swallowing the closing parenthesis.
std::string subquery(std::string_view query);

// A bigint hash of one row's comparable values: each column hashed by its type's own extended
// hash function (equal values hash alike), seeded with its position, the columns XORed.
std::string row_hash(std::string_view qualifier, const std::vector<TableColumn> &columns);

// An order-independent hash sum of the rows' comparable values, or 0 for no rows: equal
// multisets of rows give equal sums.
std::string row_hash_sum(std::string_view qualifier, const std::vector<TableColumn> &columns);

// "q"."a", "q"."b", ... with each column rendered by render.
template <typename Render>
std::string join_columns(const std::vector<TableColumn> &columns, Render render,
                         std::string_view separator = ", ")
{
    std::string out;
    for (const TableColumn &column : columns) {
        if (!out.empty())
            out += separator;
        out += render(column);
    }
    return out;
}

// The target columns a source provides, in the source's order. Each source column must name a
// distinct, writable column of the target (matched exactly, as SQL matches quoted names).
std::vector<TableColumn> map_source_columns(const std::vector<TableColumn> &target_columns,
                                            const std::vector<std::string> &source_names,
                                            std::string_view target_name);

// The position of name in columns, or -1.
int find_column(const std::vector<TableColumn> &columns, std::string_view name);

} // namespace idempotent

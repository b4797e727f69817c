// What idempotent_replace_window and idempotent_upsert need from the backend: a target table's
// columns, a source query checked to be one read-only statement, statements run through SPI,
// and statements run as the extension's owner. Every function here calls backend code directly
// and owns no destructors: C++ code calls them through call_pg().
#pragma once
#include "core/sql_text.hpp"

#include <string>
#include <vector>

#include "pg/postgres.hpp"

extern "C" {
#include "executor/spi.h"
}

namespace idempotent::pg
{

struct PlainColumn {
    const char *name;
    const char *type; // schema-qualified SQL text, with the type modifier
    Oid type_oid;
    AttrNumber attnum;
    bool compare_as_text;
    bool generated;
    const char *equals;             // OPERATOR("ns".=), or "" when the type has none
    const char *less_than;          // OPERATOR("ns".<), or ""
    const char *greater_equal;      // OPERATOR("ns".>=), or ""
    const char *hash_function;      // "ns"."name" of a 64-bit hash function for the values
    const char *hash_argument_type; // the type to cast them to first, or ""
    // The modifier applied as an assignment applies it (TableColumn::typmod_function): the
    // type without it, the function ("" when none applies it), its arguments after the value,
    // the domain to cast to afterwards (or ""). element_typmod: the type is an array whose
    // elements' modifier the extension's idempotent_array_typmod() applies, element by element.
    const char *cast_type;
    const char *typmod_function;
    const char *typmod_arguments;
    const char *domain;
    bool element_typmod;
    const char *collation; // "schema"."name", or "" for a type without collations
};

struct TargetTable {
    Oid relid;
    char relkind;
    const char *schema;
    const char *name;
    const char *display; // as messages show it: qualified only where needed
    int column_count;
    PlainColumn *columns; // not dropped, in attribute order
};

// Describes relid, which must be an ordinary or partitioned table (42809 otherwise).
TargetTable *describe_target(Oid relid);

// The target's columns as the core's SQL builders take them; extension_schema is where the
// extension's functions are. Reads palloc'd data only.
std::vector<TableColumn> table_columns(const TargetTable *target, const char *extension_schema);

// The source's column names. Reads palloc'd data only.
std::vector<std::string> source_column_names(const struct SourceQuery *source);

// Raises 42501 unless the current user holds privilege (ACL_DELETE, ...) on the table.
void require_table_privilege(const TargetTable *target, AclMode privilege);

struct SourceQuery {
    const char *statement; // the one statement's text, without a trailing semicolon or comment
    int column_count;
    const char **column_names;
    bool jit;   // whether the planner would compile the source query alone with JIT
    bool plain; // one table, VALUES list or function, without joins, subqueries or CTEs
};

// Parses and analyzes query, whose parameters have param_types, and checks that it is exactly
// one read-only statement returning rows: a query, VALUES or WITH ... SELECT, with no
// data-modifying part and no row lock. Nothing is executed.
SourceQuery *describe_source(const char *query, int param_count, Oid *param_types);

// Plans the generated statements that follow, until end_generated_statements(level):
// - without JIT, unless the source query alone would be compiled. The generated statements
//   wrap the source in per-row index probes, whose estimates cross jit_above_cost after a few
//   thousand rows although they run in milliseconds; compiling them cost 12 to 16 ms each.
// - with per_row_probes, without hash and merge joins: a join of the source with the target
//   probes the target's index once per source row, as ON CONFLICT does, rather than reading the
//   whole target to hash it. Only for a source that is a plain scan (SourceQuery::plain), whose
//   own plan has no join to lose.
int begin_generated_statements(const SourceQuery *source, bool per_row_probes);
void end_generated_statements(int level);

// Checks that filter is one SQL expression (not a clause, not several): raises 42601 otherwise.
void check_filter_expression(const char *filter);

// The result of one statement: the number of rows processed and the first row, if any.
struct StatementResult {
    uint64 processed;
    HeapTuple first_row;
    TupleDesc descriptor;
};

// Runs sql with SPI (which must be connected); the values live until SPI_finish.
StatementResult execute(const char *sql, int param_count, Oid *param_types, Datum *values,
                        const char *nulls);

// Runs sql as owner, the extension's owner, in a security-restricted operation: how the
// extension writes its own tables, which callers hold no privileges on.
StatementResult execute_as(Oid owner, const char *sql, int param_count, Oid *param_types,
                           Datum *values, const char *nulls);

// The first row's column (1-based); *is_null says whether it is NULL.
Datum result_value(const StatementResult &result, int column, bool *is_null);
int64 result_int64(const StatementResult &result, int column);

// The owner of the function being called: the extension's owner.
Oid function_owner(FunctionCallInfo fcinfo);

// The schema of the function being called: the extension's schema.
const char *function_schema(FunctionCallInfo fcinfo);

} // namespace idempotent::pg

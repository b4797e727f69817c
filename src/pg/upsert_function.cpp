// SELECT * FROM idempotent_upsert(...): ensures that the rows of a query exist in a table with
// their values, writing only the rows that differ (docs/upsert.md).
#include "core/upsert_sql.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "pg/error_bridge.hpp"
#include "pg/result_row.hpp"
#include "pg/upsert_merge.hpp"
#include "pg/window_spi.hpp"

extern "C" {
#include "access/table.h"
#include "catalog/pg_index.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"
}

namespace idempotent::pg
{
namespace
{

// A unique index that ON CONFLICT can use as its arbiter: valid, immediate, without
// expressions or predicate.
struct ArbiterIndex {
    Oid oid;
    bool primary;
    int key_count;
    const char **key_names;
};

struct ArbiterIndexes {
    int count;
    ArbiterIndex *indexes;
    bool has_rules; // of the table: MERGE refuses it, as INSERT ... ON CONFLICT does
};

ArbiterIndexes describe_arbiter_indexes(Oid relid)
{
    Relation relation = table_open(relid, AccessShareLock);
    List *index_oids = RelationGetIndexList(relation);
    ArbiterIndexes result{
        0, (ArbiterIndex *)palloc0(sizeof(ArbiterIndex) * (list_length(index_oids) + 1)), false};
    ListCell *cell;
    foreach (cell, index_oids) {
        HeapTuple tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(cell)));
        if (!HeapTupleIsValid(tuple))
            continue;
        Form_pg_index index = (Form_pg_index)GETSTRUCT(tuple);
        bool usable = index->indisunique && index->indimmediate && index->indisvalid &&
                      heap_attisnull(tuple, Anum_pg_index_indexprs, nullptr) &&
                      heap_attisnull(tuple, Anum_pg_index_indpred, nullptr);
        if (usable) {
            ArbiterIndex *arbiter = &result.indexes[result.count++];
            arbiter->oid = index->indexrelid;
            arbiter->primary = index->indisprimary;
            arbiter->key_count = index->indnkeyatts;
            arbiter->key_names = (const char **)palloc(sizeof(char *) * index->indnkeyatts);
            for (int i = 0; i < index->indnkeyatts; ++i)
                arbiter->key_names[i] = get_attname(relid, index->indkey.values[i], false);
        }
        ReleaseSysCache(tuple);
    }
    result.has_rules = relation->rd_rules != nullptr;
    table_close(relation, NoLock);
    return result;
}

struct UpsertArguments {
    Oid target;
    const char *source_query;
    int key_count; // -1: the primary key
    const char **key_names;
    const char *extension_schema; // where the extension's functions are
};

struct UpsertOutcome {
    bool counted; // inserted and updated are known (track_counts is on)
    int64 inserted;
    int64 updated;
    int64 unchanged;
};

std::vector<std::string> index_keys(const ArbiterIndex &index)
{
    std::vector<std::string> keys(index.key_names, index.key_names + index.key_count);
    std::sort(keys.begin(), keys.end());
    return keys;
}

// The key columns, and the unique indexes over exactly them: those whose violation
// ON CONFLICT (keys) would resolve.
struct KeyChoice {
    std::vector<TableColumn> keys;
    std::vector<Oid> arbiters;
};

// The key columns: the given ones, which a unique index must cover exactly, or the primary key.
KeyChoice choose_keys(const UpsertArguments &arguments, const std::vector<TableColumn> &columns,
                      const ArbiterIndexes &indexes, const std::string &display)
{
    std::vector<std::string> wanted;
    if (arguments.key_count < 0) {
        for (int i = 0; i < indexes.count; ++i)
            if (indexes.indexes[i].primary)
                wanted = index_keys(indexes.indexes[i]);
        if (wanted.empty())
            throw Error(sqlstate::invalid_column_reference,
                        "table " + display + " has no primary key",
                        "Pass key_columns, covered by a unique index or constraint.");
    } else {
        wanted.assign(arguments.key_names, arguments.key_names + arguments.key_count);
        std::sort(wanted.begin(), wanted.end());
    }
    KeyChoice choice;
    std::string listed;
    for (const std::string &name : wanted) {
        int position = find_column(columns, name);
        if (position < 0)
            throw Error(sqlstate::undefined_column,
                        "key column \"" + name + "\" of relation " + display + " does not exist");
        choice.keys.push_back(columns[position]);
        listed += (listed.empty() ? "" : ", ") + name;
    }
    for (int i = 0; i < indexes.count; ++i)
        if (index_keys(indexes.indexes[i]) == wanted)
            choice.arbiters.push_back(indexes.indexes[i].oid);
    if (!choice.arbiters.empty())
        return choice;
    throw Error(sqlstate::invalid_column_reference,
                "no unique index or constraint of " + display + " covers exactly (" + listed + ")",
                "The key columns must be those of a unique, non-partial, non-deferrable index or "
                "constraint: without one, concurrent upserts could insert the same key twice.");
}

UpsertOutcome upsert(const UpsertArguments &arguments)
{
    call_pg([] {
        if (SPI_connect() != SPI_OK_CONNECT)
            elog(ERROR, "SPI_connect failed");
    });
    TargetTable *target = call_pg([&] { return describe_target(arguments.target); });
    ArbiterIndexes indexes{};
    call_pg([&] { indexes = describe_arbiter_indexes(arguments.target); });
    SourceQuery *source =
        call_pg([&] { return describe_source(arguments.source_query, 0, nullptr); });

    if (indexes.has_rules)
        throw Error(sqlstate::feature_not_supported,
                    "table " + std::string(target->display) + " has rules",
                    "Rules rewrite the statement that writes the rows; write through a table "
                    "without rules, or replace them with triggers.");
    std::vector<TableColumn> columns = table_columns(target, arguments.extension_schema);
    UpsertRequest request;
    request.target = qualified_name(target->schema, target->name);
    request.target_display = target->display;
    request.source_columns =
        map_source_columns(columns, source_column_names(source), target->display);
    KeyChoice choice = choose_keys(arguments, columns, indexes, target->display);
    request.key_columns = choice.keys;
    request.source_query = source->statement;
    validate_upsert_request(request);

    std::string check_sql = upsert_check_sql(request);
    int64 rows = 0, null_keys = 0;
    bool duplicates = false;
    int settings_level = call_pg([&] { return begin_generated_statements(source, true); });
    call_pg([&] {
        StatementResult check = execute(check_sql.c_str(), 0, nullptr, nullptr, nullptr);
        bool is_null;
        rows = result_int64(check, 1);
        null_keys = result_int64(check, 2);
        duplicates = DatumGetBool(result_value(check, 3, &is_null));
    });
    std::string keys =
        join_columns(request.key_columns, [](const TableColumn &column) { return column.name; });
    if (null_keys > 0)
        throw Error(sqlstate::not_null_violation,
                    std::to_string(null_keys) + " source rows have a NULL in key (" + keys + ")",
                    "A NULL key never conflicts, so every re-run would insert the row again.");
    if (duplicates) {
        std::string duplicate_sql = upsert_duplicate_key_sql(request);
        const char *duplicate = call_pg([&] {
            bool is_null;
            Datum value = result_value(execute(duplicate_sql.c_str(), 0, nullptr, nullptr, nullptr),
                                       1, &is_null);
            return is_null ? "?" : TextDatumGetCString(value);
        });
        throw Error(sqlstate::cardinality_violation,
                    "key (" + keys + ")=(" + duplicate +
                        ") occurs more than once in the source query",
                    "Each key may appear once: which of its rows should win is not defined.");
    }

    std::string merge_sql =
        upsert_merge_sql(request, source->plain ? KeyProbe::equality : KeyProbe::any_array);
    MergeWrites writes{};
    call_pg([&] {
        writes = run_upsert_merge(merge_sql.c_str(), arguments.target, choice.arbiters.data(),
                                  static_cast<int>(choice.arbiters.size()));
        end_generated_statements(settings_level);
        SPI_finish();
    });
    UpsertOutcome outcome{writes.counted, writes.inserted, writes.updated,
                          rows - static_cast<int64>(writes.processed)};
    return outcome;
}

} // namespace
} // namespace idempotent::pg

using namespace idempotent;
using namespace idempotent::pg;

IDEMPOTENT_FUNCTION(idempotent_upsert)
{
    if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("target and source_query of idempotent_upsert must not be NULL")));
    UpsertArguments arguments;
    arguments.target = PG_GETARG_OID(0);
    arguments.source_query = text_to_cstring(PG_GETARG_TEXT_PP(1));
    arguments.key_count = -1;
    arguments.key_names = nullptr;
    arguments.extension_schema = function_schema(fcinfo);
    if (!PG_ARGISNULL(2)) {
        Datum *elements;
        bool *nulls;
        deconstruct_array(PG_GETARG_ARRAYTYPE_P(2), TEXTOID, -1, false, TYPALIGN_INT, &elements,
                          &nulls, &arguments.key_count);
        if (arguments.key_count == 0)
            ereport(ERROR,
                    (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("key_columns is empty"),
                     errhint("Pass NULL for the primary key.")));
        arguments.key_names = (const char **)palloc(sizeof(char *) * arguments.key_count);
        for (int i = 0; i < arguments.key_count; ++i) {
            if (nulls[i])
                ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                                errmsg("key_columns must not contain NULL")));
            arguments.key_names[i] = TextDatumGetCString(elements[i]);
        }
    }

    UpsertOutcome outcome = upsert(arguments);

    const Datum values[3] = {Int64GetDatum(outcome.inserted), Int64GetDatum(outcome.updated),
                             Int64GetDatum(outcome.unchanged)};
    // With track_counts off, the split between inserted and updated rows is unknown.
    const bool nulls[3] = {!outcome.counted, !outcome.counted, false};
    PG_RETURN_DATUM(result_row(fcinfo, values, nulls));
}

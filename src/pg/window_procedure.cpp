// CALL idempotent_replace_window(...): replaces the rows of a window of a table with the rows of
// a query, atomically, serialized against every other replacement of the same target, and
// without writing anything when the window already holds exactly those rows (docs/window.md).
#include "core/window_sql.hpp"

#include <string>
#include <vector>

#include "pg/error_bridge.hpp"
#include "pg/result_row.hpp"
#include "pg/sql_names.hpp"
#include "pg/window_partitions.hpp"
#include "pg/window_spi.hpp"

extern "C" {
#include "access/xact.h"
#include "utils/guc.h"
#include "utils/numeric.h"
}

namespace idempotent::pg
{
namespace
{

struct WindowArguments {
    Oid target;
    const char *window_column;
    Oid bound_type;
    Datum window_start;
    Datum window_end;
    const char *source_query;
    bool skip_unchanged;
    const char *window_filter; // nullptr: none
    bool nowait;
    bool window_scope; // lock_scope 'window': parallel replacements of disjoint windows
    bool truncate_partitions;
};

struct WindowOutcome {
    int64 deleted;
    int64 inserted;
    bool skipped;
    bool truncated;
};

// The bounds coerced to the window column's type.
struct Bounds {
    Datum start;
    Datum end;
    bool ordered;
    const char *start_text;
    const char *end_text;
};

// rows, rows outside the window, one outside value, hash sum (window_sql.hpp).
struct Summary {
    int64 rows;
    int64 outside;
    const char *outside_example; // nullptr: NULL
    Datum hash_sum;
};

// The target's columns and every identifier the source query and the filter spell: the names
// the replacement's own aliases and CTEs must avoid (WindowRequest::names_in_use).
std::vector<std::string> names_in_use(const std::vector<TableColumn> &columns, const char *source,
                                      const char *filter)
{
    std::vector<std::string> names;
    for (const TableColumn &column : columns)
        names.push_back(column.name);
    for (const char *text : {source, filter}) {
        if (text == nullptr)
            continue;
        List *spelled = call_pg([&] { return spelled_names(text); });
        ListCell *cell = nullptr;
        foreach (cell, spelled)
            names.emplace_back(static_cast<const char *>(lfirst(cell)));
    }
    return names;
}

const char *text_value(const StatementResult &result, int column)
{
    bool is_null;
    Datum value = result_value(result, column, &is_null);
    return is_null ? nullptr : TextDatumGetCString(value);
}

Bounds read_bounds(const StatementResult &result)
{
    bool is_null;
    Bounds bounds;
    bounds.start = result_value(result, 1, &is_null);
    bounds.end = result_value(result, 2, &is_null);
    bounds.ordered = DatumGetBool(result_value(result, 3, &is_null));
    bounds.start_text = text_value(result, 4);
    bounds.end_text = text_value(result, 5);
    return bounds;
}

Summary read_summary(const StatementResult &result)
{
    bool is_null;
    Summary summary;
    summary.rows = result_int64(result, 1);
    summary.outside = result_int64(result, 2);
    summary.outside_example = text_value(result, 3);
    summary.hash_sum = result_value(result, 4, &is_null);
    return summary;
}

bool same_hash_sum(Datum a, Datum b)
{
    return DatumGetBool(DirectFunctionCall2(numeric_eq, a, b));
}

WindowSpan window_span(Oid type)
{
    switch (getBaseType(type)) {
    case INT2OID:
    case INT4OID:
    case INT8OID:
    case NUMERICOID:
        return WindowSpan::numeric;
    case DATEOID:
    case TIMESTAMPOID:
        return WindowSpan::timestamp;
    case TIMESTAMPTZOID:
        return WindowSpan::timestamptz;
    default:
        return WindowSpan::unsupported;
    }
}

// Claims the window: clears stale overlapping claims, then claims, waiting for uncommitted
// overlapping claims; a claim that committed in between sends it round again. With nowait, a
// wait fails at once (lock_timeout, 55P03).
void claim_window(Oid owner, const char *clear_sql, const char *claim_sql, Oid *types,
                  Datum *values, bool nowait)
{
    int guc_level = NewGUCNestLevel();
    if (nowait)
        (void)set_config_option("lock_timeout", "1", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
                                true, 0, false);
    for (;;) {
        execute_as(owner, clear_sql, 3, types, values, "   ");
        if (execute_as(owner, claim_sql, 3, types, values, "   ").processed == 1)
            break;
        CHECK_FOR_INTERRUPTS();
    }
    AtEOXact_GUC(true, guc_level);
}

// What a replacement runs, with its parameters.
class Replacement
{
  public:
    Replacement(FunctionCallInfo fcinfo, const WindowArguments &arguments)
        : fcinfo_(fcinfo), arguments_(arguments)
    {
    }

    WindowOutcome run()
    {
        call_pg([] {
            if (SPI_connect() != SPI_OK_CONNECT)
                elog(ERROR, "SPI_connect failed");
        });
        describe();
        int settings_level = call_pg([&] { return begin_generated_statements(source_, false); });
        lock();
        WindowOutcome outcome{0, 0, false, false};
        Summary contents{};
        if (arguments_.skip_unchanged) {
            StatementResult source = summarize_source();
            int64 image_hash_sum = 0;
            call_pg([&] {
                contents = read_summary(source);
                image_hash_sum = result_int64(source, 5);
            });
            require_inside(contents);
            outcome.skipped = window_unchanged(contents, image_hash_sum);
        }
        if (!outcome.skipped) {
            std::vector<std::string> partitions = partitions_to_truncate();
            outcome.truncated = !partitions.empty();
            if (outcome.truncated) {
                run_statement(window_lock_partitions_sql(partitions));
                StatementResult held = run_statement(window_rows_sql(request_));
                run_statement(window_truncate_sql(partitions));
                call_pg([&] { outcome.deleted = result_int64(held, 1); });
            }
            // The digest of the source's rows, from the comparison when there was one.
            bool hashed = arguments_.skip_unchanged;
            StatementResult replaced =
                run_statement(window_replace_sql(request_, !outcome.truncated, !hashed));
            call_pg([&] {
                Datum source_hash_sum = contents.hash_sum;
                contents = read_summary(replaced);
                if (hashed)
                    contents.hash_sum = source_hash_sum;
                if (!outcome.truncated)
                    outcome.deleted = result_int64(replaced, 5);
            });
            require_inside(contents);
            outcome.inserted = contents.rows;
        }
        log(outcome, contents);
        call_pg([&] {
            end_generated_statements(settings_level);
            SPI_finish();
        });
        return outcome;
    }

  private:
    // With truncate_partitions, the partitions that hold exactly the window (quoted, qualified
    // names); none when the window is not whole partitions, or a filter narrows it.
    std::vector<std::string> partitions_to_truncate()
    {
        std::vector<std::string> names;
        if (!arguments_.truncate_partitions || !request_.window_filter.empty())
            return names;
        PartitionList list{};
        call_pg([&] {
            list = partitions_covering(target_->relid, window_attnum_, bounds_.start, bounds_.end);
        });
        for (int i = 0; i < list.count; ++i)
            names.push_back(qualified_name(list.schemas[i], list.names[i]));
        return names;
    }

    // The target, the bounds in the window column's type, the source query's shape.
    void describe()
    {
        const WindowArguments &a = arguments_;
        target_ = call_pg([&] { return describe_target(a.target); });
        extension_schema_ = call_pg([&] { return function_schema(fcinfo_); });
        std::vector<TableColumn> columns = table_columns(target_, extension_schema_.c_str());
        int window_column = find_column(columns, a.window_column);
        if (window_column < 0)
            throw Error(sqlstate::undefined_column,
                        std::string("column \"") + a.window_column + "\" of relation " +
                            target_->display + " does not exist",
                        "window_column names the column that places a row in a window.");
        column_type_ = target_->columns[window_column].type_oid;
        window_attnum_ = target_->columns[window_column].attnum;
        request_.window_column = columns[window_column];
        if (request_.window_column.less_than.empty() ||
            request_.window_column.greater_equal.empty())
            throw Error(sqlstate::feature_not_supported,
                        "window column \"" + request_.window_column.name + "\" has type " +
                            request_.window_column.type + ", which has no ordering",
                        "Windows are ranges of a column whose type has a btree ordering.");

        std::string bounds_sql = window_bounds_sql(request_.window_column);
        call_pg([&] {
            Oid types[2] = {a.bound_type, a.bound_type};
            Datum values[2] = {a.window_start, a.window_end};
            bounds_ = read_bounds(execute(bounds_sql.c_str(), 2, types, values, "  "));
        });
        if (!bounds_.ordered)
            throw Error(sqlstate::invalid_parameter_value,
                        std::string("window_start must be before window_end, but the window [") +
                            bounds_.start_text + ", " + bounds_.end_text + ") is empty");
        call_pg([&] { require_table_privilege(target_, ACL_DELETE); });

        SourceQuery *source = call_pg([&] {
            Oid types[2] = {column_type_, column_type_};
            return describe_source(a.source_query, 2, types);
        });
        request_.target = qualified_name(target_->schema, target_->name);
        request_.target_display = target_->display;
        request_.source_columns =
            map_source_columns(columns, source_column_names(source), target_->display);
        request_.source_query = source->statement;
        source_ = source;
        if (a.window_filter != nullptr)
            request_.window_filter = a.window_filter;
        validate_window_request(request_);
        if (a.window_filter != nullptr)
            call_pg([&] { check_filter_expression(a.window_filter); });
        request_.names_in_use = names_in_use(columns, source->statement, a.window_filter);
        request_.extension_schema = extension_schema_;
        owner_ = call_pg([&] { return function_owner(fcinfo_); });
    }

    // Waits for every other replacement of the target (or fails at once with nowait), then
    // marks the target's lock row, so that a snapshot older than this replacement cannot pass
    // it: REPEATABLE READ callers get 40001 instead of a stale view of the window.
    void lock()
    {
        take_advisory_lock();
        arguments_.window_scope ? claim() : mark_lock_row();
    }

    // Exclusive for lock_scope 'table', shared for 'window'; with nowait, 55P03 at once.
    void take_advisory_lock()
    {
        std::string sql = window_advisory_lock_sql(arguments_.window_scope, arguments_.nowait);
        bool taken = call_pg([&] {
            Oid types[2] = {INT4OID, INT4OID};
            Datum values[2] = {Int32GetDatum(window_advisory_lock_class),
                               Int32GetDatum((int32)target_->relid)};
            bool is_null;
            return DatumGetBool(
                result_value(execute(sql.c_str(), 2, types, values, "  "), 1, &is_null));
        });
        if (!taken)
            throw Error(sqlstate::lock_not_available,
                        std::string("could not lock ") + target_->display +
                            " for a window replacement: another replacement holds it",
                        "nowait => true fails instead of waiting; retry later.");
    }

    // So that a snapshot older than this replacement cannot pass it: REPEATABLE READ callers
    // get 40001 instead of a stale view of the window.
    void mark_lock_row()
    {
        std::string sql = window_lock_row_sql(extension_schema_);
        call_pg([&] {
            Oid types[1] = {REGCLASSOID};
            Datum values[1] = {ObjectIdGetDatum(target_->relid)};
            execute_as(owner_, sql.c_str(), 1, types, values, " ");
        });
    }

    // Claims the window against overlapping parallel replacements. Only in READ COMMITTED: an
    // older snapshot could miss the rows of an overlapping replacement that committed while
    // this one waited for its claim.
    void claim()
    {
        bool snapshot_per_transaction = call_pg([] { return IsolationUsesXactSnapshot(); });
        if (snapshot_per_transaction)
            throw Error(sqlstate::feature_not_supported,
                        "lock_scope 'window' runs only in READ COMMITTED transactions",
                        "Use lock_scope 'table' under REPEATABLE READ or SERIALIZABLE.");
        WindowSpan span = window_span(column_type_);
        std::string clear_sql = window_clear_claims_sql(extension_schema_, span);
        std::string claim_sql = window_claim_sql(extension_schema_, span);
        call_pg([&] {
            Oid types[3] = {REGCLASSOID, column_type_, column_type_};
            Datum values[3] = {ObjectIdGetDatum(target_->relid), bounds_.start, bounds_.end};
            claim_window(owner_, clear_sql.c_str(), claim_sql.c_str(), types, values,
                         arguments_.nowait);
        });
    }

    // Structures come back through an out-parameter: call_pg returns scalars only.
    StatementResult run_statement(const std::string &sql)
    {
        StatementResult result{};
        call_pg([&] {
            Oid types[2] = {column_type_, column_type_};
            Datum values[2] = {bounds_.start, bounds_.end};
            result = execute(sql.c_str(), 2, types, values, "  ");
        });
        return result;
    }

    // The source rows' summary. The filter is evaluated on them, so a filter reading a column
    // the source does not return fails here: the hint says why.
    StatementResult summarize_source()
    {
        try {
            return run_statement(window_source_summary_sql(request_));
        } catch (const PgError &error) {
            ErrorData *data = error.data();
            if (data->sqlerrcode == ERRCODE_UNDEFINED_COLUMN && !request_.window_filter.empty() &&
                data->hint == nullptr)
                data->hint = call_pg([] {
                    return pstrdup("window_filter is checked on the source rows before anything "
                                   "is written: the source query must return every column the "
                                   "filter reads.");
                });
            throw;
        }
    }

    // Equal counts, equal hash sums, and equal image hash sums or the source contained in the
    // window: equal multisets.
    bool window_unchanged(const Summary &source, int64 source_image_hash_sum)
    {
        StatementResult current = run_statement(window_current_summary_sql(request_));
        bool candidate = call_pg([&] {
            bool is_null;
            return result_int64(current, 1) == source.rows &&
                   same_hash_sum(result_value(current, 2, &is_null), source.hash_sum);
        });
        if (!candidate)
            return false;
        // Stored as the source produces them, byte for byte: equal without comparing rows.
        if (call_pg([&] { return result_int64(current, 3); }) == source_image_hash_sum)
            return true;
        StatementResult contained = run_statement(window_contained_sql(request_));
        return call_pg([&] {
            bool is_null;
            return DatumGetBool(result_value(contained, 1, &is_null));
        });
    }

    // A row outside the window, or with a NULL window value, would survive the next run's
    // delete and be duplicated by every re-run.
    void require_inside(const Summary &summary)
    {
        if (summary.outside == 0)
            return;
        std::string example = summary.outside_example ? summary.outside_example : "NULL";
        throw Error(
            sqlstate::check_violation,
            std::to_string(summary.outside) + " of " + std::to_string(summary.rows) +
                " source rows lie outside the window [" + bounds_.start_text + ", " +
                bounds_.end_text + ") of column \"" + request_.window_column.name + "\"" +
                (request_.window_filter.empty() ? "" : " where " + request_.window_filter) +
                ", for example " + example,
            "Every source row must fall inside the window: a row outside it would survive the "
            "next run's delete and be duplicated by every re-run. Filter the source query with "
            "$1 and $2, the window's bounds.");
    }

    void log(const WindowOutcome &outcome, const Summary &contents)
    {
        std::string log_sql = window_run_log_sql(extension_schema_);
        std::string bounds_sql = window_bounds_text_sql();
        call_pg([&] {
            // The bounds become text as the caller: only the insert runs as the owner.
            Oid bound_types[2] = {column_type_, column_type_};
            Datum bound_values[2] = {bounds_.start, bounds_.end};
            StatementResult bounds =
                execute(bounds_sql.c_str(), 2, bound_types, bound_values, "  ");
            bool is_null;
            Datum start_text = result_value(bounds, 1, &is_null);
            Datum end_text = result_value(bounds, 2, &is_null);

            Oid types[13] = {REGCLASSOID, TEXTOID, TEXTOID, TEXTOID,    TEXTOID, TEXTOID, INT8OID,
                             INT8OID,     BOOLOID, INT8OID, NUMERICOID, TEXTOID, BOOLOID};
            const WindowArguments &a = arguments_;
            Datum values[13] = {
                ObjectIdGetDatum(target_->relid),
                CStringGetTextDatum(target_->display),
                CStringGetTextDatum(a.window_column),
                start_text,
                end_text,
                a.window_filter ? CStringGetTextDatum(a.window_filter) : (Datum)0,
                Int64GetDatum(outcome.deleted),
                Int64GetDatum(outcome.inserted),
                BoolGetDatum(outcome.skipped),
                Int64GetDatum(contents.rows),
                contents.hash_sum,
                CStringGetTextDatum(GetUserNameFromId(GetUserId(), false)),
                BoolGetDatum(outcome.truncated),
            };
            const char *nulls = a.window_filter ? "             " : "     n       ";
            execute_as(owner_, log_sql.c_str(), 13, types, values, nulls);
        });
    }

    FunctionCallInfo fcinfo_;
    const WindowArguments &arguments_;
    TargetTable *target_ = nullptr;
    Oid column_type_ = InvalidOid;
    AttrNumber window_attnum_ = InvalidAttrNumber;
    Bounds bounds_{};
    WindowRequest request_;
    const SourceQuery *source_ = nullptr;
    std::string extension_schema_;
    Oid owner_ = InvalidOid;
};

WindowOutcome replace_window(FunctionCallInfo fcinfo, const WindowArguments &arguments)
{
    Replacement replacement(fcinfo, arguments);
    return replacement.run();
}

void require_argument(FunctionCallInfo fcinfo, int number, const char *name)
{
    if (PG_ARGISNULL(number))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("%s of idempotent_replace_window must not be NULL", name)));
}

} // namespace
} // namespace idempotent::pg

using namespace idempotent;
using namespace idempotent::pg;

IDEMPOTENT_FUNCTION(idempotent_replace_window)
{
    const char *names[] = {"target", "window_column", "window_start", "window_end", "source_query"};
    for (int i = 0; i < 5; ++i)
        require_argument(fcinfo, i, names[i]);
    require_argument(fcinfo, 8, "skip_unchanged");
    require_argument(fcinfo, 10, "nowait");
    require_argument(fcinfo, 11, "lock_scope");
    require_argument(fcinfo, 12, "truncate_partitions");

    WindowArguments arguments;
    arguments.target = PG_GETARG_OID(0);
    arguments.window_column = text_to_cstring(PG_GETARG_TEXT_PP(1));
    arguments.bound_type = get_fn_expr_argtype(fcinfo->flinfo, 2);
    if (!OidIsValid(arguments.bound_type))
        elog(ERROR, "could not determine the type of window_start");
    arguments.window_start = PG_GETARG_DATUM(2);
    arguments.window_end = PG_GETARG_DATUM(3);
    arguments.source_query = text_to_cstring(PG_GETARG_TEXT_PP(4));
    arguments.skip_unchanged = PG_GETARG_BOOL(8);
    arguments.window_filter = PG_ARGISNULL(9) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(9));
    arguments.nowait = PG_GETARG_BOOL(10);
    arguments.truncate_partitions = PG_GETARG_BOOL(12);
    const char *lock_scope = text_to_cstring(PG_GETARG_TEXT_PP(11));
    arguments.window_scope = strcmp(lock_scope, "window") == 0;
    if (!arguments.window_scope && strcmp(lock_scope, "table") != 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("lock_scope must be 'table' or 'window', not '%s'", lock_scope)));

    WindowOutcome outcome = replace_window(fcinfo, arguments);

    const Datum values[3] = {Int64GetDatum(outcome.deleted), Int64GetDatum(outcome.inserted),
                             BoolGetDatum(outcome.skipped)};
    const bool nulls[3] = {false, false, false};
    PG_RETURN_DATUM(result_row(fcinfo, values, nulls));
}

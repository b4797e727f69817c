#include "pg/window_spi.hpp"

extern "C" {
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_proc.h"
#include "jit/jit.h"
#include "nodes/nodeFuncs.h"
#include "parser/parse_coerce.h"
#include "parser/parser.h"
#include "parser/scanner.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/plancache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"
}

namespace idempotent::pg
{
namespace
{

// OPERATOR("schema".name): the operator exactly, whatever the search_path.
const char *operator_sql(Oid operator_oid)
{
    if (!OidIsValid(operator_oid))
        return "";
    HeapTuple tuple = SearchSysCache1(OPEROID, ObjectIdGetDatum(operator_oid));
    if (!HeapTupleIsValid(tuple))
        elog(ERROR, "cache lookup failed for operator %u", operator_oid);
    Form_pg_operator form = (Form_pg_operator)GETSTRUCT(tuple);
    const char *sql =
        psprintf("OPERATOR(%s.%s)", ::quote_identifier(get_namespace_name(form->oprnamespace)),
                 NameStr(form->oprname));
    ReleaseSysCache(tuple);
    return sql;
}

// "schema"."name" of a function, or "" for none.
const char *function_sql(Oid function)
{
    if (!OidIsValid(function))
        return "";
    return quote_qualified_identifier(get_namespace_name(get_func_namespace(function)),
                                      get_func_name(function));
}

// How the column's values are hashed: by the type's own extended hash function, cast to its
// argument type when that differs (it may be a binary-compatible type without a cast, as int4
// for date); as text when no cast leads there. Dates, common window columns, hash as
// timestamps: an exact cast, far cheaper than text.
void choose_hash_function(Oid type, Oid hash_function, PlainColumn *column)
{
    column->hash_function = "pg_catalog.hashtextextended";
    column->hash_argument_type = "pg_catalog.text";
    if (getBaseType(type) == DATEOID) {
        column->hash_function = function_sql(F_TIMESTAMP_HASH_EXTENDED);
        column->hash_argument_type = "pg_catalog.timestamp";
        return;
    }
    if (!OidIsValid(hash_function))
        return;
    Oid *arguments;
    int argument_count;
    get_func_signature(hash_function, &arguments, &argument_count);
    Oid argument = arguments[0];
    Oid base = getBaseType(type);
    if (argument == type || argument == base || IsPolymorphicType(argument)) {
        column->hash_function = function_sql(hash_function);
        column->hash_argument_type = "";
    } else if (can_coerce_type(1, &type, &argument, COERCION_EXPLICIT)) {
        column->hash_function = function_sql(hash_function);
        column->hash_argument_type = format_type_extended(argument, -1, FORMAT_TYPE_FORCE_QUALIFY);
    }
}

// How the column's type modifier is applied to a source value as INSERT applies it: by the
// length coercion function that pg_cast lists from the type to itself (for an array, its
// element type's, applied to each element), not explicit. A domain's modifier is its base
// type's. A type without such a function has no modifier to apply.
void choose_typmod_function(Form_pg_attribute attribute, PlainColumn *column)
{
    column->cast_type = "";
    column->typmod_function = "";
    column->typmod_arguments = "";
    column->domain = "";
    column->element_typmod = false;
    int32 typmod = attribute->atttypmod;
    Oid base = getBaseTypeAndTypmod(attribute->atttypid, &typmod);
    if (typmod < 0)
        return;
    Oid function = InvalidOid;
    CoercionPathType path = find_typmod_coercion_function(base, &function);
    if (path == COERCION_PATH_NONE)
        return;
    // TYPEMOD_GIVEN with -1: bpchar, not character (which would mean character(1)).
    column->cast_type =
        format_type_extended(base, -1, FORMAT_TYPE_TYPEMOD_GIVEN | FORMAT_TYPE_FORCE_QUALIFY);
    if (base != attribute->atttypid)
        column->domain = column->type;
    if (path == COERCION_PATH_ARRAYCOERCE) {
        column->element_typmod = true;
        column->typmod_arguments = psprintf(", %d", typmod);
        return;
    }
    column->typmod_function = function_sql(function);
    // The length coercion functions that take a third argument take isExplicit.
    column->typmod_arguments =
        psprintf(", %d%s", typmod, get_func_nargs(function) >= 3 ? ", false" : "");
}

// "schema"."name" of the column's collation, or "" for a type without collations.
const char *collation_sql(Oid collation)
{
    if (!OidIsValid(collation))
        return "";
    HeapTuple tuple = SearchSysCache1(COLLOID, ObjectIdGetDatum(collation));
    if (!HeapTupleIsValid(tuple))
        elog(ERROR, "cache lookup failed for collation %u", collation);
    Form_pg_collation form = (Form_pg_collation)GETSTRUCT(tuple);
    const char *sql = quote_qualified_identifier(get_namespace_name(form->collnamespace),
                                                 pstrdup(NameStr(form->collname)));
    ReleaseSysCache(tuple);
    return sql;
}

void describe_column(Form_pg_attribute attribute, PlainColumn *column)
{
    column->name = pstrdup(NameStr(attribute->attname));
    column->type_oid = attribute->atttypid;
    column->attnum = attribute->attnum;
    column->type = format_type_extended(attribute->atttypid, attribute->atttypmod,
                                        FORMAT_TYPE_TYPEMOD_GIVEN | FORMAT_TYPE_FORCE_QUALIFY);
    column->generated = attribute->attgenerated != '\0';
    TypeCacheEntry *type = lookup_type_cache(
        attribute->atttypid, TYPECACHE_EQ_OPR | TYPECACHE_LT_OPR | TYPECACHE_BTREE_OPFAMILY |
                                 TYPECACHE_HASH_EXTENDED_PROC);
    // Rows are compared by hashing and by EXCEPT ALL, which need a hashable equality; json has
    // none (and its text is what it stores), so such values compare as text.
    column->compare_as_text = getBaseType(attribute->atttypid) == JSONOID ||
                              !OidIsValid(type->eq_opr) || !OidIsValid(type->hash_extended_proc);
    column->equals = operator_sql(type->eq_opr);
    column->less_than = operator_sql(type->lt_opr);
    choose_hash_function(attribute->atttypid, type->hash_extended_proc, column);
    choose_typmod_function(attribute, column);
    column->collation = collation_sql(attribute->attcollation);
    column->greater_equal =
        operator_sql(OidIsValid(type->btree_opf)
                         ? get_opfamily_member(type->btree_opf, type->btree_opintype,
                                               type->btree_opintype, BTGreaterEqualStrategyNumber)
                         : InvalidOid);
}

bool refuse_writes(Node *node, void *);

// The walker as query_tree_walker() takes it (through void (*)(), which any function type
// converts to and from).
auto *const refuse_writes_walker = (bool (*)())(void (*)())refuse_writes;

// Refuses any part of a source query that writes or locks: a data-modifying statement or CTE,
// a utility statement (SELECT INTO, EXPLAIN ...), FOR UPDATE/SHARE at any level.
bool refuse_writes(Node *node, void *)
{
    if (node == nullptr)
        return false;
    if (IsA(node, Query)) {
        Query *query = (Query *)node;
        if (query->commandType != CMD_SELECT || query->utilityStmt != nullptr)
            ereport(
                ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                 errmsg("the source query must be read-only: %s is not allowed",
                        query->commandType == CMD_UTILITY ? "a utility statement"
                                                          : "a data-modifying statement"),
                 errhint("Pass a query, VALUES or WITH ... SELECT; the call does the writing.")));
        if (query->rowMarks != NIL || query->hasForUpdate)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("the source query must not lock rows (FOR UPDATE/SHARE)")));
        return query_tree_walker(query, refuse_writes_walker, nullptr, 0);
    }
    return expression_tree_walker(node, refuse_writes_walker, nullptr);
}

} // namespace

TargetTable *describe_target(Oid relid)
{
    char relkind = get_rel_relkind(relid);
    if (relkind == '\0')
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                        errmsg("relation with OID %u does not exist", relid)));
    const char *display =
        DatumGetCString(DirectFunctionCall1(regclassout, ObjectIdGetDatum(relid)));
    if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
        ereport(ERROR,
                (errcode(ERRCODE_WRONG_OBJECT_TYPE), errmsg("\"%s\" is not a table", display),
                 errhint("The target must be an ordinary or a partitioned table.")));

    TargetTable *target = (TargetTable *)palloc0(sizeof(TargetTable));
    target->relid = relid;
    target->relkind = relkind;
    target->schema = get_namespace_name(get_rel_namespace(relid));
    target->name = get_rel_name(relid);
    target->display = display;

    // Held to the end of the transaction, as the statements that follow would hold it.
    Relation relation = table_open(relid, AccessShareLock);
    TupleDesc descriptor = RelationGetDescr(relation);
    target->columns = (PlainColumn *)palloc0(sizeof(PlainColumn) * descriptor->natts);
    for (int i = 0; i < descriptor->natts; ++i) {
        Form_pg_attribute attribute = TupleDescAttr(descriptor, i);
        if (!attribute->attisdropped)
            describe_column(attribute, &target->columns[target->column_count++]);
    }
    table_close(relation, NoLock);
    return target;
}

std::vector<TableColumn> table_columns(const TargetTable *target, const char *extension_schema)
{
    std::vector<TableColumn> columns;
    for (int i = 0; i < target->column_count; ++i) {
        const PlainColumn &column = target->columns[i];
        std::string typmod_function =
            column.element_typmod ? qualified_name(extension_schema, "idempotent_array_typmod")
                                  : std::string(column.typmod_function);
        columns.push_back(TableColumn{column.name, column.type, column.compare_as_text,
                                      column.generated, column.equals, column.less_than,
                                      column.greater_equal, column.hash_function,
                                      column.hash_argument_type, column.cast_type, typmod_function,
                                      column.typmod_arguments, column.domain, column.collation});
    }
    return columns;
}

std::vector<std::string> source_column_names(const SourceQuery *source)
{
    return std::vector<std::string>(source->column_names,
                                    source->column_names + source->column_count);
}

void require_table_privilege(const TargetTable *target, AclMode privilege)
{
    AclResult result = pg_class_aclcheck(target->relid, GetUserId(), privilege);
    if (result != ACLCHECK_OK)
        aclcheck_error(result, get_relkind_objtype(target->relkind), target->name);
}

namespace
{

bool planned_with_jit(SPIPlanPtr plan)
{
    CachedPlan *cached = SPI_plan_get_cached_plan(plan);
    bool jit = false;
    ListCell *cell;
    foreach (cell, cached->stmt_list) {
        Node *statement = (Node *)lfirst(cell);
        if (IsA(statement, PlannedStmt) && (((PlannedStmt *)statement)->jitFlags & PGJIT_PERFORM))
            jit = true;
    }
    // An unsaved SPI plan's cached plan belongs to no resource owner.
    ReleaseCachedPlan(cached, nullptr);
    return jit;
}

// One query over at most one table, VALUES list or function: nothing for the planner to join.
bool is_plain_scan(List *queries)
{
    if (list_length(queries) != 1)
        return false;
    const Query *query = linitial_node(Query, queries);
    if (query->cteList != NIL || query->hasSubLinks || query->setOperations != nullptr ||
        list_length(query->rtable) > 1)
        return false;
    if (query->rtable == NIL)
        return true;
    const RangeTblEntry *entry = linitial_node(RangeTblEntry, query->rtable);
    return entry->rtekind == RTE_RELATION || entry->rtekind == RTE_VALUES ||
           entry->rtekind == RTE_FUNCTION;
}

} // namespace

SourceQuery *describe_source(const char *query, int param_count, Oid *param_types)
{
    SPIPlanPtr plan = SPI_prepare(query, param_count, param_types);
    if (plan == nullptr)
        elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
    List *sources = SPI_plan_get_plan_sources(plan);
    if (list_length(sources) != 1)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("the source query must be exactly one statement, not %d",
                               list_length(sources))));
    CachedPlanSource *source = (CachedPlanSource *)linitial(sources);
    ListCell *cell;
    foreach (cell, source->query_list)
        refuse_writes((Node *)lfirst(cell), nullptr);
    if (source->resultDesc == nullptr)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("the source query returns no rows")));

    SourceQuery *result = (SourceQuery *)palloc0(sizeof(SourceQuery));
    RawStmt *raw = source->raw_parse_tree;
    int start = raw->stmt_location > 0 ? raw->stmt_location : 0;
    int length = raw->stmt_len > 0 ? raw->stmt_len : (int)strlen(query) - start;
    result->statement = pnstrdup(query + start, length);
    TupleDesc descriptor = source->resultDesc;
    result->column_count = descriptor->natts;
    result->column_names = (const char **)palloc(sizeof(char *) * (descriptor->natts + 1));
    for (int i = 0; i < descriptor->natts; ++i)
        result->column_names[i] = pstrdup(NameStr(TupleDescAttr(descriptor, i)->attname));
    result->jit = planned_with_jit(plan);
    result->plain = is_plain_scan(source->query_list);
    SPI_freeplan(plan);
    return result;
}

int begin_generated_statements(const SourceQuery *source, bool per_row_probes)
{
    int level = NewGUCNestLevel();
    auto set = [](const char *name) {
        (void)set_config_option(name, "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0,
                                false);
    };
    if (!source->jit)
        set("jit");
    if (per_row_probes && source->plain) {
        set("enable_hashjoin");
        set("enable_mergejoin");
    }
    return level;
}

void end_generated_statements(int level)
{
    AtEOXact_GUC(true, level);
}

namespace
{

// Whether text's parentheses, as tokens (not inside strings, identifiers or comments), close
// only what they opened, with no statement separator among them: so that text, wrapped in
// parentheses, cannot close them and continue the statement around it.
bool parentheses_balanced(const char *text)
{
    core_yy_extra_type extra;
    core_YYSTYPE value;
    YYLTYPE location;
    core_yyscan_t scanner = scanner_init(text, &extra, &ScanKeywords, ScanKeywordTokens);
    int depth = 0;
    bool balanced = true;
    for (int token = core_yylex(&value, &location, scanner); token != 0;
         token = core_yylex(&value, &location, scanner)) {
        if (token == '(')
            ++depth;
        else if (token == ')' && --depth < 0)
            balanced = false;
        else if (token == ';')
            balanced = false;
    }
    scanner_finish(scanner);
    return balanced && depth == 0;
}

} // namespace

void check_filter_expression(const char *filter)
{
    List *statements = raw_parser(psprintf("SELECT 1 WHERE (\n%s\n)", filter), RAW_PARSE_DEFAULT);
    bool one_expression = false;
    if (list_length(statements) == 1 && parentheses_balanced(filter)) {
        Node *node = ((RawStmt *)linitial(statements))->stmt;
        if (IsA(node, SelectStmt)) {
            SelectStmt *select = (SelectStmt *)node;
            one_expression = select->op == SETOP_NONE && select->whereClause != nullptr &&
                             list_length(select->targetList) == 1 && select->fromClause == NIL &&
                             select->groupClause == NIL && select->havingClause == nullptr &&
                             select->windowClause == NIL && select->sortClause == NIL &&
                             select->limitCount == nullptr && select->limitOffset == nullptr &&
                             select->lockingClause == NIL && select->withClause == nullptr &&
                             select->intoClause == nullptr && select->distinctClause == NIL &&
                             select->valuesLists == NIL;
        }
    }
    if (!one_expression)
        ereport(ERROR, (errcode(ERRCODE_SYNTAX_ERROR),
                        errmsg("window_filter must be one boolean expression: %s", filter),
                        errhint("For example: tenant_id = 42")));
}

StatementResult execute(const char *sql, int param_count, Oid *param_types, Datum *values,
                        const char *nulls)
{
    int code = SPI_execute_with_args(sql, param_count, param_types, values, nulls, false, 0);
    if (code < 0)
        elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(code));
    StatementResult result{SPI_processed, nullptr, nullptr};
    if (SPI_tuptable != nullptr && SPI_processed > 0) {
        result.first_row = SPI_tuptable->vals[0];
        result.descriptor = SPI_tuptable->tupdesc;
    }
    return result;
}

StatementResult execute_as(Oid owner, const char *sql, int param_count, Oid *param_types,
                           Datum *values, const char *nulls)
{
    Oid saved_user;
    int saved_context;
    GetUserIdAndSecContext(&saved_user, &saved_context);
    SetUserIdAndSecContext(owner, saved_context | SECURITY_LOCAL_USERID_CHANGE |
                                      SECURITY_RESTRICTED_OPERATION);
    StatementResult result;
    PG_TRY();
    {
        result = execute(sql, param_count, param_types, values, nulls);
    }
    PG_FINALLY();
    {
        SetUserIdAndSecContext(saved_user, saved_context);
    }
    PG_END_TRY();
    return result;
}

Datum result_value(const StatementResult &result, int column, bool *is_null)
{
    if (result.first_row == nullptr)
        elog(ERROR, "statement returned no row");
    return SPI_getbinval(result.first_row, result.descriptor, column, is_null);
}

int64 result_int64(const StatementResult &result, int column)
{
    bool is_null;
    Datum value = result_value(result, column, &is_null);
    return is_null ? 0 : DatumGetInt64(value);
}

Oid function_owner(FunctionCallInfo fcinfo)
{
    HeapTuple tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(fcinfo->flinfo->fn_oid));
    if (!HeapTupleIsValid(tuple))
        elog(ERROR, "cache lookup failed for function %u", fcinfo->flinfo->fn_oid);
    Oid owner = ((Form_pg_proc)GETSTRUCT(tuple))->proowner;
    ReleaseSysCache(tuple);
    return owner;
}

const char *function_schema(FunctionCallInfo fcinfo)
{
    return get_namespace_name(get_func_namespace(fcinfo->flinfo->fn_oid));
}

} // namespace idempotent::pg

#include "pg/result_row.hpp"

namespace idempotent::pg
{

Datum result_row(FunctionCallInfo fcinfo, const Datum *values, const bool *nulls)
{
    TupleDesc descriptor = nullptr;
    if (get_call_result_type(fcinfo, nullptr, &descriptor) != TYPEFUNC_COMPOSITE)
        elog(ERROR, "%s must return a row", get_func_name(fcinfo->flinfo->fn_oid));
    descriptor = BlessTupleDesc(descriptor);
    return HeapTupleGetDatum(
        heap_form_tuple(descriptor, const_cast<Datum *>(values), const_cast<bool *>(nulls)));
}

} // namespace idempotent::pg

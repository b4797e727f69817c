#include "pg/variadic_arguments.hpp"

namespace idempotent::pg
{

CallSite *call_site(FunctionCallInfo fcinfo)
{
    FmgrInfo *flinfo = fcinfo->flinfo;
    if (flinfo->fn_extra != nullptr)
        return static_cast<CallSite *>(flinfo->fn_extra);

    CallSite *site = (CallSite *)MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(CallSite));
    site->variadic_array = get_fn_expr_variadic(flinfo);
    site->type_count = site->variadic_array ? 1 : PG_NARGS();
    site->types = (Oid *)MemoryContextAlloc(flinfo->fn_mcxt, sizeof(Oid) * site->type_count);
    site->type_data =
        (void **)MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(void *) * site->type_count);
    for (int i = 0; i < site->type_count; ++i) {
        Oid type = get_fn_expr_argtype(flinfo, i);
        if (!OidIsValid(type))
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("could not determine the data type of argument %d of %s", i + 1,
                                   get_func_name(flinfo->fn_oid))));
        site->types[i] = type;
    }
    if (site->variadic_array) {
        Oid element = get_base_element_type(site->types[0]);
        if (!OidIsValid(element))
            ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                            errmsg("VARIADIC argument of %s must be an array",
                                   get_func_name(flinfo->fn_oid))));
        site->types[0] = element;
        get_typlenbyvalalign(element, &site->element_length, &site->element_by_value,
                             &site->element_align);
    }
    flinfo->fn_extra = site;
    return site;
}

bool read_arguments(FunctionCallInfo fcinfo, CallSite *site, Arguments *arguments)
{
    arguments->site = site;
    arguments->fcinfo = fcinfo;
    arguments->array_values = nullptr;
    arguments->array_nulls = nullptr;
    if (!site->variadic_array) {
        arguments->count = PG_NARGS();
        return true;
    }
    if (PG_ARGISNULL(0))
        return false;
    ArrayType *array = PG_GETARG_ARRAYTYPE_P(0);
    deconstruct_array(array, site->types[0], site->element_length, site->element_by_value,
                      site->element_align, &arguments->array_values, &arguments->array_nulls,
                      &arguments->count);
    if (arguments->count == 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("VARIADIC argument of %s is an empty array",
                               get_func_name(fcinfo->flinfo->fn_oid)),
                        errhint("Pass at least one value.")));
    return true;
}

} // namespace idempotent::pg

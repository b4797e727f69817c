// idempotent_array_typmod(anyarray, integer): an array's elements with a type modifier applied
// as INSERT applies it to a column of type element(modifier)[]: each element passed to the
// element type's length coercion function, not explicit, so that a value too long for
// varchar(n) raises 22001 where a cast would truncate it (numeric(p,s) rounds either way). The
// window replacement and the upsert compare source rows as the target would store them
// (TableColumn::typmod_function); SQL has no assignment cast to call for arrays.
#include "pg/error_bridge.hpp"

extern "C" {
#include "parser/parse_coerce.h"
}

namespace
{

// The element type and its length coercion function, resolved on the first row of a call
// site (and again should the array type change).
struct ArrayTypmodSite {
    Oid array_type;
    Oid element_type;
    int16 length;
    bool by_value;
    char align;
    bool has_function; // false: the element type has no modifier to apply
    int argument_count;
    FmgrInfo function;
};

ArrayTypmodSite *array_typmod_site(FunctionCallInfo fcinfo, Oid array_type)
{
    auto *site = static_cast<ArrayTypmodSite *>(fcinfo->flinfo->fn_extra);
    if (site != nullptr && site->array_type == array_type)
        return site;
    if (site == nullptr) {
        site = static_cast<ArrayTypmodSite *>(
            MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ArrayTypmodSite)));
        fcinfo->flinfo->fn_extra = site;
    }
    site->array_type = array_type;
    site->element_type = get_element_type(array_type);
    if (!OidIsValid(site->element_type))
        ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                        errmsg("idempotent_array_typmod takes an array, not %s",
                               format_type_be(array_type))));
    get_typlenbyvalalign(site->element_type, &site->length, &site->by_value, &site->align);
    Oid function = InvalidOid;
    site->has_function =
        find_typmod_coercion_function(site->element_type, &function) == COERCION_PATH_FUNC;
    if (site->has_function) {
        fmgr_info_cxt(function, &site->function, fcinfo->flinfo->fn_mcxt);
        site->argument_count = get_func_nargs(function);
    }
    return site;
}

} // namespace

IDEMPOTENT_FUNCTION(idempotent_array_typmod)
{
    // Strict: neither argument is NULL.
    int32 typmod = PG_GETARG_INT32(1);
    Oid array_type = get_fn_expr_argtype(fcinfo->flinfo, 0);
    if (!OidIsValid(array_type))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("could not determine the type of the array")));
    const ArrayTypmodSite *site = array_typmod_site(fcinfo, array_type);
    if (!site->has_function || typmod < 0)
        PG_RETURN_DATUM(PG_GETARG_DATUM(0));

    ArrayType *array = PG_GETARG_ARRAYTYPE_P(0);
    Datum *elements;
    bool *nulls;
    int count;
    deconstruct_array(array, site->element_type, site->length, site->by_value, site->align,
                      &elements, &nulls, &count);
    // The length coercion functions are strict: a NULL element stays NULL.
    for (int i = 0; i < count; ++i) {
        if (nulls[i])
            continue;
        elements[i] = site->argument_count >= 3
                          ? FunctionCall3(const_cast<FmgrInfo *>(&site->function), elements[i],
                                          Int32GetDatum(typmod), BoolGetDatum(false))
                          : FunctionCall2(const_cast<FmgrInfo *>(&site->function), elements[i],
                                          Int32GetDatum(typmod));
    }
    PG_RETURN_ARRAYTYPE_P(construct_md_array(elements, nulls, ARR_NDIM(array), ARR_DIMS(array),
                                             ARR_LBOUND(array), site->element_type, site->length,
                                             site->by_value, site->align));
}

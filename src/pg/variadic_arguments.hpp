// The arguments of a VARIADIC "any" function in both call forms: f(a, b, c), whose types come
// from the call expression, and f(VARIADIC array), whose elements are the arguments. The call
// site's types are resolved once and kept in fn_extra, with a slot per type for what the
// function derives from it (a type plan, a cast).
#pragma once

#include "pg/postgres.hpp"

namespace idempotent::pg
{

struct CallSite {
    bool variadic_array; // f(VARIADIC array)
    int type_count;      // the number of arguments, or 1 for the array form (its element)
    Oid *types;
    void **type_data; // per type, filled by the function on first use, in fn_mcxt
    int16 element_length;
    bool element_by_value;
    char element_align;
};

struct Arguments {
    const CallSite *site;
    FunctionCallInfo fcinfo;
    int count;
    Datum *array_values; // the array form's elements
    bool *array_nulls;

    Datum value(int i) const
    {
        return site->variadic_array ? array_values[i] : fcinfo->args[i].value;
    }
    bool is_null(int i) const
    {
        return site->variadic_array ? array_nulls[i] : fcinfo->args[i].isnull;
    }
    // The index into site->types / site->type_data for argument i.
    int type_slot(int i) const { return site->variadic_array ? 0 : i; }
};

// The call site of fcinfo, resolved on the first call.
CallSite *call_site(FunctionCallInfo fcinfo);

// Reads the arguments. Returns false for f(VARIADIC NULL), whose result is NULL; an empty
// VARIADIC array is an error.
bool read_arguments(FunctionCallInfo fcinfo, CallSite *site, Arguments *arguments);

} // namespace idempotent::pg

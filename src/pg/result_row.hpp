// The one-row composite result of a function declared with OUT parameters (or a procedure's
// INOUT results), built from its values.
#pragma once

#include "pg/postgres.hpp"

namespace idempotent::pg
{

// values and nulls hold one entry per attribute of the function's result type.
Datum result_row(FunctionCallInfo fcinfo, const Datum *values, const bool *nulls);

} // namespace idempotent::pg

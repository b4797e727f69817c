// A C function for the regression suite (sql/error_bridge.sql) that raises each kind of error
// the bridge must carry across. It is not part of the extension's SQL API: the test declares it
// itself, as a superuser.
#include "core/error.hpp"

#include <new>
#include <stdexcept>
#include <string>

#include "pg/error_bridge.hpp"

using namespace idempotent;
using namespace idempotent::pg;

namespace
{

std::string describe(const std::string &kind)
{
    return "raised from C++ for " + kind;
}

} // namespace

IDEMPOTENT_FUNCTION(idempotent_bridge_selftest)
{
    // An object with a destructor is alive while every error below is raised: the bridge must
    // unwind it as C++, never longjmp over it.
    const std::string kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
    if (kind == "core_error")
        throw Error(sqlstate::invalid_parameter_value, describe(kind), "a hint from C++");
    if (kind == "std_exception")
        throw std::runtime_error(describe(kind));
    if (kind == "bad_alloc")
        throw std::bad_alloc();
    if (kind == "postgres_error")
        call_pg([] {
            ereport(ERROR, (errcode(ERRCODE_UNIQUE_VIOLATION),
                            errmsg("duplicate key raised by PostgreSQL under C++"),
                            errdetail("Key (id)=(42) already exists.")));
        });
    if (kind == "postgres_ok")
        return call_pg([] { return DirectFunctionCall1(int4inc, Int32GetDatum(41)); });
    // Not ereport: that would longjmp over `kind`, whose destructor would never run.
    throw Error(sqlstate::invalid_parameter_value, "unknown self-test \"" + kind + "\"");
}

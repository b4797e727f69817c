// The two crossings between C++ and PostgreSQL error handling.
//
// PostgreSQL reports errors with longjmp, C++ with exceptions; neither may pass through the
// other's frames. So:
//  - Every SQL-callable function is defined with IDEMPOTENT_FUNCTION. Its body runs inside
//    run_guarded(), which catches every C++ exception, lets the exception object be destroyed,
//    and only then raises a PostgreSQL error with the exception's SQLSTATE (a PostgreSQL error
//    carried by PgError is re-raised as itself, SQLSTATE and all).
//  - C++ code that owns objects with destructors calls backend code only through call_pg(),
//    which turns an ERROR into a PgError exception. Backend code that can raise an error is
//    otherwise called only from functions whose frames own no destructors, so a longjmp over
//    them skips nothing.
#pragma once

#include <exception>
#include <type_traits>

#include "pg/postgres.hpp"

namespace idempotent::pg
{

// A PostgreSQL error captured as a C++ exception. The ErrorData lives in the memory context
// that was current when call_pg() was entered.
class PgError : public std::exception
{
  public:
    explicit PgError(ErrorData *data) noexcept : data_(data) {}
    ErrorData *data() const noexcept { return data_; }
    const char *what() const noexcept override
    {
        return data_->message != nullptr ? data_->message : "PostgreSQL error";
    }

  private:
    ErrorData *data_;
};

// Runs fn, which calls backend code that may raise an ERROR, and converts that error into a
// PgError. fn itself must not throw and must not own objects with destructors.
template <typename Fn> auto call_pg(Fn &&fn) -> decltype(fn())
{
    using Result = decltype(fn());
    MemoryContext caller_context = CurrentMemoryContext;
    ErrorData *volatile error = nullptr;
    if constexpr (std::is_void_v<Result>) {
        PG_TRY();
        {
            fn();
        }
        PG_CATCH();
        {
            MemoryContextSwitchTo(caller_context);
            error = CopyErrorData();
            FlushErrorState();
        }
        PG_END_TRY();
        if (error != nullptr)
            throw PgError(error);
    } else {
        static_assert(std::is_trivially_copyable_v<Result>, "call_pg returns plain values only");
        Result volatile result{};
        PG_TRY();
        {
            result = fn();
        }
        PG_CATCH();
        {
            MemoryContextSwitchTo(caller_context);
            error = CopyErrorData();
            FlushErrorState();
        }
        PG_END_TRY();
        if (error != nullptr)
            throw PgError(error);
        return result;
    }
}

using FunctionBody = Datum (*)(FunctionCallInfo);

// Calls body and reports any C++ exception it throws as a PostgreSQL error.
Datum run_guarded(FunctionCallInfo fcinfo, FunctionBody body);

} // namespace idempotent::pg

// Defines the SQL-callable C function `name` whose body is the C++ function `name##_body`.
#define IDEMPOTENT_FUNCTION(name)                                                                  \
    static Datum name##_body(FunctionCallInfo fcinfo);                                             \
    extern "C" {                                                                                   \
    PG_FUNCTION_INFO_V1(name);                                                                     \
    }                                                                                              \
    extern "C" Datum name(PG_FUNCTION_ARGS)                                                        \
    {                                                                                              \
        return idempotent::pg::run_guarded(fcinfo, name##_body);                                   \
    }                                                                                              \
    static Datum name##_body(FunctionCallInfo fcinfo)

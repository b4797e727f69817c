#include "core/error.hpp"

#include <cstring>
#include <new>

#include "pg/error_bridge.hpp"

namespace idempotent::pg
{
namespace
{

// What a caught C++ exception said, copied into fixed storage so that reporting it needs no
// allocation while the exception is alive, and nothing at all after it is destroyed.
struct CapturedError {
    int sqlstate;
    char message[1024];
    char hint[512];

    void set(int code, const char *text, const char *hint_text)
    {
        sqlstate = code;
        copy(message, sizeof message, text);
        copy(hint, sizeof hint, hint_text);
    }

    static void copy(char *target, std::size_t size, const char *text)
    {
        std::strncpy(target, text != nullptr ? text : "", size - 1);
        target[size - 1] = '\0';
    }
};

int sqlstate_code(const char *s)
{
    return MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4]);
}

} // namespace

Datum run_guarded(FunctionCallInfo fcinfo, FunctionBody body)
{
    // A C++ exception thrown inside a PG_TRY block leaves these pointing into dead frames.
    sigjmp_buf *saved_exception_stack = PG_exception_stack;
    ErrorContextCallback *saved_context_stack = error_context_stack;
    ErrorData *postgres_error = nullptr;
    CapturedError captured;

    try {
        return body(fcinfo);
    } catch (const PgError &error) {
        postgres_error = error.data();
    } catch (const Error &error) {
        captured.set(sqlstate_code(error.sqlstate()), error.what(), error.hint().c_str());
    } catch (const std::bad_alloc &) {
        captured.set(ERRCODE_OUT_OF_MEMORY, "out of memory", nullptr);
    } catch (const std::exception &error) {
        captured.set(ERRCODE_INTERNAL_ERROR, error.what(), nullptr);
    } catch (...) {
        captured.set(ERRCODE_INTERNAL_ERROR, "unknown C++ exception", nullptr);
    }

    // The exception object is gone; now PostgreSQL may longjmp.
    PG_exception_stack = saved_exception_stack;
    error_context_stack = saved_context_stack;
    if (postgres_error != nullptr)
        ReThrowError(postgres_error);
    ereport(ERROR, (errcode(captured.sqlstate), errmsg_internal("%s", captured.message),
                    captured.hint[0] != '\0' ? errhint("%s", captured.hint) : 0));
    pg_unreachable();
}

} // namespace idempotent::pg

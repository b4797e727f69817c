// idempotent_dbt_surrogate_key: byte for byte what dbt_utils.generate_surrogate_key renders on
// PostgreSQL, md5(coalesce(cast(a as text), '<null marker>') || '-' || ...), computed without
// building the expression's intermediate strings. Each argument is cast to text exactly as
// the cast in that expression would be (a cast function where one exists, such as
// bool -> 'true', else the type's output function).
#include "core/hashing.hpp"

#include <cstring>

#include "pg/error_bridge.hpp"
#include "pg/variadic_arguments.hpp"

extern "C" {
#include "lib/stringinfo.h"
#include "parser/parse_coerce.h"
}

namespace idempotent::pg
{
namespace
{

constexpr char null_marker[] = "_dbt_utils_surrogate_key_null_";

enum class CastKind : uint8 { same_bytes, cast_function, output_function, c_string };

struct TextCast {
    CastKind kind;
    int argument_count; // of the cast function
    FmgrInfo function;
};

TextCast *plan_text_cast(Oid type_id, MemoryContext context)
{
    TextCast *cast = (TextCast *)MemoryContextAllocZero(context, sizeof(TextCast));
    if (type_id == UNKNOWNOID) {
        cast->kind = CastKind::c_string;
        return cast;
    }
    Oid function_id = InvalidOid;
    CoercionPathType path =
        find_coercion_pathway(TEXTOID, type_id, COERCION_EXPLICIT, &function_id);
    switch (path) {
    case COERCION_PATH_RELABELTYPE:
        cast->kind = CastKind::same_bytes;
        break;
    case COERCION_PATH_FUNC:
        cast->kind = CastKind::cast_function;
        cast->argument_count = get_func_nargs(function_id);
        fmgr_info_cxt(function_id, &cast->function, context);
        break;
    case COERCION_PATH_COERCEVIAIO: {
        Oid output_function;
        bool is_varlena;
        getTypeOutputInfo(type_id, &output_function, &is_varlena);
        cast->kind = CastKind::output_function;
        fmgr_info_cxt(output_function, &cast->function, context);
        break;
    }
    default:
        ereport(ERROR, (errcode(ERRCODE_CANNOT_COERCE),
                        errmsg("cannot cast type %s to text", format_type_be(type_id))));
    }
    return cast;
}

void append_as_text(StringInfo out, const TextCast *cast, Datum value)
{
    switch (cast->kind) {
    case CastKind::c_string:
        appendStringInfoString(out, DatumGetCString(value));
        return;
    case CastKind::output_function:
        appendStringInfoString(out,
                               OutputFunctionCall(const_cast<FmgrInfo *>(&cast->function), value));
        return;
    case CastKind::cast_function: {
        // Cast functions take (value[, typmod[, explicit]]). A user-defined one may return NULL:
        // dbt's coalesce then gives the NULL marker, as for a NULL value.
        LOCAL_FCINFO(call, 3);
        InitFunctionCallInfoData(*call, const_cast<FmgrInfo *>(&cast->function),
                                 cast->argument_count == 1 ? 1 : 3, InvalidOid, nullptr, nullptr);
        call->args[0] = {value, false};
        call->args[1] = {Int32GetDatum(-1), false};
        call->args[2] = {BoolGetDatum(true), false};
        value = FunctionCallInvoke(call);
        if (call->isnull) {
            appendBinaryStringInfo(out, null_marker, sizeof null_marker - 1);
            return;
        }
        break;
    }
    case CastKind::same_bytes:
        break;
    }
    text *as_text = DatumGetTextPP(value);
    appendBinaryStringInfo(out, VARDATA_ANY(as_text), static_cast<int>(VARSIZE_ANY_EXHDR(as_text)));
}

Hasher &backend_md5()
{
    static Hasher *hasher = new Hasher(DigestAlgorithm::md5);
    return *hasher;
}

} // namespace
} // namespace idempotent::pg

using namespace idempotent;
using namespace idempotent::pg;

IDEMPOTENT_FUNCTION(idempotent_dbt_surrogate_key)
{
    CallSite *site = call_site(fcinfo);
    Arguments arguments;
    if (!read_arguments(fcinfo, site, &arguments))
        PG_RETURN_NULL();

    StringInfoData joined;
    initStringInfo(&joined);
    for (int i = 0; i < arguments.count; ++i) {
        if (i > 0)
            appendStringInfoChar(&joined, '-');
        if (arguments.is_null(i)) {
            appendBinaryStringInfo(&joined, null_marker, sizeof null_marker - 1);
            continue;
        }
        int slot = arguments.type_slot(i);
        if (site->type_data[slot] == nullptr)
            site->type_data[slot] = plan_text_cast(site->types[slot], fcinfo->flinfo->fn_mcxt);
        append_as_text(&joined, static_cast<TextCast *>(site->type_data[slot]), arguments.value(i));
    }

    uint8 digest[16];
    backend_md5().digest(joined.data, static_cast<std::size_t>(joined.len), digest);
    char hex[32];
    to_hex(digest, sizeof digest, hex);
    pfree(joined.data);
    PG_RETURN_TEXT_P(cstring_to_text_with_len(hex, sizeof hex));
}

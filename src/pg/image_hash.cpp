// idempotent_image_hash_sum(VARIADIC "any"): an order-independent 64-bit hash of a multiset of
// rows as their values are stored, byte for byte: the sum, modulo 2^64, of a hash of each row.
// Window replacement computes it over the source rows and over the window's rows. Equal sums
// (with equal counts and equal sums of each type's own hashes) mean equal windows, up to a
// collision of both sums; rows that are equal but stored differently, such as the numerics 1.0
// and 1.00, give different sums and are compared row by row instead (docs/window.md).
#include "pg/error_bridge.hpp"

extern "C" {
#include "common/hashfn.h"
#include "utils/lsyscache.h"
}

namespace
{

struct ColumnStorage {
    int16 length;
    bool by_value;
};

// The storage of each argument's type, resolved on the first row of a call site.
struct ImageCallSite {
    int count;
    ColumnStorage *columns;
};

ImageCallSite *image_call_site(FunctionCallInfo fcinfo)
{
    if (fcinfo->flinfo->fn_extra != nullptr)
        return static_cast<ImageCallSite *>(fcinfo->flinfo->fn_extra);
    if (get_fn_expr_variadic(fcinfo->flinfo))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("idempotent_image_hash_sum does not take a VARIADIC array"),
                        errhint("Pass the values as separate arguments: their types are needed.")));
    auto *site = static_cast<ImageCallSite *>(
        MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(ImageCallSite)));
    site->count = PG_NARGS() - 1; // argument 0 is the running sum
    site->columns = static_cast<ColumnStorage *>(
        MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(ColumnStorage) * (site->count + 1)));
    for (int i = 0; i < site->count; ++i) {
        Oid type = get_fn_expr_argtype(fcinfo->flinfo, i + 1);
        if (!OidIsValid(type))
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("could not determine the type of argument %d of "
                                   "idempotent_image_hash_sum",
                                   i + 1)));
        get_typlenbyval(type, &site->columns[i].length, &site->columns[i].by_value);
    }
    fcinfo->flinfo->fn_extra = site;
    return site;
}

uint64 hash_image(const void *bytes, size_t length, uint64 seed)
{
    return hash_bytes_extended(static_cast<const unsigned char *>(bytes), static_cast<int>(length),
                               seed);
}

// A value's stored bytes hashed with seed: a by-value type's value widened to 64 bits (the
// same for every Datum holding it), a varlena's data however it is stored (short or long
// header, compressed or out of line), a fixed-length type's bytes, a C string's characters.
uint64 value_hash(Datum value, const ColumnStorage &storage, uint64 seed)
{
    if (storage.by_value) {
        int64 widened = 0;
        switch (storage.length) {
        case 1:
            widened = DatumGetChar(value);
            break;
        case 2:
            widened = DatumGetInt16(value);
            break;
        case 4:
            widened = DatumGetInt32(value);
            break;
        default:
            widened = DatumGetInt64(value);
            break;
        }
        return hash_image(&widened, sizeof widened, seed);
    }
    if (storage.length == -1) {
        struct varlena *stored = reinterpret_cast<struct varlena *>(DatumGetPointer(value));
        struct varlena *plain = pg_detoast_datum_packed(stored);
        uint64 hash = hash_image(VARDATA_ANY(plain), VARSIZE_ANY_EXHDR(plain), seed);
        if (plain != stored)
            pfree(plain);
        return hash;
    }
    if (storage.length == -2)
        return hash_image(DatumGetCString(value), strlen(DatumGetCString(value)), seed);
    return hash_image(DatumGetPointer(value), storage.length, seed);
}

} // namespace

// The transition function: adds the row's hash to the sum. The row's hash chains the column
// hashes in order, each seeded with its position, a NULL standing for a constant of its own.
IDEMPOTENT_FUNCTION(idempotent_image_hash_accum)
{
    const ImageCallSite *site = image_call_site(fcinfo);
    uint64 row = UINT64CONST(0x243f6a8885a308d3);
    for (int i = 0; i < site->count; ++i) {
        const NullableDatum &argument = fcinfo->args[i + 1];
        const uint64 position = static_cast<uint64>(i) + 1;
        uint64 column = argument.isnull ? UINT64CONST(0x9e3779b97f4a7c15) * position
                                        : value_hash(argument.value, site->columns[i], position);
        row = hash_combine64(row, column);
    }
    uint64 sum = PG_ARGISNULL(0) ? 0 : static_cast<uint64>(PG_GETARG_INT64(0));
    PG_RETURN_INT64(static_cast<int64>(sum + row));
}

// idempotent_id, idempotent_id64, idempotent_digest and idempotent_encode: the canonical
// encoding of the arguments (docs/ids.md) and what is derived from its SHA-256.
#include "core/canonical_encoder.hpp"
#include "core/hashing.hpp"
#include "core/identifiers.hpp"

#include <cstring>

#include "pg/datum_encoder.hpp"
#include "pg/error_bridge.hpp"
#include "pg/variadic_arguments.hpp"

extern "C" {
#include "utils/uuid.h"
}

namespace idempotent::pg
{
namespace
{

// One encoder and one SHA-256 context per backend, reused by every call: a backend runs one
// call at a time, and both are reset at the start of each. They are never destroyed, so that
// process exit does not race OpenSSL's own clean-up.
CanonicalEncoder &backend_encoder()
{
    static CanonicalEncoder *encoder = new CanonicalEncoder();
    return *encoder;
}

Hasher &backend_sha256()
{
    static Hasher *hasher = new Hasher(DigestAlgorithm::sha256);
    return *hasher;
}

// Encodes the arguments of fcinfo into encoder, which begin() set up. Returns false for
// f(VARIADIC NULL).
bool encode_arguments(FunctionCallInfo fcinfo, Hasher *stream_to, std::size_t max_size)
{
    CallSite *site = call_site(fcinfo);
    Arguments arguments;
    if (!read_arguments(fcinfo, site, &arguments))
        return false;
    CanonicalEncoder &encoder = backend_encoder();
    encoder.begin(static_cast<uint32>(arguments.count), stream_to, max_size);
    for (int i = 0; i < arguments.count; ++i) {
        int slot = arguments.type_slot(i);
        if (site->type_data[slot] == nullptr)
            site->type_data[slot] = build_type_plan(site->types[slot], fcinfo->flinfo->fn_mcxt);
        encode_datum(encoder, static_cast<TypePlan *>(site->type_data[slot]), arguments.value(i),
                     arguments.is_null(i));
    }
    return true;
}

// SHA-256 of the canonical encoding. Returns false for f(VARIADIC NULL).
bool digest_arguments(FunctionCallInfo fcinfo, uint8 *digest)
{
    Hasher &sha256 = backend_sha256();
    sha256.begin();
    if (!encode_arguments(fcinfo, &sha256, 0))
        return false;
    CanonicalEncoder &encoder = backend_encoder();
    encoder.flush();
    sha256.finish(digest);
    encoder.release_large_buffer();
    return true;
}

bytea *new_bytea(const void *data, std::size_t length)
{
    bytea *result = (bytea *)palloc(VARHDRSZ + length);
    SET_VARSIZE(result, VARHDRSZ + length);
    std::memcpy(VARDATA(result), data, length);
    return result;
}

} // namespace
} // namespace idempotent::pg

using namespace idempotent;
using namespace idempotent::pg;

IDEMPOTENT_FUNCTION(idempotent_id)
{
    uint8 digest[sha256_size];
    if (!digest_arguments(fcinfo, digest))
        PG_RETURN_NULL();
    pg_uuid_t *uuid = (pg_uuid_t *)palloc(sizeof(pg_uuid_t));
    uuid_v8_from_digest(digest, uuid->data);
    PG_RETURN_UUID_P(uuid);
}

IDEMPOTENT_FUNCTION(idempotent_id64)
{
    uint8 digest[sha256_size];
    if (!digest_arguments(fcinfo, digest))
        PG_RETURN_NULL();
    PG_RETURN_INT64(id64_from_digest(digest));
}

IDEMPOTENT_FUNCTION(idempotent_digest)
{
    uint8 digest[sha256_size];
    if (!digest_arguments(fcinfo, digest))
        PG_RETURN_NULL();
    PG_RETURN_BYTEA_P(new_bytea(digest, sizeof digest));
}

IDEMPOTENT_FUNCTION(idempotent_encode)
{
    if (!encode_arguments(fcinfo, nullptr, MaxAllocSize - VARHDRSZ))
        PG_RETURN_NULL();
    CanonicalEncoder &encoder = backend_encoder();
    bytea *result = new_bytea(encoder.bytes().data(), encoder.bytes().size());
    encoder.release_large_buffer();
    PG_RETURN_BYTEA_P(result);
}

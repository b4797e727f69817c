// idempotent_uuid_v5: RFC 9562 name-based UUIDs, equal to uuid-ossp's uuid_generate_v5 in a
// UTF8 database. The name is hashed as UTF-8 whatever the database encoding, so the same name
// gives the same UUID on every server.
#include "core/hashing.hpp"
#include "core/identifiers.hpp"

#include <string_view>

#include "pg/datum_encoder.hpp"
#include "pg/error_bridge.hpp"

extern "C" {
#include "utils/uuid.h"
}

namespace
{

idempotent::Hasher &backend_sha1()
{
    static auto *hasher = new idempotent::Hasher(idempotent::DigestAlgorithm::sha1);
    return *hasher;
}

} // namespace

using namespace idempotent;
using namespace idempotent::pg;

IDEMPOTENT_FUNCTION(idempotent_uuid_v5)
{
    pg_uuid_t *namespace_uuid = PG_GETARG_UUID_P(0);
    text *name = PG_GETARG_TEXT_PP(1);
    int utf8_length;
    const char *utf8 = server_text_as_utf8(VARDATA_ANY(name),
                                           static_cast<int>(VARSIZE_ANY_EXHDR(name)), &utf8_length);
    pg_uuid_t *result = (pg_uuid_t *)palloc(sizeof(pg_uuid_t));
    uuid_v5(namespace_uuid->data, std::string_view(utf8, static_cast<size_t>(utf8_length)),
            backend_sha1(), result->data);
    PG_RETURN_UUID_P(result);
}

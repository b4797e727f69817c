#include "core/identifiers.hpp"
#include "core/hashing.hpp"

#include <cstring>

namespace idempotent
{
namespace
{

void set_version_and_variant(std::uint8_t *uuid, std::uint8_t version) noexcept
{
    uuid[6] = static_cast<std::uint8_t>((uuid[6] & 0x0F) | (version << 4));
    uuid[8] = static_cast<std::uint8_t>((uuid[8] & 0x3F) | 0x80);
}

} // namespace

void uuid_v8_from_digest(const std::uint8_t *digest, std::uint8_t *uuid) noexcept
{
    std::memcpy(uuid, digest, uuid_size);
    set_version_and_variant(uuid, 8);
}

std::int64_t id64_from_digest(const std::uint8_t *digest) noexcept
{
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i)
        value = (value << 8) | digest[i];
    // Two's complement reinterpretation, well defined through memcpy.
    std::int64_t result;
    std::memcpy(&result, &value, sizeof result);
    return result;
}

void uuid_v5(const std::uint8_t *namespace_uuid, std::string_view name, Hasher &sha1,
             std::uint8_t *uuid)
{
    std::uint8_t digest[20];
    sha1.begin();
    sha1.update(namespace_uuid, uuid_size);
    sha1.update(name.data(), name.size());
    sha1.finish(digest);
    std::memcpy(uuid, digest, uuid_size);
    set_version_and_variant(uuid, 5);
}

} // namespace idempotent

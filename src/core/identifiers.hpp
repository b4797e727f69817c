// How a digest becomes the identifiers that the SQL functions return (docs/ids.md), and the
// RFC 9562 name-based UUID version 5.
#pragma once
#include "core/cpp_only.hpp"

#include <cstdint>
#include <string_view>

namespace idempotent
{

class Hasher;

inline constexpr std::size_t sha256_size = 32;
inline constexpr std::size_t uuid_size = 16;

// The first 16 bytes of a SHA-256 digest with the version 8 and RFC 9562 variant bits set.
void uuid_v8_from_digest(const std::uint8_t *digest, std::uint8_t *uuid) noexcept;

// The first 8 bytes of a digest, big-endian, as a signed integer.
std::int64_t id64_from_digest(const std::uint8_t *digest) noexcept;

// RFC 9562 version 5: SHA-1 over the namespace's 16 bytes and the name. sha1 must be a SHA-1
// hasher; it is reused so that no context is set up per call.
void uuid_v5(const std::uint8_t *namespace_uuid, std::string_view name, Hasher &sha1,
             std::uint8_t *uuid);

} // namespace idempotent

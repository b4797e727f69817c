// Digests, UUID layouts and id64 against published values.
#include "core/hashing.hpp"
#include "core/identifiers.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

using namespace idempotent;

namespace
{

std::string hex(const std::uint8_t *bytes, std::size_t length)
{
    std::string out(2 * length, '\0');
    to_hex(bytes, length, out.data());
    return out;
}

} // namespace

TEST(Hasher, KnownDigests)
{
    std::uint8_t out[32];
    Hasher sha256(DigestAlgorithm::sha256);
    sha256.digest("abc", 3, out);
    EXPECT_EQ(hex(out, 32), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    Hasher md5(DigestAlgorithm::md5);
    md5.digest("", 0, out);
    EXPECT_EQ(hex(out, 16), "d41d8cd98f00b204e9800998ecf8427e");
    Hasher sha1(DigestAlgorithm::sha1);
    sha1.digest("abc", 3, out);
    EXPECT_EQ(hex(out, 20), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(Hasher, ReuseGivesTheSameDigest)
{
    Hasher sha256(DigestAlgorithm::sha256);
    std::uint8_t first[32], second[32];
    sha256.digest("x", 1, first);
    sha256.begin();
    sha256.update("abc", 3); // an abandoned message must not leak into the next
    sha256.digest("x", 1, second);
    EXPECT_EQ(hex(first, 32), hex(second, 32));
}

TEST(Identifiers, UuidV8SetsVersionAndVariant)
{
    std::uint8_t digest[32];
    std::memset(digest, 0xFF, sizeof digest);
    std::uint8_t uuid[16];
    uuid_v8_from_digest(digest, uuid);
    EXPECT_EQ(hex(uuid, 16), "ffffffffffff8fffbfffffffffffffff");
    std::memset(digest, 0x00, sizeof digest);
    uuid_v8_from_digest(digest, uuid);
    EXPECT_EQ(hex(uuid, 16), "00000000000080008000000000000000");
}

TEST(Identifiers, Id64IsSignedBigEndian)
{
    std::uint8_t digest[32] = {0x80, 0, 0, 0, 0, 0, 0, 1};
    EXPECT_EQ(id64_from_digest(digest), static_cast<std::int64_t>(-9223372036854775807LL));
    std::uint8_t small[32] = {0, 0, 0, 0, 0, 0, 1, 2};
    EXPECT_EQ(id64_from_digest(small), 258);
}

TEST(Identifiers, UuidV5MatchesRfcExample)
{
    // RFC 9562 appendix A.4: name "www.example.com" in the DNS namespace.
    const std::uint8_t dns[16] = {0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
                                  0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
    Hasher sha1(DigestAlgorithm::sha1);
    std::uint8_t uuid[16];
    uuid_v5(dns, "www.example.com", sha1, uuid);
    EXPECT_EQ(hex(uuid, 16), "2ed6657de927568b95e12665a8aea6a2");
}

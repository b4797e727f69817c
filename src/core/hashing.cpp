#include "core/hashing.hpp"
#include "core/error.hpp"

#include <openssl/evp.h>

namespace idempotent
{
namespace
{

[[noreturn]] void openssl_failure(const char *what)
{
    throw Error(sqlstate::internal_error, std::string("OpenSSL failed to ") + what);
}

// Fetched once per process: fetching is what makes a one-shot digest slow.
const EVP_MD *fetch_algorithm(DigestAlgorithm algorithm)
{
    static const EVP_MD *md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
    static const EVP_MD *sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    static const EVP_MD *sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    const EVP_MD *md = nullptr;
    switch (algorithm) {
    case DigestAlgorithm::md5:
        md = md5;
        break;
    case DigestAlgorithm::sha1:
        md = sha1;
        break;
    case DigestAlgorithm::sha256:
        md = sha256;
        break;
    }
    if (md == nullptr)
        openssl_failure("load a digest algorithm");
    return md;
}

} // namespace

Hasher::Hasher(DigestAlgorithm algorithm)
    : algorithm_(fetch_algorithm(algorithm)), context_(EVP_MD_CTX_new()),
      size_(static_cast<std::size_t>(EVP_MD_get_size(algorithm_)))
{
    if (context_ == nullptr)
        openssl_failure("allocate a digest context");
}

Hasher::~Hasher()
{
    EVP_MD_CTX_free(context_);
}

void Hasher::begin()
{
    // Once the context knows its algorithm, restarting it without naming the algorithm again
    // only resets its state: about 90 ns instead of 170 ns for a short message with SHA-NI.
    const EVP_MD *algorithm = started_ ? nullptr : algorithm_;
    if (EVP_DigestInit_ex2(context_, algorithm, nullptr) != 1)
        openssl_failure("start a digest");
    started_ = true;
}

void Hasher::update(const void *data, std::size_t length)
{
    if (length > 0 && EVP_DigestUpdate(context_, data, length) != 1)
        openssl_failure("update a digest");
}

void Hasher::finish(std::uint8_t *out)
{
    if (EVP_DigestFinal_ex(context_, out, nullptr) != 1)
        openssl_failure("finish a digest");
}

void to_hex(const std::uint8_t *bytes, std::size_t length, char *out) noexcept
{
    static const char digits[] = "0123456789abcdef";
    for (std::size_t i = 0; i < length; ++i) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 0x0F];
    }
}

} // namespace idempotent

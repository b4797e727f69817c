// Message digests through OpenSSL's EVP interface. Each hasher fetches its algorithm once and
// reuses one EVP_MD_CTX for every message, which costs about a quarter of a one-shot
// EVP_Digest call on short inputs (the per-row case).
#pragma once
#include "core/cpp_only.hpp"

#include <cstddef>
#include <cstdint>

// OpenSSL's types, declared here so that users of this header need not include OpenSSL.
struct evp_md_st;
struct evp_md_ctx_st;

namespace idempotent
{

enum class DigestAlgorithm { md5, sha1, sha256 };

class Hasher
{
  public:
    explicit Hasher(DigestAlgorithm algorithm);
    ~Hasher();
    Hasher(const Hasher &) = delete;
    Hasher &operator=(const Hasher &) = delete;

    // Bytes of the digest: 16, 20 or 32.
    std::size_t size() const noexcept { return size_; }

    // Streaming use: begin, update any number of times, finish into out[size()].
    void begin();
    void update(const void *data, std::size_t length);
    void finish(std::uint8_t *out);

    // One message at once.
    void digest(const void *data, std::size_t length, std::uint8_t *out)
    {
        begin();
        update(data, length);
        finish(out);
    }

  private:
    const evp_md_st *algorithm_;
    evp_md_ctx_st *context_;
    std::size_t size_;
    bool started_ = false; // the context has been initialised with algorithm_
};

// Lower-case hexadecimal of bytes; out must hold 2 * length characters (no terminator added).
void to_hex(const std::uint8_t *bytes, std::size_t length, char *out) noexcept;

} // namespace idempotent

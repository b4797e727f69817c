// libFuzzer target for the canonical encoder. The input is read as a program of put_* calls;
// for every program, streaming into SHA-256 must give the digest of the buffered bytes, the
// buffered encoding must respect its size limit, and canonical decimals must be stable
// (canonicalising a canonical decimal changes nothing). Sanitizers catch the rest.
#include "core/canonical_encoder.hpp"
#include "core/error.hpp"
#include "core/hashing.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

using namespace idempotent;

namespace
{

class Program
{
  public:
    Program(const std::uint8_t *data, std::size_t size) : data_(data), size_(size) {}
    bool done() const { return position_ >= size_; }
    std::uint8_t byte() { return done() ? 0 : data_[position_++]; }
    std::uint64_t u64()
    {
        std::uint64_t value = 0;
        for (int i = 0; i < 8; ++i)
            value = (value << 8) | byte();
        return value;
    }
    std::string_view bytes(std::size_t wanted)
    {
        std::size_t available = done() ? 0 : size_ - position_;
        std::size_t length = wanted < available ? wanted : available;
        std::string_view view(reinterpret_cast<const char *>(data_ + position_), length);
        position_ += length;
        return view;
    }

  private:
    const std::uint8_t *data_;
    std::size_t size_;
    std::size_t position_ = 0;
};

// Runs the program against one encoder. Returns false if a put_* call refused its input.
bool run(Program program, CanonicalEncoder &encoder)
{
    try {
        while (!program.done()) {
            const std::uint8_t operation = program.byte();
            switch (operation % 12) {
            case 0:
                encoder.put_null();
                break;
            case 1:
                encoder.put_integer(static_cast<std::int64_t>(program.u64()));
                break;
            case 2:
                encoder.put_decimal(program.bytes(program.byte()));
                break;
            case 3: {
                std::uint64_t bits = program.u64();
                double value;
                std::memcpy(&value, &bits, sizeof value);
                encoder.put_float(value);
                break;
            }
            case 4:
                // Lengths up to 64 KiB and more cross the streaming thresholds.
                encoder.put_text(program.bytes(static_cast<std::size_t>(program.byte()) << 9));
                break;
            case 5:
                encoder.put_bytes(program.bytes(program.byte()));
                break;
            case 6: {
                std::int32_t bounds[2] = {static_cast<std::int32_t>(program.u64()), 1};
                std::int32_t lengths[2] = {program.byte(), program.byte()};
                encoder.begin_array(1 + operation % 2, bounds, lengths);
                break;
            }
            case 7:
                encoder.begin_record(program.byte());
                break;
            case 8: {
                const auto microseconds = static_cast<std::int64_t>(program.u64());
                const std::int32_t days = program.byte();
                const std::int32_t months = program.byte();
                encoder.put_interval(microseconds, days, months);
                break;
            }
            case 9: {
                const std::uint8_t version = program.byte() % 2 == 0 ? 4 : 6;
                const std::uint8_t prefix = program.byte();
                std::string_view address = program.bytes(16);
                std::uint8_t padded[16] = {};
                std::memcpy(padded, address.data(), address.size());
                encoder.put_network(version, prefix, padded);
                break;
            }
            case 10:
                encoder.put_json_number(program.bytes(program.byte()));
                break;
            default:
                encoder.put_json_string(program.bytes(program.byte()));
                break;
            }
        }
    } catch (const Error &error) {
        if (std::strlen(error.sqlstate()) != 5)
            std::abort();
        return false;
    }
    return true;
}

void check_decimal_is_stable(const std::uint8_t *data, std::size_t size)
{
    std::string_view text(reinterpret_cast<const char *>(data), size);
    std::string once;
    try {
        append_canonical_decimal(text, once);
    } catch (const Error &) {
        return; // not a decimal: refusing it is correct
    }
    std::string twice;
    append_canonical_decimal(once, twice);
    if (once != twice)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static Hasher sha256(DigestAlgorithm::sha256);
    check_decimal_is_stable(data, size);

    constexpr std::size_t limit = 1 << 20;
    CanonicalEncoder buffered;
    buffered.begin(7, nullptr, limit);
    const bool buffered_ok = run(Program(data, size), buffered);
    if (buffered_ok && buffered.bytes().size() > limit)
        std::abort();

    CanonicalEncoder streaming;
    sha256.begin();
    streaming.begin(7, &sha256, 0);
    const bool streaming_ok = run(Program(data, size), streaming);
    if (!buffered_ok || !streaming_ok)
        return 0; // refused input (or the buffer limit): nothing to compare
    streaming.flush();
    std::uint8_t streamed[32], expected[32];
    sha256.finish(streamed);
    sha256.digest(buffered.bytes().data(), buffered.bytes().size(), expected);
    if (std::memcmp(streamed, expected, sizeof expected) != 0)
        std::abort();
    return 0;
}

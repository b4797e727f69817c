#include "core/canonical_encoder.hpp"
#include "core/error.hpp"
#include "core/hashing.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace idempotent
{
namespace
{

// Below this size a buffered value is cheaper to copy than to hash in its own update call.
constexpr std::size_t stream_chunk = 64 * 1024;
// A buffer grown beyond this by one large value is released after use.
constexpr std::size_t kept_capacity = 1024 * 1024;

std::uint32_t checked_u32(std::size_t length)
{
    if (length > std::numeric_limits<std::uint32_t>::max())
        throw Error(sqlstate::program_limit_exceeded, "value too large to encode",
                    "A value in an ID may be at most 4 GB.");
    return static_cast<std::uint32_t>(length);
}

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

} // namespace

void CanonicalEncoder::begin(std::uint32_t argc, Hasher *stream_to, std::size_t max_size)
{
    buffer_.clear();
    hasher_ = stream_to;
    max_size_ = max_size;
    limit_ = stream_to != nullptr ? stream_chunk : max_size;
    large_payload_ = stream_to != nullptr ? stream_chunk : std::numeric_limits<std::size_t>::max();
    put_byte(tag::format_version);
    put_u32(argc);
}

void CanonicalEncoder::flush()
{
    if (hasher_ != nullptr && !buffer_.empty()) {
        hasher_->update(buffer_.data(), buffer_.size());
        buffer_.clear();
    }
}

void CanonicalEncoder::release_large_buffer()
{
    if (buffer_.capacity() > kept_capacity)
        std::string().swap(buffer_);
}

void CanonicalEncoder::grown_past_limit()
{
    if (hasher_ != nullptr) {
        flush();
        return;
    }
    throw Error(sqlstate::program_limit_exceeded,
                "canonical encoding of " + std::to_string(buffer_.size()) +
                    " bytes exceeds the maximum of " + std::to_string(max_size_),
                "idempotent_id(), idempotent_id64() and idempotent_digest() accept larger "
                "arguments than idempotent_encode() can return.");
}

void CanonicalEncoder::append_large(const char *data, std::size_t length)
{
    // A large payload goes straight into the digest instead of through the buffer.
    flush();
    hasher_->update(data, length);
}

void CanonicalEncoder::put_length_prefixed(std::string_view bytes)
{
    put_u32(checked_u32(bytes.size()));
    append(bytes.data(), bytes.size());
}

void CanonicalEncoder::put_tagged_bytes(std::uint8_t tag, std::string_view bytes)
{
    put_byte(tag);
    put_length_prefixed(bytes);
}

void CanonicalEncoder::put_bool(bool value)
{
    put_byte(tag::boolean);
    put_byte(value ? 1 : 0);
}

void CanonicalEncoder::put_integer(std::int64_t value)
{
    decimal_scratch_.clear();
    append_integer_decimal(value, decimal_scratch_);
    put_tagged_bytes(tag::exact_number, decimal_scratch_);
}

void CanonicalEncoder::put_decimal(std::string_view numeric_text)
{
    decimal_scratch_.clear();
    append_canonical_decimal(numeric_text, decimal_scratch_);
    put_tagged_bytes(tag::exact_number, decimal_scratch_);
}

void CanonicalEncoder::put_json_number(std::string_view numeric_text)
{
    decimal_scratch_.clear();
    append_canonical_decimal(numeric_text, decimal_scratch_);
    put_tagged_bytes(tag::json_number, decimal_scratch_);
}

void CanonicalEncoder::put_float(double value)
{
    // Equal floats encode the same: -0 and 0 are equal, and PostgreSQL has only one NaN.
    std::uint64_t bits;
    if (std::isnan(value)) {
        bits = 0x7FF8000000000000ULL;
    } else {
        if (value == 0.0)
            value = 0.0;
        std::memcpy(&bits, &value, sizeof bits);
    }
    put_byte(tag::float_number);
    put_u64(bits);
}

void CanonicalEncoder::put_uuid(const std::uint8_t *sixteen_bytes)
{
    put_byte(tag::uuid);
    append(reinterpret_cast<const char *>(sixteen_bytes), 16);
}

void CanonicalEncoder::put_date(std::int32_t days_since_2000)
{
    put_byte(tag::date);
    put_u32(static_cast<std::uint32_t>(days_since_2000));
}

void CanonicalEncoder::put_timestamp(std::int64_t microseconds_since_2000)
{
    put_byte(tag::timestamp);
    put_u64(static_cast<std::uint64_t>(microseconds_since_2000));
}

void CanonicalEncoder::put_timestamptz(std::int64_t microseconds_since_2000_utc)
{
    put_byte(tag::timestamptz);
    put_u64(static_cast<std::uint64_t>(microseconds_since_2000_utc));
}

void CanonicalEncoder::put_time(std::int64_t microseconds_since_midnight)
{
    put_byte(tag::time);
    put_u64(static_cast<std::uint64_t>(microseconds_since_midnight));
}

void CanonicalEncoder::put_timetz(std::int64_t microseconds_since_midnight,
                                  std::int32_t utc_offset_east)
{
    put_byte(tag::timetz);
    put_u64(static_cast<std::uint64_t>(microseconds_since_midnight));
    put_u32(static_cast<std::uint32_t>(utc_offset_east));
}

void CanonicalEncoder::put_interval(std::int64_t microseconds, std::int32_t days,
                                    std::int32_t months)
{
    put_byte(tag::interval);
    put_u64(static_cast<std::uint64_t>(microseconds));
    put_u32(static_cast<std::uint32_t>(days));
    put_u32(static_cast<std::uint32_t>(months));
}

void CanonicalEncoder::put_network(std::uint8_t ip_version, std::uint8_t prefix_bits,
                                   const std::uint8_t *address)
{
    if (ip_version != 4 && ip_version != 6)
        throw Error(sqlstate::invalid_parameter_value,
                    "invalid IP version " + std::to_string(ip_version));
    const char header[3] = {static_cast<char>(tag::network), static_cast<char>(ip_version),
                            static_cast<char>(prefix_bits)};
    append(header, sizeof header);
    append(reinterpret_cast<const char *>(address), ip_version == 4 ? 4 : 16);
}

void CanonicalEncoder::put_macaddr(const std::uint8_t *six_bytes)
{
    put_byte(tag::macaddr);
    append(reinterpret_cast<const char *>(six_bytes), 6);
}

void CanonicalEncoder::put_macaddr8(const std::uint8_t *eight_bytes)
{
    put_byte(tag::macaddr8);
    append(reinterpret_cast<const char *>(eight_bytes), 8);
}

void CanonicalEncoder::begin_array(std::uint32_t ndim, const std::int32_t *lower_bounds,
                                   const std::int32_t *lengths)
{
    put_byte(tag::array);
    put_u32(ndim);
    for (std::uint32_t i = 0; i < ndim; ++i) {
        put_u32(static_cast<std::uint32_t>(lower_bounds[i]));
        put_u32(static_cast<std::uint32_t>(lengths[i]));
    }
}

void CanonicalEncoder::begin_record(std::uint32_t field_count)
{
    put_byte(tag::record);
    put_u32(field_count);
}

void CanonicalEncoder::begin_json_array(std::uint32_t element_count)
{
    put_byte(tag::json_array);
    put_u32(element_count);
}

void CanonicalEncoder::begin_json_object(std::uint32_t pair_count)
{
    put_byte(tag::json_object);
    put_u32(pair_count);
}

bool json_key_less(std::string_view left, std::string_view right) noexcept
{
    if (left.size() != right.size())
        return left.size() < right.size();
    return left.compare(right) < 0;
}

void append_integer_decimal(std::int64_t value, std::string &out)
{
    char digits[20];
    int count = 0;
    // Work on the magnitude as unsigned so that INT64_MIN needs no special case.
    std::uint64_t magnitude =
        value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
    do {
        digits[count++] = static_cast<char>('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    if (value < 0)
        out.push_back('-');
    while (count > 0)
        out.push_back(digits[--count]);
}

void append_canonical_decimal(std::string_view text, std::string &out)
{
    if (text == "NaN" || text == "Infinity" || text == "-Infinity") {
        out.append(text);
        return;
    }
    std::string_view body = text;
    const bool negative = !body.empty() && body.front() == '-';
    if (negative)
        body.remove_prefix(1);

    const std::size_t point = body.find('.');
    std::string_view integer_part = body.substr(0, point);
    std::string_view fraction =
        point == std::string_view::npos ? std::string_view{} : body.substr(point + 1);
    bool well_formed = !integer_part.empty();
    for (char c : integer_part)
        well_formed = well_formed && is_digit(c);
    for (char c : fraction)
        well_formed = well_formed && is_digit(c);
    if (!well_formed)
        throw Error(sqlstate::invalid_parameter_value,
                    "\"" + std::string(text) + "\" is not a plain decimal number");

    while (integer_part.size() > 1 && integer_part.front() == '0')
        integer_part.remove_prefix(1);
    while (!fraction.empty() && fraction.back() == '0')
        fraction.remove_suffix(1);

    const bool zero = integer_part == "0" && fraction.empty();
    if (negative && !zero)
        out.push_back('-');
    out.append(integer_part);
    if (!fraction.empty()) {
        out.push_back('.');
        out.append(fraction);
    }
}

} // namespace idempotent

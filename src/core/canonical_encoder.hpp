// The canonical encoding of docs/ids.md (format 1): one tagged, length-prefixed value after
// another, independent of every PostgreSQL setting. The PostgreSQL layer reads datums and calls
// the put_* methods; this class owns the byte layout and nothing else.
//
// Output goes either to a buffer (idempotent_encode) or, for the hashing functions, streams
// into a Hasher so that a 100 MB argument is never copied whole.
#pragma once
#include "core/cpp_only.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace idempotent
{

class Hasher;

namespace tag
{
inline constexpr std::uint8_t format_version = 0x01;
inline constexpr std::uint8_t null = 0x00;
inline constexpr std::uint8_t boolean = 0x01;
inline constexpr std::uint8_t exact_number = 0x02;
inline constexpr std::uint8_t float_number = 0x03;
inline constexpr std::uint8_t text = 0x04;
inline constexpr std::uint8_t bytes = 0x05;
inline constexpr std::uint8_t uuid = 0x06;
inline constexpr std::uint8_t date = 0x07;
inline constexpr std::uint8_t timestamp = 0x08;
inline constexpr std::uint8_t timestamptz = 0x09;
inline constexpr std::uint8_t time = 0x0A;
inline constexpr std::uint8_t timetz = 0x0B;
inline constexpr std::uint8_t interval = 0x0C;
inline constexpr std::uint8_t json = 0x0D;
inline constexpr std::uint8_t jsonb = 0x0E;
inline constexpr std::uint8_t network = 0x0F;
inline constexpr std::uint8_t macaddr = 0x10;
inline constexpr std::uint8_t macaddr8 = 0x11;
inline constexpr std::uint8_t enum_label = 0x12;
inline constexpr std::uint8_t array = 0x13;
inline constexpr std::uint8_t record = 0x14;

inline constexpr std::uint8_t json_null = 0x20;
inline constexpr std::uint8_t json_false = 0x21;
inline constexpr std::uint8_t json_true = 0x22;
inline constexpr std::uint8_t json_number = 0x23;
inline constexpr std::uint8_t json_string = 0x24;
inline constexpr std::uint8_t json_array = 0x25;
inline constexpr std::uint8_t json_object = 0x26;
} // namespace tag

class CanonicalEncoder
{
  public:
    // Starts a new encoding of argc arguments. With a hasher, bytes stream into it (the caller
    // has begun it) and bytes() stays small; without one, they collect in bytes(), which may
    // not grow beyond max_size.
    void begin(std::uint32_t argc, Hasher *stream_to, std::size_t max_size);
    // Flushes what is buffered into the hasher (streaming mode only).
    void flush();
    const std::string &bytes() const noexcept { return buffer_; }
    // Frees a buffer that an unusually large value grew, so that it is not kept forever.
    void release_large_buffer();

    void put_null() { put_byte(tag::null); }
    void put_bool(bool value);
    void put_integer(std::int64_t value);
    // A decimal as PostgreSQL's numeric output writes it ("-12.3400", "NaN", "Infinity").
    void put_decimal(std::string_view numeric_text);
    void put_float(double value);
    void put_text(std::string_view utf8) { put_tagged_bytes(tag::text, utf8); }
    void put_bytes(std::string_view bytes) { put_tagged_bytes(tag::bytes, bytes); }
    void put_uuid(const std::uint8_t *sixteen_bytes);
    void put_date(std::int32_t days_since_2000);
    void put_timestamp(std::int64_t microseconds_since_2000);
    void put_timestamptz(std::int64_t microseconds_since_2000_utc);
    void put_time(std::int64_t microseconds_since_midnight);
    void put_timetz(std::int64_t microseconds_since_midnight, std::int32_t utc_offset_east);
    void put_interval(std::int64_t microseconds, std::int32_t days, std::int32_t months);
    void put_json(std::string_view utf8) { put_tagged_bytes(tag::json, utf8); }
    void put_network(std::uint8_t ip_version, std::uint8_t prefix_bits,
                     const std::uint8_t *address);
    void put_macaddr(const std::uint8_t *six_bytes);
    void put_macaddr8(const std::uint8_t *eight_bytes);
    void put_enum_label(std::string_view utf8) { put_tagged_bytes(tag::enum_label, utf8); }
    // Followed by the elements, row-major, each as a value.
    void begin_array(std::uint32_t ndim, const std::int32_t *lower_bounds,
                     const std::int32_t *lengths);
    // Followed by the fields, each as a value.
    void begin_record(std::uint32_t field_count);

    // jsonb: begin_jsonb(), then exactly one json value.
    void begin_jsonb() { put_byte(tag::jsonb); }
    void put_json_null() { put_byte(tag::json_null); }
    void put_json_bool(bool value) { put_byte(value ? tag::json_true : tag::json_false); }
    void put_json_number(std::string_view numeric_text);
    void put_json_string(std::string_view utf8) { put_tagged_bytes(tag::json_string, utf8); }
    // Followed by the elements.
    void begin_json_array(std::uint32_t element_count);
    // Followed by key, value, key, value... in key order (see json_key_less).
    void begin_json_object(std::uint32_t pair_count);
    void put_json_key(std::string_view utf8) { put_length_prefixed(utf8); }

  private:
    // The per-row path: small appends, inline, with one comparison against the point where
    // the buffer must be streamed out or refused (grown_past_limit).
    void put_byte(std::uint8_t byte)
    {
        buffer_.push_back(static_cast<char>(byte));
        if (buffer_.size() > limit_)
            grown_past_limit();
    }
    void put_u32(std::uint32_t value)
    {
        const char bytes[4] = {static_cast<char>(value >> 24), static_cast<char>(value >> 16),
                               static_cast<char>(value >> 8), static_cast<char>(value)};
        append(bytes, sizeof bytes);
    }
    void put_u64(std::uint64_t value)
    {
        put_u32(static_cast<std::uint32_t>(value >> 32));
        put_u32(static_cast<std::uint32_t>(value));
    }
    void append(const char *data, std::size_t length)
    {
        if (length > large_payload_) {
            append_large(data, length);
            return;
        }
        buffer_.append(data, length);
        if (buffer_.size() > limit_)
            grown_past_limit();
    }
    void put_length_prefixed(std::string_view bytes);
    void put_tagged_bytes(std::uint8_t tag, std::string_view bytes);
    void append_large(const char *data, std::size_t length);
    void grown_past_limit();

    std::string buffer_;
    std::string decimal_scratch_; // reused so that numbers cost no allocation
    Hasher *hasher_ = nullptr;
    std::size_t max_size_ = 0;
    std::size_t limit_ = 0;         // buffer size that needs attention: flush or refuse
    std::size_t large_payload_ = 0; // payloads above this bypass the buffer when streaming
};

// The order of jsonb object keys in the encoding: shorter UTF-8 first, then bytewise.
bool json_key_less(std::string_view left, std::string_view right) noexcept;

// Appends the canonical decimal of a numeric's text output: no trailing fractional zeros, no
// point without a fraction, never "-0". Throws Error on text that is not a plain decimal.
void append_canonical_decimal(std::string_view numeric_text, std::string &out);

// Appends the decimal digits of an integer.
void append_integer_decimal(std::int64_t value, std::string &out);

} // namespace idempotent

// The byte layout of docs/ids.md, checked against hand-written bytes.
#include "core/canonical_encoder.hpp"
#include "core/error.hpp"
#include "core/hashing.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

using idempotent::append_canonical_decimal;
using idempotent::append_integer_decimal;
using idempotent::CanonicalEncoder;

namespace
{

std::string hex(const std::string &bytes)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 0x0F]);
    }
    return out;
}

// Encodes one argument with fill and returns the hex of the value alone (after the header).
template <typename Fill> std::string value_hex(Fill fill)
{
    CanonicalEncoder encoder;
    encoder.begin(1, nullptr, 1 << 20);
    fill(encoder);
    return hex(encoder.bytes()).substr(10);
}

std::string canonical(const std::string &numeric_text)
{
    std::string out;
    append_canonical_decimal(numeric_text, out);
    return out;
}

} // namespace

TEST(CanonicalEncoder, HeaderHasVersionAndArgumentCount)
{
    CanonicalEncoder encoder;
    encoder.begin(3, nullptr, 100);
    EXPECT_EQ(hex(encoder.bytes()), "0100000003");
}

TEST(CanonicalEncoder, NullAndBoolean)
{
    EXPECT_EQ(value_hex([](auto &e) { e.put_null(); }), "00");
    EXPECT_EQ(value_hex([](auto &e) { e.put_bool(true); }), "0101");
    EXPECT_EQ(value_hex([](auto &e) { e.put_bool(false); }), "0100");
}

TEST(CanonicalEncoder, TextIsLengthPrefixed)
{
    EXPECT_EQ(value_hex([](auto &e) { e.put_text("ab"); }), "04000000026162");
    EXPECT_EQ(value_hex([](auto &e) { e.put_text(""); }), "0400000000");
    EXPECT_EQ(value_hex([](auto &e) { e.put_bytes("ab"); }), "05000000026162");
}

TEST(CanonicalEncoder, AdjacentTextsAreUnambiguous)
{
    auto encode_two = [](const char *a, const char *b) {
        CanonicalEncoder encoder;
        encoder.begin(2, nullptr, 1 << 20);
        encoder.put_text(a);
        encoder.put_text(b);
        return encoder.bytes();
    };
    EXPECT_NE(encode_two("ab", "c"), encode_two("a", "bc"));
    EXPECT_NE(encode_two("a-b", "c"), encode_two("a", "b-c"));
}

TEST(CanonicalEncoder, IntegersAndDecimalsShareOneFamily)
{
    const std::string seven = value_hex([](auto &e) { e.put_integer(7); });
    EXPECT_EQ(seven, "020000000137");
    EXPECT_EQ(value_hex([](auto &e) { e.put_decimal("7.00"); }), seven);
    EXPECT_EQ(value_hex([](auto &e) { e.put_decimal("7"); }), seven);
}

TEST(CanonicalEncoder, FloatsFoldNegativeZeroAndNaN)
{
    const std::string zero = value_hex([](auto &e) { e.put_float(0.0); });
    EXPECT_EQ(zero, "030000000000000000");
    EXPECT_EQ(value_hex([](auto &e) { e.put_float(-0.0); }), zero);
    const std::string nan = value_hex([](auto &e) { e.put_float(std::nan("")); });
    EXPECT_EQ(nan, "037ff8000000000000");
    EXPECT_EQ(value_hex([](auto &e) { e.put_float(-std::numeric_limits<double>::quiet_NaN()); }),
              nan);
    EXPECT_EQ(value_hex([](auto &e) { e.put_float(1.5); }), "033ff8000000000000");
}

TEST(CanonicalEncoder, DateAndTimeLayouts)
{
    EXPECT_EQ(value_hex([](auto &e) { e.put_date(-1); }), "07ffffffff");
    EXPECT_EQ(value_hex([](auto &e) { e.put_timestamp(1); }), "080000000000000001");
    EXPECT_EQ(value_hex([](auto &e) { e.put_timestamptz(-1); }), "09ffffffffffffffff");
    EXPECT_EQ(value_hex([](auto &e) { e.put_time(2); }), "0a0000000000000002");
    EXPECT_EQ(value_hex([](auto &e) { e.put_timetz(3, 7200); }), "0b000000000000000300001c20");
    EXPECT_EQ(value_hex([](auto &e) { e.put_interval(1, 2, 3); }),
              "0c00000000000000010000000200000003");
}

TEST(CanonicalEncoder, IntervalFieldsStayApart)
{
    EXPECT_NE(value_hex([](auto &e) { e.put_interval(0, 0, 1); }),
              value_hex([](auto &e) { e.put_interval(0, 30, 0); }));
}

TEST(CanonicalEncoder, NetworkAndMacLayouts)
{
    const std::uint8_t v4[4] = {10, 0, 0, 1};
    EXPECT_EQ(value_hex([&](auto &e) { e.put_network(4, 8, v4); }), "0f04080a000001");
    EXPECT_THROW(value_hex([&](auto &e) { e.put_network(5, 8, v4); }), idempotent::Error);
    const std::uint8_t mac[8] = {8, 0, 0x2b, 1, 2, 3, 4, 5};
    EXPECT_EQ(value_hex([&](auto &e) { e.put_macaddr(mac); }), "1008002b010203");
    EXPECT_EQ(value_hex([&](auto &e) { e.put_macaddr8(mac); }), "1108002b0102030405");
}

TEST(CanonicalEncoder, ArraysCarryBoundsAndRecordsTheirWidth)
{
    const std::int32_t lower[1] = {2};
    const std::int32_t length[1] = {1};
    EXPECT_EQ(value_hex([&](auto &e) {
                  e.begin_array(1, lower, length);
                  e.put_null();
              }),
              "13000000010000000200000001"
              "00");
    EXPECT_EQ(value_hex([](auto &e) { e.begin_record(0); }), "1400000000");
}

TEST(CanonicalEncoder, JsonbValues)
{
    EXPECT_EQ(value_hex([](auto &e) {
                  e.begin_jsonb();
                  e.begin_json_object(1);
                  e.put_json_key("a");
                  e.put_json_number("1.0");
              }),
              "0e"
              "2600000001"
              "0000000161"
              "230000000131");
    EXPECT_EQ(value_hex([](auto &e) {
                  e.begin_jsonb();
                  e.begin_json_array(3);
                  e.put_json_null();
                  e.put_json_bool(true);
                  e.put_json_string("x");
              }),
              "0e"
              "2500000003"
              "20"
              "22"
              "240000000178");
}

TEST(CanonicalEncoder, JsonKeysOrderShorterFirstThenBytewise)
{
    EXPECT_TRUE(idempotent::json_key_less("b", "aa"));
    EXPECT_TRUE(idempotent::json_key_less("a", "b"));
    EXPECT_FALSE(idempotent::json_key_less("b", "b"));
}

TEST(CanonicalEncoder, BufferLimitIsEnforced)
{
    CanonicalEncoder encoder;
    encoder.begin(1, nullptr, 16);
    try {
        encoder.put_text(std::string(100, 'x'));
        FAIL() << "expected the limit to be enforced";
    } catch (const idempotent::Error &error) {
        EXPECT_STREQ(error.sqlstate(), "54000");
    }
}

TEST(CanonicalEncoder, StreamingDigestEqualsDigestOfBuffer)
{
    const std::string large(200 * 1024, 'q');
    CanonicalEncoder buffered;
    buffered.begin(2, nullptr, 1 << 30);
    buffered.put_text("small");
    buffered.put_text(large);
    std::uint8_t expected[32];
    idempotent::Hasher sha256(idempotent::DigestAlgorithm::sha256);
    sha256.digest(buffered.bytes().data(), buffered.bytes().size(), expected);

    CanonicalEncoder streaming;
    sha256.begin();
    streaming.begin(2, &sha256, 0);
    streaming.put_text("small");
    streaming.put_text(large);
    streaming.flush();
    std::uint8_t actual[32];
    sha256.finish(actual);
    EXPECT_EQ(std::string(reinterpret_cast<char *>(expected), 32),
              std::string(reinterpret_cast<char *>(actual), 32));
    EXPECT_LT(streaming.bytes().size(), large.size());
}

TEST(CanonicalDecimal, StripsTrailingZerosAndPoint)
{
    EXPECT_EQ(canonical("7.00"), "7");
    EXPECT_EQ(canonical("-0.50"), "-0.5");
    EXPECT_EQ(canonical("0.000"), "0");
    EXPECT_EQ(canonical("-0.000"), "0");
    EXPECT_EQ(canonical("00012.340"), "12.34");
    EXPECT_EQ(canonical("0.000000000000000000001"), "0.000000000000000000001");
    EXPECT_EQ(canonical("1234567890123456789012345678901234567890"),
              "1234567890123456789012345678901234567890");
}

TEST(CanonicalDecimal, SpecialValuesPassThrough)
{
    EXPECT_EQ(canonical("NaN"), "NaN");
    EXPECT_EQ(canonical("Infinity"), "Infinity");
    EXPECT_EQ(canonical("-Infinity"), "-Infinity");
}

TEST(CanonicalDecimal, RejectsNonDecimalText)
{
    EXPECT_THROW(canonical("1e5"), idempotent::Error);
    EXPECT_THROW(canonical(""), idempotent::Error);
    EXPECT_THROW(canonical("-"), idempotent::Error);
    EXPECT_THROW(canonical(".5"), idempotent::Error);
    EXPECT_THROW(canonical("1.2.3"), idempotent::Error);
}

TEST(IntegerDecimal, CoversTheWholeRange)
{
    std::string out;
    append_integer_decimal(std::numeric_limits<std::int64_t>::min(), out);
    EXPECT_EQ(out, "-9223372036854775808");
    out.clear();
    append_integer_decimal(std::numeric_limits<std::int64_t>::max(), out);
    EXPECT_EQ(out, "9223372036854775807");
    out.clear();
    append_integer_decimal(0, out);
    EXPECT_EQ(out, "0");
}

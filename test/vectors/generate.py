#!/usr/bin/python3
"""Build test/vectors/ids.json from the reference implementation (test/reference).

Each vector pairs SQL argument expressions with the same arguments as typed values for
idempotent_ref, and stores the encoding, digest, id and id64 that the reference computes. The
extension must produce the same values from the SQL (test/reference/check_vectors.py --sql).

The SQL is written so that its value never depends on session settings: ISO dates, explicit
offsets or zone names for timestamptz, E'' strings wherever a backslash occurs (so
standard_conforming_strings does not matter), interval fields with explicit signs (so
IntervalStyle=sql_standard does not spread a leading minus), and quoted numeric literals
('-32768'::int2 rather than -32768::int2, which would negate after the cast).

A vector's sql list normally has one expression per argument; `VARIADIC <array>` stands for
all of the arguments at once (f(VARIADIC arr) passes the elements of arr).

Run with /usr/bin/python3 from anywhere: python3 test/vectors/generate.py
"""

import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "reference"))

import idempotent_ref as ref  # noqa: E402  (needs the path set up above)

OUTPUT = HERE / "ids.json"

# The checker runs these first (inside a transaction it rolls back) for the vectors that use
# user-defined types: an enum, a composite type with a dropped column, and a domain.
SETUP = [
    "CREATE TYPE idempotent_vectors_mood AS ENUM ('sad', 'ok', 'happy', '😀')",
    "CREATE TYPE idempotent_vectors_pair AS (a int4, dropped text, b text)",
    "ALTER TYPE idempotent_vectors_pair DROP ATTRIBUTE dropped",
    "CREATE DOMAIN idempotent_vectors_posint AS int4 CHECK (VALUE > 0)",
]


# --- building arguments: each is a pair (SQL expression, typed value for the reference) -------

def sql_string(text):
    """A SQL string literal whose value does not depend on standard_conforming_strings."""
    quoted = text.replace("'", "''")
    if "\\" in text:
        return "E'" + quoted.replace("\\", "\\\\") + "'"
    return "'" + quoted + "'"


def typed(type_name, value):
    return {"type": type_name, "value": value}


def lit(type_name, text, sql_type=None):
    """'text'::sql_type, read by the reference as type_name from the same text."""
    return f"{sql_string(text)}::{sql_type or type_name}", typed(type_name, text)


def expr(sql, type_name, value):
    """Any SQL expression and the typed value it produces."""
    return sql, typed(type_name, value)


def integer(type_name, number):
    # Quoted, so that a minimum value is read whole instead of negated after the cast.
    return f"'{number}'::{type_name}", typed(type_name, number)


def null(sql_type):
    return f"NULL::{sql_type}", {"type": "null"}


def interval(sql, months, days, microseconds):
    return sql, typed("interval", {"months": months, "days": days, "microseconds": microseconds})


def array(sql, dims, lower_bounds, elements):
    """elements are typed values or None (NULL), in row-major order."""
    return sql, {"type": "array", "lower_bounds": lower_bounds, "dims": dims,
                 "elements": elements}


def vector_1d(sql, elements):
    return array(sql, [len(elements)], [1], elements)


def row(*fields, cast=""):
    """ROW(...) of the given arguments, optionally cast to a composite type."""
    sql = "ROW(" + ", ".join(field_sql for field_sql, _ in fields) + ")" + cast
    return sql, {"type": "record", "fields": [value for _, value in fields]}


def ints(type_name, numbers):
    return [typed(type_name, n) for n in numbers]


def texts(strings):
    return [None if s is None else typed("text", s) for s in strings]


def variadic(array_arg):
    """f(VARIADIC arr): one SQL entry, and the array's elements as the arguments."""
    sql, value = array_arg
    return ["VARIADIC " + sql], [element or {"type": "null"} for element in value["elements"]]


# --- the vectors --------------------------------------------------------------------------

def exact_number_vectors():
    yield "int2 0", [integer("int2", 0)]
    yield "int2 minimum", [integer("int2", -32768)]
    yield "int2 maximum", [integer("int2", 32767)]
    yield "int4 minimum", [integer("int4", -2147483648)]
    yield "int4 maximum", [integer("int4", 2147483647)]
    yield "int8 minimum", [integer("int8", -9223372036854775808)]
    yield "int8 maximum", [integer("int8", 9223372036854775807)]
    yield "int4 -1", [integer("int4", -1)]
    yield "int2 7", [integer("int2", 7)]
    yield "int4 7", [integer("int4", 7)]
    yield "int8 7", [integer("int8", 7)]
    yield "numeric 7", [lit("numeric", "7")]
    yield "numeric 7.00 (unquoted literal)", [expr("7.00::numeric", "numeric", "7.00")]
    yield "numeric '7.000'", [lit("numeric", "7.000")]
    yield "numeric 7e0", [lit("numeric", "7e0")]
    yield "domain over int4 7", [expr("7::idempotent_vectors_posint", "int4", 7)]
    yield "int4 0", [integer("int4", 0)]
    yield "numeric -0.00", [lit("numeric", "-0.00")]
    yield "numeric 0.000", [lit("numeric", "0.000")]
    yield "numeric -0.50", [lit("numeric", "-0.50")]
    yield "numeric 0.5", [lit("numeric", "0.5")]
    yield "numeric 123.4500", [lit("numeric", "123.4500")]
    yield "numeric 100 keeps integer zeros", [lit("numeric", "100")]
    yield "int4 1000", [integer("int4", 1000)]
    yield "numeric 1e3", [lit("numeric", "1e3")]
    yield "numeric 1.5e-3", [lit("numeric", "1.5e-3")]
    yield "numeric NaN", [lit("numeric", "NaN")]
    yield "numeric Infinity", [lit("numeric", "Infinity")]
    yield "numeric -Infinity", [lit("numeric", "-Infinity")]
    yield "numeric 40 digits", [lit("numeric", "1234567890123456789012345678901234567890")]
    yield "numeric -40 digits with fraction", [
        lit("numeric", "-9876543210987654321098765432109876543210.0123456789000")]
    yield "numeric 1e100", [lit("numeric", "1e100")]
    yield "numeric tiny 0.000000000000000000001", [lit("numeric", "0.000000000000000000001")]
    yield "numeric tiny negative", [lit("numeric", "-0.000000000000000000001")]
    yield "numeric 1e-100", [lit("numeric", "1e-100")]
    yield "numeric -12.3e-5", [lit("numeric", "-12.3e-5")]


def float_vectors():
    yield "float8 0", [lit("float8", "0")]
    yield "float8 -0.0", [lit("float8", "-0.0")]
    yield "float4 0", [lit("float4", "0")]
    yield "float4 -0", [lit("float4", "-0")]
    yield "float8 NaN", [lit("float8", "NaN")]
    yield "float4 NaN", [lit("float4", "NaN")]
    # Both produce a NaN with the sign bit set on common hardware; it must still be 7FF8...
    yield "float8 negated NaN", [expr("-('NaN'::float8)", "float8", "NaN")]
    yield "float8 Infinity - Infinity", [
        expr("'Infinity'::float8 - 'Infinity'::float8", "float8", "NaN")]
    yield "float8 Infinity", [lit("float8", "Infinity")]
    yield "float8 -Infinity", [lit("float8", "-Infinity")]
    yield "float4 Infinity", [lit("float4", "Infinity")]
    yield "float4 -Infinity", [lit("float4", "-Infinity")]
    yield "float8 1.5", [lit("float8", "1.5")]
    yield "float4 1.5", [lit("float4", "1.5")]
    yield "float8 1.1", [lit("float8", "1.1")]
    yield "float4 1.1", [lit("float4", "1.1")]
    yield "float8 1.0 (not the exact number 1)", [lit("float8", "1.0")]
    yield "int4 1", [integer("int4", 1)]
    yield "float8 0.1", [lit("float8", "0.1")]
    yield "numeric 0.1", [lit("numeric", "0.1")]
    yield "float8 -2.5", [lit("float8", "-2.5")]
    yield "float8 smallest subnormal", [lit("float8", "5e-324")]
    yield "float8 smallest normal", [lit("float8", "2.2250738585072014e-308")]
    yield "float8 largest", [lit("float8", "1.7976931348623157e308")]
    yield "float4 smallest subnormal", [lit("float4", "1e-45")]
    yield "float4 largest", [lit("float4", "3.4028235e38")]
    yield "float8 1e23", [lit("float8", "1e23")]


def text_vectors():
    yield "text empty", [lit("text", "")]
    yield "text abc", [lit("text", "abc")]
    yield "varchar abc", [lit("varchar", "abc")]
    yield "varchar(10) abc", [lit("varchar", "abc", "varchar(10)")]
    yield "bpchar char(5) abc", [expr("'abc'::char(5)", "bpchar", "abc  ")]
    yield "bpchar with trailing spaces", [lit("bpchar", "abc   ")]
    yield "name abc", [lit("name", "abc")]
    yield "untyped literal abc (deliberately not cast)", [expr("'abc'", "text", "abc")]
    yield "text abc with trailing spaces", [lit("text", "abc  ")]
    yield "bpchar char(3) empty", [expr("''::char(3)", "bpchar", "   ")]
    yield "bpchar keeps leading space", [expr("' a'::char(3)", "bpchar", " a ")]
    yield "bpchar multibyte padding", [expr("'é'::char(3)", "bpchar", "é  ")]
    yield "text a", [lit("text", "a")]
    yield "bpchar char(3) a", [expr("'a'::char(3)", "bpchar", "a  ")]
    yield "varchar(3) truncates", [expr("'abcdef'::varchar(3)", "varchar", "abc")]
    yield "text héllo", [lit("text", "héllo")]
    yield "text 日本語", [lit("text", "日本語")]
    yield "text emoji", [lit("text", "😀")]
    yield "text emoji ZWJ sequence", [lit("text", "👩\u200d👩\u200d👧")]
    yield "text precomposed é", [lit("text", "\u00e9")]
    yield "text decomposed é", [lit("text", "e\u0301")]
    yield "text tab and newline", [lit("text", "a\tb\n")]
    yield "text quote", [lit("text", "it's")]
    yield "text backslash", [lit("text", "back\\slash")]
    yield "text 63 letters", [lit("text", "a" * 63)]
    yield "name truncated to 63 bytes", [lit("name", "a" * 70)]
    yield "text 62 letters", [lit("text", "a" * 62)]
    yield "name truncated before a multibyte character", [lit("name", "a" * 62 + "é")]
    yield "text 1 (not the number 1)", [lit("text", "1")]


def bytes_and_uuid_vectors():
    yield "bytea empty", [expr("decode('', 'hex')", "bytea", "")]
    yield "bytea 00ff10", [expr("decode('00ff10', 'hex')", "bytea", "00ff10")]
    yield "bytea abc (not the text abc)", [expr("decode('616263', 'hex')", "bytea", "616263")]
    all_bytes = bytes(range(256)).hex()
    yield "bytea all 256 byte values", [expr(f"decode('{all_bytes}', 'hex')", "bytea", all_bytes)]
    yield "bytea via escape literal", [expr("E'\\\\x00ff10'::bytea", "bytea", "\\x00ff10")]
    yield "uuid lower case", [lit("uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")]
    yield "uuid upper case in braces", [lit("uuid", "{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}")]
    yield "uuid without hyphens", [lit("uuid", "a0eebc999c0b4ef8bb6d6bb9bd380a11")]
    yield "uuid nil", [lit("uuid", "00000000-0000-0000-0000-000000000000")]
    yield "uuid max", [lit("uuid", "ffffffff-ffff-ffff-ffff-ffffffffffff")]
    yield "text of a uuid (not the uuid)", [lit("text", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")]


def bool_vectors():
    yield "bool true", [expr("true", "bool", True)]
    yield "bool 'yes'", [expr("'yes'::bool", "bool", True)]
    yield "bool false", [expr("false", "bool", False)]


def date_vectors():
    yield "date 2000-01-01 (day 0)", [lit("date", "2000-01-01")]
    yield "date 1999-12-31", [lit("date", "1999-12-31")]
    yield "date 2026-11-01", [lit("date", "2026-11-01")]
    yield "date 2024-02-29", [lit("date", "2024-02-29")]
    yield "date 1970-01-01", [lit("date", "1970-01-01")]
    yield "date infinity", [lit("date", "infinity")]
    yield "date -infinity", [lit("date", "-infinity")]
    yield "date 0044-03-15 BC", [lit("date", "0044-03-15 BC")]
    yield "date 0001-01-01", [lit("date", "0001-01-01")]
    yield "date 0001-12-31 BC", [lit("date", "0001-12-31 BC")]
    yield "date 0001-02-29 BC (leap year 0)", [lit("date", "0001-02-29 BC")]
    yield "date minimum 4714-11-24 BC", [lit("date", "4714-11-24 BC")]
    yield "date maximum 5874897-12-31", [lit("date", "5874897-12-31")]


def timestamp_vectors():
    yield "timestamp 2000-01-01 00:00:00 (0)", [lit("timestamp", "2000-01-01 00:00:00")]
    yield "timestamp 2026-11-01 12:00:00", [lit("timestamp", "2026-11-01 12:00:00")]
    yield "timestamp with microseconds", [lit("timestamp", "2026-11-01 12:00:00.123456")]
    yield "timestamp one microsecond before 2000", [lit("timestamp", "1999-12-31 23:59:59.999999")]
    yield "timestamp 24:00:00", [lit("timestamp", "2026-11-01 24:00:00")]
    yield "timestamp next midnight", [lit("timestamp", "2026-11-02 00:00:00")]
    yield "timestamp 2026-11-01 00:00:00 (not the date)", [lit("timestamp", "2026-11-01 00:00:00")]
    yield "timestamp infinity", [lit("timestamp", "infinity")]
    yield "timestamp -infinity", [lit("timestamp", "-infinity")]
    yield "timestamp 0044-03-15 12:00:00 BC", [lit("timestamp", "0044-03-15 12:00:00 BC")]
    yield "timestamp minimum", [lit("timestamp", "4714-11-24 00:00:00 BC")]
    yield "timestamp maximum", [lit("timestamp", "294276-12-31 23:59:59.999999")]
    yield "timestamp 2026-11-01 10:00:00 (not the timestamptz)", [
        lit("timestamp", "2026-11-01 10:00:00")]


def timestamptz_vectors():
    # One instant, 2026-11-01 10:00:00 UTC, written in many zones.
    yield "timestamptz 10:00 UTC written +02", [lit("timestamptz", "2026-11-01 12:00:00+02")]
    yield "timestamptz 10:00 UTC written +00", [lit("timestamptz", "2026-11-01 10:00:00+00")]
    yield "timestamptz 10:00 UTC written Z", [lit("timestamptz", "2026-11-01 10:00:00Z")]
    yield "timestamptz 10:00 UTC written +05:30", [lit("timestamptz", "2026-11-01 15:30:00+05:30")]
    yield "timestamptz 10:00 UTC written -05", [lit("timestamptz", "2026-11-01 05:00:00-05")]
    yield "timestamptz 10:00 UTC written +13:45 (Chatham summer)", [
        lit("timestamptz", "2026-11-01 23:45:00+13:45")]
    yield "timestamptz 10:00 UTC written +01:02:03", [
        lit("timestamptz", "2026-11-01 11:02:03+01:02:03")]
    yield "timestamptz 10:00 UTC written Europe/Berlin", [
        lit("timestamptz", "2026-11-01 11:00:00 Europe/Berlin")]
    # 2026-11-01 is the day New York leaves DST (at 02:00); 05:00 there is EST, -05.
    yield "timestamptz 10:00 UTC via AT TIME ZONE America/New_York", [
        expr("'2026-11-01 05:00:00'::timestamp AT TIME ZONE 'America/New_York'",
             "timestamptz", "2026-11-01 05:00:00 America/New_York")]
    yield "timestamptz 10:00 UTC plus 1 microsecond", [
        lit("timestamptz", "2026-11-01 10:00:00.000001+00")]
    # Europe/Berlin springs forward 2026-03-29 02:00 CET -> 03:00 CEST: one second apart.
    yield "timestamptz last second of CET", [lit("timestamptz", "2026-03-29 01:59:59+01")]
    yield "timestamptz first second of CEST", [lit("timestamptz", "2026-03-29 03:00:00+02")]
    yield "timestamptz first second of CEST by zone name", [
        lit("timestamptz", "2026-03-29 03:00:00 Europe/Berlin")]
    yield "timestamptz first second of CEST in UTC", [lit("timestamptz", "2026-03-29 01:00:00+00")]
    # Berlin falls back 2026-10-25 03:00 CEST -> 02:00 CET: 02:30 happens twice, an hour apart.
    yield "timestamptz fall back 02:30 CEST", [lit("timestamptz", "2026-10-25 02:30:00+02")]
    yield "timestamptz fall back 02:30 CET", [lit("timestamptz", "2026-10-25 02:30:00+01")]
    yield "timestamptz Berlin local mean time 1880", [
        lit("timestamptz", "1880-01-01 12:00:00 Europe/Berlin")]
    yield "timestamptz 0044-03-15 12:00:00+00 BC", [
        lit("timestamptz", "0044-03-15 12:00:00+00 BC")]
    yield "timestamptz infinity", [lit("timestamptz", "infinity")]
    yield "timestamptz -infinity", [lit("timestamptz", "-infinity")]


def time_vectors():
    yield "time midnight", [lit("time", "00:00:00")]
    yield "time 12:34:56.789012", [lit("time", "12:34:56.789012")]
    yield "time last microsecond", [lit("time", "23:59:59.999999")]
    yield "time 24:00:00", [lit("time", "24:00:00")]
    yield "timetz 10:00+02", [lit("timetz", "10:00:00+02")]
    yield "timetz 09:00+01 (same instant, kept apart)", [lit("timetz", "09:00:00+01")]
    yield "timetz 08:00+00", [lit("timetz", "08:00:00+00")]
    yield "timetz 10:00-03:30", [lit("timetz", "10:00:00-03:30")]
    yield "timetz 10:00+05:45", [lit("timetz", "10:00:00+05:45")]
    yield "timetz 23:59:59.999999+14", [lit("timetz", "23:59:59.999999+14")]
    yield "timetz 00:00-12", [lit("timetz", "00:00:00-12")]
    yield "timetz 24:00+00", [lit("timetz", "24:00:00+00")]
    yield "time 10:00 (not the timetz)", [lit("time", "10:00:00")]


def interval_vectors():
    yield "interval zero", [interval("'0 seconds'::interval", 0, 0, 0)]
    yield "interval 1 mon", [interval("'1 mon'::interval", 1, 0, 0)]
    yield "interval 30 days", [interval("'30 days'::interval", 0, 30, 0)]
    yield "interval 720 hours", [interval("'720 hours'::interval", 0, 0, 720 * 3600 * 10**6)]
    yield "interval 1 day", [interval("'1 day'::interval", 0, 1, 0)]
    yield "interval 24 hours", [interval("'24 hours'::interval", 0, 0, 24 * 3600 * 10**6)]
    yield "interval 25 hours not normalized", [
        interval("'25 hours'::interval", 0, 0, 25 * 3600 * 10**6)]
    yield "interval 1 mon -30 days not normalized", [
        interval("'1 mon -30 days'::interval", 1, -30, 0)]
    yield "interval all fields", [
        interval("'1 year 2 mons 3 days 04:05:06.789'::interval", 14, 3, 14_706_789_000)]
    yield "interval written out", [
        interval("'1 year 2 mons 3 days 04:05:06'::interval", 14, 3, 14_706_000_000)]
    yield "interval ISO 8601 input", [
        interval("'P1Y2M3DT4H5M6S'::interval", 14, 3, 14_706_000_000)]
    yield "interval negative parts", [
        interval("'-1 mon +2 days -3 microseconds'::interval", -1, 2, -3)]
    yield "interval 1.5 mon spills into days", [interval("'1.5 mon'::interval", 1, 15, 0)]
    yield "interval maximum months", [
        interval("'178956970 years 7 mons'::interval", 2147483647, 0, 0)]
    yield "interval minimum months", [
        interval("'-178956970 years -8 mons'::interval", -2147483648, 0, 0)]
    yield "interval extreme days", [
        interval("'2147483647 days'::interval", 0, 2147483647, 0)]
    yield "interval maximum microseconds", [
        interval("'2562047788 hours 54.775807 seconds'::interval", 0, 0, 2**63 - 1)]


def json_vectors():
    yield "json as written with spaces", [lit("json", '{"a": 1,  "b":2}')]
    yield "json as written compact", [lit("json", '{"a":1,"b":2}')]
    yield "json keeps duplicate keys", [lit("json", '{"a":1,"a":2}')]
    yield "json keeps key order", [lit("json", '{"b":1,"a":1.0}')]
    yield "json leading and trailing spaces", [lit("json", " [1, 2] ")]
    yield "json scalar 1", [lit("json", "1")]
    yield "json null", [lit("json", "null")]
    yield "json keeps unicode escape", [lit("json", '"\\u00e9"')]
    yield "jsonb object {b:1,a:1.0}", [lit("jsonb", '{"b":1,"a":1.0}')]
    yield "jsonb object {a:1,b:1}", [lit("jsonb", '{"a":1,"b":1}')]
    yield "jsonb object with spaces and exponent", [lit("jsonb", '{ "a" : 1.00 , "b" : 1e0 }')]
    yield "jsonb compact {a:1,b:2} (not the json)", [lit("jsonb", '{"a":1,"b":2}')]
    yield "jsonb shorter key first", [lit("jsonb", '{"aa":1,"b":2}')]
    yield "jsonb shorter key first, written reversed", [lit("jsonb", '{"b":2,"aa":1}')]
    yield "jsonb keys bytewise", [lit("jsonb", '{"a":1,"B":2}')]
    yield "jsonb keys by UTF-8 length", [lit("jsonb", '{"😀":1,"abc":2,"é":3,"ab":4,"z":5}')]
    yield "jsonb duplicate keys, last wins", [lit("jsonb", '{"a":1,"a":2}')]
    yield "jsonb {a:2}", [lit("jsonb", '{"a":2}')]
    yield "jsonb nested", [lit("jsonb", '{"d":false,"a":[1,{"c":null,"bb":true,"b":"x"}],"c":{}}')]
    yield "jsonb unicode escapes", [lit("jsonb", '{"\\u00e9":"\\ud83d\\ude00"}')]
    yield "jsonb unicode written", [lit("jsonb", '{"é":"😀"}')]
    yield "jsonb numbers scale and exponent", [lit("jsonb", "[1.0, 1.00, 1e2, -0, -0.50, 1E-3]")]
    yield "jsonb big and tiny numbers", [
        lit("jsonb", "[12345678901234567890123456789012345678901234567890, 1e-30, -1e40]")]
    yield "jsonb array order matters [1,2]", [lit("jsonb", "[1,2]")]
    yield "jsonb array order matters [2,1]", [lit("jsonb", "[2,1]")]
    yield "jsonb scalar 1.50", [lit("jsonb", "1.50")]
    yield "jsonb scalar 1.5", [lit("jsonb", "1.5")]
    yield "jsonb scalar string \"1\"", [lit("jsonb", '"1"')]
    yield "jsonb scalar empty string", [lit("jsonb", '""')]
    yield "jsonb scalar null", [lit("jsonb", "null")]
    yield "jsonb scalar true", [lit("jsonb", "true")]
    yield "jsonb scalar false", [lit("jsonb", "false")]
    yield "jsonb empty object", [lit("jsonb", "{}")]
    yield "jsonb empty array", [lit("jsonb", "[]")]
    yield "jsonb array holding a scalar", [lit("jsonb", "[1.5]")]


def network_vectors():
    yield "inet 192.168.1.5 (/32)", [lit("inet", "192.168.1.5")]
    yield "inet 192.168.1.5/32", [lit("inet", "192.168.1.5/32")]
    yield "inet 192.168.1.5/24 keeps host bits", [lit("inet", "192.168.1.5/24")]
    yield "inet 192.168.1.0/24", [lit("inet", "192.168.1.0/24")]
    yield "cidr 192.168.1.0/24", [lit("cidr", "192.168.1.0/24")]
    yield "cidr 10.1 abbreviated", [expr("'10.1'::cidr", "cidr", "10.1.0.0/16")]
    yield "cidr 10.1.0.0/16", [lit("cidr", "10.1.0.0/16")]
    yield "cidr 0.0.0.0/0", [lit("cidr", "0.0.0.0/0")]
    yield "inet ::1 (/128)", [lit("inet", "::1")]
    yield "inet 2001:db8::1", [lit("inet", "2001:db8::1")]
    yield "inet 2001:DB8:0:0:0:0:0:1/128", [lit("inet", "2001:DB8:0:0:0:0:0:1/128")]
    yield "inet 2001:db8::1/64", [lit("inet", "2001:db8::1/64")]
    yield "cidr 2001:db8::/32", [lit("cidr", "2001:db8::/32")]
    yield "cidr ::/0", [lit("cidr", "::/0")]
    yield "inet IPv4-mapped IPv6", [lit("inet", "::ffff:1.2.3.4")]
    yield "inet 1.2.3.4 (not IPv4-mapped)", [lit("inet", "1.2.3.4")]
    yield "macaddr colons", [lit("macaddr", "08:00:2b:01:02:03")]
    yield "macaddr hyphens upper case", [lit("macaddr", "08-00-2B-01-02-03")]
    yield "macaddr dotted", [lit("macaddr", "0800.2b01.0203")]
    yield "macaddr8 8 bytes", [lit("macaddr8", "08:00:2b:01:02:03:04:05")]
    yield "macaddr8 from 6 bytes", [lit("macaddr8", "08:00:2b:01:02:03")]
    yield "macaddr8 with ff:fe", [lit("macaddr8", "08:00:2b:ff:fe:01:02:03")]


def enum_vectors():
    for label in ("sad", "ok", "happy", "😀"):
        yield f"enum {label}", [lit("enum", label, "idempotent_vectors_mood")]
    yield "text happy (not the enum)", [lit("text", "happy")]


def array_vectors():
    one_two = ints("int4", [1, 2])
    yield "array int4 ARRAY[1,2]", [vector_1d("ARRAY[1, 2]::int4[]", one_two)]
    yield "array int4 '{1,2}'", [vector_1d("'{1,2}'::int4[]", one_two)]
    yield "array int4 '[1:2]={1,2}'", [vector_1d("'[1:2]={1,2}'::int4[]", one_two)]
    yield "array int8 {1,2}", [vector_1d("ARRAY[1, 2]::int8[]", ints("int8", [1, 2]))]
    yield "array numeric {1.00,2.0}", [vector_1d(
        "'{1.00,2.0}'::numeric[]", [typed("numeric", "1.00"), typed("numeric", "2.0")])]
    yield "array float8 {1,2}", [vector_1d(
        "'{1,2}'::float8[]", [typed("float8", "1"), typed("float8", "2")])]
    yield "array lower bound 2", [array("'[2:3]={1,2}'::int4[]", [2], [2], one_two)]
    yield "array lower bound 0", [array("'[0:1]={1,2}'::int4[]", [2], [0], one_two)]
    yield "array 2-D 2x3", [array("'{{1,2,3},{4,5,6}}'::int4[]", [2, 3], [1, 1],
                                  ints("int4", range(1, 7)))]
    yield "array 2-D 3x2", [array("'{{1,2},{3,4},{5,6}}'::int4[]", [3, 2], [1, 1],
                                  ints("int4", range(1, 7)))]
    yield "array 1-D of 6", [vector_1d("'{1,2,3,4,5,6}'::int4[]", ints("int4", range(1, 7)))]
    yield "array 2-D negative lower bounds", [array(
        "'[-1:0][5:6]={{1,2},{3,4}}'::int4[]", [2, 2], [-1, 5], ints("int4", range(1, 5)))]
    yield "array 3-D", [array("'{{{1,2}},{{3,4}}}'::int4[]", [2, 1, 2], [1, 1, 1],
                              ints("int4", range(1, 5)))]
    yield "array 2-D with NULLs", [array("'{{1,NULL},{NULL,4}}'::int4[]", [2, 2], [1, 1],
                                         [typed("int4", 1), None, None, typed("int4", 4)])]
    yield "array empty int4 '{}'", [array("'{}'::int4[]", [], [], [])]
    yield "array empty text ARRAY[]", [array("ARRAY[]::text[]", [], [], [])]
    yield "array empty date", [array("'{}'::date[]", [], [], [])]
    yield "array int4 with NULL", [vector_1d(
        "ARRAY[1, NULL, 3]::int4[]", [typed("int4", 1), None, typed("int4", 3)])]
    yield "array of one NULL", [vector_1d("ARRAY[NULL]::text[]", [None])]
    yield "array text empty, NULL, 'NULL'", [vector_1d(
        "ARRAY['', NULL, 'NULL']::text[]", texts(["", None, "NULL"]))]
    yield "array text ab,c", [vector_1d("ARRAY['ab', 'c']::text[]", texts(["ab", "c"]))]
    yield "array text a,bc", [vector_1d("ARRAY['a', 'bc']::text[]", texts(["a", "bc"]))]
    yield "array text multibyte", [vector_1d("ARRAY['é', '😀']::text[]", texts(["é", "😀"]))]
    yield "array char(3) padded", [vector_1d(
        "ARRAY['a', 'bc']::char(3)[]", [typed("bpchar", "a  "), typed("bpchar", "bc ")])]
    yield "array numeric with NaN", [vector_1d(
        "ARRAY['7.00', '-0.50', 'NaN']::numeric[]",
        [typed("numeric", "7.00"), typed("numeric", "-0.50"), typed("numeric", "NaN")])]
    yield "array date", [vector_1d(
        "ARRAY['2026-11-01', '-infinity', '0044-03-15 BC']::date[]",
        [typed("date", "2026-11-01"), typed("date", "-infinity"), typed("date", "0044-03-15 BC")])]
    yield "array timestamptz in different zones", [vector_1d(
        "ARRAY['2026-11-01 12:00:00+02', '2026-11-01 05:00:00-05']::timestamptz[]",
        [typed("timestamptz", "2026-11-01 12:00:00+02"),
         typed("timestamptz", "2026-11-01 05:00:00-05")])]
    yield "array jsonb", [vector_1d(
        "ARRAY['{\"b\":1,\"a\":2}', '[]']::jsonb[]",
        [typed("jsonb", '{"b":1,"a":2}'), typed("jsonb", "[]")])]
    yield "array enum", [vector_1d(
        "ARRAY['happy', '😀']::idempotent_vectors_mood[]",
        [typed("enum", "happy"), typed("enum", "😀")])]
    yield "array uuid", [vector_1d(
        "ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']::uuid[]",
        [typed("uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")])]
    yield "array of one int4 (not the int4)", [vector_1d("ARRAY[1]::int4[]", ints("int4", [1]))]
    yield "array of records", [vector_1d(
        "ARRAY[ROW(1, 'a'::text), ROW(2, NULL::text)]",
        [row(integer("int4", 1), lit("text", "a"))[1],
         row(integer("int4", 2), null("text"))[1]])]


def record_vectors():
    yield "record (1, 'a')", [row(integer("int4", 1), lit("text", "a"))]
    yield "record composite type with dropped column", [
        row(integer("int4", 1), lit("text", "a"), cast="::idempotent_vectors_pair")]
    yield "record empty ROW()", [row()]
    yield "record (1)", [row(integer("int4", 1))]
    yield "record ('a', 'b')", [row(lit("text", "a"), lit("text", "b"))]
    yield "record nested", [row(row(integer("int4", 1), lit("text", "x")),
                                row(null("int4")), lit("text", "y"))]
    yield "record of NULLs", [row(null("int4"), null("text"))]
    yield "record ('')", [row(lit("text", ""))]
    yield "record (NULL)", [row(null("text"))]
    yield "record containing an array", [
        row(vector_1d("ARRAY[1, 2]::int4[]", ints("int4", [1, 2])), lit("text", "x"))]
    yield "record of mixed types", [row(lit("jsonb", '{"b":1,"a":2}'), lit("date", "2026-11-01"),
                                        expr("true", "bool", True), lit("numeric", "1.50"))]


def null_vectors():
    yield "NULL int4", [null("int4")]
    yield "NULL text", [null("text")]
    yield "NULL jsonb", [null("jsonb")]
    yield "NULL int4[]", [null("int4[]")]
    yield "NULL composite", [null("idempotent_vectors_pair")]
    yield "text 'NULL'", [lit("text", "NULL")]
    yield "text dbt null placeholder", [lit("text", ref.DBT_NULL_PLACEHOLDER)]


def argument_list_vectors():
    yield "args ('ab', 'c')", [lit("text", "ab"), lit("text", "c")]
    yield "args ('a', 'bc')", [lit("text", "a"), lit("text", "bc")]
    yield "args ('a-b', 'c')", [lit("text", "a-b"), lit("text", "c")]
    yield "args ('a', 'b-c')", [lit("text", "a"), lit("text", "b-c")]
    yield "args ('a', 'b')", [lit("text", "a"), lit("text", "b")]
    yield "args ('a', NULL)", [lit("text", "a"), null("text")]
    yield "args (NULL, 'a')", [null("text"), lit("text", "a")]
    yield "args ('a', '')", [lit("text", "a"), lit("text", "")]
    yield "args (1, NULL)", [integer("int4", 1), null("int4")]
    yield "args (NULL, NULL)", [null("int4"), null("text")]
    yield "args mixed types", [integer("int8", 42), lit("text", "order-42"),
                               lit("date", "2026-11-01"), null("uuid"),
                               lit("timestamptz", "2026-11-01 12:00:00+02")]
    yield "args (1, 2, 3)", [integer("int4", 1), integer("int4", 2), integer("int4", 3)]
    yield "args 100 arguments", [mixed_argument(i) for i in range(1, 101)]


def mixed_argument(i):
    """Argument i of the 100-argument vector: a mix of int4, text and NULL."""
    if i % 10 == 0:
        return null("text")
    if i % 3 == 0:
        return lit("text", f"arg{i}")
    return integer("int4", i)


def variadic_vectors():
    """f(VARIADIC arr): these carry their SQL and argument lists separately."""
    yield ("VARIADIC int4 array (1, 2, 3)",
           *variadic(vector_1d("ARRAY[1, 2, 3]::int4[]", ints("int4", [1, 2, 3]))))
    yield ("VARIADIC text array ('ab', 'c')",
           *variadic(vector_1d("ARRAY['ab', 'c']::text[]", texts(["ab", "c"]))))
    yield ("VARIADIC text array with NULL ('a', NULL)",
           *variadic(vector_1d("ARRAY['a', NULL]::text[]", texts(["a", None]))))
    # An empty VARIADIC array is an error (an ID needs at least one value): no vector.


ARG_FAMILIES = [exact_number_vectors, float_vectors, text_vectors, bytes_and_uuid_vectors,
                bool_vectors, date_vectors, timestamp_vectors, timestamptz_vectors,
                time_vectors, interval_vectors, json_vectors, network_vectors, enum_vectors,
                array_vectors, record_vectors, null_vectors, argument_list_vectors]


def all_cases():
    """(name, sql list, typed argument list) for every vector, in file order."""
    for family in ARG_FAMILIES:
        for name, args in family():
            yield name, [sql for sql, _ in args], [value for _, value in args]
    yield from variadic_vectors()


# Vectors that must encode the same under docs/ids.md. Every other pair of vectors must encode
# differently; check_groups enforces both, so a reference bug that merges or splits values
# cannot slip into ids.json.
EQUAL_GROUPS = [
    ["int2 7", "int4 7", "int8 7", "numeric 7", "numeric 7.00 (unquoted literal)",
     "numeric '7.000'", "numeric 7e0", "domain over int4 7"],
    ["int2 0", "int4 0", "numeric -0.00", "numeric 0.000"],
    ["int4 1000", "numeric 1e3"],
    ["float8 0", "float8 -0.0", "float4 0", "float4 -0"],
    ["float8 NaN", "float4 NaN", "float8 negated NaN", "float8 Infinity - Infinity"],
    ["float8 Infinity", "float4 Infinity"],
    ["float8 -Infinity", "float4 -Infinity"],
    ["float8 1.5", "float4 1.5"],
    ["text abc", "varchar abc", "varchar(10) abc", "bpchar char(5) abc",
     "bpchar with trailing spaces", "name abc", "untyped literal abc (deliberately not cast)",
     "varchar(3) truncates"],
    ["text empty", "bpchar char(3) empty"],
    ["text a", "bpchar char(3) a"],
    ["text precomposed é", "bpchar multibyte padding"],
    ["text 63 letters", "name truncated to 63 bytes"],
    ["text 62 letters", "name truncated before a multibyte character"],
    ["bytea 00ff10", "bytea via escape literal"],
    ["uuid lower case", "uuid upper case in braces", "uuid without hyphens"],
    ["bool true", "bool 'yes'"],
    ["timestamp 24:00:00", "timestamp next midnight"],
    ["timestamptz 10:00 UTC written +02", "timestamptz 10:00 UTC written +00",
     "timestamptz 10:00 UTC written Z", "timestamptz 10:00 UTC written +05:30",
     "timestamptz 10:00 UTC written -05", "timestamptz 10:00 UTC written +13:45 (Chatham summer)",
     "timestamptz 10:00 UTC written +01:02:03", "timestamptz 10:00 UTC written Europe/Berlin",
     "timestamptz 10:00 UTC via AT TIME ZONE America/New_York"],
    ["timestamptz first second of CEST", "timestamptz first second of CEST by zone name",
     "timestamptz first second of CEST in UTC"],
    ["interval written out", "interval ISO 8601 input"],
    ["jsonb object {b:1,a:1.0}", "jsonb object {a:1,b:1}",
     "jsonb object with spaces and exponent"],
    ["jsonb shorter key first", "jsonb shorter key first, written reversed"],
    ["jsonb duplicate keys, last wins", "jsonb {a:2}"],
    ["jsonb unicode escapes", "jsonb unicode written"],
    ["jsonb scalar 1.50", "jsonb scalar 1.5"],
    ["inet 192.168.1.5 (/32)", "inet 192.168.1.5/32"],
    ["inet 192.168.1.0/24", "cidr 192.168.1.0/24"],
    ["cidr 10.1 abbreviated", "cidr 10.1.0.0/16"],
    ["inet 2001:db8::1", "inet 2001:DB8:0:0:0:0:0:1/128"],
    ["macaddr colons", "macaddr hyphens upper case", "macaddr dotted"],
    ["macaddr8 from 6 bytes", "macaddr8 with ff:fe"],
    ["array int4 ARRAY[1,2]", "array int4 '{1,2}'", "array int4 '[1:2]={1,2}'",
     "array int8 {1,2}", "array numeric {1.00,2.0}"],
    ["array text a,bc", "array char(3) padded"],
    ["array empty int4 '{}'", "array empty text ARRAY[]", "array empty date"],
    ["record (1, 'a')", "record composite type with dropped column"],
    ["NULL int4", "NULL text", "NULL jsonb", "NULL int4[]", "NULL composite"],
    ["args ('ab', 'c')", "VARIADIC text array ('ab', 'c')"],
    ["args ('a', NULL)", "VARIADIC text array with NULL ('a', NULL)"],
    ["args (1, 2, 3)", "VARIADIC int4 array (1, 2, 3)"],
]


def check_groups(vectors):
    """Vectors encode identically exactly when EQUAL_GROUPS puts them together."""
    by_name = {vector["name"]: vector for vector in vectors}
    if len(by_name) != len(vectors):
        raise SystemExit("duplicate vector names")
    group_of = {}
    for index, group in enumerate(EQUAL_GROUPS):
        for name in group:
            if name not in by_name or name in group_of:
                raise SystemExit(f"EQUAL_GROUPS: unknown or repeated name {name!r}")
            group_of[name] = index
    names_by_encoding = {}
    for vector in vectors:
        names_by_encoding.setdefault(vector["encoding"], []).append(vector["name"])
    for group in EQUAL_GROUPS:
        if len({by_name[name]["encoding"] for name in group}) != 1:
            raise SystemExit(f"expected equal encodings: {group}")
    for names in names_by_encoding.values():
        if len({group_of.get(name, name) for name in names}) != 1:
            raise SystemExit(f"unexpected equal encodings: {names}")


def make_vector(name, sql, args):
    return {
        "name": name,
        "sql": sql,
        "args": args,
        "encoding": ref.idempotent_encode(args).hex(),
        "digest": ref.idempotent_digest(args).hex(),
        "id": ref.idempotent_id(args),
        "id64": ref.idempotent_id64(args),
    }


def main():
    vectors = [make_vector(*case) for case in all_cases()]
    check_groups(vectors)
    document = {"format": ref.FORMAT_VERSION, "setup": SETUP, "vectors": vectors}
    # ensure_ascii=False keeps the multibyte test strings readable in the file.
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {len(vectors)} vectors to {OUTPUT}")


if __name__ == "__main__":
    main()

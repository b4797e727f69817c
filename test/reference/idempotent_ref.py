"""Reference implementation of the canonical encoding of docs/ids.md (format 1).

This module is written from docs/ids.md alone, independently of the extension's C++ code, so
that the two can be checked against each other (test/vectors/ids.json,
test/reference/check_vectors.py). It uses the Python standard library only.

Values are given as *natural* typed inputs, written the way a person would write the SQL
literal, and this module does the conversions PostgreSQL would do (days since 2000-01-01,
microseconds since the epoch, canonical decimals, binary32 rounding, ...):

    {"type": "date", "value": "2026-11-01"}
    {"type": "timestamptz", "value": "2026-11-01 12:00:00+02"}
    {"type": "numeric", "value": "7.00"}
    {"type": "interval", "value": {"months": 1, "days": 0, "microseconds": 0}}
    {"type": "array", "lower_bounds": [1], "dims": [2], "elements": [..., None]}
    {"type": "record", "fields": [...]}
    {"type": "null"}            (None is accepted too, e.g. as an array element)

Entry points: idempotent_encode, idempotent_digest, idempotent_id, idempotent_id64 (each takes
the list of arguments), plus the helpers uuid_v5 and dbt_surrogate_key.
"""

import datetime
import hashlib
import ipaddress
import json
import re
import struct
import uuid
import zoneinfo
from decimal import Decimal

FORMAT_VERSION = 1

# Family tags (docs/ids.md, "Layout").
TAG_NULL = 0x00
TAG_BOOL = 0x01
TAG_EXACT = 0x02
TAG_FLOAT = 0x03
TAG_TEXT = 0x04
TAG_BYTES = 0x05
TAG_UUID = 0x06
TAG_DATE = 0x07
TAG_TIMESTAMP = 0x08
TAG_TIMESTAMPTZ = 0x09
TAG_TIME = 0x0A
TAG_TIMETZ = 0x0B
TAG_INTERVAL = 0x0C
TAG_JSON = 0x0D
TAG_JSONB = 0x0E
TAG_NETWORK = 0x0F
TAG_MACADDR = 0x10
TAG_MACADDR8 = 0x11
TAG_ENUM = 0x12
TAG_ARRAY = 0x13
TAG_RECORD = 0x14

# jsonb value tags (docs/ids.md, "jsonb").
JTAG_NULL = 0x20
JTAG_FALSE = 0x21
JTAG_TRUE = 0x22
JTAG_NUMBER = 0x23
JTAG_STRING = 0x24
JTAG_ARRAY = 0x25
JTAG_OBJECT = 0x26

# The special values PostgreSQL stores for infinite dates and timestamps.
DATE_NEG_INFINITY = -(2**31)
DATE_POS_INFINITY = 2**31 - 1
TIMESTAMP_NEG_INFINITY = -(2**63)
TIMESTAMP_POS_INFINITY = 2**63 - 1

USECS_PER_SECOND = 1_000_000
USECS_PER_DAY = 86_400 * USECS_PER_SECOND
# days_from_civil() counts from 1970-01-01; PostgreSQL's epoch 2000-01-01 is 10957 days later.
UNIX_EPOCH_TO_PG_EPOCH_DAYS = 10_957
# A `name` holds at most NAMEDATALEN - 1 = 63 bytes; longer input is cut on a character boundary.
NAME_MAX_BYTES = 63

INTEGER_BITS = {"int2": 16, "int4": 32, "int8": 64}


# --- fixed-width and length-prefixed pieces -------------------------------------------------
# struct raises struct.error for out-of-range values, which catches mistakes in the inputs.

def u8(n):
    return struct.pack(">B", n)


def u32(n):
    return struct.pack(">I", n)


def i32(n):
    return struct.pack(">i", n)


def i64(n):
    return struct.pack(">q", n)


def length_prefixed(data):
    """len(x) of the spec: a u32 byte count, then the bytes."""
    return u32(len(data)) + data


def utf8(text):
    return length_prefixed(text.encode("utf-8"))


# --- boolean --------------------------------------------------------------------------------

def bool_payload(value):
    if not isinstance(value, bool):
        raise TypeError(f"bool expects true or false, got {value!r}")
    return u8(1 if value else 0)


# --- exact numbers --------------------------------------------------------------------------

def canonical_decimal(value):
    """The shortest plain decimal writing of an int, a decimal string or a Decimal.

    Works on the digit tuple rather than with Decimal arithmetic so that no context precision
    can round a 40-digit value, and so that no exponent can ever appear.
    """
    if isinstance(value, (bool, float)):
        raise TypeError(f"exact number expected, got {value!r}")
    number = value if isinstance(value, Decimal) else Decimal(value)
    if number.is_snan():
        raise ValueError("signalling NaN has no SQL counterpart")
    if number.is_nan():
        return "NaN"
    if number.is_infinite():
        return "-Infinity" if number.is_signed() else "Infinity"
    sign, digit_tuple, exponent = number.as_tuple()
    digits = "".join(map(str, digit_tuple))
    if exponent >= 0:
        integer, fraction = digits + "0" * exponent, ""
    else:
        # Left-pad so that at least one digit stays in front of the point.
        padded = digits.zfill(-exponent + 1)
        integer, fraction = padded[:exponent], padded[exponent:]
    integer = integer.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    text = integer + ("." + fraction if fraction else "")
    # Zero is never written "-0".
    return "-" + text if sign and text != "0" else text


def exact_payload(value):
    return utf8(canonical_decimal(value))


def integer_payload(type_name):
    """int2/int4/int8 are exact numbers; the range check catches vectors that SQL would refuse."""
    bits = INTEGER_BITS[type_name]

    def payload(value):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{type_name} expects an int, got {value!r}")
        if not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
            raise ValueError(f"{value} out of range for {type_name}")
        return exact_payload(value)

    return payload


# --- floats ---------------------------------------------------------------------------------

CANONICAL_NAN = bytes.fromhex("7FF8000000000000")


def binary64_payload(number):
    """IEEE binary64, with -0 folded into +0 and every NaN into one bit pattern."""
    if number != number:
        return CANONICAL_NAN
    if number == 0:
        number = 0.0
    return struct.pack(">d", number)


def float8_payload(value):
    # float() rounds a decimal string correctly and reads NaN/Infinity/-Infinity as PostgreSQL.
    return binary64_payload(float(value))


def float4_payload(value):
    # Round to binary32 as float4in does, then widen exactly (struct goes through a C float).
    single = struct.unpack(">f", struct.pack(">f", float(value)))[0]
    return binary64_payload(single)


# --- text, bytes, uuid ----------------------------------------------------------------------

def text_payload(value):
    return utf8(value)


def bpchar_payload(value):
    # Trailing spaces of character(n) are padding, not data ('a  '::char(3) = 'a').
    return utf8(value.rstrip(" "))


def name_payload(value):
    """A name keeps at most 63 bytes, cut before a character that would not fit (like PG)."""
    data = value.encode("utf-8")
    if len(data) > NAME_MAX_BYTES:
        data = data[:NAME_MAX_BYTES].decode("utf-8", errors="ignore").encode("utf-8")
    return length_prefixed(data)


def bytea_payload(value):
    """Bytes written in hex, optionally with PostgreSQL's leading \\x."""
    return length_prefixed(bytes.fromhex(value.removeprefix("\\x")))


def uuid_payload(value):
    # uuid.UUID accepts the same spellings PostgreSQL does for ordinary input (braces, case).
    return uuid.UUID(value).bytes


# --- calendar -------------------------------------------------------------------------------

_DATE = r"(?P<year>\d{4,})-(?P<month>\d\d)-(?P<day>\d\d)"
_TIME = r"(?P<hour>\d\d):(?P<minute>\d\d)(?::(?P<second>\d\d)(?:\.(?P<fraction>\d{1,6}))?)?"
_OFFSET = r"(?P<offset>Z|[+-]\d\d(?::?\d\d(?::?\d\d)?)?)"
_ZONE_NAME = r" (?P<zone_name>[A-Za-z_]+(?:/[A-Za-z0-9_+-]+)*)"
_BC = r"(?P<bc> BC)?"

DATE_RE = re.compile(_DATE + _BC)
TIMESTAMP_RE = re.compile(_DATE + "[ T]" + _TIME + _BC)
TIMESTAMPTZ_RE = re.compile(_DATE + "[ T]" + _TIME + f"(?:{_OFFSET}|{_ZONE_NAME})" + _BC)
TIME_RE = re.compile(_TIME)
TIMETZ_RE = re.compile(_TIME + _OFFSET)


def is_leap_year(year):
    """Proleptic Gregorian rule on astronomical years (1 BC is year 0, a leap year)."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year, month):
    if month == 2:
        return 29 if is_leap_year(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def days_from_civil(year, month, day):
    """Days from 1970-01-01 to a proleptic Gregorian date, for any astronomical year.

    Howard Hinnant's algorithm; Python's floor division makes it valid for negative years,
    which datetime.date (years 1..9999 only) cannot represent.
    """
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def civil_date(match):
    """(astronomical year, month, day) from the date groups of a match, validated."""
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if year == 0:
        raise ValueError("there is no year 0; write 0001 BC")
    if match["bc"]:
        year = 1 - year
    if not 1 <= month <= 12 or not 1 <= day <= days_in_month(year, month):
        raise ValueError(f"invalid date {match.group(0)!r}")
    return year, month, day


def pg_days(match):
    """Days since 2000-01-01 for the date groups of a match."""
    return days_from_civil(*civil_date(match)) - UNIX_EPOCH_TO_PG_EPOCH_DAYS


def time_of_day_usecs(match):
    """Microseconds since midnight; 24:00:00 is allowed as in PostgreSQL, nothing later."""
    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["second"] or 0)
    fraction = int((match["fraction"] or "").ljust(6, "0"))
    if minute > 59 or second > 59 or hour > 24:
        raise ValueError(f"invalid time {match.group(0)!r}")
    usecs = ((hour * 60 + minute) * 60 + second) * USECS_PER_SECOND + fraction
    if usecs > USECS_PER_DAY:
        raise ValueError(f"time past 24:00:00: {match.group(0)!r}")
    return usecs


def offset_seconds_east(offset):
    """'Z', '+02', '-03:30', '+0545' or '+01:02:03' as seconds east of UTC."""
    if offset == "Z":
        return 0
    digits = offset[1:].replace(":", "")
    hours, minutes, seconds = int(digits[:2]), int(digits[2:4] or 0), int(digits[4:6] or 0)
    magnitude = (hours * 60 + minutes) * 60 + seconds
    return -magnitude if offset[0] == "-" else magnitude


def zone_offset_seconds_east(match):
    """UTC offset that an IANA zone had at the local date and time of a match.

    PostgreSQL and zoneinfo both read the system tz database. A local time that the zone skips
    or repeats (DST changes) is refused rather than guessed.
    """
    year, month, day = civil_date(match)
    local = datetime.datetime(year, month, day, int(match["hour"]), int(match["minute"]),
                              int(match["second"] or 0),
                              tzinfo=zoneinfo.ZoneInfo(match["zone_name"]))
    offsets = {local.replace(fold=fold).utcoffset() for fold in (0, 1)}
    if len(offsets) != 1:
        raise ValueError(f"ambiguous or skipped local time {match.group(0)!r}")
    return int(offsets.pop().total_seconds())


def full_match(pattern, value, type_name):
    match = pattern.fullmatch(value)
    if match is None:
        raise ValueError(f"cannot read {value!r} as {type_name}")
    return match


def date_payload(value):
    if value == "infinity":
        return i32(DATE_POS_INFINITY)
    if value == "-infinity":
        return i32(DATE_NEG_INFINITY)
    return i32(pg_days(full_match(DATE_RE, value, "date")))


def timestamp_usecs(match):
    """Microseconds since 2000-01-01 00:00:00 of the local date and time of a match."""
    return pg_days(match) * USECS_PER_DAY + time_of_day_usecs(match)


def infinite_timestamp(value):
    return {"infinity": TIMESTAMP_POS_INFINITY, "-infinity": TIMESTAMP_NEG_INFINITY}.get(value)


def timestamp_payload(value):
    special = infinite_timestamp(value)
    if special is not None:
        return i64(special)
    return i64(timestamp_usecs(full_match(TIMESTAMP_RE, value, "timestamp")))


def timestamptz_payload(value):
    """The UTC instant; the written zone (offset or IANA name) is mandatory so that the value
    never depends on the session's TimeZone."""
    special = infinite_timestamp(value)
    if special is not None:
        return i64(special)
    match = full_match(TIMESTAMPTZ_RE, value, "timestamptz")
    if match["offset"]:
        east = offset_seconds_east(match["offset"])
    else:
        east = zone_offset_seconds_east(match)
    return i64(timestamp_usecs(match) - east * USECS_PER_SECOND)


def time_payload(value):
    return i64(time_of_day_usecs(full_match(TIME_RE, value, "time")))


def timetz_payload(value):
    """Local time as written and its offset (east positive): '10:00+02' is not '09:00+01'."""
    match = full_match(TIMETZ_RE, value, "timetz")
    return i64(time_of_day_usecs(match)) + i32(offset_seconds_east(match["offset"]))


def interval_payload(value):
    """The three stored fields, in the spec's order, never normalized."""
    if set(value) != {"months", "days", "microseconds"}:
        raise ValueError(f"interval needs exactly months, days and microseconds: {value!r}")
    return i64(value["microseconds"]) + i32(value["days"]) + i32(value["months"])


# --- json and jsonb -------------------------------------------------------------------------

def json_payload(value):
    # json keeps its input text verbatim, whitespace and duplicate keys included.
    return utf8(value)


def reject_json_constant(name):
    """Python's json module accepts NaN and Infinity; JSON and PostgreSQL do not."""
    raise ValueError(f"{name} is not valid JSON")


def parse_jsonb(text):
    """Parse like jsonb: numbers stay exact Decimals; for duplicate object keys the json module
    keeps the last value, which is also what PostgreSQL keeps."""
    return json.loads(text, parse_float=Decimal, parse_int=Decimal,
                      parse_constant=reject_json_constant)


def jsonb_key_order(key):
    """jsonb's key order: shorter UTF-8 key first, then bytewise."""
    data = key.encode("utf-8")
    return len(data), data


def jvalue(node):
    # JSON null, false and true come back from the json module as the None/False/True singletons.
    if node is None:
        return u8(JTAG_NULL)
    if node is False:
        return u8(JTAG_FALSE)
    if node is True:
        return u8(JTAG_TRUE)
    if isinstance(node, Decimal):
        return u8(JTAG_NUMBER) + exact_payload(node)
    if isinstance(node, str):
        return u8(JTAG_STRING) + utf8(node)
    if isinstance(node, list):
        return u8(JTAG_ARRAY) + u32(len(node)) + b"".join(map(jvalue, node))
    if isinstance(node, dict):
        keys = sorted(node, key=jsonb_key_order)
        pairs = b"".join(utf8(key) + jvalue(node[key]) for key in keys)
        return u8(JTAG_OBJECT) + u32(len(keys)) + pairs
    raise TypeError(f"unexpected JSON node {node!r}")


def jsonb_payload(value):
    return jvalue(parse_jsonb(value))


# --- network and MAC addresses --------------------------------------------------------------

def address_payload(address, prefix_bits):
    return u8(address.version) + u8(prefix_bits) + address.packed


def inet_payload(value):
    """Host address kept as written; without a prefix an inet is /32 or /128."""
    interface = ipaddress.ip_interface(value)
    return address_payload(interface.ip, interface.network.prefixlen)


def cidr_payload(value):
    # strict: a cidr with bits set right of the mask is invalid in PostgreSQL too.
    network = ipaddress.ip_network(value, strict=True)
    return address_payload(network.network_address, network.prefixlen)


def mac_bytes(value):
    """The hex digits of a MAC address in any of the usual separator styles."""
    return bytes.fromhex(re.sub(r"[:.-]", "", value))


def macaddr_payload(value):
    data = mac_bytes(value)
    if len(data) != 6:
        raise ValueError(f"macaddr needs 6 bytes: {value!r}")
    return data


def macaddr8_payload(value):
    """8 bytes; a 6-byte input gets FF:FE in the middle, as macaddr8_in does (EUI-48 to EUI-64)."""
    data = mac_bytes(value)
    if len(data) == 6:
        data = data[:3] + b"\xff\xfe" + data[3:]
    if len(data) != 8:
        raise ValueError(f"macaddr8 needs 6 or 8 bytes: {value!r}")
    return data


# --- containers -----------------------------------------------------------------------------

def array_payload(value):
    """ndim, (lower bound, length) per dimension, then the elements in row-major order.

    PostgreSQL stores every empty array with zero dimensions, so an empty array must be given
    with dims [] (and then the element type does not show in the encoding).
    """
    dims, lower_bounds, elements = value["dims"], value["lower_bounds"], value["elements"]
    if len(dims) != len(lower_bounds):
        raise ValueError("dims and lower_bounds differ in length")
    if 0 in dims:
        raise ValueError("an empty array has no dimensions: use dims []")
    count = 1 if dims else 0
    for length in dims:
        count *= length
    if count != len(elements):
        raise ValueError(f"dims {dims} need {count} elements, got {len(elements)}")
    header = u32(len(dims)) + b"".join(i32(lb) + u32(n) for lb, n in zip(lower_bounds, dims))
    return header + b"".join(map(encode_value, elements))


def record_payload(value):
    return u32(len(value)) + b"".join(map(encode_value, value))


# --- dispatch -------------------------------------------------------------------------------

# type name -> (family tag, payload function of the "value" member)
SCALAR_TYPES = {
    "bool": (TAG_BOOL, bool_payload),
    "int2": (TAG_EXACT, integer_payload("int2")),
    "int4": (TAG_EXACT, integer_payload("int4")),
    "int8": (TAG_EXACT, integer_payload("int8")),
    "numeric": (TAG_EXACT, exact_payload),
    "float4": (TAG_FLOAT, float4_payload),
    "float8": (TAG_FLOAT, float8_payload),
    "text": (TAG_TEXT, text_payload),
    "varchar": (TAG_TEXT, text_payload),
    "bpchar": (TAG_TEXT, bpchar_payload),
    "name": (TAG_TEXT, name_payload),
    "bytea": (TAG_BYTES, bytea_payload),
    "uuid": (TAG_UUID, uuid_payload),
    "date": (TAG_DATE, date_payload),
    "timestamp": (TAG_TIMESTAMP, timestamp_payload),
    "timestamptz": (TAG_TIMESTAMPTZ, timestamptz_payload),
    "time": (TAG_TIME, time_payload),
    "timetz": (TAG_TIMETZ, timetz_payload),
    "interval": (TAG_INTERVAL, interval_payload),
    "json": (TAG_JSON, json_payload),
    "jsonb": (TAG_JSONB, jsonb_payload),
    "inet": (TAG_NETWORK, inet_payload),
    "cidr": (TAG_NETWORK, cidr_payload),
    "macaddr": (TAG_MACADDR, macaddr_payload),
    "macaddr8": (TAG_MACADDR8, macaddr8_payload),
    "enum": (TAG_ENUM, text_payload),
}


def encode_value(typed):
    """One `value`: its family tag, then its payload."""
    if typed is None or typed["type"] == "null":
        return u8(TAG_NULL)
    kind = typed["type"]
    if kind == "array":
        return u8(TAG_ARRAY) + array_payload(typed)
    if kind == "record":
        return u8(TAG_RECORD) + record_payload(typed["fields"])
    if kind not in SCALAR_TYPES:
        raise ValueError(f"type {kind!r} has no encoding in format 1")
    tag, payload = SCALAR_TYPES[kind]
    return u8(tag) + payload(typed["value"])


def idempotent_encode(args):
    """E := 0x01 u32(argc) value{argc}"""
    return u8(FORMAT_VERSION) + u32(len(args)) + b"".join(map(encode_value, args))


def idempotent_digest(args):
    return hashlib.sha256(idempotent_encode(args)).digest()


def stamp_uuid(data, version):
    """The first 16 bytes with the given version nibble and the RFC 9562 variant bits."""
    stamped = bytearray(data[:16])
    stamped[6] = (stamped[6] & 0x0F) | (version << 4)
    stamped[8] = (stamped[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(stamped)))


def idempotent_id(args):
    """The digest as a version 8 UUID, in its canonical text form."""
    return stamp_uuid(idempotent_digest(args), 8)


def idempotent_id64(args):
    return int.from_bytes(idempotent_digest(args)[:8], "big", signed=True)


# --- helpers for comparing with other ID schemes --------------------------------------------

def uuid_v5(namespace, name):
    """RFC 9562 version 5: SHA-1 of the namespace's 16 bytes and the UTF-8 name."""
    namespace_bytes = uuid.UUID(str(namespace)).bytes
    return stamp_uuid(hashlib.sha1(namespace_bytes + name.encode("utf-8")).digest(), 5)


DBT_NULL_PLACEHOLDER = "_dbt_utils_surrogate_key_null_"


def dbt_surrogate_key(values):
    """dbt_utils.generate_surrogate_key: md5 hex of the text values joined by '-', with NULL
    (None) written as a placeholder; this is what makes it ambiguous, unlike the spec above."""
    joined = "-".join(DBT_NULL_PLACEHOLDER if value is None else value for value in values)
    return hashlib.md5(joined.encode("utf-8")).hexdigest()

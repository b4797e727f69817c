// Every function here calls backend code that may raise an ERROR, so none of them owns an
// object with a destructor: a longjmp over their frames skips nothing (see error_bridge.hpp).
#include "core/canonical_encoder.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <sys/socket.h> // AF_INET, which inet.h uses

#include "pg/datum_encoder.hpp"

extern "C" {
#include "catalog/pg_enum.h"
#include "utils/arrayaccess.h"
#include "utils/date.h"
#include "utils/inet.h"
#include "utils/jsonb.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"
}

namespace idempotent::pg
{
namespace
{

bool is_citext(Oid type_id)
{
    HeapTuple tuple = SearchSysCache1(TYPEOID, ObjectIdGetDatum(type_id));
    if (!HeapTupleIsValid(tuple))
        return false;
    Form_pg_type type = (Form_pg_type)GETSTRUCT(tuple);
    bool citext = type->typlen == -1 && std::strcmp(NameStr(type->typname), "citext") == 0;
    ReleaseSysCache(tuple);
    return citext;
}

[[noreturn]] void unsupported_type(Oid type_id)
{
    ereport(ERROR,
            (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
             errmsg("idempotent IDs cannot encode values of type %s", format_type_be(type_id)),
             errhint("Cast the value to a supported type, for example (value)::text or "
                     "(value)::numeric. The supported types are listed in docs/ids.md.")));
    pg_unreachable();
}

Family scalar_family(Oid type_id, bool *found)
{
    *found = true;
    switch (type_id) {
    case UNKNOWNOID:
        return Family::unknown_literal;
    case BOOLOID:
        return Family::boolean;
    case INT2OID:
        return Family::int2;
    case INT4OID:
        return Family::int4;
    case INT8OID:
        return Family::int8;
    case NUMERICOID:
        return Family::numeric;
    case FLOAT4OID:
        return Family::float4;
    case FLOAT8OID:
        return Family::float8;
    case TEXTOID:
    case VARCHAROID:
        return Family::text;
    case BPCHAROID:
        return Family::bpchar;
    case NAMEOID:
        return Family::name;
    case BYTEAOID:
        return Family::bytea;
    case UUIDOID:
        return Family::uuid;
    case DATEOID:
        return Family::date;
    case TIMESTAMPOID:
        return Family::timestamp;
    case TIMESTAMPTZOID:
        return Family::timestamptz;
    case TIMEOID:
        return Family::time;
    case TIMETZOID:
        return Family::timetz;
    case INTERVALOID:
        return Family::interval;
    case JSONOID:
        return Family::json;
    case JSONBOID:
        return Family::jsonb;
    case INETOID:
    case CIDROID:
        return Family::network;
    case MACADDROID:
        return Family::macaddr;
    case MACADDR8OID:
        return Family::macaddr8;
    case RECORDOID:
        return Family::record;
    default:
        *found = false;
        return Family::text;
    }
}

// Builds the field plans of a row type into plan.
void plan_record_fields(TypePlan *plan, TupleDesc descriptor, Oid type_id, int32 typmod,
                        uint64 identifier)
{
    plan->record_type = type_id;
    plan->record_typmod = typmod;
    plan->record_identifier = identifier;
    plan->live_fields = 0;
    plan->fields =
        (TypePlan **)MemoryContextAllocZero(plan->context, sizeof(TypePlan *) * descriptor->natts);
    for (int i = 0; i < descriptor->natts; ++i) {
        Form_pg_attribute attribute = TupleDescAttr(descriptor, i);
        if (attribute->attisdropped)
            continue;
        plan->fields[i] = build_type_plan(attribute->atttypid, plan->context);
        ++plan->live_fields;
    }
}

void encode_text(CanonicalEncoder &encoder, const char *data, int length, uint8 tag)
{
    int utf8_length;
    const char *utf8 = server_text_as_utf8(data, length, &utf8_length);
    std::string_view view(utf8, static_cast<size_t>(utf8_length));
    switch (tag) {
    case tag::json:
        encoder.put_json(view);
        break;
    case tag::enum_label:
        encoder.put_enum_label(view);
        break;
    case tag::json_string:
        encoder.put_json_string(view);
        break;
    default:
        encoder.put_text(view);
        break;
    }
    if (utf8 != data)
        pfree(const_cast<char *>(utf8));
}

void encode_varlena_text(CanonicalEncoder &encoder, Datum value, uint8 tag, bool trim_spaces)
{
    struct varlena *detoasted = PG_DETOAST_DATUM_PACKED(value);
    const char *data = VARDATA_ANY(detoasted);
    int length = static_cast<int>(VARSIZE_ANY_EXHDR(detoasted));
    // bpchar compares without trailing spaces; a space is 0x20 in every server encoding.
    if (trim_spaces)
        while (length > 0 && data[length - 1] == ' ')
            --length;
    encode_text(encoder, data, length, tag);
    if ((Pointer)detoasted != DatumGetPointer(value))
        pfree(detoasted);
}

void encode_numeric_text(CanonicalEncoder &encoder, Datum numeric, bool inside_json)
{
    char *text = DatumGetCString(DirectFunctionCall1(numeric_out, numeric));
    if (inside_json)
        encoder.put_json_number(text);
    else
        encoder.put_decimal(text);
    pfree(text);
}

void encode_enum(CanonicalEncoder &encoder, Datum value)
{
    Oid label_oid = DatumGetObjectId(value);
    HeapTuple tuple = SearchSysCache1(ENUMOID, ObjectIdGetDatum(label_oid));
    if (!HeapTupleIsValid(tuple))
        ereport(ERROR, (errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
                        errmsg("invalid internal value for enum: %u", label_oid)));
    char label[NAMEDATALEN];
    strlcpy(label, NameStr(((Form_pg_enum)GETSTRUCT(tuple))->enumlabel), NAMEDATALEN);
    ReleaseSysCache(tuple);
    encode_text(encoder, label, static_cast<int>(std::strlen(label)), tag::enum_label);
}

void encode_jsonb_container(CanonicalEncoder &encoder, JsonbContainer *container);

void encode_jsonb_value(CanonicalEncoder &encoder, const JsonbValue &value)
{
    switch (value.type) {
    case jbvNull:
        encoder.put_json_null();
        break;
    case jbvBool:
        encoder.put_json_bool(value.val.boolean);
        break;
    case jbvNumeric:
        encode_numeric_text(encoder, NumericGetDatum(value.val.numeric), true);
        break;
    case jbvString:
        encode_text(encoder, value.val.string.val, value.val.string.len, tag::json_string);
        break;
    case jbvBinary:
        encode_jsonb_container(encoder, value.val.binary.data);
        break;
    default:
        elog(ERROR, "unexpected jsonb value type %d", static_cast<int>(value.type));
    }
}

struct JsonbPairRef {
    const char *key; // UTF-8
    int key_length;
    JsonbValue value;
};

void encode_jsonb_object(CanonicalEncoder &encoder, JsonbIterator **iterator, int pair_count)
{
    JsonbPairRef *pairs = (JsonbPairRef *)palloc(sizeof(JsonbPairRef) * Max(pair_count, 1));
    int count = 0;
    JsonbValue item;
    JsonbIteratorToken token;
    while ((token = JsonbIteratorNext(iterator, &item, true)) == WJB_KEY) {
        Assert(count < pair_count);
        pairs[count].key =
            server_text_as_utf8(item.val.string.val, item.val.string.len, &pairs[count].key_length);
        token = JsonbIteratorNext(iterator, &pairs[count].value, true);
        Assert(token == WJB_VALUE);
        ++count;
    }
    // jsonb stores keys shorter-first then bytewise in the server encoding; the encoding orders
    // them the same way in UTF-8, which differs only when the server encoding is not UTF-8.
    std::sort(pairs, pairs + count, [](const JsonbPairRef &a, const JsonbPairRef &b) {
        return json_key_less(std::string_view(a.key, a.key_length),
                             std::string_view(b.key, b.key_length));
    });
    encoder.begin_json_object(static_cast<uint32>(count));
    for (int i = 0; i < count; ++i) {
        encoder.put_json_key(std::string_view(pairs[i].key, pairs[i].key_length));
        encode_jsonb_value(encoder, pairs[i].value);
    }
    pfree(pairs);
}

void encode_jsonb_container(CanonicalEncoder &encoder, JsonbContainer *container)
{
    check_stack_depth();
    JsonbIterator *iterator = JsonbIteratorInit(container);
    JsonbValue item;
    JsonbIteratorToken token = JsonbIteratorNext(&iterator, &item, true);
    if (token == WJB_BEGIN_OBJECT) {
        encode_jsonb_object(encoder, &iterator, item.val.object.nPairs);
        return;
    }
    Assert(token == WJB_BEGIN_ARRAY);
    if (item.val.array.rawScalar) {
        // A scalar document is stored as a one-element pseudo array.
        token = JsonbIteratorNext(&iterator, &item, true);
        Assert(token == WJB_ELEM);
        encode_jsonb_value(encoder, item);
        return;
    }
    encoder.begin_json_array(static_cast<uint32>(item.val.array.nElems));
    while ((token = JsonbIteratorNext(&iterator, &item, true)) == WJB_ELEM)
        encode_jsonb_value(encoder, item);
}

void encode_array(CanonicalEncoder &encoder, TypePlan *plan, Datum value)
{
    ArrayType *array = DatumGetArrayTypeP(value);
    int ndim = ARR_NDIM(array);
    encoder.begin_array(static_cast<uint32>(ndim), ARR_LBOUND(array), ARR_DIMS(array));
    int count = ArrayGetNItems(ndim, ARR_DIMS(array));
    array_iter iterator;
    array_iter_setup(&iterator, (AnyArrayType *)array);
    for (int i = 0; i < count; ++i) {
        bool is_null;
        Datum element = array_iter_next(&iterator, &is_null, i, plan->element_length,
                                        plan->element_by_value, plan->element_align);
        encode_datum(encoder, plan->element, element, is_null);
        if ((i & 0xFFF) == 0)
            CHECK_FOR_INTERRUPTS();
    }
}

void encode_record(CanonicalEncoder &encoder, TypePlan *plan, Datum value)
{
    HeapTupleHeader header = DatumGetHeapTupleHeader(value);
    Oid type_id = HeapTupleHeaderGetTypeId(header);
    int32 typmod = HeapTupleHeaderGetTypMod(header);
    TupleDesc descriptor = lookup_rowtype_tupdesc(type_id, typmod);
    const uint64 identifier = assign_record_type_identifier(type_id, typmod);
    if (plan->fields == nullptr || plan->record_type != type_id || plan->record_typmod != typmod ||
        plan->record_identifier != identifier)
        plan_record_fields(plan, descriptor, type_id, typmod, identifier);

    HeapTupleData tuple;
    tuple.t_len = HeapTupleHeaderGetDatumLength(header);
    ItemPointerSetInvalid(&tuple.t_self);
    tuple.t_tableOid = InvalidOid;
    tuple.t_data = header;
    Datum *values = (Datum *)palloc(sizeof(Datum) * descriptor->natts);
    bool *nulls = (bool *)palloc(sizeof(bool) * descriptor->natts);
    heap_deform_tuple(&tuple, descriptor, values, nulls);
    int natts = descriptor->natts;
    ReleaseTupleDesc(descriptor);

    encoder.begin_record(static_cast<uint32>(plan->live_fields));
    for (int i = 0; i < natts; ++i)
        if (plan->fields[i] != nullptr)
            encode_datum(encoder, plan->fields[i], values[i], nulls[i]);
    pfree(values);
    pfree(nulls);
}

} // namespace

const char *server_text_as_utf8(const char *data, int length, int *utf8_length)
{
    int encoding = GetDatabaseEncoding();
    // SQL_ASCII declares no character set, so its bytes are taken as stored.
    if (encoding == PG_UTF8 || encoding == PG_SQL_ASCII || length == 0) {
        *utf8_length = length;
        return data;
    }
    char *converted = pg_server_to_any(data, length, PG_UTF8);
    *utf8_length = converted == data ? length : static_cast<int>(std::strlen(converted));
    return converted;
}

TypePlan *build_type_plan(Oid declared_type, MemoryContext context)
{
    check_stack_depth();
    Oid type_id = getBaseType(declared_type);
    TypePlan *plan = (TypePlan *)MemoryContextAllocZero(context, sizeof(TypePlan));
    plan->type_id = type_id;
    plan->context = context;

    bool found;
    plan->family = scalar_family(type_id, &found);
    if (found)
        return plan;

    Oid element_type = get_element_type(type_id);
    if (OidIsValid(element_type)) {
        plan->family = Family::array;
        plan->element = build_type_plan(element_type, context);
        get_typlenbyvalalign(element_type, &plan->element_length, &plan->element_by_value,
                             &plan->element_align);
    } else if (type_is_enum(type_id)) {
        plan->family = Family::enum_label;
    } else if (type_is_rowtype(type_id)) {
        plan->family = Family::record;
    } else if (is_citext(type_id)) {
        plan->family = Family::text;
    } else {
        unsupported_type(declared_type);
    }
    return plan;
}

void encode_datum(CanonicalEncoder &encoder, TypePlan *plan, Datum value, bool is_null)
{
    if (is_null) {
        encoder.put_null();
        return;
    }
    switch (plan->family) {
    case Family::unknown_literal: {
        const char *literal = DatumGetCString(value);
        encode_text(encoder, literal, static_cast<int>(std::strlen(literal)), tag::text);
        break;
    }
    case Family::boolean:
        encoder.put_bool(DatumGetBool(value));
        break;
    case Family::int2:
        encoder.put_integer(DatumGetInt16(value));
        break;
    case Family::int4:
        encoder.put_integer(DatumGetInt32(value));
        break;
    case Family::int8:
        encoder.put_integer(DatumGetInt64(value));
        break;
    case Family::numeric:
        encode_numeric_text(encoder, value, false);
        break;
    case Family::float4:
        encoder.put_float(static_cast<double>(DatumGetFloat4(value)));
        break;
    case Family::float8:
        encoder.put_float(DatumGetFloat8(value));
        break;
    case Family::text:
        encode_varlena_text(encoder, value, tag::text, false);
        break;
    case Family::bpchar:
        encode_varlena_text(encoder, value, tag::text, true);
        break;
    case Family::name: {
        const char *name = NameStr(*DatumGetName(value));
        encode_text(encoder, name, static_cast<int>(strnlen(name, NAMEDATALEN)), tag::text);
        break;
    }
    case Family::bytea: {
        bytea *bytes = DatumGetByteaPP(value);
        encoder.put_bytes(std::string_view(VARDATA_ANY(bytes), VARSIZE_ANY_EXHDR(bytes)));
        if ((Pointer)bytes != DatumGetPointer(value))
            pfree(bytes);
        break;
    }
    case Family::uuid:
        encoder.put_uuid(DatumGetUUIDP(value)->data);
        break;
    case Family::date:
        encoder.put_date(DatumGetDateADT(value));
        break;
    case Family::timestamp:
        encoder.put_timestamp(DatumGetTimestamp(value));
        break;
    case Family::timestamptz:
        encoder.put_timestamptz(DatumGetTimestampTz(value));
        break;
    case Family::time:
        encoder.put_time(DatumGetTimeADT(value));
        break;
    case Family::timetz: {
        const TimeTzADT *time = DatumGetTimeTzADTP(value);
        // PostgreSQL stores the zone as seconds west of UTC; the encoding uses east (ISO 8601).
        encoder.put_timetz(time->time, -time->zone);
        break;
    }
    case Family::interval: {
        const Interval *interval = DatumGetIntervalP(value);
        encoder.put_interval(interval->time, interval->day, interval->month);
        break;
    }
    case Family::json:
        encode_varlena_text(encoder, value, tag::json, false);
        break;
    case Family::jsonb:
        encoder.begin_jsonb();
        encode_jsonb_container(encoder, &DatumGetJsonbP(value)->root);
        break;
    case Family::network: {
        inet *address = DatumGetInetPP(value);
        encoder.put_network(ip_family(address) == PGSQL_AF_INET ? 4 : 6,
                            static_cast<uint8>(ip_bits(address)), ip_addr(address));
        break;
    }
    case Family::macaddr: {
        const macaddr *mac = DatumGetMacaddrP(value);
        const uint8 bytes[6] = {mac->a, mac->b, mac->c, mac->d, mac->e, mac->f};
        encoder.put_macaddr(bytes);
        break;
    }
    case Family::macaddr8: {
        const macaddr8 *mac = DatumGetMacaddr8P(value);
        const uint8 bytes[8] = {mac->a, mac->b, mac->c, mac->d, mac->e, mac->f, mac->g, mac->h};
        encoder.put_macaddr8(bytes);
        break;
    }
    case Family::enum_label:
        encode_enum(encoder, value);
        break;
    case Family::array:
        check_stack_depth();
        encode_array(encoder, plan, value);
        break;
    case Family::record:
        check_stack_depth();
        encode_record(encoder, plan, value);
        break;
    }
}

} // namespace idempotent::pg

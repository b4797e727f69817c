// Reads PostgreSQL datums into the canonical encoder. What each type becomes is decided once
// per argument type (a TypePlan, built in the function's long-lived memory context) so that
// the per-row path is a switch on a plain value.
#pragma once

#include "core/canonical_encoder.hpp"

#include "pg/postgres.hpp"

namespace idempotent::pg
{

enum class Family : uint8 {
    unknown_literal, // an untyped literal: a C string, encoded as text
    boolean,
    int2,
    int4,
    int8,
    numeric,
    float4,
    float8,
    text,   // text, varchar, citext: a varlena of text
    bpchar, // text without its trailing spaces
    name,
    bytea,
    uuid,
    date,
    timestamp,
    timestamptz,
    time,
    timetz,
    interval,
    json,
    jsonb,
    network,
    macaddr,
    macaddr8,
    enum_label,
    array,
    record,
};

struct TypePlan {
    Family family;
    Oid type_id; // after domains are resolved to their base type
    // array: the element's plan and storage
    TypePlan *element;
    int16 element_length;
    bool element_by_value;
    char element_align;
    // record: the field plans of the row type last seen (an anonymous record's type is only
    // known from its values)
    Oid record_type;
    int32 record_typmod;
    // The row type's descriptor the field plans were built for (assign_record_type_identifier):
    // ALTER TYPE ... ALTER ATTRIBUTE ... TYPE keeps the type's OID, typmod and attribute count
    // but not this.
    uint64 record_identifier;
    TypePlan **fields;     // per attribute; nullptr for a dropped one
    int live_fields;       // attributes that are not dropped
    MemoryContext context; // where nested plans are built
};

// Builds the plan for values of type_id in context, or raises a feature-not-supported error
// that names the type and suggests a cast.
TypePlan *build_type_plan(Oid type_id, MemoryContext context);

// Appends one value (or NULL) to the encoder.
void encode_datum(CanonicalEncoder &encoder, TypePlan *plan, Datum value, bool is_null);

// Text in the server encoding, as UTF-8 (docs/ids.md: text is always hashed as UTF-8). The
// result is data itself when no conversion is needed, else a palloc'd copy.
const char *server_text_as_utf8(const char *data, int length, int *utf8_length);

} // namespace idempotent::pg

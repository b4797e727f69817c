// idempotent_status_guard(): the BEFORE UPDATE row trigger that attach installs. It refuses an
// illegal status transition and a claim token that would decrease, for the extension's updates
// and plain ones alike. As the AFTER INSERT row trigger idempotent_status_label (whose WHEN
// clause calls it only for a row with another status) it refuses an inserted row whose status
// is not one of the four labels. An update that changes neither the status nor the token (by their
// types' equality, as IS DISTINCT FROM would tell) returns at once. That test is done here
// rather than in a WHEN clause: the executor reads and plans a WHEN clause again for every
// statement, which cost the queue's own one-row updates more than calling the trigger does.
#include "core/queue_rules.hpp"
#include "core/queue_settings.hpp"

#include "pg/error_bridge.hpp"

extern "C" {
#include "catalog/pg_collation.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/datum.h"
#include "utils/rel.h"
#include "utils/typcache.h"
}

using namespace idempotent;

namespace
{

// A text or varchar status is read in place: the output function (a catalog lookup and a copy)
// is needed only for an enum. A long value is never one of the labels, whatever its storage.
queue::Status status_of(HeapTuple row, TupleDesc descriptor, int column)
{
    const Oid type = TupleDescAttr(descriptor, column - 1)->atttypid;
    if (type == TEXTOID || type == VARCHAROID) {
        bool is_null = false;
        const Datum value = heap_getattr(row, column, descriptor, &is_null);
        if (is_null || (VARATT_IS_EXTENDED(DatumGetPointer(value)) &&
                        !VARATT_IS_SHORT(DatumGetPointer(value))))
            return queue::Status::unknown;
        const auto *label = reinterpret_cast<const text *>(DatumGetPointer(value));
        return queue::parse_status(std::string_view(VARDATA_ANY(label), VARSIZE_ANY_EXHDR(label)));
    }
    const char *text = SPI_getvalue(row, descriptor, column);
    return queue::parse_status(text != nullptr ? text : "");
}

int64 token_of(HeapTuple row, TupleDesc descriptor, int column)
{
    bool is_null = false;
    const Datum token = SPI_getbinval(row, descriptor, column, &is_null);
    return is_null ? 0 : DatumGetInt64(token);
}

// The primary key's value, for messages; "?" if the table has no single-column key any more.
const char *key_of(Relation relation, HeapTuple row)
{
    Bitmapset *primary_key = RelationGetIndexAttrBitmap(relation, INDEX_ATTR_BITMAP_PRIMARY_KEY);
    if (bms_num_members(primary_key) != 1)
        return "?";
    const int column = bms_next_member(primary_key, -1) + FirstLowInvalidHeapAttributeNumber;
    const char *value = SPI_getvalue(row, RelationGetDescr(relation), column);
    return psprintf("%s = %s", SPI_fname(RelationGetDescr(relation), column),
                    value != nullptr ? value : "NULL");
}

const char *table_name(Relation relation)
{
    return quote_qualified_identifier(get_namespace_name(RelationGetNamespace(relation)),
                                      RelationGetRelationName(relation));
}

// Whether two values of this column whose bytes differ (after detoasting) always differ by
// the type's equality. The database's default collation is always deterministic.
bool different_bytes_differ(const Form_pg_attribute attribute)
{
    switch (attribute->atttypid) {
    case INT8OID:
        return true;
    case TEXTOID:
    case VARCHAROID:
        return attribute->attcollation == DEFAULT_COLLATION_OID ||
               attribute->attcollation == C_COLLATION_OID ||
               attribute->attcollation == POSIX_COLLATION_OID;
    default:
        return false;
    }
}

// Whether column holds the same value in both rows: both NULL, or equal by the type's default
// equality and the column's collation. A type without one counts as changed.
bool unchanged(HeapTuple old_row, HeapTuple new_row, TupleDesc descriptor, int column)
{
    bool old_null = false;
    bool new_null = false;
    const Datum old_value = heap_getattr(old_row, column, descriptor, &old_null);
    const Datum new_value = heap_getattr(new_row, column, descriptor, &new_null);
    if (old_null || new_null)
        return old_null && new_null;
    const Form_pg_attribute attribute = TupleDescAttr(descriptor, column - 1);
    // The same bytes are the same value, for every type and collation: no equality call.
    if (datum_image_eq(old_value, new_value, attribute->attbyval, attribute->attlen))
        return true;
    // Different bytes are different values for a bigint (the token) and for text under a
    // deterministic collation (a status column attach created): no equality call either. The
    // claim and the completion change one or both of these columns on every row.
    if (different_bytes_differ(attribute))
        return false;
    TypeCacheEntry *type = lookup_type_cache(attribute->atttypid, TYPECACHE_EQ_OPR_FINFO);
    return OidIsValid(type->eq_opr_finfo.fn_oid) &&
           DatumGetBool(FunctionCall2Coll(&type->eq_opr_finfo, attribute->attcollation, old_value,
                                          new_value));
}

int required_column(Relation relation, const char *name)
{
    const int column = SPI_fnumber(RelationGetDescr(relation), name);
    if (column <= 0)
        ereport(ERROR,
                (errcode(ERRCODE_UNDEFINED_COLUMN),
                 errmsg("column \"%s\" of queue %s does not exist", name, table_name(relation))));
    return column;
}

// Raises 23514 unless the inserted row's status is one of the four labels.
void check_label(Relation relation, HeapTuple row, int status)
{
    const char *text = SPI_getvalue(row, RelationGetDescr(relation), status);
    if (text != nullptr && queue::parse_status(text) != queue::Status::unknown)
        return;
    ereport(ERROR, (errcode(ERRCODE_CHECK_VIOLATION),
                    errmsg("row %s of queue %s has status %s%s%s, not one of the four labels",
                           key_of(relation, row), table_name(relation), text != nullptr ? "\"" : "",
                           text != nullptr ? text : "NULL", text != nullptr ? "\"" : ""),
                    errhint("A queue row is pending, processing, done or failed.")));
}

} // namespace

IDEMPOTENT_FUNCTION(idempotent_status_guard)
{
    auto *trigger_data = reinterpret_cast<TriggerData *>(fcinfo->context);
    const bool called_as_trigger =
        CALLED_AS_TRIGGER(fcinfo) && TRIGGER_FIRED_FOR_ROW(trigger_data->tg_event);
    const bool guards_update = called_as_trigger && TRIGGER_FIRED_BEFORE(trigger_data->tg_event) &&
                               TRIGGER_FIRED_BY_UPDATE(trigger_data->tg_event);
    const bool checks_insert = called_as_trigger && TRIGGER_FIRED_AFTER(trigger_data->tg_event) &&
                               TRIGGER_FIRED_BY_INSERT(trigger_data->tg_event);
    if (!guards_update && !checks_insert)
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("idempotent_status_guard() must run as a BEFORE UPDATE or an "
                               "AFTER INSERT row trigger"),
                        errhint("idempotent_queue_attach() installs it.")));
    const Trigger *trigger = trigger_data->tg_trigger;
    const std::string_view status_setting =
        queue::find_setting(trigger->tgargs, trigger->tgnargs, "status_column");
    const char *status_column =
        status_setting.empty() ? "status" : pnstrdup(status_setting.data(), status_setting.size());

    Relation relation = trigger_data->tg_relation;
    const TupleDesc descriptor = RelationGetDescr(relation);
    HeapTuple old_row = trigger_data->tg_trigtuple;
    HeapTuple new_row = trigger_data->tg_newtuple;
    const int status = required_column(relation, status_column);
    if (checks_insert) {
        check_label(relation, old_row, status);
        return PointerGetDatum(nullptr);
    }
    const int token = required_column(relation, "claim_token");
    if (unchanged(old_row, new_row, descriptor, status) &&
        unchanged(old_row, new_row, descriptor, token))
        return PointerGetDatum(new_row);
    const queue::Status from = status_of(old_row, descriptor, status);
    const queue::Status to = status_of(new_row, descriptor, status);
    if (!queue::transition_allowed(from, to)) {
        const char *old_text = SPI_getvalue(old_row, descriptor, status);
        const char *new_text = SPI_getvalue(new_row, descriptor, status);
        ereport(ERROR,
                (errcode(ERRCODE_CHECK_VIOLATION),
                 errmsg("illegal status transition from \"%s\" to \"%s\" for row %s of queue %s",
                        old_text != nullptr ? old_text : "NULL",
                        new_text != nullptr ? new_text : "NULL", key_of(relation, old_row),
                        table_name(relation)),
                 errhint("Allowed: pending -> processing -> done | pending | failed, failed -> "
                         "pending; done is final.")));
    }
    const int64 old_token = token_of(old_row, descriptor, token);
    const int64 new_token = token_of(new_row, descriptor, token);
    if (new_token < old_token)
        ereport(ERROR,
                (errcode(ERRCODE_CHECK_VIOLATION),
                 errmsg("claim_token of row %s of queue %s may not decrease (from %lld "
                        "to %lld)",
                        key_of(relation, old_row), table_name(relation),
                        static_cast<long long>(old_token), static_cast<long long>(new_token)),
                 errhint("Every claim of a row must get a new, larger token.")));
    return PointerGetDatum(new_row);
}

// What the PostgreSQL layer knows about an attached queue table, cached per backend and per
// relation: its shape (schema, table, key and status columns), its settings (read from the
// guard trigger's arguments) and the SPI plans of its statements, each prepared on first use
// and kept. A relcache invalidation of the table (any ALTER TABLE, a re-attach, which recreates
// the trigger) drops the entry, so the next call rebuilds it from the catalogs.
#pragma once

#include "core/queue_rules.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "executor/spi.h"
}

namespace idempotent::pg
{

enum class QueuePlan {
    claim,
    claim_after_key,
    claim_pending,
    claim_pending_after_key,
    claim_one,
    claim_one_after_key,
    complete,
    complete_at_row_id,
    extend,
    read_row,
    fail,
    requeue,
    count
};

// Where this backend's last claim left one of the rows it claimed.
struct ClaimedRow {
    Datum key; // in QueueTable::claimed_context, unless the key type is passed by value
    int64 token;
    ItemPointerData row_id;
};

struct QueueTable {
    Oid relid; // hash key: must come first
    bool valid;
    MemoryContext context; // owns the strings below
    char *schema;
    char *table;
    char *qualified_name; // for messages
    char *key_column;
    char *status_column;
    char *priority_column; // "" for none
    char *row_alias;       // the claim's alias of the table: no column has this name
    Oid row_type;          // the table's row type, which the claim returns
    Oid key_type;
    Oid key_collation;
    AttrNumber key_number;
    int16 key_length;
    bool key_by_value;
    Oid status_type;
    // The lease index attach creates (lease_expires_at WHERE status = 'processing'), or
    // InvalidOid if the table has none: then every claim runs the statement that looks for
    // expired leases.
    Oid lease_index;
    AttrNumber lease_number; // lease_expires_at
    // No lease this backend knows of ends before this time, so until then a claim skips the
    // lease probe. A probe that finds no expired lease sets it to the earliest lease end it
    // saw, at most lease_probe_interval ahead; this backend's own claims and extensions lower
    // it to the leases they grant, and a rollback resets it (the rolled-back changes may have
    // hidden a lease from the probe). Only leases granted by other backends after the last
    // probe and shorter than the interval, or set by hand, are noticed up to that much late.
    TimestampTz no_expiry_before;
    int32 max_attempts;
    double retry_backoff_seconds;
    double retry_backoff_max_seconds;
    bool notify;
    SPIPlanPtr plans[static_cast<int>(QueuePlan::count)];
    // Where this backend's next claim looks for pending rows: just above the largest key it
    // claimed, for up to a second after its last claim that started from the lowest key.
    // Claimed rows leave dead entries at the front of the pending index until vacuum removes
    // them, and a claim starting from the lowest key steps over every one of them. This is a
    // per-backend hint, not session state: any backend may claim any row, and a pending row
    // below the hint is claimed once the hint expires or nothing is left above it. Used only
    // without a priority column and for built-in key types (whose pg_catalog operators agree
    // with the key's btree order).
    bool resume_allowed;
    bool has_resume_key;
    Datum resume_key; // in context, unless the key type is passed by value
    TimestampTz resume_since;
    // The rows this backend's last claim returned, so that completing one of them fetches it
    // at its row id instead of looking its key up in the primary key (QueuePlan::
    // complete_at_row_id). A hint only: the statement still requires the key, the token and
    // the status, and a row id that no longer holds that row updates nothing, after which the
    // completion runs as without the hint. Each claim replaces the list; a completion takes
    // its row out of it.
    MemoryContext claimed_context; // a child of context, reset by every claim
    ClaimedRow *claimed;
    int claimed_count;
    AttrNumber token_number; // claim_token
};

// A claim keeps at most this many of its rows as hints.
inline constexpr int max_claimed_rows = 1000;

// The row id where this backend's last claim left the row with this key and token, taking it
// out of the hints; false if there is none.
bool take_claimed_row(QueueTable *queue, Datum key, int64 token, ItemPointer row_id);

// The name of the trigger that guards transitions and holds a queue's settings.
inline constexpr const char *guard_trigger_name = "idempotent_status_guard";

// The queue table relid, opened in AccessShareLock mode: 42P01 if there is no such table, 0A000
// if it is not an ordinary table. Close it with relation_close(relation, NoLock).
Relation open_queue_relation(Oid relid);

// The guard trigger whose arguments hold the queue's settings; 55000 if the table is not attached.
const Trigger *queue_guard(Relation relation);

// The cached description of the attached queue table relid. Locks the table in AccessShareLock
// mode (so it cannot change under the caller) and raises 55000 if it is not an attached queue.
QueueTable *open_queue(Oid relid);

// How far ahead a lease probe that found no expired lease lets the next claims skip it: the
// longest a claim may notice a lease late (docs/queue.md, "Claim order").
inline constexpr int64 lease_probe_interval = 100 * 1000; // microseconds

// Whether some processing row's lease ended before now, as a claim statement would see it
// (same snapshot rules): one probe of the lease index, unless an earlier probe of this backend
// showed that no lease ends before now (QueueTable::no_expiry_before). True also when there is
// no lease index to ask. The caller must be connected to SPI.
bool lease_expired(QueueTable *queue, TimestampTz now);

// Notes a lease this backend granted (a claim or an extension), so that no later claim skips
// the lease probe past its end.
void note_lease(QueueTable *queue, TimestampTz lease_end);

// The plan of one of the queue's statements; the caller must be connected to SPI.
SPIPlanPtr queue_plan(QueueTable *queue, QueuePlan which);

// The function argument argno converted to the queue's key type: as is if it has that type,
// through text otherwise (so untyped literals and integers for bigint keys work).
Datum key_argument(FunctionCallInfo fcinfo, int argno, const QueueTable *queue);

// The key as text, for messages.
char *key_text(const QueueTable *queue, Datum key);

// A status as a value of the status column's type (text, varchar or an enum).
Datum status_value(const QueueTable *queue, queue::Status status);

// Raises 22004 if argument argno is NULL.
void require_argument(FunctionCallInfo fcinfo, int argno, const char *name);

// Microseconds of an interval, counting a month as 30 days, as PostgreSQL's own epoch does.
int64 interval_microseconds(const Interval *interval);

} // namespace idempotent::pg

// idempotent_queue_settings(queue regclass): the settings attach stored in the queue's guard
// trigger, as one row. idempotent_queue_attach() reads them to change only the options it is
// given.
#include "core/queue_rules.hpp"

#include "pg/error_bridge.hpp"
#include "pg/result_row.hpp"
#include "pg/queue_table.hpp"

extern "C" {
#include "utils/timestamp.h"
}

using namespace idempotent::pg;

namespace
{

Datum seconds_interval(double seconds)
{
    auto *interval = static_cast<Interval *>(palloc0(sizeof(Interval)));
    interval->time = static_cast<int64>(seconds * 1e6 + (seconds >= 0 ? 0.5 : -0.5));
    return IntervalPGetDatum(interval);
}

} // namespace

IDEMPOTENT_FUNCTION(idempotent_queue_settings)
{
    require_argument(fcinfo, 0, "queue");
    const QueueTable *queue = open_queue(PG_GETARG_OID(0));
    Datum values[6] = {
        CStringGetDatum(queue->status_column),
        CStringGetDatum(queue->priority_column),
        Int32GetDatum(queue->max_attempts),
        seconds_interval(queue->retry_backoff_seconds),
        seconds_interval(queue->retry_backoff_max_seconds),
        BoolGetDatum(queue->notify),
    };
    bool nulls[6] = {false, queue->priority_column[0] == '\0', false, false, false, false};
    // name columns take a NameData, not a C string.
    for (int i = 0; i < 2; ++i)
        if (!nulls[i]) {
            auto *name = static_cast<NameData *>(palloc0(NAMEDATALEN));
            namestrcpy(name, DatumGetCString(values[i]));
            values[i] = NameGetDatum(name);
        }
    PG_RETURN_DATUM(result_row(fcinfo, values, nulls));
}

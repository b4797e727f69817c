// idempotent_queue_settings(queue regclass): the settings attach stored in the queue's guard
// trigger, as one row. idempotent_queue_attach() reads them to change only the options it is
// given, also when a column the queue needs was dropped or renamed since: so they are read
// from the trigger alone, without the column checks of open_queue().
#include "core/queue_settings.hpp"

#include <string_view>
#include <vector>

#include "pg/error_bridge.hpp"
#include "pg/result_row.hpp"
#include "pg/queue_table.hpp"

extern "C" {
#include "access/relation.h"
#include "utils/timestamp.h"
}

using namespace idempotent::pg;

namespace
{

// The settings with their names as palloc'd strings, for frames without destructors.
struct StoredSettings {
    char *status_column;
    char *priority_column; // "" for none
    int32 max_attempts;
    double retry_backoff_seconds;
    double retry_backoff_max_seconds;
    bool notify;
};

// Parses the guard trigger's arguments. Owns C++ objects: backend code only through call_pg.
StoredSettings parse_arguments(const Trigger *trigger)
{
    const std::vector<std::string_view> arguments(trigger->tgargs,
                                                  trigger->tgargs + trigger->tgnargs);
    const idempotent::queue::Settings settings = idempotent::queue::parse_settings(arguments);
    StoredSettings stored{};
    stored.status_column = call_pg([&] { return pstrdup(settings.status_column.c_str()); });
    stored.priority_column = call_pg([&] { return pstrdup(settings.priority_column.c_str()); });
    stored.max_attempts = settings.max_attempts;
    stored.retry_backoff_seconds = settings.retry_backoff_seconds;
    stored.retry_backoff_max_seconds = settings.retry_backoff_max_seconds;
    stored.notify = settings.notify;
    return stored;
}

// The settings of the queue relid, from its guard trigger; 55000 if it has none.
StoredSettings read_stored_settings(Oid relid)
{
    Relation relation = open_queue_relation(relid);
    // The arguments live in the relcache entry, which stays valid while the table is open.
    const StoredSettings settings = parse_arguments(queue_guard(relation));
    relation_close(relation, NoLock);
    return settings;
}

// A non-negative number of seconds as an interval. Settings stored by builds that did not limit
// the backoff may not fit: they come out as the longest interval of microseconds, which attach
// then refuses by name.
Datum seconds_interval(double seconds)
{
    auto *interval = static_cast<Interval *>(palloc0(sizeof(Interval)));
    const double microseconds = seconds * 1e6 + 0.5;
    interval->time = microseconds < static_cast<double>(PG_INT64_MAX)
                         ? static_cast<int64>(microseconds)
                         : PG_INT64_MAX;
    return IntervalPGetDatum(interval);
}

} // namespace

IDEMPOTENT_FUNCTION(idempotent_queue_settings)
{
    require_argument(fcinfo, 0, "queue");
    const StoredSettings settings = read_stored_settings(PG_GETARG_OID(0));
    Datum values[6] = {
        CStringGetDatum(settings.status_column),
        CStringGetDatum(settings.priority_column),
        Int32GetDatum(settings.max_attempts),
        seconds_interval(settings.retry_backoff_seconds),
        seconds_interval(settings.retry_backoff_max_seconds),
        BoolGetDatum(settings.notify),
    };
    bool nulls[6] = {false, settings.priority_column[0] == '\0', false, false, false, false};
    // name columns take a NameData, not a C string.
    for (int i = 0; i < 2; ++i)
        if (!nulls[i]) {
            auto *name = static_cast<NameData *>(palloc0(NAMEDATALEN));
            namestrcpy(name, DatumGetCString(values[i]));
            values[i] = NameGetDatum(name);
        }
    PG_RETURN_DATUM(result_row(fcinfo, values, nulls));
}

// Which partitions of a partitioned target hold exactly a window, for replacing the window by
// truncating them (truncate_partitions => true). Calls backend code directly and owns no
// destructors: C++ code calls it through call_pg().
#pragma once

#include "pg/postgres.hpp"

namespace idempotent::pg
{

struct PartitionList {
    int count; // -1: the window does not match whole partitions
    const char **schemas;
    const char **names;
};

// The leaf partitions that together accept exactly the values [start, end) of the window
// column: relid is range-partitioned on that column alone, start and end are partition bounds,
// and every range between them is a partition without sub-partitions.
PartitionList partitions_covering(Oid relid, AttrNumber window_column, Datum start, Datum end);

} // namespace idempotent::pg

#include "pg/window_partitions.hpp"

extern "C" {
#include "access/table.h"
#include "catalog/partition.h"
#include "partitioning/partbounds.h"
#include "partitioning/partdesc.h"
#include "utils/partcache.h"
#include "utils/rel.h"
}

namespace idempotent::pg
{
namespace
{

// The position of value among the finite range bounds, or -1.
int bound_position(PartitionKey key, PartitionBoundInfo bounds, Datum value)
{
    for (int i = 0; i < bounds->ndatums; ++i) {
        if (bounds->kind[i][0] != PARTITION_RANGE_DATUM_VALUE)
            continue;
        int order = DatumGetInt32(FunctionCall2Coll(&key->partsupfunc[0], key->partcollation[0],
                                                    bounds->datums[i][0], value));
        if (order == 0)
            return i;
    }
    return -1;
}

PartitionList matching_partitions(Relation relation, AttrNumber window_column, Datum start,
                                  Datum end)
{
    PartitionList none{-1, nullptr, nullptr};
    if (relation->rd_rel->relkind != RELKIND_PARTITIONED_TABLE)
        return none;
    PartitionKey key = RelationGetPartitionKey(relation);
    if (key->strategy != PARTITION_STRATEGY_RANGE || key->partnatts != 1 ||
        key->partattrs[0] != window_column)
        return none;
    PartitionDesc partitions = RelationGetPartitionDesc(relation, true);
    PartitionBoundInfo bounds = partitions->boundinfo;
    if (bounds == nullptr)
        return none;
    int first = bound_position(key, bounds, start);
    int last = bound_position(key, bounds, end);
    if (first < 0 || last <= first)
        return none;

    // indexes[k] is the partition whose upper bound is datums[k], or -1 for a gap.
    PartitionList list{0, (const char **)palloc(sizeof(char *) * (last - first)),
                       (const char **)palloc(sizeof(char *) * (last - first))};
    for (int k = first + 1; k <= last; ++k) {
        int index = bounds->indexes[k];
        if (index < 0 || !partitions->is_leaf[index])
            return none;
        Oid partition = partitions->oids[index];
        list.schemas[list.count] = get_namespace_name(get_rel_namespace(partition));
        list.names[list.count] = get_rel_name(partition);
        ++list.count;
    }
    return list;
}

} // namespace

PartitionList partitions_covering(Oid relid, AttrNumber window_column, Datum start, Datum end)
{
    Relation relation = table_open(relid, AccessShareLock);
    PartitionList list = matching_partitions(relation, window_column, start, end);
    table_close(relation, NoLock);
    return list;
}

} // namespace idempotent::pg

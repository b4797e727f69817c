// The PostgreSQL headers of the PostgreSQL layer, in one place. Include it after every C++
// standard and core header: PostgreSQL's port.h redefines printf-family names as macros, which
// are undone below so that they cannot break C++ code compiled after this point.
#pragma once

extern "C" {
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "access/htup_details.h"
#include "access/tupdesc.h"
#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"
}

#undef printf
#undef fprintf
#undef sprintf
#undef snprintf
#undef vsnprintf
#undef vfprintf
#undef vsprintf
#undef strerror

#if PG_VERSION_NUM < 130000 || PG_VERSION_NUM >= 180000
#error "idempotent supports PostgreSQL 13 to 17"
#endif

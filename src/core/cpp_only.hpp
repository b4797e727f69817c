// Included first by every header of the pure C++ core. The core must build and be unit-tested
// without a server, so it may never see a PostgreSQL header: including one before a core header
// is a build error, not a convention.
#pragma once

#ifdef PG_VERSION_NUM
#error                                                                                             \
    "src/core is pure C++: include core headers before postgres.h, and never include postgres.h in core"
#endif

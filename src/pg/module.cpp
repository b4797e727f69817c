// The library's module magic: one per shared library.
#include "pg/postgres.hpp"

extern "C" {
PG_MODULE_MAGIC;
}

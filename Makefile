# PGXS build of the idempotent extension: the shared library, the install script and the
# pg_regress / isolation suites. The pure C++ core is also built by CMakeLists.txt for its unit
# tests, which need no server.

EXTENSION  = idempotent
EXTVERSION = 0.1
MODULE_big = idempotent

CORE_SRCS = $(sort $(wildcard src/core/*.cpp))
PG_SRCS   = $(sort $(wildcard src/pg/*.cpp))
OBJS      = $(CORE_SRCS:.cpp=.o) $(PG_SRCS:.cpp=.o)

# The install script is assembled from one fragment per feature, in name order.
SQL_FRAGMENTS = $(sort $(wildcard src/sql/*.sql))
DATA_built    = $(EXTENSION)--$(EXTVERSION).sql

# Every file in sql/ is a regression test, every spec in test/isolation/specs an isolation test.
REGRESS        = $(basename $(notdir $(sort $(wildcard sql/*.sql))))
REGRESS_OPTS   = --load-extension=$(EXTENSION)
ISOLATION      = $(basename $(notdir $(sort $(wildcard test/isolation/specs/*.spec))))
ISOLATION_OPTS = --inputdir=test/isolation --load-extension=$(EXTENSION)

SHLIB_LINK += -lstdc++ -lcrypto
# Our own code is held to -Werror; PGXS reads PG_CXXFLAGS when it is included.
PG_CXXFLAGS = -std=c++17 -fno-omit-frame-pointer -Wall -Wextra -Werror -Wno-register \
              -Isrc -MMD -MP

# No JIT inlining of this library: the bitcode rule would compile the C++ sources with clang
# and without our flags, and nothing here benefits from being inlined into JIT code.
override with_llvm = no

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Server headers are included as system headers so that -Werror judges only our own code.
override CPPFLAGS := $(patsubst -I$(includedir_server),-isystem $(includedir_server),$(CPPFLAGS))

$(DATA_built): $(SQL_FRAGMENTS)
	cat $^ > $@

-include $(OBJS:.o=.d)

.PHONY: format format-check
format:
	clang-format -i src/core/*.[ch]pp src/pg/*.[ch]pp test/unit/*.cpp test/fuzz/*.cpp

format-check:
	clang-format --dry-run --Werror src/core/*.[ch]pp src/pg/*.[ch]pp test/unit/*.cpp test/fuzz/*.cpp

// The names a piece of SQL text spells, so that generated statements that embed it can choose
// aliases and CTE names it cannot mean (core/sql_text.hpp, unused_name).
#pragma once

#include "pg/postgres.hpp"

namespace idempotent::pg
{

// Every identifier in text as PostgreSQL's scanner reads it: unquoted ones folded to lower
// case, quoted ones as written between the quotes. An identifier written with Unicode escapes
// (U&"...") is listed as written, escapes undecoded. Keywords are not listed: the names the
// extension generates are none. A List of C strings; raises the scanner's syntax errors.
List *spelled_names(const char *text);

} // namespace idempotent::pg

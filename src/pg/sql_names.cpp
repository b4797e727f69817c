#include "pg/sql_names.hpp"

extern "C" {
#include "parser/gramparse.h"
}

namespace idempotent::pg
{

List *spelled_names(const char *text)
{
    core_yy_extra_type scanner_state;
    core_yyscan_t scanner = scanner_init(text, &scanner_state, &ScanKeywords, ScanKeywordTokens);
    List *names = NIL;
    for (;;) {
        core_YYSTYPE value;
        YYLTYPE location;
        const int token = core_yylex(&value, &location, scanner);
        if (token == 0)
            break;
        if (token == IDENT || token == UIDENT)
            names = lappend(names, value.str);
    }
    scanner_finish(scanner);
    return names;
}

} // namespace idempotent::pg

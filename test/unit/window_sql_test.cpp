// The generated SQL of window replacements and upserts: quoting, operator qualification and
// the rules checked without a server.
#include "core/error.hpp"
#include "core/sql_text.hpp"
#include "core/upsert_sql.hpp"
#include "core/window_sql.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace idempotent;

namespace
{

TableColumn column(const std::string &name, bool as_text = false)
{
    return TableColumn{name,
                       "pg_catalog.int4",
                       as_text,
                       false,
                       "OPERATOR(\"pg_catalog\".=)",
                       "OPERATOR(\"pg_catalog\".<)",
                       "OPERATOR(\"pg_catalog\".>=)",
                       "\"pg_catalog\".\"hashint4extended\"",
                       ""};
}

WindowRequest window_request()
{
    WindowRequest request;
    request.target = qualified_name("public", "daily");
    request.target_display = "daily";
    request.window_column = column("day");
    request.source_columns = {column("day"), column("doc", true)};
    request.source_query = "SELECT day, doc FROM staged -- trailing comment";
    return request;
}

bool contains(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

TEST(SqlText, QuotesEveryIdentifier)
{
    EXPECT_EQ(quote_identifier("day"), "\"day\"");
    EXPECT_EQ(quote_identifier("Odd \"Name\""), "\"Odd \"\"Name\"\"\"");
    EXPECT_EQ(qualified_name("my schema", "t"), "\"my schema\".\"t\"");
}

TEST(SqlText, ComparesJsonAsText)
{
    EXPECT_EQ(comparable("t", column("a")), "t.\"a\"");
    EXPECT_EQ(comparable("t", column("doc", true)), "(t.\"doc\")::pg_catalog.text");
    EXPECT_EQ(not_distinct(column("a"), "x", "s"),
              "COALESCE(x.\"a\" OPERATOR(\"pg_catalog\".=) s.\"a\", x.\"a\" IS NULL AND s.\"a\" "
              "IS NULL)");
}

TEST(SqlText, MapsSourceColumnsByName)
{
    std::vector<TableColumn> target = {column("a"), column("b"), column("c")};
    target[2].generated = true;
    auto mapped = map_source_columns(target, {"b", "a"}, "t");
    ASSERT_EQ(mapped.size(), 2u);
    EXPECT_EQ(mapped[0].name, "b");
    EXPECT_THROW(map_source_columns(target, {"a", "x"}, "t"), Error);
    EXPECT_THROW(map_source_columns(target, {"a", "a"}, "t"), Error);
    EXPECT_THROW(map_source_columns(target, {"c"}, "t"), Error);
    EXPECT_THROW(map_source_columns(target, {}, "t"), Error);
    try {
        map_source_columns(target, {"x"}, "t");
    } catch (const Error &error) {
        EXPECT_STREQ(error.sqlstate(), "42703");
        EXPECT_TRUE(contains(error.what(), "\"x\""));
    }
}

TEST(WindowSql, SourceIsEmbeddedOnLinesOfItsOwn)
{
    // A trailing comment in the source must not swallow the closing parenthesis.
    std::string sql = window_replace_sql(window_request());
    EXPECT_TRUE(contains(sql, "(\nSELECT day, doc FROM staged -- trailing comment\n)"));
}

TEST(WindowSql, WindowTestUsesTheTypesOwnOperatorsInAnIndexableForm)
{
    std::string sql = window_replace_sql(window_request());
    EXPECT_TRUE(contains(sql, "WHERE t.\"day\" OPERATOR(\"pg_catalog\".>=) $1 AND t.\"day\" "
                              "OPERATOR(\"pg_catalog\".<) $2"));
    // A NULL window value counts as outside the window.
    EXPECT_TRUE(contains(sql, "FILTER (WHERE (i.\"day\" OPERATOR(\"pg_catalog\".>=) $1 AND "
                              "i.\"day\" OPERATOR(\"pg_catalog\".<) $2) IS NOT TRUE)"));
    EXPECT_TRUE(contains(sql, "DELETE FROM \"public\".\"daily\" AS t"));
}

TEST(WindowSql, FilterStandsOnLinesOfItsOwn)
{
    WindowRequest request = window_request();
    request.window_filter = "tenant_id = 42 -- one tenant";
    EXPECT_TRUE(
        contains(window_current_summary_sql(request), "AND (\ntenant_id = 42 -- one tenant\n)"));
}

TEST(WindowSql, RefusesWhatCannotWork)
{
    WindowRequest request = window_request();
    request.source_columns = {column("doc", true)};
    EXPECT_THROW(validate_window_request(request), Error);
    request = window_request();
    request.window_filter = "  ";
    EXPECT_THROW(validate_window_request(request), Error);
    request = window_request();
    request.window_column.less_than.clear();
    EXPECT_THROW(validate_window_request(request), Error);
    EXPECT_THROW(window_claim_sql("s", WindowSpan::unsupported), Error);
}

TEST(SqlText, HashesEachColumnWithItsOwnFunctionAndPosition)
{
    EXPECT_EQ(
        row_hash_sum("t", {column("a"), column("doc", true)}),
        "COALESCE(pg_catalog.sum(COALESCE(\"pg_catalog\".\"hashint4extended\"(t.\"a\", 1), 0) "
        "OPERATOR(pg_catalog.#) COALESCE(pg_catalog.hashtextextended((t.\"doc\")::pg_catalog."
        "text, 2), 0)), 0)");
}

TEST(WindowSql, ComparesTheColumnsTheSourceProvides)
{
    std::string sql = window_contained_sql(window_request());
    EXPECT_TRUE(contains(sql, "EXCEPT ALL SELECT t.\"day\", (t.\"doc\")::pg_catalog.text"));
}

// An aggregate takes at most 99 arguments: the image hash sum of a wide source is one
// idempotent_image_hash_sum per group of columns, every group after the first led by its
// number, the groups' sums XORed.
TEST(WindowSql, SumsTheImagesOfWideSourcesInGroupsOfColumns)
{
    WindowRequest request = window_request();
    request.extension_schema = "ext";
    const std::string function = "\"ext\".\"idempotent_image_hash_sum\"(";
    auto count = [](const std::string &text, const std::string &part) {
        int found = 0;
        for (std::size_t at = text.find(part); at != std::string::npos;
             at = text.find(part, at + 1))
            ++found;
        return found;
    };
    std::string narrow = window_current_summary_sql(request);
    EXPECT_TRUE(contains(narrow, function + "t.\"day\", t.\"doc\") FROM"));
    EXPECT_EQ(count(narrow, function), 1);

    for (std::size_t width : {image_hash_group_columns, image_hash_group_columns + 1,
                              std::size_t{250}, std::size_t{1600}}) {
        request.source_columns = {column("day")};
        for (std::size_t i = 1; i < width; ++i)
            request.source_columns.push_back(column("c" + std::to_string(i)));
        std::string sql = window_current_summary_sql(request);
        std::size_t groups = (width + image_hash_group_columns - 1) / image_hash_group_columns;
        EXPECT_EQ(count(sql, function), static_cast<int>(groups)) << width;
        for (std::size_t group = 1; group < groups; ++group)
            EXPECT_TRUE(contains(sql, function + std::to_string(group) +
                                          "::pg_catalog.int4, t.\"c" +
                                          std::to_string(group * image_hash_group_columns) + "\""))
                << width;
        // No call gets more than 99 arguments: a group's columns and its number.
        for (std::size_t at = sql.find(function); at != std::string::npos;
             at = sql.find(function, at + 1)) {
            std::string call = sql.substr(at, sql.find(')', at) - at);
            EXPECT_LE(count(call, ", ") + 1, 99) << width;
        }
        EXPECT_TRUE(contains(window_source_summary_sql(request), function + "s.\"day\", "));
    }
}

TEST(UpsertSql, MergesUpdatingOnlyRowsThatDiffer)
{
    UpsertRequest request;
    request.target = qualified_name("public", "accounts");
    request.target_display = "accounts";
    request.source_columns = {column("id"), column("name"), column("profile", true)};
    request.key_columns = {column("id")};
    request.source_query = "SELECT * FROM incoming";
    validate_upsert_request(request);
    std::string sql = upsert_merge_sql(request, KeyProbe::equality);
    EXPECT_TRUE(contains(sql, "MERGE INTO \"public\".\"accounts\" AS x USING (SELECT "));
    EXPECT_TRUE(contains(sql, ") AS s ON x.\"id\" OPERATOR(\"pg_catalog\".=) s.\"id\" WHEN "
                              "MATCHED AND NOT (COALESCE(x.\"name\""));
    EXPECT_TRUE(contains(sql, "(x.\"profile\")::pg_catalog.text"));
    EXPECT_TRUE(contains(sql, "THEN UPDATE SET \"name\" = s.\"name\", \"profile\" = "
                              "s.\"profile\" WHEN NOT MATCHED THEN INSERT (\"id\", \"name\", "
                              "\"profile\") VALUES (s.\"id\", s.\"name\", s.\"profile\")"));
    EXPECT_TRUE(contains(upsert_merge_sql(request, KeyProbe::any_array),
                         "ON x.\"id\" OPERATOR(\"pg_catalog\".=) ANY (ARRAY[s.\"id\"])"));

    request.source_columns = {column("id")};
    sql = upsert_merge_sql(request, KeyProbe::equality);
    EXPECT_FALSE(contains(sql, "WHEN MATCHED"));
    EXPECT_TRUE(contains(sql, "WHEN NOT MATCHED THEN INSERT (\"id\") VALUES (s.\"id\")"));

    request.source_columns = {column("name")};
    EXPECT_THROW(validate_upsert_request(request), Error);
}

TEST(UpsertSql, CountsDistinctSingleKeysAndGroupsCompositeOnes)
{
    UpsertRequest request;
    request.target = qualified_name("public", "accounts");
    request.source_columns = {column("id"), column("region"), column("name")};
    request.key_columns = {column("id")};
    request.source_query = "SELECT * FROM incoming";
    std::string check = upsert_check_sql(request);
    EXPECT_TRUE(contains(check, "pg_catalog.count(s.\"id\") OPERATOR(pg_catalog.>) "
                                "pg_catalog.count(DISTINCT s.\"id\")"));
    EXPECT_FALSE(contains(check, "GROUP BY"));

    request.key_columns = {column("id"), column("region")};
    check = upsert_check_sql(request);
    EXPECT_TRUE(contains(check, "GROUP BY s.\"id\", s.\"region\""));
    EXPECT_TRUE(contains(check, "FILTER (WHERE g.\"id\" IS NULL OR g.\"region\" IS NULL)"));

    std::string duplicate = upsert_duplicate_key_sql(request);
    EXPECT_TRUE(contains(duplicate, "pg_catalog.concat_ws(', ', (g.\"id\")::pg_catalog.text, "
                                    "(g.\"region\")::pg_catalog.text)"));
    EXPECT_TRUE(contains(duplicate, "WHERE g.\"n\" OPERATOR(pg_catalog.>) 1 AND NOT (g.\"id\" IS "
                                    "NULL OR g.\"region\" IS NULL)"));

    // A key column named n: the count is named otherwise, so that g."n" means one thing.
    request.key_columns = {column("id"), column("n")};
    check = upsert_check_sql(request);
    EXPECT_TRUE(contains(check, "pg_catalog.count(*) AS \"n_\" FROM")) << check;
    EXPECT_TRUE(contains(check, "pg_catalog.sum(g.\"n_\")")) << check;
    EXPECT_TRUE(contains(upsert_duplicate_key_sql(request), "WHERE g.\"n_\" OPERATOR")) << check;
}

TEST(WindowSql, OwnNamesAvoidThoseTheUserSpells)
{
    WindowRequest request = window_request();
    std::string sql = window_replace_sql(request);
    EXPECT_TRUE(contains(sql, "WITH deleted AS (DELETE FROM")) << sql;
    EXPECT_TRUE(contains(sql, "inserted AS (INSERT INTO")) << sql;
    // A source reading a table named deleted, a filter reading one named inserted, a target
    // with a column named like the row hash: every one of the statement's own names moves.
    request.names_in_use = {"deleted", "inserted", "deleted_count",      "t",
                            "i",       "s",        "idempotent row hash"};
    sql = window_replace_sql(request);
    EXPECT_TRUE(contains(sql, "WITH deleted_ AS (DELETE FROM \"public\".\"daily\" AS t_ WHERE"))
        << sql;
    EXPECT_TRUE(contains(sql, "deleted_count_ AS (SELECT pg_catalog.count(*) AS n FROM deleted_)"))
        << sql;
    EXPECT_TRUE(contains(sql, "inserted_ AS (INSERT INTO \"public\".\"daily\" AS t_ (")) << sql;
    EXPECT_TRUE(contains(sql, "AS \"idempotent row hash_\"")) << sql;
    EXPECT_TRUE(contains(sql, "FROM inserted_ AS i_")) << sql;
    EXPECT_FALSE(contains(sql, " deleted ")) << sql;
    EXPECT_FALSE(contains(sql, " AS t ")) << sql;
    const std::string source = window_source_summary_sql(request);
    EXPECT_TRUE(contains(source, " AS s_")) << source;
    EXPECT_FALSE(contains(source, " AS s ")) << source;
}

TEST(WindowSql, LocksWholePartitionsBeforeCountingAndTruncatingThem)
{
    std::vector<std::string> partitions = {qualified_name("public", "events_1"),
                                           qualified_name("public", "events_2")};
    EXPECT_EQ(window_lock_partitions_sql(partitions),
              "LOCK TABLE ONLY \"public\".\"events_1\", \"public\".\"events_2\" IN ACCESS "
              "EXCLUSIVE MODE");
    EXPECT_EQ(window_truncate_sql(partitions),
              "TRUNCATE ONLY \"public\".\"events_1\", \"public\".\"events_2\"");
}

TEST(SqlText, AssignsTheColumnsModifierAndCollation)
{
    TableColumn plain = column("a");
    EXPECT_EQ(assigned_value("q", plain), "(q.\"a\")::pg_catalog.int4");

    TableColumn code = column("code");
    code.type = "pg_catalog.\"varchar\"(3)";
    code.cast_type = "character varying";
    code.typmod_function = "pg_catalog.\"varchar\"";
    code.typmod_arguments = ", 7, false";
    code.collation = "\"public\".\"ci\"";
    EXPECT_EQ(assigned_value("q", code),
              "(pg_catalog.\"varchar\"((q.\"code\")::character varying, 7, false)) COLLATE "
              "\"public\".\"ci\"");

    TableColumn domain = column("d");
    domain.type = "\"public\".\"code\"";
    domain.cast_type = "character varying";
    domain.typmod_function = "pg_catalog.\"varchar\"";
    domain.typmod_arguments = ", 7, false";
    domain.domain = domain.type;
    EXPECT_EQ(
        assigned_value("q", domain),
        "(pg_catalog.\"varchar\"((q.\"d\")::character varying, 7, false))::\"public\".\"code\"");

    const std::string sql = typed_source("SELECT 1", {plain, code});
    EXPECT_TRUE(
        contains(sql, "SELECT (q.\"a\")::pg_catalog.int4 AS \"a\", (pg_catalog.\"varchar\"("));
    EXPECT_TRUE(contains(sql, "COLLATE \"public\".\"ci\" AS \"code\" FROM (\nSELECT 1\n) AS q"));
}

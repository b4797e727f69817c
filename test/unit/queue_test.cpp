// The queue's pure rules: transitions, the decisions behind complete/fail/extend/requeue, the
// backoff, the settings stored in the guard trigger and the quoting of generated SQL.
#include "core/error.hpp"
#include "core/queue_rules.hpp"
#include "core/queue_settings.hpp"
#include "core/queue_sql.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace idempotent;
using namespace idempotent::queue;

namespace
{

const Status all_statuses[] = {Status::pending, Status::processing, Status::done, Status::failed,
                               Status::unknown};

} // namespace

TEST(QueueRules, ParsesTheFourStatusesOnly)
{
    for (Status status : {Status::pending, Status::processing, Status::done, Status::failed})
        EXPECT_EQ(parse_status(status_name(status)), status);
    EXPECT_EQ(parse_status("Pending"), Status::unknown);
    EXPECT_EQ(parse_status(""), Status::unknown);
    EXPECT_EQ(parse_status("done "), Status::unknown);
}

TEST(QueueRules, AllowsExactlyTheDocumentedTransitions)
{
    const std::vector<std::pair<Status, Status>> allowed = {
        {Status::pending, Status::processing}, {Status::processing, Status::done},
        {Status::processing, Status::pending}, {Status::processing, Status::failed},
        {Status::failed, Status::pending},
    };
    for (Status from : all_statuses)
        for (Status to : all_statuses) {
            bool expected = from == to && from != Status::unknown;
            for (const auto &[a, b] : allowed)
                expected = expected || (a == from && b == to);
            EXPECT_EQ(transition_allowed(from, to), expected)
                << status_name(from) << " -> " << status_name(to);
        }
}

TEST(QueueRules, ARowIsHeldOnlyByTheTokenOfItsCurrentProcessingClaim)
{
    EXPECT_TRUE(held_by({Status::processing, 7, 1}, 7));
    EXPECT_FALSE(held_by({Status::processing, 8, 2}, 7));
    for (Status status : {Status::pending, Status::done, Status::failed, Status::unknown})
        EXPECT_FALSE(held_by({status, 7, 1}, 7)) << status_name(status);
}

TEST(QueueRules, CompleteAppliesOnlyToTheCurrentClaim)
{
    EXPECT_EQ(decide_complete({Status::processing, 7, 1}, 7).verdict, Verdict::apply);
    EXPECT_EQ(decide_complete({Status::processing, 7, 1}, 7).next, Status::done);
    EXPECT_EQ(decide_complete({Status::done, 7, 1}, 7).verdict, Verdict::repeat);
    EXPECT_EQ(decide_complete({Status::processing, 8, 2}, 7).verdict, Verdict::stale);
    EXPECT_EQ(decide_complete({Status::done, 8, 2}, 7).verdict, Verdict::stale);
    EXPECT_EQ(decide_complete({Status::pending, 7, 1}, 7).verdict, Verdict::stale);
    EXPECT_EQ(decide_complete({Status::failed, 7, 1}, 7).verdict, Verdict::stale);
}

TEST(QueueRules, FailRetriesUntilAttemptsAreUsedUp)
{
    EXPECT_EQ(decide_fail({Status::processing, 3, 2}, 3, 5).next, Status::pending);
    EXPECT_EQ(decide_fail({Status::processing, 3, 5}, 3, 5).next, Status::failed);
    EXPECT_EQ(decide_fail({Status::processing, 3, 5}, 3, 5).verdict, Verdict::apply);
    EXPECT_EQ(decide_fail({Status::pending, 3, 2}, 3, 5).verdict, Verdict::repeat);
    EXPECT_EQ(decide_fail({Status::failed, 3, 5}, 3, 5).verdict, Verdict::repeat);
    EXPECT_EQ(decide_fail({Status::done, 3, 2}, 3, 5).verdict, Verdict::stale);
    EXPECT_EQ(decide_fail({Status::processing, 4, 2}, 3, 5).verdict, Verdict::stale);
}

TEST(QueueRules, ExtendAndRequeue)
{
    EXPECT_EQ(decide_extend({Status::processing, 3, 1}, 3).verdict, Verdict::apply);
    EXPECT_EQ(decide_extend({Status::processing, 4, 1}, 3).verdict, Verdict::stale);
    EXPECT_EQ(decide_extend({Status::done, 3, 1}, 3).verdict, Verdict::stale);
    EXPECT_EQ(decide_requeue({Status::failed, 3, 5}).verdict, Verdict::apply);
    EXPECT_EQ(decide_requeue({Status::failed, 3, 5}).next, Status::pending);
    EXPECT_EQ(decide_requeue({Status::pending, 3, 0}).verdict, Verdict::nothing_to_do);
    EXPECT_EQ(decide_requeue({Status::processing, 3, 1}).verdict, Verdict::stale);
    EXPECT_EQ(decide_requeue({Status::done, 3, 1}).verdict, Verdict::stale);
}

TEST(QueueRules, BackoffDoublesUpToItsCap)
{
    EXPECT_EQ(backoff_microseconds(1, 10, 3600), 10'000'000);
    EXPECT_EQ(backoff_microseconds(2, 10, 3600), 20'000'000);
    EXPECT_EQ(backoff_microseconds(4, 10, 3600), 80'000'000);
    EXPECT_EQ(backoff_microseconds(20, 10, 3600), 3'600'000'000);
    EXPECT_EQ(backoff_microseconds(1'000'000, 10, 3600), 3'600'000'000);
    EXPECT_EQ(backoff_microseconds(0, 0.5, 3600), 500'000);
    EXPECT_EQ(backoff_microseconds(3, 0, 3600), 0);
    // Settings beyond a century (or beyond a double's range) wait a century.
    const auto century = static_cast<std::int64_t>(max_backoff_seconds * 1e6);
    EXPECT_EQ(backoff_microseconds(1, 1e13, 1e13), century);
    EXPECT_EQ(backoff_microseconds(62, 10, 1e300), century);
}

TEST(QueueSettings, ParsesTriggerArgumentsWithDefaults)
{
    const Settings defaults = parse_settings({});
    EXPECT_EQ(defaults.status_column, "status");
    EXPECT_EQ(defaults.max_attempts, 5);
    EXPECT_FALSE(defaults.notify);
    const Settings settings = parse_settings({"status_column=state", "priority_column=prio",
                                              "max_attempts=3", "retry_backoff_seconds=0.500000",
                                              "retry_backoff_max_seconds=60", "notify=true"});
    EXPECT_EQ(settings.status_column, "state");
    EXPECT_EQ(settings.priority_column, "prio");
    EXPECT_EQ(settings.max_attempts, 3);
    EXPECT_DOUBLE_EQ(settings.retry_backoff_seconds, 0.5);
    EXPECT_DOUBLE_EQ(settings.retry_backoff_max_seconds, 60);
    EXPECT_TRUE(settings.notify);
    EXPECT_EQ(parse_settings({"status_column=a=b"}).status_column, "a=b");
}

TEST(QueueSettings, RejectsWhatItDoesNotKnow)
{
    for (const char *bad : {"colour=red", "max_attempts=0", "max_attempts=2x", "notify=yes",
                            "retry_backoff_seconds=-1", "status_column=", "no equals sign"}) {
        try {
            parse_settings({bad});
            ADD_FAILURE() << bad;
        } catch (const Error &error) {
            EXPECT_STREQ(error.sqlstate(), "22023") << bad;
        }
    }
}

TEST(QueueSettings, FindsOneSettingWithoutParsingTheRest)
{
    const char *arguments[] = {"status_column=state", "status_columns=x", "notify=true"};
    EXPECT_EQ(find_setting(arguments, 3, "status_column"), "state");
    EXPECT_EQ(find_setting(arguments, 3, "notify"), "true");
    EXPECT_EQ(find_setting(arguments, 3, "priority_column"), "");
    EXPECT_EQ(find_setting(arguments, 0, "status_column"), "");
}

TEST(QueueSql, QuotesEveryIdentifier)
{
    EXPECT_EQ(quote_identifier("jobs"), "\"jobs\"");
    EXPECT_EQ(quote_identifier("we\"ird"), "\"we\"\"ird\"");
    const TableShape shape{"my schema", "Jobs\"; DROP TABLE x; --", "id", "status", ""};
    const std::string sql = complete_sql(shape);
    EXPECT_EQ(sql.rfind("UPDATE ONLY \"my schema\".\"Jobs\"\"; DROP TABLE x; --\" SET ", 0), 0u)
        << sql;
}

TEST(QueueSql, ReturnsRowsUnderTheAliasItIsGiven)
{
    // A table with a column q: the caller picks another alias, and every reference follows.
    TableShape shape{"public", "jobs", "id", "status", ""};
    shape.row_alias = "q_";
    for (const ClaimRows rows :
         {ClaimRows::pending_and_expired, ClaimRows::pending_only, ClaimRows::one_pending}) {
        const std::string sql = claim_sql(shape, false, rows);
        EXPECT_NE(sql.find("UPDATE ONLY \"public\".\"jobs\" AS \"q_\" SET"), std::string::npos)
            << sql;
        EXPECT_EQ(sql.substr(sql.size() - 26), " RETURNING \"q_\", \"q_\".ctid") << sql;
        EXPECT_EQ(sql.find("\"q\""), std::string::npos) << sql;
    }
}

TEST(QueueSql, CompletesAtTheClaimedRowIdOnlyWhenAsked)
{
    const TableShape plain{"public", "jobs", "id", "status", ""};
    EXPECT_EQ(complete_sql(plain).find("ctid"), std::string::npos);
    const std::string at_row_id = complete_sql(plain, true);
    // The row id narrows the statement; the key, token and status conditions all stay.
    EXPECT_NE(
        at_row_id.find("WHERE ctid OPERATOR(pg_catalog.=) $3 AND \"id\" OPERATOR(pg_catalog.=) "
                       "$1 AND claim_token OPERATOR(pg_catalog.=) $2 AND \"status\""),
        std::string::npos)
        << at_row_id;
}

TEST(QueueSql, LeavesInheritanceChildrenAlone)
{
    const TableShape plain{"public", "jobs", "id", "status", ""};
    for (const std::string &sql :
         {claim_sql(plain), claim_sql(plain, true, ClaimRows::one_pending), complete_sql(plain),
          complete_sql(plain, true), extend_sql(plain), read_row_sql(plain), fail_sql(plain),
          requeue_sql(plain)}) {
        std::size_t at = 0;
        std::size_t names = 0;
        while ((at = sql.find("\"public\".\"jobs\"", at)) != std::string::npos) {
            EXPECT_EQ(sql.compare(at - 5, 5, "ONLY "), 0) << sql;
            ++names;
            ++at;
        }
        EXPECT_GT(names, 0u) << sql;
    }
}

TEST(QueueSql, OrdersClaimsByPriorityThenKey)
{
    const TableShape plain{"public", "jobs", "id", "status", ""};
    const TableShape prioritised{"public", "jobs", "id", "status", "prio"};
    EXPECT_NE(claim_sql(plain).find("ORDER BY \"id\" LIMIT $2 FOR UPDATE SKIP LOCKED"),
              std::string::npos);
    EXPECT_NE(claim_sql(prioritised).find("ORDER BY \"prio\", \"id\" LIMIT $2"), std::string::npos);
}

TEST(QueueSql, ResumesAboveAKeyOnlyWhenAsked)
{
    const TableShape plain{"public", "jobs", "id", "status", ""};
    EXPECT_EQ(claim_sql(plain).find("$6"), std::string::npos);
    EXPECT_NE(claim_sql(plain, true).find("AND \"id\" OPERATOR(pg_catalog.>) $6 ORDER BY \"id\""),
              std::string::npos);
}

TEST(QueueSql, ClaimsOneRowWithAScalarSubquery)
{
    const TableShape plain{"public", "jobs", "id", "status", ""};
    for (const bool after_key : {false, true}) {
        const std::string one = claim_sql(plain, after_key, ClaimRows::one_pending);
        EXPECT_EQ(
            one.rfind("UPDATE ONLY \"public\".\"jobs\" AS \"q\" SET \"status\" = 'processing'", 0),
            0u)
            << one;
        EXPECT_NE(one.find("WHERE \"q\".\"id\" OPERATOR(pg_catalog.=) (SELECT \"id\" FROM ONLY "
                           "\"public\".\"jobs\" WHERE \"status\" OPERATOR(pg_catalog.=) 'pending'"),
                  std::string::npos)
            << one;
        EXPECT_NE(
            one.find("ORDER BY \"id\" LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING \"q\", \"q\".ctid"),
            std::string::npos)
            << one;
        EXPECT_EQ(one.find("$2"), std::string::npos) << one;
        EXPECT_EQ(one.find("$4"), std::string::npos) << one;
        EXPECT_EQ(one.find("lease_expires_at OPERATOR(pg_catalog.<)"), std::string::npos) << one;
        EXPECT_EQ(one.find("OPERATOR(pg_catalog.>) $6") != std::string::npos, after_key) << one;
    }
}

TEST(QueueSql, LeavesOutExpiredLeasesOnlyWhenAsked)
{
    const TableShape plain{"public", "jobs", "id", "status", ""};
    const std::string full = claim_sql(plain);
    EXPECT_NE(full.find("WITH exhausted AS (UPDATE"), std::string::npos) << full;
    EXPECT_NE(full.find("lease_expires_at OPERATOR(pg_catalog.<) $1"), std::string::npos) << full;
    for (const bool after_key : {false, true}) {
        const std::string pending = claim_sql(plain, after_key, ClaimRows::pending_only);
        EXPECT_EQ(pending.find("lease_expires_at OPERATOR(pg_catalog.<)"), std::string::npos)
            << pending;
        EXPECT_EQ(pending.find("$4"), std::string::npos) << pending;
        EXPECT_EQ(pending.rfind("WITH picked AS (SELECT \"id\" FROM ONLY \"public\".\"jobs\" WHERE "
                                "\"status\" OPERATOR(pg_catalog.=) 'pending'",
                                0),
                  0u)
            << pending;
        EXPECT_NE(pending.find("ORDER BY \"id\" LIMIT $2 FOR UPDATE SKIP LOCKED) UPDATE"),
                  std::string::npos)
            << pending;
        EXPECT_EQ(pending.find("OPERATOR(pg_catalog.>) $6") != std::string::npos, after_key)
            << pending;
    }
}

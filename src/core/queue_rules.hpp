// The state machine of a queue row: its four statuses, the transitions the guard trigger allows,
// what complete/fail/extend/requeue do given the row's current state and the caller's token,
// and the retry backoff. Pure functions: the PostgreSQL layer reads the row, asks here, and acts.
#pragma once
#include "core/cpp_only.hpp"

#include <cstdint>
#include <string_view>

namespace idempotent::queue
{

enum class Status { pending, processing, done, failed, unknown };

// "pending", "processing", "done" or "failed"; anything else is Status::unknown.
Status parse_status(std::string_view text) noexcept;
const char *status_name(Status status) noexcept;

// pending -> processing -> done | pending | failed, failed -> pending, and any known status to
// itself. done is final. A transition from or to an unknown status is illegal.
bool transition_allowed(Status from, Status to) noexcept;

// What a row looks like to a worker's call, read under a row lock.
struct RowState {
    Status status;
    std::int64_t claim_token;
    std::int32_t attempts;
};

enum class Verdict {
    apply,        // make the transition to Decision::next
    stale,        // the token is not the row's current claim, or the row is not being processed
    repeat,       // this claim already made this call's transition: a retried transaction
    nothing_to_do // the row is already where the call would move it (requeue of a pending row)
};

struct Decision {
    Verdict verdict;
    Status next;
};

// Whether token is the current claim of a row that is being processed.
bool held_by(const RowState &row, std::int64_t token) noexcept;

Decision decide_complete(const RowState &row, std::int64_t token) noexcept;
// Back to pending for another attempt, or failed once max_attempts claims have been used.
Decision decide_fail(const RowState &row, std::int64_t token, std::int32_t max_attempts) noexcept;
Decision decide_extend(const RowState &row, std::int64_t token) noexcept;
// failed -> pending. processing and done rows are stale for a requeue.
Decision decide_requeue(const RowState &row) noexcept;

// The longest retry delay: a century, so that now plus the delay stays a timestamp whatever
// settings a queue's guard trigger holds.
inline constexpr double max_backoff_seconds = 100 * 365.25 * 86400;

// The delay before a failed attempt is retried: base * 2^(attempts - 1), capped at max and at
// max_backoff_seconds, in microseconds. attempts is the number of claims so far (at least 1
// when a claim failed).
std::int64_t backoff_microseconds(std::int32_t attempts, double base_seconds,
                                  double max_seconds) noexcept;

} // namespace idempotent::queue

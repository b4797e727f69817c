#include "core/queue_rules.hpp"

#include <algorithm>
#include <cmath>

namespace idempotent::queue
{

Status parse_status(std::string_view text) noexcept
{
    if (text == "pending")
        return Status::pending;
    if (text == "processing")
        return Status::processing;
    if (text == "done")
        return Status::done;
    if (text == "failed")
        return Status::failed;
    return Status::unknown;
}

const char *status_name(Status status) noexcept
{
    switch (status) {
    case Status::pending:
        return "pending";
    case Status::processing:
        return "processing";
    case Status::done:
        return "done";
    case Status::failed:
        return "failed";
    case Status::unknown:
        break;
    }
    return "unknown";
}

bool transition_allowed(Status from, Status to) noexcept
{
    if (from == Status::unknown || to == Status::unknown)
        return false;
    if (from == to)
        return true;
    switch (from) {
    case Status::pending:
        return to == Status::processing;
    case Status::processing:
        return to == Status::done || to == Status::pending || to == Status::failed;
    case Status::failed:
        return to == Status::pending;
    case Status::done:
    case Status::unknown:
        break;
    }
    return false;
}

bool held_by(const RowState &row, std::int64_t token) noexcept
{
    return row.claim_token == token && row.status == Status::processing;
}

Decision decide_complete(const RowState &row, std::int64_t token) noexcept
{
    if (held_by(row, token))
        return {Verdict::apply, Status::done};
    if (row.claim_token == token && row.status == Status::done)
        return {Verdict::repeat, row.status};
    return {Verdict::stale, row.status};
}

Decision decide_fail(const RowState &row, std::int64_t token, std::int32_t max_attempts) noexcept
{
    if (held_by(row, token))
        return {Verdict::apply, row.attempts >= max_attempts ? Status::failed : Status::pending};
    // The token is unchanged since this claim failed the row: no claim has happened since.
    if (row.claim_token == token && (row.status == Status::pending || row.status == Status::failed))
        return {Verdict::repeat, row.status};
    return {Verdict::stale, row.status};
}

Decision decide_extend(const RowState &row, std::int64_t token) noexcept
{
    if (held_by(row, token))
        return {Verdict::apply, Status::processing};
    return {Verdict::stale, row.status};
}

Decision decide_requeue(const RowState &row) noexcept
{
    if (row.status == Status::failed)
        return {Verdict::apply, Status::pending};
    if (row.status == Status::pending)
        return {Verdict::nothing_to_do, row.status};
    return {Verdict::stale, row.status};
}

std::int64_t backoff_microseconds(std::int32_t attempts, double base_seconds,
                                  double max_seconds) noexcept
{
    // 2^62 microseconds is far beyond any cap; clamping the exponent keeps the product finite.
    const int exponent = std::clamp(attempts - 1, 0, 62);
    const double seconds = std::min(
        {max_seconds, max_backoff_seconds, std::ldexp(std::max(base_seconds, 0.0), exponent)});
    return static_cast<std::int64_t>(std::llround(std::max(seconds, 0.0) * 1e6));
}

} // namespace idempotent::queue

// A queue's settings. They are stored as the arguments of the queue's guard trigger, one
// "name=value" string each, so that they travel with the table through pg_dump/pg_restore and
// every change to them invalidates the table's relcache entry (and with it cached claim plans).
#pragma once
#include "core/cpp_only.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace idempotent::queue
{

struct Settings {
    std::string status_column = "status";
    std::string priority_column; // empty: claims are ordered by the key alone
    std::int32_t max_attempts = 5;
    double retry_backoff_seconds = 10;
    double retry_backoff_max_seconds = 3600;
    bool notify = false;
};

// Parses trigger arguments. Throws Error (22023) for an unknown name or a malformed value.
Settings parse_settings(const std::vector<std::string_view> &arguments);

// The value of one "name=value" argument without parsing the others; empty if absent. The
// guard trigger uses it on every row, so it allocates nothing.
std::string_view find_setting(const char *const *arguments, int count,
                              std::string_view name) noexcept;

} // namespace idempotent::queue

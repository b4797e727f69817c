#include "core/queue_settings.hpp"

#include "core/error.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

namespace idempotent::queue
{
namespace
{

[[noreturn]] void bad_setting(std::string_view argument, const char *why)
{
    throw Error(sqlstate::invalid_parameter_value,
                "invalid queue setting \"" + std::string(argument) + "\": " + why,
                "Change queue settings with idempotent_queue_attach().");
}

double parse_seconds(std::string_view argument, std::string_view value)
{
    double seconds = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error != std::errc() || end != value.data() + value.size() || !std::isfinite(seconds) ||
        seconds < 0)
        bad_setting(argument, "expected a non-negative number of seconds");
    return seconds;
}

} // namespace

Settings parse_settings(const std::vector<std::string_view> &arguments)
{
    Settings settings;
    for (std::string_view argument : arguments) {
        const auto equals = argument.find('=');
        if (equals == std::string_view::npos)
            bad_setting(argument, "expected name=value");
        const std::string_view name = argument.substr(0, equals);
        const std::string_view value = argument.substr(equals + 1);
        if (name == "status_column") {
            if (value.empty())
                bad_setting(argument, "the status column needs a name");
            settings.status_column = value;
        } else if (name == "priority_column") {
            settings.priority_column = value;
        } else if (name == "max_attempts") {
            auto [end, error] =
                std::from_chars(value.data(), value.data() + value.size(), settings.max_attempts);
            if (error != std::errc() || end != value.data() + value.size() ||
                settings.max_attempts < 1)
                bad_setting(argument, "expected a positive integer");
        } else if (name == "retry_backoff_seconds") {
            settings.retry_backoff_seconds = parse_seconds(argument, value);
        } else if (name == "retry_backoff_max_seconds") {
            settings.retry_backoff_max_seconds = parse_seconds(argument, value);
        } else if (name == "notify") {
            if (value != "true" && value != "false")
                bad_setting(argument, "expected true or false");
            settings.notify = value == "true";
        } else {
            bad_setting(argument, "unknown setting");
        }
    }
    return settings;
}

std::string_view find_setting(const char *const *arguments, int count,
                              std::string_view name) noexcept
{
    for (int i = 0; i < count; ++i) {
        const std::string_view argument(arguments[i], std::strlen(arguments[i]));
        if (argument.size() > name.size() && argument.substr(0, name.size()) == name &&
            argument[name.size()] == '=')
            return argument.substr(name.size() + 1);
    }
    return {};
}

} // namespace idempotent::queue

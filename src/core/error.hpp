// The one exception type of the pure C++ core. It carries a SQLSTATE so that the PostgreSQL
// layer can report it as an ordinary error that callers may branch on.
#pragma once
#include "core/cpp_only.hpp"

#include <stdexcept>
#include <string>

namespace idempotent
{

// SQLSTATE codes used by the core (five characters each, as in the SQL standard).
namespace sqlstate
{
inline constexpr const char *invalid_parameter_value = "22023";
inline constexpr const char *program_limit_exceeded = "54000";
inline constexpr const char *internal_error = "XX000";
inline constexpr const char *out_of_memory = "53200";
} // namespace sqlstate

class Error : public std::runtime_error
{
  public:
    Error(const char *sqlstate, const std::string &message, std::string hint = {})
        : std::runtime_error(message), hint_(std::move(hint))
    {
        for (int i = 0; i < 5; ++i)
            sqlstate_[i] = sqlstate[i];
        sqlstate_[5] = '\0';
    }

    const char *sqlstate() const noexcept { return sqlstate_; }
    const std::string &hint() const noexcept { return hint_; }

  private:
    char sqlstate_[6];
    std::string hint_;
};

} // namespace idempotent

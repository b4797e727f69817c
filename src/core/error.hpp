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
inline constexpr const char *undefined_column = "42703";
inline constexpr const char *duplicate_column = "42701";
inline constexpr const char *generated_always = "428C9";
inline constexpr const char *invalid_column_reference = "42P10";
inline constexpr const char *wrong_object_type = "42809";
inline constexpr const char *feature_not_supported = "0A000";
inline constexpr const char *check_violation = "23514";
inline constexpr const char *not_null_violation = "23502";
inline constexpr const char *lock_not_available = "55P03";
inline constexpr const char *cardinality_violation = "21000";
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

#pragma once
/// Expected outcomes as values: a `Result<T>` holds a value or an `Error`. The member names follow
/// std::expected, so moving to C++23 is `template <class T> using Result = std::expected<T,
/// Error>`.

#include <cassert>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "core/time.hpp"

namespace plm::core {

/// Protocol-agnostic error vocabulary; each edge translates it once (HTTP status, exit code,
/// job retry decision).
enum class ErrorCode {
  NotFound,       ///< the thing does not exist (or is not visible to this user)
  InvalidInput,   ///< the caller's input is wrong; retrying the same input cannot help
  NeedsReauth,    ///< Spotify refused the refresh token (expired 6 months after consent, revoked)
  Forbidden,      ///< authenticated but not allowed (scope, ownership)
  RateLimited,    ///< Spotify 429; `retry_at` says when to try again
  QuotaExceeded,  ///< Spotify development-mode quota; pause non-interactive work until `retry_at`
  Unavailable,    ///< 5xx, timeouts, network errors: transient
  Conflict,       ///< the state changed under us (snapshot mismatch, unique constraint)
  BadResponse,    ///< the other side sent something we cannot understand
  Internal,       ///< a bug or an environment failure (disk, database connection)
};

std::string_view to_string(ErrorCode code);
/// The code whose to_string is `text` (stored error codes are read back with it), or nullopt.
std::optional<ErrorCode> error_code_from_string(std::string_view text);

struct Error {
  ErrorCode code = ErrorCode::Internal;
  std::string message;  ///< lower-case start, no trailing period, names the thing and the value
  std::optional<TimePoint> retry_at;
  /// The technical reason behind `message` (a database's own text, a library's exception), for
  /// logs and `PLM_DEBUG=1`; never shown to a person by default. Empty: `message` says it all.
  std::string detail;

  bool retryable() const {
    return code == ErrorCode::RateLimited || code == ErrorCode::QuotaExceeded ||
           code == ErrorCode::Unavailable;
  }
};

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message), {}, {}};
}

/// The value type of `Status`: a result that carries no value.
struct Unit {
  bool operator==(const Unit&) const = default;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit, like std::expected
  Result(Error error) : state_(std::move(error)) {}  // NOLINT

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & {
    assert(has_value());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(state_));
  }
  const Error& error() const {
    assert(!has_value());
    return std::get<1>(state_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> state_;
};

using Status = Result<Unit>;
inline Status ok() { return Unit{}; }

}  // namespace plm::core

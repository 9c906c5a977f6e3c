#include "core/result.hpp"

namespace plm::core {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::NotFound:
      return "not_found";
    case ErrorCode::InvalidInput:
      return "invalid_input";
    case ErrorCode::NeedsReauth:
      return "needs_reauth";
    case ErrorCode::Forbidden:
      return "forbidden";
    case ErrorCode::RateLimited:
      return "rate_limited";
    case ErrorCode::QuotaExceeded:
      return "quota_exceeded";
    case ErrorCode::Unavailable:
      return "unavailable";
    case ErrorCode::Conflict:
      return "conflict";
    case ErrorCode::BadResponse:
      return "bad_response";
    case ErrorCode::Internal:
      return "internal";
  }
  return "internal";
}

std::optional<ErrorCode> error_code_from_string(std::string_view text) {
  for (const ErrorCode code :
       {ErrorCode::NotFound, ErrorCode::InvalidInput, ErrorCode::NeedsReauth, ErrorCode::Forbidden,
        ErrorCode::RateLimited, ErrorCode::QuotaExceeded, ErrorCode::Unavailable,
        ErrorCode::Conflict, ErrorCode::BadResponse, ErrorCode::Internal}) {
    if (to_string(code) == text) return code;
  }
  return std::nullopt;
}

}  // namespace plm::core

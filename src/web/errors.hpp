#pragma once
/// The API's one error shape, {"error":{"code","message"}}, and the one translation from
/// core::ErrorCode to an HTTP status and code (api/openapi.yaml lists the codes).

#include <chrono>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "http/message.hpp"

namespace plm::web {

struct ApiError {
  int status = 500;
  std::string code = "internal";
  std::string message;
  std::optional<std::chrono::seconds> retry_after;  ///< sent as Retry-After
};

/// The status and code for a core error: NotFound 404 not_found, InvalidInput 400 invalid_input,
/// Forbidden 403 forbidden, Conflict 409 conflict, NeedsReauth 409 needs_reauth, RateLimited and
/// QuotaExceeded 503 rate_limited (Retry-After from retry_at), Unavailable and BadResponse 503
/// unavailable, Internal 500 internal (the message is replaced: internals stay in the log).
ApiError api_error(const core::Error& error, std::chrono::system_clock::time_point now);
/// The code string alone (job errors use the same vocabulary).
std::string error_code_for(core::ErrorCode code);

http::Response error_response(const ApiError& error);
http::Response error_response(int status, std::string code, std::string message);
/// The same shape for what the HTTP server refuses before the app sees the request (400
/// malformed, 413 too large, 431 headers too large, 500 thrown, 501 unknown transfer coding, 503
/// too many connections): http::ServerOptions::error_response.
http::Response transport_error_response(int status, std::string_view message);

/// JSON string literal with the quotes ("a\"b"); escapes control characters and keeps UTF-8.
void append_json_string(std::string& out, std::string_view text);
std::string json_string(std::string_view text);

}  // namespace plm::web

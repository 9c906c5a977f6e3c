#include "web/errors.hpp"

namespace plm::web {

std::string error_code_for(core::ErrorCode code) {
  switch (code) {
    case core::ErrorCode::NotFound:
      return "not_found";
    case core::ErrorCode::InvalidInput:
      return "invalid_input";
    case core::ErrorCode::NeedsReauth:
      return "needs_reauth";
    case core::ErrorCode::Forbidden:
      return "forbidden";
    case core::ErrorCode::RateLimited:
    case core::ErrorCode::QuotaExceeded:
      return "rate_limited";
    case core::ErrorCode::Unavailable:
    case core::ErrorCode::BadResponse:
      return "unavailable";
    case core::ErrorCode::Conflict:
      return "conflict";
    case core::ErrorCode::Internal:
      return "internal";
  }
  return "internal";
}

ApiError api_error(const core::Error& error, std::chrono::system_clock::time_point now) {
  ApiError result;
  result.code = error_code_for(error.code);
  result.message = error.message;
  switch (error.code) {
    case core::ErrorCode::NotFound:
      result.status = 404;
      break;
    case core::ErrorCode::InvalidInput:
      result.status = 400;
      break;
    case core::ErrorCode::Forbidden:
      result.status = 403;
      break;
    case core::ErrorCode::NeedsReauth:
    case core::ErrorCode::Conflict:
      result.status = 409;
      break;
    case core::ErrorCode::RateLimited:
    case core::ErrorCode::QuotaExceeded: {
      result.status = 503;
      const auto wait = error.retry_at
                            ? std::chrono::ceil<std::chrono::seconds>(*error.retry_at - now)
                            : std::chrono::seconds(60);
      result.retry_after = std::max(wait, std::chrono::seconds(1));
      break;
    }
    case core::ErrorCode::Unavailable:
    case core::ErrorCode::BadResponse:
      result.status = 503;
      break;
    case core::ErrorCode::Internal:
      result.status = 500;
      result.message = "the server failed; the log has details";
      break;
  }
  return result;
}

namespace {

/// Length of the valid UTF-8 sequence starting at `text[at]` (a lead byte >= 0x80), or 0.
std::size_t utf8_sequence(std::string_view text, std::size_t at) {
  const auto byte = static_cast<unsigned char>(text[at]);
  std::size_t length = 0;
  unsigned min = 0;
  unsigned code = 0;
  if (byte >= 0xC2 && byte <= 0xDF) {
    length = 2, min = 0x80, code = byte & 0x1Fu;
  } else if (byte >= 0xE0 && byte <= 0xEF) {
    length = 3, min = 0x800, code = byte & 0x0Fu;
  } else if (byte >= 0xF0 && byte <= 0xF4) {
    length = 4, min = 0x10000, code = byte & 0x07u;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(text[at + i]);
    if ((next & 0xC0) != 0x80) return 0;
    code = (code << 6) | (next & 0x3Fu);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (std::size_t at = 0; at < text.size(); ++at) {
    const char c = text[at];
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      // Invalid UTF-8 (an echo of a client's broken bytes) becomes U+FFFD: the output stays JSON.
      if (const std::size_t length = utf8_sequence(text, at); length > 0) {
        out.append(text.substr(at, length));
        at += length - 1;
      } else {
        out += "\ufffd";
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (byte < 0x20) {
          out += "\\u00";
          out.push_back(kHex[byte >> 4]);
          out.push_back(kHex[byte & 0x0F]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

std::string json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_json_string(out, text);
  return out;
}

http::Response error_response(const ApiError& error) {
  std::string body = R"({"error":{"code":)";
  append_json_string(body, error.code);
  body += R"(,"message":)";
  append_json_string(body, error.message);
  body += "}}";
  auto response = http::Response::json(error.status, std::move(body));
  if (error.retry_after)
    response.set_header("Retry-After", std::to_string(error.retry_after->count()));
  return response;
}

http::Response error_response(int status, std::string code, std::string message) {
  return error_response(ApiError{status, std::move(code), std::move(message), std::nullopt});
}

http::Response transport_error_response(int status, std::string_view message) {
  switch (status) {
    case 413:
      return error_response(413, "payload_too_large", "the request body is too large");
    case 400:
      return error_response(400, "invalid_input", "malformed HTTP request");
    case 501:
      return error_response(501, "invalid_input", "unsupported Transfer-Encoding");
    case 503:
      return error_response(503, "unavailable", "too many connections, try again later");
    default:
      return error_response(status, status >= 500 ? "internal" : "invalid_input",
                            status >= 500 ? "internal error" : std::string(message));
  }
}

}  // namespace plm::web

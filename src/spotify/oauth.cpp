#include "spotify/oauth.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

#include "http/message.hpp"
#include "spotify/parse.hpp"
#include "spotify/retry_policy.hpp"

namespace plm::spotify {

namespace {

using core::ErrorCode;

void ensure_sodium() {
  // sodium_init is thread-safe and idempotent; it fails only when no entropy source exists.
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

constexpr std::string_view kUnreserved =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

std::string random_string(std::size_t length, std::string_view alphabet) {
  ensure_sodium();
  std::string out;
  out.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    out.push_back(alphabet[randombytes_uniform(static_cast<std::uint32_t>(alphabet.size()))]);
  }
  return out;
}

std::string param(const std::vector<plm::http::Field>& fields, std::string_view name) {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return {};
}

/// The token endpoint's error as a core::Error. `refreshing` decides what invalid_grant means.
core::Error token_error(const HttpResponse& response, bool refreshing,
                        std::chrono::system_clock::time_point now) {
  const ApiError error = parse_api_error(response.status, response.body);
  const std::string detail =
      error.oauth_error.empty() ? error.message : error.oauth_error + ": " + error.message;
  if (response.status >= 500) {
    return core::make_error(ErrorCode::Unavailable, "spotify accounts service failed with HTTP " +
                                                        std::to_string(response.status) + " (" +
                                                        error.message + ")");
  }
  if (response.status == 429) {
    auto failure = core::make_error(ErrorCode::RateLimited, "spotify accounts service: " + detail);
    failure.retry_at =
        now + parse_retry_after(response.header("retry-after")).value_or(std::chrono::seconds(1));
    return failure;
  }
  if (error.oauth_error == "invalid_grant") {
    // §1.3: "Do not retry the refresh — discard the stored token and redirect the user".
    return core::make_error(
        refreshing ? ErrorCode::NeedsReauth : ErrorCode::InvalidInput,
        (refreshing ? "refresh token refused (" : "authorization code refused (") + detail + ")");
  }
  if (error.oauth_error == "invalid_client" || error.oauth_error == "unauthorized_client") {
    return core::make_error(ErrorCode::Forbidden, "client credentials refused (" + detail + ")");
  }
  return core::make_error(
      ErrorCode::InvalidInput,
      "token request refused with HTTP " + std::to_string(response.status) + " (" + detail + ")");
}

/// `issued_at` is the time of the token request rounded down to the second, as tokens' times are
/// stored: a copy read back from the store equals the one in memory.
core::AccountTokens tokens_from(const TokenResponse& token, core::TimePoint issued_at) {
  core::AccountTokens tokens;
  tokens.access_token = token.access_token;
  tokens.refresh_token = token.refresh_token;
  tokens.scope = token.scope;
  tokens.expires_at = issued_at + std::chrono::seconds(token.expires_in);  // ≤ kMaxExpiresIn
  return tokens;
}

core::TimePoint to_the_second(core::TimePoint time) {
  return std::chrono::floor<std::chrono::seconds>(time);
}

/// The tokens of the token endpoint's `answer` to a request sent at `now`, or its error
/// (`refreshing` decides what invalid_grant means).
core::Result<core::AccountTokens> tokens_of_answer(const core::Result<HttpResponse>& answer,
                                                   bool refreshing, core::TimePoint now) {
  if (!answer) return answer.error();
  if (answer->status != 200) return token_error(*answer, refreshing, now);
  auto token = parse_token_response(answer->body);
  if (!token) return token.error();
  return tokens_from(*token, to_the_second(now));
}

}  // namespace

std::string pkce_challenge(std::string_view code_verifier) {
  ensure_sodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(code_verifier.data()),
                     code_verifier.size());
  char encoded[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
                                         sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(encoded, sizeof encoded, digest, sizeof digest,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return encoded;
}

std::string make_code_verifier(std::size_t length) {
  return random_string(std::clamp<std::size_t>(length, 43, 128), kUnreserved);
}

std::string make_state() {
  return random_string(32, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}

core::Result<std::string> code_from_callback(std::string_view query,
                                             std::string_view expected_state) {
  if (query.starts_with('?')) query.remove_prefix(1);
  const auto fields = plm::http::parse_form(query);
  const std::string state = param(fields, "state");
  ensure_sodium();
  const bool state_ok = !expected_state.empty() && state.size() == expected_state.size() &&
                        sodium_memcmp(state.data(), expected_state.data(), state.size()) == 0;
  if (!state_ok) {
    return core::make_error(ErrorCode::InvalidInput,
                            "authorization callback state does not match the request");
  }
  if (const std::string error = param(fields, "error"); !error.empty()) {
    return core::make_error(ErrorCode::Forbidden, "authorization was not granted (" + error + ")");
  }
  std::string code = param(fields, "code");
  if (code.empty()) {
    return core::make_error(ErrorCode::InvalidInput, "authorization callback has no code");
  }
  return code;
}

Authorizer::Authorizer(OAuthConfig config, HttpTransport& transport, const core::Clock& clock)
    : config_(std::move(config)), transport_(transport), clock_(clock) {
  while (config_.accounts_base_url.ends_with('/')) config_.accounts_base_url.pop_back();
}

AuthorizationRequest Authorizer::start(const std::string& redirect_uri, const std::string& scopes,
                                       bool show_dialog) const {
  AuthorizationRequest request;
  request.state = make_state();
  request.code_verifier = make_code_verifier();
  std::vector<plm::http::Field> query{{"client_id", config_.client_id},
                                      {"response_type", "code"},
                                      {"redirect_uri", redirect_uri},
                                      {"state", request.state},
                                      {"scope", scopes},
                                      {"code_challenge_method", "S256"},
                                      {"code_challenge", pkce_challenge(request.code_verifier)}};
  if (show_dialog) query.emplace_back("show_dialog", "true");
  request.url = config_.accounts_base_url + "/authorize?" + plm::http::build_query(query);
  return request;
}

core::Result<HttpResponse> Authorizer::post_token(const std::string& form) const {
  HttpRequest request;
  request.method = "POST";
  request.url = config_.accounts_base_url + "/api/token";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  if (!config_.client_secret.empty()) {
    request.headers.emplace_back(
        "Authorization",
        "Basic " + plm::http::base64_encode(config_.client_id + ":" + config_.client_secret));
  }
  request.body = form;
  request.connect_timeout = config_.connect_timeout;
  request.total_timeout = config_.total_timeout;
  auto response = transport_.send(request);
  if (!response) {
    // The transport's code stands: Unavailable when no answer came, BadResponse for one too large
    // to accept (not worth retrying as if the service were down).
    const auto& error = response.error();
    return core::make_error(
        error.code, (error.code == ErrorCode::Unavailable ? "spotify accounts service unreachable: "
                                                          : "spotify accounts service: ") +
                        error.message);
  }
  return response;
}

core::Result<core::AccountTokens> Authorizer::exchange_code(
    const std::string& code, const std::string& redirect_uri,
    const std::string& code_verifier) const {
  std::vector<plm::http::Field> form{
      {"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", redirect_uri}};
  if (config_.client_secret.empty()) form.emplace_back("client_id", config_.client_id);
  if (!code_verifier.empty()) form.emplace_back("code_verifier", code_verifier);
  const auto now = clock_.now();
  auto tokens =
      tokens_of_answer(post_token(plm::http::build_query(form)), /*refreshing=*/false, now);
  if (!tokens) return tokens.error();
  if (tokens->refresh_token.empty()) {
    return core::make_error(ErrorCode::BadResponse, "code exchange returned no refresh token");
  }
  tokens->authorized_at = to_the_second(now);
  return tokens;
}

core::Result<core::AccountTokens> Authorizer::refresh(const core::AccountTokens& current) const {
  if (current.refresh_token.empty()) {
    return core::make_error(ErrorCode::NeedsReauth, "account has no refresh token");
  }
  std::vector<plm::http::Field> form{{"grant_type", "refresh_token"},
                                     {"refresh_token", current.refresh_token}};
  if (config_.client_secret.empty()) form.emplace_back("client_id", config_.client_id);
  const auto now = clock_.now();
  auto tokens =
      tokens_of_answer(post_token(plm::http::build_query(form)), /*refreshing=*/true, now);
  if (!tokens) return tokens.error();
  // §1.3 / §7.11: no refresh_token in the answer means "keep using the one you have".
  if (tokens->refresh_token.empty()) tokens->refresh_token = current.refresh_token;
  if (tokens->scope.empty()) tokens->scope = current.scope;
  tokens->authorized_at = current.authorized_at;
  return tokens;
}

core::Result<core::AccountTokens> Authorizer::client_credentials() const {
  if (config_.client_secret.empty()) {
    return core::make_error(ErrorCode::InvalidInput,
                            "client credentials need the app's client secret (none is configured)");
  }
  const auto now = clock_.now();
  const std::vector<plm::http::Field> form{{"grant_type", "client_credentials"}};
  auto tokens =
      tokens_of_answer(post_token(plm::http::build_query(form)), /*refreshing=*/false, now);
  if (!tokens) return tokens.error();
  // Nothing to refresh with, and no user whose grant a scope would describe.
  tokens->refresh_token.clear();
  tokens->scope.clear();
  return tokens;
}

}  // namespace plm::spotify

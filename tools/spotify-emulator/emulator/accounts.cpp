// The accounts service: GET /authorize (a consent page, or immediate approval in auto-approve
// mode), POST /authorize/decision (the consent form), and POST /api/token for the
// authorization_code (client secret or PKCE), refresh_token and client_credentials grants.
// Rules and messages: ../shared/docs/spotify-api.md section 1.

#include <arpa/inet.h>
#include <sodium.h>

#include <algorithm>
#include <sstream>

#include "emulator/internal.hpp"

namespace spotify_emulator {

namespace {

constexpr std::int64_t kCodeLifetimeMs = 10 * 60 * 1000;

const std::set<std::string>& known_scopes() {
  static const std::set<std::string> scopes{"ugc-image-upload",
                                            "user-read-playback-state",
                                            "user-modify-playback-state",
                                            "user-read-currently-playing",
                                            "app-remote-control",
                                            "streaming",
                                            "playlist-read-private",
                                            "playlist-read-collaborative",
                                            "playlist-modify-private",
                                            "playlist-modify-public",
                                            "user-follow-modify",
                                            "user-follow-read",
                                            "user-read-playback-position",
                                            "user-top-read",
                                            "user-read-recently-played",
                                            "user-library-modify",
                                            "user-library-read",
                                            "user-read-email",
                                            "user-read-private",
                                            "user-personalized",
                                            "user-soa-link",
                                            "user-soa-unlink",
                                            "soa-manage-entitlements",
                                            "soa-manage-partner",
                                            "soa-create-partner"};
  return scopes;
}

std::set<std::string> split_scopes(std::string_view text) {
  std::set<std::string> scopes;
  std::istringstream stream{std::string(text)};
  std::string scope;
  while (stream >> scope) scopes.insert(scope);
  return scopes;
}

std::string join_scopes(const std::set<std::string>& scopes) {
  std::string out;
  for (const auto& scope : scopes) {
    if (!out.empty()) out.push_back(' ');
    out += scope;
  }
  return out;
}

// Spotify's description escaping is also safe for HTML text and attribute values.
std::string html_escape(std::string_view text) { return escape_description(text); }

Response page(int status, std::string_view title, std::string_view body_html) {
  std::string html =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<link rel=\"icon\" href=\"data:,\"><title>";
  html += html_escape(title);
  html +=
      "</title><style>body{font-family:system-ui,sans-serif;background:#121212;color:#fff;"
      "display:flex;justify-content:center;padding:3rem 1rem}main{max-width:28rem;width:100%}"
      "h1{font-size:1.5rem}li{margin:.3rem 0}select,button{font-size:1rem;padding:.6rem 1rem;"
      "border-radius:2rem;border:0;margin:.3rem .3rem .3rem 0}button.agree{background:#1ed760;"
      "color:#000;font-weight:700}.error{color:#f3727f}small{color:#b3b3b3}</style></head>"
      "<body><main>";
  html += body_html;
  html += "</main></body></html>";
  return Response::text(status, std::move(html), "text/html; charset=utf-8");
}

Response error_page(std::string_view message) {
  return page(400, "Error",
              "<h1>Something went wrong</h1><p class=\"error\" id=\"error\">" +
                  html_escape(message) + "</p>");
}

struct ParsedUri {
  std::string scheme, host, port, path;
};

std::optional<ParsedUri> parse_uri(std::string_view uri) {
  const auto scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return std::nullopt;
  ParsedUri parsed;
  parsed.scheme = std::string(uri.substr(0, scheme_end));
  auto rest = uri.substr(scheme_end + 3);
  const auto path_start = rest.find_first_of("/?#");
  auto authority = rest.substr(0, path_start);
  parsed.path = path_start == std::string_view::npos ? "" : std::string(rest.substr(path_start));
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    parsed.host = std::string(authority.substr(0, close + 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      parsed.port = std::string(authority.substr(close + 2));
    }
  } else {
    const auto colon = authority.rfind(':');
    parsed.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      parsed.port = std::string(authority.substr(colon + 1));
      if (parsed.port.empty()) return std::nullopt;  // "host:" with nothing after the colon
    }
  }
  if (parsed.host.empty()) return std::nullopt;
  // A port, when present, is a number: "127.0.0.1:1@evil.example" is a user-info trick, not a port.
  if (!parsed.port.empty()) {
    if (parsed.port.size() > 5 || !std::all_of(parsed.port.begin(), parsed.port.end(),
                                               [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    if (std::stoi(parsed.port) > 65535) return std::nullopt;
  }
  return parsed;
}

/// 127.0.0.0/8 as a dotted-quad literal, or exactly [::1]. "127.attacker.example" is a name.
bool is_loopback_literal(std::string_view host) {
  if (host == "[::1]") return true;
  in_addr address{};
  if (inet_pton(AF_INET, std::string(host).c_str(), &address) != 1) return false;
  return (ntohl(address.s_addr) >> 24) == 127;
}

}  // namespace

std::string redirect_uri_problem(std::string_view uri) {
  const auto parsed = parse_uri(uri);
  if (!parsed) return "INVALID_CLIENT: Invalid redirect URI";
  std::string host = parsed->host;
  for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (host == "localhost" || host.ends_with(".localhost"))
    return "INVALID_CLIENT: Insecure redirect URI";
  if (parsed->scheme == "http" && !is_loopback_literal(host)) {
    return "INVALID_CLIENT: Insecure redirect URI";
  }
  return {};
}

/// Exact match, except that a loopback IP literal registered without a port matches any port.
bool redirect_uri_registered(const App& app, std::string_view uri) {
  for (const auto& registered : app.redirect_uris) {
    if (registered == uri) return true;
    const auto want = parse_uri(registered);
    const auto got = parse_uri(uri);
    if (want && got && want->port.empty() && is_loopback_literal(want->host) &&
        want->scheme == got->scheme && want->host == got->host && want->path == got->path) {
      return true;
    }
  }
  return false;
}

namespace {

std::string redirect_with(std::string_view redirect_uri,
                          const std::vector<plm::http::Field>& fields) {
  std::string location(redirect_uri);
  location += location.find('?') == std::string::npos ? '?' : '&';
  location += plm::http::build_query(fields);
  return location;
}

std::vector<plm::http::Field> with_state(std::vector<plm::http::Field> fields,
                                         const Request& request,
                                         const std::vector<plm::http::Field>& form) {
  std::optional<std::string_view> state = request.query_param("state");
  for (const auto& [name, value] : form) {
    if (name == "state") state = value;
  }
  if (state) fields.emplace_back("state", std::string(*state));
  return fields;
}

std::string_view param(const std::vector<plm::http::Field>& fields, std::string_view name) {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return {};
}

bool has_param(const std::vector<plm::http::Field>& fields, std::string_view name) {
  for (const auto& [key, value] : fields) {
    if (key == name) return true;
  }
  return false;
}

/// Checks an authorization request; returns a response when it must stop here.
std::optional<Response> validate_authorize(Call& call, const std::vector<plm::http::Field>& params,
                                           const App*& app) {
  const auto found = call.world.apps.find(std::string(param(params, "client_id")));
  if (found == call.world.apps.end()) return error_page("INVALID_CLIENT: Invalid client");
  app = &found->second;
  const auto redirect_uri = param(params, "redirect_uri");
  if (redirect_uri.empty()) return error_page("INVALID_CLIENT: Invalid redirect URI");
  if (auto problem = redirect_uri_problem(redirect_uri); !problem.empty())
    return error_page(problem);
  if (!redirect_uri_registered(*app, redirect_uri))
    return error_page("INVALID_CLIENT: Invalid redirect URI");
  auto fail = [&](std::string_view error) {
    return Response::redirect(
        302, redirect_with(redirect_uri,
                           with_state({{"error", std::string(error)}}, call.request, params)));
  };
  if (param(params, "response_type") != "code") return fail("unsupported_response_type");
  if (has_param(params, "code_challenge") || has_param(params, "code_challenge_method")) {
    if (param(params, "code_challenge_method") != "S256" ||
        param(params, "code_challenge").size() < 43) {
      return fail("invalid_request");
    }
  }
  for (const auto& scope : split_scopes(param(params, "scope"))) {
    if (!known_scopes().count(scope)) return fail("invalid_scope");
  }
  return std::nullopt;
}

Response issue_code(Call& call, const std::vector<plm::http::Field>& params,
                    const std::string& user_id) {
  const std::string code = call.world.new_token("AQ");
  AuthCode auth_code;
  auth_code.client_id = std::string(param(params, "client_id"));
  auth_code.user_id = user_id;
  auth_code.redirect_uri = std::string(param(params, "redirect_uri"));
  auth_code.code_challenge = std::string(param(params, "code_challenge"));
  auth_code.scopes = split_scopes(param(params, "scope"));
  auth_code.expires_at_ms = call.now_ms + kCodeLifetimeMs;
  call.world.codes[code] = std::move(auth_code);
  return Response::redirect(303, redirect_with(param(params, "redirect_uri"),
                                               with_state({{"code", code}}, call.request, params)));
}

Response authorize(Call& call) {
  const auto& params = call.request.query;
  const App* app = nullptr;
  if (auto stop = validate_authorize(call, params, app)) return *stop;
  // show_dialog=true makes Spotify ask again even if the user approved before: no auto-approval.
  if (call.world.options.auto_approve && param(params, "show_dialog") != "true" &&
      call.world.users.count(call.world.options.auto_approve_user)) {
    return issue_code(call, params, call.world.options.auto_approve_user);
  }
  std::string html = "<h1>Connect to " + html_escape(app->client_id) +
                     "</h1>"
                     "<p>This app (Spotify emulator consent page) asks to:</p><ul id=\"scopes\">";
  for (const auto& scope : split_scopes(param(params, "scope")))
    html += "<li>" + html_escape(scope) + "</li>";
  html += "</ul><form method=\"post\" action=\"/authorize/decision\">";
  for (const auto& [name, value] : params) {
    html += "<input type=\"hidden\" name=\"" + html_escape(name) + "\" value=\"" +
            html_escape(value) + "\">";
  }
  html += "<label for=\"user_id\">Signed in as </label><select id=\"user_id\" name=\"user_id\">";
  for (const auto& [id, user] : call.world.users) {
    const bool selected = id == call.world.options.auto_approve_user;
    html += "<option value=\"" + html_escape(id) + "\"" + (selected ? " selected" : "") + ">" +
            html_escape(user.display_name) + " (" + html_escape(id) + ")</option>";
  }
  html +=
      "</select><p><button class=\"agree\" name=\"decision\" value=\"approve\" "
      "id=\"approve\">Agree</button>"
      "<button name=\"decision\" value=\"deny\" id=\"deny\">Cancel</button></p></form>"
      "<small>Spotify Web API emulator. Nothing here talks to Spotify.</small>";
  return page(200, "Authorize", html);
}

Response authorize_decision(Call& call) {
  const auto form = plm::http::parse_form(call.request.body);
  const App* app = nullptr;
  if (auto stop = validate_authorize(call, form, app)) return *stop;
  if (param(form, "decision") != "approve") {
    return Response::redirect(
        303, redirect_with(param(form, "redirect_uri"),
                           with_state({{"error", "access_denied"}}, call.request, form)));
  }
  const std::string user_id(param(form, "user_id"));
  if (!call.world.users.count(user_id)) return error_page("Unknown user");
  return issue_code(call, form, user_id);
}

std::string pkce_challenge(std::string_view verifier) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(verifier.data()),
                     verifier.size());
  std::string encoded = plm::http::base64_encode(
      std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
  for (auto& c : encoded) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
  return encoded;
}

/// RFC 7636 section 4.1: 43-128 characters of [A-Za-z0-9-._~].
bool valid_code_verifier(std::string_view verifier) {
  if (verifier.size() < 43 || verifier.size() > 128) return false;
  return std::all_of(verifier.begin(), verifier.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
  });
}

struct ClientAuth {
  std::string client_id, client_secret;
  bool has_secret = false;
};

std::optional<ClientAuth> client_auth(const Request& request,
                                      const std::vector<plm::http::Field>& form) {
  ClientAuth auth;
  if (auto header = request.header("Authorization")) {
    if (!header->starts_with("Basic ")) return std::nullopt;
    const auto decoded = plm::http::base64_decode(header->substr(6));
    if (!decoded) return std::nullopt;
    const auto colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    auth.client_id = decoded->substr(0, colon);
    auth.client_secret = decoded->substr(colon + 1);
    auth.has_secret = true;
    return auth;
  }
  auth.client_id = std::string(param(form, "client_id"));
  if (has_param(form, "client_secret")) {
    auth.client_secret = std::string(param(form, "client_secret"));
    auth.has_secret = true;
  }
  return auth;
}

Json token_json(Call& call, const std::string& client_id, const std::string& user_id,
                const std::set<std::string>& scopes, const std::string& refresh_token) {
  const std::string access = call.world.new_token("BQ");
  AccessToken token;
  token.client_id = client_id;
  token.user_id = user_id;
  token.scopes = scopes;
  token.expires_at_ms = call.now_ms + call.world.options.access_token_ttl_s * 1000;
  token.refresh_token = refresh_token;
  call.world.tokens[access] = token;
  return Json{{"access_token", access},
              {"token_type", "Bearer"},
              {"expires_in", call.world.options.access_token_ttl_s},
              {"scope", join_scopes(scopes)}};
}

}  // namespace

/// Creates a refresh grant and an access token; shared with the admin API's token minting.
Json issue_tokens(Call& call, const std::string& client_id, const std::string& user_id,
                  const std::set<std::string>& scopes, bool pkce) {
  const std::string refresh = call.world.new_token("AQ");
  RefreshGrant grant;
  grant.client_id = client_id;
  grant.user_id = user_id;
  grant.scopes = scopes;
  grant.authorized_at_ms = call.now_ms;
  grant.pkce = pkce;
  grant.expires_at_ms = add_months(call.now_ms, call.world.options.refresh_token_lifetime_months);
  call.world.refresh_grants[refresh] = grant;
  Json json = token_json(call, client_id, user_id, scopes, refresh);
  json["refresh_token"] = refresh;
  return json;
}

namespace {

Response token(Call& call) {
  const auto content_type = call.request.header("Content-Type").value_or("");
  if (!content_type.starts_with("application/x-www-form-urlencoded")) {
    return auth_error("invalid_request", "Content-Type must be application/x-www-form-urlencoded");
  }
  const auto form = plm::http::parse_form(call.request.body);
  const auto auth = client_auth(call.request, form);
  if (!auth || auth->client_id.empty()) return auth_error("invalid_client");
  const auto app_found = call.world.apps.find(auth->client_id);
  if (app_found == call.world.apps.end()) return auth_error("invalid_client", "Invalid client");
  const App& app = app_found->second;
  const bool secret_ok = auth->has_secret && auth->client_secret == app.client_secret;
  if (auth->has_secret && !secret_ok) return auth_error("invalid_client", "Invalid client secret");

  const auto grant_type = param(form, "grant_type");
  if (!has_param(form, "grant_type")) {
    return auth_error("unsupported_grant_type", "grant_type parameter is missing");
  }
  if (grant_type == "client_credentials") {
    if (!secret_ok) return auth_error("invalid_client", "Invalid client secret");
    return json_response(200, token_json(call, app.client_id, "", {}, ""));
  }
  if (grant_type == "authorization_code") {
    const auto found = call.world.codes.find(std::string(param(form, "code")));
    if (found == call.world.codes.end() || found->second.used ||
        found->second.client_id != app.client_id) {
      return auth_error("invalid_grant", "Invalid authorization code");
    }
    AuthCode& code = found->second;
    if (call.now_ms >= code.expires_at_ms)
      return auth_error("invalid_grant", "Authorization code expired");
    if (param(form, "redirect_uri") != code.redirect_uri)
      return auth_error("invalid_grant", "Invalid redirect URI");
    if (!code.code_challenge.empty()) {
      if (!has_param(form, "code_verifier"))
        return auth_error("invalid_request", "code_verifier required");
      if (!valid_code_verifier(param(form, "code_verifier")))
        return auth_error("invalid_request", "Invalid code_verifier");
      if (pkce_challenge(param(form, "code_verifier")) != code.code_challenge) {
        return auth_error("invalid_grant", "code_verifier was incorrect");
      }
    } else if (!secret_ok) {
      return auth_error("invalid_client", "Invalid client secret");
    }
    code.used = true;
    return json_response(200, issue_tokens(call, app.client_id, code.user_id, code.scopes,
                                           /*pkce=*/!code.code_challenge.empty()));
  }
  if (grant_type == "refresh_token") {
    if (!has_param(form, "refresh_token"))
      return auth_error("invalid_request", "refresh_token must be supplied");
    const std::string refresh(param(form, "refresh_token"));
    const auto found = call.world.refresh_grants.find(refresh);
    if (found == call.world.refresh_grants.end() || found->second.client_id != app.client_id) {
      return auth_error("invalid_grant", "Invalid refresh token");
    }
    RefreshGrant grant = found->second;
    // A grant from the code flow with a secret refreshes with the secret too (Basic auth or the
    // body); only PKCE grants refresh with the client ID alone.
    if (!grant.pkce && !secret_ok) return auth_error("invalid_client", "Invalid client secret");
    if (grant.revoked) return auth_error("invalid_grant", "Refresh token revoked");
    // 2026: refresh tokens die 6 months after the user authorized; refreshing does not extend it.
    if (call.now_ms >= grant.expires_at_ms)
      return auth_error("invalid_grant", "Refresh token expired");
    if (call.world.options.rotate_refresh_tokens) {
      found->second.revoked = true;
      const std::string rotated = call.world.new_token("AQ");
      call.world.refresh_grants[rotated] = grant;
      Json json = token_json(call, app.client_id, grant.user_id, grant.scopes, rotated);
      json["refresh_token"] = rotated;
      return json_response(200, json);
    }
    return json_response(200,
                         token_json(call, app.client_id, grant.user_id, grant.scopes, refresh));
  }
  return auth_error("unsupported_grant_type",
                    "grant_type must be client_credentials, authorization_code or refresh_token");
}

}  // namespace

Response handle_accounts(Call& call) {
  const auto& path = call.request.path;
  const auto& method = call.request.method;
  if (path == "/authorize") {
    if (method == "GET") return authorize(call);
    return api_error(405, "Method not allowed");
  }
  if (path == "/authorize/decision" && method == "POST") return authorize_decision(call);
  if (path == "/api/token") {
    if (method == "POST") return token(call);
    return api_error(405, "Method not allowed");
  }
  return api_error(404, "Service not found");
}

}  // namespace spotify_emulator

#include "app/config.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "core/sync/sync_service.hpp"
#include "web/spotify_setup.hpp"
#include "web/url.hpp"

extern char** environ;

namespace plm::app {

namespace {

using core::ErrorCode;
using core::make_error;

std::string trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(" \t\r");
  return std::string(text.substr(begin, end - begin + 1));
}

core::Result<int> parse_int(const std::string& key, const std::string& value, int min, int max) {
  int parsed = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (error != std::errc{} || end != value.data() + value.size() || parsed < min || parsed > max) {
    return make_error(ErrorCode::InvalidInput, key + " must be a whole number from " +
                                                   std::to_string(min) + " to " +
                                                   std::to_string(max) + ", got '" + value + "'");
  }
  return parsed;
}

core::Result<bool> parse_bool(const std::string& key, const std::string& value) {
  if (value == "1" || value == "true" || value == "yes" || value == "on") return true;
  if (value == "0" || value == "false" || value == "no" || value == "off") return false;
  return make_error(ErrorCode::InvalidInput,
                    key + " must be 1 or 0 (true/false, yes/no, on/off), got '" + value + "'");
}

/// "HOST:PORT" with an IPv4 address or name, or "[v6]:PORT".
core::Status parse_listen(const std::string& value, Config& config) {
  const auto bad =
      make_error(ErrorCode::InvalidInput,
                 "PLM_LISTEN must be HOST:PORT (127.0.0.1:8080, 0.0.0.0:8080, [::1]:8080), got '" +
                     value + "'");
  const auto colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad;
  std::string host = value.substr(0, colon);
  if (host.starts_with('[')) {
    if (!host.ends_with(']')) return bad;
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) return bad;
  auto port = parse_int("PLM_LISTEN port", value.substr(colon + 1), 0, 65535);
  if (!port) return bad;
  config.listen_host = host;
  config.listen_port = static_cast<std::uint16_t>(*port);
  return core::ok();
}

core::Status check_url(const std::string& key, const std::string& value) {
  const auto url = web::parse_url(value);
  if (!url) {
    return make_error(ErrorCode::InvalidInput,
                      key + " must be an http:// or https:// URL, got '" + value + "'");
  }
  // "http://127.0.0.1@example.com/" goes to example.com: user info only serves to disguise a host.
  if (url->has_userinfo) {
    return make_error(ErrorCode::InvalidInput,
                      key + " must not contain user information (user@host), got '" + value + "'");
  }
  // Bearer tokens and client secrets travel in these requests: plain http only on this machine
  // (the emulator, a loopback redirect), as Spotify itself allows only for loopback addresses. The
  // host must be an address literal: a name ("localhost", "127.0.0.1.nip.io") may resolve anywhere.
  if (url->scheme == "http" && !web::is_loopback_literal(url->host)) {
    return make_error(ErrorCode::InvalidInput,
                      key +
                          " must use https:// unless it points at this machine (127.0.0.1 or "
                          "[::1]), got '" +
                          value + "'");
  }
  return core::ok();
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& config_defaults() {
  static const std::vector<std::pair<std::string, std::string>> defaults{
      {"PLM_DATA_DIR", ""},  // resolved: $XDG_DATA_HOME/plm or ~/.local/share/plm
      {"PLM_DATABASE_URL", "sqlite:${PLM_DATA_DIR}/plm.db"},
      {"PLM_DATABASE_POOL", "4"},
      {"PLM_SECRET_KEY", ""},
      {"PLM_SECRET_KEY_FILE", "${PLM_DATA_DIR}/secret.key"},
      {"PLM_SPOTIFY_CLIENT_ID", ""},
      {"PLM_SPOTIFY_CLIENT_SECRET", ""},
      {"PLM_SPOTIFY_REDIRECT_URI", "http://127.0.0.1/callback"},
      {"PLM_SPOTIFY_API_URL", "https://api.spotify.com/v1"},
      {"PLM_SPOTIFY_ACCOUNTS_URL", "https://accounts.spotify.com"},
      {"PLM_SPOTIFY_RATE_BUDGET", "90"},
      {"PLM_SPOTIFY_MAX_WAIT_S", "60"},
      {"PLM_SYNC_IN_FLIGHT", "4"},
      {"PLM_SPOTIFY_TIMEOUT_MS", "30000"},
      {"PLM_USER", ""},
      {"PLM_CONFIG", ""},
      {"PLM_LISTEN", "127.0.0.1:8080"},
      {"PLM_PUBLIC_URL", ""},  // resolved: http://<PLM_LISTEN>/
      {"PLM_STATIC_DIR", PLM_DEFAULT_STATIC_DIR},
      {"PLM_SESSION_TTL_HOURS", "336"},
      {"PLM_SESSION_IDLE_HOURS", "72"},
      {"PLM_HTTP_THREADS", "2"},
      {"PLM_HANDLER_THREADS", "4"},
      {"PLM_MAX_CONNECTIONS", "1024"},
      {"PLM_MAX_CONNECTIONS_PER_ADDRESS", "64"},
      {"PLM_SYNC_WORKERS", "2"},
      {"PLM_TRUST_PROXY", "0"},
      {"PLM_ACCESS_LOG", "1"},
  };
  return defaults;
}

core::Result<std::map<std::string, std::string>> parse_config_file(
    std::string_view text, std::string_view file_name,
    std::map<std::string, std::string>* origins) {
  std::map<std::string, std::string> values;
  std::istringstream stream{std::string(text)};
  std::string line;
  int number = 0;
  while (std::getline(stream, line)) {
    ++number;
    std::string content = trim(line);
    if (content.empty() || content.starts_with('#')) continue;
    if (content.starts_with("export ")) content = trim(content.substr(7));
    const auto equals = content.find('=');
    const std::string where = std::string(file_name) + ":" + std::to_string(number);
    if (equals == std::string::npos) {
      return make_error(ErrorCode::InvalidInput,
                        where + ": expected KEY=VALUE, got '" + content + "'");
    }
    std::string key = trim(content.substr(0, equals));
    std::string value = trim(content.substr(equals + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    bool known = false;
    for (const auto& [name, fallback] : config_defaults()) known = known || name == key;
    if (!known)
      return make_error(ErrorCode::InvalidInput,
                        where + ": unknown setting " + key + " (see configs/example.env)");
    values[key] = value;
    if (origins) (*origins)[key] = "file " + where;
  }
  return values;
}

core::Result<Config> build_config(const std::map<std::string, std::string>& environment,
                                  const std::map<std::string, std::string>& file,
                                  const std::map<std::string, std::string>& overrides,
                                  const std::string& home,
                                  const std::map<std::string, std::string>& origins) {
  auto origin_of = [&](const std::string& key) -> std::string {
    const auto named = [&](const std::string& fallback) {
      const auto found = origins.find(key);
      return found != origins.end() ? found->second : fallback;
    };
    if (overrides.contains(key)) return named("option");
    if (environment.contains(key)) return "environment " + key;
    if (file.contains(key)) return named("file");
    return "default";
  };
  Config config;
  for (const auto& [key, fallback] : config_defaults()) config.origins[key] = origin_of(key);
  // Every refusal below names the key, the value and what it must be; this adds where the value
  // came from, so the person knows which file line, variable or option to change.
  auto refuse = [&](const std::string& key, core::Error error) {
    error.message += " (from " + config.origins[key] + ")";
    return error;
  };
  auto lookup = [&](const std::string& key) -> std::string {
    if (auto found = overrides.find(key); found != overrides.end()) return found->second;
    if (auto found = environment.find(key); found != environment.end()) return found->second;
    if (auto found = file.find(key); found != file.end()) return found->second;
    for (const auto& [name, fallback] : config_defaults()) {
      if (name == key) return fallback;
    }
    return {};
  };
  config.config_file = lookup("PLM_CONFIG");
  config.data_dir = lookup("PLM_DATA_DIR");
  if (config.data_dir.empty()) {
    const auto xdg = environment.find("XDG_DATA_HOME");
    if (xdg != environment.end() && !xdg->second.empty()) {
      config.data_dir = xdg->second + "/plm";
    } else if (!home.empty()) {
      config.data_dir = home + "/.local/share/plm";
    } else {
      return make_error(ErrorCode::InvalidInput,
                        "PLM_DATA_DIR is not set and there is no HOME to default it to: set "
                        "PLM_DATA_DIR (or --data-dir) to the directory for plm's data");
    }
  }
  auto expand = [&](std::string value) {
    const std::string token = "${PLM_DATA_DIR}";
    for (auto at = value.find(token); at != std::string::npos; at = value.find(token)) {
      value.replace(at, token.size(), config.data_dir);
    }
    return value;
  };
  config.database_url = expand(lookup("PLM_DATABASE_URL"));
  config.secret_key = lookup("PLM_SECRET_KEY");
  config.secret_key_file = expand(lookup("PLM_SECRET_KEY_FILE"));
  config.spotify_client_id = lookup("PLM_SPOTIFY_CLIENT_ID");
  config.spotify_client_secret = lookup("PLM_SPOTIFY_CLIENT_SECRET");
  config.spotify_redirect_uri = lookup("PLM_SPOTIFY_REDIRECT_URI");
  config.spotify_api_url = lookup("PLM_SPOTIFY_API_URL");
  config.spotify_accounts_url = lookup("PLM_SPOTIFY_ACCOUNTS_URL");
  config.user = lookup("PLM_USER");
  for (const char* key :
       {"PLM_SPOTIFY_API_URL", "PLM_SPOTIFY_ACCOUNTS_URL", "PLM_SPOTIFY_REDIRECT_URI"}) {
    if (auto checked = check_url(key, lookup(key)); !checked) return refuse(key, checked.error());
  }
  // What Spotify would refuse anyway (localhost, fragments, wildcards) is refused here, at once.
  if (const auto problems = web::redirect_uri_problems(config.spotify_redirect_uri);
      !problems.empty()) {
    return refuse("PLM_SPOTIFY_REDIRECT_URI",
                  make_error(ErrorCode::InvalidInput,
                             "PLM_SPOTIFY_REDIRECT_URI '" + config.spotify_redirect_uri +
                                 "' would be refused by Spotify: " + problems[0]));
  }
  while (config.spotify_api_url.ends_with('/')) config.spotify_api_url.pop_back();
  while (config.spotify_accounts_url.ends_with('/')) config.spotify_accounts_url.pop_back();
  const auto budget =
      parse_int("PLM_SPOTIFY_RATE_BUDGET", lookup("PLM_SPOTIFY_RATE_BUDGET"), 1, 100'000);
  if (!budget) return refuse("PLM_SPOTIFY_RATE_BUDGET", budget.error());
  config.spotify_rate_budget = *budget;
  const auto max_wait =
      parse_int("PLM_SPOTIFY_MAX_WAIT_S", lookup("PLM_SPOTIFY_MAX_WAIT_S"), 0, 3600);
  if (!max_wait) return refuse("PLM_SPOTIFY_MAX_WAIT_S", max_wait.error());
  config.spotify_max_wait_s = *max_wait;
  const auto timeout =
      parse_int("PLM_SPOTIFY_TIMEOUT_MS", lookup("PLM_SPOTIFY_TIMEOUT_MS"), 100, 600'000);
  if (!timeout) return refuse("PLM_SPOTIFY_TIMEOUT_MS", timeout.error());
  config.spotify_timeout = std::chrono::milliseconds(*timeout);
  if (config.database_url.empty())
    return refuse("PLM_DATABASE_URL",
                  make_error(ErrorCode::InvalidInput,
                             "PLM_DATABASE_URL must not be empty: leave it unset for SQLite in "
                             "the data directory, or give sqlite:PATH or postgresql://..."));

  if (auto listen = parse_listen(lookup("PLM_LISTEN"), config); !listen)
    return refuse("PLM_LISTEN", listen.error());
  config.public_url = lookup("PLM_PUBLIC_URL");
  if (!config.public_url.empty()) {
    const auto url = web::parse_url(config.public_url);
    if (!url || url->has_userinfo) {
      return refuse("PLM_PUBLIC_URL", make_error(ErrorCode::InvalidInput,
                                                 "PLM_PUBLIC_URL must be an http:// or https:// "
                                                 "URL without user information, got '" +
                                                     config.public_url + "'"));
    }
    if (!config.public_url.ends_with('/') || url->query || url->fragment) {
      return refuse("PLM_PUBLIC_URL",
                    make_error(ErrorCode::InvalidInput,
                               "PLM_PUBLIC_URL must end with '/' and have no query or fragment, "
                               "got '" +
                                   config.public_url + "'"));
    }
    // Browsers leave the default port out of Origin; so does everything derived from this URL.
    config.public_url = url->normalized();
  }
  config.static_dir = lookup("PLM_STATIC_DIR");
  struct IntSetting {
    const char* key;
    int min;
    int max;
    int* target;
  };
  for (const IntSetting& setting :
       {IntSetting{"PLM_SESSION_TTL_HOURS", 1, 24 * 366, &config.session_ttl_hours},
        IntSetting{"PLM_SESSION_IDLE_HOURS", 1, 24 * 366, &config.session_idle_hours},
        IntSetting{"PLM_HTTP_THREADS", 1, 64, &config.http_threads},
        IntSetting{"PLM_HANDLER_THREADS", 0, 256, &config.handler_threads},
        IntSetting{"PLM_MAX_CONNECTIONS", 1, 1'000'000, &config.max_connections},
        IntSetting{"PLM_MAX_CONNECTIONS_PER_ADDRESS", 1, 1'000'000,
                   &config.max_connections_per_address},
        IntSetting{"PLM_SYNC_WORKERS", 1, 32, &config.sync_workers},
        IntSetting{"PLM_SYNC_IN_FLIGHT", 1, core::kMaxSyncInFlight, &config.sync_in_flight},
        IntSetting{"PLM_DATABASE_POOL", 1, 64, &config.database_pool}}) {
    auto value = parse_int(setting.key, lookup(setting.key), setting.min, setting.max);
    if (!value) return refuse(setting.key, value.error());
    *setting.target = *value;
  }
  auto trust = parse_bool("PLM_TRUST_PROXY", lookup("PLM_TRUST_PROXY"));
  if (!trust) return refuse("PLM_TRUST_PROXY", trust.error());
  config.trust_proxy = *trust;
  auto access_log = parse_bool("PLM_ACCESS_LOG", lookup("PLM_ACCESS_LOG"));
  if (!access_log) return refuse("PLM_ACCESS_LOG", access_log.error());
  config.access_log = *access_log;
  return config;
}

core::Result<Config> load_config(const std::map<std::string, std::string>& overrides,
                                 const std::map<std::string, std::string>& override_origins) {
  std::map<std::string, std::string> environment;
  for (char** entry = environ; entry && *entry; ++entry) {
    const std::string_view text(*entry);
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string key(text.substr(0, equals));
    if (key.starts_with("PLM_") || key == "XDG_DATA_HOME")
      environment[key] = std::string(text.substr(equals + 1));
  }
  std::map<std::string, std::string> file;
  std::string file_name;
  if (auto found = overrides.find("PLM_CONFIG"); found != overrides.end()) {
    file_name = found->second;
  } else if (auto env = environment.find("PLM_CONFIG"); env != environment.end()) {
    file_name = env->second;
  }
  std::map<std::string, std::string> origins = override_origins;
  if (!file_name.empty()) {
    std::ifstream stream(file_name);
    if (!stream) {
      const std::string named_by =
          overrides.contains("PLM_CONFIG")
              ? origins.contains("PLM_CONFIG") ? origins["PLM_CONFIG"] : "option --config"
              : "environment PLM_CONFIG";
      return make_error(ErrorCode::InvalidInput,
                        "cannot read the config file " + file_name + " (named by " + named_by +
                            "): give a readable file of KEY=VALUE lines (see "
                            "configs/example.env), or an empty PLM_CONFIG for none");
    }
    std::stringstream text;
    text << stream.rdbuf();
    auto parsed = parse_config_file(text.str(), file_name, &origins);
    if (!parsed) return parsed.error();
    file = std::move(*parsed);
  }
  const char* home = std::getenv("HOME");
  return build_config(environment, file, overrides, home ? home : "", origins);
}

namespace {

/// SQLite paths are shown; server URLs only as scheme and host, since user, password and
/// options (?password=...) can all carry secrets.
std::string masked_database_url(const std::string& url) {
  if (url.starts_with("sqlite:") || url.find("://") == std::string::npos) return url;
  const auto scheme_end = url.find("://");
  auto rest = url.substr(scheme_end + 3);
  if (const auto at = rest.rfind('@', rest.find('/')); at != std::string::npos)
    rest = rest.substr(at + 1);
  const auto host_end = rest.find_first_of("/?");
  return url.substr(0, scheme_end + 3) + rest.substr(0, host_end) +
         "/… (credentials and options hidden)";
}

}  // namespace

std::string origin_of(const Config& config, const std::string& key) {
  const auto found = config.origins.find(key);
  return found != config.origins.end() ? found->second : "default";
}

std::vector<ConfigEntry> config_entries(const Config& config) {
  auto mask = [](const std::string& secret) {
    return secret.empty() ? std::string("(not set)") : std::string("(set, hidden)");
  };
  auto number = [](auto value) { return std::to_string(value); };
  const std::string listen =
      (config.listen_host.find(':') != std::string::npos ? "[" + config.listen_host + "]"
                                                         : config.listen_host) +
      ":" + std::to_string(config.listen_port);
  const std::map<std::string, std::string> values{
      {"PLM_DATA_DIR", config.data_dir},
      {"PLM_DATABASE_URL", masked_database_url(config.database_url)},
      {"PLM_DATABASE_POOL", number(config.database_pool)},
      {"PLM_SECRET_KEY", mask(config.secret_key)},
      {"PLM_SECRET_KEY_FILE", config.secret_key_file},
      {"PLM_SPOTIFY_CLIENT_ID", config.spotify_client_id},
      {"PLM_SPOTIFY_CLIENT_SECRET", mask(config.spotify_client_secret)},
      {"PLM_SPOTIFY_REDIRECT_URI", config.spotify_redirect_uri},
      {"PLM_SPOTIFY_API_URL", config.spotify_api_url},
      {"PLM_SPOTIFY_ACCOUNTS_URL", config.spotify_accounts_url},
      {"PLM_SPOTIFY_RATE_BUDGET", number(config.spotify_rate_budget)},
      {"PLM_SPOTIFY_MAX_WAIT_S", number(config.spotify_max_wait_s)},
      {"PLM_SYNC_IN_FLIGHT", number(config.sync_in_flight)},
      {"PLM_SPOTIFY_TIMEOUT_MS", number(config.spotify_timeout.count())},
      {"PLM_USER", config.user},
      {"PLM_CONFIG", config.config_file},
      {"PLM_LISTEN", listen},
      {"PLM_PUBLIC_URL", config.public_url},
      {"PLM_STATIC_DIR", config.static_dir},
      {"PLM_SESSION_TTL_HOURS", number(config.session_ttl_hours)},
      {"PLM_SESSION_IDLE_HOURS", number(config.session_idle_hours)},
      {"PLM_HTTP_THREADS", number(config.http_threads)},
      {"PLM_HANDLER_THREADS", number(config.handler_threads)},
      {"PLM_MAX_CONNECTIONS", number(config.max_connections)},
      {"PLM_MAX_CONNECTIONS_PER_ADDRESS", number(config.max_connections_per_address)},
      {"PLM_SYNC_WORKERS", number(config.sync_workers)},
      {"PLM_TRUST_PROXY", config.trust_proxy ? "1" : "0"},
      {"PLM_ACCESS_LOG", config.access_log ? "1" : "0"},
  };
  std::vector<ConfigEntry> entries;
  for (const auto& [key, fallback] : config_defaults())
    entries.push_back({key, values.at(key), origin_of(config, key)});
  return entries;
}

std::string describe(const Config& config) {
  std::string text;
  for (const auto& entry : config_entries(config)) text += entry.key + "=" + entry.value + "\n";
  return text;
}

}  // namespace plm::app

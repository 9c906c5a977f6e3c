#pragma once
/// plm's configuration: one struct, filled once at start from (lowest to highest precedence)
/// built-in defaults, a config file of KEY=VALUE lines (PLM_CONFIG or --config), environment
/// variables, and command-line overrides; validated with one clear message per bad value, then
/// passed by reference. Every key is documented in configs/example.env.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace plm::app {

struct Config {
  std::string data_dir;  ///< PLM_DATA_DIR: database, key file, pending OAuth state
  std::string
      database_url;  ///< PLM_DATABASE_URL: sqlite:PATH (default in data_dir) or postgresql://…
  int database_pool = 0;   ///< PLM_DATABASE_POOL: PostgreSQL connections open at most at once
  std::string secret_key;  ///< PLM_SECRET_KEY: base64 32-byte key for tokens at rest (optional)
  std::string
      secret_key_file;  ///< PLM_SECRET_KEY_FILE: generated 0600 key file when no key is given

  std::string spotify_client_id;      ///< PLM_SPOTIFY_CLIENT_ID (required to connect accounts)
  std::string spotify_client_secret;  ///< PLM_SPOTIFY_CLIENT_SECRET (optional: PKCE without it)
  std::string spotify_redirect_uri;   ///< PLM_SPOTIFY_REDIRECT_URI for `plm connect`
  std::string spotify_api_url;        ///< PLM_SPOTIFY_API_URL
  std::string spotify_accounts_url;   ///< PLM_SPOTIFY_ACCOUNTS_URL
  int spotify_rate_budget = 0;  ///< PLM_SPOTIFY_RATE_BUDGET: calls per rolling 30 s per client ID
  int spotify_max_wait_s = 0;   ///< PLM_SPOTIFY_MAX_WAIT_S: longest Retry-After slept in-line
  int sync_in_flight = 0;       ///< PLM_SYNC_IN_FLIGHT: playlists a sync reads at once (1-16)
  std::chrono::milliseconds spotify_timeout{0};  ///< PLM_SPOTIFY_TIMEOUT_MS per request

  std::string config_file;  ///< PLM_CONFIG: the file of KEY=VALUE lines read, if any
  std::string user;  ///< PLM_USER: the app user the CLI acts as (default: the only/first admin)

  // `plm serve`
  std::string listen_host;        ///< PLM_LISTEN host part ("127.0.0.1", "::1", "0.0.0.0")
  std::uint16_t listen_port = 0;  ///< PLM_LISTEN port part; 0 binds a free port
  std::string public_url;         ///< PLM_PUBLIC_URL, ending in '/'; empty: http://<listen>/
  std::string static_dir;         ///< PLM_STATIC_DIR: the built SPA (frontend/dist)
  int session_ttl_hours = 0;      ///< PLM_SESSION_TTL_HOURS: absolute session lifetime
  int session_idle_hours = 0;     ///< PLM_SESSION_IDLE_HOURS: sessions end after this idle time
  int http_threads = 0;           ///< PLM_HTTP_THREADS: I/O threads of the HTTP server
  int handler_threads = 0;        ///< PLM_HANDLER_THREADS: threads running request handlers
  int sync_workers = 0;           ///< PLM_SYNC_WORKERS: sync jobs running at once
  bool trust_proxy = false;       ///< PLM_TRUST_PROXY: X-Forwarded-For from a loopback proxy
  bool access_log = true;         ///< PLM_ACCESS_LOG: one JSON line per request on stderr
  int max_connections = 0;        ///< PLM_MAX_CONNECTIONS: open HTTP connections at once
  /// PLM_MAX_CONNECTIONS_PER_ADDRESS: open HTTP connections from one client address
  int max_connections_per_address = 0;

  /// Where each key's value came from, as `plm config --show-origin` says it: "default",
  /// "environment PLM_X", "file PATH:LINE", "option --data-dir". Every key of config_defaults().
  std::map<std::string, std::string> origins;
};

/// Keys with their defaults; `${PLM_DATA_DIR}` in a default is replaced by the resolved data dir.
const std::vector<std::pair<std::string, std::string>>& config_defaults();

/// Parses KEY=VALUE lines: blank lines and '#' comments ignored, optional `export `, optional
/// quotes around the value. Errors name the line. `origins`, when given, gets "file NAME:LINE"
/// for each key read (the last line that set it).
core::Result<std::map<std::string, std::string>> parse_config_file(
    std::string_view text, std::string_view file_name,
    std::map<std::string, std::string>* origins = nullptr);

/// Builds and validates the configuration. `environment` holds PLM_* variables, `file` the parsed
/// config file, `overrides` values from flags. Unknown PLM_* keys in the file are errors (typos).
/// `origins` names where the values of `file` and `overrides` came from ("file PATH:LINE",
/// "option --data-dir"); without an entry they are "file" and "option". An error names the key,
/// the value, where it came from and what it must be.
core::Result<Config> build_config(const std::map<std::string, std::string>& environment,
                                  const std::map<std::string, std::string>& file,
                                  const std::map<std::string, std::string>& overrides,
                                  const std::string& home,
                                  const std::map<std::string, std::string>& origins = {});

/// The same, reading the real environment and the config file it names. `override_origins`
/// names the option each override came from ("option --data-dir").
core::Result<Config> load_config(const std::map<std::string, std::string>& overrides,
                                 const std::map<std::string, std::string>& override_origins = {});

/// Where `key`'s value came from (Config::origins), "default" when unrecorded.
std::string origin_of(const Config& config, const std::string& key);

/// One key of the effective configuration, as `plm config` shows it.
struct ConfigEntry {
  std::string key;     ///< "PLM_DATA_DIR"
  std::string value;   ///< as the key would be written; secrets masked ("(set, hidden)")
  std::string origin;  ///< Config::origins
};

/// Every key, in config_defaults() order (PLM_CONFIG, which names the file, included).
std::vector<ConfigEntry> config_entries(const Config& config);

/// A line per key for `plm config` (KEY=VALUE), secrets masked.
std::string describe(const Config& config);

}  // namespace plm::app
